package personalize_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func newAuditLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, nil))
}

// auditEvent is the audit record as JSON; fields absent from an event stay
// zero.
type auditEvent struct {
	Operation  string        `json:"operation"`
	Outcome    string        `json:"outcome"`
	Rule       string        `json:"rule"`
	Field      string        `json:"field"`
	Findings   []string      `json:"findings"`
	Safeguards []string      `json:"safeguards"`
	ErrorCode  string        `json:"error_code"`
	ReportOnly []string      `json:"report_only"`
	RequestID  string        `json:"request_id"`
	Duration   time.Duration `json:"duration"`
}

func parseAudit(t *testing.T, log string) []auditEvent {
	t.Helper()
	var out []auditEvent
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if line == "" {
			continue
		}
		var e struct {
			Msg string `json:"msg"`
			auditEvent
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		if e.Msg == "personalize call" {
			out = append(out, e.auditEvent)
		}
	}
	return out
}

// createDatasetAndSchema creates the Interactions schema and dataset of a
// dataset group, through client.
func createDatasetAndSchema(ctx context.Context, client *sdk.Client, group string) (string, error) {
	schema, err := client.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String(group + "-interactions"), Schema: aws.String(personalizetest.InteractionsSchema)})
	if err != nil {
		return "", err
	}
	ds, err := client.CreateDataset(ctx, &sdk.CreateDatasetInput{
		Name:            aws.String(group + "-interactions"),
		DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/" + group),
		DatasetType:     aws.String("Interactions"),
		SchemaArn:       schema.SchemaArn,
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(ds.DatasetArn), nil
}

func importInput(e *env, job string) *sdk.CreateDatasetImportJobInput {
	return &sdk.CreateDatasetImportJobInput{
		JobName:    aws.String(job),
		DatasetArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset/movies/INTERACTIONS"),
		DataSource: &types.DataSource{DataLocation: aws.String(e.scene.DataLocation)},
		RoleArn:    aws.String(e.scene.RoleARN),
	}
}

// waitActiveDataset describes the dataset until it is ACTIVE: the emulator
// moves a resource on with each describe, and a dataset takes no import
// before.
func waitActiveDataset(t *testing.T, client *sdk.Client, arn string) {
	t.Helper()
	for range 50 {
		out, err := client.DescribeDataset(context.Background(), &sdk.DescribeDatasetInput{DatasetArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.Dataset.Status) == "ACTIVE" {
			return
		}
	}
	t.Fatalf("dataset %s never became ACTIVE", arn)
}

func waitActiveGroup(t *testing.T, client *sdk.Client, name string) {
	t.Helper()
	arn := "arn:aws:personalize:us-east-1:111122223333:dataset-group/" + name
	for range 50 {
		out, err := client.DescribeDatasetGroup(context.Background(), &sdk.DescribeDatasetGroupInput{DatasetGroupArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.DatasetGroup.Status) == "ACTIVE" {
			return
		}
	}
	t.Fatalf("dataset group %s never became ACTIVE", name)
}

// createSolution creates solution "s" of the dataset group g with config
// through e's guarded client.
func (e *env) createSolution(config *types.SolutionConfig) error {
	_, err := e.client.CreateSolution(context.Background(), &sdk.CreateSolutionInput{Name: aws.String("s"),
		DatasetGroupArn: aws.String("arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":dataset-group/g"),
		RecipeArn:       aws.String("arn:aws:personalize:::recipe/aws-user-personalization"), SolutionConfig: config})
	return err
}

// requireRefusedAt fails t unless err is the guard's refusal under rule at
// field, Personalize received no call, and neither the error nor the audit
// log holds value.
func (e *env) requireRefusedAt(t *testing.T, err error, rule, field, value string) {
	t.Helper()
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) || sg.Rule != rule || sg.Field != field {
		t.Errorf("err = %v, want rule %s at %s", err, rule, field)
	}
	if calls := e.personalizeCalls(); len(calls) != 0 {
		t.Errorf("Personalize was called: %v", calls)
	}
	if err != nil && strings.Contains(err.Error(), value) || strings.Contains(e.audit.String(), value) {
		t.Errorf("the error or the audit log repeats the value")
	}
}
