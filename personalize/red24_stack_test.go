package personalize

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"
)

// TestRed24StepsAroundValidation: 206ff4c's TestStackOrder holds only
// IDFieldContent before the SDK's input validation; before it, every
// network-free step was held there. On the stacks that have them, the key
// and S3 location steps (network-free) still come before
// OperationInputValidation and every network step after it.
func TestRed24StepsAroundValidation(t *testing.T) {
	logger, _ := jsonLogger()
	cfg := aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	client, err := New(cfg, Policy{Logger: logger, KMSClient: nopKMS{}, S3Client: nopS3{}, PersonalizeClient: nopDescriber{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	networkFree := []string{IDAudit, IDFieldContent, IDKMSKey, IDS3Location}
	network := []string{IDCallerIdentity, IDKeyReadiness, IDDatasetGroupKey, IDBucketPosture}
	for _, tt := range []struct {
		op   string
		call func(...func(*sdk.Options)) error
	}{
		{"CreateDatasetGroup", func(o ...func(*sdk.Options)) error {
			_, err := client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{}, o...)
			return err
		}},
		{"CreateDatasetImportJob", func(o ...func(*sdk.Options)) error {
			_, err := client.CreateDatasetImportJob(ctx, &sdk.CreateDatasetImportJobInput{}, o...)
			return err
		}},
		{"CreateDatasetExportJob", func(o ...func(*sdk.Options)) error {
			_, err := client.CreateDatasetExportJob(ctx, &sdk.CreateDatasetExportJobInput{}, o...)
			return err
		}},
		{"CreateBatchInferenceJob", func(o ...func(*sdk.Options)) error {
			_, err := client.CreateBatchInferenceJob(ctx, &sdk.CreateBatchInferenceJobInput{}, o...)
			return err
		}},
		{"CreateDataDeletionJob", func(o ...func(*sdk.Options)) error {
			_, err := client.CreateDataDeletionJob(ctx, &sdk.CreateDataDeletionJobInput{}, o...)
			return err
		}},
	} {
		t.Run(tt.op, func(t *testing.T) {
			init := stackOfCall(t, tt.call)["Initialize"]
			validation := slices.Index(init, "OperationInputValidation")
			if validation < 0 {
				t.Fatalf("Initialize %v: no OperationInputValidation", init)
			}
			var misplaced []string
			for _, id := range init {
				i := slices.Index(init, id)
				if slices.Contains(networkFree, id) && i > validation || slices.Contains(network, id) && i < validation {
					misplaced = append(misplaced, id)
				}
			}
			if diff := cmp.Diff([]string(nil), misplaced); diff != "" {
				t.Errorf("steps on the wrong side of the SDK's validation in %v (-want +got):\n%s", init, diff)
			}
		})
	}
}
