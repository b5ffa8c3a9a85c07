package securetransport

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestCheckRequestLine: the request line that goes out is the operation's,
// as net/http writes it from the URL (the Opaque in place of the path, the
// RawPath when it encodes the Path), or the request is refused naming the
// field, never the path.
func TestCheckRequestLine(t *testing.T) {
	const secret = "jane.doe@example.com"
	type outcome struct{ Field, Rule string }
	refused := func(field string) *outcome { return &outcome{field, guarderr.RuleRequestChanged} }
	port443 := func(u *url.URL) { u.Host += ":443" }
	tests := []struct {
		name           string
		method, target string // the request's method, and its URL after the host
		edit           func(u *url.URL)
		host           string // the request's Host, "" for the URL's
		wantMethod     string
		wantPath       string
		want           *outcome
	}{
		{name: "the operation's", method: "POST", target: "/recommendations", wantMethod: "POST", wantPath: "/recommendations"},
		{name: "the SDK's RawPath", method: "POST", target: "/recommendations", edit: func(u *url.URL) { u.RawPath = u.Path }, wantMethod: "POST", wantPath: "/recommendations"},
		{name: "with a query (scanned elsewhere)", method: "POST", target: "/recommendations?x=1", wantMethod: "POST", wantPath: "/recommendations"},
		{name: "the control plane's", method: "POST", target: "/", wantMethod: "POST", wantPath: "/"},
		{name: "another operation's path", method: "POST", target: "/personalize-ranking", wantMethod: "POST", wantPath: "/recommendations", want: refused("path")},
		{name: "a path that carries a value", method: "POST", target: "/recommendations/" + secret, wantMethod: "POST", wantPath: "/recommendations", want: refused("path")},
		{name: "an endpoint with a path", method: "POST", target: "/proxy/recommendations", wantMethod: "POST", wantPath: "/recommendations", want: refused("path")},
		{name: "no path", method: "POST", target: "", wantMethod: "POST", wantPath: "/", want: refused("path")},
		{name: "a trailing slash", method: "POST", target: "/recommendations/", wantMethod: "POST", wantPath: "/recommendations", want: refused("path")},
		{name: "escaped otherwise", method: "POST", target: "/recommendations", edit: func(u *url.URL) { u.RawPath = "/%72ecommendations" }, wantMethod: "POST", wantPath: "/recommendations", want: refused("path")},
		{name: "a RawPath of another operation", method: "POST", target: "/recommendations", edit: func(u *url.URL) { u.RawPath = "/personalize-ranking" }, wantMethod: "POST", wantPath: "/recommendations", want: refused("path")},
		{name: "an Opaque of another operation", method: "POST", target: "/recommendations", edit: func(u *url.URL) { u.Opaque = "/personalize-ranking" }, wantMethod: "POST", wantPath: "/recommendations", want: refused("path")},
		{name: "an Opaque of the same path", method: "POST", target: "/recommendations", edit: func(u *url.URL) { u.Opaque = "/recommendations" }, wantMethod: "POST", wantPath: "/recommendations", want: refused("path")},
		{name: "another method", method: "PUT", target: "/recommendations", wantMethod: "POST", wantPath: "/recommendations", want: refused("method")},
		{name: "no method (GET)", method: "", target: "/recommendations", wantMethod: "POST", wantPath: "/recommendations", want: refused("method")},
		{name: "lower-case method", method: "post", target: "/recommendations", wantMethod: "POST", wantPath: "/recommendations", want: refused("method")},
		{name: "no line in the table", method: "", target: "", wantMethod: "", wantPath: "", want: refused("path")},
		{name: "Host the URL's", method: "POST", target: "/recommendations", host: "personalize-runtime.us-east-1.amazonaws.com", wantMethod: "POST", wantPath: "/recommendations"},
		{name: "Host the URL's in another case", method: "POST", target: "/recommendations", host: "Personalize-Runtime.us-east-1.amazonaws.com", wantMethod: "POST", wantPath: "/recommendations"},
		{name: "Host another service's", method: "POST", target: "/recommendations", host: "personalize-events.us-east-1.amazonaws.com", wantMethod: "POST", wantPath: "/recommendations", want: refused("host")},
		{name: "Host with another port", method: "POST", target: "/recommendations", host: "personalize-runtime.us-east-1.amazonaws.com:8443", wantMethod: "POST", wantPath: "/recommendations", want: refused("host")},
		{name: "Host that carries a value", method: "POST", target: "/recommendations", host: "jane.doe.example.com", wantMethod: "POST", wantPath: "/recommendations", want: refused("host")},
		// red22: the SDK's signer sends Host without https' default port
		// (SanitizeHostForHeader), an IPv6 host without its brackets.
		{name: "Host the URL's without :443", method: "POST", target: "/recommendations", edit: port443, host: "personalize-runtime.us-east-1.amazonaws.com", wantMethod: "POST", wantPath: "/recommendations"},
		{name: "Host the IPv6 URL's without :443", method: "POST", target: "/recommendations", edit: func(u *url.URL) { u.Host = "[::1]:443" }, host: "::1", wantMethod: "POST", wantPath: "/recommendations"},
		{name: "Host another's, the URL with :443", method: "POST", target: "/recommendations", edit: port443, host: "personalize-events.us-east-1.amazonaws.com", wantMethod: "POST", wantPath: "/recommendations", want: refused("host")},
		{name: "Host with another port, the URL with :443", method: "POST", target: "/recommendations", edit: port443, host: "personalize-runtime.us-east-1.amazonaws.com:8443", wantMethod: "POST", wantPath: "/recommendations", want: refused("host")},
		{name: "Host without a port other than 443", method: "POST", target: "/recommendations", edit: func(u *url.URL) { u.Host += ":8443" }, host: "personalize-runtime.us-east-1.amazonaws.com", wantMethod: "POST", wantPath: "/recommendations", want: refused("host")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse("https://personalize-runtime.us-east-1.amazonaws.com" + tt.target)
			if err != nil {
				t.Fatal(err)
			}
			if tt.edit != nil {
				tt.edit(u)
			}
			sg := CheckRequestLine("GetRecommendations", &http.Request{Method: tt.method, URL: u, Host: tt.host}, tt.wantMethod, tt.wantPath)
			var got *outcome
			if sg != nil {
				got = &outcome{sg.Field, sg.Rule}
				if sg.Operation != "GetRecommendations" || strings.Contains(sg.Error(), secret) || strings.Contains(sg.Error(), "ranking") ||
					strings.Contains(sg.Error(), "jane") || strings.Contains(sg.Error(), "events") {
					t.Errorf("the refusal %q names another operation or echoes the path", sg.Error())
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// sentChecks are a client's checks that pass and keep the request
// CheckSent was given.
type sentChecks struct {
	passingChecks
	sent *http.Request
}

func (c *sentChecks) CheckSent(_ context.Context, _ string, sent *http.Request) error {
	c.sent = sent
	return nil
}

// keepSent is an HTTP client that keeps the request it sends.
type keepSent struct{ got *http.Request }

func (k *keepSent) Do(r *http.Request) (*http.Response, error) {
	k.got = r
	return answerAtOnce{}.Do(r)
}

// TestGateChecksTheRequestItSends: the client's CheckSent is given the very
// request the gate sends, its own copy, not the one it was given: no one
// who holds that one (a hook, another goroutine) can change what goes out
// after the check.
func TestGateChecksTheRequestItSends(t *testing.T) {
	req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
	req.Method = http.MethodPost
	req.URL, _ = url.Parse("https://personalize-runtime.us-east-1.amazonaws.com/recommendations")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDPERSONALIZETEST/20261129/us-east-1/personalize/aws4_request, "+
		"SignedHeaders=content-type;host;x-amz-date, Signature=14a4de10a33362d50f1efc83d9128d490a1464dfb9508bfd9ddb23635319be4f")
	req, err := req.SetStream(bytes.NewReader([]byte(`{"userId":"u-1"}`)))
	if err != nil {
		t.Fatal(err)
	}
	var c sentChecks
	var clean CleanTexts
	var k keepSent
	ctx := middleware.WithOperationName(context.Background(), "GetRecommendations")
	if _, _, err := Gate(ctx, middleware.DeserializeInput{Request: req}, &c, "us-east-1", TLSClient{Min: tls.VersionTLS12, Next: &k}, sensitive.Default(), &clean); err != nil {
		t.Fatal(err)
	}
	switch {
	case c.sent == nil:
		t.Fatal("CheckSent was not called")
	case c.sent != k.got:
		t.Error("CheckSent was given another request than the one sent")
	case c.sent == req.Request:
		t.Error("CheckSent was given the request the gate was given, not its copy")
	}
}

// FuzzCheckRequestLine: whatever a hook writes in the URL (its path, raw
// path, opaque part, query) and the method, a request CheckRequestLine
// passes goes out, as net/http writes its request line, as "POST
// /recommendations", with at most a query after the path.
func FuzzCheckRequestLine(f *testing.F) {
	f.Add("POST", "/recommendations", "", "")
	f.Add("POST", "/recommendations", "/recommendations", "")
	f.Add("POST", "/recommendations?x=1", "", "")
	f.Add("POST", "/personalize-ranking", "/recommendations", "")
	f.Add("POST", "/recommendations", "/%72ecommendations", "")
	f.Add("POST", "/recommendations", "", "/personalize-ranking")
	f.Add("POST", "/recommendations", "", "//other-host/x")
	f.Add("PUT", "/recommendations", "", "")
	f.Add("POST", "/a%2Fb", "/a%2Fb", "")
	f.Fuzz(func(t *testing.T, method, target, rawPath, opaque string) {
		const path = "/recommendations"
		u, err := url.Parse("https://personalize-runtime.us-east-1.amazonaws.com" + target)
		if err != nil || u.Host != "personalize-runtime.us-east-1.amazonaws.com" {
			return
		}
		if rawPath != "" {
			u.RawPath = rawPath
		}
		if opaque != "" {
			u.Opaque = opaque
		}
		req := &http.Request{Method: method, URL: u, Header: http.Header{}, Host: u.Host}
		if CheckRequestLine("GetRecommendations", req, http.MethodPost, path) != nil {
			return
		}
		var b bytes.Buffer
		if err := req.Write(&b); err != nil {
			t.Fatalf("a request CheckRequestLine passed does not write: %v", err)
		}
		line, _, _ := strings.Cut(b.String(), "\r\n")
		target, ok := strings.CutPrefix(line, "POST ")
		target, ok2 := strings.CutSuffix(target, " HTTP/1.1")
		if p, _, _ := strings.Cut(target, "?"); !ok || !ok2 || p != path {
			t.Errorf("passed, and goes out as %q", line)
		}
	})
}
