package posture

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/sariftest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const keyARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

// auditSample has every severity, one ID on two resources with different
// remediations, one ID on two resources with the same remediation, a control,
// an ARN, an s3:// location and a resource mapped to a file.
var auditSample = Report{Check: "audit", Resource: "111122223333", Findings: []Finding{
	{ID: "s3.tls-only-policy-missing", Severity: High, Resource: "data-bucket",
		Message:     "The bucket policy of data-bucket does not deny plain-HTTP access.",
		Remediation: "Add a statement that denies s3:* when aws:SecureTransport is false to data-bucket.",
		Control:     "Security Hub S3.5"},
	{ID: "s3.tls-only-policy-missing", Severity: High, Resource: "export-bucket",
		Message:     "The bucket policy of export-bucket does not deny plain-HTTP access.",
		Remediation: "Add a statement that denies s3:* when aws:SecureTransport is false to export-bucket.",
		Control:     "Security Hub S3.5"},
	{ID: "kms.key-disabled", Severity: Critical, Resource: keyARN,
		Message: "The key is disabled; Personalize cannot use it.", Remediation: "Enable the key (EnableKey)."},
	{ID: "s3.acls-enabled", Severity: Medium, Resource: "data-bucket",
		Message: "Bucket data-bucket has ACLs enabled.", Remediation: "Set object ownership to BucketOwnerEnforced.",
		Control: "Security Hub S3.12"},
	{ID: "s3.acls-enabled", Severity: Medium, Resource: "export-bucket",
		Message: "Bucket export-bucket has ACLs enabled.", Remediation: "Set object ownership to BucketOwnerEnforced.",
		Control: "Security Hub S3.12"},
	{ID: "s3.source-unsampled", Severity: Low, Resource: "s3://data-bucket/imports/",
		Message: "The first keys under s3://data-bucket/imports/ are all folder markers, so their encryption was not checked."},
	{ID: "kms.key-rotation-disabled", Severity: Info, Resource: keyARN,
		Message: "Automatic rotation is off for the key.", Remediation: "Turn on automatic key rotation.",
		Control: "Security Hub KMS.4"},
}}

var goldenOptions = func(o *SARIFOptions) {
	o.ToolVersion = "v1.2.3"
	o.Category = "personalizeguard-audit/us-east-1"
	o.Artifact = func(resource string) (string, int) {
		if resource == "export-bucket" {
			return "infra/buckets.tf", 12
		}
		return "", 0
	}
}

func TestWriteSARIFGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := auditSample.WriteSARIF(&buf, goldenOptions); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "audit.sarif")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./posture/ -run Golden -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("WriteSARIF mismatch with %s (-want +got):\n%s", golden, diff)
	}
	if problems := checkSARIF(t, buf.Bytes()); len(problems) > 0 {
		t.Errorf("golden log breaks the SARIF 2.1.0 structure:\n%s", strings.Join(problems, "\n"))
	}
}

func TestWriteSARIFDeterministic(t *testing.T) {
	var want bytes.Buffer
	if err := auditSample.WriteSARIF(&want, goldenOptions); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		shuffled := auditSample
		shuffled.Findings = slices.Clone(auditSample.Findings)
		rng.Shuffle(len(shuffled.Findings), func(i, j int) {
			shuffled.Findings[i], shuffled.Findings[j] = shuffled.Findings[j], shuffled.Findings[i]
		})
		var got bytes.Buffer
		if err := shuffled.WriteSARIF(&got, goldenOptions); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.Bytes(), got.Bytes()) {
			t.Fatalf("shuffle %d: output depends on the order of findings (ids %v)", i, shuffled.IDs())
		}
	}
}

func TestWriteSARIFEmptyReport(t *testing.T) {
	for _, r := range []Report{{}, {Check: "kms.key", Resource: keyARN, Findings: []Finding{}}} {
		var buf bytes.Buffer
		if err := r.WriteSARIF(&buf); err != nil {
			t.Fatal(err)
		}
		if problems := checkSARIF(t, buf.Bytes()); len(problems) > 0 {
			t.Errorf("empty report %+v: not a valid log:\n%s", r, strings.Join(problems, "\n"))
		}
		// A scan with no result must still say so: results and rules present, empty.
		if !strings.Contains(buf.String(), `"results": []`) || !strings.Contains(buf.String(), `"rules": []`) {
			t.Errorf("empty report %+v: want empty results and rules lists, got\n%s", r, buf.String())
		}
	}
}

func TestWriteSARIFDefaults(t *testing.T) {
	var buf bytes.Buffer
	if err := sample.WriteSARIF(&buf); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Name, Version, InformationURI string
				}
			}
			AutomationDetails *struct{}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	d := log.Runs[0].Tool.Driver
	if d.Name != "personalizeguard" || d.InformationURI != "https://github.com/personalizeguard/personalizeguard" {
		t.Errorf("default driver = %+v, want name personalizeguard and the module's URI", d)
	}
	if d.Version == "(devel)" {
		t.Errorf("default driver version = %q; a development build has none", d.Version)
	}
	if log.Runs[0].AutomationDetails != nil {
		t.Error("automationDetails written without a Category")
	}
}

