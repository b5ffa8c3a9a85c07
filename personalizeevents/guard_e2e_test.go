package personalizeevents_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	awsruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

const (
	email = "jane.doe@example.com"
	card  = "4111 1111 1111 1111"
)

var sentAt = aws.Time(time.Unix(1700001000, 0))

func TestTLS11EndpointRefused(t *testing.T) {
	dataplanetest.RequireTLS11Refused(t, func(cfg aws.Config) error {
		client, err := personalizeevents.New(cfg, personalizeevents.Policy{})
		if err != nil {
			return err
		}
		_, err = client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: aws.String("t"), SessionId: aws.String("s"),
			EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt}}})
		return err
	})
}

func TestHTTPEndpointRefused(t *testing.T) {
	dataplanetest.RequireHTTPRefused(t, func(cfg aws.Config) error {
		_, err := personalizeevents.New(cfg, personalizeevents.Policy{})
		return err
	})
}

// TestIdentifiersWithoutPseudonymizer: an identifying user or session ID is
// refused, wherever the operation takes one.
func TestIdentifiersWithoutPseudonymizer(t *testing.T) {
	s, c := dataplanetest.Start(t)
	var log dataplanetest.AuditLog
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	event := []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}}
	tests := []struct {
		name        string
		call        func() error
		field, rule string
	}{
		{"e-mail as PutEvents userId", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String(email), SessionId: aws.String("s1"), EventList: event})
			return err
		}, "UserId", "sensitive.email"},
		{"e-mail as PutEvents sessionId", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String(email), EventList: event})
			return err
		}, "SessionId", "sensitive.email"},
		{"e-mail as a PutUsers userId", func() error {
			_, err := client.PutUsers(ctx, &sdk.PutUsersInput{DatasetArn: &c.UsersARN, Users: []types.User{{UserId: aws.String("u1")}, {UserId: aws.String(email)}}})
			return err
		}, "Users[1].UserId", "sensitive.email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dataplanetest.RequireRefused(t, s, &log, tt.call(), tt.field, tt.rule, email)
		})
	}
}

// TestProperties: properties are scanned value by value; the values of
// InsecurePublicProperties are not.
func TestProperties(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{InsecurePublicProperties: []string{"description"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name        string
		call        func() error
		field, rule string
		secret      string
	}{
		{"card in an item's properties", func() error {
			_, err := client.PutItems(ctx, &sdk.PutItemsInput{DatasetArn: &c.ItemsARN, Items: []types.Item{
				{ItemId: aws.String("item-9"), Properties: aws.String(`{"genres":"comedy","description":"` + card + `"}`)},
				{ItemId: aws.String("item-8"), Properties: aws.String(`{"genres":"` + card + `"}`)}}})
			return err
		}, "Items[1].Properties", "sensitive.credit-card", card},
		{"e-mail in an event's properties", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt,
					Properties: aws.String(`{"referrer":"` + email + `"}`)}}})
			return err
		}, "EventList[0].Properties", "sensitive.email", email},
		{"e-mail in a user's properties", func() error {
			_, err := client.PutUsers(ctx, &sdk.PutUsersInput{DatasetArn: &c.UsersARN, Users: []types.User{{UserId: aws.String("u1"),
				Properties: aws.String(`{"membership":"` + email + `"}`)}}})
			return err
		}, "Users[0].Properties", "sensitive.email", email},
		{"properties not an object", func() error {
			_, err := client.PutItems(ctx, &sdk.PutItemsInput{DatasetArn: &c.ItemsARN, Items: []types.Item{{ItemId: aws.String("item-9"), Properties: aws.String(`["x"]`)}}})
			return err
		}, "Items[0].Properties", personalizeevents.RulePropertiesJSON, ""},
		{"card as an item ID", func() error {
			_, err := client.PutItems(ctx, &sdk.PutItemsInput{DatasetArn: &c.ItemsARN, Items: []types.Item{{ItemId: aws.String(card)}}})
			return err
		}, "Items[0].ItemId", "sensitive.credit-card", card},
		{"e-mail in an impression", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: &c.TrackingID, SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt, Impression: []string{"item-1", email}}}})
			return err
		}, "EventList[0].Impression[1]", "sensitive.email", email},
		{"tracking ID that the service did not issue", func() error {
			_, err := client.PutEvents(ctx, &sdk.PutEventsInput{TrackingId: aws.String("tracker of " + email), SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt}}})
			return err
		}, "TrackingId", "model.pattern", email},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var secrets []string
			if tt.secret != "" {
				secrets = append(secrets, tt.secret)
			}
			dataplanetest.RequireRefused(t, s, nil, tt.call(), tt.field, tt.rule, secrets...)
		})
	}
	if n := len(dataplanetest.APIRequests(s)); n != 0 {
		t.Errorf("the endpoint got %d requests, want 0", n)
	}

	// A public property's value is not scanned, and the call goes out.
	if _, err := client.PutItems(ctx, &sdk.PutItemsInput{DatasetArn: &c.ItemsARN, Items: []types.Item{
		{ItemId: aws.String("item-9"), Properties: aws.String(`{"genres":"comedy","description":"Call the publisher on +1 415 555 0100"}`)}}}); err != nil {
		t.Fatalf("PutItems with a public description: %v", err)
	}
}

