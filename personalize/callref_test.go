package personalize

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// TestHeldStateNotPooled: a call that returns while a step still holds
// its state (a hook handed the request on from another goroutine and
// returned) leaves the state as it is, out of the pool, for the step to
// finish with alone; the step's context then finds the call ended: a later
// step and the wire gate refuse the request.
func TestHeldStateNotPooled(t *testing.T) {
	g := gateGuard(t, false, false)
	const op = "CreateDatasetGroup"
	var (
		held    *callState
		lateCtx context.Context
	)
	errHeld := errors.New("held")
	_, _, err := g.auditCall(middleware.WithOperationName(context.Background(), op), g.ops[op], middleware.InitializeInput{},
		middleware.InitializeHandlerFunc(func(ctx context.Context, _ middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
			held, lateCtx = refFrom(ctx).Enter(), ctx // no exit: the step is still at work
			held.keys = append(held.keys, placed{value: testKeyARN})
			return middleware.InitializeOutput{}, middleware.Metadata{}, errHeld
		}))
	if !errors.Is(err, errHeld) {
		t.Fatalf("the call's error = %v", err)
	}
	if held == nil {
		t.Fatal("the step got no state")
	}
	got := struct {
		Op            string
		Keys          int
		StateAfterEnd bool
		GateRefusal   string
	}{Keys: len(held.keys), StateAfterEnd: stateFrom(lateCtx) != nil}
	if held.op != nil {
		got.Op = held.op.name
	}
	var sg *SafeguardError
	if err := (&wireGate{g: g, content: true}).Ran(lateCtx, op); errors.As(err, &sg) {
		got.GateRefusal = sg.Rule
	}
	want := struct {
		Op            string
		Keys          int
		StateAfterEnd bool
		GateRefusal   string
	}{Op: op, Keys: 1, GateRefusal: RuleBypassed}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the held state after its call returned (-want +got):\n%s", diff)
	}
	refFrom(lateCtx).Exit()
}
