package personalizetest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	macietypes "github.com/aws/aws-sdk-go-v2/service/macie2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func trailARN(region, name string) string {
	return "arn:aws:cloudtrail:" + region + ":" + personalizetest.AccountID + ":trail/" + name
}

func TestCloudTrailRoundTrip(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := cloudtrail.NewFromConfig(s.Config())
	key := "arn:aws:kms:us-east-1:" + personalizetest.AccountID + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	trails := []personalizetest.Trail{
		{Name: "main", S3BucketName: "logs", KMSKeyID: key, MultiRegion: true, LogFileValidation: true, Logging: true, ManagementEvents: "All"},
		{Name: "reads", S3BucketName: "logs", ManagementEvents: "ReadOnly", DeliveryError: "AccessDenied"},
		{Name: "data-only", S3BucketName: "logs", Logging: true},
		// A multi-Region trail of another Region is a shadow trail here; a
		// single-Region one is not seen at all.
		{Name: "west", S3BucketName: "logs", MultiRegion: true, Logging: true, ManagementEvents: "All", HomeRegion: "us-west-2"},
		{Name: "west-only", S3BucketName: "logs", ManagementEvents: "All", HomeRegion: "us-west-2"},
	}
	for _, tr := range trails {
		arn, err := s.PutTrail(tr)
		if err != nil {
			t.Fatal(err)
		}
		region := tr.HomeRegion
		if region == "" {
			region = personalizetest.Region
		}
		if arn != trailARN(region, tr.Name) {
			t.Fatalf("PutTrail(%s) = %s", tr.Name, arn)
		}
	}
	trail := func(name, region, key string, multi, validation, custom bool) cttypes.Trail {
		tr := cttypes.Trail{Name: aws.String(name), S3BucketName: aws.String("logs"), IncludeGlobalServiceEvents: aws.Bool(true),
			IsMultiRegionTrail: aws.Bool(multi), HomeRegion: aws.String(region), TrailARN: aws.String(trailARN(region, name)),
			LogFileValidationEnabled: aws.Bool(validation), HasCustomEventSelectors: aws.Bool(custom), HasInsightSelectors: aws.Bool(false),
			IsOrganizationTrail: aws.Bool(false)}
		if key != "" {
			tr.KmsKeyId = aws.String(key)
		}
		return tr
	}
	mainTrail := trail("main", "us-east-1", key, true, true, false)
	readsTrail := trail("reads", "us-east-1", "", false, false, true)
	dataTrail := trail("data-only", "us-east-1", "", false, false, true)
	westTrail := trail("west", "us-west-2", "", true, false, false)
	selector := func(rw cttypes.ReadWriteType, mgmt bool) []cttypes.EventSelector {
		return []cttypes.EventSelector{{ReadWriteType: rw, IncludeManagementEvents: aws.Bool(mgmt), DataResources: []cttypes.DataResource{},
			ExcludeManagementEventSources: []string{}}}
	}
	tests := []struct {
		name string
		call func() (any, error)
		want any
	}{
		{"DescribeTrails all", func() (any, error) { return c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{}) },
			&cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{dataTrail, mainTrail, readsTrail, westTrail}}},
		{"DescribeTrails without shadow trails", func() (any, error) {
			return c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(false)})
		}, &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{dataTrail, mainTrail, readsTrail}}},
		{"DescribeTrails by name and ARN, unknown left out", func() (any, error) {
			return c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{TrailNameList: []string{"main", trailARN("us-west-2", "west"), "nope"}})
		}, &cloudtrail.DescribeTrailsOutput{TrailList: []cttypes.Trail{mainTrail, westTrail}}},
		{"GetTrailStatus logging", func() (any, error) {
			return c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("main")})
		},
			&cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(true)}},
		{"GetTrailStatus stopped", func() (any, error) {
			return c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(trailARN("us-east-1", "reads"))})
		}, &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(false), LatestDeliveryError: aws.String("AccessDenied")}},
		{"GetEventSelectors all", func() (any, error) {
			return c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("main")})
		}, &cloudtrail.GetEventSelectorsOutput{TrailARN: aws.String(trailARN("us-east-1", "main")), EventSelectors: selector(cttypes.ReadWriteTypeAll, true)}},
		{"GetEventSelectors read-only", func() (any, error) {
			return c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("reads")})
		}, &cloudtrail.GetEventSelectorsOutput{TrailARN: aws.String(trailARN("us-east-1", "reads")), EventSelectors: selector(cttypes.ReadWriteTypeReadOnly, true)}},
		{"GetEventSelectors no management events", func() (any, error) {
			return c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("data-only")})
		}, &cloudtrail.GetEventSelectorsOutput{TrailARN: aws.String(trailARN("us-east-1", "data-only")), EventSelectors: selector(cttypes.ReadWriteTypeAll, false)}},
		{"GetEventSelectors shadow trail by ARN", func() (any, error) {
			return c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(trailARN("us-west-2", "west"))})
		}, &cloudtrail.GetEventSelectorsOutput{TrailARN: aws.String(trailARN("us-west-2", "west")), EventSelectors: selector(cttypes.ReadWriteTypeAll, true)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, sdkOutput); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	status, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("main")})
	if err != nil {
		t.Fatal(err)
	}
	if status.StartLoggingTime == nil || status.StartLoggingTime.IsZero() {
		t.Errorf("a logging trail's StartLoggingTime = %v, want a time", status.StartLoggingTime)
	}

	s.DeleteTrails()
	out, err := c.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TrailList) != 0 {
		t.Errorf("after DeleteTrails: %d trails", len(out.TrailList))
	}
}

