package personalizeevents_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// TestReview11ValueStartingWithKeywordSuffix: a value that goes on where
// its name's keyword leaves off ({"account":"No. 912803456"}) is an account
// number as the detector reads "account: No. 912803456"; joined to its name
// by " is ", the "No." stands after the linking word, where the detector
// reads no keyword continuation, and the value went out.
func TestReview11ValueStartingWithKeywordSuffix(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		props, rule, secret string
	}{
		{`{"account":"No. 912803456"}`, "sensitive.account-number", "912803456"},
		{`{"bankAccount":"number 912803456"}`, "sensitive.account-number", "912803456"},
		{`{"account":"ID 912803456"}`, "sensitive.account-number", "912803456"},
		{`{"ssn":"number 123456789"}`, "sensitive.ssn", "123456789"},
	}
	for _, tt := range tests {
		t.Run(tt.props, func(t *testing.T) {
			_, err := client.PutUsers(context.Background(), &sdk.PutUsersInput{DatasetArn: &c.UsersARN,
				Users: []types.User{{UserId: aws.String("u1"), Properties: aws.String(tt.props)}}})
			dataplanetest.RequireRefused(t, s, &log, err, "Users[0].Properties", tt.rule, tt.secret)
		})
	}
}

// TestReview11ArrayElementAfterObject: in {"acct":[{"a":"b"},"912803456"]}
// the number stands under acct, but was read after the inner object's last
// name, a, and went out (the service refuses nested properties, after the
// bytes have left).
func TestReview11ArrayElementAfterObject(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.PutUsers(context.Background(), &sdk.PutUsersInput{DatasetArn: &c.UsersARN,
		Users: []types.User{{UserId: aws.String("u1"), Properties: aws.String(`{"acct":[{"a":"b"},"912803456"]}`)}}})
	dataplanetest.RequireRefused(t, s, &log, err, "Users[0].Properties", "sensitive.account-number", "912803456")
}

// TestReview11ValueUnderParentName: in {"ssn":{"value":"123456789"}} the
// name that makes the digits an SSN is the parent's; the value was read
// only after "value", and went out (the service refuses nested properties,
// after the bytes have left).
func TestReview11ValueUnderParentName(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ props, rule, secret string }{
		{`{"ssn":{"value":"123456789"}}`, "sensitive.ssn", "123456789"},
		{`{"billing":{"acct":{"value":912803456}}}`, "sensitive.account-number", "912803456"},
		{`{"acct":[{"v":"912803456"}]}`, "sensitive.account-number", "912803456"},
	} {
		t.Run(tt.props, func(t *testing.T) {
			_, err := client.PutUsers(context.Background(), &sdk.PutUsersInput{DatasetArn: &c.UsersARN,
				Users: []types.User{{UserId: aws.String("u1"), Properties: aws.String(tt.props)}}})
			dataplanetest.RequireRefused(t, s, &log, err, "Users[0].Properties", tt.rule, tt.secret)
		})
	}
}
