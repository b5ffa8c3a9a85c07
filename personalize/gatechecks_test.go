package personalize

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/securetransport"
)

// gateGuard builds a guard with its posture checks on (so that the gate
// checks the signer unless rootOK), offline.
func gateGuard(t *testing.T, reportOnly, rootOK bool) *Guard {
	t.Helper()
	p := Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN, KMSClient: newHealthyKMS(t), STSClient: dataplanetest.UserSTS{},
		S3Client: nopS3{}, PersonalizeClient: nopDescriber{}, InsecureAllowUnverifiableHTTPClient: true,
		InsecureReportOnly: reportOnly, InsecureAllowRootCredentials: rootOK}
	if reportOnly {
		p.Logger = slog.New(slog.DiscardHandler)
	}
	g, err := NewGuard(dataplanetest.InstantConfig(`{}`), p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGateChecksOnState holds the wire gate's checks through the call's
// state, which the gate uses when the state is its guard's, to the gate's
// own, which look the state up in the context: on every combination of
// report-only mode, the identity check, the stages that ran, the gate's
// client, the signer and the body, they return the same errors and leave
// the state the same.
func TestGateChecksOnState(t *testing.T) {
	type outcome struct {
		dataplanetest.GateErrors
		Acted    acted
		Reported int
	}
	const op = "CreateDatasetGroup"
	run := func(c securetransport.GateChecks, ctx context.Context, st *callState, sent *http.Request, signer, body string) outcome {
		errs := dataplanetest.RunGateChecks(c, ctx, op, sent, signer, body, &SafeguardError{Operation: op, Rule: RuleRequestChanged, Reason: "test"})
		return outcome{GateErrors: errs, Acted: st.acted, Reported: len(st.reported)}
	}
	for _, reportOnly := range []bool{false, true} {
		for _, rootOK := range []bool{false, true} {
			g := gateGuard(t, reportOnly, rootOK)
			for _, send := range []bool{false, true} {
				m := &wireGate{g: g, content: true}
				if send {
					m.send = &http.Client{}
				}
				for _, ran := range []stage{g.stages, g.stages &^ stageContent, 0} {
					for _, sent := range []*http.Request{dataplanetest.SentRequest("POST", "/", targetPrefix+op), dataplanetest.SentRequest("POST", "/", targetPrefix+"DeleteDatasetGroup"),
						dataplanetest.SentRequest("POST", "/x", targetPrefix+op), dataplanetest.SentRequest("GET", "/", targetPrefix+op), dataplanetest.SentRequest("POST", "/", "")} {
						for _, signer := range []string{"AKIDEXAMPLE", "AKIDOTHER", ""} {
							for _, body := range []string{`{"name":"movies"}`, `{"name":"jane.doe@example.com"}`, `{"nope":1}`, `{`, ``} {
								name := fmt.Sprintf("reportOnly=%v,rootOK=%v,send=%v,ran=%b,sent=%s %s %s,signer=%q,body=%s", reportOnly, rootOK, send, ran, sent.Method, sent.URL, sent.Header.Get("X-Amz-Target"), signer, body)
								state := func() (context.Context, *callState) {
									st := g.states.Get().(*callState)
									st.reset()
									st.ran, st.passes, st.signer = ran, ran, "AKIDEXAMPLE"
									return withState(middleware.WithOperationName(context.Background(), op), st), st
								}
								ctx, st := state()
								if st.g != g {
									t.Fatalf("%s: the pool's state has guard %p, want %p", name, st.g, g)
								}
								want := run(m, ctx, st, sent, signer, body)
								ctx, st = state()
								c := m.checks(stateFrom(ctx))
								// Through the state only on a secured client: the
								// unsecured one's Ran refuses through the gate.
								if viaState := c == securetransport.GateChecks(st); viaState != send {
									t.Fatalf("%s: the gate checks the call through its guard's state: %v, want %v", name, viaState, send)
								}
								got := run(c, ctx, st, sent, signer, body)
								// On the unsecured client both are the gate's own
								// checks, so the comparison holds trivially: what
								// must hold there is that Ran refuses the call.
								if !send && got.Ran == "" {
									t.Errorf("%s: an unsecured client's call passed Ran", name)
								}
								if diff := cmp.Diff(want, got); diff != "" {
									t.Errorf("%s: checks on the state mismatch (-gate's +state's):\n%s", name, diff)
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestGateUsesOnlyItsGuardsState shows that the gate checks a call through
// its state only when the state is its own guard's: another guard's state,
// or one made outside a pool, leaves the gate to its own checks, and those
// refuse another guard's state (see TestForeignGuardMiddlewareRefused).
// Through a state, the checks are those of the gate that looked it up.
func TestGateUsesOnlyItsGuardsState(t *testing.T) {
	g, other := gateGuard(t, false, false), gateGuard(t, false, false)
	for _, tc := range []struct {
		name   string
		st     *callState
		viaOwn bool
		ran    bool // whether Ran passes through the secured gate
	}{
		{"own guard's", g.states.Get().(*callState), true, true},
		{"another guard's", other.states.Get().(*callState), false, false},
		{"made outside a pool", &callState{}, false, true},
		{"none", nil, false, false},
	} {
		ctx := middleware.WithOperationName(context.Background(), "CreateDatasetGroup")
		if tc.st != nil {
			tc.st.op = g.ops["CreateDatasetGroup"]
			tc.st.ran, tc.st.passes = tc.st.op.stages, tc.st.op.stages
			ctx = withState(ctx, tc.st)
		}
		secured, unsecured := &wireGate{g: g, content: true, send: &http.Client{}}, &wireGate{g: g, content: true}
		got := secured.checks(stateFrom(ctx))
		if viaOwn := got == securetransport.GateChecks(tc.st); viaOwn != tc.viaOwn {
			t.Errorf("%s state: gate checks through the state = %v, want %v", tc.name, viaOwn, tc.viaOwn)
		}
		// Either way, a state of no other guard whose stages all ran
		// passes Ran: the gate's own checks find it in the context.
		if err := got.Ran(ctx, "CreateDatasetGroup"); (err == nil) != tc.ran {
			t.Errorf("%s state: Ran through the secured gate = %v", tc.name, err)
		}
		// The same state through another gate of the guard: that gate's
		// own conditions hold (its client is not secured).
		if err := unsecured.checks(stateFrom(ctx)).Ran(ctx, "CreateDatasetGroup"); err == nil {
			t.Errorf("%s state: Ran through the unsecured gate passed", tc.name)
		}
	}
}

// TestRanShortcutMatchesRan holds callState.Ran, which answers the call of
// every day itself, to ran, whose answer it replaces there: on every
// combination of the state's guard, operation and stages, the name the
// gate was given and the gate's client, the same refusal or none.
func TestRanShortcutMatchesRan(t *testing.T) {
	g, other := gateGuard(t, false, false), gateGuard(t, false, false)
	cdg, del := g.ops["CreateDatasetGroup"], g.ops["DeleteDatasetGroup"]
	type outcome struct{ Rule, Operation string }
	result := func(err error) outcome {
		if err == nil {
			return outcome{}
		}
		sg, ok := err.(*SafeguardError)
		if !ok {
			return outcome{Rule: fmt.Sprintf("%T", err)}
		}
		return outcome{sg.Rule, sg.Operation}
	}
	passed := 0
	for _, owner := range []*Guard{g, other, nil} {
		for _, op := range []*boundOp{cdg, del, nil} {
			for _, ran := range []stage{cdg.stages, del.stages, g.stages, cdg.stages &^ stageContent, 0} {
				for _, name := range []string{"CreateDatasetGroup", "DeleteDatasetGroup", "NoSuchOperation", ""} {
					for _, send := range []bool{true, false} {
						m := &wireGate{g: g, content: true}
						if send {
							m.send = &http.Client{}
						}
						st := &callState{g: owner, op: op, ran: ran, passes: ran}
						ctx := withState(middleware.WithOperationName(context.Background(), name), st)
						want := result(m.ran(ctx, name, st))
						// Through the checks the gate picks: the state's
						// only for its guard's state on a secured client.
						got := result(m.checks(stateFrom(ctx)).Ran(ctx, name))
						if got == (outcome{}) {
							if !send {
								t.Errorf("owner own=%v, op=%v, ran=%b, name=%q: an unsecured client's call passed Ran", owner == g, op != nil, ran, name)
							}
							passed++
						}
						if diff := cmp.Diff(want, got); diff != "" {
							t.Errorf("owner own=%v, op=%v, ran=%b, name=%q, send=%v: (-ran +Ran):\n%s", owner == g, op != nil, ran, name, send, diff)
						}
					}
				}
			}
		}
	}
	if passed == 0 {
		t.Fatal("no combination passed: the shortcut was never taken")
	}
}
