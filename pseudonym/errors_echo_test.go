package pseudonym

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// TestKMSErrorQuotesNoValue: AWS's AccessDenied message quotes the
// caller's ARN, whose session name is often an e-mail address; KMSError's
// message gives the error code instead.
func TestKMSErrorQuotesNoValue(t *testing.T) {
	sdkErr := &smithy.OperationError{ServiceID: "KMS", OperationName: "Decrypt", Err: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 400}},
		Err: &smithy.GenericAPIError{Code: "AccessDeniedException",
			Message: "User: arn:aws:sts::111122223333:assumed-role/Dev/jane.doe@example.com is not authorized to perform: kms:Decrypt"}}}
	err := &KMSError{Operation: "Decrypt", Permission: "kms:Decrypt", Err: sdkErr}
	want := "pseudonym: KMS Decrypt was denied; the caller needs kms:Decrypt on the KMS key: AWS error AccessDeniedException"
	if got := err.Error(); got != want || strings.Contains(got, "jane") {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, sdkErr) {
		t.Error("the SDK's error is not reachable with errors.Is")
	}
}
