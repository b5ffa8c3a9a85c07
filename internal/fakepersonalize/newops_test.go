package fakepersonalize_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/fakepersonalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestDataDeletionJob erases the listed users' records: an export after the
// job no longer has them.
func TestDataDeletionJob(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	ds := f.interactions(group, "events")
	if status, reason := f.imported(ds, "import", f.scene.DataLocation); status != "ACTIVE" {
		t.Fatalf("import settled as %s (%s)", status, reason)
	}
	erase := func(name, csv string) (string, string, *int32) {
		t.Helper()
		out, err := f.c.CreateDataDeletionJob(f.ctx, &personalize.CreateDataDeletionJobInput{JobName: &name, DatasetGroupArn: &group,
			RoleArn: &f.scene.RoleARN, DataSource: &types.DataSource{DataLocation: aws.String(f.put(name+".csv", csv))}})
		if err != nil {
			t.Fatalf("CreateDataDeletionJob(%s) = %v", name, err)
		}
		var num *int32
		status, reason := f.settle(func() (*string, *string, error) {
			d, err := f.c.DescribeDataDeletionJob(f.ctx, &personalize.DescribeDataDeletionJobInput{DataDeletionJobArn: out.DataDeletionJobArn})
			if err != nil {
				return nil, nil, err
			}
			num = d.DataDeletionJob.NumDeleted
			s := aws.ToString(d.DataDeletionJob.Status)
			if s == "COMPLETED" { // settle waits for ACTIVE or *FAILED
				s = "ACTIVE"
			}
			return &s, d.DataDeletionJob.FailureReason, nil
		})
		return status, reason, num
	}
	status, reason, num := erase("erase", "USER_ID\nuser-1\nuser-9\n")
	if status != "ACTIVE" || aws.ToInt32(num) != 2 {
		t.Fatalf("deletion job: %s (%s), numDeleted %d; want COMPLETED with 2 records (user-1 had two)", status, reason, aws.ToInt32(num))
	}
	exp, err := f.c.CreateDatasetExportJob(f.ctx, &personalize.CreateDatasetExportJobInput{JobName: aws.String("after"), DatasetArn: &ds, RoleArn: &f.scene.RoleARN,
		JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: &f.scene.ExportLocation}}})
	if err != nil {
		t.Fatal(err)
	}
	f.mustActive("export", f.describeExport(exp.DatasetExportJobArn))
	bucket, key := personalizetest.ExportObjectKey(f.scene.ExportLocation, "after", "Interactions")
	body, _ := f.get(bucket, key)
	if strings.Contains(body, "user-1") || !strings.Contains(body, "user-2") {
		t.Errorf("export after erasing user-1:\n%s", body)
	}

	tests := []struct{ name, csv, want string }{
		{"no-user-column", "ITEM_ID\nitem-1\n", "USER_ID column"},
		{"not-csv", "USER_ID\n\"unterminated\n", "not valid CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, reason, _ := erase(tt.name, tt.csv)
			if status != "FAILED" || !strings.Contains(reason, tt.want) || strings.Contains(reason, "item-1") {
				t.Errorf("deletion job %s: %s (%q), want FAILED naming %q and no value", tt.name, status, reason, tt.want)
			}
		})
	}
}

