package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/internal/sariftest"
	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// secretValues are what the dirty names and tags below hold; no output
// may contain them.
var secretValues = []string{"4111111111111111", "jane.doe", "example.com"}

func dirty(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	pz := e.pz()
	if _, err := pz.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("cust4111111111111111"),
		KmsKeyArn: aws.String(e.sc.KeyARN), RoleArn: aws.String(personalizetest.RoleARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := pz.TagResource(ctx, &personalize.TagResourceInput{ResourceArn: aws.String(e.sc.DatasetGroupARN),
		Tags: []ptypes.Tag{{TagKey: aws.String("jane.doe@example.com"), TagValue: aws.String("jane.doe@example.com")}}}); err != nil {
		t.Fatal(err)
	}
}

func TestNoValueEchoed(t *testing.T) {
	e := newEnv(t)
	dirty(t, e)
	res := e.run(t)
	for _, id := range []string{FindingNameIdentifying, FindingTagIdentifying} {
		if !res.Report.Has(id) {
			t.Errorf("report lacks %s: %v", id, res.Report.IDs())
		}
	}
	out := everyFormat(t, res.Report)
	for _, v := range secretValues {
		if strings.Contains(out, v) {
			t.Errorf("the report's outputs contain %q", v)
		}
	}
}

// everyFormat is the report as a table, JSON and SARIF, one after the other:
// what a value must not appear in.
func everyFormat(t *testing.T, r posture.Report) string {
	t.Helper()
	var out bytes.Buffer
	if err := r.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteSARIF(&out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestSARIF(t *testing.T) {
	e := newEnv(t)
	dirty(t, e)
	e.iam.mfa = 0
	e.ct.trails[0].validation = false
	res := e.run(t)
	if len(res.Report.Findings) < 3 {
		t.Fatalf("want several findings, got %v", res.Report.IDs())
	}
	var out bytes.Buffer
	if err := res.Report.WriteSARIF(&out); err != nil {
		t.Fatal(err)
	}
	if problems := sariftest.Check(out.Bytes()); len(problems) > 0 {
		t.Errorf("WriteSARIF of the audit's report is not a valid log:\n%s", strings.Join(problems, "\n"))
	}
}

// TestRolePolicy evaluates the generated policy with the module's IAM
// evaluator: it allows exactly what is in use, and the audit, given it as the
// role's only policy, finds nothing about the role.
func TestRolePolicy(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	u := Usage{Partition: "aws", Region: "us-east-1", AccountID: "111122223333", Keys: []string{key}, Exports: true,
		Locations: []Use{
			{Location: s3guard.Location{Bucket: "data", Key: "imports/"}, Direction: s3guard.Read},
			{Location: s3guard.Location{Bucket: "data", Key: "users.csv"}, Direction: s3guard.Read},
			{Location: s3guard.Location{Bucket: "out", Key: "export/"}, Direction: s3guard.Write},
		}}
	b, err := RolePolicy(u)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := iampolicy.Parse(b)
	if err != nil {
		t.Fatalf("RolePolicy() is not a policy: %v\n%s", err, b)
	}
	const role = "arn:aws:iam::111122223333:role/P"
	for i := range doc.Statement {
		doc.Statement[i].Principal = &iampolicy.Principal{AWS: iampolicy.Values{role}} // an identity policy applies to its role
	}
	tests := []struct {
		action, resource string
		want             iampolicy.Decision
	}{
		{"s3:GetObject", "arn:aws:s3:::data/imports/2024/01.csv", iampolicy.Allowed},
		{"s3:GetObject", "arn:aws:s3:::data/users.csv", iampolicy.Allowed},
		{"s3:GetObject", "arn:aws:s3:::data/users.csv.bak", iampolicy.NotAllowed},
		{"s3:GetObject", "arn:aws:s3:::data/private/x.csv", iampolicy.NotAllowed},
		{"s3:PutObject", "arn:aws:s3:::data/imports/x.csv", iampolicy.NotAllowed},
		{"s3:PutObject", "arn:aws:s3:::out/export/part-0", iampolicy.Allowed},
		{"s3:GetObject", "arn:aws:s3:::out/export/part-0", iampolicy.NotAllowed},
		{"s3:ListBucket", "arn:aws:s3:::data", iampolicy.Allowed},
		{"s3:ListBucket", "arn:aws:s3:::other", iampolicy.NotAllowed},
		{"s3:DeleteObject", "arn:aws:s3:::data/users.csv", iampolicy.NotAllowed},
		{"kms:Decrypt", key, iampolicy.Allowed},
		{"kms:GenerateDataKeyWithoutPlaintext", key, iampolicy.Allowed},
		{"kms:Decrypt", strings.Replace(key, "1234abcd", "9999abcd", 1), iampolicy.NotAllowed},
		{"kms:ScheduleKeyDeletion", key, iampolicy.NotAllowed},
	}
	for _, tt := range tests {
		got := doc.Evaluate(iampolicy.Request{Actor: iampolicy.AWSPrincipal(role), Action: tt.action, Resource: tt.resource})
		if got.Decision != tt.want {
			t.Errorf("RolePolicy allows %s on %s: %v, want %v", tt.action, tt.resource, got.Decision, tt.want)
		}
	}
	if got := kms.RequiredActions(true); !strings.Contains(string(b), got[len(got)-1]) {
		t.Errorf("RolePolicy(Exports) lacks %s", got[len(got)-1])
	}
	if _, err := RolePolicy(Usage{}); err == nil {
		t.Error("RolePolicy(Usage{}) = nil error, want one")
	}

	// The audit accepts the policy it generates.
	e := newEnv(t)
	gen, err := RolePolicy(e.run(t).Roles[personalizetest.RoleARN])
	if err != nil {
		t.Fatal(err)
	}
	e.setRole("", string(gen))
	if got := blocking(e.run(t).Report); len(got) != 0 {
		t.Errorf("with the generated role policy, blocking findings %v", got)
	}
}

// TestFetchOnce: many dataset groups and jobs share one role, key and bucket;
// each is read once.
func TestFetchOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, name := range []string{"g1", "g2", "g3", "g4"} {
		if _, err := e.pz().CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String(name),
			KmsKeyArn: aws.String(e.sc.KeyARN), RoleArn: aws.String(personalizetest.RoleARN)}); err != nil {
			t.Fatal(err)
		}
	}
	e.iam.roles[testRole] = fakeRole{trust: goodTrust, attached: []string{"arn:aws:iam::111122223333:policy/p1", "arn:aws:iam::111122223333:policy/p2"}}
	e.iam.policies["arn:aws:iam::111122223333:policy/p1"] = goodPolicy(e.sc.Bucket, e.sc.KeyARN)
	e.iam.policies["arn:aws:iam::111122223333:policy/p2"] = goodPolicy(e.sc.Bucket, e.sc.KeyARN)
	e.s.ResetRequests()
	res := e.run(t)
	if got := blocking(res.Report); len(got) != 0 {
		t.Fatalf("blocking findings %v", got)
	}
	got := map[string]int{}
	for _, r := range e.s.Requests() {
		got[r.Service+":"+r.Operation]++
	}
	for _, op := range []string{"GetRole", "ListAttachedRolePolicies", "GetAccountSummary"} {
		got["iam:"+op] = e.iam.count(op)
	}
	got["iam:GetPolicy"] = e.iam.count("GetPolicy")
	want := map[string]int{
		"iam:GetRole": 1, "iam:ListAttachedRolePolicies": 2, "iam:GetPolicy": 2, "iam:GetAccountSummary": 1,
		"kms:DescribeKey": 1, "kms:GetKeyPolicy": 1, "kms:ListGrants": 1, "kms:GetKeyRotationStatus": 1,
		"s3:GetBucketPolicy": 1, "s3:GetPublicAccessBlock": 1, // the jobs and the trail share the bucket here
		"personalize:DescribeDatasetGroup": 5,
		"sts:GetCallerIdentity":            1,
	}
	t.Logf("calls: %v", got)
	for op, n := range want {
		if got[op] != n {
			t.Errorf("%s called %d times, want %d", op, got[op], n)
		}
	}
}

