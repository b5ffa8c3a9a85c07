package personalizeevents_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplane"
	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestForeignRefusalAudited: a call refused because another Guard's
// middleware runs in it is written to the audit log of the client's Guard
// exactly once, as every refused call is, whether that Guard's audit step
// ran on it or the other Guard's ran in its place or ahead of it (then
// the call's state was the other Guard's, and the refusal was recorded
// only in the other Guard's log).
func TestForeignRefusalAudited(t *testing.T) {
	type event struct{ Outcome, Rule string }
	bypassed := []event{{"rejected", "transport.guard-bypassed"}}
	for _, fc := range foreignClients {
		for _, tt := range []struct {
			name string
			edit func(audit middleware.InitializeMiddleware, gate middleware.DeserializeMiddleware) func(*middleware.Stack) error
		}{
			{"the other's audit step in place of the client's", func(audit middleware.InitializeMiddleware, _ middleware.DeserializeMiddleware) func(*middleware.Stack) error {
				return func(s *middleware.Stack) error { _, err := s.Initialize.Swap(dataplane.IDAudit, audit); return err }
			}},
			{"the other's audit step ahead of the client's", func(audit middleware.InitializeMiddleware, _ middleware.DeserializeMiddleware) func(*middleware.Stack) error {
				return func(s *middleware.Stack) error {
					return s.Initialize.Insert(middleware.InitializeMiddlewareFunc("foreign-audit", audit.HandleInitialize), dataplane.IDAudit, middleware.Before)
				}
			}},
			{"the other's audit step after the client's steps", func(audit middleware.InitializeMiddleware, _ middleware.DeserializeMiddleware) func(*middleware.Stack) error {
				return func(s *middleware.Stack) error {
					return s.Initialize.Add(middleware.InitializeMiddlewareFunc("foreign-audit", audit.HandleInitialize), middleware.After)
				}
			}},
			{"the other's audit step and gate in place of the client's", func(audit middleware.InitializeMiddleware, gate middleware.DeserializeMiddleware) func(*middleware.Stack) error {
				return func(s *middleware.Stack) error {
					if _, err := s.Initialize.Swap(dataplane.IDAudit, audit); err != nil {
						return err
					}
					_, err := s.Deserialize.Swap(dataplane.IDWireGate, gate)
					return err
				}
			}},
			{"the other's gate", func(_ middleware.InitializeMiddleware, gate middleware.DeserializeMiddleware) func(*middleware.Stack) error {
				return func(s *middleware.Stack) error { _, err := s.Deserialize.Swap(dataplane.IDWireGate, gate); return err }
			}},
		} {
			t.Run(fc.name+"/"+tt.name, func(t *testing.T) {
				s, c := dataplanetest.Start(t)
				var log dataplanetest.AuditLog
				call, err := fc.newCall(s.Config(), dataplane.Policy{Logger: log.Logger()}, c)
				if err != nil {
					t.Fatal(err)
				}
				otherCall, err := fc.newCall(s.ConfigAs(personalizetest.AccessKeyID), dataplane.Policy{InsecureReportOnly: true, Logger: new(dataplanetest.AuditLog).Logger()}, c)
				if err != nil {
					t.Fatal(err)
				}
				audit := takeMiddleware(t, otherCall, initializeStep(dataplane.IDAudit)).(middleware.InitializeMiddleware)
				gate := takeMiddleware(t, otherCall, deserializeStep(dataplane.IDWireGate)).(middleware.DeserializeMiddleware)
				if err := call(t.Context(), "u1", tt.edit(audit, gate), nil); err == nil {
					t.Fatal("a call with another Guard's middleware passed")
				}
				var got []event
				for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
					if line == "" {
						continue
					}
					var e struct {
						Outcome string `json:"outcome"`
						Rule    string `json:"rule"`
					}
					if err := json.Unmarshal([]byte(line), &e); err != nil {
						t.Fatalf("audit line %q: %v", line, err)
					}
					got = append(got, event{e.Outcome, e.Rule})
				}
				if diff := cmp.Diff(bypassed, got); diff != "" {
					t.Errorf("the client's Guard's audit events (-want +got):\n%s", diff)
				}
			})
		}
	}
}
