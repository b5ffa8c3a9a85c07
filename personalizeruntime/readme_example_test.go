package personalizeruntime_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspersonalizeevents "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	eventtypes "github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	awspersonalizeruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// README's data-plane adoption: one Policy for both clients, so that one
// customer has one pseudonym in events and in recommendation requests, and
// the caller's struct keeps the address.
func Example_sharedPolicy() {
	ctx := context.Background()
	s, c, err := dataplanetest.StartTrained(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	cfg, campaignARN, customerEmail := s.Config(), c.CampaignARN, "jane.doe@example.com"
	p, err := dataplanetest.ExamplePseudonymizer() // a fixed key, for a stable output
	if err != nil {
		log.Fatal(err)
	}

	policy := personalizeevents.Policy{Pseudonymizer: p, Logger: slog.Default()}
	events, err := personalizeevents.New(cfg, policy)
	if err != nil {
		log.Fatal(err)
	}
	runtime, err := personalizeruntime.New(cfg, policy) // the same type: both packages alias one Policy
	if err != nil {
		log.Fatal(err)
	}

	in := &awspersonalizeruntime.GetRecommendationsInput{CampaignArn: &campaignARN, UserId: &customerEmail}
	if _, err := runtime.GetRecommendations(ctx, in); err != nil {
		log.Fatal(err)
	}
	_, err = events.PutEvents(ctx, &awspersonalizeevents.PutEventsInput{TrackingId: &c.TrackingID,
		UserId: &customerEmail, SessionId: aws.String("web-session-1"),
		EventList: []eventtypes.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: aws.Time(time.Unix(1700001000, 0))}}})
	if err != nil {
		log.Fatal(err)
	}

	pseudo, _ := p.UserID(customerEmail)
	fmt.Println("caller's struct keeps:", *in.UserId)
	fmt.Println("pseudonym sent:", s.Seen(pseudo))
	fmt.Println("e-mail sent:", s.Seen(customerEmail))
	n := 0
	for _, r := range dataplanetest.APIRequests(s) {
		if r.Contains(pseudo) {
			n++
		}
	}
	fmt.Println("requests naming the pseudonym:", n)
	// Output:
	// caller's struct keeps: jane.doe@example.com
	// pseudonym sent: true
	// e-mail sent: false
	// requests naming the pseudonym: 2
}
