package s3guard

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
)

// TestPolicyEveryKeyNotALiteralStar: the probes' "B/*" and "B/prefix*"
// stand for every key. A pattern that covers one key only, the key named
// "*" (${*} in 2012-10-17) or any one-character key ('?'), must not count
// as a TLS-only deny or a grant on every object.
func TestPolicyEveryKeyNotALiteralStar(t *testing.T) {
	const arn = "arn:aws:s3:::amzn-personalize-data"
	loc := &Location{Bucket: testBucket, Key: "imports/"}
	tests := []struct {
		name   string
		policy string
		loc    *Location
		want   []string
	}{
		{"tls deny on the key named *", policyOf(tlsWith(`"`+arn+`/*"`, `"`+arn+`/${*}"`), stGrantRead), nil, []string{FindingTLSOnlyIncomplete}},
		{"tls deny on one-character keys", policyOf(tlsWith(`"`+arn+`/*"`, `"`+arn+`/?"`), stGrantRead), nil, []string{FindingTLSOnlyIncomplete}},
		{"tls deny on one-character keys in 2008-10-17", `{"Version":"2008-10-17","Statement":[` + tlsWith(`"`+arn+`/*"`, `"`+arn+`/?"`) + `,` + stGrantRead + `]}`, nil, []string{FindingTLSOnlyIncomplete}},
		{"grant on the key named *", policyOf(stSecurityHubTLS, grantWith(`"`+arn+`/*"`, `"`+arn+`/${*}"`)), nil, []string{FindingGrantMissing}},
		{"grant on the key imports/*", policyOf(stSecurityHubTLS, grantWith(`"`+arn+`/*"`, `"`+arn+`/imports/${*}"`)), loc, []string{FindingGrantMissing}},
		{"grant on imports/ and one character", policyOf(stSecurityHubTLS, grantWith(`"`+arn+`/*"`, `"`+arn+`/imports/?"`)), loc, []string{FindingGrantMissing}},
		// Still covered: a wildcard '*' spans every key.
		{"grant on imports*", policyOf(stSecurityHubTLS, grantWith(`"`+arn+`/*"`, `"`+arn+`/imp*"`)), loc, nil},
		{"grant on imports/**", policyOf(stSecurityHubTLS, grantWith(`"`+arn+`/*"`, `"`+arn+`/imports/**"`)), loc, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := iampolicy.Parse([]byte(tt.policy))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			req := testReq()
			s := newScope(testBucket, req.Region, Read)
			if tt.loc != nil {
				s = s.forLocation(*tt.loc)
			}
			if diff := cmp.Diff(tt.want, ids(policyFindings(doc, s, &req))); diff != "" {
				t.Errorf("finding IDs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
