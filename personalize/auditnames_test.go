package personalize

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// oldActedNames is acted.names before it sized its result once: the
// reference TestActedNames holds the new one to.
func oldActedNames(a acted) []string {
	var out []string
	for _, n := range actedNames {
		if a&n.bit != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// TestActedNames checks every set of safeguards: the same names in the same
// order as before, nil for none, and no room to spare.
func TestActedNames(t *testing.T) {
	var all acted
	for _, n := range actedNames {
		all |= n.bit
	}
	for a := acted(0); a <= all; a++ {
		if a&^all != 0 {
			continue
		}
		got, want := a.names(), oldActedNames(a)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("acted(%#x).names() mismatch (-want +got):\n%s", uint16(a), diff)
		}
		if cap(got) != len(got) {
			t.Errorf("acted(%#x).names() has capacity %d for %d names", uint16(a), cap(got), len(got))
		}
	}
}
