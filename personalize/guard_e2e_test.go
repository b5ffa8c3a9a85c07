package personalize_test

// One test per safeguard, end to end: the real SDK client built by New,
// talking TLS to personalizetest's in-process Personalize, S3 and KMS. Each
// shows the unsafe request failing with the field and rule and no value, no
// request reaching "AWS", and the safe request going through with the right
// bytes on the wire.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aws/smithy-go/document"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// env is one emulated AWS with a protected scene and a guarded client.
type env struct {
	srv    *personalizetest.Server
	scene  personalizetest.Scene
	client *sdk.Client
	audit  *strings.Builder
	mu     *sync.Mutex
}

type lockedBuilder struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (l lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func newEnv(t testing.TB, p personalize.Policy, sceneOpts ...func(*personalizetest.SceneOptions)) *env {
	t.Helper()
	srv := personalizetest.New(t)
	scene, err := srv.SeedScene(context.Background(), sceneOpts...)
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	e := &env{srv: srv, scene: scene, audit: &strings.Builder{}, mu: &sync.Mutex{}}
	if p.Logger == nil {
		p.Logger = newAuditLogger(lockedBuilder{e.mu, e.audit})
	}
	if p.KMSKeyARN == "keyed" {
		p.KMSKeyARN, p.RoleARN = scene.KeyARN, scene.RoleARN
	}
	e.client, err = personalize.New(guardedConfig(srv), p)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// guardedConfig is srv's config without the middleware that hides request
// bodies' WriteTo (personalizetest.IDStreamWithoutWriteTo): the guard hides
// it by itself, and the gate reads the SDK's own stream, as in production.
func guardedConfig(srv *personalizetest.Server) aws.Config {
	cfg := srv.Config()
	cfg.APIOptions = nil
	return cfg
}

// putEncrypted writes body at key in the scene's bucket, encrypted with the
// scene's key as the bucket's posture check expects, straight to the
// emulator (not through the guard).
func (e *env) putEncrypted(t testing.TB, key, body string) {
	t.Helper()
	if _, err := s3.NewFromConfig(e.srv.Config()).PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(e.scene.Bucket), Key: aws.String(key),
		Body: strings.NewReader(body), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(e.scene.KeyARN)}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) auditLog() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.audit.String()
}

// personalizeCalls returns the Personalize operations the emulator received.
func (e *env) personalizeCalls() []string {
	var ops []string
	for _, r := range e.srv.Requests() {
		if r.Service == personalizetest.ServicePersonalize {
			ops = append(ops, r.Operation)
		}
	}
	return ops
}

// requireRefused checks err is a SafeguardError for field and rule whose text
// and audit event carry no canary, and that the refused operation never
// reached Personalize (the guard's own Describe calls may have).
func (e *env) requireRefused(t *testing.T, err error, field, rule string, canaries ...string) *personalize.SafeguardError {
	t.Helper()
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) {
		t.Fatalf("error = %v, want *personalize.SafeguardError", err)
	}
	if sg.Field != field || sg.Rule != rule {
		t.Errorf("refused at %q by %q, want %q by %q", sg.Field, sg.Rule, field, rule)
	}
	for _, op := range e.personalizeCalls() {
		if op == sg.Operation {
			t.Errorf("Personalize received %s; a refused request must not be sent", op)
		}
	}
	for _, c := range canaries {
		if strings.Contains(err.Error(), c) {
			t.Errorf("error %q echoes %q", err, c)
		}
		if strings.Contains(e.auditLog(), c) {
			t.Errorf("audit log echoes %q:\n%s", c, e.auditLog())
		}
		if e.srv.Seen(c) {
			t.Errorf("the emulated AWS received %q", c)
		}
	}
	return sg
}

func TestSafeguardSensitiveName(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := context.Background()

	_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("acct-12345678")})
	e.requireRefused(t, err, "Name", "sensitive.account-number", "12345678")

	_, err = e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), Tags: []types.Tag{
		{TagKey: aws.String("team"), TagValue: aws.String("recs")},
		{TagKey: aws.String("env"), TagValue: aws.String("prod")},
		{TagKey: aws.String("owner"), TagValue: aws.String("jane.doe@example.com")},
	}})
	e.requireRefused(t, err, "Tags[2].TagValue", "sensitive.email", "jane.doe")

	out, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies-2024-11-28")})
	if err != nil {
		t.Fatalf("safe CreateDatasetGroup: %v", err)
	}
	if aws.ToString(out.DatasetGroupArn) == "" {
		t.Error("no dataset group ARN")
	}
}

