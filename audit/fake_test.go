package audit

import (
	"context"
	"sort"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/aws/smithy-go"
)

// calls counts a fake's calls by operation and refuses the denied ones as
// the services do.
type calls struct {
	mu   sync.Mutex
	n    map[string]int
	deny map[string]bool
}

func (c *calls) call(op string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[op]++
	if c.deny[op] {
		return &smithy.GenericAPIError{Code: "AccessDenied", Message: "User is not authorized to perform " + op}
	}
	return nil
}

func (c *calls) count(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[op]
}

type fakeRole struct {
	trust    string
	inline   map[string]string
	attached []string // managed policy ARNs
}

// fakeIAM answers as IAM does, documents URL-encoded, one item per page so
// that pagination is exercised.
type fakeIAM struct {
	calls
	mfa      int32
	roles    map[string]fakeRole // by name
	policies map[string]string   // managed policy ARN -> document
}

func (f *fakeIAM) GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	if err := f.call("GetAccountSummary"); err != nil {
		return nil, err
	}
	return &iam.GetAccountSummaryOutput{SummaryMap: map[string]int32{"AccountMFAEnabled": f.mfa, "Users": 3}}, nil
}

func noSuchEntity() error {
	return &iamtypes.NoSuchEntityException{Message: aws.String("The role cannot be found.")}
}

func (f *fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	if err := f.call("GetRole"); err != nil {
		return nil, err
	}
	r, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, noSuchEntity()
	}
	return &iam.GetRoleOutput{Role: &iamtypes.Role{RoleName: in.RoleName, AssumeRolePolicyDocument: aws.String(escapeRFC3986(r.trust))}}, nil
}

// page returns items[start:start+1] and the next marker.
func page(items []string, marker *string) ([]string, *string) {
	start, _ := strconv.Atoi(aws.ToString(marker))
	if start >= len(items) {
		return nil, nil
	}
	var next *string
	if start+1 < len(items) {
		next = aws.String(strconv.Itoa(start + 1))
	}
	return items[start : start+1], next
}

func (f *fakeIAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	if err := f.call("ListRolePolicies"); err != nil {
		return nil, err
	}
	r, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, noSuchEntity()
	}
	var names []string
	for n := range r.inline {
		names = append(names, n)
	}
	sort.Strings(names)
	items, next := page(names, in.Marker)
	return &iam.ListRolePoliciesOutput{PolicyNames: items, Marker: next, IsTruncated: next != nil}, nil
}

func (f *fakeIAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	if err := f.call("GetRolePolicy"); err != nil {
		return nil, err
	}
	doc, ok := f.roles[aws.ToString(in.RoleName)].inline[aws.ToString(in.PolicyName)]
	if !ok {
		return nil, noSuchEntity()
	}
	return &iam.GetRolePolicyOutput{PolicyDocument: aws.String(escapeRFC3986(doc))}, nil
}

func (f *fakeIAM) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	if err := f.call("ListAttachedRolePolicies"); err != nil {
		return nil, err
	}
	r, ok := f.roles[aws.ToString(in.RoleName)]
	if !ok {
		return nil, noSuchEntity()
	}
	items, next := page(r.attached, in.Marker)
	out := &iam.ListAttachedRolePoliciesOutput{Marker: next, IsTruncated: next != nil}
	for _, arn := range items {
		out.AttachedPolicies = append(out.AttachedPolicies, iamtypes.AttachedPolicy{PolicyArn: aws.String(arn)})
	}
	return out, nil
}

func (f *fakeIAM) GetPolicy(_ context.Context, in *iam.GetPolicyInput, _ ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	if err := f.call("GetPolicy"); err != nil {
		return nil, err
	}
	if _, ok := f.policies[aws.ToString(in.PolicyArn)]; !ok {
		return nil, noSuchEntity()
	}
	return &iam.GetPolicyOutput{Policy: &iamtypes.Policy{Arn: in.PolicyArn, DefaultVersionId: aws.String("v2")}}, nil
}

func (f *fakeIAM) GetPolicyVersion(_ context.Context, in *iam.GetPolicyVersionInput, _ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	if err := f.call("GetPolicyVersion"); err != nil {
		return nil, err
	}
	doc, ok := f.policies[aws.ToString(in.PolicyArn)]
	if !ok || aws.ToString(in.VersionId) != "v2" {
		return nil, noSuchEntity()
	}
	return &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{Document: aws.String(escapeRFC3986(doc)), IsDefaultVersion: true}}, nil
}

type fakeTrail struct {
	name, bucket, key     string
	multi, validation, on bool
	rw                    cttypes.ReadWriteType // "" = no management events
	exclude               []string              // ExcludeManagementEventSources
	advanced              []cttypes.AdvancedEventSelector
	deliveryError         string // GetTrailStatus LatestDeliveryError
}

type fakeCloudTrail struct {
	calls
	trails []fakeTrail
}

func (f *fakeCloudTrail) find(name string) (fakeTrail, bool) {
	for _, t := range f.trails {
		if trailARN(t.name) == name || t.name == name {
			return t, true
		}
	}
	return fakeTrail{}, false
}

