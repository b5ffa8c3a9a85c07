package personalizeevents_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// TestUUIDEventIDs: services name events with random UUIDs, and every
// string of a request is scanned. About 4 UUIDs in 100,000 used to read as
// an account number ("5acc46e6-…", "acc690e7-…") and their PutEvents was
// refused; they are sent, and an account number after its keyword still
// is not.
func TestUUIDEventIDs(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	put := func(eventID string) error {
		_, err := client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
			EventList: []types.Event{{EventId: aws.String(eventID), EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}}})
		return err
	}
	for _, id := range []string{
		"5acc46e6-acc2-4eb0-a3d1-e535adf9d522",
		"c75f662c-aba0-4acc-88e6-bdb2342fff26",
		"317ea8e1-ff77-41d8-89cd-d0803acc84e4",
		"acc690e7-d470-4ebe-b181-49e558b19c1d",
	} {
		if err := put(id); err != nil {
			t.Errorf("PutEvents(eventId %s) = %v, want it sent", id, err)
		}
	}
	dataplanetest.RequireRefused(t, s, nil, put("acct-912803456"), "EventList[0].EventId", "sensitive.account-number", "912803456")
}
