package securetransport

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSignedRegion(t *testing.T) {
	const sig = ", SignedHeaders=host;x-amz-date, Signature=0123"
	tests := []struct {
		auth   string
		region string
		ok     bool
	}{
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/personalize/aws4_request" + sig, "us-east-1", true},
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/eu-west-1/personalize/aws4_request" + sig, "eu-west-1", true},
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130//personalize/aws4_request" + sig, "", true},
		// Not the SDK's SigV4 form: refused by the caller.
		{"AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20261130/personalize/aws4_request" + sig, "", false},
		{"aws4-hmac-sha256 Credential=AKIDEXAMPLE/20261130/us-east-1/personalize/aws4_request" + sig, "", false},
		{"AWS4-HMAC-SHA256 X=Credential=AKIDEXAMPLE/20261130/us-east-1/personalize/aws4_request" + sig, "", false},
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1", "", false},
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130", "", false},
		{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		region, ok := SignedRegion(tt.auth)
		if diff := cmp.Diff([]any{tt.region, tt.ok}, []any{region, ok}); diff != "" {
			t.Errorf("SignedRegion(%q) (-want +got):\n%s", tt.auth, diff)
		}
	}
}

// FuzzSignedRegion: signedRegion never panics, and a Region it finds is
// the third part of the credential, so that Credential=<id>/<date>/<Region>/
// is the header's start.
func FuzzSignedRegion(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261130/us-east-1/personalize/aws4_request, SignedHeaders=host, Signature=00")
	f.Add("AWS4-HMAC-SHA256 Credential=//us-east-1/")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b")
	f.Fuzz(func(t *testing.T, auth string) {
		region, ok := SignedRegion(auth)
		if !ok {
			if region != "" {
				t.Fatalf("SignedRegion(%q) = %q, false", auth, region)
			}
			return
		}
		parts := strings.SplitN(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 Credential="), "/", 4)
		if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=") || len(parts) != 4 || parts[2] != region {
			t.Fatalf("SignedRegion(%q) = %q, true", auth, region)
		}
	})
}
