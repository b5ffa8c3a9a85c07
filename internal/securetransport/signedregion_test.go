package securetransport

import (
	"net/url"
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

// TestSignedQuery: a URL whose query names SigV4's credential, signature or
// session token, in any case or encoding, is refused at the gate; other
// queries (the guard's own S3 listings) are not.
func TestSignedQuery(t *testing.T) {
	tests := []struct {
		query string
		want  bool
	}{
		{"", false},
		{"list-type=2&prefix=imports%2F&continuation-token=abc", false},
		{"x-id=GetObject", false},
		{"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261130%2Feu-west-1%2Fpersonalize%2Faws4_request", true},
		{"x-amz-signature=0123", true},
		{"X-AMZ-SECURITY-TOKEN=abc", true},
		{"X%2DAmz%2DCredential=x", true}, // percent-encoded name
		{"a=%zz", true},                  // does not parse: taken for a signed one
	}
	for _, tt := range tests {
		if got := signedQuery(tt.query); got != tt.want {
			t.Errorf("signedQuery(%q) = %v, want %v", tt.query, got, tt.want)
		}
		u := &url.URL{Scheme: "https", Host: "personalize-runtime.us-east-1.amazonaws.com", Path: "/recommendations", RawQuery: tt.query}
		err := checkURL("GetRecommendations", u, "us-east-1", "us-east-1")
		if (err != nil) != tt.want {
			t.Errorf("checkURL with query %q = %v, want refused %v", tt.query, err, tt.want)
		}
	}
}
