package fakepersonalize_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// fixture is a Server with a seeded scene and clients for it. The tests run
// against the real SDK clients over TLS, through personalizetest.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	srv   *personalizetest.Server
	c     *personalize.Client
	s3    *s3.Client
	scene personalizetest.Scene
}

func newFixture(t *testing.T, opts ...func(*personalizetest.Options)) *fixture {
	t.Helper()
	s := personalizetest.New(t, opts...)
	ctx := context.Background()
	sc, err := s.SeedScene(ctx)
	if err != nil {
		t.Fatalf("SeedScene() = %v", err)
	}
	cfg := s.Config()
	return &fixture{t: t, ctx: ctx, srv: s, c: personalize.NewFromConfig(cfg), s3: s3.NewFromConfig(cfg), scene: sc}
}

// settle calls describe until the status is final and returns it with the
// failure reason. Status moves only on Describe calls.
func (f *fixture) settle(describe func() (status, reason *string, err error)) (string, string) {
	f.t.Helper()
	for range 20 {
		status, reason, err := describe()
		if err != nil {
			f.t.Fatalf("describe while settling: %v", err)
		}
		switch s := aws.ToString(status); {
		case s == "ACTIVE", strings.HasSuffix(s, "FAILED"):
			return s, aws.ToString(reason)
		}
	}
	f.t.Fatalf("status did not settle after 20 Describe calls")
	return "", ""
}

func (f *fixture) mustActive(what string, describe func() (status, reason *string, err error)) {
	f.t.Helper()
	if status, reason := f.settle(describe); status != "ACTIVE" {
		f.t.Fatalf("%s settled as %s (%s), want ACTIVE", what, status, reason)
	}
}

func (f *fixture) datasetGroup(name string) string {
	f.t.Helper()
	out, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: &name})
	if err != nil {
		f.t.Fatalf("CreateDatasetGroup(%s) = %v", name, err)
	}
	f.mustActive("dataset group "+name, f.describeGroup(out.DatasetGroupArn))
	return aws.ToString(out.DatasetGroupArn)
}

func (f *fixture) describeGroup(arn *string) func() (*string, *string, error) {
	return func() (*string, *string, error) {
		d, err := f.c.DescribeDatasetGroup(f.ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: arn})
		if err != nil {
			return nil, nil, err
		}
		return d.DatasetGroup.Status, d.DatasetGroup.FailureReason, nil
	}
}

func (f *fixture) schema(name, text string) string {
	f.t.Helper()
	out, err := f.c.CreateSchema(f.ctx, &personalize.CreateSchemaInput{Name: &name, Schema: &text})
	if err != nil {
		f.t.Fatalf("CreateSchema(%s) = %v", name, err)
	}
	return aws.ToString(out.SchemaArn)
}

// interactions creates an ACTIVE Interactions dataset in group.
func (f *fixture) interactions(group, name string) string {
	f.t.Helper()
	schema := f.schema(name+"-schema", personalizetest.InteractionsSchema)
	out, err := f.c.CreateDataset(f.ctx, &personalize.CreateDatasetInput{Name: &name, DatasetGroupArn: &group, DatasetType: aws.String("Interactions"), SchemaArn: &schema})
	if err != nil {
		f.t.Fatalf("CreateDataset(%s) = %v", name, err)
	}
	f.mustActive("dataset "+name, f.describeDataset(out.DatasetArn))
	return aws.ToString(out.DatasetArn)
}

func (f *fixture) describeDataset(arn *string) func() (*string, *string, error) {
	return func() (*string, *string, error) {
		d, err := f.c.DescribeDataset(f.ctx, &personalize.DescribeDatasetInput{DatasetArn: arn})
		if err != nil {
			return nil, nil, err
		}
		return d.Dataset.Status, nil, nil
	}
}

func (f *fixture) describeImport(arn *string) func() (*string, *string, error) {
	return func() (*string, *string, error) {
		d, err := f.c.DescribeDatasetImportJob(f.ctx, &personalize.DescribeDatasetImportJobInput{DatasetImportJobArn: arn})
		if err != nil {
			return nil, nil, err
		}
		return d.DatasetImportJob.Status, d.DatasetImportJob.FailureReason, nil
	}
}

