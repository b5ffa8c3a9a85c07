package personalize_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestCookieJarNotSent: a caller's *http.Client with a cookie jar, whose
// Cookie header net/http adds inside Client.Do, after the gate checked the
// headers. The guard's copy of the client has no jar: the call goes
// through, no cookie reaches the endpoints (Personalize's, or those of the
// guard's own KMS and STS reads), and the caller's client keeps its jar.
func TestCookieJarNotSent(t *testing.T) {
	const value = "jane.doe@example.com"
	e := newEnv(t, personalize.Policy{})
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(e.srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	jar.SetCookies(u, []*http.Cookie{{Name: "contact", Value: value}})
	hc := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.srv.CertPool()}}}
	cfg := guardedConfig(e.srv)
	cfg.HTTPClient = hc
	client, err := personalize.New(cfg, personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN, Logger: newAuditLogger(lockedBuilder{e.mu, e.audit})})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}); err != nil {
		t.Fatalf("CreateDatasetGroup = %v", err)
	}
	if e.srv.Seen(value) {
		t.Errorf("the endpoints received the cookie jar's value")
	}
	for _, r := range e.srv.Requests() {
		if r.Header.Get("Cookie") != "" {
			t.Errorf("%s %s carried a Cookie header", r.Service, r.Operation)
		}
	}
	if hc.Jar != jar {
		t.Errorf("the caller's client lost its jar")
	}
}
