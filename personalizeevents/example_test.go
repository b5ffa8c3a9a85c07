package personalizeevents_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspersonalizeevents "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// An event of a customer known by e-mail goes out under pseudonyms; a card
// number in an item's properties is refused before anything is sent.
func Example() {
	ctx := context.Background()
	s, c, err := dataplanetest.StartTrained(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	// A fixed key, for a stable output; see the pseudonym package for the
	// key's set-up under KMS.
	p, err := dataplanetest.ExamplePseudonymizer()
	if err != nil {
		log.Fatal(err)
	}
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Pseudonymizer: p})
	if err != nil {
		log.Fatal(err)
	}

	_, err = client.PutEvents(ctx, &awspersonalizeevents.PutEventsInput{TrackingId: &c.TrackingID,
		UserId: aws.String("jane.doe@example.com"), SessionId: aws.String("web-session-1"),
		EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-4"), SentAt: aws.Time(time.Unix(1700001000, 0))}}})
	if err != nil {
		log.Fatal(err)
	}
	pseudo, _ := p.UserID("jane.doe@example.com")
	fmt.Println("sent as", pseudo, s.Seen(pseudo))
	fmt.Println("e-mail sent:", s.Seen("jane.doe@example.com"))

	_, err = client.PutItems(ctx, &awspersonalizeevents.PutItemsInput{DatasetArn: &c.ItemsARN, Items: []types.Item{
		{ItemId: aws.String("item-9"), Properties: aws.String(`{"genres":"4111 1111 1111 1111"}`)}}})
	var sg *personalizeevents.SafeguardError
	if errors.As(err, &sg) {
		fmt.Println(sg)
	}
	// Output:
	// sent as pu1_ewyn3cpmpyqkurhgnyb7bawkntphuv4q true
	// e-mail sent: false
	// personalizeguard: PutItems: Items[0].Properties: sensitive.credit-card: holds an identifying value; the guard never sends it
}
