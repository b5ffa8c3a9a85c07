package personalize

import (
	"strings"
	"testing"
)

// TestResetKeepsSchemaBuf: a pooled call state keeps the buffer of the
// schema's writing up to the size the model's longest schema needs, and
// forgets the writing itself.
func TestResetKeepsSchemaBuf(t *testing.T) {
	g := testGuard(t, Policy{})
	longest := `{"doc":"` + strings.Repeat(`a\"`, (20000-10)/3) + `"}`
	if len(longest) > 20000 || !shapeAvroSchema.fits(longest) {
		t.Fatalf("the schema is %d bytes, over the model's limit", len(longest))
	}
	st := &callState{}
	q, buf, ok := cleanSchemaQuoted(st.schemaBuf, longest, g.s.Detector, nil)
	if !ok {
		t.Fatalf("the longest schema is not clean")
	}
	st.schemaBuf, st.schemaQuoted = buf, q
	st.reset()
	if cap(st.schemaBuf) != cap(buf) || !st.schemaQuoted.IsZero() {
		t.Errorf("reset kept %d bytes of %d and the writing %v; want the buffer and no writing", cap(st.schemaBuf), cap(buf), !st.schemaQuoted.IsZero())
	}
	st.schemaBuf = make([]byte, 0, maxKeptSchemaBuf+1)
	st.reset()
	if st.schemaBuf != nil {
		t.Errorf("reset kept a buffer of %d bytes, over %d", cap(st.schemaBuf), maxKeptSchemaBuf)
	}
}
