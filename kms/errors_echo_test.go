package kms

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// TestCheckErrorQuotesNoValue: AWS's message for a missing alias quotes
// the alias, which a caller may have named after a customer; CheckError's
// message gives the error code instead.
func TestCheckErrorQuotesNoValue(t *testing.T) {
	sdkErr := &smithy.OperationError{ServiceID: "KMS", OperationName: "DescribeKey", Err: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 400}},
		Err:      &smithy.GenericAPIError{Code: "NotFoundException", Message: "Alias arn:aws:kms:us-east-1:111122223333:alias/jane_doe_912803456 is not found."}}}
	err := &CheckError{Operation: "DescribeKey", Permission: "kms:DescribeKey", Err: sdkErr}
	want := "kms: the key check could not run: DescribeKey: the key or alias does not exist: AWS error NotFoundException"
	if got := err.Error(); got != want || strings.Contains(got, "jane") {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, sdkErr) {
		t.Error("the SDK's error is not reachable with errors.Is")
	}
}
