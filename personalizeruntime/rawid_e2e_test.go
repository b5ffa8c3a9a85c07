package personalizeruntime_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestRawIDElsewhere (fourth review): with a Pseudonymizer, the user ID a
// request gives is refused in its context and filter values, where it
// would go out beside its pseudonym; nothing is sent, and the error and
// audit event name the field, never the ID. A context value that only
// holds the ID inside a longer word goes out.
func TestRawIDElsewhere(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t), Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const user = "customer-0001"
	tests := []struct {
		name, field string
		in          *sdk.GetRecommendationsInput
	}{
		{"context value", "Context.Value", &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(user),
			Context: map[string]string{"USER_ID": user}}},
		{"filter value", "FilterValues.Value", &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(user),
			FilterValues: map[string]string{"OWNER": `"` + user + `"`}}},
		// Sixth review: what the SDK escapes right against the ID.
		{"context value with a tab before the ID", "Context.Value", &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(user),
			Context: map[string]string{"SEGMENT": "vip	" + user}}},
		{"context value with a line separator before the ID", "Context.Value", &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(user),
			Context: map[string]string{"SEGMENT": "vip " + user}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.GetRecommendations(ctx, tt.in)
			dataplanetest.RequireRefused(t, s, &log, err, tt.field, personalizeruntime.RuleRawIdentifier, user)
		})
	}
	if n := len(dataplanetest.APIRequests(s)); n != 0 {
		t.Fatalf("the endpoint got %d requests, want 0", n)
	}
	if _, err := client.GetRecommendations(ctx, &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(user),
		Context: map[string]string{"SEGMENT": "x" + user}}); err != nil {
		t.Fatalf("the ID inside a longer word: %v", err)
	}
}
