package fakepersonalize_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func (f *fixture) put(key, body string) string {
	f.t.Helper()
	if _, err := f.s3.PutObject(f.ctx, &s3.PutObjectInput{Bucket: &f.scene.Bucket, Key: &key, Body: strings.NewReader(body)}); err != nil {
		f.t.Fatalf("PutObject(%s) = %v", key, err)
	}
	return "s3://" + f.scene.Bucket + "/" + key
}

func (f *fixture) get(bucket, key string) (string, *s3.GetObjectOutput) {
	f.t.Helper()
	out, err := f.s3.GetObject(f.ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		f.t.Fatalf("GetObject(%s/%s) = %v", bucket, key, err)
	}
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	return string(b), out
}

func TestCreateDatasetImportJob(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	ds := f.interactions(group, "events")
	pendingGroup := f.datasetGroup("other")
	schema := f.schema("other-schema", personalizetest.InteractionsSchema)
	pending, err := f.c.CreateDataset(f.ctx, &personalize.CreateDatasetInput{Name: aws.String("pending"), DatasetGroupArn: &pendingGroup, DatasetType: aws.String("Interactions"), SchemaArn: &schema})
	if err != nil {
		t.Fatal(err)
	}
	in := func(job, dataset, location string) *personalize.CreateDatasetImportJobInput {
		return &personalize.CreateDatasetImportJobInput{JobName: &job, DatasetArn: &dataset, DataSource: &types.DataSource{DataLocation: &location}, RoleArn: &f.scene.RoleARN}
	}
	tests := []struct {
		reason  string
		in      *personalize.CreateDatasetImportJobInput
		wantErr string
	}{
		{reason: "from the scene", in: in("import", ds, f.scene.DataLocation)},
		{reason: "another job on the same dataset while one runs", in: in("second", ds, f.scene.DataLocation), wantErr: "ResourceInUseException"},
		{reason: "duplicate job name", in: in("import", ds, f.scene.DataLocation), wantErr: "ResourceAlreadyExistsException"},
		{reason: "dataset not active", in: in("p", aws.ToString(pending.DatasetArn), f.scene.DataLocation), wantErr: "ResourceInUseException"},
		{reason: "unknown dataset", in: in("u", "arn:aws:personalize:us-east-1:111122223333:dataset/none/INTERACTIONS", f.scene.DataLocation), wantErr: "ResourceNotFoundException"},
		{reason: "bucket that does not exist", in: in("b", ds, "s3://no-such-bucket/data.csv"), wantErr: "InvalidInputException"},
		{reason: "https URL", in: in("h", ds, "https://example.com/data.csv"), wantErr: "InvalidInputException"},
		{reason: "not a URL", in: in("n", ds, "personalizetest-data/interactions.csv"), wantErr: "InvalidInputException"},
		{reason: "location over 256 characters", in: in("l", ds, "s3://personalizetest-data/"+strings.Repeat("k", 240)), wantErr: "InvalidInputException"},
		{reason: "malformed role", in: func() *personalize.CreateDatasetImportJobInput {
			v := in("r", ds, f.scene.DataLocation)
			v.RoleArn = aws.String("arn:aws:iam::111122223333:user/me")
			return v
		}(), wantErr: "InvalidInputException"},
		{reason: "unknown import mode", in: func() *personalize.CreateDatasetImportJobInput {
			v := in("m", ds, f.scene.DataLocation)
			v.ImportMode = "PARTIAL"
			return v
		}(), wantErr: "InvalidInputException"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			out, err := f.c.CreateDatasetImportJob(f.ctx, tt.in)
			if tt.wantErr != "" {
				checkErr(t, err, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("CreateDatasetImportJob() = %v", err)
			}
			if want := "arn:aws:personalize:us-east-1:111122223333:dataset-import-job/" + *tt.in.JobName; aws.ToString(out.DatasetImportJobArn) != want {
				t.Errorf("DatasetImportJobArn = %s, want %s", aws.ToString(out.DatasetImportJobArn), want)
			}
		})
	}
}