func trailARN(name string) string { return "arn:aws:cloudtrail:us-east-1:111122223333:trail/" + name }

func (f *fakeCloudTrail) DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	if err := f.call("DescribeTrails"); err != nil {
		return nil, err
	}
	out := &cloudtrail.DescribeTrailsOutput{}
	for _, t := range f.trails {
		ct := cttypes.Trail{Name: aws.String(t.name), TrailARN: aws.String(trailARN(t.name)), S3BucketName: aws.String(t.bucket),
			IsMultiRegionTrail: aws.Bool(t.multi), LogFileValidationEnabled: aws.Bool(t.validation), HomeRegion: aws.String("us-east-1")}
		if t.key != "" {
			ct.KmsKeyId = aws.String(t.key)
		}
		out.TrailList = append(out.TrailList, ct)
	}
	return out, nil
}

func (f *fakeCloudTrail) GetTrailStatus(_ context.Context, in *cloudtrail.GetTrailStatusInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	if err := f.call("GetTrailStatus"); err != nil {
		return nil, err
	}
	t, ok := f.find(aws.ToString(in.Name))
	if !ok {
		return nil, &cttypes.TrailNotFoundException{}
	}
	out := &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(t.on)}
	if t.deliveryError != "" {
		out.LatestDeliveryError = aws.String(t.deliveryError)
	}
	return out, nil
}

func (f *fakeCloudTrail) GetEventSelectors(_ context.Context, in *cloudtrail.GetEventSelectorsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error) {
	if err := f.call("GetEventSelectors"); err != nil {
		return nil, err
	}
	t, ok := f.find(aws.ToString(in.TrailName))
	if !ok {
		return nil, &cttypes.TrailNotFoundException{}
	}
	out := &cloudtrail.GetEventSelectorsOutput{TrailARN: aws.String(trailARN(t.name))}
	if t.rw != "" {
		out.EventSelectors = []cttypes.EventSelector{{IncludeManagementEvents: aws.Bool(true), ReadWriteType: t.rw,
			ExcludeManagementEventSources: t.exclude}}
	}
	out.AdvancedEventSelectors = t.advanced
	return out, nil
}

type fakeMacie struct {
	calls
	enabled, discovery bool
	excluded           []string // buckets automated discovery excludes
	jobs               []macietypes.JobSummary
}

const fakeScopeID = "0123456789abcdef0123456789abcdef"

func (f *fakeMacie) GetClassificationScope(_ context.Context, in *macie2.GetClassificationScopeInput, _ ...func(*macie2.Options)) (*macie2.GetClassificationScopeOutput, error) {
	if err := f.call("GetClassificationScope"); err != nil {
		return nil, err
	}
	if aws.ToString(in.Id) != fakeScopeID {
		return nil, &macietypes.ResourceNotFoundException{Message: aws.String("The classification scope does not exist.")}
	}
	return &macie2.GetClassificationScopeOutput{Id: in.Id, Name: aws.String("automated-sensitive-data-discovery"),
		S3: &macietypes.S3ClassificationScope{Excludes: &macietypes.S3ClassificationScopeExclusion{BucketNames: f.excluded}}}, nil
}

func (f *fakeMacie) GetMacieSession(context.Context, *macie2.GetMacieSessionInput, ...func(*macie2.Options)) (*macie2.GetMacieSessionOutput, error) {
	if err := f.call("GetMacieSession"); err != nil {
		return nil, err
	}
	if !f.enabled {
		return nil, &macietypes.AccessDeniedException{Message: aws.String("Macie is not enabled.")}
	}
	return &macie2.GetMacieSessionOutput{Status: macietypes.MacieStatusEnabled}, nil
}

func (f *fakeMacie) GetAutomatedDiscoveryConfiguration(context.Context, *macie2.GetAutomatedDiscoveryConfigurationInput, ...func(*macie2.Options)) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error) {
	if err := f.call("GetAutomatedDiscoveryConfiguration"); err != nil {
		return nil, err
	}
	st := macietypes.AutomatedDiscoveryStatusDisabled
	if f.discovery {
		st = macietypes.AutomatedDiscoveryStatusEnabled
	}
	return &macie2.GetAutomatedDiscoveryConfigurationOutput{Status: st, ClassificationScopeId: aws.String(fakeScopeID)}, nil
}

func (f *fakeMacie) ListClassificationJobs(_ context.Context, in *macie2.ListClassificationJobsInput, _ ...func(*macie2.Options)) (*macie2.ListClassificationJobsOutput, error) {
	if err := f.call("ListClassificationJobs"); err != nil {
		return nil, err
	}
	start, _ := strconv.Atoi(aws.ToString(in.NextToken))
	out := &macie2.ListClassificationJobsOutput{}
	if start < len(f.jobs) {
		out.Items = f.jobs[start : start+1]
		if start+1 < len(f.jobs) {
			out.NextToken = aws.String(strconv.Itoa(start + 1))
		}
	}
	return out, nil
}