func TestCloudTrailErrors(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := cloudtrail.NewFromConfig(s.Config())
	if _, err := s.PutTrail(personalizetest.Trail{Name: "west", S3BucketName: "logs", MultiRegion: true, HomeRegion: "us-west-2"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		call     func() error
		wantCode string
	}{
		{"GetTrailStatus unknown", func() error {
			_, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("nope")})
			return err
		}, "TrailNotFoundException"},
		{"GetTrailStatus unknown ARN", func() error {
			_, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(trailARN("us-east-1", "nope"))})
			return err
		}, "TrailNotFoundException"},
		{"GetTrailStatus shadow trail by name", func() error {
			_, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("west")})
			return err
		}, "TrailNotFoundException"},
		{"GetEventSelectors unknown", func() error {
			_, err := c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("nope")})
			return err
		}, "TrailNotFoundException"},
		{"GetEventSelectors malformed name", func() error {
			_, err := c.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("no spaces")})
			return err
		}, "InvalidTrailNameException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, status := apiError(tt.call())
			if code != tt.wantCode || status != http.StatusBadRequest {
				t.Errorf("= %s %d, want %s 400", code, status, tt.wantCode)
			}
		})
	}
	_, err := c.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String("nope")})
	var notFound *cttypes.TrailNotFoundException
	if !asError(err, &notFound) {
		t.Errorf("GetTrailStatus unknown: %T, want *types.TrailNotFoundException", err)
	}
}

func TestPutTrailRefuses(t *testing.T) {
	s := personalizetest.New(t)
	for _, tr := range []personalizetest.Trail{
		{Name: "ab", S3BucketName: "logs"},
		{Name: "-leading", S3BucketName: "logs"},
		{Name: "a..b", S3BucketName: "logs"},
		{Name: "ok", S3BucketName: "Not_A_Bucket"},
		{Name: "ok", S3BucketName: "logs", ManagementEvents: "Writes"},
		{Name: "ok", S3BucketName: "logs", HomeRegion: "mars"},
	} {
		if arn, err := s.PutTrail(tr); err == nil {
			t.Errorf("PutTrail(%+v) = %s, want an error", tr, arn)
		}
	}
}