func TestImportJobOutcomes(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	ds := f.interactions(group, "events")
	// Objects and folder are created before the jobs run: imports read S3 when
	// they settle, not when they are created.
	f.put("folder/part-1.csv", "USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1\n")
	f.put("folder/part-2.csv", "ITEM_ID,USER_ID,TIMESTAMP\ni2,u2,2\n")
	tests := []struct {
		reason     string
		location   string
		wantStatus string
		wantReason string
	}{
		{"the scene's CSV", f.scene.DataLocation, "ACTIVE", ""},
		{"a folder of CSVs, columns in any order", "s3://" + f.scene.Bucket + "/folder/", "ACTIVE", ""},
		{"missing object", "s3://" + f.scene.Bucket + "/missing.csv", "CREATE FAILED", "Input data not found"},
		{"empty folder", "s3://" + f.scene.Bucket + "/nothing/", "CREATE FAILED", "Input data not found"},
		{"empty object", f.put("empty.csv", ""), "CREATE FAILED", "empty"},
		{"header only", f.put("header.csv", "USER_ID,ITEM_ID,TIMESTAMP\n"), "CREATE FAILED", "no records"},
		{"missing required column", f.put("nots.csv", "USER_ID,ITEM_ID\nu,i\n"), "CREATE FAILED", "missing the required column TIMESTAMP"},
		{"column not in the schema", f.put("extra.csv", "USER_ID,ITEM_ID,TIMESTAMP,EMAIL\nu,i,1,jane@example.com\n"), "CREATE FAILED", "does not declare: EMAIL"},
		{"ragged rows", f.put("ragged.csv", "USER_ID,ITEM_ID,TIMESTAMP\nu,i\n"), "CREATE FAILED", "not valid CSV at line 2"},
	}
	for i, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			status, reason := f.imported(ds, "job-"+string(rune('a'+i)), tt.location)
			if status != tt.wantStatus || !strings.Contains(reason, tt.wantReason) {
				t.Errorf("import settled as %s (%q), want %s containing %q", status, reason, tt.wantStatus, tt.wantReason)
			}
			if strings.Contains(reason, "jane@example.com") {
				t.Errorf("failure reason %q repeats a data value", reason)
			}
		})
	}
}

