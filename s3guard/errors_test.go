package s3guard

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// TestCheckErrorQuotesNoValue: a failed HeadObject's error quotes the
// object's URL, whose key may hold an e-mail address, and AWS's message
// quotes resource names; CheckError's message names the operation, the
// permission and the failure, never either text. The check's own errors,
// in fixed words, are given as they are.
func TestCheckErrorQuotesNoValue(t *testing.T) {
	const value = "jane.doe@example.com"
	keyURL := "https://amzn-personalize-data.s3.us-east-1.amazonaws.com/exports/" + value + ".csv"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"network", &smithy.OperationError{ServiceID: "S3", OperationName: "HeadObject", Err: &url.Error{Op: "Head", URL: keyURL,
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}},
			"s3guard: cannot check bucket amzn-personalize-data: HeadObject (needs s3:GetObject) failed: network error (dial)"},
		{"denied, AWS's message quoting the key", &smithy.OperationError{ServiceID: "S3", OperationName: "HeadObject", Err: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 403}},
			Err:      &smithy.GenericAPIError{Code: "AccessDenied", Message: "not authorized on exports/" + value + ".csv"}}},
			"s3guard: cannot check bucket amzn-personalize-data: HeadObject was denied; the caller lacks s3:GetObject: AWS error AccessDenied"},
		{"the check's own error, in fixed words", &ListingError{Rule: RuleListingOutsidePrefix, Reason: "ListObjectsV2 returned a key outside the prefix"},
			"s3guard: cannot check bucket amzn-personalize-data: HeadObject (needs s3:GetObject) failed: s3guard: inconsistent listing (s3.listing.outside-prefix): ListObjectsV2 returned a key outside the prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := &CheckError{Operation: "HeadObject", Permission: "s3:GetObject", Resource: "amzn-personalize-data", Err: tt.err}
			if got := err.Error(); got != tt.want || strings.Contains(got, "jane") {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if !errors.Is(err, tt.err) {
				t.Error("the SDK's error is not reachable with errors.Is")
			}
		})
	}
}
