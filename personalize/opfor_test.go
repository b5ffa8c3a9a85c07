package personalize

import (
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
)

// TestOpForDifferential: opFor, the map lookup through the last operation
// found, answers as the map does for every operation of the table, for
// names it does not have (a prefix of one, one with a byte more, a name
// differing in case, the empty name), in an order that alternates them,
// and from goroutines racing on the one memo.
func TestOpForDifferential(t *testing.T) {
	g := testGuard(t, Policy{})
	var names []string
	for name, op := range g.ops {
		if op.name != name {
			t.Fatalf("the table's entry for %q is named %q", name, op.name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	if len(names) < 50 {
		t.Fatalf("only %d operations", len(names))
	}
	probe := append([]string{"", "CreateDatasetGroupX", "createDatasetGroup", "CreateDataset", "CreateDatasetGroup\x00"}, names...)
	for _, name := range names {
		probe = append(probe, name[:len(name)-1], name+"s")
	}
	check := func(t *testing.T, r *rand.Rand, n int) {
		for range n {
			name := probe[r.IntN(len(probe))]
			if got, want := g.opFor(name), g.ops[name]; got != want {
				t.Errorf("opFor(%q) = %v, want %v", name, got, want)
				return
			}
			// Twice: the second from the memo the first may have set.
			if got, want := g.opFor(name), g.ops[name]; got != want {
				t.Errorf("opFor(%q) again = %v, want %v", name, got, want)
				return
			}
		}
	}
	check(t, rand.New(rand.NewPCG(1, 2)), 20000)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			check(t, rand.New(rand.NewPCG(uint64(i), 7)), 5000)
		}()
	}
	wg.Wait()
}