func TestWriteSARIFLevels(t *testing.T) {
	tests := []struct {
		sev          Severity
		wantLevel    string
		wantSecurity string
		reason       string
	}{
		{Critical, "error", "9.5", "GitHub: critical is 9.0 and over"},
		{High, "error", "8.0", "GitHub: high is 7.0 to 8.9"},
		{Medium, "warning", "5.5", "GitHub: medium is 4.0 to 6.9; the guard blocks from Medium"},
		{Low, "note", "2.0", "GitHub: low is 0.1 to 3.9"},
		{Info, "note", "", "advisory: no security severity, so not a security alert"},
	}
	for _, tt := range tests {
		r := Report{Findings: []Finding{{ID: "s3.x", Severity: tt.sev, Resource: "b", Message: "m"}}}
		log := decodeSARIF(t, r)
		rule, result := log.Runs[0].Tool.Driver.Rules[0], log.Runs[0].Results[0]
		if result.Level != tt.wantLevel || rule.DefaultConfiguration.Level != tt.wantLevel {
			t.Errorf("level of %v = %q (rule default %q), want %q (%s)", tt.sev, result.Level, rule.DefaultConfiguration.Level, tt.wantLevel, tt.reason)
		}
		if got := rule.Properties.SecuritySeverity; got != tt.wantSecurity {
			t.Errorf("security-severity of %v = %q, want %q (%s)", tt.sev, got, tt.wantSecurity, tt.reason)
		}
	}
}

func TestWriteSARIFRuleTakesHighestSeverity(t *testing.T) {
	r := Report{Findings: []Finding{
		{ID: "kms.key-policy-grant-missing", Severity: Low, Resource: "k1", Message: "m"},
		{ID: "kms.key-policy-grant-missing", Severity: High, Resource: "k2", Message: "m"},
	}}
	log := decodeSARIF(t, r)
	rule := log.Runs[0].Tool.Driver.Rules[0]
	if rule.DefaultConfiguration.Level != "error" || rule.Properties.SecuritySeverity != "8.0" {
		t.Errorf("rule = %+v, want the High finding's level and score", rule)
	}
	var levels []string
	for _, res := range log.Runs[0].Results {
		levels = append(levels, res.Level)
	}
	if diff := cmp.Diff([]string{"error", "note"}, levels); diff != "" {
		t.Errorf("result levels, most severe first (-want +got):\n%s", diff)
	}
}

func TestWriteSARIFFingerprints(t *testing.T) {
	base := Finding{ID: "s3.acls-enabled", Severity: Medium, Resource: "data-bucket", Message: "ACLs enabled."}
	fp := func(fs ...Finding) []string {
		t.Helper()
		var out []string
		for _, res := range decodeSARIF(t, Report{Findings: fs}).Runs[0].Results {
			out = append(out, res.PartialFingerprints["primaryLocationLineHash"]+" "+res.Fingerprints[fingerprintKey])
		}
		return out
	}
	// Severity and remediation may change across runs without opening a
	// new alert; the message tells problems of one rule and resource apart
	// (TestReviewFingerprintStableWhenAnotherFindingAppears), so a new
	// message is a new alert rather than one that hides under a dismissal.
	escalated := base
	escalated.Severity, escalated.Remediation = High, "Set object ownership to BucketOwnerEnforced."
	if a, b := fp(base), fp(escalated); a[0] != b[0] {
		t.Errorf("fingerprint changed with the severity and remediation: %q, then %q; dashboards would open a new alert", a[0], b[0])
	}
	reworded := base
	reworded.Message = "Bucket data-bucket still has ACLs enabled."
	if a, b := fp(base), fp(reworded); a[0] == b[0] {
		t.Errorf("two messages share the fingerprint %q", a[0])
	}
	other := base
	other.Resource = "export-bucket"
	if a, b := fp(base), fp(other); a[0] == b[0] {
		t.Errorf("two resources share the fingerprint %q", a[0])
	}
	twice := fp(base, base)
	if twice[0] == twice[1] || !strings.HasSuffix(strings.Fields(twice[1])[0], ":2") {
		t.Errorf("a repeated finding's fingerprints = %q, want occurrences :1 and :2", twice)
	}
}