func TestSafeguardKeyInjectedOnTheWire(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	in := &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}
	before := &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}
	if _, err := e.client.CreateDatasetGroup(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, in, cmpopts.IgnoreTypes(document.NoSerde{})); diff != "" {
		t.Errorf("the caller's input was modified (-want +got):\n%s", diff)
	}
	var sent []string
	for _, r := range e.srv.Requests() {
		if r.Operation == "CreateDatasetGroup" {
			sent = append(sent, string(r.Body))
		}
	}
	if len(sent) != 1 || !strings.Contains(sent[0], `"kmsKeyArn":"`+e.scene.KeyARN+`"`) || !strings.Contains(sent[0], `"roleArn":"`+e.scene.RoleARN+`"`) {
		t.Errorf("CreateDatasetGroup bodies on the wire = %q; want the injected kmsKeyArn and roleArn", sent)
	}
	dg, err := e.client.DescribeDatasetGroup(context.Background(), &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(dg.DatasetGroup.KmsKeyArn); got != e.scene.KeyARN {
		t.Errorf("dataset group key = %q, want %q", got, e.scene.KeyARN)
	}
}

func TestSafeguardExportURLWithCredentials(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
	e.srv.ResetRequests()
	const secret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCY"
	_, err := e.client.CreateDatasetExportJob(context.Background(), &sdk.CreateDatasetExportJobInput{
		JobName:    aws.String("export-1"),
		DatasetArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset/movies/INTERACTIONS"),
		RoleArn:    aws.String(e.scene.RoleARN),
		JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{
			Path: aws.String("https://AKIAIOSFODNN7EXAMPLE:" + secret + "@" + e.scene.Bucket + ".s3.amazonaws.com/export/"),
		}},
	})
	e.requireRefused(t, err, "JobOutput.S3DataDestination.Path", "s3.location.credentials", secret, "AKIAIOSFODNN7EXAMPLE")
}

func TestSafeguardTLS11EndpointRefused(t *testing.T) {
	old := personalizetest.New(t, func(o *personalizetest.Options) {
		o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS11, tls.VersionTLS11
	})
	client, err := personalize.New(old.Config(), personalize.Policy{InsecureSkipPostureChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{})
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) || sg.Rule != personalize.RuleTLSVersion {
		t.Fatalf("ListDatasetGroups over TLS 1.1 = %v, want rule %s", err, personalize.RuleTLSVersion)
	}
	if reqs := old.Requests(); len(reqs) != 0 {
		t.Errorf("the TLS 1.1 endpoint's handler ran %d times, want 0", len(reqs))
	}
}

func TestSafeguardBucketPosture(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
	ctx := context.Background()
	// Break the bucket: no default encryption.
	s3c := s3.NewFromConfig(e.srv.Config())
	if _, err := s3c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String(e.scene.Bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := createDatasetAndSchema(ctx, e.client, "movies"); err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRequests()
	_, err := e.client.CreateDatasetImportJob(ctx, importInput(e, "import-1"))
	sg := e.requireRefused(t, err, "DataSource.DataLocation", personalize.RuleBucketPosture)
	var ids []string
	for _, f := range sg.Findings {
		ids = append(ids, f.ID)
	}
	if len(ids) == 0 || !strings.Contains(strings.Join(ids, " "), "encryption") {
		t.Errorf("findings %v, want one about default encryption", ids)
	}
}

func TestSafeguardKeyNotReady(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := context.Background()
	if _, err := awskms.NewFromConfig(e.srv.Config()).DisableKey(ctx, &awskms.DisableKeyInput{KeyId: aws.String(e.scene.KeyARN)}); err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRequests()
	_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies")})
	sg := e.requireRefused(t, err, "KmsKeyArn", personalize.RuleKMSKeyNotReady)
	if len(sg.Findings) == 0 || sg.Findings[0].ID != "kms.key-disabled" {
		t.Errorf("findings = %v, want kms.key-disabled first", sg.Findings)
	}
}

func TestFailClosedWhenChecksCannotRun(t *testing.T) {
	tests := []struct {
		name, service, op, field, rule, cause string
	}{
		{"KMS GetKeyPolicy denied", personalizetest.ServiceKMS, "GetKeyPolicy", "DatasetArn", personalize.RuleKMSCheckFailed,
			"KMS GetKeyPolicy was denied; the guard needs kms:GetKeyPolicy"},
		{"S3 GetBucketPolicy denied", personalizetest.ServiceS3, "GetBucketPolicy", "DataSource.DataLocation", personalize.RuleS3CheckFailed,
			"S3 GetBucketPolicy was denied; the guard needs s3:GetBucketPolicy"},
		{"DescribeDataset denied", personalizetest.ServicePersonalize, "DescribeDataset", "DatasetArn", personalize.RuleDatasetGroupLookup,
			"AWS error AccessDeniedException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
			ctx := context.Background()
			if _, err := createDatasetAndSchema(ctx, e.client, "movies"); err != nil {
				t.Fatal(err)
			}
			e.srv.Deny(tt.service, tt.op)
			e.srv.ResetRequests()
			_, err := e.client.CreateDatasetImportJob(ctx, importInput(e, "import-1"))
			e.requireRefused(t, err, tt.field, tt.rule, "interactions.csv")
			if !strings.Contains(err.Error(), tt.cause) {
				t.Errorf("error %q does not say %q", err, tt.cause)
			}
		})
	}
}

