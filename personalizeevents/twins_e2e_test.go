package personalizeevents_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// TestAttemptSentTwiceAtOnce: a hook that hedges an attempt, handing it on
// twice at once from two goroutines, has each copy checked on its own (a
// walk's state, a refusal reported, the safeguards that acted, are the
// send's or guarded, never raced on), and each copy sent as checked or
// refused (see dataplanetest.RunTwins for the cases).
func TestAttemptSentTwiceAtOnce(t *testing.T) {
	s, c := dataplanetest.Start(t)
	const user = "u-twin-1"
	target := dataplanetest.TwinTarget{
		First:   dataplanetest.TwinPlant{Member: "itemId", Value: "123-45-6789", Field: "EventList[0].ItemId", Rule: "sensitive.ssn", Secret: true},
		Second:  dataplanetest.TwinPlant{Member: "eventType", Value: email, Field: "EventList[0].EventType", Rule: "sensitive.email", Secret: true},
		Changed: dataplanetest.TwinPlant{Member: "userId", Value: user, Field: "UserId", Rule: personalize.RuleRequestChanged, Secret: true},
	}
	pseudonyms := dataplanetest.Pseudonymizer(t)
	dataplanetest.RunTwins(t, s, personalizeevents.IDWireGate, target, func(t *testing.T, tc dataplanetest.TwinCase, log *dataplanetest.AuditLog, hook func(*middleware.Stack) error) (string, error) {
		p := personalizeevents.Policy{Logger: log.Logger(), InsecureReportOnly: tc.ReportOnly}
		if tc.PutsIn {
			p.Pseudonymizer = pseudonyms
		}
		client, err := personalizeevents.New(s.Config(), p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, SessionId: aws.String("s-twin"), UserId: aws.String(user),
			EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}}},
			func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, hook) })
		return "PutEvents", err
	})
}
