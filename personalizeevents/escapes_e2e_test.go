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

// TestEscapedInNestedJSON: a property whose value is itself a JSON document
// holds escapes that only a second decoding reads, as Personalize's readers
// may decode it: "{\"e\":\"jane\\u0040example.com\"}" holds an address
// (review of the data plane: it was sent). The guard reads each string
// again as JSON string content, up to eight times; nothing is sent, and the
// error and audit name the field and rule, never the value.
func TestEscapedInNestedJSON(t *testing.T) {
	s, c := dataplanetest.Start(t)
	ctx := context.Background()
	var log dataplanetest.AuditLog
	def, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t), Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	const user = "cust-889123"
	put := func(client *sdk.Client, userID, properties string) error {
		_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String(userID), SessionId: aws.String("s1"),
			EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Properties: aws.String(properties)}}})
		return err
	}
	for _, tt := range []struct {
		name, rule, secret string
		call               func() error
	}{
		{"an address in a nested document", "sensitive.email", "jane@example.com", func() error {
			return put(def, "u1", `{"payload":"{\"e\":\"jane\\u0040example.com\"}"}`)
		}},
		{"a card in a nested document", "sensitive.credit-card", "4111111111111111", func() error {
			return put(def, "u1", `{"payload":"{\"c\":\"\\u0034111111111111111\"}"}`)
		}},
		{"the user's ID in a nested document", personalizeevents.RuleRawIdentifier, user, func() error {
			return put(ps, user, `{"payload":"{\"u\":\"cust\\u002d889123\"}"}`)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dataplanetest.RequireRefused(t, s, &log, tt.call(), "EventList[0].Properties", tt.rule, tt.secret)
		})
	}
	if err := put(def, "u1", `{"payload":"{\"page\":\"caf\\u00e9\"}"}`); err != nil {
		t.Errorf("a clean nested document = %v, want it sent", err)
	}
}
