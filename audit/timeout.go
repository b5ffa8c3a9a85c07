package audit

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultTimeout bounds each read of the audit unless Options.Timeout says
// otherwise.
const DefaultTimeout = 30 * time.Second

// withTimeouts returns c with a deadline of d on each call of its STS, IAM,
// CloudTrail, Macie and Personalize clients (each page of a listing is one
// call): the caller's context may have none, and an endpoint that takes the
// connection and never answers would hold the audit for ever. The KMS and S3
// checkers bound their rounds themselves (CheckerOptions.Timeout).
func withTimeouts(c Clients, d time.Duration) Clients {
	if c.STS != nil {
		c.STS = timedSTS{c.STS, d}
	}
	if c.IAM != nil {
		c.IAM = timedIAM{c.IAM, d}
	}
	if c.CloudTrail != nil {
		c.CloudTrail = timedCloudTrail{c.CloudTrail, d}
	}
	if c.Macie != nil {
		c.Macie = timedMacie{c.Macie, d}
	}
	if c.Personalize != nil {
		c.Personalize = timedPersonalize{c.Personalize, d}
	}
	return c
}

// within makes call with a context that ends after d.
func within[I, O, F any](ctx context.Context, d time.Duration, call func(context.Context, I, ...F) (O, error), in I, optFns []F) (O, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return call(ctx, in, optFns...)
}

type timedSTS struct {
	c STSAPI
	d time.Duration
}

func (t timedSTS) GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, o ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return within(ctx, t.d, t.c.GetCallerIdentity, in, o)
}

type timedIAM struct {
	c IAMAPI
	d time.Duration
}

func (t timedIAM) GetAccountSummary(ctx context.Context, in *iam.GetAccountSummaryInput, o ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error) {
	return within(ctx, t.d, t.c.GetAccountSummary, in, o)
}

func (t timedIAM) GetRole(ctx context.Context, in *iam.GetRoleInput, o ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return within(ctx, t.d, t.c.GetRole, in, o)
}

func (t timedIAM) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, o ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return within(ctx, t.d, t.c.GetRolePolicy, in, o)
}

func (t timedIAM) GetPolicy(ctx context.Context, in *iam.GetPolicyInput, o ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return within(ctx, t.d, t.c.GetPolicy, in, o)
}

func (t timedIAM) GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, o ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	return within(ctx, t.d, t.c.GetPolicyVersion, in, o)
}

func (t timedIAM) ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return within(ctx, t.d, t.c.ListRolePolicies, in, o)
}

func (t timedIAM) ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return within(ctx, t.d, t.c.ListAttachedRolePolicies, in, o)
}

type timedCloudTrail struct {
	c CloudTrailAPI
	d time.Duration
}

func (t timedCloudTrail) DescribeTrails(ctx context.Context, in *cloudtrail.DescribeTrailsInput, o ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	return within(ctx, t.d, t.c.DescribeTrails, in, o)
}

func (t timedCloudTrail) GetTrailStatus(ctx context.Context, in *cloudtrail.GetTrailStatusInput, o ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	return within(ctx, t.d, t.c.GetTrailStatus, in, o)
}

func (t timedCloudTrail) GetEventSelectors(ctx context.Context, in *cloudtrail.GetEventSelectorsInput, o ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error) {
	return within(ctx, t.d, t.c.GetEventSelectors, in, o)
}

type timedMacie struct {
	c MacieAPI
	d time.Duration
}

func (t timedMacie) GetMacieSession(ctx context.Context, in *macie2.GetMacieSessionInput, o ...func(*macie2.Options)) (*macie2.GetMacieSessionOutput, error) {
	return within(ctx, t.d, t.c.GetMacieSession, in, o)
}

func (t timedMacie) GetAutomatedDiscoveryConfiguration(ctx context.Context, in *macie2.GetAutomatedDiscoveryConfigurationInput, o ...func(*macie2.Options)) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error) {
	return within(ctx, t.d, t.c.GetAutomatedDiscoveryConfiguration, in, o)
}