// countingPersonalize tracks how many Personalize calls are in flight.
type countingPersonalize struct {
	PersonalizeAPI
	in, max atomic.Int64
}

func (c *countingPersonalize) enter() func() {
	n := c.in.Add(1)
	for {
		m := c.max.Load()
		if n <= m || c.max.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(time.Millisecond) // let the others pile up, if the bound lets them
	return func() { c.in.Add(-1) }
}

func (c *countingPersonalize) ListTagsForResource(ctx context.Context, in *personalize.ListTagsForResourceInput, o ...func(*personalize.Options)) (*personalize.ListTagsForResourceOutput, error) {
	defer c.enter()()
	return c.PersonalizeAPI.ListTagsForResource(ctx, in, o...)
}

func (c *countingPersonalize) DescribeDatasetGroup(ctx context.Context, in *personalize.DescribeDatasetGroupInput, o ...func(*personalize.Options)) (*personalize.DescribeDatasetGroupOutput, error) {
	defer c.enter()()
	return c.PersonalizeAPI.DescribeDatasetGroup(ctx, in, o...)
}

func TestConcurrencyBound(t *testing.T) {
	for _, n := range []int{1, 3} {
		e := newEnv(t)
		for i := range 8 {
			if _, err := e.pz().CreateDatasetGroup(context.Background(), &personalize.CreateDatasetGroupInput{Name: aws.String("g" + string(rune('a'+i))),
				KmsKeyArn: aws.String(e.sc.KeyARN), RoleArn: aws.String(personalizetest.RoleARN)}); err != nil {
				t.Fatal(err)
			}
		}
		cp := &countingPersonalize{PersonalizeAPI: e.clients.Personalize}
		e.clients.Personalize = cp
		var mu sync.Mutex
		var last Progress
		var backwards []string // a stage's Done that did not go up
		res, err := Run(context.Background(), e.clients, func(o *Options) {
			o.Region, o.Concurrency = personalizetest.Region, n
			o.Progress = func(p Progress) {
				mu.Lock()
				defer mu.Unlock()
				if p.Stage == last.Stage && p.Done <= last.Done {
					backwards = append(backwards, fmt.Sprintf("%s %d after %d", p.Stage, p.Done, last.Done))
				}
				last = p
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := blocking(res.Report); len(got) != 0 {
			t.Errorf("Concurrency %d: blocking findings %v", n, got)
		}
		if m := cp.max.Load(); m > int64(n) {
			t.Errorf("Concurrency %d: %d calls were in flight at once", n, m)
		}
		if len(backwards) > 0 {
			t.Errorf("Concurrency %d: progress went backwards: %v", n, backwards)
		}
		if last.Stage != "checks" || last.Done != last.Total || last.Total == 0 {
			t.Errorf("Concurrency %d: last progress %+v, want checks done", n, last)
		}
	}
}

func TestRunArguments(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name  string
		c     func() Clients
		opt   func(*Options)
		field string
	}{
		{"no IAM client", func() Clients { c := e.clients; c.IAM = nil; return c }, func(o *Options) { o.Region = "us-east-1" }, "Clients.IAM"},
		{"no Region", func() Clients { return e.clients }, func(*Options) {}, "Options.Region"},
		{"negative concurrency", func() Clients { return e.clients }, func(o *Options) { o.Region, o.Concurrency = "us-east-1", -1 }, "Options.Concurrency"},
	}
	for _, tt := range tests {
		e.s.ResetRequests()
		_, err := Run(context.Background(), tt.c(), tt.opt)
		var ae *ArgumentError
		if !errors.As(err, &ae) || ae.Field != tt.field {
			t.Errorf("%s: Run() error = %v, want an *ArgumentError for %s", tt.name, err, tt.field)
		}
		if n := len(e.s.Requests()); n != 0 {
			t.Errorf("%s: %d requests before the error", tt.name, n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, e.clients, func(o *Options) { o.Region = "us-east-1" }); !errors.Is(err, context.Canceled) {
		t.Errorf("Run(canceled) error = %v, want context.Canceled", err)
	}
}

func TestReadDeniedNamesPermission(t *testing.T) {
	tests := []struct {
		service, op, permission string
	}{
		{personalizetest.ServicePersonalize, "ListDatasetGroups", "personalize:ListDatasetGroups"},
		{personalizetest.ServicePersonalize, "DescribeDatasetImportJob", "personalize:DescribeDatasetImportJob"},
		{personalizetest.ServicePersonalize, "ListTagsForResource", "personalize:ListTagsForResource"},
		{personalizetest.ServiceKMS, "GetKeyPolicy", "kms:GetKeyPolicy"},
		{personalizetest.ServiceS3, "GetBucketPolicy", "s3:GetBucketPolicy"},
		{personalizetest.ServiceSTS, "GetCallerIdentity", "sts:GetCallerIdentity"},
	}
	for _, tt := range tests {
		t.Run(tt.permission, func(t *testing.T) {
			e := newEnv(t)
			e.s.Deny(tt.service, tt.op)
			res := e.run(t)
			found := false
			for _, f := range res.Report.Findings {
				found = found || (f.ID == FindingReadDenied && strings.Contains(f.Message, tt.permission))
			}
			if !found {
				t.Errorf("no %s naming %s in %v", FindingReadDenied, tt.permission, res.Report.Findings)
			}
			if res.Report.Passed(posture.High) {
				t.Error("the report passes at high")
			}
		})
	}
}

func TestGroupOfDataset(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arn:aws:personalize:us-east-1:111122223333:dataset/g1/INTERACTIONS", "arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"},
		{"arn:aws:personalize:us-east-1:111122223333:dataset/g1", ""},
		{"arn:aws:personalize:us-east-1:111122223333:dataset-group/g1", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, groupOfDataset(tt.in)); diff != "" {
			t.Errorf("groupOfDataset(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestReadUsage(t *testing.T) {
	e := newEnv(t)
	full := e.run(t)
	only := Clients{STS: e.clients.STS, Personalize: e.clients.Personalize}
	e.s.ResetRequests()
	got, err := ReadUsage(context.Background(), only, func(o *Options) { o.Region = personalizetest.Region })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(full.Roles, got.Roles); diff != "" {
		t.Errorf("ReadUsage().Roles mismatch (-want +got):\n%s", diff)
	}
	for _, r := range e.s.Requests() {
		if r.Service != personalizetest.ServicePersonalize && r.Service != personalizetest.ServiceSTS || r.Operation == "ListTagsForResource" {
			t.Errorf("ReadUsage called %s %s", r.Service, r.Operation)
		}
	}
	e.s.Deny(personalizetest.ServicePersonalize, "DescribeDatasetImportJob")
	_, err = ReadUsage(context.Background(), only, func(o *Options) { o.Region = personalizetest.Region })
	var ie *IncompleteError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "personalize:DescribeDatasetImportJob") {
		t.Errorf("ReadUsage() with a refused read: error = %v, want an *IncompleteError naming the permission", err)
	}
}

// TestTrustUncertainDenyIsNoDeputy: a Deny the audit cannot evaluate does not
// make a trust policy that surely refuses other accounts a confused deputy.
func TestTrustUncertainDenyIsNoDeputy(t *testing.T) {
	e := newEnv(t)
	e.setRole(strings.Replace(goodTrust, `]}`, `,{"Effect":"Deny","Principal":{"Service":"personalize.amazonaws.com"},"Action":"sts:AssumeRole",
		"Condition":{"StringLike":{"aws:UserAgent":"curl*"}}}]}`, 1), "")
	res := e.run(t)
	if diff := cmp.Diff([]string(nil), blocking(res.Report)); diff != "" {
		t.Errorf("blocking finding IDs mismatch (-want +got):\n%s", diff)
	}
}

// TestNoValueEchoedOutsidePersonalize: trail names and the buckets of trails
// and imports can hold identifying values too (bucket names allow digits and
// hyphens: a card number, an SSN); no finding may show them.
func TestNoValueEchoedOutsidePersonalize(t *testing.T) {
	e := newEnv(t)
	e.ct.trails[0].name = "audit4111111111111111"
	e.ct.trails[0].validation, e.ct.trails[0].key = false, ""
	e.ct.trails[0].bucket = "logs-4111111111111111"
	s3c := s3.NewFromConfig(e.s.Config())
	if _, err := s3c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("imports-4111111111111111")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("imports-4111111111111111"),
		Key: aws.String("interactions.csv"), Body: strings.NewReader(personalizetest.InteractionsCSV)}); err != nil {
		t.Fatal(err)
	}
	_, err := e.pz().CreateDatasetImportJob(context.Background(), &personalize.CreateDatasetImportJobInput{
		JobName: aws.String("second"), DatasetArn: aws.String(e.sc.InteractionsDatasetARN), RoleArn: aws.String(personalizetest.RoleARN),
		DataSource: &ptypes.DataSource{DataLocation: aws.String("s3://imports-4111111111111111/interactions.csv")}})
	if err != nil {
		t.Fatal(err)
	}
	res := e.run(t)
	for _, id := range []string{FindingTrailValidationOff, FindingTrailNotKMS, FindingMacieBucketNotCovered, s3guard.FindingBucketNotFound} {
		if !res.Report.Has(id) {
			t.Errorf("report lacks %s: %v", id, res.Report.IDs())
		}
	}
	out := everyFormat(t, res.Report)
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "4111111111111111") {
			t.Errorf("an output line holds the card number: %s", line)
		}
	}
}

// TestRolePolicyLiteralWildcards: S3 keys may hold '*' and '$', which IAM
// reads as a wildcard and a policy variable; the policy names them as the
// literal characters (${*}, ${$}), so that it grants no more than the key.
func TestRolePolicyLiteralWildcards(t *testing.T) {
	tests := []struct {
		key  string
		want string
	}{
		{"exports*/", `"arn:aws:s3:::data/exports${*}/*"`},
		{"a*b.csv", `"arn:aws:s3:::data/a${*}b.csv"`},
		{"${aws:username}/", `"arn:aws:s3:::data/${$}{aws:username}/*"`},
		{"plain/", `"arn:aws:s3:::data/plain/*"`},
	}
	for _, tt := range tests {
		b, err := RolePolicy(Usage{Partition: "aws", Locations: []Use{{Location: s3guard.Location{Bucket: "data", Key: tt.key}, Direction: s3guard.Read}}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), tt.want) {
			t.Errorf("RolePolicy(key %q) lacks %s:\n%s", tt.key, tt.want, b)
		}
	}
}

// oddLocation answers the import job with a location s3guard refuses.
type oddLocation struct{ PersonalizeAPI }

func (p oddLocation) DescribeDatasetImportJob(ctx context.Context, in *personalize.DescribeDatasetImportJobInput, o ...func(*personalize.Options)) (*personalize.DescribeDatasetImportJobOutput, error) {
	out, err := p.PersonalizeAPI.DescribeDatasetImportJob(ctx, in, o...)
	if err == nil && out.DatasetImportJob != nil && out.DatasetImportJob.DataSource != nil {
		out.DatasetImportJob.DataSource.DataLocation = aws.String("s3://Legacy_Bucket/interactions.csv")
	}
	return out, err
}

// TestReadUsageLocationUnread: a job location the audit cannot parse is left
// out of the usage, so the role policy written from it would lock the job
// out; ReadUsage refuses, as for any read it could not make.
func TestReadUsageLocationUnread(t *testing.T) {
	e := newEnv(t)
	only := Clients{STS: e.clients.STS, Personalize: oddLocation{e.clients.Personalize}}
	_, err := ReadUsage(context.Background(), only, func(o *Options) { o.Region = personalizetest.Region })
	var ie *IncompleteError
	if !errors.As(err, &ie) {
		t.Fatalf("ReadUsage() error = %v, want an *IncompleteError", err)
	}
	var ids []string
	for _, f := range ie.Findings {
		ids = append(ids, f.ID)
	}
	if diff := cmp.Diff([]string{FindingJobLocationInvalid}, ids); diff != "" {
		t.Errorf("IncompleteError findings mismatch (-want +got):\n%s", diff)
	}
}

// TestTrustForAnotherAccount: a trust policy for another account's
// Personalize locks this account's jobs out and lets the other account's in.
func TestTrustForAnotherAccount(t *testing.T) {
	e := newEnv(t)
	e.setRole(strings.ReplaceAll(goodTrust, "111122223333", "222233334444"), "")
	want := []string{FindingTrustConfusedDeputy, FindingTrustPersonalizeMissing}
	if diff := cmp.Diff(want, blocking(e.run(t).Report)); diff != "" {
		t.Errorf("blocking finding IDs mismatch (-want +got):\n%s", diff)
	}
}

// TestTrustExactSourceARN: a trust policy that admits Personalize only for
// named resources of this account lets it in; it is not "missing".
func TestTrustExactSourceARN(t *testing.T) {
	e := newEnv(t)
	e.setRole(strings.Replace(goodTrust, `"StringEquals":{"aws:SourceAccount":"111122223333"}`,
		`"ArnEquals":{"aws:SourceArn":["`+e.sc.DatasetGroupARN+`"]}`, 1), "")
	if diff := cmp.Diff([]string(nil), blocking(e.run(t).Report)); diff != "" {
		t.Errorf("blocking finding IDs mismatch (-want +got):\n%s", diff)
	}
}

// countingS3 tracks how many S3 calls are in flight; the bucket check makes
// its reads together when its client lets it.
type countingS3 struct {
	s3guard.CheckAPIClient
	countingPersonalize
}

func (c *countingS3) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, o ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	defer c.enter()()
	return c.CheckAPIClient.GetBucketEncryption(ctx, in, o...)
}

func (c *countingS3) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, o ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	defer c.enter()()
	return c.CheckAPIClient.GetBucketPolicy(ctx, in, o...)
}

