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
	got := map[string][]string{}
	_, err := client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{}, func(o *sdk.Options) {
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

func TestStackOrder(t *testing.T) {
	logger, _ := jsonLogger()
	cfg := aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	client, err := New(cfg, Policy{Logger: logger, KMSClient: nopKMS{}, S3Client: nopS3{}, PersonalizeClient: nopDescriber{}})
	if err != nil {
		t.Fatal(err)
	}
	got := stackOf(t, client)
	want := map[string][]string{
		"Initialize":  {IDAudit, IDFieldContent, IDKMSKey, IDS3Location, IDCallerIdentity, IDKeyReadiness, IDDatasetGroupKey, IDBucketPosture},
		"Finalize":    nil,
		"Deserialize": {IDWireGate},
	}
	for step, ids := range got {
		if diff := cmp.Diff(want[step], guardIDs(ids)); diff != "" {
			t.Errorf("%s guard middleware mismatch (-want +got):\n%s", step, diff)
		}
	}
	// Network-free checks come before the SDK's validation, network checks after.
	init := got["Initialize"]
	validation := slices.Index(init, "OperationInputValidation")
	if validation < 0 || !(slices.Index(init, IDS3Location) < validation && validation < slices.Index(init, IDCallerIdentity)) {
		t.Errorf("Initialize order %v: want network-free checks before OperationInputValidation and network checks after", init)
	}
	// The wire gate is the innermost Deserialize middleware: after signing
	// and every interceptor.
	if d := got["Deserialize"]; d[len(d)-1] != IDWireGate {
		t.Errorf("Deserialize = %v, want %s last", d, IDWireGate)
	}
}

func TestAddMiddlewareIdempotent(t *testing.T) {
	g := testGuard(t, Policy{})
	cfg := aws.Config{Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	client := sdk.NewFromConfig(cfg, g.Option(), g.Option())
	got := stackOf(t, client, g.AddMiddleware, g.AddMiddleware)
	want := []string{IDAudit, IDFieldContent, IDKMSKey, IDS3Location}
	if diff := cmp.Diff(want, guardIDs(got["Initialize"])); diff != "" {
		t.Errorf("Initialize after adding the guard four times (-want +got):\n%s", diff)
	}
}
