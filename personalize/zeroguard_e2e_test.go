package personalize_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	sdkevents "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	evtypes "github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	sdkruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestZeroGuardRefusesEveryCall: the Option of a Guard that NewGuard did not
// make (a zero Guard, a nil *Guard) has no Policy to enforce; the client it
// builds does not panic and fails every call with RuleClientRefused,
// wrapping a *ConfigError on the field "Guard", before anything is sent.
func TestZeroGuardRefusesEveryCall(t *testing.T) {
	srv := personalizetest.New(t)
	ctx := context.Background()
	var nilControl *personalize.Guard
	var nilEvents *personalizeevents.Guard
	var nilRuntime *personalizeruntime.Guard
	tests := []struct {
		name string
		call func(cfg aws.Config) error
	}{
		{"personalize, zero Guard", func(cfg aws.Config) error {
			_, err := sdk.NewFromConfig(cfg, (&personalize.Guard{}).Option()).ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{})
			return err
		}},
		{"personalize, nil Guard", func(cfg aws.Config) error {
			_, err := sdk.NewFromConfig(cfg, nilControl.Option()).ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{})
			return err
		}},
		{"events, zero Guard", func(cfg aws.Config) error {
			_, err := sdkevents.NewFromConfig(cfg, (&personalizeevents.Guard{}).Option()).PutEvents(ctx, &sdkevents.PutEventsInput{
				TrackingId: aws.String("tracker"), SessionId: aws.String("s1"),
				EventList: []evtypes.Event{{EventType: aws.String("view"), SentAt: aws.Time(time.Unix(1700000000, 0))}}})
			return err
		}},
		{"events, nil Guard", func(cfg aws.Config) error {
			_, err := sdkevents.NewFromConfig(cfg, nilEvents.Option()).PutEvents(ctx, &sdkevents.PutEventsInput{
				TrackingId: aws.String("tracker"), SessionId: aws.String("s1"),
				EventList: []evtypes.Event{{EventType: aws.String("view"), SentAt: aws.Time(time.Unix(1700000000, 0))}}})
			return err
		}},
		{"runtime, zero Guard", func(cfg aws.Config) error {
			_, err := sdkruntime.NewFromConfig(cfg, (&personalizeruntime.Guard{}).Option()).GetRecommendations(ctx, &sdkruntime.GetRecommendationsInput{
				CampaignArn: aws.String("arn:aws:personalize:us-east-1:111122223333:campaign/c"), UserId: aws.String("u1")})
			return err
		}},
		{"runtime, nil Guard", func(cfg aws.Config) error {
			_, err := sdkruntime.NewFromConfig(cfg, nilRuntime.Option()).GetRecommendations(ctx, &sdkruntime.GetRecommendationsInput{
				CampaignArn: aws.String("arn:aws:personalize:us-east-1:111122223333:campaign/c"), UserId: aws.String("u1")})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetRequests()
			err := tt.call(srv.Config())
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) || sg.Rule != personalize.RuleClientRefused {
				t.Fatalf("error = %v, want a *SafeguardError with rule %s", err, personalize.RuleClientRefused)
			}
			var ce *personalize.ConfigError
			if !errors.As(err, &ce) || ce.Field != "Guard" {
				t.Errorf("error = %v, want it to wrap a *ConfigError on the field Guard", err)
			}
			if diff := cmp.Diff(0, len(srv.Requests())); diff != "" {
				t.Errorf("requests that reached the emulator (-want +got):\n%s", diff)
			}
		})
	}
}

// TestZeroGuardAddMiddleware: AddMiddleware of a zero or nil Guard returns
// the *ConfigError; registering nothing, it adds nothing to the stack.
func TestZeroGuardAddMiddleware(t *testing.T) {
	var nilGuard *personalize.Guard
	for name, g := range map[string]*personalize.Guard{"zero": {}, "nil": nilGuard} {
		stack := middleware.NewStack("ListDatasetGroups", smithyhttp.NewStackRequest)
		err := g.AddMiddleware(stack)
		var ce *personalize.ConfigError
		if !errors.As(err, &ce) || ce.Field != "Guard" {
			t.Errorf("%s Guard: AddMiddleware = %v, want a *ConfigError on the field Guard", name, err)
		}
		if got := stack.Initialize.List(); len(got) != 0 {
			t.Errorf("%s Guard: AddMiddleware added %v, want nothing", name, got)
		}
	}
}
