package dataplane

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestURLDecodings(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"cust-889123", nil},
		{"cust%2D889123", []string{"cust-889123", "cust-889123"}},
		{"cust%252D889123", []string{"cust%2D889123", "cust-889123", "cust%2D889123", "cust-889123"}},
		{"jane+doe", []string{"jane doe"}},
		{"jane%2Bdoe", []string{"jane+doe", "jane+doe", "jane doe"}},
		{"100% sure", nil},
		{"%zz%2", nil},
		{`cust%5Cu00252D889123`, []string{`cust\u00252D889123`, "cust%2D889123", "cust-889123", `cust\u00252D889123`, "cust%2D889123", "cust-889123"}},
	} {
		if diff := cmp.Diff(tt.want, slices.Collect(urlDecodings(tt.in, true))); diff != "" {
			t.Errorf("urlDecodings(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// FuzzURLDecodings: the readings are bounded and none is longer than s,
// and among them are net/url's path and query unescapings of s, where
// net/url reads s at all.
func FuzzURLDecodings(f *testing.F) {
	for _, s := range []string{"cust%252D889123", "a+b%2Bc", "%", "%%2525", "+%2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got []string
		for d := range urlDecodings(s, true) {
			got = append(got, d)
		}
		if len(got) > 2*maxDecodings {
			t.Fatalf("%d readings of %q", len(got), s)
		}
		for _, d := range got {
			if len(d) > len(s) {
				t.Fatalf("reading %q of %q is longer", d, s)
			}
		}
		if want, err := url.QueryUnescape(s); err == nil && want != s && !slices.Contains(got, want) {
			t.Fatalf("urlDecodings(%q) = %q, missing net/url's %q", s, got, want)
		}
		if want, err := url.PathUnescape(s); err == nil && want != s && !slices.Contains(got, want) {
			t.Fatalf("urlDecodings(%q) = %q, missing net/url's %q", s, got, want)
		}
	})
}

// TestRawIDLookWithSessionToken: a session token, a kilobyte of base64 with
// many '+', costs the raw-ID look no allocation when no ID holds a space
// (review: the form's reading of it made 9 a call); with one, the token is
// read as a form writes it.
func TestRawIDLookWithSessionToken(t *testing.T) {
	tok := "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD" + strings.Repeat("x9+Kq3/Zb7Lm2+Pw", 60) + "=="
	r := &http.Request{URL: &url.URL{Path: "/recommendations"}, Header: http.Header{
		"X-Amz-Security-Token": {tok},
		"Content-Type":         {"application/json"},
	}}
	raw := []string{"cust-889123"}
	if part := rawIDOutsideBody(r, raw, false); part != "" {
		t.Fatalf("rawIDOutsideBody = %q, want none", part)
	}
	if n := testing.AllocsPerRun(100, func() { rawIDOutsideBody(r, raw, false) }); n != 0 {
		t.Errorf("rawIDOutsideBody with a session token: %v allocations a call, want 0", n)
	}
	r.Header.Set("Baggage", "user=jane+doe+77")
	if part := rawIDOutsideBody(r, []string{"jane doe 77"}, false); part != "header" {
		t.Errorf("rawIDOutsideBody of a form-written ID = %q, want header", part)
	}
}
