package personalizeruntime_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestEscapedInFilterValues: a filter value is a list of JSON strings,
// which Personalize decodes, so an escape inside one hides its value from a
// reading of the text as written: "jane\u0040example.com" is an address,
// "cust\u002d889123" the user's ID (review of the data plane: both were
// sent). The guard reads each value again as JSON string content, up to
// eight times; nothing is sent, and the error and audit name the field and
// rule, never the value.
func TestEscapedInFilterValues(t *testing.T) {
	s, c := dataplanetest.Start(t)
	ctx := context.Background()
	var log dataplanetest.AuditLog
	def, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t), Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	const user = "cust-889123"
	for _, tt := range []struct {
		name        string
		client      *sdk.Client
		userID      string
		filter      string
		context     string
		field, rule string
		secret      string
	}{
		{"an address, its at sign escaped", def, "u1", `"jane\u0040example.com"`, "", "FilterValues.Value", "sensitive.email", "jane@example.com"},
		{"a card, its first digit escaped", def, "u1", `"\u0034111111111111111"`, "", "FilterValues.Value", "sensitive.credit-card", "4111111111111111"},
		{"a phone, its plus escaped", def, "u1", `"\u002b14155550100"`, "", "FilterValues.Value", "sensitive.phone", "+14155550100"},
		{"an address escaped twice", def, "u1", `"jane\\u0040example.com"`, "", "FilterValues.Value", "sensitive.email", "jane@example.com"},
		{"an address in a context value", def, "u1", "", `jane\u0040example.com`, "Context.Value", "sensitive.email", "jane@example.com"},
		{"the user's ID, its dash escaped", ps, user, `"cust\u002d889123"`, "", "FilterValues.Value", personalizeruntime.RuleRawIdentifier, user},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := &sdk.GetRecommendationsInput{CampaignArn: aws.String(c.CampaignARN), UserId: aws.String(tt.userID)}
			if tt.filter != "" {
				in.FilterValues = map[string]string{"TYPES": tt.filter}
			}
			if tt.context != "" {
				in.Context = map[string]string{"DEVICE": tt.context}
			}
			_, err := tt.client.GetRecommendations(ctx, in)
			dataplanetest.RequireRefused(t, s, &log, err, tt.field, tt.rule, tt.secret)
		})
	}
	// A value whose escapes hide nothing goes out (the emulator then wants
	// a filter for it: its answer, not the guard's).
	_, err = def.GetRecommendations(ctx, &sdk.GetRecommendationsInput{CampaignArn: aws.String(c.CampaignARN), UserId: aws.String("u1"),
		FilterValues: map[string]string{"TYPES": `"click","caf\u00e9"`}})
	if sg := (*personalizeruntime.SafeguardError)(nil); errors.As(err, &sg) {
		t.Errorf("a clean escaped filter value refused: %v", err)
	}
	if n := len(dataplanetest.APIRequests(s)); n != 1 {
		t.Errorf("the endpoint got %d requests, want the clean one", n)
	}
}
