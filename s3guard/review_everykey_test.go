package s3guard

import (
	"context"
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
		// A NotResource that leaves out some keys does not apply to every
		// key: plain HTTP to secret/ is not denied.
		{"tls deny NotResource some keys", policyOf(tlsWith(`"Resource":["`+arn+`","`+arn+`/*"]`, `"NotResource":"`+arn+`/secret/*"`), stGrantRead), nil, []string{FindingTLSOnlyIncomplete}},
		{"grant NotResource some keys", policyOf(stSecurityHubTLS, grantWith(`"Resource":["`+arn+`","`+arn+`/*"]`, `"NotResource":"`+arn+`/imports/secret/*"`)), loc, []string{FindingGrantMissing}},
		{"grant NotResource other keys", policyOf(stSecurityHubTLS, grantWith(`"Resource":["`+arn+`","`+arn+`/*"]`, `"NotResource":"`+arn+`/exports/*"`)), loc, nil},
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

// TestCheckerLocationClassesReadLiterals: the Checker groups locations by
// the Resource patterns they match, and must read the patterns as the
// evaluator does (${*} as the character in 2012-10-17, a prefix's "*" as
// every key), or it hands one location the report of another.
func TestCheckerLocationClassesReadLiterals(t *testing.T) {
	const (
		arn = "arn:aws:s3:::" + testBucket
		svc = `"Principal":{"Service":"personalize.amazonaws.com"}`
		src = `"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}`
	)
	policy := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["` + arn + `","` + arn + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},` +
		`{"Effect":"Allow",` + svc + `,"Action":"s3:ListBucket","Resource":"` + arn + `",` + src + `},` +
		`{"Effect":"Allow",` + svc + `,"Action":"s3:GetObject","Resource":["` + arn + `/x${*}y","` + arn + `/d/${*}","` + arn + `/e/?"],` + src + `}]}`
	// A Deny NotResource applies to a prefix only if it leaves none of
	// its keys out: keep/k/ and other/ differ, "" and keep/k/ too.
	notResource := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["` + arn + `","` + arn + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},` +
		`{"Effect":"Allow",` + svc + `,"Action":["s3:GetObject","s3:ListBucket"],"Resource":["` + arn + `","` + arn + `/*"],` + src + `},` +
		`{"Effect":"Deny",` + svc + `,"Action":"s3:GetObject","NotResource":"` + arn + `/keep/k*"}]}`
	req := testReq()
	for _, tc := range []struct {
		policy string
		order  []string
	}{
		{policy, []string{"x*y", "xzy", "d/", "d/*", "e/", "e/a"}},
		{policy, []string{"xzy", "x*y", "d/*", "d/", "e/a", "e/"}},
		{notResource, []string{"keep/k/", "other/", "", "keep/", "keep/k/x"}},
		{notResource, []string{"other/", "keep/k/", "keep/", "", "keep/k/x"}},
	} {
		order := tc.order
		fake := goodBucket()
		fake.policy = tc.policy
		c := NewChecker(fake, req)
		for _, key := range order {
			loc := Location{Bucket: testBucket, Key: key}
			want, wantErr := CheckLocation(context.Background(), fake, loc, Read, req)
			got, gotErr := c.CheckLocation(context.Background(), loc, Read)
			if wantErr != nil || gotErr != nil {
				t.Fatalf("%v: CheckLocation = %v, Checker.CheckLocation = %v", loc, wantErr, gotErr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("order %q, %v: Checker.CheckLocation differs from CheckLocation (-want +got):\n%s", order, loc, diff)
			}
		}
	}
}