func TestWriteSARIFLocations(t *testing.T) {
	tests := []struct {
		resource string
		wantURI  string
		wantName string
		reason   string
	}{
		{"data-bucket", "aws/data-bucket", "data-bucket", "a bucket name"},
		{"s3://data-bucket/imports/", "aws/s3/data-bucket/imports/", "imports", "the s3:// scheme becomes a path segment"},
		{keyARN, "aws/" + keyARN, "1234abcd-12ab-34cd-56ef-1234567890ab", "an ARN's colons stay: they follow the first segment"},
		{"s3://b/a key?#%", "aws/s3/b/a%20key%3F%23%25", "a key?#%", "characters a path cannot hold are escaped"},
	}
	for _, tt := range tests {
		r := Report{Findings: []Finding{{ID: "s3.x", Severity: High, Resource: tt.resource, Message: "m"}}}
		loc := decodeSARIF(t, r).Runs[0].Results[0].Locations[0]
		if got := loc.PhysicalLocation.ArtifactLocation.URI; got != tt.wantURI {
			t.Errorf("uri for %q = %q, want %q (%s)", tt.resource, got, tt.wantURI, tt.reason)
		}
		if u, err := url.Parse(loc.PhysicalLocation.ArtifactLocation.URI); err != nil || u.IsAbs() {
			t.Errorf("uri for %q = %q is not a relative reference (%v); GitHub rejects schemes other than its root's", tt.resource, loc.PhysicalLocation.ArtifactLocation.URI, err)
		}
		want := []logicalLocation{{Name: tt.wantName, FullyQualifiedName: tt.resource, Kind: "resource"}}
		if diff := cmp.Diff(want, loc.LogicalLocations); diff != "" {
			t.Errorf("logicalLocations for %q (-want +got):\n%s", tt.resource, diff)
		}
	}
}

func TestRuleTitle(t *testing.T) {
	tests := []struct{ id, want string }{
		{"s3.tls-only-policy-missing", "S3: TLS only policy missing"},
		{"kms.key-disabled", "KMS: key disabled"},
		{"s3.acls-enabled", "S3: ACLs enabled"},
		{"iam.root-mfa-missing", "IAM: root MFA missing"},
		{"no-service", "no service"},
		{"trailing.", "trailing."},
	}
	for _, tt := range tests {
		if got := ruleTitle(tt.id); got != tt.want {
			t.Errorf("ruleTitle(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestWriteSARIFInvalidFinding(t *testing.T) {
	r := Report{Findings: []Finding{{ID: "s3.x", Severity: High, Message: "m"}, {ID: "s3.y", Message: "m"}}}
	var buf bytes.Buffer
	err := r.WriteSARIF(&buf)
	if err == nil || !strings.Contains(err.Error(), "s3.y") {
		t.Errorf("WriteSARIF with a finding without severity = %v, want an error naming s3.y", err)
	}
	if buf.Len() != 0 {
		t.Errorf("WriteSARIF wrote %d bytes before failing", buf.Len())
	}
}

// The subset of the log the assertions above read.
type (
	decodedLog struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID                   string
						DefaultConfiguration struct{ Level string }
						Properties           struct {
							SecuritySeverity string `json:"security-severity"`
						}
					}
				}
			}
			Results []struct {
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
					LogicalLocations []logicalLocation
				}
				PartialFingerprints map[string]string
				Fingerprints        map[string]string
			}
		}
	}
	logicalLocation struct {
		Name, FullyQualifiedName, Kind string
	}
)

func decodeSARIF(t *testing.T, r Report) decodedLog {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteSARIF(&buf); err != nil {
		t.Fatal(err)
	}
	if problems := checkSARIF(t, buf.Bytes()); len(problems) > 0 {
		t.Fatalf("not a valid log:\n%s", strings.Join(problems, "\n"))
	}
	var log decodedLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	return log
}

// checkSARIF checks b with the module's structural SARIF checker.
func checkSARIF(t *testing.T, b []byte) []string {
	t.Helper()
	return sariftest.Check(b)
}

func TestCheckSARIFCatchesBrokenLogs(t *testing.T) {
	var good bytes.Buffer
	if err := auditSample.WriteSARIF(&good); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new string
		want           string
	}{
		{"wrong version", `"version": "2.1.0"`, `"version": "2.0.0"`, "$.version"},
		{"no driver name", `"name": "personalizeguard"`, `"name": ""`, "driver.name"},
		{"level outside the enum", `"level": "error"`, `"level": "fatal"`, ".level"},
		{"ruleIndex out of range", `"ruleIndex": 0`, `"ruleIndex": 99`, "out of range"},
		{"no message text", `"text": "The key is disabled`, `"markdown": "The key is disabled`, "message.text"},
		{"logical location without kind", `"kind": "resource"`, `"kind": ""`, "logicalLocations[0].kind"},
	}
	for _, tt := range tests {
		broken := strings.Replace(good.String(), tt.old, tt.new, 1)
		if broken == good.String() {
			t.Fatalf("%s: %q not found in the log", tt.name, tt.old)
		}
		problems := strings.Join(checkSARIF(t, []byte(broken)), "\n")
		if !strings.Contains(problems, tt.want) {
			t.Errorf("%s: checkSARIF problems = %q, want one about %s", tt.name, problems, tt.want)
		}
	}
	if problems := checkSARIF(t, []byte("{}")); len(problems) == 0 {
		t.Error("checkSARIF({}) found no problem")
	}
}