// imported imports location into dataset and waits for the job.
func (f *fixture) imported(dataset, job, location string) (status, reason string) {
	f.t.Helper()
	out, err := f.c.CreateDatasetImportJob(f.ctx, &personalize.CreateDatasetImportJobInput{
		JobName: &job, DatasetArn: &dataset, DataSource: &types.DataSource{DataLocation: &location}, RoleArn: &f.scene.RoleARN,
	})
	if err != nil {
		f.t.Fatalf("CreateDatasetImportJob(%s) = %v", job, err)
	}
	return f.settle(f.describeImport(out.DatasetImportJobArn))
}

func (f *fixture) solution(group, name string) string {
	f.t.Helper()
	out, err := f.c.CreateSolution(f.ctx, &personalize.CreateSolutionInput{Name: &name, DatasetGroupArn: &group, RecipeArn: aws.String(userPersonalization)})
	if err != nil {
		f.t.Fatalf("CreateSolution(%s) = %v", name, err)
	}
	f.mustActive("solution "+name, func() (*string, *string, error) {
		d, err := f.c.DescribeSolution(f.ctx, &personalize.DescribeSolutionInput{SolutionArn: out.SolutionArn})
		if err != nil {
			return nil, nil, err
		}
		return d.Solution.Status, nil, nil
	})
	return aws.ToString(out.SolutionArn)
}

func (f *fixture) describeVersion(arn *string) func() (*string, *string, error) {
	return func() (*string, *string, error) {
		d, err := f.c.DescribeSolutionVersion(f.ctx, &personalize.DescribeSolutionVersionInput{SolutionVersionArn: arn})
		if err != nil {
			return nil, nil, err
		}
		return d.SolutionVersion.Status, d.SolutionVersion.FailureReason, nil
	}
}

// trained returns an ACTIVE solution version in a group with imported data:
// the chain every campaign and batch test needs.
func (f *fixture) trained(prefix string) (group, solution, version string) {
	f.t.Helper()
	group = f.datasetGroup(prefix + "-group")
	ds := f.interactions(group, prefix+"-interactions")
	if status, reason := f.imported(ds, prefix+"-import", f.scene.DataLocation); status != "ACTIVE" {
		f.t.Fatalf("import settled as %s (%s)", status, reason)
	}
	solution = f.solution(group, prefix+"-solution")
	out, err := f.c.CreateSolutionVersion(f.ctx, &personalize.CreateSolutionVersionInput{SolutionArn: &solution})
	if err != nil {
		f.t.Fatalf("CreateSolutionVersion() = %v", err)
	}
	f.mustActive("solution version", f.describeVersion(out.SolutionVersionArn))
	return group, solution, aws.ToString(out.SolutionVersionArn)
}

const userPersonalization = "arn:aws:personalize:::recipe/aws-user-personalization"

// checkErr asserts that err is the API error code and, for the codes the
// SDK models, that errors.As finds the SDK's own type.
func checkErr(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
		t.Errorf("error = %v, want %s", err, code)
		return
	}
	typed := map[string]func() bool{
		"ResourceNotFoundException":      func() bool { return isErr[*types.ResourceNotFoundException](err) },
		"ResourceAlreadyExistsException": func() bool { return isErr[*types.ResourceAlreadyExistsException](err) },
		"InvalidInputException":          func() bool { return isErr[*types.InvalidInputException](err) },
		"ResourceInUseException":         func() bool { return isErr[*types.ResourceInUseException](err) },
		"InvalidNextTokenException":      func() bool { return isErr[*types.InvalidNextTokenException](err) },
		"TooManyTagsException":           func() bool { return isErr[*types.TooManyTagsException](err) },
		"TooManyTagKeysException":        func() bool { return isErr[*types.TooManyTagKeysException](err) },
		"LimitExceededException":         func() bool { return isErr[*types.LimitExceededException](err) },
	}
	if is, ok := typed[code]; ok && !is() {
		t.Errorf("error %v: errors.As does not find the SDK's %s type (the operation does not model it?)", err, code)
	}
}

func isErr[T error](err error) bool {
	var target T
	return errors.As(err, &target)
}

// raw sends a request the SDK's own validators would stop, to test the
// server-side checks. It returns the status, __type and message.
func raw(t *testing.T, s *personalizetest.Server, op, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if op != "" {
		req.Header.Set("X-Amz-Target", "AmazonPersonalize."+op)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("raw %s: %v", op, err)
	}
	defer resp.Body.Close()
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.Type, e.Message
}
