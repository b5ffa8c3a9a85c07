package personalize

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/s3guard"
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
	known := []string{"g", "ran", "passes", "op", "acted", "reported", "keys", "roles", "ready", "locations", "dataset", "schema",
		"schemaQuoted", "schemaBuf", "owned", "clean", "passed", "signer", "walker", "parsed",
		"passOns"}
	if diff := cmp.Diff(known, names); diff != "" {
		t.Fatalf("callState's fields changed: reset sets them one by one; add the new ones to it and here (-want +got):\n%s", diff)
	}

	g := testGuard(t, Policy{})
	op := g.ops["CreateDatasetGroup"]
	st := &callState{g: g}
	quoted, buf, clean := cleanSchemaQuoted(nil, `{"a":"b"}`, g.s.Detector, nil)
	if !clean {
		t.Fatal("the test schema is not clean")
	}
	st.ran, st.passes, st.op, st.acted = stageAudit|stageContent, stageContent, op, actedContent
	st.passOnTo(stageContent, middleware.InitializeHandlerFunc(nil))
	st.reported = []*SafeguardError{{Rule: RuleEnum}}
	st.keys, st.roles, st.ready = []placed{{testKeyARN, op.input}}, []string{testRoleARN}, []string{testKeyARN}
	st.locations = []placed{{"s3://bucket/key", op.input}, {"s3://bucket/other", nil}}
	st.parsed.set([]s3guard.Location{{Bucket: "bucket", Key: "key"}, {Bucket: "bucket", Key: "other"}})
	st.dataset, st.schema, st.schemaQuoted, st.schemaBuf = "arn:dataset", `{"a":"b"}`, quoted, buf
	st.owned = []byte(`movies{"a":"b"}`)
	st.clean, st.passed = []string{"movies", "team", "recs"}, []passedCheck{{ruleTagKey, shapeUnknown, "team"}}
	st.signer = "AKIDEXAMPLE"

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
		add(st.ready)
		add(st.locations)
		add(st.clean)
		add(st.passed)
		return out
	}
	caps := []int{cap(st.reported), cap(st.keys), cap(st.roles), cap(st.ready), cap(st.locations), cap(st.schemaBuf), cap(st.owned), cap(st.clean), cap(st.passed)}
	st.reset()

	if st.g != g {
		t.Error("reset dropped the state's guard")
	}
	want := callState{g: g}
	got := *st
	got.reported, got.keys, got.roles, got.ready, got.locations, got.schemaBuf, got.owned, got.clean, got.passed = nil, nil, nil, nil, nil, nil, nil, nil, nil
	if !reflect.DeepEqual(want, got) || !got.schemaQuoted.IsZero() {
		t.Errorf("reset left a field set: %+v", got)
	}
	lens := []int{len(st.reported), len(st.keys), len(st.roles), len(st.ready), len(st.locations), len(st.schemaBuf), len(st.owned), len(st.clean), len(st.passed)}
	if diff := cmp.Diff(make([]int, len(lens)), lens); diff != "" {
		t.Errorf("lists after reset, lengths (-want +got):\n%s", diff)
	}
	gotCaps := []int{cap(st.reported), cap(st.keys), cap(st.roles), cap(st.ready), cap(st.locations), cap(st.schemaBuf), cap(st.owned), cap(st.clean), cap(st.passed)}
	if diff := cmp.Diff(caps, gotCaps); diff != "" {
		t.Errorf("lists after reset, capacities kept (-want +got):\n%s", diff)
	}
	if got := st.owned[:cap(st.owned)]; !slices.Equal(got, make([]byte, len(got))) {
		t.Errorf("reset left the bytes of a call's strings: %q", got)
	}
	wantEntries := [][]any{{(*SafeguardError)(nil)}, {placed{}}, {""}, {""}, {placed{}, placed{}}, {"", "", ""}, {passedCheck{}}}
	if diff := cmp.Diff(wantEntries, lists(st), cmp.AllowUnexported(placed{}, passedCheck{}), cmp.Comparer(func(a, b *node) bool { return a == b }),
		cmp.Comparer(func(a, b *shape) bool { return a == b })); diff != "" {
		t.Errorf("the lists' entries after reset (-want +got):\n%s", diff)
	}
}

// TestContentWalkerDropsItsCall: the content check walks the input with the
// call state's own walker, which, after a check that passes and after one
// that refuses a tag value, references nothing of the call: the pooled
// state keeps no caller's string or context through it.
func TestContentWalkerDropsItsCall(t *testing.T) {
	g := testGuard(t, Policy{})
	for _, tc := range []struct {
		value    string
		wantRule string
	}{
		{"recs", ""},
		{"4539703692581474", RuleSensitivePrefix + "credit-card"},
	} {
		st := g.states.Get().(*callState)
		st.ran, st.op = stageAudit, g.ops["CreateDatasetGroup"]
		ctx := withState(middleware.WithOperationName(context.Background(), "CreateDatasetGroup"), st)
		in := &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String(tc.value)}}}
		_, _, err := g.stepByID(IDFieldContent).HandleInitialize(ctx, middleware.InitializeInput{Parameters: in}, terminal())
		var rule string
		if se, ok := err.(*SafeguardError); ok {
			rule = se.Rule
		} else if err != nil {
			t.Fatalf("tag value %q: %v", tc.value, err)
		}
		if rule != tc.wantRule {
			t.Errorf("tag value %q: rule %q, want %q", tc.value, rule, tc.wantRule)
		}
		w := st.walker
		w.depth = 0 // set by the next check
		// Segments past the depth keep the table's member names and
		// indexes, as a pooled walker's do: no caller's text, nor a map
		// entry (whose key is the caller's).
		for i, seg := range w.segs {
			if seg.entry != nil {
				t.Errorf("tag value %q: segment %d still points at a map entry", tc.value, i)
			}
		}
		w.segs = [maxDepth]segment{}
		if !reflect.DeepEqual(w, walker{}) {
			t.Errorf("tag value %q: the state's walker still references the call: %+v", tc.value, w)
		}
		st.reset()
		g.states.Put(st)
	}
}