func TestDescribeAndListDatasetImportJobs(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 2 })
	group := f.datasetGroup("group")
	ds := f.interactions(group, "events")
	out, err := f.c.CreateDatasetImportJob(f.ctx, &personalize.CreateDatasetImportJobInput{
		JobName: aws.String("described"), DatasetArn: &ds, DataSource: &types.DataSource{DataLocation: &f.scene.DataLocation},
		RoleArn: &f.scene.RoleARN, ImportMode: types.ImportModeIncremental, PublishAttributionMetricsToS3: aws.Bool(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	var last *types.DatasetImportJob
	for range 2 {
		d, err := f.c.DescribeDatasetImportJob(f.ctx, &personalize.DescribeDatasetImportJobInput{DatasetImportJobArn: out.DatasetImportJobArn})
		if err != nil {
			t.Fatalf("DescribeDatasetImportJob() = %v", err)
		}
		statuses = append(statuses, aws.ToString(d.DatasetImportJob.Status))
		last = d.DatasetImportJob
	}
	if diff := cmp.Diff([]string{"CREATE IN_PROGRESS", "ACTIVE"}, statuses); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	got := []string{aws.ToString(last.JobName), aws.ToString(last.DatasetArn), aws.ToString(last.DataSource.DataLocation), aws.ToString(last.RoleArn), string(last.ImportMode)}
	if diff := cmp.Diff([]string{"described", ds, f.scene.DataLocation, f.scene.RoleARN, "INCREMENTAL"}, got); diff != "" {
		t.Errorf("DescribeDatasetImportJob mismatch (-want +got):\n%s", diff)
	}
	if last.PublishAttributionMetricsToS3 == nil || *last.PublishAttributionMetricsToS3 {
		t.Errorf("PublishAttributionMetricsToS3 = %v, want false as given", last.PublishAttributionMetricsToS3)
	}

	list, err := f.c.ListDatasetImportJobs(f.ctx, &personalize.ListDatasetImportJobsInput{DatasetArn: &ds})
	if err != nil {
		t.Fatalf("ListDatasetImportJobs() = %v", err)
	}
	if len(list.DatasetImportJobs) != 1 || aws.ToString(list.DatasetImportJobs[0].Status) != "ACTIVE" || list.DatasetImportJobs[0].ImportMode != types.ImportModeIncremental {
		t.Errorf("ListDatasetImportJobs() = %+v", list.DatasetImportJobs)
	}
	_, err = f.c.DescribeDatasetImportJob(f.ctx, &personalize.DescribeDatasetImportJobInput{DatasetImportJobArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-import-job/none")})
	checkErr(t, err, "ResourceNotFoundException")
}

func (f *fixture) describeExport(arn *string) func() (*string, *string, error) {
	return func() (*string, *string, error) {
		d, err := f.c.DescribeDatasetExportJob(f.ctx, &personalize.DescribeDatasetExportJobInput{DatasetExportJobArn: arn})
		if err != nil {
			return nil, nil, err
		}
		return d.DatasetExportJob.Status, d.DatasetExportJob.FailureReason, nil
	}
}

func TestDatasetExportJob(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	ds := f.interactions(group, "events")
	if status, reason := f.imported(ds, "import", f.scene.DataLocation); status != "ACTIVE" {
		t.Fatalf("import settled as %s (%s)", status, reason)
	}
	out, err := f.c.CreateDatasetExportJob(f.ctx, &personalize.CreateDatasetExportJobInput{
		JobName: aws.String("export"), DatasetArn: &ds, RoleArn: &f.scene.RoleARN,
		JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: &f.scene.ExportLocation, KmsKeyArn: &f.scene.KeyARN}},
	})
	if err != nil {
		t.Fatalf("CreateDatasetExportJob() = %v", err)
	}
	f.mustActive("export", f.describeExport(out.DatasetExportJobArn))

	bucket, key := personalizetest.ExportObjectKey(f.scene.ExportLocation, "export", "Interactions")
	body, obj := f.get(bucket, key)
	if diff := cmp.Diff(personalizetest.InteractionsCSV, body); diff != "" {
		t.Errorf("exported CSV mismatch (-want +got):\n%s", diff)
	}
	if obj.ServerSideEncryption != "aws:kms" || aws.ToString(obj.SSEKMSKeyId) != f.scene.KeyARN {
		t.Errorf("export encryption = %s %s, want aws:kms with the job's key", obj.ServerSideEncryption, aws.ToString(obj.SSEKMSKeyId))
	}

	d, err := f.c.DescribeDatasetExportJob(f.ctx, &personalize.DescribeDatasetExportJobInput{DatasetExportJobArn: out.DatasetExportJobArn})
	if err != nil {
		t.Fatal(err)
	}
	j := d.DatasetExportJob
	got := []string{aws.ToString(j.JobName), aws.ToString(j.DatasetArn), aws.ToString(j.RoleArn), string(j.IngestionMode), aws.ToString(j.JobOutput.S3DataDestination.Path), aws.ToString(j.JobOutput.S3DataDestination.KmsKeyArn)}
	if diff := cmp.Diff([]string{"export", ds, f.scene.RoleARN, "ALL", f.scene.ExportLocation, f.scene.KeyARN}, got); diff != "" {
		t.Errorf("DescribeDatasetExportJob mismatch (-want +got):\n%s", diff)
	}
	list, err := f.c.ListDatasetExportJobs(f.ctx, &personalize.ListDatasetExportJobsInput{DatasetArn: &ds})
	if err != nil || len(list.DatasetExportJobs) != 1 || aws.ToString(list.DatasetExportJobs[0].JobName) != "export" {
		t.Errorf("ListDatasetExportJobs() = %+v, %v", list, err)
	}

	// PUT ingestion exports only PutEvents data, of which there is none.
	put, err := f.c.CreateDatasetExportJob(f.ctx, &personalize.CreateDatasetExportJobInput{
		JobName: aws.String("export-put"), DatasetArn: &ds, RoleArn: &f.scene.RoleARN, IngestionMode: types.IngestionModePut,
		JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String("s3://" + f.scene.Bucket + "/put")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.mustActive("PUT export", f.describeExport(put.DatasetExportJobArn))
	if body, obj := f.get(f.scene.Bucket, "put/export-put/interactions_part_00000.csv"); body != "USER_ID,ITEM_ID,TIMESTAMP\n" || aws.ToString(obj.SSEKMSKeyId) != f.scene.KeyARN {
		t.Errorf("PUT export = %q with key %s, want a header only, under the bucket's default key", body, aws.ToString(obj.SSEKMSKeyId))
	}
}

func TestCreateDatasetExportJobErrors(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	ds := f.interactions(group, "events")
	in := func(name, path string, key *string) *personalize.CreateDatasetExportJobInput {
		return &personalize.CreateDatasetExportJobInput{JobName: &name, DatasetArn: &ds, RoleArn: &f.scene.RoleARN,
			JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: &path, KmsKeyArn: key}}}
	}
	tests := []struct {
		reason string
		in     *personalize.CreateDatasetExportJobInput
		want   string
	}{
		{"missing bucket", in("a", "s3://nowhere/export/", nil), "InvalidInputException"},
		{"unknown key", in("b", f.scene.ExportLocation, aws.String("arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000")), "InvalidInputException"},
		{"http destination", in("c", "http://example.com/export/", nil), "InvalidInputException"},
		{"unknown dataset", func() *personalize.CreateDatasetExportJobInput {
			v := in("d", f.scene.ExportLocation, nil)
			v.DatasetArn = aws.String("arn:aws:personalize:us-east-1:111122223333:dataset/none/ITEMS")
			return v
		}(), "ResourceNotFoundException"},
		{"unknown ingestion mode", func() *personalize.CreateDatasetExportJobInput {
			v := in("e", f.scene.ExportLocation, nil)
			v.IngestionMode = "SOME"
			return v
		}(), "InvalidInputException"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			_, err := f.c.CreateDatasetExportJob(f.ctx, tt.in)
			checkErr(t, err, tt.want)
		})
	}
	// roleArn is required; the SDK checks that too, so send it raw.
	status, typ, _ := raw(t, f.srv, "CreateDatasetExportJob", `{"jobName":"raw","datasetArn":"`+ds+`","jobOutput":{"s3DataDestination":{"path":"`+f.scene.ExportLocation+`"}}}`)
	if status != 400 || typ != "InvalidInputException" {
		t.Errorf("CreateDatasetExportJob without roleArn = %d %s, want 400 InvalidInputException", status, typ)
	}
}

func (f *fixture) describeBatch(arn *string) func() (*string, *string, error) {
	return func() (*string, *string, error) {
		d, err := f.c.DescribeBatchInferenceJob(f.ctx, &personalize.DescribeBatchInferenceJobInput{BatchInferenceJobArn: arn})
		if err != nil {
			return nil, nil, err
		}
		return d.BatchInferenceJob.Status, d.BatchInferenceJob.FailureReason, nil
	}
}

func TestBatchInferenceJob(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 2 })
	_, _, version := f.trained("batch")
	input := f.put("batch/users.json", "{\"userId\":\"user-1\"}\n{\"userId\":\"user-2\"}\nnot json\n")
	output := "s3://" + f.scene.Bucket + "/batch-out/"
	out, err := f.c.CreateBatchInferenceJob(f.ctx, &personalize.CreateBatchInferenceJobInput{
		JobName: aws.String("batch"), SolutionVersionArn: &version, RoleArn: &f.scene.RoleARN, NumResults: aws.Int32(2),
		JobInput:                &types.BatchInferenceJobInput{S3DataSource: &types.S3DataConfig{Path: &input, KmsKeyArn: &f.scene.KeyARN}},
		JobOutput:               &types.BatchInferenceJobOutput{S3DataDestination: &types.S3DataConfig{Path: &output, KmsKeyArn: &f.scene.KeyARN}},
		BatchInferenceJobConfig: &types.BatchInferenceJobConfig{ItemExplorationConfig: map[string]string{"explorationWeight": "0.3"}},
	})
	if err != nil {
		t.Fatalf("CreateBatchInferenceJob() = %v", err)
	}
	var statuses []string
	for range 2 {
		status, _, err := f.describeBatch(out.BatchInferenceJobArn)()
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, aws.ToString(status))
	}
	if diff := cmp.Diff([]string{"IN PROGRESS", "ACTIVE"}, statuses); diff != "" {
		t.Errorf("batch statuses mismatch (-want +got):\n%s", diff)
	}
	bucket, key := personalizetest.BatchOutputKey(output, input)
	body, obj := f.get(bucket, key)
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 3 {
		t.Fatalf("batch output has %d lines, want 3: %q", len(lines), body)
	}
	var first struct {
		Input  map[string]string
		Output struct{ RecommendedItems []string }
		Error  *string
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Input["userId"] != "user-1" || len(first.Output.RecommendedItems) != 2 || first.Error != nil {
		t.Errorf("first output line = %+v, want user-1 with 2 items", first)
	}
	if !strings.Contains(lines[2], `"error":"Invalid input record`) {
		t.Errorf("third output line = %s, want an error for the malformed record", lines[2])
	}
	if aws.ToString(obj.SSEKMSKeyId) != f.scene.KeyARN {
		t.Errorf("batch output key = %s, want the job's key", aws.ToString(obj.SSEKMSKeyId))
	}

	d, err := f.c.DescribeBatchInferenceJob(f.ctx, &personalize.DescribeBatchInferenceJobInput{BatchInferenceJobArn: out.BatchInferenceJobArn})
	if err != nil {
		t.Fatal(err)
	}
	j := d.BatchInferenceJob
	got := []string{aws.ToString(j.JobName), aws.ToString(j.SolutionVersionArn), aws.ToString(j.RoleArn), string(j.BatchInferenceJobMode),
		aws.ToString(j.JobInput.S3DataSource.Path), aws.ToString(j.JobOutput.S3DataDestination.KmsKeyArn), j.BatchInferenceJobConfig.ItemExplorationConfig["explorationWeight"]}
	want := []string{"batch", version, f.scene.RoleARN, "BATCH_INFERENCE", input, f.scene.KeyARN, "0.3"}
	if diff := cmp.Diff(want, got); diff != "" || aws.ToInt32(j.NumResults) != 2 {
		t.Errorf("DescribeBatchInferenceJob mismatch (NumResults %d) (-want +got):\n%s", aws.ToInt32(j.NumResults), diff)
	}
	list, err := f.c.ListBatchInferenceJobs(f.ctx, &personalize.ListBatchInferenceJobsInput{SolutionVersionArn: &version})
	if err != nil || len(list.BatchInferenceJobs) != 1 || aws.ToString(list.BatchInferenceJobs[0].Status) != "ACTIVE" {
		t.Errorf("ListBatchInferenceJobs() = %+v, %v", list, err)
	}
}

