package personalizeruntime_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
)

// TestCookieJarNotSent: a caller's *http.Client with a cookie jar. net/http
// adds the jar's Cookie header inside Client.Do, after the gate checked the
// headers, so the guard's copy of the client has no jar: the call goes
// through, no cookie reaches the endpoint, and the caller's client keeps
// its jar (review: an e-mail address in a cookie reached Personalize).
func TestCookieJarNotSent(t *testing.T) {
	s, c := dataplanetest.Start(t)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	jar.SetCookies(u, []*http.Cookie{{Name: "contact", Value: email}})
	hc := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}}}
	cfg := s.Config()
	cfg.HTTPClient = hc
	var log dataplanetest.AuditLog
	client, err := personalizeruntime.New(cfg, personalizeruntime.Policy{Logger: log.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetRecommendations(context.Background(), &sdk.GetRecommendationsInput{CampaignArn: aws.String(c.CampaignARN), UserId: aws.String("u1")}); err != nil {
		t.Fatalf("GetRecommendations = %v", err)
	}
	if s.Seen(email) {
		t.Errorf("the endpoint received the cookie jar's value")
	}
	for _, r := range s.Requests() {
		if v := r.Header.Get("Cookie"); v != "" {
			t.Errorf("%s carried a Cookie header", r.Operation)
		}
	}
	if hc.Jar != jar {
		t.Errorf("the caller's client lost its jar")
	}
}
