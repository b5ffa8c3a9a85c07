package securetransport

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHardenedClientRedirects: a caller's *http.Client, hardened, follows
// redirects as the SDK's own client does (see sdkRedirects), then by the
// caller's own rule: never a 301, 302 or 303, which net/http turns into a
// GET the guard never checked; a 307 or 308 without the session token to
// another host; at most ten, as net/http's default. So does one whose
// transport the guard cannot inspect, allowed by
// InsecureAllowUnverifiableHTTPClient: its TLS is the caller's word, its
// redirects still the guard's to rule.
func TestHardenedClientRedirects(t *testing.T) {
	errCaller := errors.New("the caller's rule")
	tests := []struct {
		code      int
		otherHost bool
		via       int
		caller    func(*http.Request, []*http.Request) error
		want      string // the rule's answer
		wantToken bool   // the session token is still on the request
	}{
		{code: http.StatusMovedPermanently, want: "last response", wantToken: true},
		{code: http.StatusFound, otherHost: true, want: "last response", wantToken: true},
		{code: http.StatusSeeOther, otherHost: true, want: "last response", wantToken: true},
		{code: http.StatusSeeOther, otherHost: true, caller: func(*http.Request, []*http.Request) error { return nil }, want: "last response", wantToken: true},
		{code: http.StatusTemporaryRedirect, want: "follow", wantToken: true},
		{code: http.StatusPermanentRedirect, otherHost: true, want: "follow"},
		{code: http.StatusTemporaryRedirect, otherHost: true, caller: func(*http.Request, []*http.Request) error { return errCaller }, want: "caller"},
		{code: http.StatusTemporaryRedirect, via: 10, want: "stopped", wantToken: true},
	}
	clients := []struct {
		name              string
		transport         http.RoundTripper
		allowUnverifiable bool
	}{
		{"*http.Transport", nil, false},
		{"unverifiable RoundTripper", roundTripperFunc(http.DefaultTransport.RoundTrip), true},
	}
	for _, c := range clients {
		for _, tt := range tests {
			name := c.name + " " + strconv.Itoa(tt.code) + " other host " + strconv.FormatBool(tt.otherHost) + " via " + strconv.Itoa(tt.via) + " caller " + strconv.FormatBool(tt.caller != nil)
			t.Run(name, func(t *testing.T) {
				hc, err := HardenHTTPClient(&http.Client{Transport: c.transport, CheckRedirect: tt.caller}, tls.VersionTLS12, c.allowUnverifiable)
				if err != nil {
					t.Fatal(err)
				}
				rule := hc.(*http.Client).CheckRedirect
				if rule == nil {
					t.Fatal("no redirect rule: net/http's default follows every redirect")
				}
				prev := &http.Request{URL: &url.URL{Scheme: "https", Host: "personalize.us-east-1.amazonaws.com"}}
				via := []*http.Request{prev}
				for range tt.via - 1 {
					via = append(via, prev)
				}
				next := &http.Request{URL: &url.URL{Scheme: "https", Host: prev.URL.Host}, Header: http.Header{"X-Amz-Security-Token": {"token"}},
					Response: &http.Response{StatusCode: tt.code}}
				if tt.otherHost {
					next.URL.Host = "example.com"
				}
				var got string
				switch err := rule(next, via); {
				case err == nil:
					got = "follow"
				case errors.Is(err, http.ErrUseLastResponse):
					got = "last response"
				case errors.Is(err, errCaller):
					got = "caller"
				default:
					got = "stopped"
				}
				type answer struct {
					Rule  string
					Token bool
				}
				if diff := cmp.Diff(answer{tt.want, tt.wantToken}, answer{got, next.Header.Get("X-Amz-Security-Token") != ""}); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
