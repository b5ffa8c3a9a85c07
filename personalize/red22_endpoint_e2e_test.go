package personalize_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed22LegitimateEndpoints: the control plane's calls go out to
// BaseEndpoint forms a caller may write (red22: ":443" was refused at host
// since c9e3e3f, the SDK's signer sending Host without it). The emulator is
// dialled whatever the port the URL names.
func TestRed22LegitimateEndpoints(t *testing.T) {
	ctx := context.Background()
	srv, err := personalizetest.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	scene, err := srv.SeedScene(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port()
	for i, base := range []string{"https://127.0.0.1:" + port, "https://127.0.0.1:443", "https://localhost:443/",
		"https://[::1]:" + port, "https://LOCALHOST:" + port, "https://localhost.:" + port} {
		t.Run(base, func(t *testing.T) {
			cfg := srv.Config()
			cfg.BaseEndpoint = aws.String(base)
			pool := srv.CertPool()
			cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
				tr.TLSClientConfig = tr.TLSClientConfig.Clone()
				tr.TLSClientConfig.RootCAs = pool
				var d net.Dialer
				tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
					return d.DialContext(ctx, network, u.Host)
				}
			})
			client, err := personalize.New(cfg, personalize.Policy{KMSKeyARN: scene.KeyARN, RoleARN: scene.RoleARN})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			_, err = client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("red22-" + string(rune('a'+i)))})
			refusal := ""
			var sg *personalize.SafeguardError
			if errors.As(err, &sg) {
				refusal = sg.Rule + " at " + sg.Field
			} else if err != nil {
				refusal = "not a refusal: " + err.Error()
			}
			if diff := cmp.Diff("", refusal); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
		})
	}
}
