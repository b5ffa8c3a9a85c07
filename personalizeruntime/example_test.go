package personalizeruntime_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspersonalizeruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// A customer known by e-mail gets recommendations under a pseudonym; without
// a Pseudonymizer the same request is refused before anything is sent.
func Example() {
	ctx := context.Background()
	s, campaign, err := dataplanetest.StartTrained(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	// A fixed key, for a stable output; in production the key is loaded
	// at start-up with pseudonym.LoadKey (see the pseudonym package).
	p, err := dataplanetest.ExamplePseudonymizer()
	if err != nil {
		log.Fatal(err)
	}

	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Pseudonymizer: p})
	if err != nil {
		log.Fatal(err)
	}
	out, err := client.GetRecommendations(ctx, &awspersonalizeruntime.GetRecommendationsInput{
		CampaignArn: &campaign.CampaignARN, UserId: aws.String("jane.doe@example.com")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("recommendations:", len(out.ItemList))
	fmt.Println("e-mail sent:", s.Seen("jane.doe@example.com"))

	unprotected, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		log.Fatal(err)
	}
	_, err = unprotected.GetRecommendations(ctx, &awspersonalizeruntime.GetRecommendationsInput{
		CampaignArn: &campaign.CampaignARN, UserId: aws.String("jane.doe@example.com")})
	var sg *personalizeruntime.SafeguardError
	if errors.As(err, &sg) {
		fmt.Println(sg)
	}
	// Output:
	// recommendations: 3
	// e-mail sent: false
	// personalizeguard: GetRecommendations: UserId: sensitive.email: an identifier holds an identifying value; set Policy.Pseudonymizer to send keyed pseudonyms instead
}

// A service that builds its own SDK client keeps doing so and adds the
// guard as the last option.
func ExampleNewGuard() {
	ctx := context.Background()
	s, campaign, err := dataplanetest.StartTrained(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	p, err := dataplanetest.ExamplePseudonymizer()
	if err != nil {
		log.Fatal(err)
	}

	g, err := personalizeruntime.NewGuard(s.Config(), personalizeruntime.Policy{Pseudonymizer: p})
	if err != nil {
		log.Fatal(err)
	}
	client := awspersonalizeruntime.NewFromConfig(s.Config(), g.Option())
	out, err := client.GetRecommendations(ctx, &awspersonalizeruntime.GetRecommendationsInput{
		CampaignArn: &campaign.CampaignARN, UserId: aws.String("jane.doe@example.com")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("recommendations:", len(out.ItemList))
	fmt.Println("e-mail sent:", s.Seen("jane.doe@example.com"))
	// Output:
	// recommendations: 3
	// e-mail sent: false
}
