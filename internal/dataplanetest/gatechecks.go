package dataplanetest

import (
	"context"
	"fmt"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/securetransport"
)

// GateErrors is what a wire gate's four checks return on one call, each
// error as its type and text ("" for none), so that a test can hold one
// GateChecks to another with cmp.Diff.
type GateErrors struct{ Ran, Signer, Body, Violation string }

// RunGateChecks runs c's checks, in the order the gate runs them, on a call
// of op signed by signer with body, and then its handling of violation.
func RunGateChecks(c securetransport.GateChecks, ctx context.Context, op, signer, body string, violation *guarderr.SafeguardError) GateErrors {
	text := func(err error) string {
		if err == nil {
			return ""
		}
		return fmt.Sprintf("%T %v", err, err)
	}
	var g GateErrors
	g.Ran = text(c.Ran(ctx, op))
	g.Signer = text(c.CheckSigner(ctx, op, signer))
	g.Body = text(c.CheckBody(ctx, op, body))
	g.Violation = text(c.Violation(ctx, violation))
	return g
}
