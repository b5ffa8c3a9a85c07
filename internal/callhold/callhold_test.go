package callhold

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHoldEndsOnce: a call's hold on its state hands the state to the
// steps and gates that enter while the call runs, to none once it ended,
// and tells the call's end whether one still held it then (the state is
// then not pooled again).
func TestHoldEndsOnce(t *testing.T) {
	type result struct {
		Entered []bool // each enter's answer, in order
		Clean   bool   // end's answer
		Ended   bool
	}
	for _, tc := range []struct {
		name string
		// before end: enters and exits ("+" and "-"); after: enters
		before, after string
		want          result
	}{
		{"no holder", "", "", result{Clean: true, Ended: true}},
		{"nested holders, all gone", "++--", "", result{Entered: []bool{true, true}, Clean: true, Ended: true}},
		{"one still holds", "++-", "", result{Entered: []bool{true, true}, Ended: true}},
		{"an enter after the end", "", "+", result{Entered: []bool{false}, Clean: true, Ended: true}},
		{"a holder leaves after the end; a later enter", "+", "-+", result{Entered: []bool{true, false}, Ended: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := new(int)
			r := New(st)
			var got result
			run := func(ops string) {
				for _, op := range ops {
					switch op {
					case '+':
						held := r.Enter()
						if held != nil && held != st {
							t.Fatalf("enter returned another state")
						}
						got.Entered = append(got.Entered, held != nil)
					case '-':
						r.Exit()
					}
				}
			}
			run(tc.before)
			if r.Ended() {
				t.Fatal("ended before end")
			}
			got.Clean = r.End()
			run(tc.after)
			got.Ended = r.Ended()
			if (r.State() == nil) != got.Ended {
				t.Errorf("State() = %p after the call's end = %v", r.State(), got.Ended)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	var none *Hold[int]
	if none.Enter() != nil || none.Ended() || none.State() != nil {
		t.Error("no call's hold gave a state or ended")
	}
}

// TestHoldEndRacesEnters: goroutines enter and exit while the call ends.
// An End that reports no holder leaves none inside, and no Enter after
// End gets the state (run under -race).
func TestHoldEndRacesEnters(t *testing.T) {
	for round := range 200 {
		h := New(new(int))
		const workers = 4
		var inside [workers]atomic.Bool
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					ended := h.Ended()
					if h.Enter() == nil {
						if !h.Ended() {
							t.Errorf("round %d: Enter got nothing before the end", round)
						}
						continue
					}
					if ended {
						t.Errorf("round %d: Enter got the state after the end", round)
					}
					inside[w].Store(true)
					inside[w].Store(false)
					h.Exit()
				}
			}()
		}
		clean := h.End()
		for w := range inside {
			if clean && inside[w].Load() {
				t.Errorf("round %d: End reported no holder, and worker %d holds the state", round, w)
			}
		}
		close(stop)
		wg.Wait()
	}
}
