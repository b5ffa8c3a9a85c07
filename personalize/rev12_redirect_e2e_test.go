package personalize_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRev12RedirectNeverFollowedElsewhere: an endpoint that answers a
// guarded call with a redirect to another https host. net/http's default
// redirect rule, which a caller's own *http.Client keeps, follows a 301, 302
// or 303 with a GET to the Location, copying every header but Authorization
// and cookies: the session token (X-Amz-Security-Token) and the checked
// headers go to a host the gate never checked (the https-only rule sees the
// scheme alone), and that host's "{}" passes for the call's answer. The
// SDK's own client follows only 307 and 308, and drops the token for
// another host; a guarded client must not do worse with the caller's
// *http.Client.
func TestRev12RedirectNeverFollowedElsewhere(t *testing.T) {
	const token = "rev12-session-token"
	srv := personalizetest.New(t)
	if _, err := srv.SeedScene(context.Background()); err != nil {
		t.Fatal(err)
	}
	clients := []struct {
		name string
		use  func(cfg *aws.Config, f *front)
	}{
		{"BuildableClient", func(cfg *aws.Config, f *front) { *cfg = frontConfig(*cfg, srv, f) }},
		{"caller's *http.Client", func(cfg *aws.Config, f *front) {
			*cfg = frontConfig(*cfg, srv, f)
			cfg.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: f.pool(srv)}, DialContext: f.dial}}
		}},
	}
	for _, c := range clients {
		for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			t.Run(c.name+" "+strconv.Itoa(code), func(t *testing.T) {
				f := newFront(t, srv, false, redirectTo(code, true))
				cfg := guardedConfig(srv)
				cfg.Credentials = credentials.NewStaticCredentialsProvider(personalizetest.AccessKeyID, personalizetest.SecretAccessKey, token)
				c.use(&cfg, f)
				guarded, err := personalize.New(cfg, personalize.Policy{})
				if err != nil {
					t.Fatal(err)
				}
				_, err = guarded.CreateSchema(context.Background(), &sdk.CreateSchemaInput{Name: aws.String("rev12-redirect"), Schema: aws.String(bigSchema)})
				type outcome struct {
					Succeeded                 bool
					Elsewhere, ElsewhereToken int // requests at the other host, and those with the session token
				}
				got := outcome{Succeeded: err == nil}
				for _, r := range f.requests() {
					if r.Path == "/elsewhere" {
						got.Elsewhere++
						if r.Token == token {
							got.ElsewhereToken++
						}
					}
				}
				if diff := cmp.Diff(outcome{}, got); diff != "" {
					t.Errorf("a CreateSchema answered by a %d to another host (-want +got):\n%s", code, diff)
				}
			})
		}
	}
}
