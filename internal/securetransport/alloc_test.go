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

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestReadBytesReaderOwnsItsBytes: readBytesReader returns the rest of the
// reader, from where it stands, whatever its length (the old reader's
// 1 KiB chunk's edges among them), and the string is the gate's own: the
// serializer's bytes changed after the read do not change it.
func TestReadBytesReaderOwnsItsBytes(t *testing.T) {
	for _, tt := range []struct{ size, at int }{{0, 0}, {1, 0}, {1, 1}, {1023, 0}, {1024, 0}, {1025, 0}, {1025, 1}, {3000, 977}, {70000, 5}} {
		src := []byte(strings.Repeat("0123456789abcdef", tt.size/16+1)[:tt.size])
		r := bytes.NewReader(src)
		if _, err := r.Seek(int64(tt.at), 0); err != nil {
			t.Fatal(err)
		}
		want := string(src[tt.at:])
		got := readBytesReader(r)
		for i := range src {
			src[i] = 'X'
		}
		if diff := cmp.Diff(want, got); diff != "" || r.Len() != 0 {
			t.Errorf("size %d from %d: body (-want +got), %d bytes left unread:\n%s", tt.size, tt.at, r.Len(), diff)
		}
	}
}

// respondWith answers each request with the next of its responses.
type respondWith struct{ next []*http.Response }

func (c *respondWith) Do(*http.Request) (*http.Response, error) {
	r := c.next[0]
	c.next = c.next[1:]
	return r, nil
}

// TestGateRawResponse: the gate hands the SDK's deserializers each call's
// own response, in a RawResponse of the call's own (the one in its copy's
// allocation), as ClientHandler does.
func TestGateRawResponse(t *testing.T) {
	ctx := middleware.WithOperationName(context.Background(), "GetRecommendations")
	tls13 := &tls.ConnectionState{Version: tls.VersionTLS13}
	send := &respondWith{next: []*http.Response{
		{StatusCode: 200, Body: http.NoBody, TLS: tls13},
		{StatusCode: 404, Body: http.NoBody, TLS: tls13},
	}}
	want := append([]*http.Response(nil), send.next...)
	var raws []*smithyhttp.Response
	var clean CleanTexts
	for range want {
		req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
		req.Method = http.MethodPost
		req.URL, _ = url.Parse("https://personalize-runtime.us-east-1.amazonaws.com/recommendations")
		req, err := req.SetStream(bytes.NewReader([]byte(`{"userId":"u-1"}`)))
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := Gate(ctx, middleware.DeserializeInput{Request: req}, passingChecks{}, "us-east-1", TLSClient{Min: tls.VersionTLS12, Next: send},
			sensitive.Default(), &clean)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, out.RawResponse.(*smithyhttp.Response))
	}
	if raws[0] == raws[1] || raws[0].Response != want[0] || raws[1].Response != want[1] {
		t.Errorf("RawResponses %p and %p wrap %p and %p, want two of their own wrapping %p and %p",
			raws[0], raws[1], raws[0].Response, raws[1].Response, want[0], want[1])
	}
}
