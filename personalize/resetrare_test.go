package personalize

import (
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// TestResetRareFieldAlone: reset clears the fields most calls leave empty
// (resetRare's) only when its test finds one set. Each is set here alone,
// the way a call can leave it (a list with one entry, a string, a schema
// buffer written or grown past what the pool keeps, parsed locations whose
// count a second pass through the step set back to zero), and reset must
// leave the state as a new one from the pool, the lists' entries cleared.
func TestResetRareFieldAlone(t *testing.T) {
	g := testGuard(t, Policy{})
	op := g.ops["CreateDatasetGroup"]
	for _, tc := range []struct {
		name string
		set  func(st *callState)
	}{
		{"reported", func(st *callState) { st.reported = append(st.reported, &SafeguardError{Rule: RuleEnum}) }},
		{"locations", func(st *callState) { st.locations = append(st.locations, placed{"s3://bucket/key", op.input}) }},
		{"dataset", func(st *callState) { st.dataset = "arn:dataset" }},
		{"schema", func(st *callState) { st.schema = `{"a":"b"}` }},
		{"schema buffer written", func(st *callState) { st.schemaBuf = append(st.schemaBuf[:0], `"{\"a\":\"b\"}"`...) }},
		{"schema buffer too large to keep", func(st *callState) { st.schemaBuf = make([]byte, 0, maxKeptSchemaBuf+1) }},
		{"parsed locations", func(st *callState) {
			st.parsed.set([]s3guard.Location{{Bucket: "bucket", Key: "key"}})
		}},
		{"parsed locations, count back to zero", func(st *callState) {
			st.parsed.set([]s3guard.Location{{Bucket: "bucket", Key: "key"}, {Bucket: "bucket", Key: "other"}})
			st.parsed.set(nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &callState{g: g}
			// Capacity from an earlier call, as a pooled state has.
			st.reported, st.locations = make([]*SafeguardError, 0, 2), make([]placed, 0, 2)
			tc.set(st)
			reported, locations := st.reported[:cap(st.reported)], st.locations[:cap(st.locations)]
			st.reset()
			got := *st
			if cap(got.schemaBuf) > maxKeptSchemaBuf {
				t.Errorf("reset kept a schema buffer of %d bytes", cap(got.schemaBuf))
			}
			if len(got.reported)+len(got.locations)+len(got.schemaBuf) != 0 {
				t.Errorf("lists after reset: reported %d, locations %d, schema buffer %d", len(got.reported), len(got.locations), len(got.schemaBuf))
			}
			got.reported, got.locations, got.schemaBuf = nil, nil, nil
			if !reflect.DeepEqual(callState{g: g}, got) {
				t.Errorf("reset left a field set: %+v", got)
			}
			if i := slices.IndexFunc(reported, func(e *SafeguardError) bool { return e != nil }); i >= 0 {
				t.Errorf("reset left reported entry %d", i)
			}
			if diff := cmp.Diff(make([]placed, len(locations)), locations, cmp.AllowUnexported(placed{}),
				cmp.Comparer(func(a, b *node) bool { return a == b })); diff != "" {
				t.Errorf("location entries after reset (-want +got):\n%s", diff)
			}
		})
	}
}
