package securetransport

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCleanTextsRecentMatchesSet holds CleanTexts.Has, which compares a
// value with its slot's recent one before the set, to a plain set built
// from the same adds: values that share a slot and displace each other,
// values that differ from a slot's in one byte, the empty string, values
// past maxCleanText, and adds past maxCleanTexts, which the set refuses
// and so must the slot.
func TestCleanTextsRecentMatchesSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 2))
	var pool []string
	for i := range 40 {
		pool = append(pool, fmt.Sprintf("tag-%d", i), fmt.Sprintf("tag-%d", i)+"x", fmt.Sprintf("arn:aws:iam::123456789012:role/r%02d", i))
	}
	// Same length and end bytes, so the same slot: they displace each other.
	pool = append(pool, "aXb", "aYb", "aZb", "", string(make([]byte, maxCleanText+1)), "team", "tean", "Team")
	for round := range 20 {
		var c CleanTexts
		model := map[string]bool{}
		var want, got []bool
		for range 400 {
			s := pool[rng.IntN(len(pool))]
			if rng.IntN(3) == 0 {
				c.Add(s)
				if len(s) <= maxCleanText && len(model) < maxCleanTexts {
					model[s] = true
				}
				continue
			}
			want, got = append(want, model[s]), append(got, c.Has(s))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d: Has (-want +got):\n%s", round, diff)
		}
		for slot := range c.recent {
			if p := c.recent[slot].Load(); p != nil && (!model[*p] || recentSlot(*p) != slot) {
				t.Errorf("round %d: slot %d holds a value the set does not, or another slot's", round, slot)
			}
		}
	}
}

// TestCleanTextsRecentConcurrent: adds and lookups from many goroutines
// (run with -race) answer as the set does: a value added is found, one
// never added is not.
func TestCleanTextsRecentConcurrent(t *testing.T) {
	var c CleanTexts
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				s := fmt.Sprintf("v%d-%d", g, i%5)
				c.Add(s)
				if !c.Has(s) {
					t.Errorf("%q not found after its add", s)
				}
				if c.Has(s + "never") {
					t.Errorf("%q found, never added", s+"never")
				}
			}
		}()
	}
	wg.Wait()
}
