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
	dataplanetest.RunLate(t, s, personalizeruntime.IDAudit, personalizeruntime.IDWireGate, lateRecommendations(t, s, c.CampaignARN, personalizeruntime.Policy{}))
}

// TestRequestHandedOnAsItsCallEnds: the hook hands the request on from a
// goroutine as the call returns, racing its end, while other calls go on
// (see dataplanetest.RunLateRacing; run under -race).
func TestRequestHandedOnAsItsCallEnds(t *testing.T) {
	s, c := dataplanetest.Start(t)
	dataplanetest.RunLateRacing(t, s, personalizeruntime.IDAudit, personalizeruntime.IDWireGate, lateRecommendations(t, s, c.CampaignARN, personalizeruntime.Policy{}))
}

// lateRecommendations makes the late tests' client, with a Pseudonymizer,
// and its GetRecommendations call.
func lateRecommendations(t *testing.T, s *personalizetest.Server, campaign string, p personalizeruntime.Policy) func(t *testing.T, log *dataplanetest.AuditLog) dataplanetest.LateCall {
	pseudonyms := dataplanetest.Pseudonymizer(t)
	return func(t *testing.T, log *dataplanetest.AuditLog) dataplanetest.LateCall {
		p := p
		p.Logger, p.Pseudonymizer = log.Logger(), pseudonyms
		client, err := personalizeruntime.New(s.Config(), p)
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

// TestCopyHeldInGatePastItsCall: a copy of a GetRecommendations request, handed on from a
// goroutine and held inside the wire gate until its call returned, in
// report-only mode: sent once let go, and the context value it reports reaches the
// call's one audit event (see dataplanetest.RunHeldInGate).
func TestCopyHeldInGatePastItsCall(t *testing.T) {
	s, c := dataplanetest.Start(t)
	plant := dataplanetest.TwinPlant{Member: "DEVICE", Value: "123-45-6789", Field: "Context.Value", Rule: "sensitive.ssn"}
	dataplanetest.RunHeldInGate(t, s, personalizeruntime.IDWireGate, plant, lateRecommendations(t, s, c.CampaignARN, personalizeruntime.Policy{InsecureReportOnly: true}))
}

// TestPassedOnTwiceAfterAudit: a hook right after the audit step that
// hands the call on twice at once has one pass refused at the first guard
// step it reaches second and the other sent alone: the steps never run two
// passes on one call's state (see dataplanetest.RunPassedOnTwice; run
// under -race).
func TestPassedOnTwiceAfterAudit(t *testing.T) {
	s, c := dataplanetest.Start(t)
	dataplanetest.RunPassedOnTwice(t, s, personalizeruntime.IDAudit, lateRecommendations(t, s, c.CampaignARN, personalizeruntime.Policy{}))
}
