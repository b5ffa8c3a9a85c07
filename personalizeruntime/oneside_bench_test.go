package personalizeruntime_test

import (
	"context"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// BenchmarkGuardOverheadOneSide is BenchmarkGuardOverhead's call on one
// client only, the guarded one (the customer's e-mail, sent as its
// pseudonym), or the bare one when PG_BENCH_SIDE=bare: for callgrind, which
// counts each side's instructions apart.
func BenchmarkGuardOverheadOneSide(b *testing.B) {
	cfg := dataplanetest.InstantConfig(`{"itemList":[{"itemId":"item-1","score":0.5}],"recommendationId":"RID-1"}`)
	c, user := sdk.NewFromConfig(cfg), "customer-0001"
	if os.Getenv("PG_BENCH_SIDE") != "bare" {
		var err error
		c, err = personalizeruntime.New(cfg, personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(b), InsecureAllowUnverifiableHTTPClient: true,
			STSClient: dataplanetest.UserSTS{}})
		if err != nil {
			b.Fatal(err)
		}
		user = "jane.doe@example.com"
	}
	in := &sdk.GetRecommendationsInput{CampaignArn: aws.String("arn:aws:personalize:us-east-1:123456789012:campaign/for-you"), UserId: aws.String(user), NumResults: 10,
		Context: map[string]string{"DEVICE": "mobile"}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetRecommendations(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