func (t timedMacie) GetClassificationScope(ctx context.Context, in *macie2.GetClassificationScopeInput, o ...func(*macie2.Options)) (*macie2.GetClassificationScopeOutput, error) {
	return within(ctx, t.d, t.c.GetClassificationScope, in, o)
}

func (t timedMacie) ListClassificationJobs(ctx context.Context, in *macie2.ListClassificationJobsInput, o ...func(*macie2.Options)) (*macie2.ListClassificationJobsOutput, error) {
	return within(ctx, t.d, t.c.ListClassificationJobs, in, o)
}

type timedPersonalize struct {
	c PersonalizeAPI
	d time.Duration
}

func (t timedPersonalize) ListDatasetGroups(ctx context.Context, in *personalize.ListDatasetGroupsInput, o ...func(*personalize.Options)) (*personalize.ListDatasetGroupsOutput, error) {
	return within(ctx, t.d, t.c.ListDatasetGroups, in, o)
}

func (t timedPersonalize) ListDatasets(ctx context.Context, in *personalize.ListDatasetsInput, o ...func(*personalize.Options)) (*personalize.ListDatasetsOutput, error) {
	return within(ctx, t.d, t.c.ListDatasets, in, o)
}

func (t timedPersonalize) ListSchemas(ctx context.Context, in *personalize.ListSchemasInput, o ...func(*personalize.Options)) (*personalize.ListSchemasOutput, error) {
	return within(ctx, t.d, t.c.ListSchemas, in, o)
}

func (t timedPersonalize) ListSolutions(ctx context.Context, in *personalize.ListSolutionsInput, o ...func(*personalize.Options)) (*personalize.ListSolutionsOutput, error) {
	return within(ctx, t.d, t.c.ListSolutions, in, o)
}

func (t timedPersonalize) ListSolutionVersions(ctx context.Context, in *personalize.ListSolutionVersionsInput, o ...func(*personalize.Options)) (*personalize.ListSolutionVersionsOutput, error) {
	return within(ctx, t.d, t.c.ListSolutionVersions, in, o)
}

func (t timedPersonalize) ListCampaigns(ctx context.Context, in *personalize.ListCampaignsInput, o ...func(*personalize.Options)) (*personalize.ListCampaignsOutput, error) {
	return within(ctx, t.d, t.c.ListCampaigns, in, o)
}

func (t timedPersonalize) ListRecommenders(ctx context.Context, in *personalize.ListRecommendersInput, o ...func(*personalize.Options)) (*personalize.ListRecommendersOutput, error) {
	return within(ctx, t.d, t.c.ListRecommenders, in, o)
}

func (t timedPersonalize) ListFilters(ctx context.Context, in *personalize.ListFiltersInput, o ...func(*personalize.Options)) (*personalize.ListFiltersOutput, error) {
	return within(ctx, t.d, t.c.ListFilters, in, o)
}

func (t timedPersonalize) ListEventTrackers(ctx context.Context, in *personalize.ListEventTrackersInput, o ...func(*personalize.Options)) (*personalize.ListEventTrackersOutput, error) {
	return within(ctx, t.d, t.c.ListEventTrackers, in, o)
}

func (t timedPersonalize) ListMetricAttributions(ctx context.Context, in *personalize.ListMetricAttributionsInput, o ...func(*personalize.Options)) (*personalize.ListMetricAttributionsOutput, error) {
	return within(ctx, t.d, t.c.ListMetricAttributions, in, o)
}

func (t timedPersonalize) ListDatasetImportJobs(ctx context.Context, in *personalize.ListDatasetImportJobsInput, o ...func(*personalize.Options)) (*personalize.ListDatasetImportJobsOutput, error) {
	return within(ctx, t.d, t.c.ListDatasetImportJobs, in, o)
}

func (t timedPersonalize) ListDatasetExportJobs(ctx context.Context, in *personalize.ListDatasetExportJobsInput, o ...func(*personalize.Options)) (*personalize.ListDatasetExportJobsOutput, error) {
	return within(ctx, t.d, t.c.ListDatasetExportJobs, in, o)
}

