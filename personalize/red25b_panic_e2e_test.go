package personalize_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestAuditEventOfPanickedCall: a call that a panic ends — in a hook of the
// caller's after the guard's Initialize steps, before or after the request
// went out — still has its one audit event, outcome failed, as the panic
// passes the guard's audit step; the panic goes on to the caller
// unchanged. A caller that recovers (net/http does, for a handler) used to
// leave such a call, sent or not, out of the audit log.
func TestAuditEventOfPanickedCall(t *testing.T) {
	type hook struct {
		name string
		add  func(s *middleware.Stack, f func()) error
		sent int // requests the call sends before the panic
	}
	hooks := []hook{
		{"serialize, before sending", func(s *middleware.Stack, f func()) error {
			return s.Serialize.Add(middleware.SerializeMiddlewareFunc("Red25b:Panic",
				func(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
					f()
					return next.HandleSerialize(ctx, in)
				}), middleware.Before)
		}, 0},
		{"deserialize, after the answer", func(s *middleware.Stack, f func()) error {
			return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc("Red25b:Panic",
				func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleDeserialize(ctx, in)
					f()
					return out, md, err
				}), middleware.Before)
		}, 1},
	}
	s, c := dataplanetest.Start(t)
	for _, gc := range guardedClients {
		for _, h := range hooks {
			t.Run(gc.name+"/"+h.name, func(t *testing.T) {
				s.ResetRequests()
				var log strings.Builder
				var mu sync.Mutex
				call := gc.build(t, s.Config(), c, identityPolicy{logger: newAuditLogger(lockedBuilder{&mu, &log})})
				type hookPanic struct{ n int }
				for i := range 2 {
					recovered := func() (r any) {
						defer func() { r = recover() }()
						_ = call(context.Background(), perCall{stack: func(st *middleware.Stack) error {
							return h.add(st, func() { panic(hookPanic{i}) })
						}})
						return nil
					}()
					if recovered != (hookPanic{i}) {
						t.Fatalf("call %d: recovered %#v, want the hook's own panic", i+1, recovered)
					}
				}
				if err := call(context.Background(), perCall{}); err != nil {
					t.Fatalf("a call after two panicked ones = %v", err)
				}
				if got, want := requestsTo(s, gc.service), 2*h.sent+1; got != want {
					t.Errorf("%s requests = %d, want %d", gc.service, got, want)
				}
				mu.Lock()
				events := parseAudit(t, log.String())
				mu.Unlock()
				var outcomes []string
				for _, e := range events {
					outcomes = append(outcomes, e.Outcome)
				}
				want := []string{personalize.OutcomeFailed, personalize.OutcomeFailed, personalize.OutcomeAllowed}
				if strings.Join(outcomes, " ") != strings.Join(want, " ") {
					t.Errorf("audit outcomes = %q, want %q: one per call, a panicked one failed", outcomes, want)
				}
			})
		}
	}
}