func (c *countingS3) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, o ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	defer c.enter()()
	return c.CheckAPIClient.GetPublicAccessBlock(ctx, in, o...)
}

func (c *countingS3) GetBucketOwnershipControls(ctx context.Context, in *s3.GetBucketOwnershipControlsInput, o ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error) {
	defer c.enter()()
	return c.CheckAPIClient.GetBucketOwnershipControls(ctx, in, o...)
}

// TestConcurrencyBoundS3: the bound holds for S3 too, whose bucket check
// would otherwise make its four reads at once.
func TestConcurrencyBoundS3(t *testing.T) {
	e := newEnv(t)
	cs := &countingS3{CheckAPIClient: e.clients.S3}
	e.clients.S3 = cs
	res, err := Run(context.Background(), e.clients, func(o *Options) { o.Region, o.Concurrency = personalizetest.Region, 1 })
	if err != nil {
		t.Fatal(err)
	}
	if got := blocking(res.Report); len(got) != 0 {
		t.Errorf("blocking findings %v", got)
	}
	if m := cs.max.Load(); m != 1 {
		t.Errorf("Concurrency 1: %d S3 calls were in flight at once", m)
	}
}

// denySolutionVersion refuses DescribeSolutionVersion as AWS does a
// role without personalize:DescribeSolutionVersion.
type denySolutionVersion struct{ PersonalizeAPI }

