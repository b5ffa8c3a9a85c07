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

// TestRed11KeywordInPropertyName: the detector finds an account number, a
// bare SSN or a secret key only after its keyword ("acct 912803456"), and in
// a properties document the keyword is the property's name. Each value is
// refused as it would be in the same text written "name: value".
func TestRed11KeywordInPropertyName(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger(), InsecurePublicProperties: []string{"description"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const (
		account = "912803456"
		ssn     = "123456789"
		secret  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	)
	tests := []struct {
		name   string
		call   func() error
		field  string
		rule   string
		secret string
	}{
		{"account number under accountNumber, a user's property", func() error {
			_, err := client.PutUsers(ctx, &sdk.PutUsersInput{DatasetArn: &c.UsersARN, Users: []types.User{{UserId: aws.String("u1"),
				Properties: aws.String(`{"membership":"gold","accountNumber":"` + account + `"}`)}}})
			return err
		}, "Users[0].Properties", "sensitive.account-number", account},
		{"account number as a JSON number under acct, an event's property", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt,
					Properties: aws.String(`{"acct":` + account + `}`)}}})
			return err
		}, "EventList[0].Properties", "sensitive.account-number", account},
		{"SSN under ssn, a user's property", func() error {
			_, err := client.PutUsers(ctx, &sdk.PutUsersInput{DatasetArn: &c.UsersARN, Users: []types.User{{UserId: aws.String("u1"),
				Properties: aws.String(`{"ssn":"` + ssn + `"}`)}}})
			return err
		}, "Users[0].Properties", "sensitive.ssn", ssn},
		{"account number under acct in a nested object of an event's property", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt,
					Properties: aws.String(`{"billing":{"plan":"gold","acct":["` + account + `"]}}`)}}})
			return err
		}, "EventList[0].Properties", "sensitive.account-number", account},
		{"SSN in full-width digits under SSN, a user's property", func() error {
			_, err := client.PutUsers(ctx, &sdk.PutUsersInput{DatasetArn: &c.UsersARN, Users: []types.User{{UserId: aws.String("u1"),
				Properties: aws.String(`{"SSN":"１２３４５６７８９"}`)}}})
			return err
		}, "Users[0].Properties", "sensitive.ssn", "１２３４５６７８９"},
		{"secret key under aws_secret_access_key, an item's property", func() error {
			_, err := client.PutItems(ctx, &sdk.PutItemsInput{DatasetArn: &c.ItemsARN, Items: []types.Item{{ItemId: aws.String("item-9"),
				Properties: aws.String(`{"aws_secret_access_key":"` + secret + `"}`)}}})
			return err
		}, "Items[0].Properties", "sensitive.aws-secret-key", secret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dataplanetest.RequireRefused(t, s, &log, tt.call(), tt.field, tt.rule, tt.secret)
		})
	}
}

// TestRed11NamedNumbersStillPass: scanning each value with its name
// refuses no value a name does not make identifying: prices, counts,
// timestamps and SKUs under their own names go out.
func TestRed11NamedNumbersStillPass(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	props := `{"orderTotal":"1234567.50","quantity":123456,"sku":"sku-912803456","clickedAt":1700001000123,"accountAge":"123456789 days","phoneModel":"2125550187"}`
	_, err = client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
		EventList: []types.Event{{EventType: aws.String("purchase"), ItemId: aws.String("item-1"), SentAt: sentAt, Properties: aws.String(props)}}})
	if err != nil {
		t.Fatalf("PutEvents(%s) = %v, want nil", props, err)
	}
}
