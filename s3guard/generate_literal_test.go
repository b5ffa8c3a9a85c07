package s3guard

import (
	"testing"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
)

// TestPersonalizeBucketPolicyNoIAMWildcardFromInput: the bucket policy
// takes a bucket name only (no key or prefix), and a name holding a
// character IAM reads as a wildcard or a policy variable is refused, so
// no input widens the grant beyond the bucket and its objects.
func TestPersonalizeBucketPolicyNoIAMWildcardFromInput(t *testing.T) {
	for _, b := range []string{"data*", "da?a", "data$", "${aws:username}"} {
		if _, err := PersonalizeBucketPolicy(BucketPolicyInput{Bucket: b, Directions: []Direction{Write}, AccountID: testAcct}); err == nil {
			t.Errorf("PersonalizeBucketPolicy(bucket %q) = nil error, want a refusal", b)
		}
	}
	b, err := PersonalizeBucketPolicy(BucketPolicyInput{Bucket: "data", Directions: []Direction{Write}, AccountID: testAcct})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := iampolicy.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		resource string
		want     iampolicy.Decision
	}{
		{"arn:aws:s3:::data/exports*/part-0", iampolicy.Allowed},
		{"arn:aws:s3:::datax/part-0", iampolicy.NotAllowed},
		{"arn:aws:s3:::data-other/part-0", iampolicy.NotAllowed},
	}
	for _, tt := range tests {
		got := doc.Evaluate(iampolicy.Request{Actor: iampolicy.Service(iampolicy.PersonalizeService), Action: "s3:PutObject",
			Resource: tt.resource, Context: map[string][]string{"aws:SourceAccount": {testAcct}, "aws:SecureTransport": {"true"}}})
		if got.Decision != tt.want {
			t.Errorf("Personalize s3:PutObject on %s = %v, want %v", tt.resource, got.Decision, tt.want)
		}
	}
}
