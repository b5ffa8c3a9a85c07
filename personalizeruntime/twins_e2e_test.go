package personalizeruntime_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestAttemptSentTwiceAtOnce: a hook that hedges an attempt, handing it on
// twice at once from two goroutines, has each copy checked on its own (a
// walk's state, a refusal reported, the safeguards that acted, are the
// send's or guarded, never raced on), and each copy sent as checked or
// refused (see dataplanetest.RunTwins for the cases).
func TestAttemptSentTwiceAtOnce(t *testing.T) {
	s, c := dataplanetest.Start(t)
	const user = "u-twin-1"
	target := dataplanetest.TwinTarget{
		First:   dataplanetest.TwinPlant{Member: "DEVICE", Value: "123-45-6789", Field: "Context.Value", Rule: "sensitive.ssn", Secret: true},
		Second:  dataplanetest.TwinPlant{Member: "userId", Value: "jane.doe@example.com", Field: "UserId", Rule: "sensitive.email", Secret: true},
		Changed: dataplanetest.TwinPlant{Member: "userId", Value: user, Field: "UserId", Rule: personalize.RuleRequestChanged, Secret: true},
	}
	pseudonyms := dataplanetest.Pseudonymizer(t)
	dataplanetest.RunTwins(t, s, personalizeruntime.IDWireGate, target, func(t *testing.T, tc dataplanetest.TwinCase, log *dataplanetest.AuditLog, hook func(*middleware.Stack) error) (string, error) {
		p := personalizeruntime.Policy{Logger: log.Logger(), InsecureReportOnly: tc.ReportOnly}
		if tc.PutsIn {
			p.Pseudonymizer = pseudonyms
		}
		client, err := personalizeruntime.New(s.Config(), p)
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(user),
			Context: map[string]string{"DEVICE": "phone"}}, func(o *sdk.Options) { o.APIOptions = append(o.APIOptions, hook) })
		return "GetRecommendations", err
	})
}