func TestBatchInferenceJobErrors(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	_, _, version := f.trained("errors")
	input := f.put("in/users.json", "{\"userId\":\"u\"}\n")
	output := "s3://" + f.scene.Bucket + "/out/"
	in := func(name, inPath, outPath string) *personalize.CreateBatchInferenceJobInput {
		return &personalize.CreateBatchInferenceJobInput{JobName: &name, SolutionVersionArn: &version, RoleArn: &f.scene.RoleARN,
			JobInput:  &types.BatchInferenceJobInput{S3DataSource: &types.S3DataConfig{Path: &inPath}},
			JobOutput: &types.BatchInferenceJobOutput{S3DataDestination: &types.S3DataConfig{Path: &outPath}}}
	}
	tests := []struct {
		reason string
		in     *personalize.CreateBatchInferenceJobInput
		want   string
	}{
		{"missing input bucket", in("a", "s3://nowhere/in.json", output), "InvalidInputException"},
		{"missing output bucket", in("b", input, "s3://nowhere/out/"), "InvalidInputException"},
		{"unknown filter", func() *personalize.CreateBatchInferenceJobInput {
			v := in("c", input, output)
			v.FilterArn = aws.String("arn:aws:personalize:us-east-1:111122223333:filter/none")
			return v
		}(), "ResourceNotFoundException"},
		{"unknown solution version", func() *personalize.CreateBatchInferenceJobInput {
			v := in("d", input, output)
			v.SolutionVersionArn = aws.String("arn:aws:personalize:us-east-1:111122223333:solution/none/abcd")
			return v
		}(), "ResourceNotFoundException"},
		{"theme generation without its config", func() *personalize.CreateBatchInferenceJobInput {
			v := in("e", input, output)
			v.BatchInferenceJobMode = types.BatchInferenceJobModeThemeGeneration
			return v
		}(), "InvalidInputException"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			_, err := f.c.CreateBatchInferenceJob(f.ctx, tt.in)
			checkErr(t, err, tt.want)
		})
	}
	// The model sets no range on numResults (issue 12): 0 is AWS's to judge
	// later, not a validation error.
	zero := in("zero-results", input, output)
	zero.NumResults = aws.Int32(0)
	if _, err := f.c.CreateBatchInferenceJob(f.ctx, zero); err != nil {
		t.Errorf("CreateBatchInferenceJob(NumResults 0) = %v, want success", err)
	}
	missing, err := f.c.CreateBatchInferenceJob(f.ctx, in("missing-input", "s3://"+f.scene.Bucket+"/in/none.json", output))
	if err != nil {
		t.Fatal(err)
	}
	if status, reason := f.settle(f.describeBatch(missing.BatchInferenceJobArn)); status != "CREATE FAILED" || !strings.Contains(reason, "not found") {
		t.Errorf("batch job without input settled as %s (%s), want CREATE FAILED", status, reason)
	}
}

func TestExportFailsWhenKeyIsDisabledMeanwhile(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	ds := f.interactions(group, "events")
	if status, reason := f.imported(ds, "import", f.scene.DataLocation); status != "ACTIVE" {
		t.Fatalf("import settled as %s (%s)", status, reason)
	}
	out, err := f.c.CreateDatasetExportJob(f.ctx, &personalize.CreateDatasetExportJobInput{
		JobName: aws.String("export"), DatasetArn: &ds, RoleArn: &f.scene.RoleARN,
		JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: &f.scene.ExportLocation, KmsKeyArn: &f.scene.KeyARN}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kms.NewFromConfig(f.srv.Config()).DisableKey(f.ctx, &kms.DisableKeyInput{KeyId: &f.scene.KeyARN}); err != nil {
		t.Fatal(err)
	}
	status, reason := f.settle(f.describeExport(out.DatasetExportJobArn))
	if status != "CREATE FAILED" || !strings.Contains(reason, "(KMS.DisabledException)") || strings.Contains(reason, "fakes3") {
		t.Errorf("export settled as %s (%q), want CREATE FAILED naming KMS.DisabledException", status, reason)
	}
}
