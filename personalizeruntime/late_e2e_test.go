package personalizeruntime_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRequestSentAfterItsCall: a hook that returns from a
// GetRecommendations call without handing its request on, and hands it on
// once the call returned (after it, or from within the client's next
// call), has it refused: the next call may hold the very state the late
// request's context names, whose pseudonym would vouch for it. See
// dataplanetest.RunLate.
func TestRequestSentAfterItsCall(t *testing.T) {
	s, c := dataplanetest.Start(t)
	dataplanetest.RunLate(t, s, personalizeruntime.IDAudit, personalizeruntime.IDWireGate, lateRecommendations(t, s, c.CampaignARN))
}

// TestRequestHandedOnAsItsCallEnds: the hook hands the request on from a
// goroutine as the call returns, racing its end, while other calls go on
// (see dataplanetest.RunLateRacing; run under -race).
func TestRequestHandedOnAsItsCallEnds(t *testing.T) {
	s, c := dataplanetest.Start(t)
	dataplanetest.RunLateRacing(t, s, personalizeruntime.IDAudit, personalizeruntime.IDWireGate, lateRecommendations(t, s, c.CampaignARN))
}

// lateRecommendations makes the late tests' client, with a Pseudonymizer,
// and its GetRecommendations call.
func lateRecommendations(t *testing.T, s *personalizetest.Server, campaign string) func(t *testing.T, log *dataplanetest.AuditLog) dataplanetest.LateCall {
	pseudonyms := dataplanetest.Pseudonymizer(t)
	return func(t *testing.T, log *dataplanetest.AuditLog) dataplanetest.LateCall {
		client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Logger: log.Logger(), Pseudonymizer: pseudonyms})
		if err != nil {
			t.Fatal(err)
		}
		return func(hook func(*middleware.Stack) error) (string, error) {
			_, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &campaign, UserId: aws.String("u-late-1"),
				Context: map[string]string{"DEVICE": "phone"}},
				func(o *sdk.Options) {
					if hook != nil {
						o.APIOptions = append(o.APIOptions, hook)
					}
				})
			return "GetRecommendations", err
		}
	}
}
