package personalizeevents_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed22LegitimateEndpoints: the events client's calls go out to
// BaseEndpoint forms a caller may write (red22: ":443" was refused at host
// since c9e3e3f, the SDK's signer sending Host without it).
func TestRed22LegitimateEndpoints(t *testing.T) {
	s, c := dataplanetest.Start(t)
	for _, f := range dataplanetest.EndpointForms(t, s) {
		t.Run(f.Name, func(t *testing.T) {
			client, err := personalizeevents.New(dataplanetest.DialedConfig(t, s, f.Base), personalizeevents.Policy{})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			s.ResetRequests()
			_, err = client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: aws.Time(time.Now())}}})
			if diff := cmp.Diff("", dataplanetest.Refusal(err)); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"/events"}, dataplanetest.PathsTo(s, personalizetest.ServiceEvents)); diff != "" {
				t.Errorf("paths received (-want +got):\n%s", diff)
			}
		})
	}
}
