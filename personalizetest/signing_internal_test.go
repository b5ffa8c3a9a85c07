package personalizetest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSigningService(t *testing.T) {
	const scope = "AKIDPERSONALIZETEST/20261129/us-east-1/%s/aws4_request"
	auth := func(service string) string {
		return "AWS4-HMAC-SHA256 Credential=" + strings.Replace(scope, "%s", service, 1) + ", SignedHeaders=host;x-amz-date, Signature=abc"
	}
	tests := []struct {
		name, authorization, url, want string
	}{
		{"personalize", auth("personalize"), "/events", "personalize"},
		{"sts", auth("sts"), "/", "sts"},
		{"s3", auth("s3"), "/events", "s3"},
		{"presigned S3 URL", "", "/events/k?X-Amz-Credential=" + strings.Replace(scope, "%s", "s3", 1), "s3"},
		{"unsigned", "", "/events", ""},
		{"no credential", "AWS4-HMAC-SHA256 SignedHeaders=host", "/events", ""},
		{"short scope", "AWS4-HMAC-SHA256 Credential=AKID/us-east-1/personalize, Signature=x", "/events", ""},
		{"not a SigV4 scope", "AWS4-HMAC-SHA256 Credential=AKID/d/r/personalize/other, Signature=x", "/events", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, tc.url, nil)
			if tc.authorization != "" {
				r.Header.Set("Authorization", tc.authorization)
			}
			if got := signingService(r); got != tc.want {
				t.Errorf("signingService(%q) = %q, want %q", tc.authorization, got, tc.want)
			}
			wantKey := ""
			if tc.want != "" {
				wantKey = "AKIDPERSONALIZETEST"
			}
			if key, _ := credentialScope(r); key != wantKey {
				t.Errorf("credentialScope(%q) access key ID = %q, want %q", tc.authorization, key, wantKey)
			}
		})
	}
}

// FuzzSigningService: no panic, and the answer is part of the header.
func FuzzSigningService(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/personalize/aws4_request, Signature=x")
	f.Add("Credential=////aws4_request")
	f.Add("Credential=")
	f.Fuzz(func(t *testing.T, authorization string) {
		r := httptest.NewRequest(http.MethodPost, "/events", nil)
		r.Header["Authorization"] = []string{authorization}
		if got := signingService(r); !strings.Contains(authorization, got) || strings.Contains(got, "/") {
			t.Fatalf("signingService(%q) = %q", authorization, got)
		}
	})
}
