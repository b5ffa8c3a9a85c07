package awserr

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// sdkError is an error as the SDK returns it: an OperationError around a
// ResponseError (carrying the HTTP status) around the API error, if any.
func sdkError(status int, code string) error {
	var inner error = errors.New("no body")
	if code != "" {
		inner = &smithy.GenericAPIError{Code: code, Message: "m"}
	}
	return &smithy.OperationError{ServiceID: "X", OperationName: "Op", Err: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
		Err:      inner,
	}}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err          error
		code         string
		status       int
		accessDenied bool
		reason       string
	}{
		{sdkError(400, "AccessDeniedException"), "AccessDeniedException", 400, true, "KMS refuses with a code and 400"},
		{sdkError(403, "AccessDenied"), "AccessDenied", 403, true, "S3 refuses with a code and 403"},
		{sdkError(403, ""), "", 403, true, "a HEAD refusal has no body"},
		{sdkError(400, "ThrottlingException"), "ThrottlingException", 400, false, "throttling is not a refusal"},
		{sdkError(404, "NotFoundException"), "NotFoundException", 404, false, "a missing key is not a refusal"},
		{fmt.Errorf("wrapped: %w", sdkError(403, "")), "", 403, true, "found through wrapping"},
		{errors.New("dial tcp: refused"), "", 0, false, "a network error has neither"},
		{nil, "", 0, false, "no error"},
	}
	for _, tt := range tests {
		if got := Code(tt.err); got != tt.code {
			t.Errorf("Code(%v) = %q, want %q (%s)", tt.err, got, tt.code, tt.reason)
		}
		if got := HTTPStatus(tt.err); got != tt.status {
			t.Errorf("HTTPStatus(%v) = %d, want %d (%s)", tt.err, got, tt.status, tt.reason)
		}
		if got := AccessDenied(tt.err); got != tt.accessDenied {
			t.Errorf("AccessDenied(%v) = %v, want %v (%s)", tt.err, got, tt.accessDenied, tt.reason)
		}
	}
}
