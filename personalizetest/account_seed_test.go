package personalizetest_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

func parseDoc(t *testing.T, what, doc string) *iampolicy.Document {
	t.Helper()
	d, err := iampolicy.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("%s does not parse: %v", what, err)
	}
	return d
}

// unescaped reads a document as IAM answers it.
func unescaped(t *testing.T, doc *string) string {
	t.Helper()
	s, err := url.QueryUnescape(aws.ToString(doc))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type decision struct {
	name string
	req  iampolicy.Request
	want iampolicy.Decision
}

func checkDecisions(t *testing.T, what string, d *iampolicy.Document, tests []decision) {
	t.Helper()
	for _, tt := range tests {
		r := d.Evaluate(tt.req)
		if r.Decision != tt.want || r.Uncertain {
			t.Errorf("%s: %s = %v (uncertain %v, unevaluated %v), want %v", what, tt.name, r.Decision, r.Uncertain, r.Unevaluated, tt.want)
		}
	}
}

func TestSeedAccount(t *testing.T) {
	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	ctx := context.Background()
	as, err := s.SeedAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.Config()
	if as.RoleARN != personalizetest.RoleARN || as.DatasetGroupARN == "" || as.DatasetImportJobARN == "" || as.TrailName == "" || as.TrailBucket == "" {
		t.Fatalf("SeedAccount = %+v: want the scene's role, a dataset group with an import job, a trail and its bucket", as)
	}
	sourceARN := as.DatasetGroupARN
	ctxKeys := func(account, arn string) map[string][]string {
		return map[string][]string{"aws:SourceAccount": {account}, "aws:SourceArn": {arn}}
	}

	t.Run("role", func(t *testing.T) {
		ic := iam.NewFromConfig(cfg)
		role, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("PersonalizeTestServiceRole")})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(role.Role.Arn) != personalizetest.RoleARN {
			t.Errorf("role ARN = %s, want %s", aws.ToString(role.Role.Arn), personalizetest.RoleARN)
		}
		trust := parseDoc(t, "trust policy", unescaped(t, role.Role.AssumeRolePolicyDocument))
		checkDecisions(t, "trust policy", trust, []decision{
			{"Personalize for this account's dataset group", iampolicy.Request{Actor: iampolicy.Service(iampolicy.PersonalizeService), Action: "sts:AssumeRole",
				Resource: personalizetest.RoleARN, Context: ctxKeys(personalizetest.AccountID, sourceARN)}, iampolicy.Allowed},
			{"Personalize for another account", iampolicy.Request{Actor: iampolicy.Service(iampolicy.PersonalizeService), Action: "sts:AssumeRole",
				Resource: personalizetest.RoleARN, Context: ctxKeys("444455556666", "arn:aws:personalize:us-east-1:444455556666:dataset-group/x")}, iampolicy.NotAllowed},
			{"Personalize without the context", iampolicy.Request{Actor: iampolicy.Service(iampolicy.PersonalizeService), Action: "sts:AssumeRole",
				Resource: personalizetest.RoleARN, Absent: []string{"aws:SourceAccount", "aws:SourceArn"}}, iampolicy.NotAllowed},
			{"another service", iampolicy.Request{Actor: iampolicy.Service("ec2.amazonaws.com"), Action: "sts:AssumeRole",
				Resource: personalizetest.RoleARN, Context: ctxKeys(personalizetest.AccountID, sourceARN)}, iampolicy.NotAllowed},
		})

		names, err := ic.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("PersonalizeTestServiceRole")})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{as.RolePolicyName}, names.PolicyNames); diff != "" {
			t.Fatalf("inline policies (-want +got):\n%s", diff)
		}
		attached, err := ic.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("PersonalizeTestServiceRole")})
		if err != nil {
			t.Fatal(err)
		}
		if len(attached.AttachedPolicies) != 0 {
			t.Errorf("%d attached policies, want none", len(attached.AttachedPolicies))
		}
		inline, err := ic.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("PersonalizeTestServiceRole"), PolicyName: &as.RolePolicyName})
		if err != nil {
			t.Fatal(err)
		}
		access := parseDoc(t, "role policy", unescaped(t, inline.PolicyDocument))
		for i, st := range access.Statement {
			if slices.ContainsFunc(st.Action, func(a string) bool { return a == "*" || a == "s3:*" || a == "kms:*" }) || slices.Contains(st.Resource, "*") {
				t.Errorf("role policy statement %d has a wildcard action or resource: %v on %v", i, st.Action, st.Resource)
			}
		}
		// An identity policy has no Principal; it applies to its role, so
		// evaluate it as if it named the role.
		for i := range access.Statement {
			if access.Statement[i].Principal != nil || access.Statement[i].NotPrincipal != nil {
				t.Fatalf("role policy statement %d names a principal", i)
			}
			access.Statement[i].Principal = &iampolicy.Principal{AWS: iampolicy.Values{personalizetest.RoleARN}}
		}
		role1 := iampolicy.AWSPrincipal(personalizetest.RoleARN)
		object := "arn:aws:s3:::" + as.Bucket + "/interactions.csv"
		checkDecisions(t, "role policy", access, []decision{
			{"read the scene's data", iampolicy.Request{Actor: role1, Action: "s3:GetObject", Resource: object}, iampolicy.Allowed},
			{"write an export", iampolicy.Request{Actor: role1, Action: "s3:PutObject", Resource: "arn:aws:s3:::" + as.Bucket + "/export/x.csv"}, iampolicy.Allowed},
			{"list the bucket", iampolicy.Request{Actor: role1, Action: "s3:ListBucket", Resource: "arn:aws:s3:::" + as.Bucket}, iampolicy.Allowed},
			{"delete the data", iampolicy.Request{Actor: role1, Action: "s3:DeleteObject", Resource: object}, iampolicy.NotAllowed},
			{"read another bucket", iampolicy.Request{Actor: role1, Action: "s3:GetObject", Resource: "arn:aws:s3:::" + as.TrailBucket + "/x"}, iampolicy.NotAllowed},
			{"decrypt with the key", iampolicy.Request{Actor: role1, Action: "kms:Decrypt", Resource: as.KeyARN}, iampolicy.Allowed},
			{"decrypt with the trail key", iampolicy.Request{Actor: role1, Action: "kms:Decrypt", Resource: as.TrailKeyARN}, iampolicy.NotAllowed},
			{"grant for an AWS resource", iampolicy.Request{Actor: role1, Action: "kms:CreateGrant", Resource: as.KeyARN,
				Context: map[string][]string{"kms:GrantIsForAWSResource": {"true"}}}, iampolicy.Allowed},
			{"grant for anyone else", iampolicy.Request{Actor: role1, Action: "kms:CreateGrant", Resource: as.KeyARN,
				Context: map[string][]string{"kms:GrantIsForAWSResource": {"false"}}}, iampolicy.NotAllowed},
			{"schedule key deletion", iampolicy.Request{Actor: role1, Action: "kms:ScheduleKeyDeletion", Resource: as.KeyARN}, iampolicy.NotAllowed},
		})

		summary, err := ic.GetAccountSummary(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if summary.SummaryMap["AccountMFAEnabled"] != 1 {
			t.Errorf("AccountMFAEnabled = %d, want 1", summary.SummaryMap["AccountMFAEnabled"])
		}
	})

	t.Run("trail", func(t *testing.T) {
		ct := cloudtrail.NewFromConfig(cfg)
		trails, err := ct.DescribeTrails(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(trails.TrailList) != 1 {
			t.Fatalf("%d trails, want 1", len(trails.TrailList))
		}
		tr := trails.TrailList[0]
		if aws.ToString(tr.Name) != as.TrailName || aws.ToString(tr.TrailARN) != as.TrailARN || aws.ToString(tr.S3BucketName) != as.TrailBucket ||
			aws.ToString(tr.KmsKeyId) != as.TrailKeyARN || !aws.ToBool(tr.IsMultiRegionTrail) || !aws.ToBool(tr.LogFileValidationEnabled) {
			t.Errorf("trail = %+v, want %s multi-Region, validated, encrypted with %s, into %s", tr, as.TrailName, as.TrailKeyARN, as.TrailBucket)
		}
		status, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: &as.TrailName})
		if err != nil {
			t.Fatal(err)
		}
		sel, err := ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: &as.TrailName})
		if err != nil {
			t.Fatal(err)
		}
		if !aws.ToBool(status.IsLogging) || len(sel.EventSelectors) != 1 || sel.EventSelectors[0].ReadWriteType != "All" || !aws.ToBool(sel.EventSelectors[0].IncludeManagementEvents) {
			t.Errorf("logging %v, selectors %+v: want logging all management events", aws.ToBool(status.IsLogging), sel.EventSelectors)
		}

		s3c := s3.NewFromConfig(cfg)
		enc, err := s3c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &as.TrailBucket})
		if err != nil {
			t.Fatal(err)
		}
		def := enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
		if def.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms || aws.ToString(def.KMSMasterKeyID) != as.TrailKeyARN {
			t.Errorf("trail bucket encryption = %s %s, want aws:kms with %s", def.SSEAlgorithm, aws.ToString(def.KMSMasterKeyID), as.TrailKeyARN)
		}
		// s3guard's bucket check, which the audit reuses, finds only that
		// Personalize may not use the bucket: it is not for Personalize.
		report, err := s3guard.CheckBucket(ctx, s3c, as.TrailBucket, s3guard.Read, s3guard.Requirements{Region: personalizetest.Region,
			AllowedKMSKeys: []string{as.TrailKeyARN}, AccountID: personalizetest.AccountID})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"s3.personalize-grant-missing"}, report.IDs()); diff != "" {
			t.Errorf("s3guard findings on the trail bucket (-want +got):\n%s", diff)
		}
		pol, err := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &as.TrailBucket})
		if err != nil {
			t.Fatal(err)
		}
		bucketPol := parseDoc(t, "trail bucket policy", aws.ToString(pol.Policy))
		cloudTrail := iampolicy.Service("cloudtrail.amazonaws.com")
		logKey := "arn:aws:s3:::" + as.TrailBucket + "/AWSLogs/" + personalizetest.AccountID + "/CloudTrail/us-east-1/2026/01/01/x.json.gz"
		checkDecisions(t, "trail bucket policy", bucketPol, []decision{
			{"CloudTrail writes this trail's logs", iampolicy.Request{Actor: cloudTrail, Action: "s3:PutObject", Resource: logKey,
				Context: map[string][]string{"aws:SourceArn": {as.TrailARN}, "s3:x-amz-acl": {"bucket-owner-full-control"}, "aws:SecureTransport": {"true"}}}, iampolicy.Allowed},
			{"CloudTrail checks the ACL", iampolicy.Request{Actor: cloudTrail, Action: "s3:GetBucketAcl", Resource: "arn:aws:s3:::" + as.TrailBucket,
				Context: map[string][]string{"aws:SourceArn": {as.TrailARN}, "aws:SecureTransport": {"true"}}}, iampolicy.Allowed},
			{"another account's trail", iampolicy.Request{Actor: cloudTrail, Action: "s3:PutObject", Resource: logKey,
				Context: map[string][]string{"aws:SourceArn": {"arn:aws:cloudtrail:us-east-1:444455556666:trail/x"}, "s3:x-amz-acl": {"bucket-owner-full-control"}, "aws:SecureTransport": {"true"}}}, iampolicy.NotAllowed},
			{"anyone without TLS", iampolicy.Request{Actor: iampolicy.Anyone(), Action: "s3:GetObject", Resource: logKey,
				Context: map[string][]string{"aws:SecureTransport": {"false"}}}, iampolicy.Denied},
		})

		keyPol, err := kms.NewFromConfig(cfg).GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &as.TrailKeyARN, PolicyName: aws.String("default")})
		if err != nil {
			t.Fatal(err)
		}
		checkDecisions(t, "trail key policy", parseDoc(t, "trail key policy", aws.ToString(keyPol.Policy)), []decision{
			{"CloudTrail encrypts this trail's logs", iampolicy.Request{Actor: cloudTrail, Action: "kms:GenerateDataKey", Resource: as.TrailKeyARN,
				Context: map[string][]string{"aws:SourceArn": {as.TrailARN}, "kms:EncryptionContext:aws:cloudtrail:arn": {as.TrailARN}}}, iampolicy.Allowed},
			{"CloudTrail for another trail", iampolicy.Request{Actor: cloudTrail, Action: "kms:GenerateDataKey", Resource: as.TrailKeyARN,
				Context: map[string][]string{"aws:SourceArn": {"arn:aws:cloudtrail:us-east-1:444455556666:trail/x"}, "kms:EncryptionContext:aws:cloudtrail:arn": {"arn:aws:cloudtrail:us-east-1:444455556666:trail/x"}}}, iampolicy.NotAllowed},
			{"CloudTrail decrypts", iampolicy.Request{Actor: cloudTrail, Action: "kms:Decrypt", Resource: as.TrailKeyARN,
				Context: map[string][]string{"aws:SourceArn": {as.TrailARN}}}, iampolicy.NotAllowed},
		})
	})

	t.Run("macie", func(t *testing.T) {
		mc := macie2.NewFromConfig(cfg)
		session, err := mc.GetMacieSession(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if session.Status != "ENABLED" {
			t.Errorf("Macie status %s, want ENABLED", session.Status)
		}
		jobs, err := mc.ListClassificationJobs(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs.Items) != 1 || aws.ToString(jobs.Items[0].Name) != as.MacieJobName || jobs.Items[0].JobStatus != "RUNNING" ||
			!slices.Contains(jobs.Items[0].BucketDefinitions[0].Buckets, as.Bucket) {
			t.Errorf("classification jobs = %+v, want %s RUNNING on %s", jobs.Items, as.MacieJobName, as.Bucket)
		}
	})
}

