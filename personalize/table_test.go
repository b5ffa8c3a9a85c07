package personalize

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// futureJobInput is what a newer SDK version's operation could look like:
// an S3 location with credentials and a presigned query, and a foreign key.
type futureJobInput struct {
	JobName     *string
	JobOutput   *types.S3DataConfig
	ExtraConfig map[string]string
}

// TestUnknownOperationRefused is issue #17's first probe: an operation the
// table does not describe is refused by every safeguard, whatever it
// carries — never passed because nothing knew its key and location fields.
func TestUnknownOperationRefused(t *testing.T) {
	g := testGuard(t, Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN, KMSClient: newHealthyKMS(t), S3Client: nopS3{}, PersonalizeClient: nopDescriber{}})
	in := &futureJobInput{
		JobName: aws.String("future"),
		JobOutput: &types.S3DataConfig{
			Path:      aws.String("https://AKIAIOSFODNN7EXAMPLE:secret@bucket.s3.amazonaws.com/out/?X-Amz-Signature=abc"),
			KmsKeyArn: aws.String("arn:aws:kms:us-east-1:999999999999:key/foreign"),
		},
	}
	for _, s := range append(g.front[1:], g.posture...) {
		t.Run(s.id, func(t *testing.T) {
			err := runInitialize(t, s, "CreateFutureJob", in)
			var sg *SafeguardError
			if !errors.As(err, &sg) {
				t.Fatalf("%s on an unknown operation = %v, want a refusal", s.id, err)
			}
			want := SafeguardError{Operation: "CreateFutureJob", Rule: RuleUnknownOperation, Reason: unknownOperationReason}
			if diff := cmp.Diff(want, *sg); diff != "" {
				t.Errorf("refusal mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("wire", func(t *testing.T) {
		ctx := middleware.WithOperationName(context.Background(), "CreateFutureJob")
		err := g.checkBody(ctx, "CreateFutureJob", `{"jobName":"future"}`)
		var sg *SafeguardError
		if !errors.As(err, &sg) || sg.Rule != RuleUnknownOperation {
			t.Errorf("the wire gate on an unknown operation = %v, want %s", err, RuleUnknownOperation)
		}
	})
}

// TestUnknownMemberRefused: a member the table does not describe — a field
// a newer SDK added to a known operation — is refused when set, in the
// input struct and on the wire, and ignored when empty.
func TestUnknownMemberRefused(t *testing.T) {
	g := testGuard(t, Policy{})
	// Forget the table's tags of CreateDatasetGroup, as if the SDK had
	// added them after the table was generated.
	op := *g.ops["CreateDatasetGroup"]
	in := *op.input
	in.fields, in.byMember, in.unknown = nil, map[string]*node{}, nil
	for _, f := range op.input.fields {
		if f.member == "tags" {
			in.unknown = append(in.unknown, f.index)
			continue
		}
		in.fields = append(in.fields, f)
		in.byMember[f.member] = f
	}
	in.keyFields = wireOrder(in.fields)
	in.keys = plainKeys(in.keyFields)
	op.input = &in
	g.ops = map[string]*boundOp{"CreateDatasetGroup": &op}

	content := g.stepByID(IDFieldContent)
	if err := runInitialize(t, content, "CreateDatasetGroup", &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}); err != nil {
		t.Fatalf("without the unknown member: %v, want it to pass", err)
	}
	err := runInitialize(t, content, "CreateDatasetGroup", &sdk.CreateDatasetGroupInput{Name: aws.String("movies"),
		Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}}})
	var sg *SafeguardError
	if !errors.As(err, &sg) || sg.Rule != RuleUnknownMember || sg.Field != "Tags" {
		t.Errorf("with the unknown member set = %v, want %s at Tags", err, RuleUnknownMember)
	}
	ctx := middleware.WithOperationName(context.Background(), "CreateDatasetGroup")
	err = g.checkBody(ctx, "CreateDatasetGroup", `{"name":"movies","tags":[]}`)
	if !errors.As(err, &sg) || sg.Rule != RuleUnknownMember {
		t.Errorf("the wire gate with the unknown member = %v, want %s", err, RuleUnknownMember)
	}
}

// TestBucketPostureFailsClosedWithoutLocations is issue #17's second probe:
// the bucket posture check depends on what the S3 location safeguard
// parsed; without it (the middleware removed, or reordered), it refuses.
func TestBucketPostureFailsClosedWithoutLocations(t *testing.T) {
	g := testGuard(t, Policy{KMSClient: newHealthyKMS(t), S3Client: nopS3{}, PersonalizeClient: nopDescriber{}})
	in := &sdk.CreateDatasetImportJobInput{DataSource: &types.DataSource{DataLocation: aws.String("s3://amzn-data/interactions.csv")}}
	err := runInitialize(t, g.stepByID(IDBucketPosture), "CreateDatasetImportJob", in)
	var sg *SafeguardError
	if !errors.As(err, &sg) || sg.Rule != RuleBypassed {
		t.Errorf("bucket posture without the S3 location safeguard = %v, want %s", err, RuleBypassed)
	}
}
