package s3guard

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/posture"
)

// FuzzBucketPolicy feeds arbitrary JSON through the parser and every
// evaluation this package runs on a bucket policy.
func FuzzBucketPolicy(f *testing.F) {
	for _, s := range []string{
		goodPolicy,
		policyOf(stSecurityHubTLS, stGrantRead),
		policyOf(tlsWith(`"Bool"`, `"BoolIfExists"`)),
		policyOf(tlsWith(`"Principal":"*"`, `"NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"}`)),
		policyOf(stPrefixGet, stPrefixList),
		`{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:TlsVersion":1.2}}}}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"NotAction":"s3:Delete*","NotResource":"x"}]}`,
		`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringNotLike":{"aws:SourceVpce":["vpce-*"]},"Null":{"aws:SourceArn":"false"}}}]}`,
		`{"Statement":[]}`, `{}`, `[]`, `null`, `{"Statement":[{"Effect":"Allow"}]}`,
	} {
		f.Add([]byte(s))
	}
	req := testReq()
	noAcct := req
	noAcct.AccountID = ""
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := iampolicy.Parse(data)
		if err != nil {
			if len(data) >= 16 && strings.Contains(err.Error(), string(data)) {
				t.Fatalf("Parse error echoes the document")
			}
			return
		}
		for _, r := range []*Requirements{&req, &noAcct} {
			for _, s := range []policyScope{
				newScope(testBucket, r.Region, Read),
				newScope(testBucket, r.Region, Write),
				newScope(testBucket, r.Region, Read).forLocation(Location{testBucket, "imports/"}),
				newScope(testBucket, r.Region, Write).forLocation(Location{testBucket, "out/a.csv"}),
			} {
				got := policyFindings(doc, s, r)
				if again := policyFindings(doc, s, r); !cmp.Equal(got, again) {
					t.Fatalf("policyFindings is not deterministic:\n%v\n%v", got, again)
				}
				for _, fd := range got {
					if err := fd.Validate(); err != nil {
						t.Fatalf("invalid finding: %v", err)
					}
					if !strings.HasPrefix(fd.ID, "s3.") || fd.Remediation == "" {
						t.Fatalf("finding %+v lacks its prefix or remediation", fd)
					}
					if want := wantSeverity[fd.ID]; fd.Severity != want {
						t.Fatalf("finding %s severity %v, want %v", fd.ID, fd.Severity, want)
					}
				}
				// The evaluated state must also survive the whole report.
				st := &bucketState{bucket: testBucket, policyDoc: doc, region: r.Region}
				rep := st.evaluate(s, r)
				if !rep.Has(FindingEncryptionMissing) || rep.Passed(posture.Medium) {
					t.Fatalf("report without encryption passed: %v", rep.IDs())
				}
			}
		}
	})
}