func (t timedPersonalize) ListBatchInferenceJobs(ctx context.Context, in *personalize.ListBatchInferenceJobsInput, o ...func(*personalize.Options)) (*personalize.ListBatchInferenceJobsOutput, error) {
	return within(ctx, t.d, t.c.ListBatchInferenceJobs, in, o)
}

func (t timedPersonalize) ListBatchSegmentJobs(ctx context.Context, in *personalize.ListBatchSegmentJobsInput, o ...func(*personalize.Options)) (*personalize.ListBatchSegmentJobsOutput, error) {
	return within(ctx, t.d, t.c.ListBatchSegmentJobs, in, o)
}

func (t timedPersonalize) ListDataDeletionJobs(ctx context.Context, in *personalize.ListDataDeletionJobsInput, o ...func(*personalize.Options)) (*personalize.ListDataDeletionJobsOutput, error) {
	return within(ctx, t.d, t.c.ListDataDeletionJobs, in, o)
}

func (t timedPersonalize) DescribeDatasetGroup(ctx context.Context, in *personalize.DescribeDatasetGroupInput, o ...func(*personalize.Options)) (*personalize.DescribeDatasetGroupOutput, error) {
	return within(ctx, t.d, t.c.DescribeDatasetGroup, in, o)
}

func (t timedPersonalize) DescribeDatasetImportJob(ctx context.Context, in *personalize.DescribeDatasetImportJobInput, o ...func(*personalize.Options)) (*personalize.DescribeDatasetImportJobOutput, error) {
	return within(ctx, t.d, t.c.DescribeDatasetImportJob, in, o)
}

func (t timedPersonalize) DescribeMetricAttribution(ctx context.Context, in *personalize.DescribeMetricAttributionInput, o ...func(*personalize.Options)) (*personalize.DescribeMetricAttributionOutput, error) {
	return within(ctx, t.d, t.c.DescribeMetricAttribution, in, o)
}

func (t timedPersonalize) DescribeDatasetExportJob(ctx context.Context, in *personalize.DescribeDatasetExportJobInput, o ...func(*personalize.Options)) (*personalize.DescribeDatasetExportJobOutput, error) {
	return within(ctx, t.d, t.c.DescribeDatasetExportJob, in, o)
}

func (t timedPersonalize) DescribeBatchInferenceJob(ctx context.Context, in *personalize.DescribeBatchInferenceJobInput, o ...func(*personalize.Options)) (*personalize.DescribeBatchInferenceJobOutput, error) {
	return within(ctx, t.d, t.c.DescribeBatchInferenceJob, in, o)
}

func (t timedPersonalize) DescribeBatchSegmentJob(ctx context.Context, in *personalize.DescribeBatchSegmentJobInput, o ...func(*personalize.Options)) (*personalize.DescribeBatchSegmentJobOutput, error) {
	return within(ctx, t.d, t.c.DescribeBatchSegmentJob, in, o)
}

func (t timedPersonalize) DescribeDataDeletionJob(ctx context.Context, in *personalize.DescribeDataDeletionJobInput, o ...func(*personalize.Options)) (*personalize.DescribeDataDeletionJobOutput, error) {
	return within(ctx, t.d, t.c.DescribeDataDeletionJob, in, o)
}

func (t timedPersonalize) DescribeSolutionVersion(ctx context.Context, in *personalize.DescribeSolutionVersionInput, o ...func(*personalize.Options)) (*personalize.DescribeSolutionVersionOutput, error) {
	return within(ctx, t.d, t.c.DescribeSolutionVersion, in, o)
}

func (t timedPersonalize) ListTagsForResource(ctx context.Context, in *personalize.ListTagsForResourceInput, o ...func(*personalize.Options)) (*personalize.ListTagsForResourceOutput, error) {
	return within(ctx, t.d, t.c.ListTagsForResource, in, o)
}
