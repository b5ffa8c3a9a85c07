package personalizeruntime_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed22LegitimateEndpoints (red22 defect, medium): legitimate
// BaseEndpoint forms must go out. The SDK's SigV4 signer sets the request's
// Host to the URL's host without a default port ("https://host:443" signs
// and sends Host "host", SanitizeHostForHeader), so c9e3e3f's Host check
// refused every call to an endpoint written with :443. The emulator is
// dialled whatever the port the URL names.
func TestRed22LegitimateEndpoints(t *testing.T) {
	s, c := dataplanetest.Start(t)
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port()
	tests := []struct {
		name, base string
	}{
		{"as the emulator gives it", "https://127.0.0.1:" + port},
		{"the default port", "https://127.0.0.1:443"},
		{"the default port, root path", "https://localhost:443/"},
		{"IPv6 with a port", "https://[::1]:" + port},
		// Not "https://[::1]:443": the SDK's signer then sends Host "::1"
		// (its stripPort drops the brackets), and the STS identity check
		// fails before the guard's gates (the SDK's, not the guard's).
		{"an upper-case host", "https://LOCALHOST:" + port},
		{"a trailing dot", "https://localhost.:" + port},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := s.Config()
			cfg.BaseEndpoint = aws.String(tt.base)
			pool := s.CertPool()
			cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
				tr.TLSClientConfig = tr.TLSClientConfig.Clone()
				tr.TLSClientConfig.RootCAs = pool
				var d net.Dialer
				tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
					return d.DialContext(ctx, network, u.Host)
				}
			})
			client, err := personalizeruntime.New(cfg, personalizeruntime.Policy{})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			s.ResetRequests()
			_, err = client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: &c.CampaignARN, UserId: aws.String("u1")})
			var got []string
			for _, r := range s.Requests() {
				if r.Service == personalizetest.ServiceRuntime {
					got = append(got, r.URL)
				}
			}
			refusal := ""
			var sg *guarderr.SafeguardError
			if errors.As(err, &sg) {
				refusal = sg.Rule + " at " + sg.Field
			} else if err != nil {
				refusal = "not a refusal: " + err.Error()
			}
			if diff := cmp.Diff("", refusal); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"/recommendations"}, got); diff != "" {
				t.Errorf("paths received (-want +got):\n%s", diff)
			}
		})
	}
}
