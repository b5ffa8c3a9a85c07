package personalizeevents_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// BenchmarkGuardOverheadOneSide is BenchmarkGuardOverhead's call on one
// client only, the guarded one, or the bare one when PG_BENCH_SIDE=bare:
// for callgrind, which counts each side's instructions apart.
func BenchmarkGuardOverheadOneSide(b *testing.B) {
	cfg := dataplanetest.InstantConfig("")
	c, user := sdk.NewFromConfig(cfg), "customer-0001"
	if os.Getenv("PG_BENCH_SIDE") != "bare" {
		var err error
		c, err = personalizeevents.New(cfg, personalizeevents.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(b), InsecureAllowUnverifiableHTTPClient: true,
			STSClient: dataplanetest.UserSTS{}})
		if err != nil {
			b.Fatal(err)
		}
		user = "jane.doe@example.com"
	}
	events := make([]types.Event, 10)
	for i := range events {
		events[i] = types.Event{EventType: aws.String("view"), ItemId: aws.String("item-" + strconv.Itoa(i%4+1)),
			SentAt: sentAt, Properties: aws.String(`{"device":"mobile","discount":"0.15","position":` + strconv.Itoa(i) + `}`)}
	}
	in := &sdk.PutEventsInput{TrackingId: aws.String("4d9f2a6e-0c1b-4b8e-9a55-7f3c2d1e0a9b"), UserId: aws.String(user), SessionId: aws.String("web-session-1"), EventList: events}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.PutEvents(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
