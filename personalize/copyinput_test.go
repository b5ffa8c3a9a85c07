package personalize

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"
)

// allFields lets cmp read the SDK types' unexported (empty) fields.
var allFields = cmp.Exporter(func(reflect.Type) bool { return true })

// TestInputCopiers holds each operation's typed copy to withStrings'
// reflective one: every operation with key places has a copier; on empty
// and filled inputs, with every key and role place set, both copies are
// equal, neither is the caller's input nor shares a string set with another
// copy, and the caller's input is unchanged.
func TestInputCopiers(t *testing.T) {
	ops, err := bindTable(inputTypes())
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string][]any{
		"CreateBatchInferenceJob": {&sdk.CreateBatchInferenceJobInput{}, &sdk.CreateBatchInferenceJobInput{JobName: aws.String("job"),
			JobInput:  &types.BatchInferenceJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String("s3://in/x")}},
			JobOutput: &types.BatchInferenceJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String("s3://out/"), KmsKeyArn: aws.String("caller")}}}},
		"CreateBatchSegmentJob": {&sdk.CreateBatchSegmentJobInput{
			JobInput:  &types.BatchSegmentJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String("s3://in/x")}},
			JobOutput: &types.BatchSegmentJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String("s3://out/")}}}},
		"CreateDatasetExportJob": {&sdk.CreateDatasetExportJobInput{JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String("s3://out/")}}}},
		"CreateDatasetGroup": {&sdk.CreateDatasetGroupInput{}, &sdk.CreateDatasetGroupInput{Name: aws.String("movies"),
			Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}}}},
		"CreateMetricAttribution": {&sdk.CreateMetricAttributionInput{MetricsOutputConfig: &types.MetricAttributionOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String("s3://out/")}}}},
		"UpdateMetricAttribution": {&sdk.UpdateMetricAttributionInput{MetricsOutputConfig: &types.MetricAttributionOutput{S3DataDestination: &types.S3DataConfig{}}}},
	}
	for name, op := range ops {
		if len(op.keys) == 0 {
			continue
		}
		if op.copyInput == nil {
			t.Errorf("%s has key places but no copier in inputCopiers", name)
		}
		if inputs[name] == nil {
			t.Errorf("%s: no test input", name)
		}
	}
	for name, ins := range inputs {
		op := ops[name]
		if op == nil || op.copyInput == nil {
			t.Fatalf("%s: no copier", name)
		}
		for _, in := range ins {
			var sets []fieldSet
			for i, k := range op.keys {
				if _, parent, _ := lookup(in, k.at); parent {
					sets = append(sets, fieldSet{k.at, "key-" + string(rune('a'+i)), k.set}, fieldSet{k.roleAt, "role-" + string(rune('a'+i)), k.roleSet})
				}
			}
			before := reflect.ValueOf(in).Elem().Interface()
			if _, _, _, ok := op.copyInput(in); !ok {
				t.Fatalf("%s: copier refused its input", name)
			}
			want := withStrings(in, sets, &boundOp{}) // the reflective copy
			got := withStrings(in, sets, op)
			if diff := cmp.Diff(want, got, allFields); diff != "" {
				t.Errorf("%s: (-want +got)\n%s", name, diff)
			}
			if reflect.ValueOf(got).Pointer() == reflect.ValueOf(in).Pointer() {
				t.Errorf("%s: the copy is the caller's input", name)
			}
			again := withStrings(in, sets, op)
			for _, s := range sets {
				if p1, p2 := stringAt(got, s.at), stringAt(again, s.at); p1 == nil || p1 == p2 {
					t.Errorf("%s: two copies share the string set at %v", name, s.at)
				}
			}
			if diff := cmp.Diff(before, reflect.ValueOf(in).Elem().Interface(), allFields); diff != "" {
				t.Errorf("%s: the caller's input changed (-want +got)\n%s", name, diff)
			}
		}
	}
	// Another type or a nil input: not copied here.
	op := ops["CreateDatasetGroup"]
	for _, params := range []any{&sdk.CreateSchemaInput{}, (*sdk.CreateDatasetGroupInput)(nil)} {
		if _, _, _, ok := op.copyInput(params); ok {
			t.Errorf("copier took %T", params)
		}
	}
	// More sets than an inputCopy holds take the reflective path.
	in := &sdk.CreateDatasetGroupInput{}
	var sets []fieldSet
	for i := range maxSets + 1 {
		sets = append(sets, fieldSet{op.keys[0].at, "key-" + string(rune('a'+i)), op.keys[0].set})
	}
	if diff := cmp.Diff(withStrings(in, sets, &boundOp{}), withStrings(in, sets, op), allFields); diff != "" {
		t.Errorf("%d sets: (-want +got)\n%s", len(sets), diff)
	}
}

// stringAt returns the *string at at in params, or nil.
func stringAt(params any, at []int) *string {
	v := reflect.ValueOf(params)
	for _, i := range at {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return nil
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	p, _ := v.Interface().(*string)
	return p
}
