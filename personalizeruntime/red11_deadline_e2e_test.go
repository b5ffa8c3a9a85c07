package personalizeruntime_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestRed11DeadlineBeforeIdentityCheck: a call whose deadline has passed
// fails as it does on a bare client, with an error that is
// context.DeadlineExceeded, also when it is the client's first call and
// the guard's own identity check (STS) is what meets the deadline.
func TestRed11DeadlineBeforeIdentityCheck(t *testing.T) {
	s, c := dataplanetest.Start(t)
	in := &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, bareErr := sdk.NewFromConfig(s.Config()).GetRecommendations(ctx, in)
	if !errors.Is(bareErr, context.DeadlineExceeded) {
		t.Fatalf("bare GetRecommendations past its deadline = %v, want context.DeadlineExceeded", bareErr)
	}
	client, err := personalizeruntime.New(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.GetRecommendations(ctx, in)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("guarded GetRecommendations past its deadline = %v, want context.DeadlineExceeded", err)
	}
	// The next call, in time, succeeds: the failed check was not cached.
	if _, err := client.GetRecommendations(context.Background(), in); err != nil {
		t.Errorf("GetRecommendations after a call past its deadline = %v, want success", err)
	}
}
