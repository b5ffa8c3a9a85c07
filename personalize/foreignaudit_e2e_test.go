package personalize_test

import (
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestForeignRefusalAudited: a call refused because another Guard's
// middleware runs in it is written to the audit log of the client's Guard
// once, as every refused call is, whether or not that Guard's audit step
// ran on it: in place of it (or ahead of it) the other Guard's audit step
// holds the call's state, and the refusal would otherwise be recorded only
// in the other Guard's log.
func TestForeignRefusalAudited(t *testing.T) {
	e := newEnv(t, personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true})
	other, err := personalize.New(guardedConfig(e.srv), personalize.Policy{InsecureReportOnly: true, Logger: newAuditLogger(io.Discard)})
	if err != nil {
		t.Fatal(err)
	}
	init := func(id string) middleware.InitializeMiddleware {
		return takeMiddleware(t, other, id, false).(middleware.InitializeMiddleware)
	}
	audit, content := init(personalize.IDAudit), init(personalize.IDFieldContent)
	gate := takeMiddleware(t, other, personalize.IDWireGate, true).(middleware.DeserializeMiddleware)
	type event struct{ Operation, Outcome, Rule string }
	bypassed := []event{{"CreateSchema", "rejected", personalize.RuleBypassed}}
	for _, tt := range []struct {
		name string
		edit func(*middleware.Stack) error
	}{
		{"the other's audit step in place of the client's", func(s *middleware.Stack) error {
			_, err := s.Initialize.Swap(personalize.IDAudit, audit)
			return err
		}},
		{"the other's audit step ahead of the client's", func(s *middleware.Stack) error {
			return s.Initialize.Insert(middleware.InitializeMiddlewareFunc("foreign-audit", audit.HandleInitialize), personalize.IDAudit, middleware.Before)
		}},
		{"the other's audit step and gate in place of the client's", func(s *middleware.Stack) error {
			if _, err := s.Initialize.Swap(personalize.IDAudit, audit); err != nil {
				return err
			}
			_, err := s.Deserialize.Swap(personalize.IDWireGate, gate)
			return err
		}},
		{"the other's audit step after the client's", func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("foreign-audit", audit.HandleInitialize), middleware.After)
		}},
		{"the other's content step", func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("foreign-content", content.HandleInitialize), middleware.After)
		}},
		{"the other's gate", func(s *middleware.Stack) error {
			_, err := s.Deserialize.Swap(personalize.IDWireGate, gate)
			return err
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e.mu.Lock()
			e.audit.Reset()
			e.mu.Unlock()
			_, err := e.client.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String("foreign"), Schema: aws.String(`{"type":"record","name":"I","fields":[{"name":"ITEM_ID","type":"string"}]}`)},
				func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, tt.edit) })
			if err == nil {
				t.Fatal("CreateSchema with another Guard's middleware passed")
			}
			var got []event
			for _, ev := range parseAudit(t, e.auditLog()) {
				got = append(got, event{ev.Operation, ev.Outcome, ev.Rule})
			}
			if diff := cmp.Diff(bypassed, got); diff != "" {
				t.Errorf("the client's Guard's audit events (-want +got):\n%s", diff)
			}
		})
	}
}
