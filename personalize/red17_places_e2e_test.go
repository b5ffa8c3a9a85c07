package personalize_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	guardkms "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed17LocationSwappedBetweenPlaces: the wire gate holds each S3
// location to one the Initialize checks saw, but not to the place they saw
// it at. A hook after the checks that swaps a batch inference job's input
// and output paths sent a job that writes into the input's bucket, which
// Policy.AllowedOutputBuckets leaves out and whose posture was checked for
// reading only, and reads objects whose encryption nobody sampled.
// Refused; the job as checked goes out.
func TestRed17LocationSwappedBetweenPlaces(t *testing.T) {
	swapPaths := swapJobData("Red17:SwapPaths", func(src, dst *types.S3DataConfig) { src.Path, dst.Path = dst.Path, src.Path })
	tests := []struct {
		name string
		hook func(*middleware.Stack) error
		want red17Outcome
	}{
		{name: "input and output paths swapped after the checks", hook: swapPaths,
			want: red17Outcome{Rule: personalize.RuleRequestChanged, Field: "JobInput.S3DataSource.Path", Operation: "CreateBatchInferenceJob",
				Audit: []string{"CreateBatchInferenceJob rejected " + personalize.RuleRequestChanged}}},
		{name: "left as they are",
			// The emulator has no solution version: AWS's error, after the send.
			want: red17Outcome{Rule: "not a refusal", Sent: []string{"CreateBatchInferenceJob"}, Audit: []string{"CreateBatchInferenceJob failed "}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			ctx := context.Background()
			out, err := e.srv.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.Bucket = "red17-output" })
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s3.NewFromConfig(e.srv.Config()).PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(out.Bucket),
				ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(e.scene.KeyARN)},
					BucketKeyEnabled:                   aws.Bool(true),
				}}}}); err != nil {
				t.Fatal(err)
			}
			e.putEncrypted(t, "red17/users.json", `{"userId":"u1"}`+"\n")
			e.audit.Reset()
			client, err := personalize.New(guardedConfig(e.srv), personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN,
				AllowedOutputBuckets: []string{out.Bucket}, Logger: newAuditLogger(lockedBuilder{e.mu, e.audit})})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.CreateBatchInferenceJob(ctx, &sdk.CreateBatchInferenceJobInput{
				JobName: aws.String("swap"), RoleArn: aws.String(e.scene.RoleARN),
				SolutionVersionArn: aws.String("arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":solution/movies/1"),
				JobInput:           &types.BatchInferenceJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String("s3://" + e.scene.Bucket + "/red17/users.json")}},
				JobOutput:          &types.BatchInferenceJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(out.ExportLocation)}},
			}, func(o *sdk.Options) {
				if tt.hook != nil {
					o.APIOptions = append(o.APIOptions, tt.hook)
				}
			})
			got := red17Result(t, e, err)
			got.Rule, _, _ = strings.Cut(got.Rule, ":")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestKeySwappedBetweenPlaces: the wire gate held each KMS key to the keys
// the Initialize checks put in or allowed anywhere in the call, not to the
// member they were checked at, as it held locations before
// TestRed17LocationSwappedBetweenPlaces. A hook after the checks that swaps
// a batch inference job's input and output keys (both allowed, both ready)
// sent a job other than the one checked and audited. Refused; the job as
// checked goes out with each key where it was.
func TestKeySwappedBetweenPlaces(t *testing.T) {
	swapKeys := swapJobData("Test:SwapKeys", swapDataKeys)
	tests := []struct {
		name string
		hook func(*middleware.Stack) error
		want red17Outcome
	}{
		{name: "input and output keys swapped after the checks", hook: swapKeys,
			want: red17Outcome{Rule: personalize.RuleRequestChanged, Field: "JobInput.S3DataSource.KmsKeyArn", Operation: "CreateBatchInferenceJob",
				Audit: []string{"CreateBatchInferenceJob rejected " + personalize.RuleRequestChanged}}},
		{name: "left as they are",
			// The emulator has no solution version: AWS's error, after the send.
			want: red17Outcome{Rule: "not a refusal", Sent: []string{"CreateBatchInferenceJob"}, Audit: []string{"CreateBatchInferenceJob failed "}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			ctx := context.Background()
			good, err := guardkms.PersonalizeKeyPolicy(guardkms.KeyPolicyInput{RoleARN: personalizetest.RoleARN, AccountID: personalizetest.AccountID, Region: personalizetest.Region})
			if err != nil {
				t.Fatal(err)
			}
			inputKey := createKey(t, e.srv, string(good))
			e.putEncrypted(t, "swap/users.json", `{"userId":"u1"}`+"\n")
			e.audit.Reset()
			client, err := personalize.New(guardedConfig(e.srv), personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN,
				AllowedKMSKeyARNs: []string{inputKey}, Logger: newAuditLogger(lockedBuilder{e.mu, e.audit})})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.CreateBatchInferenceJob(ctx, &sdk.CreateBatchInferenceJobInput{
				JobName: aws.String("swap"), RoleArn: aws.String(e.scene.RoleARN),
				SolutionVersionArn: aws.String("arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":solution/movies/1"),
				JobInput: &types.BatchInferenceJobInput{S3DataSource: &types.S3DataConfig{
					Path: aws.String("s3://" + e.scene.Bucket + "/swap/users.json"), KmsKeyArn: aws.String(inputKey)}},
				JobOutput: &types.BatchInferenceJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(e.scene.ExportLocation)}},
			}, func(o *sdk.Options) {
				if tt.hook != nil {
					o.APIOptions = append(o.APIOptions, tt.hook)
				}
			})
			got := red17Result(t, e, err)
			got.Rule, _, _ = strings.Cut(got.Rule, ":")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// swapJobData returns a per-call APIOptions entry whose Initialize
// middleware (id), added after the guard's checks, hands on a batch
// inference or batch segment job whose input and output data configs swap
// has changed, on copies: a hook that changes the job after it was checked.
func swapJobData(id string, swap func(src, dst *types.S3DataConfig)) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc(id, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			switch p := in.Parameters.(type) {
			case *sdk.CreateBatchInferenceJobInput:
				q := *p
				src, dst := *p.JobInput.S3DataSource, *p.JobOutput.S3DataDestination
				swap(&src, &dst)
				q.JobInput = &types.BatchInferenceJobInput{S3DataSource: &src}
				q.JobOutput = &types.BatchInferenceJobOutput{S3DataDestination: &dst}
				in.Parameters = &q
			case *sdk.CreateBatchSegmentJobInput:
				q := *p
				src, dst := *p.JobInput.S3DataSource, *p.JobOutput.S3DataDestination
				swap(&src, &dst)
				q.JobInput = &types.BatchSegmentJobInput{S3DataSource: &src}
				q.JobOutput = &types.BatchSegmentJobOutput{S3DataDestination: &dst}
				in.Parameters = &q
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
	}
}

// swapDataKeys swaps the KMS keys of a job's input and output.
func swapDataKeys(src, dst *types.S3DataConfig) {
	src.KmsKeyArn, dst.KmsKeyArn = dst.KmsKeyArn, src.KmsKeyArn
}
