package dataplanetest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/securetransport"
)

// GateErrors is what a wire gate's five checks return on one call, each
// error as its type and text ("" for none), so that a test can hold one
// GateChecks to another with cmp.Diff.
type GateErrors struct{ Ran, Sent, Signer, Body, Violation string }

// RunGateChecks runs c's checks, in the order the gate runs them, on a call
// of op that sends sent, signed by signer with body, and then its handling
// of violation.
func RunGateChecks(c securetransport.GateChecks, ctx context.Context, op string, sent *http.Request, signer, body string, violation *guarderr.SafeguardError) GateErrors {
	text := func(err error) string {
		if err == nil {
			return ""
		}
		return fmt.Sprintf("%T %v", err, err)
	}
	var g GateErrors
	g.Ran = text(c.Ran(ctx, op))
	g.Sent = text(c.CheckSent(ctx, op, sent))
	g.Signer = text(c.CheckSigner(ctx, op, signer))
	g.Body = text(c.CheckBody(ctx, op, body))
	g.Violation = text(c.Violation(ctx, violation))
	return g
}

// SentRequest returns a request as the gate's copy of a call of op would
// be, with the given method and path (path "" for the URL's Opaque), and
// X-Amz-Target target when it is not "".
func SentRequest(method, path, target string) *http.Request {
	u := &url.URL{Scheme: "https", Host: "personalize.us-east-1.amazonaws.com", Path: path}
	if path == "" {
		u.Opaque = "/opaque"
	}
	r := &http.Request{Method: method, URL: u, Header: http.Header{}}
	if target != "" {
		r.Header.Set("X-Amz-Target", target)
	}
	return r
}
