package sensitive_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestUnconfiguredDetectorsDetect: the zero Detector and a nil *Detector
// find what the default one finds (safe by default), not nothing.
func TestUnconfiguredDetectorsDetect(t *testing.T) {
	var zero sensitive.Detector
	var nilDetector *sensitive.Detector
	inputs := []string{"jane.doe@example.com", "4111111111111111", "+14155550100", "acct 123456789012", "movies-2024"}
	for _, in := range inputs {
		want := sensitive.Default().Find(in)
		for name, d := range map[string]*sensitive.Detector{"zero": &zero, "nil": nilDetector} {
			if diff := cmp.Diff(want, d.Find(in)); diff != "" {
				t.Errorf("%s Detector, Find(%q) (-want +got):\n%s", name, in, diff)
			}
			if _, got := d.First(in); got != (len(want) > 0) {
				t.Errorf("%s Detector, First(%q) found = %v, want %v", name, in, got, len(want) > 0)
			}
		}
	}
}
