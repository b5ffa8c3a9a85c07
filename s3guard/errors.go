package s3guard

import (
	"errors"
	"net/http"

	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/awserr"
)

// CheckError reports a check that could not run: the S3 call failed with
// AccessDenied, a network error, a timeout. The guard fails closed on it. It
// is never returned for a missing configuration (no bucket policy, no public
// access block, ...), which is a finding. kms.CheckError has the same
// shape.
type CheckError struct {
	// Operation is the S3 API operation, e.g. "GetBucketPolicy".
	Operation string
	// Permission is the IAM action the caller needs for it, e.g.
	// "s3:GetBucketPolicy".
	Permission string
	// Resource is the bucket's name.
	Resource string
	// Err is the SDK's error (a *smithy.OperationError, usually).
	Err error
}

// Error names the operation, the permission and the failure (awserr.Cause),
// never the SDK's text, which quotes the request's URL (an object key) and
// AWS's message.
func (e *CheckError) Error() string {
	if e.AccessDenied() {
		return "s3guard: cannot check bucket " + e.Resource + ": " + e.Operation + " was denied; the caller lacks " + e.Permission + ": " + awserr.Cause(e.Err)
	}
	return "s3guard: cannot check bucket " + e.Resource + ": " + e.Operation + " (needs " + e.Permission + ") failed: " + awserr.Cause(e.Err)
}

func (e *CheckError) Unwrap() error { return e.Err }

// AccessDenied reports whether S3 refused the call (HTTP 403, or
// AccessDenied), as opposed to a network failure or a timeout.
func (e *CheckError) AccessDenied() bool { return awserr.AccessDenied(e.Err) }

// ArgumentError reports an invalid argument, found before any request is
// sent. It names the field, never its value.
type ArgumentError struct {
	Field  string
	Reason string
	Err    error
}

func (e *ArgumentError) Error() string { return "s3guard: " + e.Field + ": " + e.Reason }

func (e *ArgumentError) Unwrap() error { return e.Err }

// S3 error codes for configurations that do not exist. They are findings.
const (
	codeNoSuchBucket        = "NoSuchBucket"
	codeNoEncryption        = "ServerSideEncryptionConfigurationNotFoundError"
	codeNoPolicy            = "NoSuchBucketPolicy"
	codeNoPublicAccessBlock = "NoSuchPublicAccessBlockConfiguration"
	codeNoOwnershipControls = "OwnershipControlsNotFoundError"
	headerBucketRegion      = "X-Amz-Bucket-Region"
)

func errorCode(err error) string { return awserr.Code(err) }

func httpStatus(err error) int { return awserr.HTTPStatus(err) }

// isNotFound is true for a 404 without a more specific code: HeadObject on
// a missing key answers with no body.
func isNotFound(err error) bool {
	switch errorCode(err) {
	case "NotFound", "NoSuchKey":
		return true
	}
	return httpStatus(err) == http.StatusNotFound
}

// redirectRegion returns the bucket's Region from an S3 redirect or
// wrong-Region error (301 PermanentRedirect, 400 AuthorizationHeaderMalformed),
// which carry it in a header, or "".
func redirectRegion(err error) string {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.Response != nil {
		return re.Response.Header.Get(headerBucketRegion)
	}
	return ""
}
