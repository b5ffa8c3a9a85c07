package personalizeevents_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed22LegitimateEndpoints: the events client's calls go out to
// BaseEndpoint forms a caller may write (red22: ":443" was refused at host
// since c9e3e3f, the SDK's signer sending Host without it). The emulator is
// dialled whatever the port the URL names.
func TestRed22LegitimateEndpoints(t *testing.T) {
	s, c := dataplanetest.Start(t)
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port()
	for _, base := range []string{"https://127.0.0.1:" + port, "https://127.0.0.1:443", "https://localhost:443/",
		"https://[::1]:" + port, "https://LOCALHOST:" + port, "https://localhost.:" + port} {
		t.Run(base, func(t *testing.T) {
			cfg := s.Config()
			cfg.BaseEndpoint = aws.String(base)
			pool := s.CertPool()
			cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
				tr.TLSClientConfig = tr.TLSClientConfig.Clone()
				tr.TLSClientConfig.RootCAs = pool
				var d net.Dialer
				tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
					return d.DialContext(ctx, network, u.Host)
				}
			})
			client, err := personalizeevents.New(cfg, personalizeevents.Policy{})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			s.ResetRequests()
			_, err = client.PutEvents(context.Background(), &sdk.PutEventsInput{TrackingId: &c.TrackingID, SessionId: aws.String("s1"),
				EventList: []types.Event{{EventType: aws.String("view"), ItemId: aws.String("item-1"), SentAt: aws.Time(time.Now())}}})
			var got []string
			for _, r := range s.Requests() {
				if r.Service == personalizetest.ServiceEvents {
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
			if diff := cmp.Diff([]string{"/events"}, got); diff != "" {
				t.Errorf("paths received (-want +got):\n%s", diff)
			}
		})
	}
}