// importIntoUnencryptedGroup creates a dataset group without a key, and its
// dataset, through a bare client (outside the guard), then imports into it
// through e's guarded client.
func importIntoUnencryptedGroup(t *testing.T, e *env) error {
	t.Helper()
	ctx := context.Background()
	bare := sdk.NewFromConfig(e.srv.Config())
	if _, err := bare.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("unencrypted")}); err != nil {
		t.Fatal(err)
	}
	waitActiveGroup(t, bare, "unencrypted")
	if _, err := createDatasetAndSchema(ctx, bare, "unencrypted"); err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRequests()
	in := importInput(e, "import-1")
	in.DatasetArn = aws.String("arn:aws:personalize:us-east-1:111122223333:dataset/unencrypted/INTERACTIONS")
	_, err := e.client.CreateDatasetImportJob(ctx, in)
	return err
}

func TestImportIntoGroupWithoutTheKey(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	err := importIntoUnencryptedGroup(t, e)
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) || sg.Rule != personalize.RuleDatasetGroupKey {
		t.Fatalf("import into an unencrypted group = %v, want rule %s", err, personalize.RuleDatasetGroupKey)
	}
	for _, op := range e.personalizeCalls() {
		if op == "CreateDatasetImportJob" {
			t.Error("the import reached Personalize")
		}
	}
}

func TestAuditEventPerCall(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	ctx := context.Background()
	_, _ = e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("acct-12345678")})
	if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}); err != nil {
		t.Fatal(err)
	}
	_, _ = e.client.DescribeDatasetGroup(ctx, &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/missing")})
	events := parseAudit(t, e.auditLog())
	want := []auditEvent{
		{Operation: "CreateDatasetGroup", Outcome: "rejected", Rule: "sensitive.account-number", Field: "Name"},
		{Operation: "CreateDatasetGroup", Outcome: "allowed", Safeguards: []string{personalize.ActionFieldsChecked, personalize.ActionKeyInjected, personalize.ActionRoleInjected, personalize.ActionCallerChecked, personalize.ActionKeyReady}},
		{Operation: "DescribeDatasetGroup", Outcome: "failed", Safeguards: []string{personalize.ActionFieldsChecked, personalize.ActionCallerChecked}, ErrorCode: "ResourceNotFoundException"},
	}
	if diff := cmp.Diff(want, events, cmpopts.IgnoreFields(auditEvent{}, "RequestID", "Duration")); diff != "" {
		t.Errorf("audit events mismatch (-want +got):\n%s", diff)
	}
	if events[1].RequestID == "" || events[2].RequestID == "" {
		t.Errorf("calls that reached AWS must carry the request ID: %+v", events)
	}
	if strings.Contains(e.auditLog(), "12345678") || strings.Contains(e.auditLog(), "dataset-group/missing") {
		t.Errorf("audit log carries values:\n%s", e.auditLog())
	}
}

