package dataplane

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
)

// TestHeldStateNotPooled: a call that returns while a step still holds
// its state (a hook handed the request on from another goroutine and
// returned) leaves the state to the step, out of the pool: the step's
// context finds the call ended (a later step and the wire gate refuse the
// request), what the step reports in report-only mode after the call
// returned still reaches the call's one audit event, and the step's
// release, the last hold, writes that event.
func TestHeldStateNotPooled(t *testing.T) {
	var log, lateLog dataplanetest.AuditLog
	g := testGuard(t, Policy{InsecureAllowRootCredentials: true, InsecureReportOnly: true, Logger: log.Logger()})
	var (
		held    *callState
		lateCtx context.Context
	)
	errHeld := errors.New("held")
	_, _, err := g.handleAudit(middleware.WithOperationName(context.Background(), "Put"), middleware.InitializeInput{},
		middleware.InitializeHandlerFunc(func(ctx context.Context, _ middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
			held, lateCtx = refFrom(ctx).Enter(), ctx // no release: the step is still at work
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
		Op             string
		Pseudonyms     int
		StateAfterEnd  bool
		StepRefusal    string
		GateRefusal    string
		EventsAtReturn []string
		EventsAtExit   []string
		LateEvents     int
	}
	got := seen{Op: held.op, Pseudonyms: len(held.pseudonyms), StateAfterEnd: stateFrom(lateCtx) != nil, EventsAtReturn: log.Events(t)}
	// The step, still at work, reports a finding.
	if err := g.violation(held, &guarderr.SafeguardError{Operation: "Put", Field: "Ids[0]", Rule: "sensitive.ssn"}); err != nil {
		t.Fatalf("report-only violation = %v", err)
	}
	rule := func(err error) string {
		var sg *guarderr.SafeguardError
		if errors.As(err, &sg) {
			return sg.Rule
		}
		return ""
	}
	g.s.Logger = lateLog.Logger() // the refusals' own events apart
	_, _, err = g.handleIdentifiers(lateCtx, middleware.InitializeInput{}, middleware.InitializeHandlerFunc(func(context.Context, middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
		t.Error("a late step handed the request on")
		return middleware.InitializeOutput{}, middleware.Metadata{}, nil
	}))
	got.StepRefusal = rule(err)
	got.GateRefusal = rule((&wireGate{g: g}).Ran(lateCtx, "Put"))
	got.LateEvents = len(lateLog.Events(t))
	g.s.Logger = log.Logger()
	refFrom(lateCtx).Exit()
	got.EventsAtExit = log.Events(t)
	want := seen{Op: "Put", Pseudonyms: 1, StepRefusal: guarderr.RuleBypassed, GateRefusal: guarderr.RuleBypassed,
		EventsAtExit: []string{"Put failed"}, LateEvents: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the held state after its call returned (-want +got):\n%s", diff)
	}
	if !strings.Contains(log.String(), `"report_only":["sensitive.ssn at Ids[0]"]`) {
		t.Errorf("the call's event lacks the finding reported after it returned: %s", log.String())
	}
}

// TestRefusedStepNotPassed: a step that refused the call ran but did not
// pass it on, and the wire gate refuses a request of that call: a hook
// that keeps the chain after the steps from another call and hands this
// call's request on to it finds the refusal standing.
func TestRefusedStepNotPassed(t *testing.T) {
	g := testGuard(t, Policy{STSClient: refusedSTS{errors.New("no answer")}})
	identity := g.identityStep(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""))
	pass := middleware.InitializeHandlerFunc(func(context.Context, middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
		return middleware.InitializeOutput{}, middleware.Metadata{}, nil
	})
	var stepErr, gateErr error
	_, _, _ = g.handleAudit(middleware.WithOperationName(context.Background(), "Put"), middleware.InitializeInput{},
		middleware.InitializeHandlerFunc(func(ctx context.Context, in middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
			if _, _, err := g.handleIdentifiers(ctx, in, pass); err != nil {
				t.Fatalf("the identifier step: %v", err)
			}
			_, _, stepErr = identity.HandleInitialize(ctx, in, middleware.InitializeHandlerFunc(func(context.Context, middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
				t.Error("the identity step passed the call on")
				return middleware.InitializeOutput{}, middleware.Metadata{}, nil
			}))
			gateErr = (&wireGate{g: g}).checks(stateFrom(ctx)).Ran(ctx, "Put")
			return middleware.InitializeOutput{}, middleware.Metadata{}, stepErr
		}))
	rule := func(err error) string {
		var sg *guarderr.SafeguardError
		if errors.As(err, &sg) {
			return sg.Rule
		}
		return fmt.Sprint(err)
	}
	if diff := cmp.Diff([]string{guarderr.RuleIdentityCheckFailed, guarderr.RuleBypassed}, []string{rule(stepErr), rule(gateErr)}); diff != "" {
		t.Errorf("the identity step's and the gate's refusals (-want +got):\n%s", diff)
	}
}
