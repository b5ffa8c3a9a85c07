package securetransport

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// keepingChecks keeps every body the gate asks it to check, as a memo
// that did not copy would.
type keepingChecks struct {
	passingChecks
	bodies []string
}

func (c *keepingChecks) CheckBody(_ context.Context, _, body string) error {
	c.bodies = append(c.bodies, body)
	return nil
}

// keepingSend reads each request's body to its end, as net/http does, and
// keeps what it read.
type keepingSend struct{ sent []string }

func (s *keepingSend) Do(r *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	s.sent = append(s.sent, string(b))
	return &http.Response{StatusCode: 200, Body: http.NoBody, TLS: &tls.ConnectionState{Version: tls.VersionTLS13}}, nil
}

// TestGateBodyOwnedPerCall: the body the gate checks, read into its copy's
// own array when it fits (see sentRequest.bodyBuf), belongs to that call
// alone. Calls with bodies of lengths around the array's, each different,
// whose stream bytes are overwritten after the call, with collections
// between (a pool's objects survive one): every body a check kept is
// still the one it was given, at an address of its own, and each call sent
// exactly the body it checked. A pooled or reused copy, or a body over the
// stream's bytes, fails this.
func TestGateBodyOwnedPerCall(t *testing.T) {
	ctx := middleware.WithOperationName(context.Background(), "GetRecommendations")
	var checks keepingChecks
	var send keepingSend
	var clean CleanTexts
	var want []string
	at := map[*byte]int{}
	for i := range 120 {
		n := inlineBody - 4 + i%9 // 508 to 516 bytes
		if i%10 == 9 {
			n = 40 + i // shorter ones too
		}
		prefix := fmt.Sprintf(`{"userId":"u-%d","pad":"`, i)
		body := prefix + strings.Repeat(string(rune('a'+i%26)), n-len(prefix)-2) + `"}`
		data := []byte(body)
		req := smithyhttp.NewStackRequest().(*smithyhttp.Request)
		req.Method = http.MethodPost
		req.URL, _ = url.Parse("https://personalize-runtime.us-east-1.amazonaws.com/recommendations")
		req, err := req.SetStream(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := Gate(ctx, middleware.DeserializeInput{Request: req}, &checks, "us-east-1", TLSClient{Min: tls.VersionTLS12, Next: &send},
			sensitive.Default(), &clean); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		want = append(want, body)
		for j := range data {
			data[j] = '#' // the SDK's bytes, changed after the call
		}
		if i%7 == 0 {
			runtime.GC()
		}
		kept := checks.bodies[len(checks.bodies)-1]
		if p := unsafe.StringData(kept); at[p] != 0 {
			t.Errorf("call %d's body is at call %d's address", i, at[p]-1)
		} else {
			at[p] = i + 1
		}
	}
	if diff := cmp.Diff(want, checks.bodies); diff != "" {
		t.Errorf("bodies kept from the checks (-as given +now):\n%s", diff)
	}
	if diff := cmp.Diff(want, send.sent); diff != "" {
		t.Errorf("bodies sent (-as checked +sent):\n%s", diff)
	}
}