// TestProtectedFlow runs the whole flow through the guard: an encrypted
// dataset group, schema, dataset, an import from the encrypted bucket and an
// export back to it, each allowed and acted on by the safeguards.
func TestProtectedFlow(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", AllowedOutputBuckets: []string{"personalizetest-data"}})
	ctx := context.Background()
	if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}); err != nil {
		t.Fatal(err)
	}
	waitActiveGroup(t, e.client, "movies")
	datasetARN, err := createDatasetAndSchema(ctx, e.client, "movies")
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, func() (string, error) {
		out, err := e.client.DescribeDataset(ctx, &sdk.DescribeDatasetInput{DatasetArn: aws.String(datasetARN)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Dataset.Status), nil
	})
	imp, err := e.client.CreateDatasetImportJob(ctx, importInput(e, "import-1"))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	waitJob(t, func() (string, error) {
		out, err := e.client.DescribeDatasetImportJob(ctx, &sdk.DescribeDatasetImportJobInput{DatasetImportJobArn: imp.DatasetImportJobArn})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.DatasetImportJob.Status), nil
	})
	exp, err := e.client.CreateDatasetExportJob(ctx, &sdk.CreateDatasetExportJobInput{
		JobName: aws.String("export-1"), DatasetArn: aws.String(datasetARN), RoleArn: aws.String(e.scene.RoleARN),
		JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(e.scene.ExportLocation)}},
	})
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	waitJob(t, func() (string, error) {
		out, err := e.client.DescribeDatasetExportJob(ctx, &sdk.DescribeDatasetExportJobInput{DatasetExportJobArn: exp.DatasetExportJobArn})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.DatasetExportJob.Status), nil
	})
	// The export job went out with the customer's key injected.
	for _, r := range e.srv.Requests() {
		if r.Operation == "CreateDatasetExportJob" && !strings.Contains(string(r.Body), `"kmsKeyArn":"`+e.scene.KeyARN+`"`) {
			t.Errorf("export request without the injected key: %s", r.Body)
		}
	}
	var acted []string
	for _, ev := range parseAudit(t, e.auditLog()) {
		if ev.Outcome != "allowed" {
			t.Errorf("audit event %+v, want every call allowed", ev)
		}
		if ev.Operation == "CreateDatasetImportJob" || ev.Operation == "CreateDatasetExportJob" {
			acted = append(acted, ev.Operation+": "+strings.Join(ev.Safeguards, ","))
		}
	}
	want := []string{
		"CreateDatasetImportJob: model.fields-checked,s3.location-checked,identity.caller-checked,kms.key-ready,kms.dataset-group-key-verified,s3.bucket-posture-checked,s3.objects-checked,datascan.import-scanned",
		"CreateDatasetExportJob: model.fields-checked,kms.key-injected,s3.location-checked,identity.caller-checked,kms.key-ready,kms.dataset-group-key-verified,s3.bucket-posture-checked",
	}
	if diff := cmp.Diff(want, acted); diff != "" {
		t.Errorf("safeguards that acted (-want +got):\n%s", diff)
	}
}

// waitJob polls a Describe until the resource is ACTIVE.
func waitJob(t *testing.T, status func() (string, error)) {
	t.Helper()
	for range 100 {
		s, err := status()
		if err != nil {
			t.Fatal(err)
		}
		switch s {
		case "ACTIVE":
			return
		case "CREATE FAILED":
			t.Fatalf("job failed")
		}
		// The emulator moves a resource on each time it is described.
	}
	t.Fatal("job never became ACTIVE")
}

// TestConcurrentCallsShareOneKeyCheck: many dataset groups created at once
// with one key make one round of KMS calls between them.
func TestConcurrentCallsShareOneKeyCheck(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	const n = 32
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String(fmt.Sprintf("group-%02d", i))})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	kmsCalls := map[string]int{}
	for _, r := range e.srv.Requests() {
		if r.Service == personalizetest.ServiceKMS {
			kmsCalls[r.Operation]++
		}
	}
	want := map[string]int{"DescribeKey": 1, "GetKeyRotationStatus": 1, "GetKeyPolicy": 1, "ListGrants": 1}
	if diff := cmp.Diff(want, kmsCalls); diff != "" {
		t.Errorf("KMS calls for %d concurrent CreateDatasetGroup (-want +got):\n%s", n, diff)
	}
}
