package personalizeevents_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRequestSentAfterItsCall: a hook that returns from a PutEvents call
// without handing its request on, and hands it on once the call returned
// (after it, or from within the client's next call), has it refused: the
// next call may hold the very state the late request's context names,
// whose pseudonyms would vouch for it. See dataplanetest.RunLate.
func TestRequestSentAfterItsCall(t *testing.T) {
	s, c := dataplanetest.Start(t)
	dataplanetest.RunLate(t, s, personalizeevents.IDAudit, personalizeevents.IDWireGate, latePutEvents(t, s, c.TrackingID, personalizeevents.Policy{}))
}

// TestRequestHandedOnAsItsCallEnds: the hook hands the request on from a
// goroutine as the call returns, racing its end, while other calls go on
// (see dataplanetest.RunLateRacing; run under -race).
func TestRequestHandedOnAsItsCallEnds(t *testing.T) {
	s, c := dataplanetest.Start(t)
	dataplanetest.RunLateRacing(t, s, personalizeevents.IDAudit, personalizeevents.IDWireGate, latePutEvents(t, s, c.TrackingID, personalizeevents.Policy{}))
}

// latePutEvents makes the late tests' client, with a Pseudonymizer, and
// its PutEvents call.
func latePutEvents(t *testing.T, s *personalizetest.Server, trackingID string, p personalizeevents.Policy) func(t *testing.T, log *dataplanetest.AuditLog) dataplanetest.LateCall {
	pseudonyms := dataplanetest.Pseudonymizer(t)
	return func(t *testing.T, log *dataplanetest.AuditLog) dataplanetest.LateCall {
		p := p
		p.Logger, p.Pseudonymizer = log.Logger(), pseudonyms
		client, err := personalizeevents.New(s.Config(), p)
		if err != nil {
			t.Fatal(err)
		}
		return func(hook func(*middleware.Stack) error) (string, error) {
			_, err := client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &trackingID, SessionId: aws.String("s-late"), UserId: aws.String("u-late-1"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}}},
				func(o *sdk.Options) {
					if hook != nil {
						o.APIOptions = append(o.APIOptions, hook)
					}
				})
			return "PutEvents", err
		}
	}
}

// TestCopyHeldInGatePastItsCall: a copy of a PutEvents request, handed on from a
// goroutine and held inside the wire gate until its call returned, in
// report-only mode: sent once let go, and the item ID it reports reaches the
// call's one audit event (see dataplanetest.RunHeldInGate).
func TestCopyHeldInGatePastItsCall(t *testing.T) {
	s, c := dataplanetest.Start(t)
	plant := dataplanetest.TwinPlant{Member: "itemId", Value: "123-45-6789", Field: "EventList[0].ItemId", Rule: "sensitive.ssn"}
	dataplanetest.RunHeldInGate(t, s, personalizeevents.IDWireGate, plant, latePutEvents(t, s, c.TrackingID, personalizeevents.Policy{InsecureReportOnly: true}))
}

// TestPassedOnTwiceAfterAudit: a hook right after the audit step that
// hands the call on twice at once has one pass refused at the first guard
// step it reaches second and the other sent alone: the steps never run two
// passes on one call's state (see dataplanetest.RunPassedOnTwice; run
// under -race).
func TestPassedOnTwiceAfterAudit(t *testing.T) {
	s, c := dataplanetest.Start(t)
	dataplanetest.RunPassedOnTwice(t, s, personalizeevents.IDAudit, latePutEvents(t, s, c.TrackingID, personalizeevents.Policy{}))
}
