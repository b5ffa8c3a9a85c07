package audit

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
)

// account is an emulated good account, every service answered by
// personalizetest (SeedAccount).
type account struct {
	s       *personalizetest.Server
	as      personalizetest.AccountScene
	clients Clients
	extra   string // an ARN a breakage made
}

func newAccount(t testing.TB, optFns ...func(*personalizetest.AccountOptions)) *account {
	t.Helper()
	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	as, err := s.SeedAccount(context.Background(), optFns...)
	if err != nil {
		t.Fatal(err)
	}
	s.ResetRequests()
	return &account{s: s, as: as, clients: mustClients(t, retrying(s.Config()))}
}

func (a *account) run(t testing.TB) *Result {
	t.Helper()
	res, err := Run(context.Background(), a.clients, func(o *Options) { o.Region = personalizetest.Region })
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	return res
}

func (a *account) putRole(t *testing.T, trust, policy string) {
	t.Helper()
	if trust == "" {
		trust = goodTrust
	}
	if policy == "" {
		policy = goodPolicy(a.as.Bucket, a.as.KeyARN)
	}
	if _, err := a.s.PutRole(personalizetest.Role{Name: testRole, TrustPolicy: trust, Inline: map[string]string{a.as.RolePolicyName: policy}}); err != nil {
		t.Fatal(err)
	}
}

func (a *account) goodTrail() personalizetest.Trail {
	return personalizetest.Trail{Name: a.as.TrailName, S3BucketName: a.as.TrailBucket, KMSKeyID: a.as.TrailKeyARN,
		MultiRegion: true, LogFileValidation: true, Logging: true, ManagementEvents: "All"}
}

func (a *account) putTrail(t *testing.T, change func(*personalizetest.Trail)) {
	t.Helper()
	tr := a.goodTrail()
	change(&tr)
	if _, err := a.s.PutTrail(tr); err != nil {
		t.Fatal(err)
	}
}

func (a *account) goodMacie() personalizetest.Macie {
	return personalizetest.Macie{Enabled: true, Jobs: []personalizetest.MacieJob{{Name: a.as.MacieJobName, Buckets: []string{a.as.Bucket},
		Status: "RUNNING", JobType: "SCHEDULED"}}}
}

func (a *account) setMacie(t *testing.T, change func(*personalizetest.Macie)) {
	t.Helper()
	m := a.goodMacie()
	change(&m)
	if err := a.s.SetMacie(m); err != nil {
		t.Fatal(err)
	}
}

func TestE2EGoodAccount(t *testing.T) {
	a := newAccount(t)
	res := a.run(t)
	if got := res.Report.Blocking(posture.Low); len(got) != 0 {
		t.Errorf("good account has findings: %v", got)
	}
	// Putting back what the tests below put back changes nothing.
	a.putRole(t, "", "")
	a.putTrail(t, func(*personalizetest.Trail) {})
	a.setMacie(t, func(*personalizetest.Macie) {})
	// Discovery that excludes only another bucket covers the imports.
	a.setMacie(t, func(m *personalizetest.Macie) {
		m.AutomatedDiscovery, m.DiscoveryExcludes, m.Jobs = true, []string{"someone-elses-bucket"}, nil
	})
	if got := a.run(t).Report.Blocking(posture.Low); len(got) != 0 {
		t.Errorf("good account, rewritten by the tests' helpers, has findings: %v", got)
	}
}

type e2eBreakage struct {
	name     string
	apply    func(t *testing.T, a *account)
	id       string
	resource func(a *account) string
}

func e2eRole(*account) string    { return personalizetest.RoleARN }
func e2eTrail(a *account) string { return a.as.TrailARN }
func e2eRegion(prefix string) func(*account) string {
	return func(*account) string { return prefix + " in " + personalizetest.Region }
}

