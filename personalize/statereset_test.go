package personalize

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestResetZeroesEveryField: reset, which sets callState's fields one by
// one, leaves a used state as a new one from the pool would be — its guard
// kept, every other field zero, the lists empty with their capacity kept
// and their entries cleared, so that a pooled state holds no call's
// strings — and it knows every field of callState: one added without a
// line in reset fails here.
func TestResetZeroesEveryField(t *testing.T) {
	var names []string
	for i, ty := 0, reflect.TypeFor[callState](); i < ty.NumField(); i++ {
		names = append(names, ty.Field(i).Name)
	}
	known := []string{"g", "gate", "ran", "op", "acted", "reported", "keys", "roles", "ready", "locations", "dataset", "schema",
		"schemaQuoted", "schemaBuf", "clean", "passed", "cleanAt", "passedAt", "signer"}
	if diff := cmp.Diff(known, names); diff != "" {
		t.Fatalf("callState's fields changed: reset sets them one by one; add the new ones to it and here (-want +got):\n%s", diff)
	}

	g := testGuard(t, Policy{})
	op := g.ops["CreateDatasetGroup"]
	st := &callState{g: g}
	quoted, buf, clean := cleanSchemaQuoted(nil, `{"a":"b"}`, g.s.Detector)
	if !clean {
		t.Fatal("the test schema is not clean")
	}
	st.gate, st.ran, st.op, st.acted = &wireGate{g: g}, stageAudit|stageContent, op, actedContent
	st.reported = []*SafeguardError{{Rule: RuleEnum}}
	st.keys, st.roles, st.ready = []placed{{testKeyARN, op.input}}, []string{testRoleARN}, []string{testKeyARN}
	st.locations = []placed{{"s3://bucket/key", op.input}, {"s3://bucket/other", nil}}
	st.dataset, st.schema, st.schemaQuoted, st.schemaBuf = "arn:dataset", `{"a":"b"}`, quoted, buf
	st.clean, st.passed = []string{"movies", "team", "recs"}, []passedCheck{{ruleTagKey, shapeUnknown, "team"}}
	st.cleanAt, st.passedAt, st.signer = 2, 1, "AKIDEXAMPLE"

	lists := func(st *callState) [][]any {
		var out [][]any
		add := func(v any) {
			s := reflect.ValueOf(v)
			s = s.Slice(0, s.Cap()) // the entries past the length a pooled state keeps
			var l []any
			for i := range s.Len() {
				l = append(l, s.Index(i).Interface())
			}
			out = append(out, l)
		}
		add(st.reported)
		add(st.keys)
		add(st.roles)
		add(st.locations)
		add(st.clean)
		add(st.passed)
		return out
	}
	caps := []int{cap(st.reported), cap(st.keys), cap(st.roles), cap(st.ready), cap(st.locations), cap(st.schemaBuf), cap(st.clean), cap(st.passed)}
	st.reset()

	if st.g != g {
		t.Error("reset dropped the state's guard")
	}
	want := callState{g: g}
	got := *st
	got.reported, got.keys, got.roles, got.ready, got.locations, got.schemaBuf, got.clean, got.passed = nil, nil, nil, nil, nil, nil, nil, nil
	if !reflect.DeepEqual(want, got) || !got.schemaQuoted.IsZero() {
		t.Errorf("reset left a field set: %+v", got)
	}
	lens := []int{len(st.reported), len(st.keys), len(st.roles), len(st.ready), len(st.locations), len(st.schemaBuf), len(st.clean), len(st.passed)}
	if diff := cmp.Diff(make([]int, len(lens)), lens); diff != "" {
		t.Errorf("lists after reset, lengths (-want +got):\n%s", diff)
	}
	gotCaps := []int{cap(st.reported), cap(st.keys), cap(st.roles), cap(st.ready), cap(st.locations), cap(st.schemaBuf), cap(st.clean), cap(st.passed)}
	if diff := cmp.Diff(caps, gotCaps); diff != "" {
		t.Errorf("lists after reset, capacities kept (-want +got):\n%s", diff)
	}
	wantEntries := [][]any{{(*SafeguardError)(nil)}, {placed{}}, {""}, {placed{}, placed{}}, {"", "", ""}, {passedCheck{}}}
	if diff := cmp.Diff(wantEntries, lists(st), cmp.AllowUnexported(placed{}, passedCheck{}), cmp.Comparer(func(a, b *node) bool { return a == b }),
		cmp.Comparer(func(a, b *shape) bool { return a == b })); diff != "" {
		t.Errorf("the lists' entries after reset (-want +got):\n%s", diff)
	}
}
