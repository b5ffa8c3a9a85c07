package dataplanetest

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// RewriteBodyAfterSigning returns an APIOptions entry adding a Finalize
// middleware, after signing, that replaces the first old in the serialized
// body with new: the hook a test plays a hostile or careless caller with,
// for any of the three clients. The test fails if the body holds no old.
func RewriteBodyAfterSigning(tb testing.TB, old, new string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("Rewrite", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
			middleware.FinalizeOutput, middleware.Metadata, error,
		) {
			req := in.Request.(*smithyhttp.Request)
			b, err := io.ReadAll(req.GetStream())
			if err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			if !bytes.Contains(b, []byte(old)) {
				tb.Errorf("the body %s does not hold %s", b, old)
			}
			nb := bytes.Replace(b, []byte(old), []byte(new), 1)
			out, err := req.SetStream(bytes.NewReader(nb))
			if err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			out.ContentLength = int64(len(nb))
			in.Request = out
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
	}
}