func TestMacieRoundTrip(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := macie2.NewFromConfig(s.Config())
	if err := s.SetMacie(personalizetest.Macie{Enabled: true, AutomatedDiscovery: true, DiscoveryExcludes: []string{"bbb"}, Jobs: []personalizetest.MacieJob{
		{Name: "nightly", Buckets: []string{"aaa", "bbb"}, Status: "RUNNING", JobType: "SCHEDULED"},
		{Name: "once", Buckets: []string{"ccc"}, Status: "COMPLETE", JobType: "ONE_TIME"},
	}}); err != nil {
		t.Fatal(err)
	}
	session, err := c.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	if err != nil {
		t.Fatal(err)
	}
	wantSession := &macie2.GetMacieSessionOutput{Status: macietypes.MacieStatusEnabled, FindingPublishingFrequency: macietypes.FindingPublishingFrequencyFifteenMinutes,
		ServiceRole: aws.String("arn:aws:iam::" + personalizetest.AccountID + ":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie")}
	if diff := cmp.Diff(wantSession, session, sdkOutput); diff != "" {
		t.Errorf("GetMacieSession (-want +got):\n%s", diff)
	}
	discovery, err := c.GetAutomatedDiscoveryConfiguration(ctx, &macie2.GetAutomatedDiscoveryConfigurationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if discovery.Status != macietypes.AutomatedDiscoveryStatusEnabled || discovery.FirstEnabledAt == nil {
		t.Errorf("GetAutomatedDiscoveryConfiguration = %s first enabled %v, want ENABLED with a date", discovery.Status, discovery.FirstEnabledAt)
	}
	scope, err := c.GetClassificationScope(ctx, &macie2.GetClassificationScopeInput{Id: discovery.ClassificationScopeId})
	if err != nil {
		t.Fatal(err)
	}
	wantScope := &macie2.GetClassificationScopeOutput{Id: discovery.ClassificationScopeId, Name: aws.String("automated-sensitive-data-discovery"),
		S3: &macietypes.S3ClassificationScope{Excludes: &macietypes.S3ClassificationScopeExclusion{BucketNames: []string{"bbb"}}}}
	if diff := cmp.Diff(wantScope, scope, sdkOutput); diff != "" {
		t.Errorf("GetClassificationScope (-want +got):\n%s", diff)
	}
	var nf *macietypes.ResourceNotFoundException
	if _, err := c.GetClassificationScope(ctx, &macie2.GetClassificationScopeInput{Id: aws.String("0123")}); !errors.As(err, &nf) {
		t.Errorf("GetClassificationScope(unknown ID) error = %v, want ResourceNotFoundException", err)
	}
	list, err := c.ListClassificationJobs(ctx, &macie2.ListClassificationJobsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 || list.NextToken != nil {
		t.Fatalf("ListClassificationJobs = %d items, next %v; want 2, none", len(list.Items), list.NextToken)
	}
	def := func(buckets ...string) []macietypes.S3BucketDefinitionForJob {
		return []macietypes.S3BucketDefinitionForJob{{AccountId: aws.String(personalizetest.AccountID), Buckets: buckets}}
	}
	wantItems := []macietypes.JobSummary{
		{Name: aws.String("nightly"), JobId: list.Items[0].JobId, JobStatus: macietypes.JobStatusRunning, JobType: macietypes.JobTypeScheduled,
			BucketDefinitions: def("aaa", "bbb"), LastRunErrorStatus: &macietypes.LastRunErrorStatus{Code: macietypes.LastRunErrorStatusCodeNone}},
		{Name: aws.String("once"), JobId: list.Items[1].JobId, JobStatus: macietypes.JobStatusComplete, JobType: macietypes.JobTypeOneTime,
			BucketDefinitions: def("ccc"), LastRunErrorStatus: &macietypes.LastRunErrorStatus{Code: macietypes.LastRunErrorStatusCodeNone}},
	}
	if diff := cmp.Diff(wantItems, list.Items, sdkOutput); diff != "" {
		t.Errorf("ListClassificationJobs (-want +got):\n%s", diff)
	}
	job, err := c.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: list.Items[0].JobId})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(list.Items[0].JobId)
	wantJob := &macie2.DescribeClassificationJobOutput{
		ClientToken: &id, JobId: &id, Name: aws.String("nightly"), JobStatus: macietypes.JobStatusRunning, JobType: macietypes.JobTypeScheduled,
		JobArn:             aws.String("arn:aws:macie2:" + personalizetest.Region + ":" + personalizetest.AccountID + ":classification-job/" + id),
		LastRunErrorStatus: &macietypes.LastRunErrorStatus{Code: macietypes.LastRunErrorStatusCodeNone}, ManagedDataIdentifierSelector: macietypes.ManagedDataIdentifierSelectorRecommended,
		S3JobDefinition: &macietypes.S3JobDefinition{BucketDefinitions: def("aaa", "bbb")}, SamplingPercentage: aws.Int32(100),
		ScheduleFrequency: &macietypes.JobScheduleFrequency{DailySchedule: &macietypes.DailySchedule{}},
		Statistics:        &macietypes.Statistics{ApproximateNumberOfObjectsToProcess: aws.Float64(0), NumberOfRuns: aws.Float64(1)},
		Tags:              map[string]string{},
	}
	if diff := cmp.Diff(wantJob, job, sdkOutput); diff != "" {
		t.Errorf("DescribeClassificationJob (-want +got):\n%s", diff)
	}
	// A job keeps its ID while its name stays.
	if err := s.SetMacie(personalizetest.Macie{Enabled: true, Jobs: []personalizetest.MacieJob{{Name: "nightly", Buckets: []string{"aaa"}, Status: "PAUSED", JobType: "SCHEDULED"}}}); err != nil {
		t.Fatal(err)
	}
	again, err := c.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: &id})
	if err != nil {
		t.Fatal(err)
	}
	if again.JobStatus != macietypes.JobStatusPaused {
		t.Errorf("after SetMacie: jobStatus %s, want PAUSED", again.JobStatus)
	}
	discovery, err = c.GetAutomatedDiscoveryConfiguration(ctx, &macie2.GetAutomatedDiscoveryConfigurationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if discovery.Status != macietypes.AutomatedDiscoveryStatusDisabled {
		t.Errorf("GetAutomatedDiscoveryConfiguration after turning it off = %s, want DISABLED", discovery.Status)
	}
}

