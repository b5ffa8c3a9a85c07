package dataplane

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
)

// TestHeldStateNotPooled: a call that returns while a step still holds
// its state (a hook handed the request on from another goroutine and
// returned) leaves the state as it is, out of the pool, for the step to
// finish with alone; the step's context then finds the call ended: a later
// step and the wire gate refuse the request.
func TestHeldStateNotPooled(t *testing.T) {
	g := testGuard(t, Policy{InsecureAllowRootCredentials: true})
	var (
		held    *callState
		lateCtx context.Context
	)
	errHeld := errors.New("held")
	_, _, err := g.handleAudit(middleware.WithOperationName(context.Background(), "Put"), middleware.InitializeInput{},
		middleware.InitializeHandlerFunc(func(ctx context.Context, _ middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
			held, lateCtx = refFrom(ctx).Enter(), ctx // no Exit: the step is still at work
			held.pseudonyms = append(held.pseudonyms, "p")
			return middleware.InitializeOutput{}, middleware.Metadata{}, errHeld
		}))
	if !errors.Is(err, errHeld) {
		t.Fatalf("the call's error = %v", err)
	}
	if held == nil {
		t.Fatal("the step got no state")
	}
	type seen struct {
		Op            string
		Pseudonyms    int
		StateAfterEnd bool
		StepRefusal   string
		GateRefusal   string
	}
	got := seen{Op: held.op, Pseudonyms: len(held.pseudonyms), StateAfterEnd: stateFrom(lateCtx) != nil}
	rule := func(err error) string {
		var sg *guarderr.SafeguardError
		if errors.As(err, &sg) {
			return sg.Rule
		}
		return ""
	}
	_, _, err = g.handleIdentifiers(lateCtx, middleware.InitializeInput{}, middleware.InitializeHandlerFunc(func(context.Context, middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
		t.Error("a late step handed the request on")
		return middleware.InitializeOutput{}, middleware.Metadata{}, nil
	}))
	got.StepRefusal = rule(err)
	got.GateRefusal = rule((&wireGate{g: g}).Ran(lateCtx, "Put"))
	want := seen{Op: "Put", Pseudonyms: 1, StepRefusal: guarderr.RuleBypassed, GateRefusal: guarderr.RuleBypassed}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the held state after its call returned (-want +got):\n%s", diff)
	}
	refFrom(lateCtx).Exit()
}
