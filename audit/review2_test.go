package audit

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// escapeRFC3986 encodes a policy document as IAM answers it: every byte
// but RFC 3986's unreserved characters as %XX, a space as %20.
func escapeRFC3986(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// TestDecodeDocumentRFC3986: a policy document comes back exactly as it was
// written, whether IAM escapes a '+' or leaves it (RFC 3986 allows a
// sub-delimiter unescaped); '+' is never read as a space.
func TestDecodeDocumentRFC3986(t *testing.T) {
	const res = "arn:aws:s3:::b/a+b c%d é/*"
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + res + `"}]}`
	tests := []struct {
		name, in string
		want     []string // the statement's resources; nil for an error
	}{
		{"every byte escaped", escapeRFC3986(doc), []string{res}},
		{"plus left unescaped", strings.ReplaceAll(escapeRFC3986(doc), "%2B", "+"), []string{res}},
		{"escaped percent sign stays one", escapeRFC3986(strings.Replace(doc, "c%d", "c%41", 1)), []string{"arn:aws:s3:::b/a+b c%41 é/*"}},
		{"malformed escape", "%7B%2", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := decodeDocument(tt.in)
			if tt.want == nil {
				if err == nil {
					t.Fatal("decodeDocument = nil error, want one")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, st := range d.Statement {
				got = append(got, st.Resource...)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("resources (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRolePolicyLiteralKeysEvaluated: the role policy for a prefix holding
// '*', '?' or '$' grants objects under that prefix and not the ones its
// wildcard reading would, as the module's evaluator decides it.
func TestRolePolicyLiteralKeysEvaluated(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/P"
	tests := []struct {
		key, resource string
		want          iampolicy.Decision
	}{
		{"exports*/", "arn:aws:s3:::data/exports*/part-0", iampolicy.Allowed},
		{"exports*/", "arn:aws:s3:::data/exportsX/part-0", iampolicy.NotAllowed},
		{"exports*/", "arn:aws:s3:::data/exports-all/part-0", iampolicy.NotAllowed},
		{"a?b/", "arn:aws:s3:::data/a?b/x", iampolicy.Allowed},
		{"a?b/", "arn:aws:s3:::data/axb/x", iampolicy.NotAllowed},
		{"${aws:username}/", "arn:aws:s3:::data/${aws:username}/x", iampolicy.Allowed},
		{"${aws:username}/", "arn:aws:s3:::data/P/x", iampolicy.NotAllowed},
		{"f*.csv", "arn:aws:s3:::data/f*.csv", iampolicy.Allowed},
		{"f*.csv", "arn:aws:s3:::data/full.csv", iampolicy.NotAllowed},
	}
	for _, tt := range tests {
		b, err := RolePolicy(Usage{Partition: "aws", Locations: []Use{{Location: s3guard.Location{Bucket: "data", Key: tt.key}, Direction: s3guard.Read}}})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := iampolicy.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		for i := range doc.Statement {
			doc.Statement[i].Principal = &iampolicy.Principal{AWS: iampolicy.Values{role}}
		}
		got := doc.Evaluate(iampolicy.Request{Actor: iampolicy.AWSPrincipal(role), Action: "s3:GetObject", Resource: tt.resource})
		if got.Decision != tt.want || got.Uncertain {
			t.Errorf("RolePolicy(key %q) on %s = %v (uncertain %v), want %v, certain", tt.key, tt.resource, got.Decision, got.Uncertain, tt.want)
		}
	}
}

// TestTrailDeliveryFailing: a trail that logs but cannot deliver to its
// bucket is its own finding and is not the Region's logging trail; its
// message names an S3 error code and nothing else CloudTrail put there.
func TestTrailDeliveryFailing(t *testing.T) {
	tests := []struct {
		name, deliveryError string
		wantIDs             []string
		wantInMessage       string
	}{
		{"the only trail", "AccessDenied", []string{FindingTrailDeliveryFailing, FindingTrailMissing}, "(S3 answered AccessDenied)"},
		{"an error that is not a code", "jane.doe@example.com denied", []string{FindingTrailDeliveryFailing, FindingTrailMissing}, "bucket;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAccount(t)
			a.putTrail(t, func(tr *personalizetest.Trail) { tr.DeliveryError = tt.deliveryError })
			res := a.run(t)
			var ids []string
			for _, f := range res.Report.Blocking(posture.Low) {
				ids = append(ids, f.ID)
				if f.ID == FindingTrailDeliveryFailing {
					if f.Resource != a.as.TrailARN || f.Severity != posture.Medium || !strings.Contains(f.Message, tt.wantInMessage) {
						t.Errorf("finding %+v: want Medium on %s with %q", f, a.as.TrailARN, tt.wantInMessage)
					}
					if strings.Contains(f.Message, "jane") {
						t.Errorf("message repeats the delivery error: %s", f.Message)
					}
				}
			}
			slices.Sort(ids)
			want := slices.Clone(tt.wantIDs)
			slices.Sort(want)
			if diff := cmp.Diff(want, ids); diff != "" {
				t.Errorf("finding IDs (-want +got):\n%s", diff)
			}
		})
	}
}
