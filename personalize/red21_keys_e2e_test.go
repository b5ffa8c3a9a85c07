package personalize_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	guardkms "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed21KeysAtTheirMember: e46c83b holds each KMS key at the wire to the
// member it was checked at. Legitimate calls must still go out: the same key
// named for a job's input and output, the key the guard puts in, a metric
// attribution's key, a per-call Region equal to the client's; a key swapped
// after the checks is refused in report-only mode too (what goes out is
// not what was checked).
func TestRed21KeysAtTheirMember(t *testing.T) {
	solution := "arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":solution/movies/1"
	swapKeys := swapJobData("Red21:SwapKeys", swapDataKeys)
	type call func(ctx context.Context, c *sdk.Client, e *red21Env) error
	inference := func(inKey, outKey *string) call {
		return func(ctx context.Context, c *sdk.Client, e *red21Env) error {
			_, err := c.CreateBatchInferenceJob(ctx, &sdk.CreateBatchInferenceJobInput{
				JobName: aws.String("red21"), RoleArn: aws.String(e.scene.RoleARN), SolutionVersionArn: aws.String(solution),
				JobInput:  &types.BatchInferenceJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String("s3://" + e.scene.Bucket + "/red21/users.json"), KmsKeyArn: inKey}},
				JobOutput: &types.BatchInferenceJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(e.scene.ExportLocation), KmsKeyArn: outKey}},
			})
			return err
		}
	}
	segment := func(inKey, outKey *string, optFns ...func(*sdk.Options)) call {
		return func(ctx context.Context, c *sdk.Client, e *red21Env) error {
			_, err := c.CreateBatchSegmentJob(ctx, &sdk.CreateBatchSegmentJobInput{
				JobName: aws.String("red21"), RoleArn: aws.String(e.scene.RoleARN), SolutionVersionArn: aws.String(solution),
				JobInput:  &types.BatchSegmentJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String("s3://" + e.scene.Bucket + "/red21/users.json"), KmsKeyArn: inKey}},
				JobOutput: &types.BatchSegmentJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(e.scene.ExportLocation), KmsKeyArn: outKey}},
			}, optFns...)
			return err
		}
	}
	key := func(e *red21Env) *string { return aws.String(e.scene.KeyARN) }
	tests := []struct {
		name       string
		reportOnly bool
		call       func(e *red21Env) call
		want       red17Outcome
	}{
		{name: "inference job, the same key for input and output",
			call: func(e *red21Env) call { return inference(key(e), key(e)) },
			want: red17Outcome{Rule: "not a refusal", Sent: []string{"CreateBatchInferenceJob"}, Audit: []string{"CreateBatchInferenceJob failed "}}},
		{name: "inference job, keys put in by the guard",
			call: func(e *red21Env) call { return inference(nil, nil) },
			want: red17Outcome{Rule: "not a refusal", Sent: []string{"CreateBatchInferenceJob"}, Audit: []string{"CreateBatchInferenceJob failed "}}},
		{name: "segment job, the same key for input and output",
			call: func(e *red21Env) call { return segment(key(e), key(e)) },
			want: red17Outcome{Rule: "not a refusal", Sent: []string{"CreateBatchSegmentJob"}, Audit: []string{"CreateBatchSegmentJob failed "}}},
		{name: "segment job, input key named, output key put in",
			call: func(e *red21Env) call { return segment(key(e), nil) },
			want: red17Outcome{Rule: "not a refusal", Sent: []string{"CreateBatchSegmentJob"}, Audit: []string{"CreateBatchSegmentJob failed "}}},
		{name: "segment job, a per-call Region equal to the client's",
			call: func(e *red21Env) call {
				return segment(key(e), key(e), func(o *sdk.Options) { o.Region = personalizetest.Region })
			},
			want: red17Outcome{Rule: "not a refusal", Sent: []string{"CreateBatchSegmentJob"}, Audit: []string{"CreateBatchSegmentJob failed "}}},
		{name: "metric attribution with the key",
			call: func(e *red21Env) call {
				return func(ctx context.Context, c *sdk.Client, e *red21Env) error {
					_, err := c.CreateMetricAttribution(ctx, &sdk.CreateMetricAttributionInput{
						Name: aws.String("red21"), DatasetGroupArn: aws.String(e.scene.DatasetGroupARN),
						Metrics: []types.MetricAttribute{{EventType: aws.String("click"), Expression: aws.String("SUM(DatasetType.INTERACTIONS.EVENT_VALUE)"), MetricName: aws.String("revenue")}},
						MetricsOutputConfig: &types.MetricAttributionOutput{RoleArn: aws.String(e.scene.RoleARN),
							S3DataDestination: &types.S3DataConfig{Path: aws.String(e.scene.ExportLocation), KmsKeyArn: key(e)}},
					})
					return err
				}
			},
			want: red17Outcome{Sent: []string{"CreateMetricAttribution"}, Audit: []string{"CreateMetricAttribution allowed "}}},
		{name: "segment job's keys swapped after the checks",
			call: func(e *red21Env) call {
				return segment(aws.String(e.second), nil, func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, swapKeys) })
			},
			want: red17Outcome{Rule: personalize.RuleRequestChanged, Field: "JobInput.S3DataSource.KmsKeyArn", Operation: "CreateBatchSegmentJob",
				Audit: []string{"CreateBatchSegmentJob rejected " + personalize.RuleRequestChanged}}},
		{name: "report-only, segment job's keys swapped after the checks", reportOnly: true,
			call: func(e *red21Env) call {
				return segment(aws.String(e.second), nil, func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, swapKeys) })
			},
			want: red17Outcome{Rule: personalize.RuleRequestChanged, Field: "JobInput.S3DataSource.KmsKeyArn", Operation: "CreateBatchSegmentJob",
				Audit: []string{"CreateBatchSegmentJob rejected " + personalize.RuleRequestChanged}}},
	}
	good, err := guardkms.PersonalizeKeyPolicy(guardkms.KeyPolicyInput{RoleARN: personalizetest.RoleARN, AccountID: personalizetest.AccountID, Region: personalizetest.Region})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scene := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "red21" })
			// A second key, allowed and ready, for the input.
			e := &red21Env{env: scene, second: createKey(t, scene.srv, string(good))}
			ctx := context.Background()
			e.putEncrypted(t, "red21/users.json", `{"userId":"u1"}`+"\n")
			e.audit.Reset()
			e.srv.ResetRequests()
			client, err := personalize.New(guardedConfig(e.srv), personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN,
				AllowedKMSKeyARNs: []string{e.second}, InsecureReportOnly: tt.reportOnly, Logger: newAuditLogger(lockedBuilder{e.mu, e.audit})})
			if err != nil {
				t.Fatal(err)
			}
			err = tt.call(e)(ctx, client, e)
			got := red17Result(t, e.env, err)
			got.Rule, _, _ = strings.Cut(got.Rule, ":")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// red21Env is an env with a second key, allowed by the policy and ready.
type red21Env struct {
	*env
	second string
}