// TestBatchSegmentJobOutput writes one usersList per input line.
func TestBatchSegmentJobOutput(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	_, _, version := f.trained("seg")
	input := f.put("segments/items.json", "{\"itemId\":\"item-1\"}\n")
	out, err := f.c.CreateBatchSegmentJob(f.ctx, &personalize.CreateBatchSegmentJobInput{JobName: aws.String("seg"), SolutionVersionArn: &version,
		RoleArn: &f.scene.RoleARN, NumResults: aws.Int32(2),
		JobInput:  &types.BatchSegmentJobInput{S3DataSource: &types.S3DataConfig{Path: &input}},
		JobOutput: &types.BatchSegmentJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String("s3://" + f.scene.Bucket + "/segments/out/")}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.c.DescribeBatchSegmentJob(f.ctx, &personalize.DescribeBatchSegmentJobInput{BatchSegmentJobArn: out.BatchSegmentJobArn})
	if err != nil || aws.ToString(d.BatchSegmentJob.Status) != "ACTIVE" {
		t.Fatalf("DescribeBatchSegmentJob() = %+v, %v", d, err)
	}
	body, _ := f.get(f.scene.Bucket, fakepersonalize.BatchOutputKey("segments/out/", "segments/items.json"))
	var line struct {
		Input  map[string]string `json:"input"`
		Output struct {
			UsersList []string `json:"usersList"`
		} `json:"output"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(body)), &line); err != nil {
		t.Fatalf("output %q: %v", body, err)
	}
	if diff := cmp.Diff([]string{"user-1", "user-2"}, line.Output.UsersList); diff != "" || line.Input["itemId"] != "item-1" {
		t.Errorf("segment output mismatch (input %v) (-want +got):\n%s", line.Input, diff)
	}
}

// TestStopSolutionVersionCreation stops a version in flight; a settled one
// cannot be stopped.
func TestStopSolutionVersionCreation(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	solution := f.solution(group, "sol")
	out, err := f.c.CreateSolutionVersion(f.ctx, &personalize.CreateSolutionVersionInput{SolutionArn: &solution})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.StopSolutionVersionCreation(f.ctx, &personalize.StopSolutionVersionCreationInput{SolutionVersionArn: out.SolutionVersionArn}); err != nil {
		t.Fatalf("StopSolutionVersionCreation() = %v", err)
	}
	var got []string
	for range 3 {
		d, err := f.c.DescribeSolutionVersion(f.ctx, &personalize.DescribeSolutionVersionInput{SolutionVersionArn: out.SolutionVersionArn})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, aws.ToString(d.SolutionVersion.Status))
	}
	if diff := cmp.Diff([]string{"CREATE STOPPING", "CREATE STOPPED", "CREATE STOPPED"}, got); diff != "" {
		t.Errorf("statuses after stopping mismatch (-want +got):\n%s", diff)
	}
	_, err = f.c.StopSolutionVersionCreation(f.ctx, &personalize.StopSolutionVersionCreationInput{SolutionVersionArn: out.SolutionVersionArn})
	checkErr(t, err, "ResourceInUseException")
}

func TestRecommenderLifecycle(t *testing.T) {
	f := newFixture(t)
	plain := f.datasetGroup("plain")
	shop, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("shop"), Domain: types.DomainEcommerce})
	if err != nil {
		t.Fatal(err)
	}
	f.mustActive("shop", f.describeGroup(shop.DatasetGroupArn))
	const forYou = "arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you"
	errs := []struct {
		reason, group, recipe, want string
	}{
		{"a custom dataset group has no recommenders", plain, forYou, "InvalidInputException"},
		{"a recipe of another domain", *shop.DatasetGroupArn, "arn:aws:personalize:::recipe/aws-vod-top-picks", "InvalidInputException"},
		{"an unknown recipe", *shop.DatasetGroupArn, "arn:aws:personalize:::recipe/none", "ResourceNotFoundException"},
	}
	for _, tt := range errs {
		t.Run(tt.reason, func(t *testing.T) {
			_, err := f.c.CreateRecommender(f.ctx, &personalize.CreateRecommenderInput{Name: aws.String("r"), DatasetGroupArn: &tt.group, RecipeArn: &tt.recipe})
			checkErr(t, err, tt.want)
		})
	}
	out, err := f.c.CreateRecommender(f.ctx, &personalize.CreateRecommenderInput{Name: aws.String("r"), DatasetGroupArn: shop.DatasetGroupArn, RecipeArn: aws.String(forYou)})
	if err != nil {
		t.Fatal(err)
	}
	status := func() string {
		d, err := f.c.DescribeRecommender(f.ctx, &personalize.DescribeRecommenderInput{RecommenderArn: out.RecommenderArn})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(d.Recommender.Status)
	}
	_, err = f.c.StartRecommender(f.ctx, &personalize.StartRecommenderInput{RecommenderArn: out.RecommenderArn})
	checkErr(t, err, "ResourceInUseException")
	var got []string
	for range 2 {
		got = append(got, status())
	}
	if _, err := f.c.StopRecommender(f.ctx, &personalize.StopRecommenderInput{RecommenderArn: out.RecommenderArn}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got = append(got, status())
	}
	_, err = f.c.StopRecommender(f.ctx, &personalize.StopRecommenderInput{RecommenderArn: out.RecommenderArn})
	checkErr(t, err, "ResourceInUseException")
	if _, err := f.c.StartRecommender(f.ctx, &personalize.StartRecommenderInput{RecommenderArn: out.RecommenderArn}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		got = append(got, status())
	}
	want := []string{"CREATE IN_PROGRESS", "ACTIVE", "STOP IN_PROGRESS", "INACTIVE", "START IN_PROGRESS", "ACTIVE"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recommender statuses mismatch (-want +got):\n%s", diff)
	}
	_, err = f.c.DeleteDatasetGroup(f.ctx, &personalize.DeleteDatasetGroupInput{DatasetGroupArn: shop.DatasetGroupArn})
	checkErr(t, err, "ResourceInUseException")
}

func TestMetricAttributionRules(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	group := f.datasetGroup("group")
	metric := func(name string) types.MetricAttribute {
		return types.MetricAttribute{EventType: aws.String("click"), MetricName: aws.String(name), Expression: aws.String("SAMPLECOUNT()")}
	}
	create := func(name string, metrics ...types.MetricAttribute) (*personalize.CreateMetricAttributionOutput, error) {
		return f.c.CreateMetricAttribution(f.ctx, &personalize.CreateMetricAttributionInput{Name: &name, DatasetGroupArn: &group, Metrics: metrics,
			MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: &f.scene.RoleARN}})
	}
	_, err := create("dup", metric("clicks"), metric("clicks"))
	checkErr(t, err, "InvalidInputException")
	out, err := create("m", metric("clicks"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = create("second", metric("views"))
	checkErr(t, err, "ResourceAlreadyExistsException")
	_, err = f.c.UpdateMetricAttribution(f.ctx, &personalize.UpdateMetricAttributionInput{MetricAttributionArn: out.MetricAttributionArn, RemoveMetrics: []string{"absent"}})
	checkErr(t, err, "InvalidInputException")
	_, err = f.c.UpdateMetricAttribution(f.ctx, &personalize.UpdateMetricAttributionInput{MetricAttributionArn: out.MetricAttributionArn, AddMetrics: []types.MetricAttribute{metric("clicks")}})
	checkErr(t, err, "InvalidInputException")
	_, err = f.c.ListMetricAttributionMetrics(f.ctx, &personalize.ListMetricAttributionMetricsInput{MetricAttributionArn: aws.String("arn:aws:personalize:us-east-1:111122223333:metric-attribution/none")})
	// ListMetricAttributionMetrics declares no ResourceNotFoundException.
	checkErr(t, err, "InvalidInputException")
}

func TestUpdateDatasetNeedsAFittingSchema(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	group := f.datasetGroup("group")
	ds := f.interactions(group, "events")
	items := f.schema("items", `{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema","fields":[{"name":"ITEM_ID","type":"string"}],"version":"1.0"}`)
	_, err := f.c.UpdateDataset(f.ctx, &personalize.UpdateDatasetInput{DatasetArn: &ds, SchemaArn: &items})
	checkErr(t, err, "InvalidInputException")
	_, err = f.c.UpdateDataset(f.ctx, &personalize.UpdateDatasetInput{DatasetArn: &ds, SchemaArn: aws.String("arn:aws:personalize:us-east-1:111122223333:schema/none")})
	checkErr(t, err, "ResourceNotFoundException")
}

func TestRecipeCatalog(t *testing.T) {
	f := newFixture(t)
	var names []string
	p := personalize.NewListRecipesPaginator(f.c, &personalize.ListRecipesInput{Domain: types.DomainEcommerce, MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Recipes {
			names = append(names, aws.ToString(r.Name))
		}
	}
	want := []string{"aws-ecomm-customers-who-viewed-x-also-viewed", "aws-ecomm-frequently-bought-together",
		"aws-ecomm-popular-items-by-purchases", "aws-ecomm-popular-items-by-views", "aws-ecomm-recommended-for-you"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("ListRecipes(ECOMMERCE) mismatch (-want +got):\n%s", diff)
	}
	for _, arn := range []string{"arn:aws:personalize:::algorithm/none", "arn:aws:personalize:::feature-transformation/none"} {
		_, err := f.c.DescribeAlgorithm(f.ctx, &personalize.DescribeAlgorithmInput{AlgorithmArn: &arn})
		checkErr(t, err, "ResourceNotFoundException")
		_, err = f.c.DescribeFeatureTransformation(f.ctx, &personalize.DescribeFeatureTransformationInput{FeatureTransformationArn: &arn})
		checkErr(t, err, "ResourceNotFoundException")
	}
}
