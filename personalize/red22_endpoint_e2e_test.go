package personalize_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed22LegitimateEndpoints: the control plane's calls go out to
// BaseEndpoint forms a caller may write (red22: ":443" was refused at host
// since c9e3e3f, the SDK's signer sending Host without it).
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
	for i, f := range dataplanetest.EndpointForms(t, srv) {
		t.Run(f.Name, func(t *testing.T) {
			client, err := personalize.New(dataplanetest.DialedConfig(t, srv, f.Base), personalize.Policy{KMSKeyARN: scene.KeyARN, RoleARN: scene.RoleARN})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			srv.ResetRequests()
			_, err = client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("red22-" + string(rune('a'+i)))})
			if diff := cmp.Diff("", dataplanetest.Refusal(err)); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"/"}, dataplanetest.PathsTo(srv, personalizetest.ServicePersonalize)); diff != "" {
				t.Errorf("paths received (-want +got):\n%s", diff)
			}
		})
	}
}
