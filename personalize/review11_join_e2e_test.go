package personalize_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestReview11TagValueStartingWithKeywordSuffix: a tag {Account: "No.
// 912803456"} reaches CloudTrail as an account number the detector finds
// in "Account: No. 912803456"; joined by " is " it was not found.
func TestReview11TagValueStartingWithKeywordSuffix(t *testing.T) {
	const account = "912803456"
	tests := []struct {
		key, value, rule string
	}{
		{"Account", "No. " + account, "sensitive.account-number"},
		{"BillingAccount", "Number " + account, "sensitive.account-number"},
		{"acct", "id " + account, "sensitive.account-number"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("g1"),
				Tags: []types.Tag{{TagKey: aws.String(tt.key), TagValue: aws.String(tt.value)}}})
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) || sg.Rule != tt.rule || sg.Field != "Tags[0].TagValue" {
				t.Errorf("CreateDatasetGroup with tag %s=%s: err = %v, want rule %s at Tags[0].TagValue", tt.key, tt.value, err, tt.rule)
			}
			if e.srv.Seen(account) {
				t.Errorf("the endpoint saw the value")
			}
			if strings.Contains(e.audit.String(), account) {
				t.Errorf("the audit log repeats the value")
			}
		})
	}
}

// TestReview11FilterBareLiteralOfOtherDigits: an unquoted number in
// full-width digits after an account column went out (see
// TestReview11FilterLiteralOfOtherDigits).
func TestReview11FilterBareLiteralOfOtherDigits(t *testing.T) {
	const account = "９１２８０３４５６"
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	_, err := e.client.CreateFilter(context.Background(), &sdk.CreateFilterInput{Name: aws.String("f1"),
		DatasetGroupArn:  aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/g1"),
		FilterExpression: aws.String(`EXCLUDE ItemID WHERE Users.ACCOUNT_NUMBER IN (` + account + `)`)})
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) || sg.Rule != "sensitive.account-number" || sg.Field != "FilterExpression" {
		t.Errorf("CreateFilter = %v, want rule sensitive.account-number at FilterExpression", err)
	}
	if e.srv.Seen(account) {
		t.Errorf("the endpoint saw the value")
	}
}
