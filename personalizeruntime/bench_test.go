package personalizeruntime_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// BenchmarkGuardedVsBare, against the SDK's bare client, a steady one and
// one that sends as the guard does (see dataplanetest.EachBare): GetRecommendations through a bare client and a
// guarded one with a Pseudonymizer (audit off), interleaved, against the
// same personalizetest endpoint, which ranks the campaign's items on every
// call.
func BenchmarkGuardedVsBare(b *testing.B) {
	dataplanetest.EachBare(b, benchGuardedVsBare)
}

func benchGuardedVsBare(b *testing.B, bareOf func(aws.Config) aws.Config) {
	s, c := dataplanetest.Start(b)
	cfg := dataplanetest.BenchConfig(s)
	bare := sdk.NewFromConfig(bareOf(cfg))
	guarded, err := personalizeruntime.New(cfg, personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(b), InsecureNoAuditLog: true})
	if err != nil {
		b.Fatal(err)
	}
	bareCall, guardedCall := recommendCalls(bare, guarded, c.CampaignARN)
	dataplanetest.Interleave(b, bareCall, guardedCall)
}

// BenchmarkGuardOverhead is BenchmarkGuardedVsBare on an HTTP client that
// answers at once, without a network: guard-ns/call and the allocations
// per call are the guard's own work on a call (the identifier's HMAC, the
// copy of the input, the wire gate's walk of the body, its send).
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
	cfg := dataplanetest.InstantConfig(`{"itemList":[{"itemId":"item-1","score":0.5}],"recommendationId":"RID-1"}`)
	g, err := personalizeruntime.New(cfg, personalizeruntime.Policy{Pseudonymizer: dataplanetest.Pseudonymizer(b), InsecureAllowUnverifiableHTTPClient: true,
		STSClient: dataplanetest.UserSTS{}, Logger: logger, InsecureNoAuditLog: logger == nil})
	if err != nil {
		b.Fatal(err)
	}
	return recommendCalls(sdk.NewFromConfig(cfg), g, "arn:aws:personalize:us-east-1:123456789012:campaign/for-you")
}

// recommendCalls returns a GetRecommendations call through bare and one
// through guarded.
func recommendCalls(bare, guarded *sdk.Client, campaign string) (func() error, func() error) {
	ctx := context.Background()
	call := func(c *sdk.Client, user string) func() error {
		in := &sdk.GetRecommendationsInput{CampaignArn: aws.String(campaign), UserId: aws.String(user), NumResults: 10,
			Context: map[string]string{"DEVICE": "mobile"}}
		return func() error {
			_, err := c.GetRecommendations(ctx, in)
			return err
		}
	}
	// The bare client sends an opaque ID; the guarded one the customer's
	// e-mail, sent as its pseudonym.
	return call(bare, "customer-0001"), call(guarded, "jane.doe@example.com")
}
