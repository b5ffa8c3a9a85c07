package personalize

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

var errStop = errors.New("stop before sending")

// stackOf returns the middleware IDs, step by step, of one CreateDatasetGroup
// call (an operation with the SDK's input validation).
func stackOf(t *testing.T, client *sdk.Client, extra ...func(*middleware.Stack) error) map[string][]string {
	t.Helper()
	return stackOfCall(t, func(optFns ...func(*sdk.Options)) error {
		_, err := client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{}, optFns...)
		return err
	}, extra...)
}

// stackOfCall returns the stack call builds, by step, with extra added.
func stackOfCall(t *testing.T, call func(...func(*sdk.Options)) error, extra ...func(*middleware.Stack) error) map[string][]string {
	t.Helper()
	got := map[string][]string{}
	err := call(func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, extra...)
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			got["Initialize"] = s.Initialize.List()
			got["Finalize"] = s.Finalize.List()
			got["Deserialize"] = s.Deserialize.List()
			return errStop
		})
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("call = %v, want the stop error", err)
	}
	return got
}

func guardIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if len(id) > len("PersonalizeGuard:") && id[:len("PersonalizeGuard:")] == "PersonalizeGuard:" {
			out = append(out, id)
		}
	}
	return out
}

// TestStackOrder holds each operation's stack to the steps that act on it:
// every call gets the audit, content and identity steps; the key steps come
// with a key place, the S3 steps with a location, the dataset group key
// step with an import or export.
func TestStackOrder(t *testing.T) {
	logger, _ := jsonLogger()
	cfg := aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	client, err := New(cfg, Policy{Logger: logger, KMSClient: nopKMS{}, S3Client: nopS3{}, PersonalizeClient: nopDescriber{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		op   string
		call func(...func(*sdk.Options)) error
		want []string
	}{
		{"CreateDatasetGroup", func(o ...func(*sdk.Options)) error {
			_, err := client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{}, o...)
			return err
		}, []string{IDAudit, IDFieldContent, IDKMSKey, IDCallerIdentity, IDKeyReadiness}},
		{"CreateDatasetImportJob", func(o ...func(*sdk.Options)) error {
			_, err := client.CreateDatasetImportJob(ctx, &sdk.CreateDatasetImportJobInput{}, o...)
			return err
		}, []string{IDAudit, IDFieldContent, IDS3Location, IDCallerIdentity, IDDatasetGroupKey, IDBucketPosture}}, // the group's key: IDDatasetGroupKey
		{"CreateDatasetExportJob", func(o ...func(*sdk.Options)) error {
			_, err := client.CreateDatasetExportJob(ctx, &sdk.CreateDatasetExportJobInput{}, o...)
			return err
		}, []string{IDAudit, IDFieldContent, IDKMSKey, IDS3Location, IDCallerIdentity, IDKeyReadiness, IDDatasetGroupKey, IDBucketPosture}},
		{"CreateBatchInferenceJob", func(o ...func(*sdk.Options)) error {
			_, err := client.CreateBatchInferenceJob(ctx, &sdk.CreateBatchInferenceJobInput{}, o...)
			return err
		}, []string{IDAudit, IDFieldContent, IDKMSKey, IDS3Location, IDCallerIdentity, IDKeyReadiness, IDBucketPosture}},
		{"CreateSchema", func(o ...func(*sdk.Options)) error {
			_, err := client.CreateSchema(ctx, &sdk.CreateSchemaInput{}, o...)
			return err
		}, []string{IDAudit, IDFieldContent, IDCallerIdentity}},
		{"ListDatasetGroups", func(o ...func(*sdk.Options)) error {
			_, err := client.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{}, o...)
			return err
		}, []string{IDAudit, IDFieldContent, IDCallerIdentity}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			got := stackOfCall(t, tt.call)
			want := map[string][]string{"Initialize": tt.want, "Finalize": nil, "Deserialize": {IDWireGate}}
			for step, ids := range got {
				if diff := cmp.Diff(want[step], guardIDs(ids)); diff != "" {
					t.Errorf("%s guard middleware mismatch (-want +got):\n%s", step, diff)
				}
			}
			// Network-free checks come before the SDK's validation (on an
			// input with required members), network checks after.
			init := got["Initialize"]
			validation := slices.Index(init, "OperationInputValidation")
			if validation < 0 && tt.op != "ListDatasetGroups" || validation >= 0 && !(slices.Index(init, IDFieldContent) < validation && validation < slices.Index(init, IDCallerIdentity)) {
				t.Errorf("Initialize order %v: want network-free checks before OperationInputValidation and network checks after", init)
			}
			// The wire gate is the innermost Deserialize middleware: after signing
			// and every interceptor.
			if d := got["Deserialize"]; d[len(d)-1] != IDWireGate {
				t.Errorf("Deserialize = %v, want %s last", d, IDWireGate)
			}
		})
	}
}

func TestAddMiddlewareIdempotent(t *testing.T) {
	g := testGuard(t, Policy{})
	cfg := aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	client := sdk.NewFromConfig(cfg, g.Option(), g.Option())
	got := stackOf(t, client, g.AddMiddleware, g.AddMiddleware)
	want := []string{IDAudit, IDFieldContent, IDKMSKey}
	if diff := cmp.Diff(want, guardIDs(got["Initialize"])); diff != "" {
		t.Errorf("Initialize after adding the guard four times (-want +got):\n%s", diff)
	}
}
