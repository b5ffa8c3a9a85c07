// Package callhold keeps a guarded call's pooled state from outliving the
// call.
//
// A guard pools its call states: each call takes one when its audit step
// starts and puts it back when the step returns. The guard's later steps
// and its wire gate find the state through the call's context. A hook may
// return from a call without handing its request on and hand it on later,
// from another goroutine, with the call's context: the context would then
// name a state the pool has given another call since, whose checks would
// vouch for the late request. So the context holds a Hold, one per call,
// not the state: a step or gate enters it to get the state and exits when
// it returns; once the call ended, an enter gets nothing. A state that a
// step still holds when its call ends is its holders' until the last one
// exits, and that exit finishes the call (writes its audit event) in the
// audit step's place (see Leave).
package callhold

import (
	"math"
	"sync/atomic"
)

// Hold is one call's hold on its state S.
type Hold[S any] struct {
	st *S
	// holders counts the steps and gates that entered and did not exit;
	// End adds ended, and a hold of its caller's own.
	holders atomic.Int32
	// finish is what End's caller left, with Leave, for the last hold to
	// finish the call with.
	finish func(*S)
}

// ended marks a call that ended: holders is negative from then on,
// whatever holders still exit.
const ended = math.MinInt32

// New returns the hold of a call on st.
func New[S any](st *S) *Hold[S] { return &Hold[S]{st: st} }

// Enter returns the call's state to a step or gate, which holds it until
// Exit; nil once the call ended, and for no call (a nil h). A step holds it
// across its next handler: a hook may hand the request on from another
// goroutine and return, and the call end, while the step works.
func (h *Hold[S]) Enter() *S {
	if h == nil {
		return nil
	}
	// Never counted once the call ended, not even for a moment: an Exit
	// that counts down to the end is the last hold's.
	for {
		n := h.holders.Load()
		if n < 0 {
			return nil
		}
		if h.holders.CompareAndSwap(n, n+1) {
			return h.st
		}
	}
}

// Exit ends a hold that Enter gave. The last hold of a call whose end
// Leave left to it finishes the call.
func (h *Hold[S]) Exit() {
	if h.holders.Add(-1) == ended {
		h.finish(h.st)
	}
}

// End ends the call: a later Enter gets no state. Its caller (the audit
// step) keeps a hold of its own, and End reports whether it is the only
// one, as on every call but one whose request a hook handed on from
// another goroutine: the caller then finishes the call, and may pool the
// state. Otherwise it calls Leave.
func (h *Hold[S]) End() bool {
	return h.holders.Add(ended+1) == ended+1
}

// Leave hands the end of a call that End found held to the last hold:
// finish runs once, with the state, when that hold is let go (the
// caller's own, which Leave releases, or a step's or gate's), so that it
// reads the state when nothing writes it any more. The state is not the
// pool's again.
func (h *Hold[S]) Leave(finish func(*S)) {
	h.finish = finish // before the Exit whose count the last hold observes
	h.Exit()
}

// Ended reports whether h's call ended; false for no call (a nil h).
func (h *Hold[S]) Ended() bool { return h != nil && h.holders.Load() < 0 }

// State returns the call's state, for a step or gate that holds it, or for
// the moment: nil once the call ended, and for no call.
func (h *Hold[S]) State() *S {
	if h == nil || h.Ended() {
		return nil
	}
	return h.st
}
