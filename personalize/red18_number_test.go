package personalize_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed18ModelNumberRounds: a number where the model has one, written by
// a hook after the guard's Initialize check, is read as the float64 every
// reader rounds it to: 4539703692581473.99999999 is the card
// 4539703692581474, which its integer digits alone (…473) are not.
func TestRed18ModelNumberRounds(t *testing.T) {
	const group = "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"
	tests := []struct {
		name, threshold string
		want            string // the rule, "" for a call that reaches Personalize
	}{
		{"a fraction", "0.3888888888888889", ""},
		{"a card's digits truncated", "4539703692581474.4", "sensitive.credit-card"},
		{"rounds up to a card", "4539703692581473.99999999", "sensitive.credit-card"},
		{"a tie, to the even card", "45397036925814735e-1", "sensitive.credit-card"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			_, err := e.client.CreateSolution(context.Background(), &sdk.CreateSolutionInput{Name: aws.String("s1"), DatasetGroupArn: aws.String(group),
				RecipeArn: aws.String("arn:aws:personalize:::recipe/aws-user-personalization-v2"),
				SolutionConfig: &types.SolutionConfig{EventsConfig: &types.EventsConfig{EventParametersList: []types.EventParameters{
					{EventType: aws.String("click"), Weight: aws.Float64(0.5), EventValueThreshold: aws.Float64(0.25)}}}}},
				func(o *sdk.Options) {
					o.APIOptions = append(o.APIOptions, rewriteBody("CreateSolution", func(b string) string {
						return strings.Replace(b, `"eventValueThreshold":0.25`, `"eventValueThreshold":`+tt.threshold, 1)
					}))
				})
			got := ""
			if sg := (*personalize.SafeguardError)(nil); errors.As(err, &sg) {
				got = sg.Rule
			}
			if diff := cmp.Diff([]any{tt.want, tt.want == ""}, []any{got, len(e.personalizeCalls()) > 0}); diff != "" {
				t.Errorf("[rule, reached Personalize] (-want +got):\n%s(err = %v)", diff, err)
			}
		})
	}
}
