package dataplanetest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// AtInitialize is a Late hook's place right after the audit step, before
// the guard's other Initialize steps.
const AtInitialize = "Initialize after the audit step"

// ErrHeld ends the call whose attempt a Late hook holds: nothing was sent.
var ErrHeld = errors.New("late: the attempt is held, not sent")

// Late is a hook that returns from a call without handing its request on,
// and hands it on later, holding the call's context: after the call
// returned, or from within the next call it sees, before that call goes
// on. The call's state is pooled: the later call may hold the very state
// the first call's context names.
type Late struct {
	during bool
	// async hands the first call's request on from a goroutine of its
	// own, at once, racing the call's return (see RunLateRacing).
	async bool
	wg    sync.WaitGroup

	mu    sync.Mutex
	held  func() error // hands the held request on; nil before and after
	calls int
	err   error // the late send's error
	sent  bool  // whether the late send ran
}

// Hook returns Late's APIOptions entry, at step: AtInitialize (after the
// audit step auditID) or AtDeserialize (right before the wire gate
// wireGate).
func (l *Late) Hook(step, auditID, wireGate string) func(*middleware.Stack) error {
	const id = "Test:Late"
	return func(s *middleware.Stack) error {
		switch step {
		case AtInitialize:
			return s.Initialize.Insert(middleware.InitializeMiddlewareFunc(id, func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
				middleware.InitializeOutput, middleware.Metadata, error,
			) {
				if l.hold(func() error { _, _, err := next.HandleInitialize(ctx, in); return err }) {
					return middleware.InitializeOutput{}, middleware.Metadata{}, ErrHeld
				}
				return next.HandleInitialize(ctx, in)
			}), auditID, middleware.After)
		case AtDeserialize:
			return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc(id, func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
				middleware.DeserializeOutput, middleware.Metadata, error,
			) {
				if l.hold(func() error { _, _, err := next.HandleDeserialize(ctx, in); return err }) {
					return middleware.DeserializeOutput{}, middleware.Metadata{}, ErrHeld
				}
				return next.HandleDeserialize(ctx, in)
			}), wireGate, middleware.Before)
		}
		return errors.New("dataplanetest: Late has no step " + step)
	}
}

// hold holds the first call's send and reports true; on the second call,
// in Late's during mode, it runs the held send before the call goes on.
func (l *Late) hold(send func() error) bool {
	l.mu.Lock()
	l.calls++
	if l.calls == 1 {
		if l.async {
			l.wg.Add(1)
			started := make(chan struct{})
			go func() {
				defer l.wg.Done()
				close(started)
				l.finish(send)
			}()
			// Returned as the send starts: the call's end and the late
			// request's first step race.
			<-started
		} else {
			l.held = send
		}
		l.mu.Unlock()
		return true
	}
	held := l.held
	l.held = nil
	l.mu.Unlock()
	if held != nil && l.during {
		l.finish(held)
	}
	return false
}

// Send hands the held request on now, with no call in flight.
func (l *Late) Send() {
	l.mu.Lock()
	held := l.held
	l.held = nil
	l.mu.Unlock()
	if held != nil {
		l.finish(held)
	}
}

func (l *Late) finish(send func() error) {
	err := send()
	l.mu.Lock()
	l.err, l.sent = err, true
	l.mu.Unlock()
}

// LateCase is one case of a client's TestRequestSentAfterItsCall.
type LateCase struct {
	Step   string // AtInitialize or AtDeserialize
	During bool   // the held request is handed on within the next call, else after its own call
}

func (c LateCase) String() string {
	when := "after the call"
	if c.During {
		when = "within the next call"
	}
	return c.Step + "/" + when
}

// LateCases are the cases RunLate runs.
var LateCases = []LateCase{
	{Step: AtInitialize}, {Step: AtInitialize, During: true},
	{Step: AtDeserialize}, {Step: AtDeserialize, During: true},
}

// LateRounds is how many times RunLate runs each case: the pool hands
// the later call the first call's state most times, not every time
// (under the race detector it drops one state in four).
const LateRounds = 8