// TestOnePseudonymEverywhere: with one Policy, a customer known by e-mail
// is one pseudonym in PutEvents, PutUsers and GetRecommendations, and the
// e-mail never leaves the process; the caller's structs are unchanged.
func TestOnePseudonymEverywhere(t *testing.T) {
	s, c := dataplanetest.Start(t)
	policy := personalizeevents.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(t)}
	events, err := personalizeevents.New(s.Config(), policy)
	if err != nil {
		t.Fatal(err)
	}
	runtime, err := personalizeruntime.New(s.Config(), policy)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in := &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String(email), SessionId: aws.String("session-" + email),
		EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}}}
	want := &sdk.PutEventsInput{TrackingId: aws.String(c.TrackingID), UserId: aws.String(email), SessionId: aws.String("session-" + email),
		EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}}}
	if _, err := events.PutEvents(ctx, in); err != nil {
		t.Fatal(err)
	}
	ignore := cmpopts.IgnoreUnexported(sdk.PutEventsInput{}, types.Event{}, sdk.PutUsersInput{}, types.User{})
	if diff := cmp.Diff(want, in, ignore); diff != "" {
		t.Errorf("PutEvents changed the caller's input (-want +got):\n%s", diff)
	}
	users := &sdk.PutUsersInput{DatasetArn: &c.UsersARN, Users: []types.User{{UserId: aws.String(email), Properties: aws.String(`{"membership":"gold"}`)}}}
	wantUsers := &sdk.PutUsersInput{DatasetArn: aws.String(c.UsersARN), Users: []types.User{{UserId: aws.String(email), Properties: aws.String(`{"membership":"gold"}`)}}}
	if _, err := events.PutUsers(ctx, users); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantUsers, users, ignore); diff != "" {
		t.Errorf("PutUsers changed the caller's input (-want +got):\n%s", diff)
	}
	out, err := runtime.GetRecommendations(ctx, &awsruntime.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(email)})
	if err != nil {
		t.Fatal(err)
	}
	pseudo, err := policy.Pseudonymizer.UserID(email)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, r := range s.Requests() {
		if r.Contains(pseudo) {
			ops = append(ops, r.Operation)
		}
	}
	if diff := cmp.Diff([]string{"PutEvents", "PutUsers", "GetRecommendations"}, ops); diff != "" {
		t.Errorf("requests carrying the pseudonym (-want +got):\n%s", diff)
	}
	if s.Seen(email) {
		t.Error("the endpoint saw the e-mail address")
	}
	// The service linked the event to the recommendation request: the
	// item the customer viewed is not recommended to them again.
	var items []string
	for _, it := range out.ItemList {
		items = append(items, aws.ToString(it.ItemId))
	}
	if len(items) == 0 || slices.Contains(items, "item-1") {
		t.Errorf("recommendations = %v, want some, without the viewed item-1", items)
	}
}

// TestActionInteractionsPseudonymized: each element's userId and sessionId
// is replaced on a copy of the caller's list.
func TestActionInteractionsPseudonymized(t *testing.T) {
	s, c := dataplanetest.Start(t)
	p := dataplanetest.Pseudonymizer(t)
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{Pseudonymizer: p})
	if err != nil {
		t.Fatal(err)
	}
	list := []types.ActionInteraction{{ActionId: aws.String("a1"), UserId: aws.String(email), SessionId: aws.String("s-" + email),
		EventType: aws.String("Taken"), Timestamp: sentAt}}
	want := []types.ActionInteraction{{ActionId: aws.String("a1"), UserId: aws.String(email), SessionId: aws.String("s-" + email),
		EventType: aws.String("Taken"), Timestamp: sentAt}}
	// The scene has no action interactions dataset, so the service may
	// refuse the call; what matters is what it was sent.
	_, err = client.PutActionInteractions(context.Background(), &sdk.PutActionInteractionsInput{TrackingId: &c.TrackingID, ActionInteractions: list})
	var sg *personalizeevents.SafeguardError
	if errors.As(err, &sg) {
		t.Fatalf("PutActionInteractions refused by the guard: %v", err)
	}
	if diff := cmp.Diff(want, list, cmpopts.IgnoreUnexported(types.ActionInteraction{})); diff != "" {
		t.Errorf("the caller's list changed (-want +got):\n%s", diff)
	}
	user, _ := p.UserID(email)
	session, _ := p.SessionID("s-" + email)
	if !s.Seen(user) || !s.Seen(session) || s.Seen(email) {
		t.Errorf("Seen(user pseudonym) = %v, Seen(session pseudonym) = %v, Seen(email) = %v; want true, true, false", s.Seen(user), s.Seen(session), s.Seen(email))
	}
}
