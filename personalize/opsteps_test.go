package personalize

import (
	"context"
	"reflect"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// fillStrings sets every string v reaches (through pointers, structs,
// slices of one element and maps of one entry) to s.
func fillStrings(v reflect.Value, s string, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fillStrings(v.Elem(), s, depth+1)
	case reflect.String:
		v.SetString(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillStrings(v.Field(i), s, depth+1)
			}
		}
	case reflect.Slice:
		e := reflect.New(v.Type().Elem()).Elem()
		fillStrings(e, s, depth+1)
		v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), e))
	case reflect.Map:
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fillStrings(k, s, depth+1)
		fillStrings(e, s, depth+1)
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}

// TestOmittedStepsWouldPass holds boundOp.steps to the handlers: a step an
// operation's stack does not get would, on that operation, hand the input
// on untouched (the same input, no safeguard acted, nothing reported, no
// error), whatever every member of the input holds. Run for every
// operation of the table and every value of a few kinds, with a policy
// that names a key and a role (so the key step would inject them where it
// acts).
func TestOmittedStepsWouldPass(t *testing.T) {
	g := testGuard(t, Policy{KMSClient: newHealthyKMS(t), S3Client: nopS3{}, PersonalizeClient: nopDescriber{}, KMSKeyARN: testKeyARN, RoleARN: testRoleARN})
	steps := append(append([]*step{}, g.front[1:]...), g.postureFor(nil, false)...)
	values := []string{"", "movies", testKeyARN, "s3://bucket/prefix/", "arn:aws:personalize:" + testRegion + ":" + testAccount + ":dataset/movies/INTERACTIONS"}
	omitted := 0
	for name, op := range g.ops {
		for _, s := range steps {
			if op.stages&s.stage != 0 {
				continue
			}
			for _, v := range values {
				params := reflect.New(op.params.Elem())
				fillStrings(params.Elem(), v, 0)
				st := g.states.Get().(*callState)
				st.reset()
				st.ran, st.op = stageAudit, op
				ctx := withState(middleware.WithOperationName(context.Background(), name), st)
				var got any
				next := middleware.InitializeHandlerFunc(func(_ context.Context, in middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
					got = in.Parameters
					return middleware.InitializeOutput{}, middleware.Metadata{}, nil
				})
				_, _, err := s.handle(s.g, ctx, st, middleware.InitializeInput{Parameters: params.Interface()}, next)
				if err != nil || got != params.Interface() || st.acted != 0 || len(st.reported) != 0 || len(st.keys) != 0 {
					t.Errorf("%s, %s omitted, members %q: err %v, same input %v, acted %v, reported %d, keys %d; want it to pass untouched",
						name, s.id, v, err, got == params.Interface(), st.acted.names(), len(st.reported), len(st.keys))
				}
				st.reset()
				g.states.Put(st)
				omitted++
			}
		}
	}
	// The steps omitted somewhere: the key steps (an operation without a
	// key place), the S3 steps, the dataset group key step.
	var ids []string
	for _, s := range steps {
		for _, op := range g.ops {
			if op.stages&s.stage == 0 {
				ids = append(ids, s.id)
				break
			}
		}
	}
	want := []string{IDKMSKey, IDS3Location, IDKeyReadiness, IDDatasetGroupKey, IDBucketPosture}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("steps omitted on some operation (-want +got):\n%s", diff)
	}
	if omitted == 0 {
		t.Fatal("no step omitted anywhere")
	}
}
