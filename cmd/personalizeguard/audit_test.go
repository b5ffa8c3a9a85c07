package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/audit"
	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/internal/sariftest"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
)

// awsEnv points the SDK's default configuration at a personalizetest
// account through the environment, as a CI job's variables would.
type awsEnv struct {
	s              *personalizetest.Server
	as             personalizetest.AccountScene
	stdout, stderr bytes.Buffer
}

func newAWSEnv(t *testing.T) *awsEnv {
	t.Helper()
	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	as, err := s.SeedAccount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, s.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": s.URL(), "AWS_CA_BUNDLE": ca, "AWS_REGION": personalizetest.Region,
		"AWS_ACCESS_KEY_ID": personalizetest.AccessKeyID, "AWS_SECRET_ACCESS_KEY": personalizetest.SecretAccessKey,
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_DEFAULT_REGION": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "none"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "none"),
	} {
		t.Setenv(k, v)
	}
	return &awsEnv{s: s, as: as}
}

func (e *awsEnv) run(args ...string) int {
	e.stdout.Reset()
	e.stderr.Reset()
	c := &command{stdout: &e.stdout, stderr: &e.stderr, awsConfig: loadAWSConfig}
	return c.run(context.Background(), args)
}

func TestAuditCommand(t *testing.T) {
	e := newAWSEnv(t)
	if got := e.run("audit"); got != exitOK || !strings.Contains(e.stdout.String(), "no findings") {
		t.Fatalf("audit of the good account = %d, want %d\nstdout:\n%s\nstderr:\n%s", got, exitOK, &e.stdout, &e.stderr)
	}
	if e.stderr.Len() != 0 {
		t.Errorf("stderr is not a terminal, yet the audit wrote %q", &e.stderr)
	}

	// A Medium finding: log file validation off.
	if _, err := e.s.PutTrail(personalizetest.Trail{Name: e.as.TrailName, S3BucketName: e.as.TrailBucket, KMSKeyID: e.as.TrailKeyARN,
		MultiRegion: true, Logging: true, ManagementEvents: "All"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"audit"}, exitFindings},
		{[]string{"audit", "-fail-on", "medium"}, exitFindings},
		{[]string{"audit", "-fail-on", "low"}, exitFindings},
		{[]string{"audit", "-fail-on", "high"}, exitOK},
		{[]string{"audit", "-fail-on", "critical", "-region", personalizetest.Region}, exitOK},
		{[]string{"audit", "-format", "json", "-fail-on", "high"}, exitOK},
		{[]string{"audit", "-format", "xml"}, exitUsage},
		{[]string{"audit", "-fail-on", "severe"}, exitUsage},
		{[]string{"audit", "-concurrency", "0"}, exitUsage},
		{[]string{"audit", "us-east-1"}, exitUsage},
		{[]string{"audit", "-h"}, exitOK},
	}
	for _, tt := range tests {
		if got := e.run(tt.args...); got != tt.want {
			t.Errorf("run(%q) = %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.args, got, tt.want, &e.stdout, &e.stderr)
		}
	}
	if e.run("audit"); !strings.Contains(e.stdout.String(), audit.FindingTrailValidationOff) {
		t.Errorf("the table lacks %s:\n%s", audit.FindingTrailValidationOff, &e.stdout)
	}

	e.run("audit", "-format", "json")
	var rep posture.Report
	if err := json.Unmarshal(e.stdout.Bytes(), &rep); err != nil {
		t.Fatalf("-format json: %v\n%s", err, &e.stdout)
	}
	if ids := rep.IDs(); len(ids) != 1 || ids[0] != audit.FindingTrailValidationOff {
		t.Errorf("-format json finding IDs = %v, want [%s]", ids, audit.FindingTrailValidationOff)
	}

	if got := e.run("audit", "-format", "sarif"); got != exitFindings {
		t.Errorf("-format sarif = %d, want %d", got, exitFindings)
	}
	if problems := sariftest.Check(e.stdout.Bytes()); len(problems) > 0 {
		t.Errorf("-format sarif is not a valid log:\n%s", strings.Join(problems, "\n"))
	}
	if !strings.Contains(e.stdout.String(), `"personalizeguard-audit/us-east-1/"`) {
		t.Errorf("-format sarif lacks the automationDetails category:\n%s", &e.stdout)
	}
}

func TestAuditCommandNoValueEchoed(t *testing.T) {
	e := newAWSEnv(t)
	if _, err := personalize.NewFromConfig(e.s.Config()).CreateDatasetGroup(context.Background(), &personalize.CreateDatasetGroupInput{
		Name: aws.String("cust4111111111111111"), KmsKeyArn: aws.String(e.as.KeyARN), RoleArn: aws.String(personalizetest.RoleARN)}); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "json", "sarif"} {
		if got := e.run("audit", "-format", format); got != exitFindings {
			t.Errorf("-format %s = %d, want %d", format, got, exitFindings)
		}
		if out := e.stdout.String() + e.stderr.String(); strings.Contains(out, "4111111111111111") ||
			!strings.Contains(out, audit.FindingNameIdentifying) {
			t.Errorf("-format %s: the card number is echoed, or the finding missing:\n%s", format, out)
		}
	}
}