var e2eBreakages = []e2eBreakage{
	{"root caller", func(t *testing.T, a *account) {
		a.clients = mustClients(t, retrying(a.s.ConfigAs(personalizetest.RootAccessKeyID)))
	}, FindingRootCaller, func(*account) string { return "account " + personalizetest.AccountID }},
	{"root without MFA", func(t *testing.T, a *account) { a.s.SetRootMFA(false) },
		FindingRootMFADisabled, func(*account) string { return "account " + personalizetest.AccountID }},
	{"trust other principal", func(t *testing.T, a *account) {
		a.putRole(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["personalize.amazonaws.com","ec2.amazonaws.com"]},
			"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`, "")
	}, FindingTrustOtherPrincipal, e2eRole},
	{"trust without source condition", func(t *testing.T, a *account) {
		a.putRole(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"personalize.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, "")
	}, FindingTrustConfusedDeputy, e2eRole},
	{"trust for no account", func(t *testing.T, a *account) {
		a.putRole(t, strings.Replace(goodTrust, `"StringEquals":{"aws:SourceAccount":"111122223333"}`, `"Null":{"aws:SourceAccount":"true"}`, 1), "")
	}, FindingTrustPersonalizeMissing, e2eRole},
	{"unparsable trust policy", func(t *testing.T, a *account) { a.putRole(t, `{"Statement":"allow"}`, "") },
		FindingRolePolicyUnparsable, e2eRole},
	{"wildcard action", func(t *testing.T, a *account) {
		a.putRole(t, "", strings.Replace(goodPolicy(a.as.Bucket, a.as.KeyARN), `"kms:Decrypt",`, `"kms:*",`, 1))
	}, FindingRoleWildcardAction, e2eRole},
	{"wildcard resource", func(t *testing.T, a *account) {
		a.putRole(t, "", strings.Replace(goodPolicy(a.as.Bucket, a.as.KeyARN), `"Resource":"arn:aws:s3:::`+a.as.Bucket+`/*"`, `"Resource":"*"`, 1))
	}, FindingRoleWildcardResource, e2eRole},
	{"unused key", func(t *testing.T, a *account) {
		a.putRole(t, "", strings.Replace(goodPolicy(a.as.Bucket, a.as.KeyARN), `"Resource":"`+a.as.KeyARN+`"`,
			`"Resource":["`+a.as.KeyARN+`","`+a.as.TrailKeyARN+`"]`, 1))
	}, FindingRoleUnusedResource, e2eRole},
	{"no s3:GetObject", func(t *testing.T, a *account) {
		a.putRole(t, "", strings.Replace(goodPolicy(a.as.Bucket, a.as.KeyARN), `"s3:GetObject",`, "", 1))
	}, FindingRoleMissingAccess, e2eRole},
	{"no trail", func(t *testing.T, a *account) { a.s.DeleteTrails() }, FindingTrailMissing, e2eRegion("CloudTrail")},
	{"single-Region trail", func(t *testing.T, a *account) {
		a.putTrail(t, func(tr *personalizetest.Trail) { tr.MultiRegion = false })
	},
		FindingTrailNotMultiRegion, e2eRegion("CloudTrail")},
	{"write-only management events", func(t *testing.T, a *account) {
		a.putTrail(t, func(tr *personalizetest.Trail) { tr.ManagementEvents = "WriteOnly" })
	}, FindingTrailManagementPartial, e2eRegion("CloudTrail")},
	{"stopped trail beside the good one", func(t *testing.T, a *account) {
		a.putTrail(t, func(tr *personalizetest.Trail) { tr.Name, tr.Logging = "stopped", false })
	}, FindingTrailNotLogging, func(a *account) string { return strings.Replace(a.as.TrailARN, a.as.TrailName, "stopped", 1) }},
	{"trail failing delivery beside the good one", func(t *testing.T, a *account) {
		a.putTrail(t, func(tr *personalizetest.Trail) { tr.Name, tr.DeliveryError = "failing", "AccessDenied" })
	}, FindingTrailDeliveryFailing, func(a *account) string { return strings.Replace(a.as.TrailARN, a.as.TrailName, "failing", 1) }},
	{"no log file validation", func(t *testing.T, a *account) {
		a.putTrail(t, func(tr *personalizetest.Trail) { tr.LogFileValidation = false })
	}, FindingTrailValidationOff, e2eTrail},
	{"trail without KMS", func(t *testing.T, a *account) { a.putTrail(t, func(tr *personalizetest.Trail) { tr.KMSKeyID = "" }) },
		FindingTrailNotKMS, e2eTrail},
	{"trail bucket without public access block", func(t *testing.T, a *account) {
		if _, err := s3.NewFromConfig(a.s.Config()).DeletePublicAccessBlock(context.Background(),
			&s3.DeletePublicAccessBlockInput{Bucket: aws.String(a.as.TrailBucket)}); err != nil {
			t.Fatal(err)
		}
	}, "s3.public-access-block-missing", func(a *account) string { return a.as.TrailBucket }},
	{"trail bucket in another Region", func(t *testing.T, a *account) {
		if _, err := s3.NewFromConfig(a.s.Config()).CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("trail-elsewhere"),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}}); err != nil {
			t.Fatal(err)
		}
		a.putTrail(t, func(tr *personalizetest.Trail) { tr.S3BucketName = "trail-elsewhere" })
	}, FindingTrailBucketOtherRegion, func(*account) string { return "trail-elsewhere" }},
	{"Macie off", func(t *testing.T, a *account) { a.setMacie(t, func(m *personalizetest.Macie) { m.Enabled = false }) },
		FindingMacieDisabled, e2eRegion("Macie")},
	{"Macie job paused by a user", func(t *testing.T, a *account) {
		a.setMacie(t, func(m *personalizetest.Macie) { m.Jobs[0].Status = "USER_PAUSED" })
	}, FindingMacieBucketNotCovered, func(a *account) string { return a.as.Bucket }},
	{"Macie discovery excludes the import bucket", func(t *testing.T, a *account) {
		a.setMacie(t, func(m *personalizetest.Macie) {
			m.AutomatedDiscovery, m.DiscoveryExcludes, m.Jobs = true, []string{a.as.Bucket}, nil
		})
	}, FindingMacieBucketNotCovered, func(a *account) string { return a.as.Bucket }},
	{"dataset group without key", func(t *testing.T, a *account) {
		out, err := personalize.NewFromConfig(a.s.Config()).CreateDatasetGroup(context.Background(),
			&personalize.CreateDatasetGroupInput{Name: aws.String("plain")})
		if err != nil {
			t.Fatal(err)
		}
		a.extra = aws.ToString(out.DatasetGroupArn)
	}, FindingDatasetGroupNoKey, func(a *account) string { return a.extra }},
	{"card number in a name", func(t *testing.T, a *account) {
		if _, err := personalize.NewFromConfig(a.s.Config()).CreateDatasetGroup(context.Background(),
			&personalize.CreateDatasetGroupInput{Name: aws.String("cust4111111111111111"), KmsKeyArn: aws.String(a.as.KeyARN),
				RoleArn: aws.String(personalizetest.RoleARN)}); err != nil {
			t.Fatal(err)
		}
	}, FindingNameIdentifying, func(*account) string {
		return "arn:aws:personalize:us-east-1:111122223333:dataset-group/cust[REDACTED:credit-card]"
	}},
	{"e-mail address in a tag", func(t *testing.T, a *account) {
		if _, err := personalize.NewFromConfig(a.s.Config()).TagResource(context.Background(), &personalize.TagResourceInput{
			ResourceArn: aws.String(a.as.DatasetGroupARN),
			Tags:        []ptypes.Tag{{TagKey: aws.String("owner"), TagValue: aws.String("jane.doe@example.com")}}}); err != nil {
			t.Fatal(err)
		}
	}, FindingTagIdentifying, func(a *account) string { return a.as.DatasetGroupARN }},
	{"key rotation off", func(t *testing.T, a *account) {
		if _, err := awskms.NewFromConfig(a.s.Config()).DisableKeyRotation(context.Background(),
			&awskms.DisableKeyRotationInput{KeyId: aws.String(a.as.KeyARN)}); err != nil {
			t.Fatal(err)
		}
	}, "kms.rotation-disabled", func(a *account) string { return a.as.KeyARN }},
	{"metric attribution's role missing", func(t *testing.T, a *account) {
		createMetricAttribution(t, a.s.Config(), a.as.DatasetGroupARN, missingMetricsRole, "s3://"+a.as.Bucket+"/metrics/", "")
	}, FindingRoleNotFound, func(*account) string { return missingMetricsRole }},
	{"metric attribution's key outside the role policy", func(t *testing.T, a *account) {
		createMetricAttribution(t, a.s.Config(), a.as.DatasetGroupARN, personalizetest.RoleARN, "s3://"+a.as.Bucket+"/metrics/", a.as.TrailKeyARN)
	}, FindingRoleMissingAccess, e2eRole},
	{"iam:GetRole denied", func(t *testing.T, a *account) { a.s.Deny(personalizetest.ServiceIAM, "GetRole") },
		FindingReadDenied, e2eRole},
	{"iam:GetAccountSummary denied", func(t *testing.T, a *account) { a.s.Deny(personalizetest.ServiceIAM, "GetAccountSummary") },
		FindingReadDenied, func(*account) string { return "account" }},
	{"cloudtrail:GetEventSelectors denied", func(t *testing.T, a *account) {
		a.s.Deny(personalizetest.ServiceCloudTrail, "GetEventSelectors")
	}, FindingReadDenied, e2eTrail},
	{"macie2:GetMacieSession denied", func(t *testing.T, a *account) { a.s.Deny(personalizetest.ServiceMacie, "GetMacieSession") },
		FindingReadDenied, e2eRegion("Macie")},
	{"macie2:ListClassificationJobs denied", func(t *testing.T, a *account) {
		a.s.Deny(personalizetest.ServiceMacie, "ListClassificationJobs")
	}, FindingReadDenied, e2eRegion("Macie")},
}