func (denySolutionVersion) DescribeSolutionVersion(context.Context, *personalize.DescribeSolutionVersionInput, ...func(*personalize.Options)) (*personalize.DescribeSolutionVersionOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User is not authorized to perform personalize:DescribeSolutionVersion"}
}

// loopingListings pages ListDatasetGroups and ListDataDeletionJobs as a
// broken or hostile endpoint may: the same NextToken every time (repeat), or
// a new one every time.
type loopingListings struct {
	PersonalizeAPI
	repeat bool
	pages  atomic.Int64
}

func (l *loopingListings) token() *string {
	n := l.pages.Add(1)
	if l.repeat {
		return aws.String("same")
	}
	return aws.String("page-" + strconv.FormatInt(n, 10))
}

func (l *loopingListings) ListDatasetGroups(ctx context.Context, _ *personalize.ListDatasetGroupsInput, _ ...func(*personalize.Options)) (*personalize.ListDatasetGroupsOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &personalize.ListDatasetGroupsOutput{NextToken: l.token()}, nil
}

func (l *loopingListings) ListDataDeletionJobs(ctx context.Context, _ *personalize.ListDataDeletionJobsInput, _ ...func(*personalize.Options)) (*personalize.ListDataDeletionJobsOutput, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &personalize.ListDataDeletionJobsOutput{NextToken: l.token()}, nil
}

