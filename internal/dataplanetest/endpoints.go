package dataplanetest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// EndpointForm is a BaseEndpoint a caller may write for the same endpoint.
type EndpointForm struct{ Name, Base string }

// EndpointForms returns the BaseEndpoint forms a caller may write for s's
// endpoint, each of which a guarded client must send to: s's own URL, the
// default port (":443", which the SDK's signer leaves out of Host), with a
// root path, IPv6, an upper-case host and a trailing dot. Not
// "https://[::1]:443": the SDK's signer then sends Host "::1" (its
// stripPort drops the brackets), and the identity check fails before the
// guard's gates, in the SDK. A config from [DialedConfig] reaches s at
// each of them.
func EndpointForms(tb testing.TB, s *personalizetest.Server) []EndpointForm {
	tb.Helper()
	port := serverURL(tb, s).Port()
	return []EndpointForm{
		{"as the emulator gives it", "https://127.0.0.1:" + port},
		{"the default port", "https://127.0.0.1:443"},
		{"the default port, root path", "https://localhost:443/"},
		{"IPv6 with a port", "https://[::1]:" + port},
		{"an upper-case host", "https://LOCALHOST:" + port},
		{"a trailing dot", "https://localhost.:" + port},
	}
}

// DialedConfig returns s's config with base as its BaseEndpoint and an
// HTTP client that trusts s and dials s whatever host and port base names.
func DialedConfig(tb testing.TB, s *personalizetest.Server, base string) aws.Config {
	tb.Helper()
	host := serverURL(tb, s).Host
	cfg := s.Config()
	cfg.BaseEndpoint = aws.String(base)
	pool := s.CertPool()
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = tr.TLSClientConfig.Clone()
		tr.TLSClientConfig.RootCAs = pool
		var d net.Dialer
		tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, host)
		}
	})
	return cfg
}

// Refusal describes err for a table's want: "" for none, the rule and
// field of a *guarderr.SafeguardError, or any other error's text.
func Refusal(err error) string {
	var sg *guarderr.SafeguardError
	switch {
	case errors.As(err, &sg):
		return sg.Rule + " at " + sg.Field
	case err != nil:
		return "not a refusal: " + err.Error()
	}
	return ""
}

// PathsTo returns the paths of the requests s received for service.
func PathsTo(s *personalizetest.Server, service string) []string {
	var out []string
	for _, r := range s.Requests() {
		if r.Service == service {
			out = append(out, r.URL)
		}
	}
	return out
}

func serverURL(tb testing.TB, s *personalizetest.Server) *url.URL {
	tb.Helper()
	u, err := url.Parse(s.URL())
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
