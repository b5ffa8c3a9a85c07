package securetransport

import (
	"bufio"
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed23HostUnicodeFold (red23 defect, low; older than 8f7149f): the
// Host check compared by strings.EqualFold, Unicode's simple folding, under
// which 'ſ' (U+017F) is 's', 'K' (U+212A) 'k' and 'Ü' 'ü'. net/http writes
// such a Host as IDNA's ASCII form, another name than the URL's: a hook's
// Host "perſonalize-runtime..." passed and went out as
// "xn--peronalize-ikc...". Each row also asks what net/http writes: a Host
// the check passes goes out as the URL's host (or its hostname at :443).
func TestRed23HostUnicodeFold(t *testing.T) {
	const rt = "personalize-runtime.us-east-1.amazonaws.com"
	tests := []struct {
		name, url, host string
		want            bool // refused
	}{
		{"long s for s, URL with :443", "https://" + rt + ":443/x", "per\u017fonalize-runtime.us-east-1.amazonaws.com", true},
		{"long s for s, URL without port", "https://" + rt + "/x", "per\u017fonalize-runtime.us-east-1.amazonaws.com", true},
		{"Kelvin sign for k", "https://k.example.com:443/x", "\u212a.example.com", true},
		{"upper-case IDN", "https://bücher.example/x", "BÜCHER.example", true},
		{"upper-case IDN, URL with :443", "https://bücher.example:443/x", "BÜCHER.example", true},
		// Still passed: ASCII case, which DNS ignores, and the same bytes.
		{"ASCII upper case", "https://" + rt + ":443/x", "PERSONALIZE-RUNTIME.US-EAST-1.AMAZONAWS.COM", false},
		{"ASCII upper case with :443", "https://" + rt + ":443/x", "Personalize-Runtime.us-east-1.amazonaws.com:443", false},
		{"the same IDN", "https://bücher.example:443/x", "bücher.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			sg := CheckRequestLine("GetRecommendations", &http.Request{Method: "POST", URL: u, Host: tt.host}, "POST", "/x")
			if diff := cmp.Diff(tt.want, sg != nil); diff != "" {
				t.Errorf("refused (-want +got):\n%s", diff)
			}
			if sg != nil {
				return
			}
			got, want := wireHost(t, u, tt.host), wireHost(t, u, u.Hostname())
			if got != want && got != wireHost(t, u, "") {
				t.Errorf("passed, but net/http writes Host %q, the URL's %q", got, want)
			}
		})
	}
}

// wireHost is the Host net/http writes for a request to u with Host host,
// in ASCII lower case as DNS compares it.
func wireHost(t *testing.T, u *url.URL, host string) string {
	t.Helper()
	var b bytes.Buffer
	if err := (&http.Request{Method: "POST", URL: u, Host: host, Header: http.Header{}}).Write(&b); err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadRequest(bufio.NewReader(&b))
	if err != nil {
		t.Fatal(err)
	}
	h := []byte(r.Host)
	for i, c := range h {
		if 'A' <= c && c <= 'Z' {
			h[i] = c + 'a' - 'A'
		}
	}
	return string(bytes.TrimSuffix(h, []byte(":443")))
}
