package personalizeruntime_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestRed11LongIdentifier: a 10 MiB userId of e-mail-like text is refused
// fast without a Pseudonymizer, nothing of it reaches the endpoint, and
// with one it is replaced by its pseudonym in as little time.
func TestRed11LongIdentifier(t *testing.T) {
	s, c := dataplanetest.Start(t)
	id := strings.Repeat("jane.doe@example.com ", 10<<20/21)
	for _, p := range []personalizeruntime.Policy{{}, {Pseudonymizer: dataplanetest.Pseudonymizer(t)}} {
		client, err := personalizeruntime.New(s.Config(), p)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String(id)})
		took := time.Since(start)
		t.Logf("pseudonymizer %v: %v in %v", p.Pseudonymizer != nil, err, took)
		if took > 2*time.Second {
			t.Errorf("a 10 MiB userId took %v, want well under 2s", took)
		}
		if p.Pseudonymizer == nil && err == nil {
			t.Errorf("a 10 MiB userId of e-mail addresses without a Pseudonymizer went out")
		}
		if s.Seen("jane.doe@example.com") {
			t.Errorf("the endpoint saw the e-mail")
		}
	}
}
