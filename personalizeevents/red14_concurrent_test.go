package personalizeevents_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	awsruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestRed14SharedClientsConcurrent: many goroutines share one events
// client, one runtime client and one Pseudonymizer; every customer's raw ID
// stays off the wire, each gets one pseudonym in both APIs, and the
// callers' inputs are left as they were.
func TestRed14SharedClientsConcurrent(t *testing.T) {
	s, c := dataplanetest.Start(t)
	p := dataplanetest.Pseudonymizer(t)
	var log dataplanetest.AuditLog
	policy := personalizeevents.Policy{Pseudonymizer: p, Logger: log.Logger()}
	events, err := personalizeevents.New(s.Config(), policy)
	if err != nil {
		t.Fatal(err)
	}
	runtime, err := personalizeruntime.New(s.Config(), policy)
	if err != nil {
		t.Fatal(err)
	}
	const workers, calls = 8, 6
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls*2)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				user := fmt.Sprintf("cust%d.%d@example.com", w, i)
				session := fmt.Sprintf("sess%d.%d@example.com", w, i)
				in := &sdk.PutEventsInput{TrackingId: &c.TrackingID, UserId: aws.String(user), SessionId: aws.String(session),
					EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: sentAt}}}
				if _, err := events.PutEvents(ctx, in); err != nil {
					errs <- err
				}
				if *in.UserId != user || *in.SessionId != session {
					errs <- fmt.Errorf("worker %d call %d: the caller's PutEventsInput changed", w, i)
				}
				rin := &awsruntime.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(user)}
				if _, err := runtime.GetRecommendations(ctx, rin); err != nil {
					errs <- err
				}
				if *rin.UserId != user {
					errs <- fmt.Errorf("worker %d call %d: the caller's GetRecommendationsInput changed", w, i)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	type seen struct{ Raw, Pseudonym bool }
	want, got := map[string]seen{}, map[string]seen{}
	for w := range workers {
		for i := range calls {
			for _, id := range []string{fmt.Sprintf("cust%d.%d@example.com", w, i), fmt.Sprintf("sess%d.%d@example.com", w, i)} {
				f := p.UserID
				if id[0] == 's' {
					f = p.SessionID
				}
				ps, err := f(id)
				if err != nil {
					t.Fatal(err)
				}
				want[id] = seen{Pseudonym: true}
				got[id] = seen{Raw: s.Seen(id), Pseudonym: s.Seen(ps)}
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("what the endpoint saw (-want +got):\n%s", diff)
	}
}