// LateCall is one call through the case's client, with the APIOptions
// entry hook (none when nil). It returns the operation whose requests the
// endpoint counts.
type LateCall func(hook func(*middleware.Stack) error) (operation string, err error)

// RunLate runs each LateCase LateRounds times on the endpoint s, through
// the client newCall builds for a case with the audit log log: the first
// call ends with ErrHeld and nothing sent; its request, handed on after
// the call returned, is refused (transport.guard-bypassed) and never
// reaches s, whatever state the pool has given to another call since; the
// next call goes through; the audit log has the first call's failure, the
// late request's refusal and the next call's event, in that order.
func RunLate(t *testing.T, s *personalizetest.Server, auditID, wireGate string, newCall func(t *testing.T, log *AuditLog) LateCall) {
	for _, tc := range LateCases {
		t.Run(tc.String(), func(t *testing.T) {
			for round := range LateRounds {
				s.ResetRequests()
				var log AuditLog
				call := newCall(t, &log)
				l := &Late{during: tc.During}
				hook := l.Hook(tc.Step, auditID, wireGate)
				op, err := call(hook)
				if !errors.Is(err, ErrHeld) {
					t.Fatalf("round %d: the first call's error = %v, want ErrHeld", round, err)
				}
				if !tc.During {
					l.Send()
				}
				_, next := call(hook)
				l.mu.Lock()
				sent, lateErr := l.sent, l.err
				l.mu.Unlock()
				if !sent {
					t.Fatalf("round %d: the held request was not handed on", round)
				}
				got := struct{ Late, Next string }{Refusal(lateErr), Refusal(next)}
				want := struct{ Late, Next string }{guarderr.RuleBypassed + " at ", ""}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("round %d: the late request's and the next call's refusals (-want +got):\n%s", round, diff)
				}
				var received int
				for _, r := range APIRequests(s) {
					if r.Operation == op {
						received++
					}
				}
				if received != 1 {
					t.Errorf("round %d: the endpoint received %d %s requests, want 1 (the next call's)", round, received, op)
				}
				events := log.Events(t)
				wantEvents := []string{op + " failed", op + " rejected " + guarderr.RuleBypassed, op + " allowed"}
				if diff := cmp.Diff(wantEvents, events); diff != "" {
					t.Errorf("round %d: audit events (-want +got):\n%s", round, diff)
				}
			}
		})
	}
}

// RunLateRacing is RunLate for a hook that hands the first call's request
// on from a goroutine of its own and returns at once, while other calls
// go on beside it, LateRounds times at each Late step: whichever comes
// first, the call's return or the late request's checks, the request is
// refused (transport.guard-bypassed) or sent once, every other call goes
// through, the log has one event per call and one per refusal, and,
// under the race detector, no state is read and written at once (the call's pooled state is never another call's while the late
// request's checks hold it).
func RunLateRacing(t *testing.T, s *personalizetest.Server, auditID, wireGate string, newCall func(t *testing.T, log *AuditLog) LateCall) {
	for _, step := range []string{AtInitialize, AtDeserialize} {
		t.Run(step, func(t *testing.T) {
			var log AuditLog
			call := newCall(t, &log)
			s.ResetRequests()
			var op string
			lates := make([]*Late, LateRounds)
			var others sync.WaitGroup
			for round := range lates {
				l := &Late{async: true}
				lates[round] = l
				others.Add(1)
				go func() {
					defer others.Done()
					if _, err := call(nil); err != nil {
						t.Errorf("round %d: a call beside the late request: %v", round, err)
					}
				}()
				var err error
				if op, err = call(l.Hook(step, auditID, wireGate)); !errors.Is(err, ErrHeld) {
					t.Errorf("round %d: the first call's error = %v, want ErrHeld", round, err)
				}
			}
			others.Wait()
			sent := LateRounds // the calls beside
			for round, l := range lates {
				l.wg.Wait()
				switch got := Refusal(l.err); got {
				case "":
					sent++
				case guarderr.RuleBypassed + " at ":
				default:
					t.Errorf("round %d: the late request's refusal = %q, want none or %s", round, got, guarderr.RuleBypassed)
				}
			}
			var received int
			for _, r := range APIRequests(s) {
				if r.Operation == op {
					received++
				}
			}
			t.Logf("%d of %d late requests sent", sent-LateRounds, LateRounds)
			if received != sent {
				t.Errorf("the endpoint received %d %s requests, want %d (the calls beside and the late requests sent)", received, op, sent)
			}
			// One event per call, and one per late request refused.
			count := map[string]int{}
			for _, e := range log.Events(t) {
				count[e]++
			}
			want := map[string]int{op + " failed": LateRounds, op + " allowed": LateRounds}
			if refused := 2*LateRounds - sent; refused > 0 {
				want[op+" rejected "+guarderr.RuleBypassed] = refused
			}
			if diff := cmp.Diff(want, count); diff != "" {
				t.Errorf("audit events, counted (-want +got):\n%s", diff)
			}
		})
	}
}

