package audit

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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

// missingMetricsRole is a role no emulated IAM holds.
const missingMetricsRole = "arn:aws:iam::111122223333:role/metrics-gone"

// createMetricAttribution makes the scene's dataset group report metrics to
// path with role (and key, unless ""), as CreateMetricAttribution does.
func createMetricAttribution(t testing.TB, cfg aws.Config, group, role, path, key string) string {
	t.Helper()
	dest := &ptypes.S3DataConfig{Path: aws.String(path)}
	if key != "" {
		dest.KmsKeyArn = aws.String(key)
	}
	out, err := personalize.NewFromConfig(cfg).CreateMetricAttribution(context.Background(), &personalize.CreateMetricAttributionInput{
		Name: aws.String("clicks"), DatasetGroupArn: aws.String(group),
		Metrics:             []ptypes.MetricAttribute{{EventType: aws.String("click"), MetricName: aws.String("clicks"), Expression: aws.String("SUM(DatasetType.INTERACTIONS.EVENT_VALUE)")}},
		MetricsOutputConfig: &ptypes.MetricAttributionOutput{RoleArn: aws.String(role), S3DataDestination: dest}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.MetricAttributionArn)
}

// createKey makes a second symmetric key, one no role policy names.
func createKey(t testing.TB, cfg aws.Config) string {
	t.Helper()
	out, err := awskms.NewFromConfig(cfg).CreateKey(context.Background(), &awskms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.KeyMetadata.Arn)
}

// TestMetricAttributionUsage: a metric attribution's role, output location
// and key are in the usage, the role policy written from it lets the role
// write the metrics, and the output bucket is checked with s3guard.
func TestMetricAttributionUsage(t *testing.T) {
	a := newAccount(t)
	createMetricAttribution(t, a.s.Config(), a.as.DatasetGroupARN, personalizetest.RoleARN, "s3://"+a.as.Bucket+"/metrics/", a.as.TrailKeyARN)
	res := a.run(t)
	u := res.Roles[personalizetest.RoleARN]
	if !slices.Contains(u.Keys, a.as.TrailKeyARN) {
		t.Errorf("role usage keys %v lack the metric attribution's key", u.Keys)
	}
	want := Use{Location: s3guard.Location{Bucket: a.as.Bucket, Key: "metrics/"}, Direction: s3guard.Write}
	if !slices.Contains(u.Locations, want) {
		t.Errorf("role usage locations %v lack %v", u.Locations, want)
	}
	// The scene's role policy does not name the output's key.
	if !slices.ContainsFunc(res.Report.Findings, func(f posture.Finding) bool {
		return f.ID == FindingRoleMissingAccess && strings.Contains(f.Message, "kms:")
	}) {
		t.Errorf("no %s for the metrics output's key: %v", FindingRoleMissingAccess, res.Report.Findings)
	}
	b, err := RolePolicy(u)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := iampolicy.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range doc.Statement {
		doc.Statement[i].Principal = &iampolicy.Principal{AWS: iampolicy.Values{personalizetest.RoleARN}}
	}
	for _, r := range []iampolicy.Request{
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::" + a.as.Bucket + "/metrics/2026/part-0"},
		{Action: "kms:GenerateDataKey", Resource: a.as.TrailKeyARN},
	} {
		r.Actor = iampolicy.AWSPrincipal(personalizetest.RoleARN)
		if got := doc.Evaluate(r); got.Decision != iampolicy.Allowed {
			t.Errorf("RolePolicy: %s on %s = %v, want allowed", r.Action, r.Resource, got.Decision)
		}
	}
	// With the policy written from the usage, nothing blocks.
	a.putRole(t, "", string(b))
	if got := a.run(t).Report.Blocking(posture.Low); len(got) != 0 {
		t.Errorf("with RolePolicy, findings %v", got)
	}
}

// TestMetricAttributionBucketChecked: the bucket a metric attribution
// writes to gets s3guard's checks like a job's.
func TestMetricAttributionBucketChecked(t *testing.T) {
	a := newAccount(t)
	const bucket = "metrics-unguarded"
	if _, err := s3.NewFromConfig(a.s.Config()).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	createMetricAttribution(t, a.s.Config(), a.as.DatasetGroupARN, personalizetest.RoleARN, "s3://"+bucket+"/metrics/", "")
	var s3IDs []string
	for _, f := range a.run(t).Report.Findings {
		if f.Resource == bucket && strings.HasPrefix(f.ID, "s3.") {
			s3IDs = append(s3IDs, f.ID)
		}
	}
	if len(s3IDs) == 0 {
		t.Error("no s3guard finding on the metric attribution's unguarded bucket")
	}
}

// TestRolePolicyLiteralKeyARN: Personalize's model lets a kmsKeyArn end in
// any characters; a key ARN holding '*' is written as the literal, grants
// no other key, and the audit reads the policy it wrote as neither a
// wildcard nor an unused key.
func TestRolePolicyLiteralKeyARN(t *testing.T) {
	const odd = "arn:aws:kms:us-east-1:111122223333:key/*"
	const role = "arn:aws:iam::111122223333:role/P"
	u := Usage{Partition: "aws", Region: "us-east-1", AccountID: "111122223333", Keys: []string{odd}}
	b, err := RolePolicy(u)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := iampolicy.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	a := &auditor{}
	a.checkPermissions(role, u, []*iampolicy.Document{doc}, true)
	var ids []string
	for _, f := range a.findings {
		ids = append(ids, f.ID)
	}
	if len(ids) != 0 {
		t.Errorf("the audit finds %v in the policy it wrote:\n%s", ids, b)
	}
	for i := range doc.Statement {
		doc.Statement[i].Principal = &iampolicy.Principal{AWS: iampolicy.Values{role}}
	}
	for _, tt := range []struct {
		key  string
		want iampolicy.Decision
	}{{odd, iampolicy.Allowed}, {"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", iampolicy.NotAllowed}} {
		if got := doc.Evaluate(iampolicy.Request{Actor: iampolicy.AWSPrincipal(role), Action: "kms:Decrypt", Resource: tt.key}); got.Decision != tt.want {
			t.Errorf("kms:Decrypt on %s = %v, want %v", tt.key, got.Decision, tt.want)
		}
	}
}

// TestRolePolicyRoundTripOddKey: a role policy naming a prefix with '+',
// '%', a space and non-ASCII, stored in the emulated IAM and read back
// through its RFC 3986 encoding, covers exactly what it was written for.
func TestRolePolicyRoundTripOddKey(t *testing.T) {
	a := newAccount(t)
	createMetricAttribution(t, a.s.Config(), a.as.DatasetGroupARN, personalizetest.RoleARN, "s3://"+a.as.Bucket+"/m+1 é%/", "")
	u := a.run(t).Roles[personalizetest.RoleARN]
	want := Use{Location: s3guard.Location{Bucket: a.as.Bucket, Key: "m+1 é%/"}, Direction: s3guard.Write}
	if !slices.Contains(u.Locations, want) {
		t.Fatalf("usage %v lacks %v", u.Locations, want)
	}
	b, err := RolePolicy(u)
	if err != nil {
		t.Fatal(err)
	}
	a.putRole(t, "", string(b))
	if got := a.run(t).Report.Blocking(posture.Low); len(got) != 0 {
		t.Errorf("with RolePolicy stored in IAM, findings %v", got)
	}
}
