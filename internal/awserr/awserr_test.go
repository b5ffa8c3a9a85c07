package awserr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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

// TestCauseQuotesNothing: Cause names the failure without the SDK's text,
// which quotes the URL (an S3 key) and AWS's message (a resource name).
func TestCauseQuotesNothing(t *testing.T) {
	const secret = "jane.doe@example.com"
	keyURL := "https://bucket.s3.us-east-1.amazonaws.com/exports/" + secret + ".csv?x-id=HeadObject"
	op := func(err error) error {
		return &smithy.OperationError{ServiceID: "S3", OperationName: "HeadObject", Err: err}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"API error whose message quotes a value", op(&smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 400}},
			Err:      &smithy.GenericAPIError{Code: "NotFoundException", Message: "Alias alias/" + secret + " is not found"}}), "AWS error NotFoundException"},
		{"HEAD refused without a body", sdkError(403, ""), "HTTP status 403"},
		{"a store that echoes the key in its error code", op(&smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 400}},
			Err:      &smithy.GenericAPIError{Code: "InvalidArgument:exports/" + secret + "/"}}), "AWS error (an unreadable error code)"},
		{"connection refused, URL quoted", op(&url.Error{Op: "Head", URL: keyURL, Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}), "network error (dial)"},
		{"transport error, URL quoted", op(&url.Error{Op: "Head", URL: keyURL, Err: errors.New("EOF at " + keyURL)}), "transport error (Head)"},
		{"deadline", op(&url.Error{Op: "Head", URL: keyURL, Err: context.DeadlineExceeded}), "timed out"},
		{"canceled", fmt.Errorf("op %s: %w", secret, context.Canceled), "canceled"},
		{"an SDK error of no known form", op(errors.New("retrieving credentials for " + secret)), "request failed (the SDK's error is kept: errors.Unwrap)"},
		{"a check's own error, in fixed words", fmt.Errorf("wrapped: %w", errors.New("GetCallerIdentity answered without an ARN")), "wrapped: GetCallerIdentity answered without an ARN"},
		{"no error", nil, "unknown error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cause(tt.err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Cause (-want +got):\n%s", diff)
			}
			if strings.Contains(got, "jane") {
				t.Errorf("Cause echoes the value: %q", got)
			}
		})
	}
}
