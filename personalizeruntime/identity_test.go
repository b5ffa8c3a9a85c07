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
