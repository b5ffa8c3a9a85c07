package fakepersonalize_test

import (
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/fakepersonalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestEveryOperation walks one scenario through every operation the fake
// serves, one subtest per operation, each decoding the answer with the SDK's
// own deserializer and checking what it must carry. The deeper behaviour of
// each family is tested in its own file.
func TestEveryOperation(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	c, ctx := f.c, f.ctx
	var schema, group, dataset, importJob, exportJob, tracker, filter, solution, version, campaign, batch string
	var segment, deletion, attribution, recommender, algorithm, transformation string
	nonEmpty := func(t *testing.T, what string, v *string) string {
		t.Helper()
		if aws.ToString(v) == "" {
			t.Fatalf("%s is empty", what)
		}
		return *v
	}
	active := func(t *testing.T, v *string) {
		t.Helper()
		if got := aws.ToString(v); got != "ACTIVE" {
			t.Errorf("status = %q, want ACTIVE", got)
		}
	}
	one := func(t *testing.T, n int) {
		t.Helper()
		if n != 1 {
			t.Errorf("listed %d items, want 1", n)
		}
	}
	steps := []struct {
		op  string
		run func(t *testing.T) error
	}{
		{"CreateSchema", func(t *testing.T) error {
			out, err := c.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: aws.String("s"), Schema: aws.String(personalizetest.InteractionsSchema)})
			if err == nil {
				schema = nonEmpty(t, "SchemaArn", out.SchemaArn)
			}
			return err
		}},
		{"DescribeSchema", func(t *testing.T) error {
			out, err := c.DescribeSchema(ctx, &personalize.DescribeSchemaInput{SchemaArn: &schema})
			if err == nil && aws.ToString(out.Schema.Schema) != personalizetest.InteractionsSchema {
				t.Errorf("schema text not returned")
			}
			return err
		}},
		{"ListSchemas", func(t *testing.T) error {
			out, err := c.ListSchemas(ctx, &personalize.ListSchemasInput{})
			if err == nil {
				one(t, len(out.Schemas))
			}
			return err
		}},
		{"CreateDatasetGroup", func(t *testing.T) error {
			out, err := c.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("g"), KmsKeyArn: &f.scene.KeyARN, RoleArn: &f.scene.RoleARN})
			if err == nil {
				group = nonEmpty(t, "DatasetGroupArn", out.DatasetGroupArn)
			}
			return err
		}},
		{"DescribeDatasetGroup", func(t *testing.T) error {
			out, err := c.DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: &group})
			if err == nil {
				active(t, out.DatasetGroup.Status)
			}
			return err
		}},
		{"ListDatasetGroups", func(t *testing.T) error {
			out, err := c.ListDatasetGroups(ctx, &personalize.ListDatasetGroupsInput{})
			if err == nil {
				one(t, len(out.DatasetGroups))
			}
			return err
		}},
		{"CreateDataset", func(t *testing.T) error {
			out, err := c.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: aws.String("d"), DatasetGroupArn: &group, DatasetType: aws.String("Interactions"), SchemaArn: &schema})
			if err == nil {
				dataset = nonEmpty(t, "DatasetArn", out.DatasetArn)
			}
			return err
		}},
		{"DescribeDataset", func(t *testing.T) error {
			out, err := c.DescribeDataset(ctx, &personalize.DescribeDatasetInput{DatasetArn: &dataset})
			if err == nil {
				active(t, out.Dataset.Status)
			}
			return err
		}},
		{"ListDatasets", func(t *testing.T) error {
			out, err := c.ListDatasets(ctx, &personalize.ListDatasetsInput{DatasetGroupArn: &group})
			if err == nil {
				one(t, len(out.Datasets))
			}
			return err
		}},
		{"CreateDatasetImportJob", func(t *testing.T) error {
			out, err := c.CreateDatasetImportJob(ctx, &personalize.CreateDatasetImportJobInput{JobName: aws.String("i"), DatasetArn: &dataset,
				DataSource: &types.DataSource{DataLocation: &f.scene.DataLocation}, RoleArn: &f.scene.RoleARN})
			if err == nil {
				importJob = nonEmpty(t, "DatasetImportJobArn", out.DatasetImportJobArn)
			}
			return err
		}},
		{"DescribeDatasetImportJob", func(t *testing.T) error {
			out, err := c.DescribeDatasetImportJob(ctx, &personalize.DescribeDatasetImportJobInput{DatasetImportJobArn: &importJob})
			if err == nil {
				active(t, out.DatasetImportJob.Status)
			}
			return err
		}},
		{"ListDatasetImportJobs", func(t *testing.T) error {
			out, err := c.ListDatasetImportJobs(ctx, &personalize.ListDatasetImportJobsInput{DatasetArn: &dataset})
			if err == nil {
				one(t, len(out.DatasetImportJobs))
			}
			return err
		}},
		{"CreateDatasetExportJob", func(t *testing.T) error {
			out, err := c.CreateDatasetExportJob(ctx, &personalize.CreateDatasetExportJobInput{JobName: aws.String("e"), DatasetArn: &dataset, RoleArn: &f.scene.RoleARN,
				JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: &f.scene.ExportLocation, KmsKeyArn: &f.scene.KeyARN}}})
			if err == nil {
				exportJob = nonEmpty(t, "DatasetExportJobArn", out.DatasetExportJobArn)
			}
			return err
		}},
		{"DescribeDatasetExportJob", func(t *testing.T) error {
			out, err := c.DescribeDatasetExportJob(ctx, &personalize.DescribeDatasetExportJobInput{DatasetExportJobArn: &exportJob})
			if err == nil {
				active(t, out.DatasetExportJob.Status)
			}
			return err
		}},
		{"ListDatasetExportJobs", func(t *testing.T) error {
			out, err := c.ListDatasetExportJobs(ctx, &personalize.ListDatasetExportJobsInput{DatasetArn: &dataset})
			if err == nil {
				one(t, len(out.DatasetExportJobs))
			}
			return err
		}},
		{"CreateEventTracker", func(t *testing.T) error {
			out, err := c.CreateEventTracker(ctx, &personalize.CreateEventTrackerInput{Name: aws.String("t"), DatasetGroupArn: &group})
			if err == nil {
				tracker = nonEmpty(t, "EventTrackerArn", out.EventTrackerArn)
				nonEmpty(t, "TrackingId", out.TrackingId)
			}
			return err
		}},
		{"DescribeEventTracker", func(t *testing.T) error {
			out, err := c.DescribeEventTracker(ctx, &personalize.DescribeEventTrackerInput{EventTrackerArn: &tracker})
			if err == nil {
				active(t, out.EventTracker.Status)
			}
			return err
		}},
		{"ListEventTrackers", func(t *testing.T) error {
			out, err := c.ListEventTrackers(ctx, &personalize.ListEventTrackersInput{DatasetGroupArn: &group})
			if err == nil {
				one(t, len(out.EventTrackers))
			}
			return err
		}},
		{"CreateFilter", func(t *testing.T) error {
			out, err := c.CreateFilter(ctx, &personalize.CreateFilterInput{Name: aws.String("f"), DatasetGroupArn: &group, FilterExpression: aws.String(`EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("buy")`)})
			if err == nil {
				filter = nonEmpty(t, "FilterArn", out.FilterArn)
			}
			return err
		}},
		{"DescribeFilter", func(t *testing.T) error {
			out, err := c.DescribeFilter(ctx, &personalize.DescribeFilterInput{FilterArn: &filter})
			if err == nil {
				active(t, out.Filter.Status)
			}
			return err
		}},
		{"ListFilters", func(t *testing.T) error {
			out, err := c.ListFilters(ctx, &personalize.ListFiltersInput{DatasetGroupArn: &group})
			if err == nil {
				one(t, len(out.Filters))
			}
			return err
		}},
		{"CreateSolution", func(t *testing.T) error {
			out, err := c.CreateSolution(ctx, &personalize.CreateSolutionInput{Name: aws.String("sol"), DatasetGroupArn: &group, RecipeArn: aws.String(userPersonalization)})
			if err == nil {
				solution = nonEmpty(t, "SolutionArn", out.SolutionArn)
			}
			return err
		}},
		{"DescribeSolution", func(t *testing.T) error {
			out, err := c.DescribeSolution(ctx, &personalize.DescribeSolutionInput{SolutionArn: &solution})
			if err == nil {
				active(t, out.Solution.Status)
			}
			return err
		}},
		{"ListSolutions", func(t *testing.T) error {
			out, err := c.ListSolutions(ctx, &personalize.ListSolutionsInput{DatasetGroupArn: &group})
			if err == nil {
				one(t, len(out.Solutions))
			}
			return err
		}},
		{"CreateSolutionVersion", func(t *testing.T) error {
			out, err := c.CreateSolutionVersion(ctx, &personalize.CreateSolutionVersionInput{SolutionArn: &solution})
			if err == nil {
				version = nonEmpty(t, "SolutionVersionArn", out.SolutionVersionArn)
			}
			return err
		}},
		{"DescribeSolutionVersion", func(t *testing.T) error {
			out, err := c.DescribeSolutionVersion(ctx, &personalize.DescribeSolutionVersionInput{SolutionVersionArn: &version})
			if err == nil {
				active(t, out.SolutionVersion.Status)
			}
			return err
		}},
		{"ListSolutionVersions", func(t *testing.T) error {
			out, err := c.ListSolutionVersions(ctx, &personalize.ListSolutionVersionsInput{SolutionArn: &solution})
			if err == nil {
				one(t, len(out.SolutionVersions))
			}
			return err
		}},
		{"CreateCampaign", func(t *testing.T) error {
			out, err := c.CreateCampaign(ctx, &personalize.CreateCampaignInput{Name: aws.String("c"), SolutionVersionArn: &version})
			if err == nil {
				campaign = nonEmpty(t, "CampaignArn", out.CampaignArn)
			}
			return err
		}},
		{"DescribeCampaign", func(t *testing.T) error {
			out, err := c.DescribeCampaign(ctx, &personalize.DescribeCampaignInput{CampaignArn: &campaign})
			if err == nil {
				active(t, out.Campaign.Status)
			}
			return err
		}},
		{"ListCampaigns", func(t *testing.T) error {
			out, err := c.ListCampaigns(ctx, &personalize.ListCampaignsInput{SolutionArn: &solution})
			if err == nil {
				one(t, len(out.Campaigns))
			}
			return err
		}},
		{"UpdateCampaign", func(t *testing.T) error {
			out, err := c.UpdateCampaign(ctx, &personalize.UpdateCampaignInput{CampaignArn: &campaign, MinProvisionedTPS: aws.Int32(3)})
			if err == nil && aws.ToString(out.CampaignArn) != campaign {
				t.Errorf("UpdateCampaign returned %s", aws.ToString(out.CampaignArn))
			}
			return err
		}},
		{"CreateBatchInferenceJob", func(t *testing.T) error {
			out, err := c.CreateBatchInferenceJob(ctx, &personalize.CreateBatchInferenceJobInput{JobName: aws.String("b"), SolutionVersionArn: &version, RoleArn: &f.scene.RoleARN,
				JobInput:  &types.BatchInferenceJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String(f.put("in.json", `{"userId":"user-1"}`))}},
				JobOutput: &types.BatchInferenceJobOutput{S3DataDestination: &types.S3DataConfig{Path: &f.scene.ExportLocation}}})
			if err == nil {
				batch = nonEmpty(t, "BatchInferenceJobArn", out.BatchInferenceJobArn)
			}
			return err
		}},
		{"DescribeBatchInferenceJob", func(t *testing.T) error {
			out, err := c.DescribeBatchInferenceJob(ctx, &personalize.DescribeBatchInferenceJobInput{BatchInferenceJobArn: &batch})
			if err == nil {
				active(t, out.BatchInferenceJob.Status)
			}
			return err
		}},
		{"ListBatchInferenceJobs", func(t *testing.T) error {
			out, err := c.ListBatchInferenceJobs(ctx, &personalize.ListBatchInferenceJobsInput{SolutionVersionArn: &version})
			if err == nil {
				one(t, len(out.BatchInferenceJobs))
			}
			return err
		}},
		{"DescribeRecipe", func(t *testing.T) error {
			out, err := c.DescribeRecipe(ctx, &personalize.DescribeRecipeInput{RecipeArn: aws.String(userPersonalization)})
			if err == nil {
				algorithm = nonEmpty(t, "AlgorithmArn", out.Recipe.AlgorithmArn)
				transformation = nonEmpty(t, "FeatureTransformationArn", out.Recipe.FeatureTransformationArn)
			}
			return err
		}},
		{"DescribeAlgorithm", func(t *testing.T) error {
			out, err := c.DescribeAlgorithm(ctx, &personalize.DescribeAlgorithmInput{AlgorithmArn: &algorithm})
			if err == nil && aws.ToString(out.Algorithm.AlgorithmArn) != algorithm {
				t.Errorf("DescribeAlgorithm returned %s", aws.ToString(out.Algorithm.AlgorithmArn))
			}
			return err
		}},
		{"DescribeFeatureTransformation", func(t *testing.T) error {
			out, err := c.DescribeFeatureTransformation(ctx, &personalize.DescribeFeatureTransformationInput{FeatureTransformationArn: &transformation})
			if err == nil {
				active(t, out.FeatureTransformation.Status)
			}
			return err
		}},
		{"ListRecipes", func(t *testing.T) error {
			out, err := c.ListRecipes(ctx, &personalize.ListRecipesInput{Domain: types.DomainVideoOnDemand})
			if err == nil && len(out.Recipes) != 4 {
				t.Errorf("ListRecipes(VIDEO_ON_DEMAND) listed %d recipes, want 4", len(out.Recipes))
			}
			return err
		}},
		{"GetSolutionMetrics", func(t *testing.T) error {
			out, err := c.GetSolutionMetrics(ctx, &personalize.GetSolutionMetricsInput{SolutionVersionArn: &version})
			if err == nil && out.Metrics["coverage"] == 0 {
				t.Errorf("GetSolutionMetrics() = %v, want coverage", out.Metrics)
			}
			return err
		}},
		{"StopSolutionVersionCreation", func(t *testing.T) error {
			// The version has settled; stopping it is refused (TestStopSolutionVersionCreation stops one in flight).
			_, err := c.StopSolutionVersionCreation(ctx, &personalize.StopSolutionVersionCreationInput{SolutionVersionArn: &version})
			checkErr(t, err, "ResourceInUseException")
			return nil
		}},
		{"UpdateSolution", func(t *testing.T) error {
			_, err := c.UpdateSolution(ctx, &personalize.UpdateSolutionInput{SolutionArn: &solution, PerformAutoTraining: aws.Bool(false)})
			if err != nil {
				return err
			}
			out, err := c.DescribeSolution(ctx, &personalize.DescribeSolutionInput{SolutionArn: &solution})
			if err == nil && (out.Solution.LatestSolutionUpdate == nil || aws.ToBool(out.Solution.PerformAutoTraining)) {
				t.Errorf("solution after update: latest update %+v, performAutoTraining %v", out.Solution.LatestSolutionUpdate, aws.ToBool(out.Solution.PerformAutoTraining))
			}
			return err
		}},
		{"UpdateDataset", func(t *testing.T) error {
			_, err := c.UpdateDataset(ctx, &personalize.UpdateDatasetInput{DatasetArn: &dataset, SchemaArn: &schema})
			if err != nil {
				return err
			}
			out, err := c.DescribeDataset(ctx, &personalize.DescribeDatasetInput{DatasetArn: &dataset})
			if err == nil && (out.Dataset.LatestDatasetUpdate == nil || aws.ToString(out.Dataset.LatestDatasetUpdate.SchemaArn) != schema) {
				t.Errorf("dataset after update: latest update %+v", out.Dataset.LatestDatasetUpdate)
			}
			return err
		}},
		{"CreateBatchSegmentJob", func(t *testing.T) error {
			out, err := c.CreateBatchSegmentJob(ctx, &personalize.CreateBatchSegmentJobInput{JobName: aws.String("seg"), SolutionVersionArn: &version, RoleArn: &f.scene.RoleARN,
				JobInput:  &types.BatchSegmentJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String(f.put("items.json", `{"itemId":"item-1"}`))}},
				JobOutput: &types.BatchSegmentJobOutput{S3DataDestination: &types.S3DataConfig{Path: &f.scene.ExportLocation}}})
			if err == nil {
				segment = nonEmpty(t, "BatchSegmentJobArn", out.BatchSegmentJobArn)
			}
			return err
		}},
		{"DescribeBatchSegmentJob", func(t *testing.T) error {
			out, err := c.DescribeBatchSegmentJob(ctx, &personalize.DescribeBatchSegmentJobInput{BatchSegmentJobArn: &segment})
			if err == nil {
				active(t, out.BatchSegmentJob.Status)
			}
			return err
		}},
		{"ListBatchSegmentJobs", func(t *testing.T) error {
			out, err := c.ListBatchSegmentJobs(ctx, &personalize.ListBatchSegmentJobsInput{SolutionVersionArn: &version})
			if err == nil {
				one(t, len(out.BatchSegmentJobs))
			}
			return err
		}},
		{"CreateDataDeletionJob", func(t *testing.T) error {
			out, err := c.CreateDataDeletionJob(ctx, &personalize.CreateDataDeletionJobInput{JobName: aws.String("erase"), DatasetGroupArn: &group, RoleArn: &f.scene.RoleARN,
				DataSource: &types.DataSource{DataLocation: aws.String(f.put("erase.csv", "USER_ID\nuser-1\n"))}})
			if err == nil {
				deletion = nonEmpty(t, "DataDeletionJobArn", out.DataDeletionJobArn)
			}
			return err
		}},
		{"DescribeDataDeletionJob", func(t *testing.T) error {
			out, err := c.DescribeDataDeletionJob(ctx, &personalize.DescribeDataDeletionJobInput{DataDeletionJobArn: &deletion})
			if err == nil && (aws.ToString(out.DataDeletionJob.Status) != "COMPLETED" || out.DataDeletionJob.NumDeleted == nil) {
				t.Errorf("data deletion job: status %s, numDeleted %v", aws.ToString(out.DataDeletionJob.Status), out.DataDeletionJob.NumDeleted)
			}
			return err
		}},
		{"ListDataDeletionJobs", func(t *testing.T) error {
			out, err := c.ListDataDeletionJobs(ctx, &personalize.ListDataDeletionJobsInput{DatasetGroupArn: &group})
			if err == nil {
				one(t, len(out.DataDeletionJobs))
			}
			return err
		}},
		{"CreateMetricAttribution", func(t *testing.T) error {
			out, err := c.CreateMetricAttribution(ctx, &personalize.CreateMetricAttributionInput{Name: aws.String("m"), DatasetGroupArn: &group,
				Metrics:             []types.MetricAttribute{{EventType: aws.String("click"), MetricName: aws.String("clicks"), Expression: aws.String("SUM(DatasetType.INTERACTIONS.EVENT_VALUE)")}},
				MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: &f.scene.RoleARN, S3DataDestination: &types.S3DataConfig{Path: &f.scene.ExportLocation}}})
			if err == nil {
				attribution = nonEmpty(t, "MetricAttributionArn", out.MetricAttributionArn)
			}
			return err
		}},
		{"DescribeMetricAttribution", func(t *testing.T) error {
			out, err := c.DescribeMetricAttribution(ctx, &personalize.DescribeMetricAttributionInput{MetricAttributionArn: &attribution})
			if err == nil {
				active(t, out.MetricAttribution.Status)
			}
			return err
		}},
		{"ListMetricAttributions", func(t *testing.T) error {
			out, err := c.ListMetricAttributions(ctx, &personalize.ListMetricAttributionsInput{DatasetGroupArn: &group})
			if err == nil {
				one(t, len(out.MetricAttributions))
			}
			return err
		}},
		{"UpdateMetricAttribution", func(t *testing.T) error {
			_, err := c.UpdateMetricAttribution(ctx, &personalize.UpdateMetricAttributionInput{MetricAttributionArn: &attribution,
				AddMetrics:    []types.MetricAttribute{{EventType: aws.String("buy"), MetricName: aws.String("revenue"), Expression: aws.String("SUM(DatasetType.INTERACTIONS.EVENT_VALUE)")}},
				RemoveMetrics: []string{"clicks"}})
			return err
		}},
		{"ListMetricAttributionMetrics", func(t *testing.T) error {
			out, err := c.ListMetricAttributionMetrics(ctx, &personalize.ListMetricAttributionMetricsInput{MetricAttributionArn: &attribution})
			if err == nil && (len(out.Metrics) != 1 || aws.ToString(out.Metrics[0].MetricName) != "revenue") {
				t.Errorf("metrics after update = %+v, want revenue only", out.Metrics)
			}
			return err
		}},
		{"DeleteMetricAttribution", func(t *testing.T) error {
			_, err := c.DeleteMetricAttribution(ctx, &personalize.DeleteMetricAttributionInput{MetricAttributionArn: &attribution})
			return err
		}},
		{"CreateRecommender", func(t *testing.T) error {
			g, err := c.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("shop"), Domain: types.DomainEcommerce})
			if err != nil {
				return err
			}
			out, err := c.CreateRecommender(ctx, &personalize.CreateRecommenderInput{Name: aws.String("r"), DatasetGroupArn: g.DatasetGroupArn,
				RecipeArn: aws.String("arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you"), RecommenderConfig: &types.RecommenderConfig{MinRecommendationRequestsPerSecond: aws.Int32(2)}})
			if err == nil {
				recommender = nonEmpty(t, "RecommenderArn", out.RecommenderArn)
			}
			return err
		}},
		{"DescribeRecommender", func(t *testing.T) error {
			out, err := c.DescribeRecommender(ctx, &personalize.DescribeRecommenderInput{RecommenderArn: &recommender})
			if err == nil {
				active(t, out.Recommender.Status)
			}
			return err
		}},
		{"ListRecommenders", func(t *testing.T) error {
			out, err := c.ListRecommenders(ctx, &personalize.ListRecommendersInput{})
			if err == nil {
				one(t, len(out.Recommenders))
			}
			return err
		}},
		{"UpdateRecommender", func(t *testing.T) error {
			_, err := c.UpdateRecommender(ctx, &personalize.UpdateRecommenderInput{RecommenderArn: &recommender, RecommenderConfig: &types.RecommenderConfig{MinRecommendationRequestsPerSecond: aws.Int32(3)}})
			return err
		}},
		{"StopRecommender", func(t *testing.T) error {
			_, err := c.StopRecommender(ctx, &personalize.StopRecommenderInput{RecommenderArn: &recommender})
			if err != nil {
				return err
			}
			out, err := c.DescribeRecommender(ctx, &personalize.DescribeRecommenderInput{RecommenderArn: &recommender})
			if err == nil && aws.ToString(out.Recommender.Status) != "INACTIVE" {
				t.Errorf("stopped recommender is %s, want INACTIVE", aws.ToString(out.Recommender.Status))
			}
			return err
		}},
		{"StartRecommender", func(t *testing.T) error {
			_, err := c.StartRecommender(ctx, &personalize.StartRecommenderInput{RecommenderArn: &recommender})
			return err
		}},
		{"DeleteRecommender", func(t *testing.T) error {
			_, err := c.DeleteRecommender(ctx, &personalize.DeleteRecommenderInput{RecommenderArn: &recommender})
			return err
		}},
		{"TagResource", func(t *testing.T) error {
			_, err := c.TagResource(ctx, &personalize.TagResourceInput{ResourceArn: &campaign, Tags: []types.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
			return err
		}},
		{"ListTagsForResource", func(t *testing.T) error {
			out, err := c.ListTagsForResource(ctx, &personalize.ListTagsForResourceInput{ResourceArn: &campaign})
			if err == nil {
				one(t, len(out.Tags))
			}
			return err
		}},
		{"UntagResource", func(t *testing.T) error {
			_, err := c.UntagResource(ctx, &personalize.UntagResourceInput{ResourceArn: &campaign, TagKeys: []string{"k"}})
			return err
		}},
		{"DeleteCampaign", func(t *testing.T) error {
			_, err := c.DeleteCampaign(ctx, &personalize.DeleteCampaignInput{CampaignArn: &campaign})
			return err
		}},
		{"DeleteFilter", func(t *testing.T) error {
			_, err := c.DeleteFilter(ctx, &personalize.DeleteFilterInput{FilterArn: &filter})
			return err
		}},
		{"DeleteEventTracker", func(t *testing.T) error {
			_, err := c.DeleteEventTracker(ctx, &personalize.DeleteEventTrackerInput{EventTrackerArn: &tracker})
			return err
		}},
		{"DeleteSolution", func(t *testing.T) error {
			_, err := c.DeleteSolution(ctx, &personalize.DeleteSolutionInput{SolutionArn: &solution})
			return err
		}},
		{"DeleteDataset", func(t *testing.T) error {
			_, err := c.DeleteDataset(ctx, &personalize.DeleteDatasetInput{DatasetArn: &dataset})
			return err
		}},
		{"DeleteSchema", func(t *testing.T) error {
			_, err := c.DeleteSchema(ctx, &personalize.DeleteSchemaInput{SchemaArn: &schema})
			return err
		}},
		{"DeleteDatasetGroup", func(t *testing.T) error {
			_, err := c.DeleteDatasetGroup(ctx, &personalize.DeleteDatasetGroupInput{DatasetGroupArn: &group})
			if err == nil {
				_, err := c.DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: &group})
				checkErr(t, err, "ResourceNotFoundException")
			}
			return err
		}},
	}
	var covered []string
	for _, st := range steps {
		covered = append(covered, st.op)
		t.Run(st.op, func(t *testing.T) {
			if err := st.run(t); err != nil {
				t.Fatalf("%s() = %v", st.op, err)
			}
		})
	}
	served := fakepersonalize.Operations()
	sort.Strings(served)
	sort.Strings(covered)
	if diff := cmp.Diff(served, covered); diff != "" {
		t.Errorf("operations served but not walked here, or walked but not served (-served +walked):\n%s", diff)
	}
}
