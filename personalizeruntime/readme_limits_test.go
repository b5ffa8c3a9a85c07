package personalizeruntime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspersonalizeruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestReadmeLimitsIdentifiers checks README's Limits on data-plane IDs:
// without a Pseudonymizer an identifier of bare digits passes (it cannot be
// told from a numeric user ID), and item IDs are checked one at a time, so
// an accessory's "ACC-" prefix and six digits reads as an account number
// while a "sku-" prefix does not.
func TestReadmeLimitsIdentifiers(t *testing.T) {
	ctx := context.Background()
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	recommend := func(user string) func() error {
		return func() error {
			_, err := client.GetRecommendations(ctx, &awspersonalizeruntime.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(user)})
			return err
		}
	}
	rank := func(item string) func() error {
		return func() error {
			_, err := client.GetPersonalizedRanking(ctx, &awspersonalizeruntime.GetPersonalizedRankingInput{CampaignArn: &c.CampaignARN,
				UserId: aws.String("user-1"), InputList: []string{"item-1", item}})
			return err
		}
	}
	tests := []struct {
		name string
		call func() error
		want string // the rule, "" for a call that reaches the endpoint
		// value must reach the endpoint when want is "", and must not
		// otherwise. (The emulator's campaign is not a ranking one, so a
		// GetPersonalizedRanking that passes the guard fails there.)
		value string
	}{
		{"bare-digit phone as userId passes", recommend("4155550100"), "", "4155550100"},
		{"bare-digit account as userId passes", recommend("123456789012"), "", "123456789012"},
		{"+-prefixed phone refused", recommend("+14155550100"), "sensitive.phone", "+14155550100"},
		{"e-mail refused", recommend("jane.doe@example.com"), "sensitive.email", "jane.doe@example.com"},
		{"item ACC-100234 refused", rank("ACC-100234"), "sensitive.account-number", "ACC-100234"},
		{"item acct100234 refused", rank("acct100234"), "sensitive.account-number", "acct100234"},
		{"item sku-100234 passes", rank("sku-100234"), "", "sku-100234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			got := ""
			var sg *personalizeruntime.SafeguardError
			if errors.As(err, &sg) {
				got = sg.Rule
			}
			if diff := cmp.Diff(tt.want == "", s.Seen(tt.value)); diff != "" {
				t.Errorf("value reached the endpoint (-want +got):\n%s (err %v)", diff, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rule (-want +got):\n%s", diff)
			}
		})
	}
}
