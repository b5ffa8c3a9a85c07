package dataplane

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/securetransport"
)

// TestGateChecksOnState holds the wire gate's checks through the call's
// state, which the gate uses when the state is its guard's, to the gate's
// own, which look the state up in the context: on every combination of the
// state's flags, the signer, the body and report-only mode they return the
// same error and leave the state the same.
func TestGateChecksOnState(t *testing.T) {
	type outcome struct {
		dataplanetest.GateErrors
		Acted    acted
		Reported int
	}
	run := func(c securetransport.GateChecks, ctx context.Context, st *callState, sent *http.Request, signer, body string) outcome {
		errs := dataplanetest.RunGateChecks(c, ctx, "Put", sent, signer, body,
			&guarderr.SafeguardError{Operation: "Put", Rule: guarderr.RuleRequestChanged, Reason: "test"})
		return outcome{GateErrors: errs, Acted: st.acted, Reported: len(st.reported)}
	}
	for _, reportOnly := range []bool{false, true} {
		for _, rootOK := range []bool{false, true} {
			p := Policy{InsecureReportOnly: reportOnly, InsecureAllowRootCredentials: rootOK, STSClient: refusedSTS{}}
			if reportOnly {
				p.Logger = slog.New(slog.DiscardHandler)
			}
			g := testGuard(t, p)
			m := &wireGate{g: g}
			for _, identifiers := range []bool{false, true} {
				for _, caller := range []bool{false, true} {
					for _, sent := range []*http.Request{dataplanetest.SentRequest("POST", "/put", ""), dataplanetest.SentRequest("POST", "/get", ""),
						dataplanetest.SentRequest("PUT", "/put", ""), dataplanetest.SentRequest("POST", "", "")} {
						for _, signer := range []string{"AKIDEXAMPLE", "AKIDOTHER", ""} {
							for _, body := range []string{`{"ids":["a"]}`, `{"ids":["jane.doe@example.com"]}`, `{"nope":1}`, `{`} {
								name := fmt.Sprintf("reportOnly=%v,rootOK=%v,identifiers=%v,caller=%v,sent=%s %s,signer=%q,body=%s", reportOnly, rootOK, identifiers, caller, sent.Method, sent.URL, signer, body)
								state := func() (context.Context, *callState) {
									st := g.states.Get().(*callState)
									*st = callState{g: st.g, signer: "AKIDEXAMPLE"}
									if identifiers {
										st.passes |= stepIdentifiers
									}
									if caller {
										st.passes |= stepCaller
									}
									return withState(middleware.WithOperationName(context.Background(), "Put"), st), st
								}
								ctx, st := state()
								if st.g != g {
									t.Fatalf("%s: the pool's state has guard %p, want %p", name, st.g, g)
								}
								want := run(m, ctx, st, sent, signer, body)
								ctx, st = state()
								got := run(st, ctx, st, sent, signer, body)
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
// or one made outside a pool, leaves the gate to its own checks.
func TestGateUsesOnlyItsGuardsState(t *testing.T) {
	g, other := testGuard(t, Policy{InsecureAllowRootCredentials: true}), testGuard(t, Policy{InsecureAllowRootCredentials: true})
	for _, tc := range []struct {
		name   string
		st     *callState
		viaOwn bool
	}{
		{"own guard's", g.states.Get().(*callState), true},
		{"another guard's", other.states.Get().(*callState), false},
		{"made outside a pool", &callState{}, false},
		{"none", nil, false},
	} {
		ctx := context.Background()
		if tc.st != nil {
			ctx = withState(ctx, tc.st)
		}
		m := &wireGate{g: g}
		got := m.checks(stateFrom(ctx))
		if viaOwn := got == securetransport.GateChecks(tc.st); viaOwn != tc.viaOwn {
			t.Errorf("%s state: gate checks through the state = %v, want %v", tc.name, viaOwn, tc.viaOwn)
		}
	}
}
