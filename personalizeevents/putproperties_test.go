package personalizeevents_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// putProperties sends one event whose properties are props through a
// guarded client with the zero Policy on a new personalizetest, and returns
// the server, the rule of the guard's refusal ("" for none) and the call's
// error.
func putProperties(t *testing.T, props string) (*personalizetest.Server, string, error) {
	t.Helper()
	s, c := dataplanetest.Start(t)
	client, err := personalizeevents.New(s.Config(), personalizeevents.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String("u1"), SessionId: aws.String("s1"),
		EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt, Properties: aws.String(props)}}})
	var rule string
	if sg := (*personalizeevents.SafeguardError)(nil); errors.As(err, &sg) {
		rule = sg.Rule
	}
	return s, rule, err
}