// TestE2EEachBreakage breaks one thing of the good account at a time and
// expects exactly its finding, on its resource.
func TestE2EEachBreakage(t *testing.T) {
	for _, b := range e2eBreakages {
		t.Run(b.name, func(t *testing.T) {
			a := newAccount(t)
			b.apply(t, a)
			res := a.run(t)
			var ids []string
			for _, f := range res.Report.Blocking(posture.Low) {
				ids = append(ids, f.ID)
			}
			slices.Sort(ids)
			if diff := cmp.Diff([]string{b.id}, slices.Compact(ids)); diff != "" {
				t.Fatalf("finding IDs mismatch (-want +got):\n%s\n%v", diff, res.Report.Findings)
			}
			want := b.resource(a)
			for _, f := range res.Report.Findings {
				if f.Resource != want {
					t.Errorf("%s on %q, want on %q", f.ID, f.Resource, want)
				}
			}
		})
	}
}

// TestE2EFetchOnce: twelve dataset groups and 36 import jobs share the
// scene's role, key and bucket; each remote answer is read once, and the
// Personalize reads are one per resource.
func TestE2EFetchOnce(t *testing.T) {
	const groups, jobs = 12, 3
	a := newAccount(t, func(o *personalizetest.AccountOptions) { o.DatasetGroups, o.JobsPerGroup = groups, jobs })
	res := a.run(t)
	if got := res.Report.Blocking(posture.Low); len(got) != 0 {
		t.Fatalf("findings: %v", got)
	}
	got := map[string]int{}
	for _, r := range a.s.Requests() {
		got[r.Service+":"+r.Operation]++
	}
	want := map[string]int{
		"sts:GetCallerIdentity": 1, "iam:GetAccountSummary": 1,
		"iam:GetRole": 1, "iam:ListRolePolicies": 1, "iam:GetRolePolicy": 1, "iam:ListAttachedRolePolicies": 1,
		"kms:DescribeKey": 1, "kms:GetKeyPolicy": 1, "kms:GetKeyRotationStatus": 1, "kms:ListGrants": 1,
		"s3:GetBucketPolicy": 2, "s3:GetPublicAccessBlock": 2, // the data bucket and the trail's
		"cloudtrail:DescribeTrails": 1, "cloudtrail:GetTrailStatus": 1, "cloudtrail:GetEventSelectors": 1,
		"macie2:GetMacieSession": 1, "macie2:GetAutomatedDiscoveryConfiguration": 1, "macie2:ListClassificationJobs": 1,
		"personalize:DescribeDatasetGroup":     groups + 1,
		"personalize:DescribeDatasetImportJob": groups*jobs + 1,
	}
	for op, n := range want {
		if got[op] != n {
			t.Errorf("%s called %d times, want %d", op, got[op], n)
		}
	}
}
