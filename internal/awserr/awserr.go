// Package awserr reads what an AWS SDK error says — its error code, its HTTP
// status, whether it is a refusal — the same way for every check, so that
// kms and s3guard classify failures alike.
package awserr

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Code returns the error code of an AWS API error ("NoSuchBucket"), or "".
func Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// PrintableCode is Code for a message or a log: AWS's codes are words
// ("AccessDenied", "ThrottlingException"), but a proxy or an S3-compatible
// store may answer any text there, the request's key included, so a code
// that is not one word of at most 64 letters, digits, dots, underscores
// and dashes is given as "(an unreadable error code)".
func PrintableCode(err error) string {
	code := Code(err)
	if len(code) > 64 {
		return unreadableCode
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return unreadableCode
		}
	}
	return code
}

const unreadableCode = "(an unreadable error code)"

// HTTPStatus returns the HTTP status of a failed response, or 0.
func HTTPStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.HTTPStatusCode()
	}
	return 0
}

// AccessDenied reports whether the service refused the call for lack of
// permission: KMS says AccessDeniedException (HTTP 400), S3 says
// AccessDenied, or answers 403 without a body (HEAD requests).
func AccessDenied(err error) bool {
	switch Code(err) {
	case "AccessDeniedException", "AccessDenied":
		return true
	}
	return HTTPStatus(err) == http.StatusForbidden
}

// Cause says what went wrong in err in words that quote nothing of the
// request: the AWS error code, a timeout, the HTTP status, or the network
// operation that failed. The SDK's own text does not qualify: a transport
// error quotes the request's URL, whose path is an S3 object key, and AWS's
// messages quote resource names and the caller's session name, any of which
// may hold an e-mail address. The error itself stays reachable with
// errors.Unwrap for a caller who wants it. An error that did not come from
// the SDK or the transport (a check's own, in fixed words: a listing S3
// does not give, an answer without a field) is given as it is.
func Cause(err error) string {
	if code := PrintableCode(err); code != "" {
		return "AWS error " + code
	}
	switch {
	case err == nil:
		return "unknown error"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	if status := HTTPStatus(err); status != 0 {
		return "HTTP status " + strconv.Itoa(status)
	}
	var ne *net.OpError
	network := errors.As(err, &ne)
	if network && ne.Op != "" {
		return "network error (" + ne.Op + ")"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return "transport error (" + ue.Op + ")"
	}
	// Whatever else came from the SDK or the transport may quote the
	// request; anything else is the check's own.
	var oe *smithy.OperationError
	if network || errors.As(err, &oe) {
		return "request failed (the SDK's error is kept: errors.Unwrap)"
	}
	return err.Error()
}