func TestSeedAccountDatasetGroups(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	as, err := s.SeedAccount(ctx, func(o *personalizetest.AccountOptions) { o.DatasetGroups, o.JobsPerGroup = 3, 2 })
	if err != nil {
		t.Fatal(err)
	}
	if len(as.DatasetGroupARNs) != 3 || len(as.ImportJobARNs) != 6 {
		t.Fatalf("SeedAccount made %d groups and %d jobs, want 3 and 6", len(as.DatasetGroupARNs), len(as.ImportJobARNs))
	}
	pz := personalize.NewFromConfig(s.Config())
	var listed []string
	pages := personalize.NewListDatasetGroupsPaginator(pz, &personalize.ListDatasetGroupsInput{MaxResults: aws.Int32(2)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range out.DatasetGroups {
			listed = append(listed, aws.ToString(g.DatasetGroupArn))
		}
	}
	wantListed := append([]string{as.DatasetGroupARN}, as.DatasetGroupARNs...)
	slices.Sort(listed)
	slices.Sort(wantListed)
	if diff := cmp.Diff(wantListed, listed); diff != "" {
		t.Errorf("ListDatasetGroups (-want +got):\n%s", diff)
	}

	// An extra group reads as the scene's group, created over the endpoint,
	// does: same members, the scene's key and role.
	describe := func(arn string) *ptypes.DatasetGroup {
		t.Helper()
		out, err := pz.DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: &arn})
		if err != nil {
			t.Fatal(err)
		}
		return out.DatasetGroup
	}
	scene := describe(as.DatasetGroupARN)
	ignoreIdentity := cmp.FilterPath(func(p cmp.Path) bool {
		switch p.Last().String() {
		case ".Name", ".DatasetGroupArn", ".CreationDateTime", ".LastUpdatedDateTime":
			return true
		}
		return false
	}, cmp.Ignore())
	for i, arn := range as.DatasetGroupARNs {
		g := describe(arn)
		if diff := cmp.Diff(scene, g, sdkOutput, ignoreIdentity); diff != "" {
			t.Errorf("group %d against the scene's (-scene +extra):\n%s", i, diff)
		}
		if want := fmt.Sprintf("personalizetest-account-%03d", i+1); aws.ToString(g.Name) != want {
			t.Errorf("group %d named %s, want %s", i, aws.ToString(g.Name), want)
		}
		tags, err := pz.ListTagsForResource(ctx, &personalize.ListTagsForResourceInput{ResourceArn: &arn})
		if err != nil {
			t.Fatal(err)
		}
		if len(tags.Tags) != 2 {
			t.Errorf("group %d has %d tags, want 2", i, len(tags.Tags))
		}
		datasets, err := pz.ListDatasets(ctx, &personalize.ListDatasetsInput{DatasetGroupArn: &arn})
		if err != nil || len(datasets.Datasets) != 1 {
			t.Fatalf("group %d datasets = %v, %v; want one", i, datasets, err)
		}
		jobs, err := pz.ListDatasetImportJobs(ctx, &personalize.ListDatasetImportJobsInput{DatasetArn: datasets.Datasets[0].DatasetArn})
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs.DatasetImportJobs) != 2 {
			t.Errorf("group %d has %d import jobs, want 2", i, len(jobs.DatasetImportJobs))
		}
		for _, j := range jobs.DatasetImportJobs {
			d, err := pz.DescribeDatasetImportJob(ctx, &personalize.DescribeDatasetImportJobInput{DatasetImportJobArn: j.DatasetImportJobArn})
			if err != nil {
				t.Fatal(err)
			}
			job := d.DatasetImportJob
			if aws.ToString(job.Status) != "ACTIVE" || aws.ToString(job.RoleArn) != as.RoleARN || aws.ToString(job.DataSource.DataLocation) != as.DataLocation {
				t.Errorf("import job %s: status %s role %s source %s; want ACTIVE, %s, %s", aws.ToString(job.JobName), aws.ToString(job.Status),
					aws.ToString(job.RoleArn), aws.ToString(job.DataSource.DataLocation), as.RoleARN, as.DataLocation)
			}
		}
	}
}

