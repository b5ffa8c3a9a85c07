package personalizeruntime_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplane"
	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// guardSteps are one client's guard middleware, taken from a call's stack.
type guardSteps struct {
	audit, ids middleware.InitializeMiddleware
	gate       middleware.DeserializeMiddleware
}

// takeSteps makes a call on client and returns its guard's middleware.
func takeSteps(t *testing.T, client *sdk.Client, in *sdk.GetRecommendationsInput) guardSteps {
	t.Helper()
	var g guardSteps
	_, err := client.GetRecommendations(context.Background(), in, func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			g.audit, _ = s.Initialize.Get(dataplane.IDAudit)
			g.ids, _ = s.Initialize.Get(dataplane.IDIdentifiers)
			g.gate, _ = s.Deserialize.Get(dataplane.IDWireGate)
			return nil
		})
	})
	if err != nil || g.audit == nil || g.ids == nil || g.gate == nil {
		t.Fatalf("taking the guard's steps: err = %v, steps %+v", err, g)
	}
	return g
}

// TestGuardStepsAcrossClients: two guarded clients on one config, and
// per-call options that put one client's guard middleware in the other's
// stack, or take one out, with calls of both clients and cancelled calls
// running at once (go test -race). A call in which a step or the gate of
// the other guard runs, or that misses a step of its guard's, is refused
// before it leaves (the other guard's middleware would read and write a
// state that is not its guard's: see TestForeignGuardMiddlewareRefused in
// personalizeevents), and the e-mail never reaches the endpoint.
func TestGuardStepsAcrossClients(t *testing.T) {
	s, c := dataplanetest.Start(t)
	a, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	// b does not check the caller: a state of its pool must not answer
	// for a's identity step.
	b, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{InsecureAllowRootCredentials: true})
	if err != nil {
		t.Fatal(err)
	}
	clean := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}
	dirty := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(email)}
	fromB := takeSteps(t, b, clean)
	swap := func(edit func(*middleware.Stack) error) func(*sdk.Options) {
		return func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, edit) }
	}
	bAudit := swap(func(s *middleware.Stack) error {
		_, err := s.Initialize.Swap(dataplane.IDAudit, fromB.audit)
		return err
	})
	bIDs := swap(func(s *middleware.Stack) error {
		_, err := s.Initialize.Swap(dataplane.IDIdentifiers, fromB.ids)
		return err
	})
	bGate := swap(func(s *middleware.Stack) error {
		_, err := s.Deserialize.Swap(dataplane.IDWireGate, fromB.gate)
		return err
	})
	noAudit := swap(func(s *middleware.Stack) error { _, err := s.Initialize.Remove(dataplane.IDAudit); return err })
	noCaller := swap(func(s *middleware.Stack) error { _, err := s.Initialize.Remove(dataplane.IDCallerIdentity); return err })
	noIDs := swap(func(s *middleware.Stack) error { _, err := s.Initialize.Remove(dataplane.IDIdentifiers); return err })
	const (
		sent      = ""
		bypassed  = guarderr.RuleBypassed
		emailRule = "sensitive.email"
	)
	tests := []struct {
		name string
		in   *sdk.GetRecommendationsInput
		opts []func(*sdk.Options)
		rule string
	}{
		{"own steps", clean, nil, sent},
		{"own steps, an e-mail", dirty, nil, emailRule},
		{"the other's audit step", clean, []func(*sdk.Options){bAudit}, bypassed},
		{"the other's audit step, an e-mail", dirty, []func(*sdk.Options){bAudit}, bypassed},
		{"the other's identifier step", clean, []func(*sdk.Options){bIDs}, bypassed},
		{"the other's gate", clean, []func(*sdk.Options){bGate}, bypassed},
		{"the other's gate, an e-mail", dirty, []func(*sdk.Options){bGate}, bypassed},
		{"the other's audit step and gate", dirty, []func(*sdk.Options){bAudit, bGate}, bypassed},
		{"the other's identifier step, audit step and gate", dirty, []func(*sdk.Options){bAudit, bIDs, bGate}, bypassed},
		{"no audit step", clean, []func(*sdk.Options){noAudit}, bypassed},
		{"no audit step, the other's gate", clean, []func(*sdk.Options){noAudit, bGate}, bypassed},
		{"no identifier step", clean, []func(*sdk.Options){noIDs}, bypassed},
		{"no identifier step, the other's audit step", clean, []func(*sdk.Options){noIDs, bAudit}, bypassed},
		{"no identifier step, the other's audit step and gate", clean, []func(*sdk.Options){noIDs, bAudit, bGate}, bypassed},
		{"no identifier step, an e-mail", dirty, []func(*sdk.Options){noIDs}, bypassed},
		{"no identity step", clean, []func(*sdk.Options){noCaller}, bypassed},
		{"no identity step, the other's audit step", clean, []func(*sdk.Options){noCaller, bAudit}, bypassed},
		{"no identity step, the other's audit step, an e-mail", dirty, []func(*sdk.Options){noCaller, bAudit}, bypassed},
	}
	call := func(client *sdk.Client, ctx context.Context, in *sdk.GetRecommendationsInput, opts []func(*sdk.Options)) (string, error) {
		_, err := client.GetRecommendations(ctx, in, opts...)
		var sg *guarderr.SafeguardError
		if errors.As(err, &sg) {
			return sg.Rule, nil
		}
		return "", err
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Calls of b at once, which fill b's pool.
			if w%2 == 1 {
				for range 20 {
					if _, err := b.GetRecommendations(context.Background(), clean); err != nil {
						t.Errorf("a call of b: %v", err)
					}
				}
				return
			}
			for range 3 {
				for _, tt := range tests {
					client := a
					got, err := call(client, context.Background(), tt.in, tt.opts)
					if err != nil {
						t.Errorf("%s: err = %v, want a *SafeguardError or none", tt.name, err)
						continue
					}
					if diff := cmp.Diff(tt.rule, got); diff != "" {
						t.Errorf("worker %d, %s: rule (-want +got):\n%s", w, tt.name, diff)
					}
					// A cancelled call between: its state goes back to
					// its pool without the call reaching the gate.
					ctx, cancel := context.WithCancel(context.Background())
					cancel()
					if _, err := client.GetRecommendations(ctx, clean, tt.opts...); err == nil {
						t.Errorf("%s: a cancelled call succeeded", tt.name)
					}
				}
			}
		}()
	}
	wg.Wait()
	if s.Seen(email) {
		t.Errorf("the endpoint saw the e-mail")
	}
}
