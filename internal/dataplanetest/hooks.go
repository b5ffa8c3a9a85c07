package dataplanetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// RewriteBodyAfterSigning returns an APIOptions entry adding a Finalize
// middleware, after signing, that replaces the first old in the serialized
// body with new: the hook a test plays a hostile or careless caller with,
// for any of the three clients. The test fails if the body holds no old.
func RewriteBodyAfterSigning(tb testing.TB, old, new string) func(*middleware.Stack) error {
	return RewriteBodyWith(tb, func(b string) string {
		if !strings.Contains(b, old) {
			tb.Errorf("the body %s does not hold %s", b, old)
		}
		return strings.Replace(b, old, new, 1)
	})
}

// RewriteBodyWith is RewriteBodyAfterSigning with the serialized body
// replaced by f's rewrite of it: a hook that reorders, repeats, renames or
// removes members.
func RewriteBodyWith(tb testing.TB, f func(body string) string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("Rewrite", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
			middleware.FinalizeOutput, middleware.Metadata, error,
		) {
			req := in.Request.(*smithyhttp.Request)
			b, err := io.ReadAll(req.GetStream())
			if err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			nb := f(string(b))
			out, err := req.SetStream(bytes.NewReader([]byte(nb)))
			if err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			out.ContentLength = int64(len(nb))
			in.Request = out
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
	}
}

// The places RewriteRequestLine's hook runs at.
const (
	AtBuild                 = "Build"                   // after serialization, before the retry loop and signing
	AtFinalizeBeforeSigning = "Finalize before signing" // each attempt, then signed
	AtFinalizeAfterSigning  = "Finalize after signing"  // each attempt, after its signature
	AtDeserialize           = "Deserialize"             // right before the wire gate
)

// RequestLineSteps lists the places of RewriteRequestLine, for a table.
var RequestLineSteps = []string{AtBuild, AtFinalizeBeforeSigning, AtFinalizeAfterSigning, AtDeserialize}

// RequestLine is what RewriteRequestLine writes on a request: each field
// that is not "" replaces the request's. Path sets the URL's Path and
// RawPath, as the SDK writes them; PathOnly sets the Path and leaves the
// RawPath (net/http then sends the Path, escaped); Opaque sets the URL's
// Opaque, which net/http sends in place of the path.
type RequestLine struct {
	Method, Path, PathOnly, Opaque string
	Host                           string // the request's Host, which net/http writes in place of the URL's
}

// RewriteRequestLine returns an APIOptions entry whose middleware, at step
// (one of RequestLineSteps), rewrites the request line of every request as
// line says: the hook a test plays a caller with that has AWS run another
// operation than the one the guard checked the body for. wireGate is the
// ID of the client's wire gate.
func RewriteRequestLine(step, wireGate string, line RequestLine) func(*middleware.Stack) error {
	set := func(r any) {
		req := r.(*smithyhttp.Request)
		if line.Method != "" {
			req.Method = line.Method
		}
		if line.Path != "" {
			req.URL.Path, req.URL.RawPath = line.Path, line.Path
		}
		if line.PathOnly != "" {
			req.URL.Path = line.PathOnly
		}
		if line.Opaque != "" {
			req.URL.Opaque = line.Opaque
		}
		if line.Host != "" {
			req.Host = line.Host
		}
	}
	const id = "Test:RequestLine"
	finalize := middleware.FinalizeMiddlewareFunc(id, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
		middleware.FinalizeOutput, middleware.Metadata, error,
	) {
		set(in.Request)
		return next.HandleFinalize(ctx, in)
	})
	return func(s *middleware.Stack) error {
		switch step {
		case AtBuild:
			return s.Build.Add(middleware.BuildMiddlewareFunc(id, func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (
				middleware.BuildOutput, middleware.Metadata, error,
			) {
				set(in.Request)
				return next.HandleBuild(ctx, in)
			}), middleware.After)
		case AtFinalizeBeforeSigning:
			return s.Finalize.Insert(finalize, "Signing", middleware.Before)
		case AtFinalizeAfterSigning:
			return s.Finalize.Insert(finalize, "Signing", middleware.After)
		case AtDeserialize:
			return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc(id, func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
				middleware.DeserializeOutput, middleware.Metadata, error,
			) {
				set(in.Request)
				return next.HandleDeserialize(ctx, in)
			}), wireGate, middleware.Before)
		}
		return fmt.Errorf("dataplanetest: no step %q", step)
	}
}

// ErrProbe ends a call whose body CaptureBody read: nothing was sent.
var ErrProbe = errors.New("probe: not sent")

// BeforeGate returns an APIOptions entry whose Deserialize middleware runs
// f on the request right before the client's wire gate (ID wireGate); f
// may end the call with an error of its own.
func BeforeGate(wireGate string, f func(*smithyhttp.Request) error) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("Test:BeforeGate", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
			middleware.DeserializeOutput, middleware.Metadata, error,
		) {
			if err := f(in.Request.(*smithyhttp.Request)); err != nil {
				return middleware.DeserializeOutput{}, middleware.Metadata{}, err
			}
			return next.HandleDeserialize(ctx, in)
		}), wireGate, middleware.Before)
	}
}

// CaptureBody returns a BeforeGate function that copies the request's
// body into into, then ends the call with ErrProbe (end) or rewinds the
// stream for the gate.
func CaptureBody(into *string, end bool) func(*smithyhttp.Request) error {
	return func(req *smithyhttp.Request) error {
		b, err := io.ReadAll(req.GetStream())
		if err != nil {
			return err
		}
		*into = string(b)
		if end {
			return ErrProbe
		}
		return req.RewindStream()
	}
}
