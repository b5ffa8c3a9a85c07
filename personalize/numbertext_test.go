package personalize

import (
	"bytes"
	"math"
	"testing"

	smithyjson "github.com/aws/smithy-go/encoding/json"
	"github.com/google/go-cmp/cmp"
)

// TestNumberTextIsTheSerializers: a named number's text is what the SDK's
// serializer writes for it, and nothing for zero or a float it cannot
// write.
func TestNumberTextIsTheSerializers(t *testing.T) {
	for _, v := range []float64{1, 912803456, -912803456, 4539703692581474, 0.25, 1e-7, 1e22, 123456.789} {
		enc := smithyjson.NewEncoder()
		enc.Value.Double(v)
		if diff := cmp.Diff(string(bytes.TrimSpace(enc.Bytes())), numberText(v)); diff != "" {
			t.Errorf("numberText(%v) (-serializer +got):\n%s", v, diff)
		}
	}
	for _, v := range []int32{1, 912803, -40417, math.MaxInt32} {
		enc := smithyjson.NewEncoder()
		enc.Value.Integer(v)
		if diff := cmp.Diff(string(enc.Bytes()), numberText(v)); diff != "" {
			t.Errorf("numberText(%v) (-serializer +got):\n%s", v, diff)
		}
	}
	for _, got := range []string{numberText(0.0), numberText(int32(0)), numberText(math.Inf(1)), numberText(math.NaN()), numberText(float32(0))} {
		if got != "" {
			t.Errorf("numberText of zero or a non-finite float = %q, want none", got)
		}
	}
	// A named float is written as a float (review: it was truncated).
	type bound float64
	if got, want := numberText(bound(912803456.7)), numberText(912803456.7); got != want {
		t.Errorf("numberText(bound(912803456.7)) = %q, want %q", got, want)
	}
}
