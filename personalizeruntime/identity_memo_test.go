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
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestMemoOneOptionManyClients: one guard's Option on an IAM user's, a
// role session's and the root user's runtime clients, called
// concurrently: each client's identity memo is its own, so the root
// client's calls are refused every time, naming the operation and no key,
// and no runtime request is signed as root.
func TestMemoOneOptionManyClients(t *testing.T) {
	s, c := dataplanetest.Start(t)
	g, err := personalizeruntime.NewGuard(s.Config(), personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	opt := g.Option()
	type outcome struct{ Rule, Operation string }
	clients := map[string]struct {
		client *sdk.Client
		want   outcome
	}{
		"user":  {sdk.NewFromConfig(s.ConfigAs(personalizetest.AccessKeyID), opt), outcome{}},
		"role":  {sdk.NewFromConfig(s.ConfigAs(personalizetest.AssumedRoleAccessKeyID), opt), outcome{}},
		"root":  {sdk.NewFromConfig(s.ConfigAs(personalizetest.RootAccessKeyID), opt), outcome{personalizeruntime.RuleRootCredentials, "GetRecommendations"}},
		"root2": {sdk.NewFromConfig(s.ConfigAs(personalizetest.RootAccessKeyID), opt), outcome{personalizeruntime.RuleRootCredentials, "GetRecommendations"}},
	}
	s.ResetRequests()
	var mu sync.Mutex
	got, want := map[string]map[outcome]int{}, map[string]map[outcome]int{}
	var wg sync.WaitGroup
	for name, cl := range clients {
		want[name] = map[outcome]int{cl.want: 30}
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 10 {
					_, err := cl.client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")})
					var o outcome
					var sg *personalizeruntime.SafeguardError
					if errors.As(err, &sg) {
						o = outcome{sg.Rule, sg.Operation}
					} else if err != nil {
						o = outcome{Rule: "other: " + err.Error()}
					}
					if err != nil && strings.Contains(err.Error(), "AKID") {
						t.Errorf("%s: the error names an access key: %v", name, err)
					}
					mu.Lock()
					if got[name] == nil {
						got[name] = map[outcome]int{}
					}
					got[name][o]++
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes per client (-want +got):\n%s", diff)
	}
	asRoot := 0
	for _, r := range s.Requests() {
		if r.Service == personalizetest.ServiceRuntime && strings.Contains(r.Header.Get("Authorization"), "Credential="+personalizetest.RootAccessKeyID+"/") {
			asRoot++
		}
	}
	if diff := cmp.Diff(0, asRoot); diff != "" {
		t.Errorf("runtime requests signed as root (-want +got):\n%s", diff)
	}
}
