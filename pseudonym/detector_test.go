package pseudonym_test

import (
	"strconv"
	"testing"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestNotFlaggedAsSensitive: the guard refuses identifiers that look like
// cards, phones or account numbers, so a pseudonym must never look like
// one. The alphabet keeps digits to 2–7 and runs of them short; this holds
// the detector to it on many pseudonyms, including the longest version
// number, ten digits before the separator.
func TestNotFlaggedAsSensitive(t *testing.T) {
	n := 100000
	if testing.Short() || raceEnabled {
		n = 5000
	}
	d := sensitive.Default()
	// A control: the same shape with a card number in it is flagged, so
	// the loop below can fail.
	if !d.Contains("pu1_4111111111111111abcdefghijklmnop") {
		t.Fatal("the detector misses a card number inside a pseudonym-shaped string; the test proves nothing")
	}
	for _, version := range []uint32{1, 1<<32 - 1} {
		p := newPseudonymizer(t, version, testKey(9))
		buf := make([]byte, 0, 64)
		for i := range n {
			var err error
			if i%2 == 0 {
				buf, err = p.AppendUserID(buf[:0], strconv.Itoa(i))
			} else {
				buf, err = p.AppendSessionID(buf[:0], strconv.Itoa(i))
			}
			if err != nil {
				t.Fatal(err)
			}
			if f, ok := d.First(string(buf)); ok {
				t.Errorf("pseudonym %q is flagged as %v", buf, f)
			}
		}
	}
}
