package audit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

const (
	testRole  = "PersonalizeTestServiceRole"
	goodTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},
		"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`
)

// goodPolicy is the role's permissions, written by hand: the bucket the
// scene's jobs use and its key.
func goodPolicy(bucket, key string) string {
	return fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::%[1]s/*"},
		{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::%[1]s"},
		{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey","kms:DescribeKey","kms:CreateGrant","kms:ListGrants"],"Resource":"%[2]s"}]}`,
		bucket, key)
}

// env is a good account: Personalize, KMS, S3 and STS emulated by
// personalizetest, IAM, CloudTrail and Macie by the fakes.
type env struct {
	s       *personalizetest.Server
	sc      personalizetest.Scene
	iam     *fakeIAM
	ct      *fakeCloudTrail
	macie   *fakeMacie
	clients Clients
	extra   string // an ARN a breakage made
}

func newEnv(t testing.TB) *env {
	t.Helper()
	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	sc, err := s.SeedScene(context.Background(), func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	if err != nil {
		t.Fatal(err)
	}
	e := &env{s: s, sc: sc,
		iam: &fakeIAM{mfa: 1, roles: map[string]fakeRole{testRole: {trust: goodTrust,
			inline: map[string]string{"personalize": goodPolicy(sc.Bucket, sc.KeyARN)}}}, policies: map[string]string{}},
		ct: &fakeCloudTrail{trails: []fakeTrail{{name: "org", bucket: sc.Bucket, key: sc.KeyARN, multi: true, validation: true, on: true,
			rw: cttypes.ReadWriteTypeAll}}},
		macie: &fakeMacie{enabled: true, jobs: []macietypes.JobSummary{{JobStatus: macietypes.JobStatusIdle,
			BucketDefinitions: []macietypes.S3BucketDefinitionForJob{{AccountId: aws.String(personalizetest.AccountID), Buckets: []string{sc.Bucket}}}}}},
	}
	c := mustClients(t, retrying(s.Config()))
	c.IAM, c.CloudTrail, c.Macie = e.iam, e.ct, e.macie
	e.clients = c
	return e
}

func (e *env) run(t testing.TB) *Result {
	t.Helper()
	res, err := Run(context.Background(), e.clients, func(o *Options) { o.Region = personalizetest.Region })
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	for _, f := range res.Report.Findings {
		if err := f.Validate(); err != nil {
			t.Errorf("invalid finding: %v", err)
		}
	}
	return res
}

func blocking(r posture.Report) []string {
	var ids []string
	for _, f := range r.Blocking(posture.Medium) {
		ids = append(ids, f.ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func TestGoodAccount(t *testing.T) {
	e := newEnv(t)
	res := e.run(t)
	if got := res.Report.Blocking(posture.Medium); len(got) != 0 {
		t.Errorf("good account has blocking findings: %v", got)
	}
	if res.AccountID != personalizetest.AccountID {
		t.Errorf("AccountID = %q, want %q", res.AccountID, personalizetest.AccountID)
	}
	want := Usage{Partition: "aws", Region: personalizetest.Region, AccountID: personalizetest.AccountID,
		Locations: []Use{{Location: mustLocation(t, e.sc.DataLocation), Direction: 1}}, Keys: []string{e.sc.KeyARN}}
	if diff := cmp.Diff(want, res.Roles[personalizetest.RoleARN]); diff != "" {
		t.Errorf("Roles[RoleARN] mismatch (-want +got):\n%s", diff)
	}
}

type breakage struct {
	name     string
	reason   string
	apply    func(t *testing.T, e *env)
	id       string
	resource func(e *env) string
}

func roleRes(*env) string     { return personalizetest.RoleARN }
func groupRes(e *env) string  { return e.sc.DatasetGroupARN }
func bucketRes(e *env) string { return e.sc.Bucket }
func keyRes(e *env) string    { return e.sc.KeyARN }
func trailRes(*env) string    { return trailARN("org") }
func regionRes(prefix string) func(*env) string {
	return func(*env) string { return prefix + " in " + personalizetest.Region }
}

func (e *env) setRole(trust, policy string) {
	r := e.iam.roles[testRole]
	if trust != "" {
		r.trust = trust
	}
	if policy != "" {
		r.inline = map[string]string{"personalize": policy}
	}
	e.iam.roles[testRole] = r
}

func (e *env) pz() *personalize.Client { return personalize.NewFromConfig(e.s.Config()) }

// breakages each break one thing of the good account.
var breakages = []breakage{
	{"root caller", "the audit runs as root", func(t *testing.T, e *env) {
		e.clients.STS = sts.NewFromConfig(e.s.ConfigAs(personalizetest.RootAccessKeyID))
	}, FindingRootCaller, func(*env) string { return "account " + personalizetest.AccountID }},
	{"root without MFA", "", func(t *testing.T, e *env) { e.iam.mfa = 0 },
		FindingRootMFADisabled, func(*env) string { return "account " + personalizetest.AccountID }},
	{"role missing", "the dataset group names a role IAM does not have", func(t *testing.T, e *env) { delete(e.iam.roles, testRole) },
		FindingRoleNotFound, roleRes},
	{"trust other principal", "", func(t *testing.T, e *env) {
		e.setRole(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com","AWS":"arn:aws:iam::111122223333:root"},
			"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`, "")
	}, FindingTrustOtherPrincipal, roleRes},
	{"trust lets a web identity in", "sts:AssumeRoleWithWebIdentity assumes the role as much as sts:AssumeRole", func(t *testing.T, e *env) {
		e.setRole(strings.Replace(goodTrust, `]}`, `,{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
			"Action":"sts:AssumeRoleWithWebIdentity"}]}`, 1), "")
	}, FindingTrustOtherPrincipal, roleRes},
	{"trust lets a SAML provider in", "", func(t *testing.T, e *env) {
		e.setRole(strings.Replace(goodTrust, `]}`, `,{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/corp"},
			"Action":["sts:AssumeRoleWithSAML","sts:TagSession"]}]}`, 1), "")
	}, FindingTrustOtherPrincipal, roleRes},
	{"trust without source condition", "", func(t *testing.T, e *env) {
		e.setRole(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, "")
	}, FindingTrustConfusedDeputy, roleRes},
	{"trust with a condition that does not name the source", "a condition the audit cannot evaluate proves no aws:SourceAccount", func(t *testing.T, e *env) {
		e.setRole(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"sts:AssumeRole",
			"Condition":{"StringLike":{"aws:UserAgent":"*"}}}]}`, "")
	}, FindingTrustConfusedDeputy, roleRes},
	{"trust with a source account pattern", "StringLike 1111* lets in every account whose ID starts so", func(t *testing.T, e *env) {
		e.setRole(strings.Replace(goodTrust, `"StringEquals":{"aws:SourceAccount":"111122223333"}`, `"StringLike":{"aws:SourceAccount":"1111*"}`, 1), "")
	}, FindingTrustConfusedDeputy, roleRes},
	{"trust with a source ARN pattern", "", func(t *testing.T, e *env) {
		e.setRole(strings.Replace(goodTrust, `"StringEquals":{"aws:SourceAccount":"111122223333"}`,
			`"ArnLike":{"aws:SourceArn":"arn:aws:personalize:*:*3333:*"}`, 1), "")
	}, FindingTrustConfusedDeputy, roleRes},
	{"trust naming a second source account", "Personalize acting for 444455556666 may assume the role", func(t *testing.T, e *env) {
		e.setRole(strings.Replace(goodTrust, `"aws:SourceAccount":"111122223333"`, `"aws:SourceAccount":["111122223333","444455556666"]`, 1), "")
	}, FindingTrustConfusedDeputy, roleRes},
	{"trust naming another account's source ARN", "", func(t *testing.T, e *env) {
		e.setRole(strings.Replace(goodTrust, `"StringEquals":{"aws:SourceAccount":"111122223333"}`,
			`"ArnLike":{"aws:SourceArn":["arn:aws:personalize:us-east-1:111122223333:*","arn:aws:personalize:us-east-1:444455556666:dataset-group/theirs"]}`, 1), "")
	}, FindingTrustConfusedDeputy, roleRes},
	{"trust for no account", "Personalize cannot assume the role for this account (nor any other)", func(t *testing.T, e *env) {
		e.setRole(strings.Replace(goodTrust, `"StringEquals":{"aws:SourceAccount":"111122223333"}`, `"Null":{"aws:SourceAccount":"true"}`, 1), "")
	}, FindingTrustPersonalizeMissing, roleRes},
	{"wildcard action", "", func(t *testing.T, e *env) {
		e.setRole("", strings.Replace(goodPolicy(e.sc.Bucket, e.sc.KeyARN), `"s3:ListBucket"`, `"s3:*"`, 1))
	}, FindingRoleWildcardAction, roleRes},
	{"wildcard resource", "", func(t *testing.T, e *env) {
		e.setRole("", goodPolicy(e.sc.Bucket, "*"))
	}, FindingRoleWildcardResource, roleRes},
	{"wildcard resource in the ARN's segments", "arn:aws:s3:*:*:* matches every bucket and object", func(t *testing.T, e *env) {
		e.setRole("", strings.Replace(goodPolicy(e.sc.Bucket, e.sc.KeyARN), `"arn:aws:s3:::`+e.sc.Bucket+`/*"`, `"arn:aws:s3:*:*:*"`, 1))
	}, FindingRoleWildcardResource, roleRes},
	{"wildcard key hidden as any service's ARN", "arn:aws:*:*:*:* matches every key", func(t *testing.T, e *env) {
		e.setRole("", goodPolicy(e.sc.Bucket, "arn:aws:*:*:*:*"))
	}, FindingRoleWildcardResource, roleRes},
	{"wildcard bucket by a glob before s3", "", func(t *testing.T, e *env) {
		e.setRole("", strings.Replace(goodPolicy(e.sc.Bucket, e.sc.KeyARN), `"arn:aws:s3:::`+e.sc.Bucket+`/*"`, `"arn:aws:s3*"`, 1))
	}, FindingRoleWildcardResource, roleRes},
	{"unused bucket", "", func(t *testing.T, e *env) {
		e.setRole("", strings.Replace(goodPolicy(e.sc.Bucket, e.sc.KeyARN), `"Resource":"arn:aws:s3:::`+e.sc.Bucket+`"`,
			`"Resource":["arn:aws:s3:::`+e.sc.Bucket+`","arn:aws:s3:::someone-elses-bucket"]`, 1))
	}, FindingRoleUnusedResource, roleRes},
	{"missing kms:CreateGrant", "", func(t *testing.T, e *env) {
		e.setRole("", strings.Replace(goodPolicy(e.sc.Bucket, e.sc.KeyARN), `"kms:CreateGrant",`, "", 1))
	}, FindingRoleMissingAccess, roleRes},
	{"unparsable policy", "", func(t *testing.T, e *env) { e.setRole("", `{"Statement":`) },
		FindingRolePolicyUnparsable, roleRes},
	{"no trail", "", func(t *testing.T, e *env) { e.ct.trails = nil }, FindingTrailMissing, regionRes("CloudTrail")},
	{"single-Region trail", "", func(t *testing.T, e *env) { e.ct.trails[0].multi = false }, FindingTrailNotMultiRegion, regionRes("CloudTrail")},
	{"read-only management events", "", func(t *testing.T, e *env) { e.ct.trails[0].rw = cttypes.ReadWriteTypeReadOnly },
		FindingTrailManagementPartial, regionRes("CloudTrail")},
	{"management events without KMS's", "a trail that excludes kms.amazonaws.com does not record Personalize's use of the keys", func(t *testing.T, e *env) {
		e.ct.trails[0].exclude = []string{"kms.amazonaws.com"}
	}, FindingTrailManagementPartial, regionRes("CloudTrail")},
	{"advanced selector without KMS's management events", "", func(t *testing.T, e *env) {
		e.ct.trails[0].rw = ""
		e.ct.trails[0].advanced = []cttypes.AdvancedEventSelector{{FieldSelectors: []cttypes.AdvancedFieldSelector{
			{Field: aws.String("eventCategory"), Equals: []string{"Management"}},
			{Field: aws.String("eventSource"), NotEquals: []string{"kms.amazonaws.com"}}}}}
	}, FindingTrailManagementPartial, regionRes("CloudTrail")},
	{"advanced selector of every management event", "", func(t *testing.T, e *env) {
		e.ct.trails[0].rw = ""
		e.ct.trails[0].advanced = []cttypes.AdvancedEventSelector{{FieldSelectors: []cttypes.AdvancedFieldSelector{
			{Field: aws.String("eventCategory"), Equals: []string{"Management"}}}}}
		e.ct.trails[0].validation = false // the one finding, so that the row checks the selector is read as complete
	}, FindingTrailValidationOff, trailRes},
	{"stopped trail beside a good one", "", func(t *testing.T, e *env) {
		stopped := e.ct.trails[0]
		stopped.name, stopped.on = "stopped", false
		e.ct.trails = append(e.ct.trails, stopped)
	}, FindingTrailNotLogging, func(*env) string { return trailARN("stopped") }},
	{"trail failing delivery beside a good one", "", func(t *testing.T, e *env) {
		failing := e.ct.trails[0]
		failing.name, failing.deliveryError = "failing", "NoSuchBucket"
		e.ct.trails = append(e.ct.trails, failing)
	}, FindingTrailDeliveryFailing, func(*env) string { return trailARN("failing") }},
	{"no log file validation", "", func(t *testing.T, e *env) { e.ct.trails[0].validation = false }, FindingTrailValidationOff, trailRes},
	{"trail without KMS", "", func(t *testing.T, e *env) { e.ct.trails[0].key = "" }, FindingTrailNotKMS, trailRes},
	{"Macie off", "", func(t *testing.T, e *env) { e.macie.enabled = false }, FindingMacieDisabled, regionRes("Macie")},
	{"Macie job cancelled", "", func(t *testing.T, e *env) { e.macie.jobs[0].JobStatus = macietypes.JobStatusCancelled },
		FindingMacieBucketNotCovered, bucketRes},
	{"Macie one-time job complete", "a job that ran once does not look at what is imported after it", func(t *testing.T, e *env) {
		e.macie.jobs[0].JobStatus, e.macie.jobs[0].JobType = macietypes.JobStatusComplete, macietypes.JobTypeOneTime
	}, FindingMacieBucketNotCovered, bucketRes},
	{"Macie job paused by its user", "", func(t *testing.T, e *env) { e.macie.jobs[0].JobStatus = macietypes.JobStatusUserPaused },
		FindingMacieBucketNotCovered, bucketRes},
	{"Macie discovery excludes the import bucket", "automated discovery skips the buckets its classification scope excludes", func(t *testing.T, e *env) {
		e.macie.discovery, e.macie.jobs, e.macie.excluded = true, nil, []string{e.sc.Bucket}
	}, FindingMacieBucketNotCovered, bucketRes},
	{"macie2:GetClassificationScope denied", "", func(t *testing.T, e *env) {
		e.macie.discovery, e.macie.jobs = true, nil
		e.macie.deny = map[string]bool{"GetClassificationScope": true}
	}, FindingReadDenied, regionRes("Macie")},
	{"dataset group without key", "", func(t *testing.T, e *env) {
		out, err := e.pz().CreateDatasetGroup(context.Background(), &personalize.CreateDatasetGroupInput{Name: aws.String("plain")})
		if err != nil {
			t.Fatal(err)
		}
		e.extra = aws.ToString(out.DatasetGroupArn)
	}, FindingDatasetGroupNoKey, func(e *env) string { return e.extra }},
	{"card number in a name", "", func(t *testing.T, e *env) {
		_, err := e.pz().CreateDatasetGroup(context.Background(), &personalize.CreateDatasetGroupInput{Name: aws.String("cust4111111111111111"),
			KmsKeyArn: aws.String(e.sc.KeyARN), RoleArn: aws.String(personalizetest.RoleARN)})
		if err != nil {
			t.Fatal(err)
		}
	}, FindingNameIdentifying, func(e *env) string {
		return "arn:aws:personalize:us-east-1:111122223333:dataset-group/cust[REDACTED:credit-card]"
	}},
	{"e-mail address in a tag", "", func(t *testing.T, e *env) {
		_, err := e.pz().TagResource(context.Background(), &personalize.TagResourceInput{ResourceArn: aws.String(e.sc.DatasetGroupARN),
			Tags: []ptypes.Tag{{TagKey: aws.String("owner"), TagValue: aws.String("jane.doe@example.com")}}})
		if err != nil {
			t.Fatal(err)
		}
	}, FindingTagIdentifying, groupRes},
	{"e-mail address in a solution version's tag", "fourth review: the audit did not list solution versions", func(t *testing.T, e *env) {
		_, err := e.pz().TagResource(context.Background(), &personalize.TagResourceInput{ResourceArn: aws.String(e.sc.SolutionVersionARN),
			Tags: []ptypes.Tag{{TagKey: aws.String("owner"), TagValue: aws.String("jane.doe@example.com")}}})
		if err != nil {
			t.Fatal(err)
		}
	}, FindingTagIdentifying, func(e *env) string { return e.sc.SolutionVersionARN }},
	{"card number in a solution version's name", "its name comes from DescribeSolutionVersion", func(t *testing.T, e *env) {
		out, err := e.pz().CreateSolutionVersion(context.Background(), &personalize.CreateSolutionVersionInput{SolutionArn: aws.String(e.sc.SolutionARN),
			Name: aws.String("cust4111111111111111")})
		if err != nil {
			t.Fatal(err)
		}
		e.extra = aws.ToString(out.SolutionVersionArn)
	}, FindingNameIdentifying, func(e *env) string { return e.extra }},
	{"personalize:DescribeSolutionVersion denied", "", func(t *testing.T, e *env) {
		e.clients.Personalize = denySolutionVersion{e.clients.Personalize}
	}, FindingReadDenied, func(e *env) string { return e.sc.SolutionVersionARN }},
	{"iam:ListRolePolicies pages in a loop", "fourth review: a repeated marker ends the listing as unread", func(t *testing.T, e *env) {
		e.clients.IAM = loopingRolePolicies{e.clients.IAM}
	}, FindingReadFailed, roleRes},
	{"iam:ListAttachedRolePolicies truncated without a marker", "fifth review: the paginator would stop and pass what it had", func(t *testing.T, e *env) {
		e.clients.IAM = truncatedWithoutMarker{e.clients.IAM}
	}, FindingReadFailed, roleRes},
	{"macie2:ListClassificationJobs pages in a loop", "", func(t *testing.T, e *env) {
		e.clients.Macie = loopingMacieJobs{e.clients.Macie}
	}, FindingReadFailed, regionRes("Macie")},
	{"key rotation off", "the kms check runs on the dataset group's key", func(t *testing.T, e *env) {
		_, err := awskms.NewFromConfig(e.s.Config()).DisableKeyRotation(context.Background(), &awskms.DisableKeyRotationInput{KeyId: aws.String(e.sc.KeyARN)})
		if err != nil {
			t.Fatal(err)
		}
	}, "kms.rotation-disabled", keyRes},
	{"public access block removed", "the s3guard check runs on the jobs' bucket", func(t *testing.T, e *env) {
		_, err := s3.NewFromConfig(e.s.Config()).DeletePublicAccessBlock(context.Background(), &s3.DeletePublicAccessBlockInput{Bucket: aws.String(e.sc.Bucket)})
		if err != nil {
			t.Fatal(err)
		}
	}, "s3.public-access-block-missing", bucketRes},
	{"metric attribution's role missing", "a metric attribution's role is audited like a job's", func(t *testing.T, e *env) {
		createMetricAttribution(t, e.s.Config(), e.sc.DatasetGroupARN, missingMetricsRole, "s3://"+e.sc.Bucket+"/metrics/", "")
	}, FindingRoleNotFound, func(*env) string { return missingMetricsRole }},
	{"metric attribution's key outside the role policy", "its output key is in the usage the role must cover", func(t *testing.T, e *env) {
		createMetricAttribution(t, e.s.Config(), e.sc.DatasetGroupARN, personalizetest.RoleARN, "s3://"+e.sc.Bucket+"/metrics/", createKey(t, e.s.Config()))
	}, FindingRoleMissingAccess, roleRes},
	{"iam:GetRole denied", "a refused read is a finding, never a pass", func(t *testing.T, e *env) { e.iam.deny = map[string]bool{"GetRole": true} },
		FindingReadDenied, roleRes},
	{"cloudtrail:DescribeTrails denied", "", func(t *testing.T, e *env) { e.ct.deny = map[string]bool{"DescribeTrails": true} },
		FindingReadDenied, regionRes("CloudTrail")},
	{"macie2:ListClassificationJobs denied", "", func(t *testing.T, e *env) { e.macie.deny = map[string]bool{"ListClassificationJobs": true} },
		FindingReadDenied, regionRes("Macie")},
}

func TestEachBreakage(t *testing.T) {
	for _, b := range breakages {
		t.Run(b.name, func(t *testing.T) {
			e := newEnv(t)
			b.apply(t, e)
			res := e.run(t)
			if diff := cmp.Diff([]string{b.id}, blocking(res.Report)); diff != "" {
				t.Fatalf("blocking finding IDs mismatch (-want +got):\n%s\n%v", diff, res.Report.Findings)
			}
			want := b.resource(e)
			for _, f := range res.Report.Blocking(posture.Medium) {
				if f.Resource != want {
					t.Errorf("%s on %q, want on %q", f.ID, f.Resource, want)
				}
			}
		})
	}
}

func mustLocation(t testing.TB, s string) s3guard.Location {
	t.Helper()
	l, err := s3guard.ParseLocation(s)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestKeyAccounts: the accounts the bucket check trusts besides the
// audited one are those of the keys Personalize uses there, each once, as
// the guard trusts its configured key's account.
func TestKeyAccounts(t *testing.T) {
	const own = "111122223333"
	for _, tt := range []struct {
		name string
		keys []string
		want []string
	}{
		{"no keys", nil, nil},
		{"keys of the account", []string{"arn:aws:kms:us-east-1:111122223333:key/a", "arn:aws:kms:us-east-1:111122223333:key/b"}, nil},
		{"a key account apart", []string{"arn:aws:kms:us-east-1:111122223333:key/a", "arn:aws:kms:us-east-1:444455556666:key/b", "arn:aws:kms:us-east-1:444455556666:key/c"}, []string{"444455556666"}},
		{"not a key ARN", []string{"alias/personalize", "arn:aws:kms:us-east-1:12:key/d"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, keyAccounts(tt.keys, own)); diff != "" {
				t.Errorf("keyAccounts (-want +got):\n%s", diff)
			}
		})
	}
}
