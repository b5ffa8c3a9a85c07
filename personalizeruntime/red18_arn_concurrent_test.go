package personalizeruntime_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestRed18ConcurrentLastARN: the guard's last clean ARN, compared before
// its memo, is shared by every call of every client of the guard. Calls at
// once (go test -race), some with the campaign's ARN, some with an ARN of
// the same length whose resource is a card number, in the campaign's
// member, the filter's, or written by a hook after the SDK serialized the
// body: every dirty call is refused, every clean one sent, and the card
// never reaches the endpoint.
func TestRed18ConcurrentLastARN(t *testing.T) {
	s, c := dataplanetest.Start(t)
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	const card = "4111111111111111"
	i := strings.LastIndexByte(c.CampaignARN, '/')
	dirty := c.CampaignARN[:i+1] + card
	const workers, calls = 6, 12
	type outcome struct{ Sent, Refused int }
	var (
		mu  sync.Mutex
		got outcome
		wg  sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range calls {
				bad := (w+j)%2 == 1
				arn := c.CampaignARN
				if bad {
					arn = dirty
				}
				in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}
				var opts []func(*sdk.Options)
				switch (w + j) % 3 {
				case 0:
					in.CampaignArn = &arn
				case 1:
					in.FilterArn = &arn
				case 2: // after the SDK serialized the body: the wire gate alone sees it
					opts = append(opts, rewriteBody(func(b string) string { return strings.Replace(b, c.CampaignARN, arn, 1) }))
				}
				_, err := client.GetRecommendations(context.Background(), in, opts...)
				var sg *guarderr.SafeguardError
				mu.Lock()
				switch {
				case !bad && !errors.As(err, &sg):
					// Sent: the fake has no filter by the campaign's ARN.
					got.Sent++
				case bad && errors.As(err, &sg):
					got.Refused++
				default:
					t.Errorf("ARN dirty %v: err %v", bad, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	want := outcome{Sent: workers * calls / 2, Refused: workers * calls / 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if s.Seen(card) {
		t.Error("the endpoint saw the card")
	}
}