// RunHeldInGate runs a hook, right before the wire gate, that hands a copy
// of the request on from a goroutine, with plant put into its body, and
// returns (ErrHeld) once the copy is inside the gate: the copy's stream
// holds the gate's first look at it until the call has returned. The
// client is in report-only mode (newCall builds it so): the copy, checked
// against its own call's state, is sent once let go, and the finding it
// reports after its call returned reaches the call's one audit event,
// written when the gate lets the state go. The same when the hook panics
// in place of returning.
func RunHeldInGate(t *testing.T, s *personalizetest.Server, wireGate string, plant TwinPlant, newCall func(t *testing.T, log *AuditLog) LateCall) {
	for _, panics := range []bool{false, true} {
		t.Run(map[bool]string{false: "returns", true: "panics"}[panics], func(t *testing.T) {
			runHeldInGate(t, s, wireGate, plant, newCall, panics)
		})
	}
}

func runHeldInGate(t *testing.T, s *personalizetest.Server, wireGate string, plant TwinPlant, newCall func(t *testing.T, log *AuditLog) LateCall, panics bool) {
	s.ResetRequests()
	var log AuditLog
	call := newCall(t, &log)
	entered, release := make(chan struct{}), make(chan struct{})
	var lateErr error
	var wg sync.WaitGroup
	rewrite := SetMember(t, plant.Member, plant.Value)
	hook := func(st *middleware.Stack) error {
		return st.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("Test:HeldInGate", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
			middleware.DeserializeOutput, middleware.Metadata, error,
		) {
			req := in.Request.(*smithyhttp.Request)
			b, err := io.ReadAll(req.GetStream())
			if err != nil {
				return middleware.DeserializeOutput{}, middleware.Metadata{}, err
			}
			body := rewrite(string(b))
			stream := &heldStream{Reader: bytes.NewReader([]byte(body)), entered: entered, release: release}
			c, err := req.Clone().SetStream(stream)
			if err != nil {
				return middleware.DeserializeOutput{}, middleware.Metadata{}, err
			}
			stream.armed = true // SetStream seeks to learn where the stream starts
			c.ContentLength = int64(len(body))
			copyIn := in
			copyIn.Request = c
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, lateErr = next.HandleDeserialize(ctx, copyIn)
			}()
			<-entered
			if panics {
				panic(ErrHeld)
			}
			return middleware.DeserializeOutput{}, middleware.Metadata{}, ErrHeld
		}), wireGate, middleware.Before)
	}
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = r.(error)
			}
		}()
		_, err = call(hook)
		return err
	}()
	if !errors.Is(err, ErrHeld) {
		t.Fatalf("the call's error or panic = %v, want ErrHeld", err)
	}
	eventsAtReturn := log.Events(t)
	close(release)
	wg.Wait()
	var received []string // the copies: a panic leaves op unknown
	for _, r := range APIRequests(s) {
		if strings.Contains(string(r.Body), plant.Value) {
			received = append(received, string(r.Body))
		}
	}
	type seen struct {
		EventsAtReturn []string
		LateErr        string
		Received       int
		Events         []twinEvent
	}
	events := twinEvents(t, &log)
	for i := range events {
		events[i].Safeguards = nil // what acted varies by client; the findings do not
	}
	got := seen{EventsAtReturn: eventsAtReturn, LateErr: Refusal(lateErr), Received: len(received), Events: events}
	want := seen{Received: 1, Events: []twinEvent{{Outcome: "failed", ReportOnly: []string{plant.Rule + " at " + plant.Field}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("a copy held in the gate past its call's return (-want +got):\n%s", diff)
	}
}

// heldStream is a request body whose first Seek once armed (the wire
// gate's first look at a stream that is not a *bytes.Reader) says so on
// entered and waits for release.
type heldStream struct {
	*bytes.Reader
	entered, release chan struct{}
	armed            bool // set before the copy is handed on
	once             sync.Once
}

func (h *heldStream) Seek(offset int64, whence int) (int64, error) {
	if !h.armed {
		return h.Reader.Seek(offset, whence)
	}
	h.once.Do(func() {
		close(h.entered)
		<-h.release
	})
	return h.Reader.Seek(offset, whence)
}

// RunPassedOnTwice runs a hook, right after the audit step, that hands the
// call on twice, at once from two goroutines or one after the other, and
// waits for both: the
// guard's Initialize steps are not written for two passes on one call's
// state, so one pass is refused (transport.guard-bypassed) at the first of
// them it reaches second, with an audit event of its own, and the other
// goes on alone and is sent (under the race detector, nothing of the state
// is raced on). Rounds are repeated, as which pass wins varies.
func RunPassedOnTwice(t *testing.T, s *personalizetest.Server, auditID string, newCall func(t *testing.T, log *AuditLog) LateCall) {
	for _, atOnce := range []bool{true, false} {
		t.Run(map[bool]string{true: "at once", false: "one after the other"}[atOnce], func(t *testing.T) {
			runPassedOnTwice(t, s, auditID, newCall, atOnce)
		})
	}
}

func runPassedOnTwice(t *testing.T, s *personalizetest.Server, auditID string, newCall func(t *testing.T, log *AuditLog) LateCall, atOnce bool) {
	for round := range LateRounds {
		s.ResetRequests()
		var log AuditLog
		call := newCall(t, &log)
		var errs [2]error
		hook := func(st *middleware.Stack) error {
			return st.Initialize.Insert(middleware.InitializeMiddlewareFunc("Test:PassedOnTwice", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
				middleware.InitializeOutput, middleware.Metadata, error,
			) {
				var outs [2]middleware.InitializeOutput
				var mds [2]middleware.Metadata
				var wg sync.WaitGroup
				for i := range errs {
					if !atOnce {
						outs[i], mds[i], errs[i] = next.HandleInitialize(ctx, in)
						continue
					}
					wg.Add(1)
					go func() {
						defer wg.Done()
						outs[i], mds[i], errs[i] = next.HandleInitialize(ctx, in)
					}()
				}
				wg.Wait()
				for i := range errs {
					if errs[i] == nil {
						return outs[i], mds[i], nil
					}
				}
				return outs[0], mds[0], errs[0]
			}), auditID, middleware.After)
		}
		op, err := call(hook)
		if err != nil {
			t.Fatalf("round %d: the call's error = %v", round, err)
		}
		got := []string{Refusal(errs[0]), Refusal(errs[1])}
		slices.Sort(got)
		var received int
		for _, r := range APIRequests(s) {
			if r.Operation == op {
				received++
			}
		}
		events := log.Events(t)
		slices.Sort(events)
		type seen struct {
			Refusals []string
			Received int
			Events   []string
		}
		want := seen{Refusals: []string{"", guarderr.RuleBypassed + " at "}, Received: 1,
			Events: []string{op + " allowed", op + " rejected " + guarderr.RuleBypassed}}
		if diff := cmp.Diff(want, seen{got, received, events}); diff != "" {
			t.Errorf("round %d: a call handed on twice at once after its audit step (-want +got):\n%s", round, diff)
		}
	}
}
