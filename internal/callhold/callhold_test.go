package callhold

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHoldEndsOnce: a call's hold on its state hands the state to the
// steps and gates that enter while the call runs, to none once it ended;
// exactly one party finishes the call: End's caller when no other holds
// the state, else whichever exit is the last, the ender's own included.
func TestHoldEndsOnce(t *testing.T) {
	type result struct {
		Entered  []bool // each Enter's answer, in order
		Clean    bool   // End's answer
		Finisher string // who got the state to finish the call: "end", or the op's index in after
	}
	for _, tc := range []struct {
		name string
		// before End: Enters and Exits ("+" and "-"); after End: the
		// ender's Leave ("e") when End was not clean, and the others
		before, after string
		want          result
	}{
		{"no holder", "", "", result{Clean: true, Finisher: "end"}},
		{"nested holders, all gone", "++--", "", result{Entered: []bool{true, true}, Clean: true, Finisher: "end"}},
		{"an Enter after the end", "", "+", result{Entered: []bool{false}, Clean: true, Finisher: "end"}},
		{"one still holds, exits after the ender", "++-", "e-", result{Entered: []bool{true, true}, Finisher: "after[1]"}},
		{"one still holds, exits before the ender", "++-", "-e", result{Entered: []bool{true, true}, Finisher: "after[1]"}},
		{"two hold, an Enter in between", "++", "-+e-", result{Entered: []bool{true, true, false}, Finisher: "after[3]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := new(int)
			r := New(st)
			var got result
			at := "" // the op whose Exit runs now
			finish := func(s *int) {
				if s != st || got.Finisher != "" {
					t.Fatalf("finish at %s with %p, finisher so far %q", at, s, got.Finisher)
				}
				got.Finisher = at
			}
			run := func(ops string, after bool) {
				for i, op := range ops {
					at = "after[" + string(rune('0'+i)) + "]"
					switch op {
					case '+':
						held := r.Enter()
						if held != nil && held != st {
							t.Fatalf("Enter returned another state")
						}
						got.Entered = append(got.Entered, held != nil)
					case '-':
						r.Exit()
					case 'e':
						r.Leave(finish)
					}
				}
				if !after && got.Finisher != "" {
					t.Fatal("an Exit before the end finished the call")
				}
			}
			run(tc.before, false)
			if r.Ended() {
				t.Fatal("ended before End")
			}
			if got.Clean = r.End(); got.Clean {
				got.Finisher = "end"
			}
			run(tc.after, true)
			if !r.Ended() || r.State() != nil {
				t.Errorf("after End: Ended() = %v, State() = %p", r.Ended(), r.State())
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
// No Enter after End gets the state, and exactly one party finishes the
// call: the ender, or one exit (run under -race).
func TestHoldEndRacesEnters(t *testing.T) {
	for round := range 300 {
		h := New(new(int))
		const workers = 4
		var finished atomic.Int32
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 50 {
					ended := h.Ended()
					if h.Enter() == nil {
						if !h.Ended() {
							t.Errorf("round %d: Enter got nothing before the end", round)
						}
						return
					}
					if ended {
						t.Errorf("round %d: Enter got the state after the end", round)
					}
					h.Exit()
				}
			}()
		}
		if h.End() {
			finished.Add(1)
		} else {
			h.Leave(func(*int) { finished.Add(1) })
		}
		wg.Wait()
		if n := finished.Load(); n != 1 {
			t.Errorf("round %d: the call was finished %d times, want once", round, n)
		}
	}
}
