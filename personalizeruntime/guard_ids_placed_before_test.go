package personalizeruntime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/dataplane"
	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestOtherGuardStepsPlacedBeforeGuard: another Guard's middleware put on a
// client's stack under the guard's own IDs by an option that runs before
// the guard's. The guard looks on the stack only for its audit step before
// adding its middleware (see dataplane.Guard.addMiddleware): another
// Guard's audit step is refused as a second Guard; its identifier,
// identity or gate step is added beside the guard's own and refuses the
// call when it runs, as it runs in a call that is not its Guard's. Either
// way nothing is sent.
func TestOtherGuardStepsPlacedBeforeGuard(t *testing.T) {
	s, c := dataplanetest.Start(t)
	b, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}
	var bAudit, bIDs, bCaller middleware.InitializeMiddleware
	var bGate middleware.DeserializeMiddleware
	if _, err := b.GetRecommendations(context.Background(), in, func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			bAudit, _ = st.Initialize.Get(dataplane.IDAudit)
			bIDs, _ = st.Initialize.Get(dataplane.IDIdentifiers)
			bCaller, _ = st.Initialize.Get(dataplane.IDCallerIdentity)
			bGate, _ = st.Deserialize.Get(dataplane.IDWireGate)
			return nil
		})
	}); err != nil || bAudit == nil || bIDs == nil || bCaller == nil || bGate == nil {
		t.Fatalf("taking b's middleware: %v", err)
	}
	tests := []struct {
		name  string
		place func(*middleware.Stack) error
		want  string // the rule of the *SafeguardError, or "config" for a *ConfigError
	}{
		{"audit step", func(st *middleware.Stack) error { return st.Initialize.Add(bAudit, middleware.Before) }, "config"},
		{"identifier step", func(st *middleware.Stack) error { return st.Initialize.Add(bIDs, middleware.Before) }, guarderr.RuleBypassed},
		{"identity step", func(st *middleware.Stack) error { return st.Initialize.Add(bCaller, middleware.After) }, guarderr.RuleBypassed},
		{"gate", func(st *middleware.Stack) error { return st.Deserialize.Add(bGate, middleware.After) }, guarderr.RuleBypassed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := personalizeruntime.NewGuard(s.Config(), personalizeruntime.Policy{})
			if err != nil {
				t.Fatal(err)
			}
			before := func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, tt.place) }
			client := sdk.NewFromConfig(s.Config(), before, g.Option())
			s.ResetRequests()
			_, err = client.GetRecommendations(context.Background(), in)
			var sg *guarderr.SafeguardError
			var ce *guarderr.ConfigError
			got := ""
			switch {
			case errors.As(err, &sg):
				got = sg.Rule
			case errors.As(err, &ce):
				got = "config"
			}
			if got != tt.want {
				t.Errorf("err = %v, want a refusal %q", err, tt.want)
			}
			for _, r := range s.Requests() {
				if r.Operation == "GetRecommendations" {
					t.Errorf("the endpoint got a GetRecommendations request")
				}
			}
		})
	}
}
