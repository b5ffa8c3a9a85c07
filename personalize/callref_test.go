package personalize

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
)

// TestHeldStateNotPooled: a call that returns while a step still holds
// its state (a hook handed the request on from another goroutine and
// returned) leaves the state to the step, out of the pool: the step's
// context finds the call ended (a later step and the wire gate refuse the
// request), what the step reports in report-only mode after the call
// returned still reaches the call's one audit event, and the step's
// release, the last hold, writes that event.
func TestHeldStateNotPooled(t *testing.T) {
	g := gateGuard(t, true, false)
	var log dataplanetest.AuditLog
	g.s.Logger = log.Logger()
	const op = "CreateDatasetGroup"
	var (
		held    *callState
		lateCtx context.Context
	)
	errHeld := errors.New("held")
	_, _, err := g.auditCall(middleware.WithOperationName(context.Background(), op), g.ops[op], middleware.InitializeInput{},
		middleware.InitializeHandlerFunc(func(ctx context.Context, _ middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
			held, lateCtx = refFrom(ctx).Enter(), ctx // no release: the step is still at work
			held.keys = append(held.keys, placed{value: testKeyARN})
			return middleware.InitializeOutput{}, middleware.Metadata{}, errHeld
		}))
	if !errors.Is(err, errHeld) {
		t.Fatalf("the call's error = %v", err)
	}
	if held == nil {
		t.Fatal("the step got no state")
	}
	eventsAtReturn := log.Events(t)
	// The step, still at work, reports a finding.
	if err := g.violation(lateCtx, held, &SafeguardError{Operation: op, Field: "Tags[0].TagValue", Rule: "sensitive.ssn"}); err != nil {
		t.Fatalf("report-only violation = %v", err)
	}
	type seen struct {
		Op             string
		Keys           int
		StateAfterEnd  bool
		StepRefusal    string
		GateRefusal    string
		EventsAtReturn []string
		EventsAtExit   []string
	}
	got := seen{Keys: len(held.keys), StateAfterEnd: stateFrom(lateCtx) != nil, EventsAtReturn: eventsAtReturn}
	if held.op != nil {
		got.Op = held.op.name
	}
	rule := func(err error) string {
		var sg *SafeguardError
		if errors.As(err, &sg) {
			return sg.Rule
		}
		return ""
	}
	var lateLog dataplanetest.AuditLog
	g.s.Logger = lateLog.Logger() // the refusals' own events apart
	_, _, err = g.stepByID(IDFieldContent).HandleInitialize(lateCtx, middleware.InitializeInput{}, middleware.InitializeHandlerFunc(
		func(context.Context, middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
			t.Error("a late step handed the request on")
			return middleware.InitializeOutput{}, middleware.Metadata{}, nil
		}))
	got.StepRefusal = rule(err)
	got.GateRefusal = rule((&wireGate{g: g, content: true}).Ran(lateCtx, op))
	g.s.Logger = log.Logger()
	refFrom(lateCtx).Exit()
	got.EventsAtExit = log.Events(t)
	want := seen{Op: op, Keys: 1, StepRefusal: RuleBypassed, GateRefusal: RuleBypassed,
		EventsAtExit: []string{op + " failed"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the held state after its call returned (-want +got):\n%s", diff)
	}
	if !strings.Contains(log.String(), `"report_only":["sensitive.ssn at Tags[0].TagValue"]`) {
		t.Errorf("the call's event lacks the finding reported after it returned: %s", log.String())
	}
	if n := len(lateLog.Events(t)); n != 2 {
		t.Errorf("the late step's and gate's refusals wrote %d events, want 2: %s", n, lateLog.String())
	}
}
