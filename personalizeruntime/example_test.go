package personalizeruntime_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspersonalizeruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/pseudonym"
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
	// In production the key comes from pseudonym.LoadKey at start-up.
	raw := sha256.Sum256([]byte("example key, not for production"))
	key, err := pseudonym.NewKey(1, raw[:])
	if err != nil {
		log.Fatal(err)
	}
	p, err := pseudonym.New(key)
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
