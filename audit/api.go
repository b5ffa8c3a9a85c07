package audit

import (
	"context"
	"crypto/tls"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/securetransport"
	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// STSAPI is the STS call the identity check makes. *sts.Client satisfies it.
type STSAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

// IAMAPI is every IAM call the audit makes. *iam.Client satisfies it.
type IAMAPI interface {
	GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error)
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	GetRolePolicy(context.Context, *iam.GetRolePolicyInput, ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	GetPolicy(context.Context, *iam.GetPolicyInput, ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(context.Context, *iam.GetPolicyVersionInput, ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	iam.ListRolePoliciesAPIClient
	iam.ListAttachedRolePoliciesAPIClient
}

// CloudTrailAPI is every CloudTrail call the audit makes. *cloudtrail.Client
// satisfies it.
type CloudTrailAPI interface {
	DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(context.Context, *cloudtrail.GetTrailStatusInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	GetEventSelectors(context.Context, *cloudtrail.GetEventSelectorsInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error)
}

// MacieAPI is every Amazon Macie call the audit makes. *macie2.Client
// satisfies it.
type MacieAPI interface {
	GetMacieSession(context.Context, *macie2.GetMacieSessionInput, ...func(*macie2.Options)) (*macie2.GetMacieSessionOutput, error)
	GetAutomatedDiscoveryConfiguration(context.Context, *macie2.GetAutomatedDiscoveryConfigurationInput, ...func(*macie2.Options)) (*macie2.GetAutomatedDiscoveryConfigurationOutput, error)
	GetClassificationScope(context.Context, *macie2.GetClassificationScopeInput, ...func(*macie2.Options)) (*macie2.GetClassificationScopeOutput, error)
	macie2.ListClassificationJobsAPIClient
}

// PersonalizeAPI is every Amazon Personalize call the audit makes: it lists
// and describes the resources, and reads their tags. *personalize.Client
// satisfies it.
type PersonalizeAPI interface {
	personalize.ListDatasetGroupsAPIClient
	personalize.ListDatasetsAPIClient
	personalize.ListSchemasAPIClient
	personalize.ListSolutionsAPIClient
	personalize.ListSolutionVersionsAPIClient
	personalize.ListCampaignsAPIClient
	personalize.ListRecommendersAPIClient
	personalize.ListFiltersAPIClient
	personalize.ListEventTrackersAPIClient
	personalize.ListMetricAttributionsAPIClient
	personalize.ListDatasetImportJobsAPIClient
	personalize.ListDatasetExportJobsAPIClient
	personalize.ListBatchInferenceJobsAPIClient
	personalize.ListBatchSegmentJobsAPIClient
	ListDataDeletionJobs(context.Context, *personalize.ListDataDeletionJobsInput, ...func(*personalize.Options)) (*personalize.ListDataDeletionJobsOutput, error)

	DescribeDatasetGroup(context.Context, *personalize.DescribeDatasetGroupInput, ...func(*personalize.Options)) (*personalize.DescribeDatasetGroupOutput, error)
	DescribeDatasetImportJob(context.Context, *personalize.DescribeDatasetImportJobInput, ...func(*personalize.Options)) (*personalize.DescribeDatasetImportJobOutput, error)
	DescribeMetricAttribution(context.Context, *personalize.DescribeMetricAttributionInput, ...func(*personalize.Options)) (*personalize.DescribeMetricAttributionOutput, error)
	DescribeDatasetExportJob(context.Context, *personalize.DescribeDatasetExportJobInput, ...func(*personalize.Options)) (*personalize.DescribeDatasetExportJobOutput, error)
	DescribeBatchInferenceJob(context.Context, *personalize.DescribeBatchInferenceJobInput, ...func(*personalize.Options)) (*personalize.DescribeBatchInferenceJobOutput, error)
	DescribeBatchSegmentJob(context.Context, *personalize.DescribeBatchSegmentJobInput, ...func(*personalize.Options)) (*personalize.DescribeBatchSegmentJobOutput, error)
	DescribeDataDeletionJob(context.Context, *personalize.DescribeDataDeletionJobInput, ...func(*personalize.Options)) (*personalize.DescribeDataDeletionJobOutput, error)
	DescribeSolutionVersion(context.Context, *personalize.DescribeSolutionVersionInput, ...func(*personalize.Options)) (*personalize.DescribeSolutionVersionOutput, error)
	ListTagsForResource(context.Context, *personalize.ListTagsForResourceInput, ...func(*personalize.Options)) (*personalize.ListTagsForResourceOutput, error)
}

// Clients are the AWS clients the audit reads through, one per service, all
// for the audited Region. Every field is required; [NewClients] builds them
// from an aws.Config.
type Clients struct {
	STS         STSAPI
	IAM         IAMAPI
	CloudTrail  CloudTrailAPI
	Macie       MacieAPI
	Personalize PersonalizeAPI
	KMS         kms.CheckAPIClient
	S3          s3guard.CheckAPIClient
}

// NewClients returns the SDK's own clients for cfg, with the module's
// transport rules: an https endpoint, TLS 1.2 or later, and no wire dumps
// (ClientLogMode's request and response dumps print session tokens; they are
// switched off). An endpoint that breaks the rules is an error. The clients
// keep cfg's retryer (config.LoadDefaultConfig's is the SDK's standard one),
// so throttled calls back off and are retried rather than repeated at once.
func NewClients(cfg aws.Config) (Clients, error) {
	var h hardening
	c := Clients{
		STS: sts.NewFromConfig(cfg, func(o *sts.Options) {
			o.HTTPClient = h.apply(o.BaseEndpoint, o.EndpointOptions.DisableHTTPS, o.HTTPClient, &o.ClientLogMode, &o.APIOptions)
		}),
		IAM: iam.NewFromConfig(cfg, func(o *iam.Options) {
			o.HTTPClient = h.apply(o.BaseEndpoint, o.EndpointOptions.DisableHTTPS, o.HTTPClient, &o.ClientLogMode, &o.APIOptions)
		}),
		CloudTrail: cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) {
			o.HTTPClient = h.apply(o.BaseEndpoint, o.EndpointOptions.DisableHTTPS, o.HTTPClient, &o.ClientLogMode, &o.APIOptions)
		}),
		Macie: macie2.NewFromConfig(cfg, func(o *macie2.Options) {
			o.HTTPClient = h.apply(o.BaseEndpoint, o.EndpointOptions.DisableHTTPS, o.HTTPClient, &o.ClientLogMode, &o.APIOptions)
		}),
		Personalize: personalize.NewFromConfig(cfg, func(o *personalize.Options) {
			o.HTTPClient = h.apply(o.BaseEndpoint, o.EndpointOptions.DisableHTTPS, o.HTTPClient, &o.ClientLogMode, &o.APIOptions)
		}),
		KMS: awskms.NewFromConfig(cfg, func(o *awskms.Options) {
			o.HTTPClient = h.apply(o.BaseEndpoint, o.EndpointOptions.DisableHTTPS, o.HTTPClient, &o.ClientLogMode, &o.APIOptions)
		}),
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.HTTPClient = h.apply(o.BaseEndpoint, o.EndpointOptions.DisableHTTPS, o.HTTPClient, &o.ClientLogMode, &o.APIOptions)
		}),
	}
	if h.err != nil {
		return Clients{}, h.err
	}
	return c, nil
}

// hardening applies securetransport's rules in each client's options
// function: there, a service-specific endpoint (AWS_ENDPOINT_URL_IAM, ...)
// is already resolved into BaseEndpoint.
type hardening struct{ err error }

func (h *hardening) apply(base *string, disableHTTPS bool, hc aws.HTTPClient, mode *aws.ClientLogMode, api *[]func(*middleware.Stack) error) aws.HTTPClient {
	c, m, _, err := securetransport.Secure(base, disableHTTPS, hc, *mode, tls.VersionTLS12, false)
	if err != nil {
		if h.err == nil {
			h.err = err
		}
		return hc
	}
	*mode = m
	*api = append(*api, securetransport.SilenceWireDumps)
	return c
}
