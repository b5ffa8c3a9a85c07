package personalizeruntime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestSignedForAnotherRegion: a per-call Region option signs the request
// for another Region; a hook before the gate sets the call's context back
// to the guard's, so that the URL's and the context's Regions agree. AWS
// takes the Region from the signature, and no key or campaign was checked
// there: the gate reads the signature's credential scope on its own copy
// of the request and refuses (red17 reproduced the call going out). The
// guard's Region, with the same hook, goes out.
func TestSignedForAnotherRegion(t *testing.T) {
	setBack := func(s *middleware.Stack) error {
		return s.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("Test:Region", func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			return next.HandleDeserialize(awsmiddleware.SetRegion(ctx, personalizetest.Region), in)
		}), personalizeruntime.IDWireGate, middleware.Before)
	}
	type outcome struct {
		Rule string
		Sent bool
	}
	for _, tt := range []struct {
		region string
		want   outcome
	}{
		{"eu-west-1", outcome{Rule: guarderr.RuleRegionMismatch}},
		{personalizetest.Region, outcome{Sent: true}},
	} {
		t.Run(tt.region, func(t *testing.T) {
			s, c := dataplanetest.Start(t)
			client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
			if err != nil {
				t.Fatal(err)
			}
			s.ResetRequests()
			_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}, func(o *sdk.Options) {
				o.Region = tt.region
				o.APIOptions = append(o.APIOptions, setBack)
			})
			var got outcome
			for _, r := range s.Requests() {
				got.Sent = got.Sent || r.Service == personalizetest.ServiceRuntime
			}
			var sg *guarderr.SafeguardError
			if errors.As(err, &sg) {
				got.Rule = sg.Rule
			} else if err != nil {
				t.Fatalf("GetRecommendations: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
