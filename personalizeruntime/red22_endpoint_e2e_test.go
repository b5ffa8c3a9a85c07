package personalizeruntime_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed22LegitimateEndpoints (red22 defect, medium): legitimate
// BaseEndpoint forms must go out. The SDK's SigV4 signer sets the request's
// Host to the URL's host without a default port ("https://host:443" signs
// and sends Host "host", SanitizeHostForHeader), so c9e3e3f's Host check
// refused every call to an endpoint written with :443.
func TestRed22LegitimateEndpoints(t *testing.T) {
	s, c := dataplanetest.Start(t)
	for _, f := range dataplanetest.EndpointForms(t, s) {
		t.Run(f.Name, func(t *testing.T) {
			client, err := personalizeruntime.New(dataplanetest.DialedConfig(t, s, f.Base), personalizeruntime.Policy{})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			s.ResetRequests()
			_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")})
			if diff := cmp.Diff("", dataplanetest.Refusal(err)); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"/recommendations"}, dataplanetest.PathsTo(s, personalizetest.ServiceRuntime)); diff != "" {
				t.Errorf("paths received (-want +got):\n%s", diff)
			}
		})
	}
}
