package personalizeruntime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/aws-sdk-go-v2/service/personalizeruntime/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed14ListValueAfterKey: a filter value is a list of literals
// ("\"gold\",\"912803456\""), and each is read after the map's key, as a
// single one is: only the first, next to the key, was found.
func TestRed14ListValueAfterKey(t *testing.T) {
	filter := "arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":filter/f"
	tests := []struct {
		name, secret string
		in           func(c dataplanetest.Campaign) *sdk.GetRecommendationsInput
		field, rule  string
	}{
		{"account number second in a filter value", "912803456", func(c dataplanetest.Campaign) *sdk.GetRecommendationsInput {
			return &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), FilterArn: &filter,
				FilterValues: map[string]string{"ACCOUNT": `"gold","912803456"`}}
		}, "FilterValues.Value", "sensitive.account-number"},
		{"SSN after a space in a filter value", "123456789", func(c dataplanetest.Campaign) *sdk.GetRecommendationsInput {
			return &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), FilterArn: &filter,
				FilterValues: map[string]string{"SSN": `"x", "123456789"`}}
		}, "FilterValues.Value", "sensitive.ssn"},
		{"account number second in a promotion's filter value", "912803456", func(c dataplanetest.Campaign) *sdk.GetRecommendationsInput {
			return &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), Promotions: []types.Promotion{{Name: aws.String("p"),
				FilterArn: &filter, PercentPromotedItems: aws.Int32(10), FilterValues: map[string]string{"ACCOUNT": `"1","912803456"`}}}}
		}, "Promotions[0].FilterValues.Value", "sensitive.account-number"},
		{"account number second in a context value", "912803456", func(c dataplanetest.Campaign) *sdk.GetRecommendationsInput {
			return &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), Context: map[string]string{"ACCOUNT": "gold,912803456"}}
		}, "Context.Value", "sensitive.account-number"},
		{"account number after a word in a context value", "912803456", func(c dataplanetest.Campaign) *sdk.GetRecommendationsInput {
			return &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), Context: map[string]string{"ACCOUNT": "gold 912803456"}}
		}, "Context.Value", "sensitive.account-number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := dataplanetest.Start(t)
			var log dataplanetest.AuditLog
			client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Logger: log.Logger()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.GetRecommendations(context.Background(), tt.in(c))
			type outcome struct {
				Field, Rule string
				Seen        bool
			}
			got := outcome{Seen: s.Seen(tt.secret)}
			var sg *personalizeruntime.SafeguardError
			if errors.As(err, &sg) {
				got.Field, got.Rule = sg.Field, sg.Rule
			}
			if diff := cmp.Diff(outcome{Field: tt.field, Rule: tt.rule}, got); diff != "" {
				t.Errorf("GetRecommendations (-want +got):\n%s", diff)
			}
			dataplanetest.RequireRefused(t, s, &log, err, tt.field, tt.rule, tt.secret)
		})
	}
}
