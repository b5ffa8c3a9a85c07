package kms

import (
	"context"
	"runtime"
	"testing"
	"weak"

	"github.com/google/go-cmp/cmp"
)

// Facts the Checker no longer serves — forgotten, or evicted for room —
// must not be kept alive by their staleness timer for the rest of their
// TTL: a guard whose inputs alternate across more keys than MaxEntries, or
// that calls Forget in a loop, would otherwise hold every round's policy,
// grants and reports for five minutes, past MaxEntries.
func TestReviewDroppedFactsAreCollectable(t *testing.T) {
	other := goodInput()
	other.KeyARN = "arn:aws:kms:us-east-1:111122223333:key/" + testMRKID
	for _, tt := range []struct {
		name string
		opts func(*CheckerOptions)
		drop func(c *Checker)
	}{
		{"forgotten", func(*CheckerOptions) {}, func(c *Checker) { c.Forget(goodInput()) }},
		{"evicted for room", func(o *CheckerOptions) { o.MaxEntries = 1 }, func(c *Checker) {
			if _, err := c.Check(context.Background(), other); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := NewChecker(goodFake(t), tt.opts) // the real clock, the default TTL: timed facts
			w := firstFacts(t, c)
			tt.drop(c)
			if _, err := c.Check(context.Background(), goodInput()); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				runtime.GC()
			}
			if diff := cmp.Diff(true, w.Value() == nil); diff != "" {
				t.Errorf("the dropped facts are still reachable (collected: -want +got):\n%s", diff)
			}
		})
	}
}

// firstFacts runs a Check and returns a weak pointer to the facts it made
// hot, holding no strong one.
func firstFacts(t *testing.T, c *Checker) weak.Pointer[keyFacts] {
	t.Helper()
	if _, err := c.Check(context.Background(), goodInput()); err != nil {
		t.Fatal(err)
	}
	f := c.last.Load().facts.Load()
	if f == nil || !f.timed {
		t.Fatal("the first Check left no timed hot facts")
	}
	return weak.Make(f)
}
