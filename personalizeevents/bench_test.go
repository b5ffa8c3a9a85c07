package personalizeevents_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
)

// BenchmarkGuardedVsBare, against the SDK's bare client, a steady one and
// one that sends as the guard does (see dataplanetest.EachBare): PutEvents with 10 events carrying properties,
// through a bare client and a guarded one with a Pseudonymizer (audit off),
// interleaved, against the same personalizetest endpoint.
func BenchmarkGuardedVsBare(b *testing.B) {
	dataplanetest.EachBare(b, benchGuardedVsBare)
}

func benchGuardedVsBare(b *testing.B, bareOf func(aws.Config) aws.Config) {
	s, c := dataplanetest.Start(b)
	cfg := dataplanetest.BenchConfig(s)
	bare := sdk.NewFromConfig(bareOf(cfg))
	guarded, err := personalizeevents.New(cfg, personalizeevents.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(b), InsecureNoAuditLog: true})
	if err != nil {
		b.Fatal(err)
	}
	bareCall, guardedCall := putEventsCalls(bare, guarded, c.TrackingID)
	dataplanetest.Interleave(b, bareCall, guardedCall)
}

// BenchmarkGuardOverhead is BenchmarkGuardedVsBare on an HTTP client that
// answers at once, without a network: guard-ns/call and the allocations
// per call are the guard's own work (two HMACs, the copy of the input, the
// wire gate's walk of the body and of ten properties documents, its send).
func BenchmarkGuardOverhead(b *testing.B) {
	bare, guarded := instantCalls(b, nil)
	dataplanetest.Interleave(b, bare, guarded)
}

// BenchmarkGuardOverheadOneSide is BenchmarkGuardOverhead's calls on each
// client apart, for callgrind (see dataplanetest.OneSide).
func BenchmarkGuardOverheadOneSide(b *testing.B) {
	bare, guarded := instantCalls(b, nil)
	dataplanetest.OneSide(b, bare, guarded)
}

// BenchmarkGuardOverheadAuditedOneSide is BenchmarkGuardOverheadOneSide
// with the audit on, its events written as JSON to io.Discard: the cost of
// building each call's audit event, for callgrind.
func BenchmarkGuardOverheadAuditedOneSide(b *testing.B) {
	bare, guarded := instantCalls(b, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	dataplanetest.OneSide(b, bare, guarded)
}

// instantCalls returns the GuardOverhead benchmarks' call through a bare
// client and through a guarded one that audits to logger (nil: no audit),
// both over an HTTP client that answers at once.
func instantCalls(b *testing.B, logger *slog.Logger) (bare, guarded func() error) {
	cfg := dataplanetest.InstantConfig("")
	g, err := personalizeevents.New(cfg, personalizeevents.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(b), InsecureAllowUnverifiableHTTPClient: true,
		STSClient: dataplanetest.UserSTS{}, Logger: logger, InsecureNoAuditLog: logger == nil})
	if err != nil {
		b.Fatal(err)
	}
	return putEventsCalls(sdk.NewFromConfig(cfg), g, "4d9f2a6e-0c1b-4b8e-9a55-7f3c2d1e0a9b")
}

// putEventsCalls returns a call of 10 events with properties through bare
// and one through guarded.
func putEventsCalls(bare, guarded *sdk.Client, tracking string) (func() error, func() error) {
	ctx := context.Background()
	events := make([]types.Event, 10)
	for i := range events {
		events[i] = types.Event{EventType: aws.String("view"), ItemId: aws.String("item-" + strconv.Itoa(i%4+1)),
			SentAt: sentAt, Properties: aws.String(`{"device":"mobile","discount":"0.15","position":` + strconv.Itoa(i) + `}`)}
	}
	call := func(c *sdk.Client, user string) func() error {
		in := &sdk.PutEventsInput{TrackingId: aws.String(tracking), UserId: aws.String(user), SessionId: aws.String("web-session-1"), EventList: events}
		return func() error {
			_, err := c.PutEvents(ctx, in)
			return err
		}
	}
	return call(bare, "customer-0001"), call(guarded, "jane.doe@example.com")
}
