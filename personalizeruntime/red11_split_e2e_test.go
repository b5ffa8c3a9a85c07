package personalizeruntime_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestRed11KeywordInMapKey: context and filterValues are maps whose keys
// are attribute names; an account number or a bare SSN is found only after
// its keyword, and here the keyword is the key. Each is refused as it
// would be written "key: value".
func TestRed11KeywordInMapKey(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const (
		account = "912803456"
		ssn     = "123456789"
	)
	tests := []struct {
		name   string
		in     *sdk.GetRecommendationsInput
		field  string
		rule   string
		secret string
	}{
		{"account number in context under ACCOUNT_NUMBER",
			&sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), Context: map[string]string{"ACCOUNT_NUMBER": account}},
			"Context.Value", "sensitive.account-number", account},
		{"SSN in filterValues under SSN",
			&sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1"), FilterValues: map[string]string{"SSN": ssn}},
			"FilterValues.Value", "sensitive.ssn", ssn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.GetRecommendations(ctx, tt.in)
			dataplanetest.RequireRefused(t, s, &log, err, tt.field, tt.rule, tt.secret)
		})
	}
}