func TestAuditCommandNoRegion(t *testing.T) {
	e := newAWSEnv(t)
	t.Setenv("AWS_REGION", "")
	if got := e.run("audit"); got != exitError || !strings.Contains(e.stderr.String(), "Region") {
		t.Errorf("audit without a Region = %d, want %d\nstderr:\n%s", got, exitError, &e.stderr)
	}
	if got := e.run("audit", "-region", personalizetest.Region); got != exitOK {
		t.Errorf("audit -region = %d, want %d\nstderr:\n%s", got, exitOK, &e.stderr)
	}
}

func TestAuditProgressLine(t *testing.T) {
	var buf bytes.Buffer
	c := &command{stderr: &buf, progress: true}
	p := c.newAuditProgress()
	p.update(audit.Progress{Stage: "resources", Done: 1200, Total: 2101})
	p.done()
	if want := "\r\x1b[Kresources: 1,200 of 2,101 reads\r\x1b[K"; buf.String() != want {
		t.Errorf("progress wrote %q, want %q", buf.String(), want)
	}
	if (&command{}).newAuditProgress() != nil {
		t.Error("a progress line without a terminal")
	}
}

func TestPolicyCommand(t *testing.T) {
	e := newAWSEnv(t)
	parse := func(args ...string) *iampolicy.Document {
		t.Helper()
		if got := e.run(args...); got != exitOK {
			t.Fatalf("run(%q) = %d\nstderr:\n%s", args, got, &e.stderr)
		}
		d, err := iampolicy.Parse(e.stdout.Bytes())
		if err != nil {
			t.Fatalf("run(%q) printed no policy: %v\n%s", args, err, &e.stdout)
		}
		return d
	}
	key := parse("policy", "key", "-role", personalizetest.RoleARN, "-region", personalizetest.Region, "-exports")
	if r := key.Evaluate(iampolicy.Request{Actor: iampolicy.AWSPrincipal(personalizetest.RoleARN), Action: "kms:GenerateDataKeyWithoutPlaintext",
		Resource: "*"}); r.Decision != iampolicy.Allowed {
		t.Errorf("policy key -exports does not allow the role GenerateDataKeyWithoutPlaintext: %v", r.Decision)
	}
	bucket := parse("policy", "bucket", "-bucket", "data", "-account", personalizetest.AccountID, "-direction", "read")
	if r := bucket.Evaluate(iampolicy.Request{Actor: iampolicy.Service(iampolicy.PersonalizeService), Action: "s3:PutObject",
		Resource: "arn:aws:s3:::data/x", Context: map[string][]string{"aws:SourceAccount": {personalizetest.AccountID}}}); r.Decision == iampolicy.Allowed {
		t.Error("policy bucket -direction read allows s3:PutObject")
	}
	role := parse("policy", "role", "-role", personalizetest.RoleARN)
	for i := range role.Statement {
		role.Statement[i].Principal = &iampolicy.Principal{AWS: iampolicy.Values{personalizetest.RoleARN}}
	}
	obj := "arn:aws:s3:::" + e.as.Bucket + "/interactions.csv"
	if r := role.Evaluate(iampolicy.Request{Actor: iampolicy.AWSPrincipal(personalizetest.RoleARN), Action: "s3:GetObject", Resource: obj}); r.Decision != iampolicy.Allowed {
		t.Errorf("policy role does not allow s3:GetObject on the import's object %s:\n%s", obj, &e.stdout)
	}

	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"policy"}, exitUsage},
		{[]string{"policy", "group"}, exitUsage},
		{[]string{"policy", "key"}, exitUsage},
		{[]string{"policy", "key", "-role", "not-an-arn"}, exitUsage},
		{[]string{"policy", "bucket", "-bucket", "data", "-account", "111122223333", "-direction", "sideways"}, exitUsage},
		{[]string{"policy", "bucket", "-bucket", "Data!", "-account", "111122223333"}, exitUsage},
		{[]string{"policy", "role", "-role", "arn:aws:iam::111122223333:role/Other"}, exitError},
		{[]string{"policy", "help"}, exitOK},
	} {
		if got := e.run(tt.args...); got != tt.want {
			t.Errorf("run(%q) = %d, want %d\nstderr:\n%s", tt.args, got, tt.want, &e.stderr)
		}
	}
	e.s.Deny(personalizetest.ServicePersonalize, "ListDatasetImportJobs")
	if got := e.run("policy", "role"); got != exitError || !strings.Contains(e.stderr.String(), "personalize:ListDatasetImportJobs") {
		t.Errorf("policy role with a refused read = %d, want %d naming the permission\nstderr:\n%s", got, exitError, &e.stderr)
	}
}
