package personalizeevents_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed14NestedValueAfterPropertyName: a value two objects down in a
// properties document is read after the property's name too, not only
// after the member holding it. {"ssn":{"value":"123456789"}} was refused
// (review11) but {"ssn":{"us":{"value":"123456789"}}} went out.
func TestRed14NestedValueAfterPropertyName(t *testing.T) {
	tests := []struct {
		name, props, secret string
		rule                string
	}{
		{"ssn two levels down", `{"ssn":{"us":{"value":"123456789"}}}`, "123456789", "sensitive.ssn"},
		{"account number two levels down", `{"acct":{"primary":{"v":912803456}}}`, "912803456", "sensitive.account-number"},
		{"account number in an array two levels down", `{"acct":{"list":[{"v":"912803456"}]}}`, "912803456", "sensitive.account-number"},
		// Every ancestor's name, the middle ones too (was skipped in TestRed14Unfixed).
		{"SSN under a middle ancestor", `{"x":{"ssn":{"us":{"value":"123456789"}}}}`, "123456789", "sensitive.ssn"},
		{"account number under a middle ancestor in an array", `{"x":[{"acct":{"list":[{"v":"912803456"}]}}]}`, "912803456", "sensitive.account-number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := dataplanetest.Start(t)
			var log dataplanetest.AuditLog
			client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt, Properties: aws.String(tt.props)}}})
			requirePropertiesRefused(t, s, &log, err, "EventList[0].Properties", tt.rule, tt.secret)
		})
	}
}

// TestRed14ListPropertyAfterName: a categorical property lists its values
// (gold|912803456), and each is read after the property's name: only the
// first, next to the name, was found. So is a number after any other text
// (gold 912803456, x:123456789).
func TestRed14ListPropertyAfterName(t *testing.T) {
	tests := []struct {
		name, props, secret string
		rule                string
	}{
		{"account number second of a categorical value", `{"acct":"gold|912803456"}`, "912803456", "sensitive.account-number"},
		{"SSN second of a comma list", `{"ssn":"n/a, 123456789"}`, "123456789", "sensitive.ssn"},
		{"account number after a word", `{"acct":"gold 912803456"}`, "912803456", "sensitive.account-number"},
		{"account number after a semicolon", `{"acct":"gold;912803456"}`, "912803456", "sensitive.account-number"},
		{"account number after a slash", `{"acct":"gold/912803456"}`, "912803456", "sensitive.account-number"},
		{"SSN after a label", `{"ssn":"x:123456789"}`, "123456789", "sensitive.ssn"},
		{"SSN after words", `{"ssn":"on file - 123-45-6789"}`, "123-45-6789", "sensitive.ssn"},
		{"account number after a full-width comma", `{"acct":"gold，912803456"}`, "912803456", "sensitive.account-number"},
		{"account number in full-width digits after a word", `{"acct":"gold ９１２８０３４５６"}`, "９１２８０３４５６", "sensitive.account-number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := dataplanetest.Start(t)
			var log dataplanetest.AuditLog
			client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.PutUsers(context.Background(), &sdk.PutUsersInput{DatasetArn: &c.UsersARN, Users: []types.User{
				{UserId: aws.String("u1"), Properties: aws.String(tt.props)}}})
			requirePropertiesRefused(t, s, &log, err, "Users[0].Properties", tt.rule, tt.secret)
		})
	}
}

// TestRed14NonFiniteEventValue: the SDK writes a NaN or infinite
// eventValue as the strings "NaN", "Infinity" and "-Infinity", as the JSON
// protocols define; the gate called that body "not of the model's shape"
// and refused a call the caller made through the SDK's own types.
func TestRed14NonFiniteEventValue(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, err := client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
			EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt, EventValue: aws.Float32(float32(v))}}})
		var sg *personalizeevents.SafeguardError
		got := ""
		if errors.As(err, &sg) {
			got = sg.Rule
		}
		if diff := cmp.Diff("", got); diff != "" {
			t.Errorf("PutEvents with eventValue %v refused by the guard (-want +got):\n%s", v, diff)
		}
	}
}

// TestRed14ControlSplitValues: an e-mail or a card split by NULs, which a
// reader that drops NULs rebuilds, is refused and never reaches the
// endpoint (red14 left them; fixed in package sensitive: a C0 control
// other than a tab or line break is no part of a value and no separator).
func TestRed14ControlSplitValues(t *testing.T) {
	tests := []struct {
		name, props, secret string
	}{
		{"e-mail split by NUL", `{"note":"jane.doe\u0000@example.com"}`, "@example.com"},
		{"card split by NUL", `{"note":"4111\u00001111\u00001111\u00001111"}`, "1111"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := dataplanetest.Start(t)
			client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt, Properties: aws.String(tt.props)}}})
			var sg *personalizeevents.SafeguardError
			if diff := cmp.Diff([2]bool{true, false}, [2]bool{errors.As(err, &sg), s.Seen(tt.secret)}); diff != "" {
				t.Errorf("PutEvents with properties %s: [refused, seen] (-want +got):\n%s", tt.props, diff)
			}
		})
	}
}

// requirePropertiesRefused is the red14 properties tests' check: refused at
// field by rule, and the secret never seen by the endpoint, in the error or
// in the audit log (dataplanetest.RequireRefused).
func requirePropertiesRefused(t *testing.T, s *personalizetest.Server, log *dataplanetest.AuditLog, err error, field, rule, secret string) {
	t.Helper()
	type outcome struct {
		Field, Rule string
		Seen        bool
	}
	got := outcome{Seen: s.Seen(secret)}
	var sg *personalizeevents.SafeguardError
	if errors.As(err, &sg) {
		got.Field, got.Rule = sg.Field, sg.Rule
	}
	if diff := cmp.Diff(outcome{Field: field, Rule: rule}, got); diff != "" {
		t.Errorf("refusal (-want +got):\n%s", diff)
	}
	dataplanetest.RequireRefused(t, s, log, err, field, rule, secret)
}