// TestListingThatNeverEnds (fourth review): a listing whose endpoint hands
// back a page token it gave before, or pages past maxPages, ends with a
// read-failed finding for that listing, not in a loop until the context ends
// and not as a pass. Each listing's permission is named.
func TestListingThatNeverEnds(t *testing.T) {
	for _, tt := range []struct {
		name      string
		repeat    bool
		wantPages int64 // at most, over both listings
		why       string
	}{
		{"repeated token", true, 2 * 2, "the listing handed back a page token it had already given"},
		{"endless new tokens", false, 2 * maxPages, "the listing did not end within 100000 pages"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			l := &loopingListings{PersonalizeAPI: e.clients.Personalize, repeat: tt.repeat}
			e.clients.Personalize = l
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := Run(ctx, e.clients, func(o *Options) { o.Region = "us-east-1" })
			if err != nil {
				t.Fatalf("Run: %v (after %d pages)", err, l.pages.Load())
			}
			if got := l.pages.Load(); got > tt.wantPages {
				t.Errorf("read %d pages, want at most %d", got, tt.wantPages)
			}
			var got []string
			for _, f := range res.Report.Findings {
				if f.ID == FindingReadFailed && strings.Contains(f.Message, "personalize:List") {
					got = append(got, f.Message)
				}
			}
			slices.Sort(got)
			want := []string{
				"The audit could not call personalize:ListDataDeletionJobs (" + tt.why + "), so what it reads is not checked; this is not a pass.",
				"The audit could not call personalize:ListDatasetGroups (" + tt.why + "), so what it reads is not checked; this is not a pass.",
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("read-failed findings of the listings (-want +got):\n%s", diff)
			}
		})
	}
}