func TestMaciePagination(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := macie2.NewFromConfig(s.Config())
	var jobs []personalizetest.MacieJob
	var want []string
	for i := range 31 {
		name := fmt.Sprintf("job-%02d", i)
		jobs = append(jobs, personalizetest.MacieJob{Name: name, Buckets: []string{"data"}, Status: "IDLE", JobType: "SCHEDULED"})
		want = append(want, name)
	}
	if err := s.SetMacie(personalizetest.Macie{Enabled: true, Jobs: jobs}); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int32{1, 4, 31, 200} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			s.ResetRequests()
			var got []string
			pages := macie2.NewListClassificationJobsPaginator(c, &macie2.ListClassificationJobsInput{MaxResults: &size})
			for pages.HasMorePages() {
				out, err := pages.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if int32(len(out.Items)) > size {
					t.Errorf("a page of %d for maxResults %d", len(out.Items), size)
				}
				for _, j := range out.Items {
					got = append(got, aws.ToString(j.Name))
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
			if n, wantN := len(s.Requests()), (31+int(size)-1)/int(size); n != wantN {
				t.Errorf("%d requests, want %d", n, wantN)
			}
		})
	}
}

func TestMacieErrors(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := macie2.NewFromConfig(s.Config())
	calls := map[string]func() error{
		"GetMacieSession": func() error { _, err := c.GetMacieSession(ctx, nil); return err },
		"GetAutomatedDiscoveryConfiguration": func() error {
			_, err := c.GetAutomatedDiscoveryConfiguration(ctx, nil)
			return err
		},
		"ListClassificationJobs": func() error { _, err := c.ListClassificationJobs(ctx, nil); return err },
		"DescribeClassificationJob": func() error {
			_, err := c.DescribeClassificationJob(ctx, &macie2.DescribeClassificationJobInput{JobId: aws.String("0123456789abcdef0123456789abcdef")})
			return err
		},
	}
	// A new Server's Macie is not enabled: every operation answers as real
	// Macie does then.
	for op, call := range calls {
		t.Run("not enabled "+op, func(t *testing.T) {
			err := call()
			code, status := apiError(err)
			var denied *macietypes.AccessDeniedException
			if code != "AccessDeniedException" || status != http.StatusUnauthorized || !asError(err, &denied) || denied.ErrorMessage() != "Macie is not enabled." {
				t.Errorf("= %s %d %v, want AccessDeniedException 401 \"Macie is not enabled.\"", code, status, err)
			}
		})
	}
	if err := s.SetMacie(personalizetest.Macie{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	code, status := apiError(calls["DescribeClassificationJob"]())
	if code != "ResourceNotFoundException" || status != http.StatusNotFound {
		t.Errorf("DescribeClassificationJob unknown = %s %d, want ResourceNotFoundException 404", code, status)
	}
	_, err := c.ListClassificationJobs(ctx, &macie2.ListClassificationJobsInput{NextToken: aws.String("forged")})
	if code, status := apiError(err); code != "ValidationException" || status != http.StatusBadRequest {
		t.Errorf("ListClassificationJobs forged token = %s %d, want ValidationException 400", code, status)
	}
	_, err = c.ListClassificationJobs(ctx, &macie2.ListClassificationJobsInput{FilterCriteria: &macietypes.ListJobsFilterCriteria{}})
	if code, _ := apiError(err); code != "ValidationException" {
		t.Errorf("ListClassificationJobs with filterCriteria = %s, want ValidationException (not evaluated, so refused)", code)
	}
}

func TestSetMacieRefuses(t *testing.T) {
	s := personalizetest.New(t)
	for _, j := range []personalizetest.MacieJob{
		{Buckets: []string{"b1"}, Status: "RUNNING", JobType: "ONE_TIME"},
		{Name: "n", Status: "RUNNING", JobType: "ONE_TIME"},
		{Name: "n", Buckets: []string{"B_"}, Status: "RUNNING", JobType: "ONE_TIME"},
		{Name: "n", Buckets: []string{"b1"}, Status: "WAITING", JobType: "ONE_TIME"},
		{Name: "n", Buckets: []string{"b1"}, Status: "RUNNING", JobType: "DAILY"},
	} {
		if err := s.SetMacie(personalizetest.Macie{Enabled: true, Jobs: []personalizetest.MacieJob{j}}); err == nil {
			t.Errorf("SetMacie(%+v) = nil, want an error", j)
		}
	}
}
