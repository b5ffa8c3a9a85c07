package personalize_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

var errCaptured = errors.New("middleware captured")

// foreignMiddleware returns the middleware of a second Guard's client by
// its ID, from the stack of a call through that client which it stops
// before any I/O.
func foreignMiddleware(t *testing.T, client *sdk.Client, step func(*middleware.Stack, string) (any, bool), id string) any {
	t.Helper()
	var got any
	_, err := client.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String("capture"), Schema: aws.String(`{}`)}, func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			got, _ = step(s, id)
			return errCaptured
		})
	})
	if !errors.Is(err, errCaptured) || got == nil {
		t.Fatalf("no %s on the second Guard's client: %v", id, err)
	}
	return got
}

// TestForeignGuardMiddlewareRefused: a second Guard's middleware, taken
// from its own client and added to a call of the first Guard's client
// under another ID (so that the check for a second Guard on a client does
// not see it), shares the call's state with the first Guard. Its content
// step, run after a hook that put an address into the schema, recorded
// that schema as read, and the first Guard's wire gate let it through
// unchecked as the schema its own check read; its wire gate, run before
// the first Guard's, checked the body by the second Guard's policy and
// sent it itself. The call is refused, and the address never leaves.
func TestForeignGuardMiddlewareRefused(t *testing.T) {
	const clean = `{"type":"record","name":"Items","doc":"x","fields":[{"name":"ITEM_ID","type":"string"}]}`
	const dirty = `{"type":"record","name":"Items","doc":"` + canaryEmail + `","fields":[{"name":"ITEM_ID","type":"string"}]}`
	swapSchema := middleware.InitializeMiddlewareFunc("swap-schema", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
		middleware.InitializeOutput, middleware.Metadata, error,
	) {
		cp := *in.Parameters.(*sdk.CreateSchemaInput) // the caller's input stays as it was
		cp.Schema = aws.String(dirty)
		in.Parameters = &cp
		return next.HandleInitialize(ctx, in)
	})
	// contentAfterHook runs the other Guard's content step after swapSchema.
	contentAfterHook := func(t *testing.T, other *sdk.Client) func(*middleware.Stack) error {
		content := takeMiddleware(t, other, personalize.IDFieldContent, false).(middleware.InitializeMiddleware)
		return func(s *middleware.Stack) error {
			if err := s.Initialize.Add(swapSchema, middleware.After); err != nil {
				return err
			}
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("foreign-content", content.HandleInitialize), middleware.After)
		}
	}
	type result struct {
		Rule string
		Sent bool
	}
	for _, tt := range []struct {
		name  string
		other personalize.Policy
		hooks func(t *testing.T, other *sdk.Client) func(*middleware.Stack) error
	}{
		{
			name:  "content step of a report-only Guard after a hook",
			other: personalize.Policy{InsecureReportOnly: true, Logger: newAuditLogger(io.Discard)},
			hooks: contentAfterHook,
		},
		{
			name:  "content step of an enforcing Guard after a hook",
			other: personalize.Policy{},
			hooks: contentAfterHook,
		},
		{
			name:  "wire gate of a report-only Guard before this one's",
			other: personalize.Policy{InsecureReportOnly: true, Logger: newAuditLogger(io.Discard)},
			hooks: func(t *testing.T, other *sdk.Client) func(*middleware.Stack) error {
				gate := takeMiddleware(t, other, personalize.IDWireGate, true).(middleware.DeserializeMiddleware)
				return func(s *middleware.Stack) error {
					if err := s.Initialize.Add(swapSchema, middleware.After); err != nil {
						return err
					}
					return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("foreign-gate", gate.HandleDeserialize), personalize.IDWireGate, middleware.Before)
				}
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{})
			other, err := personalize.New(guardedConfig(e.srv), tt.other)
			if err != nil {
				t.Fatal(err)
			}
			hooks := tt.hooks(t, other)
			_, err = e.client.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String("foreign"), Schema: aws.String(clean)},
				func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, hooks) })
			var got result
			var sg *personalize.SafeguardError
			if errors.As(err, &sg) {
				got.Rule = sg.Rule
			} else if err != nil {
				t.Fatalf("CreateSchema: %v, want a *personalize.SafeguardError", err)
			}
			got.Sent = e.srv.Seen(canaryEmail)
			if diff := cmp.Diff(result{Rule: personalize.RuleBypassed}, got); diff != "" {
				t.Errorf("CreateSchema with another Guard's middleware (-want +got):\n%s", diff)
			}
		})
	}
}
