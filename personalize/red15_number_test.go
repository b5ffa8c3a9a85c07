package personalize_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed15ModelNumberFractions: a member the API model types as a number
// (an event's weight, a threshold, a ranking influence, a range's bound)
// is read as the number it is. A computed weight such as 7/18, which the
// SDK writes as 0.3888888888888889, passed the Initialize check but the
// wire gate read its significant digits, 3888888888888889, as a card
// number and refused the call: about one fraction i/n in forty (n <= 100)
// was refused so. A whole number that is a card is still refused.
func TestRed15ModelNumberFractions(t *testing.T) {
	const group = "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"
	ctx := context.Background()
	solution := func(cfg *types.SolutionConfig) func(*sdk.Client) error {
		return func(c *sdk.Client) error {
			_, err := c.CreateSolution(ctx, &sdk.CreateSolutionInput{Name: aws.String("s1"), DatasetGroupArn: aws.String(group),
				RecipeArn: aws.String("arn:aws:personalize:::recipe/aws-user-personalization-v2"), SolutionConfig: cfg})
			return err
		}
	}
	events := func(weight, threshold float64) func(*sdk.Client) error {
		return solution(&types.SolutionConfig{EventsConfig: &types.EventsConfig{EventParametersList: []types.EventParameters{
			{EventType: aws.String("click"), Weight: aws.Float64(weight), EventValueThreshold: aws.Float64(threshold)}}}})
	}
	tests := []struct {
		name string
		call func(*sdk.Client) error
		want string // the rule, "" for a call that reaches Personalize
	}{
		{"weight 7/18", events(7.0/18, 0), ""},
		{"weight 6/11", events(6.0/11, 1), ""},
		{"threshold 19/23", events(0.5, 19.0/23), ""},
		{"ranking influence 16/27", func(c *sdk.Client) error {
			_, err := c.CreateCampaign(ctx, &sdk.CreateCampaignInput{Name: aws.String("c1"), SolutionVersionArn: aws.String("arn:aws:personalize:us-east-1:111122223333:solution/s1/1"),
				CampaignConfig: &types.CampaignConfig{RankingInfluence: map[string]float64{"POPULARITY": 16.0 / 27}}})
			return err
		}, ""},
		{"continuous range 13/29", solution(&types.SolutionConfig{HpoConfig: &types.HPOConfig{AlgorithmHyperParameterRanges: &types.HyperParameterRanges{
			ContinuousHyperParameterRanges: []types.ContinuousHyperParameterRange{{Name: aws.String("exploration_weight"), MinValue: 13.0 / 29, MaxValue: 1}}}}}), ""},
		{"threshold a card number", events(0.5, 4539703692581474), "sensitive.credit-card"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			err := tt.call(e.client)
			got := ""
			if sg := (*personalize.SafeguardError)(nil); errors.As(err, &sg) {
				got = sg.Rule
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rule (-want +got):\n%s(err = %v)", diff, err)
			}
			if reached := len(e.personalizeCalls()) > 0; reached != (tt.want == "") {
				t.Errorf("reached Personalize = %v, want %v", reached, tt.want == "")
			}
		})
	}
}
