package datascan

import (
	"strconv"
	"testing"
)

// TestIDCache checks that the pseudonyms the cache returns are the
// Pseudonymizer's, for IDs seen before, colliding, too long to cache, and
// that wipe forgets the raw IDs.
func TestIDCache(t *testing.T) {
	p := testPseudonymizer(t)
	c := newIDCache()
	check := func(id string) {
		t.Helper()
		got, err := c.appendPseudonym([]byte("x,"), []byte(id), p.AppendUserIDBytes)
		if err != nil {
			t.Fatal(err)
		}
		want, err := p.UserID(id)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != "x,"+want {
			t.Fatalf("appendPseudonym(%q) = %q, want %q", id, got, "x,"+want)
		}
	}
	// Four times the slots: every slot is taken over, some several times.
	for round := range 2 {
		for i := range 4 * idCacheSlots {
			check("user-" + strconv.Itoa(i*(round+1)))
		}
	}
	long := string(make([]byte, idCacheMax+1))
	check(long)
	check(long)
	c.wipe()
	for _, s := range c.slots {
		if s.rawLen != 0 || s.raw != [idCacheMax]byte{} {
			t.Fatal("wipe left a raw ID in the cache")
		}
	}
}
