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

// TestRawIDElsewhere (fourth review): with a Pseudonymizer, a user ID the
// call gives is refused in any other field of the request,
// where it would go out beside its pseudonym: an event ID built from it, a
// property naming it. Nothing is sent, and the error and audit event name
// the field and rule, never the ID, in whatever escapes it is written. The
// ID inside a longer word, an ID shorter than six characters, a catalogue
// ID that reads the same and session IDs (a time, repeated) pass.
func TestRawIDElsewhere(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t), Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const account = "004512873309" // a customer's account number, as the user ID: bare, the detector lets it pass
	events := func(e types.Event) error {
		e.EventType, e.SentAt = aws.String("view"), sentAt
		_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String(account), SessionId: aws.String("session-7f3a"),
			EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}, e}})
		return err
	}
	refused := []struct {
		name, field, secret string
		call                func() error
	}{
		{"an event ID built from the user ID", "EventList[1].EventId", account, func() error {
			return events(types.Event{EventId: aws.String(account + "-1700001000")})
		}},
		{"a property naming the user", "EventList[1].Properties", account, func() error {
			return events(types.Event{Properties: aws.String(`{"customerRef":"` + account + `"}`)})
		}},
		{"a user's properties naming the user", "Users[0].Properties", account, func() error {
			_, err := client.PutUsers(ctx, &sdk.PutUsersInput{DatasetArn: &c.UsersARN, Users: []types.User{{UserId: aws.String(account),
				Properties: aws.String(`{"membership":"gold/` + account + `"}`)}}})
			return err
		}},
		// Fifth review: escapes that encoders write unasked (Python's
		// json.dumps escapes every character past ASCII, PHP's json_encode
		// every slash), which Personalize decodes.
		{"a property with an escaped slash beside the ID", "EventList[1].Properties", account, func() error {
			return events(types.Event{Properties: aws.String(`{"path":"tenant\/004512873309"}`)})
		}},
		{"a property with an ID past ASCII, escaped", "EventList[0].Properties", "jürgen-004512", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("jürgen-004512"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(`{"by":"j\u00fcrgen-004512"}`)}}})
			return err
		}},
		{"a property name holding an ID with a slash, escaped", "EventList[0].Properties", "acme/004512", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("acme/004512"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(`{"acme\/004512":"x"}`)}}})
			return err
		}},
		// Sixth review: an escape right against the ID (what encoders write
		// for &, a line break, a no-break space), and an ID spelt with
		// escapes.
		{"a property with an escaped ampersand before the ID", "EventList[1].Properties", account, func() error {
			return events(types.Event{Properties: aws.String(`{"ref":"tenant\u0026` + account + `"}`)})
		}},
		{"a property with a line break before the ID", "EventList[1].Properties", account, func() error {
			return events(types.Event{Properties: aws.String(`{"note":"Customer:\n` + account + `"}`)})
		}},
		{"a property with a no-break space before the ID", "EventList[1].Properties", account, func() error {
			return events(types.Event{Properties: aws.String(`{"note":"Kunde\u00a0` + account + `"}`)})
		}},
		{"a property with the ID's digits escaped", "EventList[1].Properties", account, func() error {
			return events(types.Event{Properties: aws.String(`{"customerRef":"\u0030\u00304512873309"}`)})
		}},
		{"an event ID with a tab before the ID", "EventList[1].EventId", account, func() error {
			return events(types.Event{EventId: aws.String("evt\t" + account)})
		}},
		{"a numeric user ID as the event's value", "EventList[1].EventValue", "1234567", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("1234567"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, ItemId: aws.String("item-1")},
					{EventType: aws.String("purchase"), SentAt: sentAt, EventValue: aws.Float32(1234567)}}})
			return err
		}},
		{"a numeric user ID as a property's number", "EventList[0].Properties", "7654321", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("7654321"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(`{"customer":7654321.0}`)}}})
			return err
		}},
		// Ninth review: Go's %v of a float64 and Java's Double.toString
		// write a large number with an exponent.
		{"a numeric user ID with an exponent, in a property", "EventList[0].Properties", "12345678", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("12345678"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(`{"customer":1.2345678e+07}`)}}})
			return err
		}},
		{"a numeric user ID with an exponent, as the event's value", "EventList[0].EventValue", "16777216", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("16777216"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, EventValue: aws.Float32(16777216)}}})
			return err
		}},
		{"a numeric user ID's value without its leading zeros", "EventList[1].Properties", "4512873309", func() error {
			return events(types.Event{Properties: aws.String(`{"customer":4512873309}`)})
		}},
		// Eleventh review: the ID negated, and an ID too long for a double
		// written as one (JSON.stringify), rounded.
		{"a numeric user ID negated", "EventList[1].Properties", "4512873309", func() error {
			return events(types.Event{Properties: aws.String(`{"customer":-4512873309}`)})
		}},
		{"a long numeric user ID as a double", "EventList[0].Properties", "1234567890123456789", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("1234567890123456789"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(`{"author":1234567890123456800}`)}}})
			return err
		}},
		{"a long numeric user ID as a double with an exponent", "EventList[0].Properties", "1234567890123456789", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("1234567890123456789"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(`{"author":1.2345678901234568e+18}`)}}})
			return err
		}},
		// Twelfth review: a double's rounding carried into the ID's 15th
		// digit, or up a digit; a negative ID.
		{"a long numeric user ID as a double, its digits carried", "EventList[0].Properties", "7604504064263669287", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("7604504064263669287"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(`{"author":7604504064263670000}`)}}})
			return err
		}},
		{"a long numeric user ID as a double, a digit up", "EventList[0].Properties", "99999999999999999", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("99999999999999999"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(`{"author":100000000000000000}`)}}})
			return err
		}},
		{"a negative numeric user ID", "EventList[0].Properties", "1001234567890", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("-1001234567890"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(`{"chat":-1001234567890}`)}}})
			return err
		}},
		// Thirteenth review: an E.164 phone number as the user ID, which
		// int() and Number() read as a number.
		{"a phone number user ID as a number", "EventList[0].Properties", "14155550123", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("+14155550123"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(`{"contact":14155550123}`)}}})
			return err
		}},
		{"another user's ID in a batch", "Users[0].Properties", account, func() error {
			_, err := client.PutUsers(ctx, &sdk.PutUsersInput{DatasetArn: &c.UsersARN, Users: []types.User{
				{UserId: aws.String("customer-0002"), Properties: aws.String(`{"referrer":"` + account + `"}`)}, {UserId: aws.String(account)}}})
			return err
		}},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			dataplanetest.RequireRefused(t, s, &log, tt.call(), tt.field, personalizeevents.RuleRawIdentifier, tt.secret)
		})
	}
	if n := len(dataplanetest.APIRequests(s)); n != 0 {
		t.Fatalf("the endpoint got %d requests, want 0", n)
	}

	sent := []struct {
		name string
		call func() error
	}{
		{"the user ID inside a longer word", func() error {
			return events(types.Event{EventId: aws.String("x" + account + "1")})
		}},
		{"an item ID that reads the same", func() error {
			return events(types.Event{ItemId: aws.String(account)})
		}},
		{"a session ID that is its first event's second, repeated", func() error {
			// A session ID made of the session's start time, as GA4's
			// are, which sentAt, the event ID and a property repeat:
			// session IDs are not looked for elsewhere.
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String(account), SessionId: aws.String("1700001000"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt,
					EventId: aws.String("1700001000-view-1"), Properties: aws.String(`{"ts":1700001000}`)}}})
			return err
		}},
		{"a numeric user ID's digits inside numbers", func() error {
			// Eighth review: numbers coincide more than words; only one
			// that is the ID is refused.
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("1234567"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("rate"), SentAt: sentAt, ItemId: aws.String("item-1"), EventValue: aws.Float32(0.1234567),
					Properties: aws.String(`{"amount":91234567,"ratio":0.1234567}`)}}})
			return err
		}},
		{"a number with a vast exponent beside a numeric user ID", func() error {
			// Not built out digit by digit to be compared (rawIDInNumber).
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("12345678"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, ItemId: aws.String("item-1"), Properties: aws.String(`{"x":1e999999999}`)}}})
			return err
		}},
		{"a zero-padded user ID whose value is a quantity", func() error {
			// Eleventh review: 000001 is 1; only its spelling is looked for.
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("000001"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("buy"), SentAt: sentAt, ItemId: aws.String("item-1"), EventValue: aws.Float32(1),
					Properties: aws.String(`{"quantity":1,"discount":0}`)}}})
			return err
		}},
		{"a long numeric ID made beside the user's", func() error {
			// Thirteenth review: a cart made in the same millisecond as its
			// snowflake user reads as the same double, and is another ID.
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("1234567890123456789"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, ItemId: aws.String("item-1"), Properties: aws.String(`{"cart_id":1234567890123456790}`)}}})
			return err
		}},
		{"a property naming the session", func() error {
			return events(types.Event{Properties: aws.String(`{"visit":"session-7f3a"}`)})
		}},
		{"a short user ID", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u42"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, EventId: aws.String("u42-1"), Properties: aws.String(`{"note":"u42"}`)}}})
			return err
		}},
	}
	for i, tt := range sent {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatalf("refused: %v", err)
			}
			if n := len(dataplanetest.APIRequests(s)); n != i+1 {
				t.Errorf("the endpoint got %d requests, want %d", n, i+1)
			}
		})
	}
}