// loopingRolePolicies answers every ListRolePolicies page with the same
// marker, truncated.
type loopingRolePolicies struct{ IAMAPI }

func (loopingRolePolicies) ListRolePolicies(ctx context.Context, _ *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return &iam.ListRolePoliciesOutput{IsTruncated: true, Marker: aws.String("same")}, ctx.Err()
}

// loopingMacieJobs answers every ListClassificationJobs page with the same
// token.
type loopingMacieJobs struct{ MacieAPI }

func (loopingMacieJobs) ListClassificationJobs(ctx context.Context, _ *macie2.ListClassificationJobsInput, _ ...func(*macie2.Options)) (*macie2.ListClassificationJobsOutput, error) {
	return &macie2.ListClassificationJobsOutput{NextToken: aws.String("same")}, ctx.Err()
}

// truncatedWithoutMarker answers ListAttachedRolePolicies with one page
// that says the listing goes on and gives no marker: the SDK's paginator
// stops there.
type truncatedWithoutMarker struct{ IAMAPI }

func (truncatedWithoutMarker) ListAttachedRolePolicies(ctx context.Context, _ *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return &iam.ListAttachedRolePoliciesOutput{IsTruncated: true}, ctx.Err()
}

// TestIncompleteErrorZeroValue: an IncompleteError built without findings
// (a caller's, in a test double) still prints.
func TestIncompleteErrorZeroValue(t *testing.T) {
	if diff := cmp.Diff("audit: reads failed", (&IncompleteError{}).Error()); diff != "" {
		t.Errorf("Error() (-want +got):\n%s", diff)
	}
}
