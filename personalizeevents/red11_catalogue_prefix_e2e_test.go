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

// TestRed11CatalogueIDAfterAccountKeyword pins what README's Limits now
// say: an item ID that starts with an account keyword and six or more
// digits ("ACC-100234", a common prefix for accessories) is refused as an
// account number, every one of them, not one in ten as with the numeric
// IDs the Limits named before; another prefix ("sku-") goes out.
func TestRed11CatalogueIDAfterAccountKeyword(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	put := func(item string) error {
		_, err := client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
			EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String(item), SentAt: sentAt}}})
		return err
	}
	for _, item := range []string{"ACC-100234", "acc_100235", "ACC100236"} {
		dataplanetest.RequireRefused(t, s, nil, put(item), "EventList[0].ItemId", "sensitive.account-number", item)
	}
	for _, item := range []string{"sku-100234", "ACC-12345", "ACCESSORY-100234"} {
		if err := put(item); err != nil {
			t.Errorf("PutEvents with item %q = %v, want success", item, err)
		}
	}
}