func TestSeedAccountRejectsNegativeOptions(t *testing.T) {
	s := personalizetest.New(t)
	if _, err := s.SeedAccount(context.Background(), func(o *personalizetest.AccountOptions) { o.JobsPerGroup = -1 }); err == nil {
		t.Error("SeedAccount with JobsPerGroup -1 = nil error")
	}
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests before refusing, want 0", n)
	}
}

// A second account on the same Server adds to the first: the one role gets
// both scenes' policies, Macie both jobs, CloudTrail both trails.
func TestSeedAccountTwice(t *testing.T) {
	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	ctx := context.Background()
	first, err := s.SeedAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.SeedAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first.Bucket == second.Bucket || first.TrailName == second.TrailName || first.RolePolicyName == second.RolePolicyName {
		t.Fatalf("the accounts share names: %+v and %+v", first, second)
	}
	cfg := s.Config()
	names, err := iam.NewFromConfig(cfg).ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("PersonalizeTestServiceRole")})
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{first.RolePolicyName, second.RolePolicyName}
	slices.Sort(wantNames)
	if diff := cmp.Diff(wantNames, names.PolicyNames); diff != "" {
		t.Errorf("role policies (-want +got):\n%s", diff)
	}
	jobs, err := macie2.NewFromConfig(cfg).ListClassificationJobs(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var gotJobs []string
	for _, j := range jobs.Items {
		gotJobs = append(gotJobs, aws.ToString(j.Name)+" "+j.BucketDefinitions[0].Buckets[0])
	}
	if diff := cmp.Diff([]string{first.MacieJobName + " " + first.Bucket, second.MacieJobName + " " + second.Bucket}, gotJobs); diff != "" {
		t.Errorf("classification jobs (-want +got):\n%s", diff)
	}
	trails, err := cloudtrail.NewFromConfig(cfg).DescribeTrails(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(trails.TrailList) != 2 {
		t.Errorf("%d trails, want 2", len(trails.TrailList))
	}
}
