package securetransport

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestURLTextMatchesReference holds the text check's reading of the URL and
// the Host (the path's memo, a RawPath equal to the path not looked up
// again, empty parts and an empty Host skipped) to the reference's, which
// reads each part: the same part refused, through memos warmed call after
// call, for URLs with a RawPath equal to the path (the SDK's "/"), another
// one, a query, an opaque part, and Hosts empty, the URL's or another.
func TestURLTextMatchesReference(t *testing.T) {
	det := sensitive.Default()
	r := rand.New(rand.NewPCG(3, 21))
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	var newClean, refClean CleanTexts
	refused := 0
	for i := range 3000 {
		path := pick("/", "/", "/recommendations", "/users/jane.doe@example.com", "/a/b", "/4111111111111111")
		u := &url.URL{Scheme: "https", Host: pick("personalize.us-east-1.amazonaws.com", "jane.doe@example.com"), Path: path}
		switch r.IntN(5) {
		case 0, 1:
			u.RawPath = path // the SDK's
		case 2:
			u.RawPath = pick("/a%2Fb", "/users/jane.doe%40example.com", "/4111%201111%201111%201111")
		}
		if r.IntN(4) == 0 {
			u.RawQuery = pick("x=1", "x=4111111111111111", "x=jane.doe%40example.com")
		}
		if r.IntN(8) == 0 {
			u.Opaque = pick("//personalize.us-east-1.amazonaws.com/", "//x/4111111111111111")
		}
		req := &http.Request{Method: http.MethodPost, URL: u, Host: pick("", "", u.Host, "jane.doe@example.com"), Header: http.Header{}}
		want := referenceFirstIdentifyingPart(req, det, &refClean)
		if got := firstIdentifyingPart(req, nil, det, &newClean); got != want {
			t.Fatalf("call %d (URL %#v, Host %q): refused part %q, want %q", i, *u, req.Host, got, want)
		}
		if want != "" {
			refused++
		}
	}
	if refused < 300 || refused > 2700 {
		t.Fatalf("%d of 3000 refused: the test proves little", refused)
	}
}

// TestValidateEndpointHostEmpty: sendChecked skips smithy's host check
// for an empty Host, which it passes; should smithy ever refuse one, this
// says so.
func TestValidateEndpointHostEmpty(t *testing.T) {
	if err := smithyhttp.ValidateEndpointHost(""); err != nil {
		t.Fatalf("ValidateEndpointHost(\"\") = %v, want nil", err)
	}
}
