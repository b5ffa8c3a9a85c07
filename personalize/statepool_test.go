package personalize

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// TestPooledStateForgetsItsCall: a state back from the guard's pool keeps
// its guard and nothing of the call that used it before, the gate that
// checked it included; a gate checks a reused state through itself, not
// through the gate of the call before (a secured gate's state reused by a
// call through AddMiddleware's gate is still refused there).
func TestPooledStateForgetsItsCall(t *testing.T) {
	g := gateGuard(t, false, false)
	secured := &wireGate{g: g, content: true, send: &http.Client{}}
	unbound := g.unboundGate
	type seen struct {
		SameGuard               bool
		Ran                     stage
		Signer, Schema, Dataset string
		Keys, Roles, Locations  int
		Clean, Passed, Reported int
		Acted                   acted
		QuotedZero, OpNil       bool
	}
	view := func(st *callState) seen {
		return seen{SameGuard: st.g == g, Ran: st.ran, Signer: st.signer, Schema: st.schema, Dataset: st.dataset,
			Keys: len(st.keys), Roles: len(st.roles), Locations: len(st.locations), Clean: len(st.clean), Passed: len(st.passed),
			Reported: len(st.reported), Acted: st.acted, QuotedZero: st.schemaQuoted.IsZero(), OpNil: st.op == nil}
	}
	const op = "CreateSchema"
	for _, tc := range []struct {
		name      string
		first     *wireGate // the gate of the call before
		then      *wireGate // the gate of the call that reuses the state
		wantRanOK bool
	}{
		{"secured, then secured", secured, secured, true},
		{"secured, then AddMiddleware's", secured, unbound, false},
		{"AddMiddleware's, then secured", unbound, secured, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := g.states.Get().(*callState)
			ctx := withState(middleware.WithOperationName(context.Background(), op), st)
			st.ran, st.passes, st.op, st.signer, st.schema, st.dataset = g.stagesOf(g.ops[op]), g.stagesOf(g.ops[op]), g.ops[op], "AKIDEXAMPLE", `{"a":1}`, "arn:dataset"
			st.keys, st.roles, st.locations = append(st.keys, placed{testKeyARN, nil}), append(st.roles, testRoleARN), append(st.locations, placed{"s3://b/k", nil})
			st.clean, st.passed = append(st.clean, "movies"), append(st.passed, passedCheck{s: "movies"})
			st.reported = append(st.reported, &SafeguardError{Operation: op, Rule: RuleRequestChanged})
			st.acted = actedContent
			if viaState := tc.first.checks(stateFrom(ctx)) == any(st); viaState != (tc.first.send != nil) {
				t.Fatalf("the first gate checks through its guard's state: %v, want %v (only a secured client's)", viaState, tc.first.send != nil)
			}
			st.reset()
			if diff := cmp.Diff(seen{SameGuard: true, QuotedZero: true, OpNil: true}, view(st)); diff != "" {
				t.Errorf("state reset (-want +got):\n%s", diff)
			}
			g.states.Put(st)

			st = g.states.Get().(*callState)
			if diff := cmp.Diff(seen{SameGuard: true, QuotedZero: true, OpNil: true}, view(st)); diff != "" {
				t.Errorf("state back from the pool (-want +got):\n%s", diff)
			}
			st.ran, st.passes, st.op = g.stagesOf(g.ops[op]), g.stagesOf(g.ops[op]), g.ops[op]
			ctx = withState(middleware.WithOperationName(context.Background(), op), st)
			err := tc.then.checks(stateFrom(ctx)).Ran(ctx, op)
			if got := err == nil; got != tc.wantRanOK {
				t.Errorf("Ran through the reusing call's gate = %v, want passing %v", err, tc.wantRanOK)
			}
			if viaState := tc.then.checks(stateFrom(ctx)) == any(st); viaState != tc.wantRanOK {
				t.Errorf("the reusing call's gate checks through the state: %v, want %v", viaState, tc.wantRanOK)
			}
		})
	}
}
