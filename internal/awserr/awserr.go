// Package awserr reads what an AWS SDK error says — its error code, its HTTP
// status, whether it is a refusal — the same way for every check, so that
// kms and s3guard classify failures alike.
package awserr

import (
	"errors"
	"net/http"

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
