package personalizeevents_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// errStop ends a call once the identifiers step has run.
var errStop = errors.New("stopped after the identifiers step")

// afterIdentifiers calls the operation op with in on client and returns the
// input as the identifiers step handed it on.
func afterIdentifiers[In any](t *testing.T, op func(context.Context, *In, ...func(*sdk.Options)) error, in *In) (*In, error) {
	t.Helper()
	var got *In
	err := op(context.Background(), in, func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Insert(middleware.InitializeMiddlewareFunc("Capture", func(_ context.Context, in middleware.InitializeInput, _ middleware.InitializeHandler) (
				middleware.InitializeOutput, middleware.Metadata, error,
			) {
				got = in.Parameters.(*In)
				return middleware.InitializeOutput{}, middleware.Metadata{}, errStop
			}), personalizeevents.IDIdentifiers, middleware.After)
		})
	})
	if errors.Is(err, errStop) {
		return got, nil
	}
	return nil, err
}

// referenceID is what the identifiers step puts for id: its pseudonym, in a
// string of its own, or id itself when nil or empty.
func referenceID(t *testing.T, p *pseudonym.Pseudonymizer, id *string, session bool) *string {
	t.Helper()
	if id == nil || *id == "" {
		return id
	}
	f := p.UserID
	if session {
		f = p.SessionID
	}
	v, err := f(*id)
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

// randomID is nil, empty, an opaque ID or an e-mail.
func randomID(r *rand.Rand) *string {
	switch r.IntN(5) {
	case 0:
		return nil
	case 1:
		return aws.String("")
	case 2:
		return aws.String(fmt.Sprintf("customer-%04d", r.IntN(10000)))
	}
	return aws.String(fmt.Sprintf("user%d@example.com", r.IntN(1000)))
}

// TestPseudonymizeMatchesReference holds the copy the identifiers step
// makes, with the pseudonyms' strings allocated beside it, to a copy made
// field by field with the Pseudonymizer: every operation with identifiers,
// nil, empty and raw IDs, lists of every length up to the model's, and the
// caller's input left as it was.
func TestPseudonymizeMatchesReference(t *testing.T) {
	p := dataplanetest.Pseudonymizer(t)
	client, err := personalizeevents.New(dataplanetest.InstantConfig(""), personalizeevents.Policy{Pseudonymizer: p,
		InsecureAllowUnverifiableHTTPClient: true, STSClient: dataplanetest.UserSTS{}})
	if err != nil {
		t.Fatal(err)
	}
	ignore := cmpopts.IgnoreUnexported(sdk.PutEventsInput{}, sdk.PutUsersInput{}, sdk.PutActionInteractionsInput{},
		types.Event{}, types.User{}, types.ActionInteraction{})
	putEvents := func(ctx context.Context, in *sdk.PutEventsInput, o ...func(*sdk.Options)) error {
		_, err := client.PutEvents(ctx, in, o...)
		return err
	}
	putUsers := func(ctx context.Context, in *sdk.PutUsersInput, o ...func(*sdk.Options)) error {
		_, err := client.PutUsers(ctx, in, o...)
		return err
	}
	putActionInteractions := func(ctx context.Context, in *sdk.PutActionInteractionsInput, o ...func(*sdk.Options)) error {
		_, err := client.PutActionInteractions(ctx, in, o...)
		return err
	}
	r := rand.New(rand.NewPCG(3, 5))
	for i := range 300 {
		events := &sdk.PutEventsInput{TrackingId: aws.String("t-1"), UserId: randomID(r), SessionId: randomID(r),
			EventList: []types.Event{{EventType: aws.String("view"), SentAt: sentAt}}}
		if events.SessionId == nil || *events.SessionId == "" {
			events.SessionId = aws.String("s-1") // the SDK's validation wants one
		}
		before := *events
		got, err := afterIdentifiers(t, putEvents, events)
		if err != nil {
			t.Fatalf("PutEvents %d: %v", i, err)
		}
		want := before
		want.UserId, want.SessionId = referenceID(t, p, before.UserId, false), referenceID(t, p, before.SessionId, true)
		if diff := cmp.Diff(&want, got, ignore); diff != "" {
			t.Fatalf("PutEvents %d: copy (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(&before, events, ignore); diff != "" || before.UserId != events.UserId {
			t.Fatalf("PutEvents %d: the caller's input changed (-before +after):\n%s", i, diff)
		}

		users := &sdk.PutUsersInput{DatasetArn: aws.String("arn:aws:personalize:us-east-1:123456789012:dataset/shop/USERS")}
		for range r.IntN(11) {
			id := randomID(r)
			if id == nil || *id == "" {
				id = aws.String("u-0")
			}
			users.Users = append(users.Users, types.User{UserId: id, Properties: aws.String(`{"membership":"gold"}`)})
		}
		if len(users.Users) == 0 {
			users.Users = []types.User{{UserId: aws.String("u-1")}}
		}
		usersBefore := slices.Clone(users.Users)
		gotUsers, err := afterIdentifiers(t, putUsers, users)
		if err != nil {
			t.Fatalf("PutUsers %d: %v", i, err)
		}
		wantUsers := *users
		wantUsers.Users = slices.Clone(usersBefore)
		for j := range wantUsers.Users {
			wantUsers.Users[j].UserId = referenceID(t, p, usersBefore[j].UserId, false)
		}
		if diff := cmp.Diff(&wantUsers, gotUsers, ignore); diff != "" {
			t.Fatalf("PutUsers %d: copy (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(usersBefore, users.Users, ignore); diff != "" {
			t.Fatalf("PutUsers %d: the caller's list changed (-before +after):\n%s", i, diff)
		}

		actions := &sdk.PutActionInteractionsInput{TrackingId: aws.String("t-1")}
		for range 1 + r.IntN(10) {
			actions.ActionInteractions = append(actions.ActionInteractions, types.ActionInteraction{ActionId: aws.String("a-1"),
				EventType: aws.String("view"), SessionId: randomID(r), UserId: randomID(r), Timestamp: sentAt})
		}
		for j := range actions.ActionInteractions {
			if a := &actions.ActionInteractions[j]; a.SessionId == nil || *a.SessionId == "" {
				a.SessionId = aws.String("s-1")
			}
		}
		actionsBefore := slices.Clone(actions.ActionInteractions)
		gotActions, err := afterIdentifiers(t, putActionInteractions, actions)
		if err != nil {
			t.Fatalf("PutActionInteractions %d: %v", i, err)
		}
		wantActions := *actions
		wantActions.ActionInteractions = slices.Clone(actionsBefore)
		for j := range wantActions.ActionInteractions {
			a := &wantActions.ActionInteractions[j]
			a.UserId, a.SessionId = referenceID(t, p, actionsBefore[j].UserId, false), referenceID(t, p, actionsBefore[j].SessionId, true)
		}
		if diff := cmp.Diff(&wantActions, gotActions, ignore); diff != "" {
			t.Fatalf("PutActionInteractions %d: copy (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(actionsBefore, actions.ActionInteractions, ignore); diff != "" {
			t.Fatalf("PutActionInteractions %d: the caller's list changed (-before +after):\n%s", i, diff)
		}
	}
}
