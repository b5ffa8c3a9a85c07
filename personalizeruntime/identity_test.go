package personalizeruntime_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// rootSTS answers GetCallerIdentity as the account's root user, or fails.
type rootSTS struct{ fail bool }

func (s rootSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	if s.fail {
		return nil, errors.New("sts: throttled")
	}
	return &sts.GetCallerIdentityOutput{Arn: aws.String("arn:aws:iam::" + personalizetest.AccountID + ":root"), Account: aws.String(personalizetest.AccountID)}, nil
}

// TestIdentityRefusalNamesOperation: the identity step's refusals, of the
// root user's credentials and of credentials whose principal STS would not
// tell, name the operation and the rule, never the access key, and nothing
// is sent.
func TestIdentityRefusalNamesOperation(t *testing.T) {
	for _, tt := range []struct {
		sts  rootSTS
		rule string
	}{
		{rootSTS{}, personalizeruntime.RuleRootCredentials},
		{rootSTS{fail: true}, personalizeruntime.RuleIdentityCheckFailed},
	} {
		cfg := dataplanetest.InstantConfig(`{}`)
		sent := 0
		cfg.HTTPClient = countingClient{next: cfg.HTTPClient, n: &sent}
		client, err := personalizeruntime.New(cfg, personalizeruntime.Policy{InsecureAllowUnverifiableHTTPClient: true, STSClient: tt.sts})
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{
			CampaignArn: aws.String("arn:aws:personalize:us-east-1:123456789012:campaign/for-you"), UserId: aws.String("customer-0001")})
		var sg *personalizeruntime.SafeguardError
		if !errors.As(err, &sg) {
			t.Fatalf("GetRecommendations = %v, want a *SafeguardError", err)
		}
		if diff := cmp.Diff([2]string{"GetRecommendations", tt.rule}, [2]string{sg.Operation, sg.Rule}); diff != "" {
			t.Errorf("refusal's operation and rule (-want +got):\n%s", diff)
		}
		if strings.Contains(err.Error(), personalizetest.AccessKeyID) {
			t.Errorf("the refusal names the access key: %v", err)
		}
		if sent != 0 {
			t.Errorf("%d requests sent, want 0", sent)
		}
	}
}

type countingClient struct {
	next interface {
		Do(*http.Request) (*http.Response, error)
	}
	n *int
}

func (c countingClient) Do(r *http.Request) (*http.Response, error) {
	*c.n++
	return c.next.Do(r)
}

// switchingCredentials returns the access key ID it holds now.
type switchingCredentials struct{ key *string }

func (c switchingCredentials) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: *c.key, SecretAccessKey: personalizetest.SecretAccessKey, Source: "test"}, nil
}

// TestIdentityKeyChangeBetweenCalls: the identity step remembers the access
// key that last passed, so that the next call with it is not hashed again;
// a provider that turns to the root user's key between two calls is still
// refused before any runtime request, and the IAM user's key passes again
// after it.
func TestIdentityKeyChangeBetweenCalls(t *testing.T) {
	s, c := dataplanetest.Start(t)
	key := personalizetest.AccessKeyID
	cfg := s.Config()
	creds := aws.NewCredentialsCache(switchingCredentials{&key})
	cfg.Credentials = creds
	client, err := personalizeruntime.New(cfg, personalizeruntime.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range []struct {
		key      string
		wantRule string // "" when the call passes
	}{
		{personalizetest.AccessKeyID, ""},
		{personalizetest.AccessKeyID, ""},
		{personalizetest.RootAccessKeyID, personalizeruntime.RuleRootCredentials},
		{personalizetest.RootAccessKeyID, personalizeruntime.RuleRootCredentials},
		{personalizetest.AccessKeyID, ""},
	} {
		key = tt.key
		creds.Invalidate() // the provider rotates, as a role's credentials do
		s.ResetRequests()
		_, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("customer-0001")})
		var sg *personalizeruntime.SafeguardError
		gotRule := ""
		if errors.As(err, &sg) {
			gotRule = sg.Rule
		} else if err != nil {
			t.Fatalf("call %d: %v, want nil or a *SafeguardError", i+1, err)
		}
		if diff := cmp.Diff(tt.wantRule, gotRule); diff != "" {
			t.Errorf("call %d: refusal's rule (-want +got):\n%s", i+1, diff)
		}
		runtimeCalls := 0
		for _, r := range s.Requests() {
			if r.Operation == "GetRecommendations" {
				runtimeCalls++
			}
		}
		if want := map[bool]int{true: 1, false: 0}[tt.wantRule == ""]; runtimeCalls != want {
			t.Errorf("call %d: %d GetRecommendations requests reached the endpoint, want %d", i+1, runtimeCalls, want)
		}
	}
}
