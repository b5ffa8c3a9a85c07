// Package securetransport holds the transport rules every guarded client
// shares: the https-only endpoint, the TLS floor enforced on the HTTP client
// the guard builds, no wire dumps, and the send of a request's checked body
// through that client. The client packages hold only what is specific to
// their API; a request of any of them leaves the process through here.
package securetransport

import (
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
)

// Secure applies the transport rules to one client's settings, whether they
// sit in an aws.Config or a service's Options, and returns the settings to
// use instead: an https endpoint, an HTTP client that negotiates minTLS or
// later and refuses plain http (a TLSClient), and a log mode without dumps.
// dumped reports that dump bits were cleared, for the caller to warn once.
func Secure(base *string, disableHTTPS bool, hc aws.HTTPClient, mode aws.ClientLogMode, minTLS uint16, allowUnverifiable bool) (
	_ aws.HTTPClient, _ aws.ClientLogMode, dumped bool, _ error,
) {
	if err := CheckEndpoint(base, disableHTTPS); err != nil {
		return nil, 0, false, err
	}
	hardened, err := HardenHTTPClient(hc, minTLS, allowUnverifiable)
	if err != nil {
		return nil, 0, false, err
	}
	if _, ok := hardened.(TLSClient); !ok {
		hardened = TLSClient{Next: hardened, Min: minTLS}
	}
	scrubbed, dumped := ScrubLogMode(mode)
	return hardened, scrubbed, dumped, nil
}

// DumpWarning says once, per guard, that the client's wire dumps were
// switched off: through the client's own logger, where the caller looks for
// the dumps, and through the audit logger.
type DumpWarning struct{ once sync.Once }

// Warn writes the warning the first time it is called.
func (d *DumpWarning) Warn(client logging.Logger, audit *slog.Logger) {
	d.once.Do(func() {
		const msg = "personalizeguard: ClientLogMode request/response/signing dumps switched off: they print session tokens and request bodies"
		if client != nil {
			client.Logf(logging.Warn, "%s", msg)
		}
		if audit != nil {
			audit.Warn(msg)
		}
	})
}

// CheckEndpoint refuses an endpoint that is not https, carries credentials,
// or has a path: the SDK puts an endpoint's path before each operation's,
// and the wire gate holds every request's path to its operation's (AWS runs
// the operation a REST path names), so every call through a proxy's prefix
// (https://proxy.example/personalize) would be refused there, one by one.
func CheckEndpoint(base *string, disableHTTPS bool) error {
	if disableHTTPS {
		return &guarderr.ConfigError{Field: "EndpointOptions.DisableHTTPS", Reason: "is set; the guard sends only over https"}
	}
	if base == nil {
		return nil
	}
	u, err := url.Parse(*base)
	if err != nil || u.Scheme != "https" {
		return &guarderr.ConfigError{Field: "BaseEndpoint", Reason: "is not an https URL; the guard sends only over https"}
	}
	if u.User != nil {
		return &guarderr.ConfigError{Field: "BaseEndpoint", Reason: "carries credentials in the URL"}
	}
	if u.Opaque != "" || u.Path != "" && u.Path != "/" {
		return &guarderr.ConfigError{Field: "BaseEndpoint", Reason: "has a path; the guard holds each request's path to its operation's, as AWS's endpoints serve them, at the root"}
	}
	return nil
}

// HardenHTTPClient returns a client that negotiates TLS minTLS or later,
// keeping the caller's root CAs, proxies and timeouts, follows redirects as
// the SDK's own client does (see sdkRedirects) and sends no cookies (an
// *http.Client's Jar is dropped). The caller's client is not modified.
func HardenHTTPClient(c aws.HTTPClient, minTLS uint16, allowUnverifiable bool) (aws.HTTPClient, error) {
	switch hc := c.(type) {
	case TLSClient:
		return hc, nil // hardened by a guard already
	case nil:
		return hardenBuildable(awshttp.NewBuildableClient(), minTLS, false)
	case *awshttp.BuildableClient:
		return hardenBuildable(hc, minTLS, allowUnverifiable)
	case *http.Client:
		out := *hc
		out.CheckRedirect = sdkRedirects(hc.CheckRedirect)
		// A cookie jar adds a Cookie header inside Client.Do, after the
		// gate checked the headers: none of AWS's APIs takes cookies, and
		// the SDK's own client has no jar.
		out.Jar = nil
		var tr *http.Transport
		switch rt := hc.Transport.(type) {
		case nil:
			tr = http.DefaultTransport.(*http.Transport).Clone()
		case *http.Transport:
			tr = rt.Clone()
		default:
			if allowUnverifiable {
				// Its TLS is the caller's word; its redirects are not.
				return &out, nil
			}
			return nil, &guarderr.ConfigError{Field: "HTTPClient", Reason: "its Transport is not an *http.Transport, so the TLS floor cannot be enforced; " +
				"use *awshttp.BuildableClient or set Policy.InsecureAllowUnverifiableHTTPClient"}
		}
		if err := raiseFloor(tr, minTLS, allowUnverifiable); err != nil {
			return nil, err
		}
		out.Transport = tr
		return &out, nil
	default:
		if allowUnverifiable {
			return c, nil
		}
		return nil, &guarderr.ConfigError{Field: "HTTPClient", Reason: "is a custom client whose TLS settings cannot be enforced; " +
			"use *awshttp.BuildableClient or set Policy.InsecureAllowUnverifiableHTTPClient"}
	}
}

func hardenBuildable(bc *awshttp.BuildableClient, minTLS uint16, allowUnverifiable bool) (aws.HTTPClient, error) {
	// WithTransportOptions returns a copy; the caller's client keeps its
	// settings.
	out := bc.WithTransportOptions(func(tr *http.Transport) {
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{}
		}
		if tr.TLSClientConfig.MinVersion < minTLS {
			tr.TLSClientConfig.MinVersion = minTLS
		}
		httpsOnlyTransport(tr)
	})
	// Check what was built, so a MaxVersion below the floor or a disabled
	// certificate check is refused here, not discovered on the wire.
	if err := checkTransport(out.GetTransport(), minTLS, allowUnverifiable); err != nil {
		return nil, err
	}
	return out, nil
}

func raiseFloor(tr *http.Transport, minTLS uint16, allowUnverifiable bool) error {
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	} else {
		tr.TLSClientConfig = tr.TLSClientConfig.Clone()
	}
	if tr.TLSClientConfig.MinVersion < minTLS {
		tr.TLSClientConfig.MinVersion = minTLS
	}
	httpsOnlyTransport(tr)
	return checkTransport(tr, minTLS, allowUnverifiable)
}

// errPlainHTTP is what a hardened transport answers a request for a URL that
// is not https: a redirect to http://, which net/http would follow in
// plaintext, session token and all.
var errPlainHTTP = errors.New("personalizeguard: refused to send a request that is not https")

// httpsOnlyTransport makes tr refuse, before dialing, any request that is not
// https. The transport's Proxy function sees every request it sends,
// redirects included, so it is where the rule goes; the caller's own proxy
// setting still applies after it.
func httpsOnlyTransport(tr *http.Transport) {
	proxy := tr.Proxy
	tr.Proxy = func(r *http.Request) (*url.URL, error) {
		if r.URL.Scheme != "https" {
			return nil, errPlainHTTP
		}
		if proxy == nil {
			return nil, nil
		}
		return proxy(r)
	}
}

// sdkRedirects is the redirect rule of the SDK's own client
// (awshttp.BuildableClient's) for a caller's *http.Client, before the
// caller's own, next (nil: net/http's default). net/http's default follows
// a 301, 302 or 303 with a GET to the Location, on any https host, carrying
// the session token and every checked header but Authorization and
// cookies: a request the guard never checked, whose answer would pass for
// the call's. A 307 or 308 keeps its method and body (net/http re-sends a
// body only through GetBody, which the wire gate's requests do not have),
// and leaves the session token behind for another host.
func sdkRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(r *http.Request, via []*http.Request) error {
		if r.Response == nil || r.Response.StatusCode != http.StatusTemporaryRedirect && r.Response.StatusCode != http.StatusPermanentRedirect {
			return http.ErrUseLastResponse
		}
		if r.URL.Host != via[len(via)-1].URL.Host {
			r.Header.Del("X-Amz-Security-Token")
		}
		if next != nil {
			return next(r, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects") // net/http's default
		}
		return nil
	}
}

// checkTransport refuses a transport whose TLS the floor does not govern.
func checkTransport(tr *http.Transport, minTLS uint16, allowUnverifiable bool) error {
	c := tr.TLSClientConfig
	if c.MaxVersion != 0 && c.MaxVersion < minTLS {
		return &guarderr.ConfigError{Field: "HTTPClient", Reason: "its TLS MaxVersion is below the guard's TLS floor"}
	}
	if c.InsecureSkipVerify {
		return &guarderr.ConfigError{Field: "HTTPClient", Reason: "its TLS config skips certificate verification; trust a CA with RootCAs instead"}
	}
	if c.KeyLogWriter != nil {
		// Whoever reads the key log decrypts every request from a capture.
		return &guarderr.ConfigError{Field: "HTTPClient", Reason: "its TLS config writes the session keys (KeyLogWriter), which decrypt every request; remove it"}
	}
	if c.Rand != nil {
		// Keys drawn from a reader the caller chose are as secret as that
		// reader: a fixed one makes every session's keys known.
		return &guarderr.ConfigError{Field: "HTTPClient", Reason: "its TLS config draws its keys from its own source of randomness (Rand), not crypto/rand; remove it"}
	}
	//lint:ignore SA1019 reading the deprecated DialTLS to refuse it, not using it
	if (tr.DialTLS != nil || tr.DialTLSContext != nil) && !allowUnverifiable {
		// A custom TLS dialer makes its own handshake and ignores
		// TLSClientConfig, floor included.
		return &guarderr.ConfigError{Field: "HTTPClient", Reason: "its transport dials TLS itself (DialTLS/DialTLSContext), so the TLS floor cannot be enforced; " +
			"use DialContext, or set Policy.InsecureAllowUnverifiableHTTPClient"}
	}
	return nil
}

// dumpModes are the ClientLogMode bits that print headers (the session
// token), bodies (names, tags, event data) or the signing strings.
const dumpModes = aws.LogRequest | aws.LogRequestWithBody | aws.LogResponse | aws.LogResponseWithBody |
	aws.LogSigning | aws.LogRequestEventMessage | aws.LogResponseEventMessage

// ScrubLogMode clears the dumping bits and reports whether any was set.
func ScrubLogMode(m aws.ClientLogMode) (aws.ClientLogMode, bool) {
	return m &^ dumpModes, m&dumpModes != 0
}

// requestResponseLoggerID is smithy's HTTP dump middleware.
const requestResponseLoggerID = "RequestResponseLogger"

// SilenceWireDumps swaps smithy's request/response logger for a silent one
// when a per-call ClientLogMode turned dumps back on.
func SilenceWireDumps(stack *middleware.Stack) error {
	m, ok := stack.Deserialize.Get(requestResponseLoggerID)
	if !ok {
		return nil
	}
	if l, ok := m.(*smithyhttp.RequestResponseLogger); ok && !(l.LogRequest || l.LogRequestWithBody || l.LogResponse || l.LogResponseWithBody) {
		return nil
	}
	_, err := stack.Deserialize.Swap(requestResponseLoggerID, &smithyhttp.RequestResponseLogger{})
	return err
}

// TLSClient sends through the hardened HTTP client and checks what came
// back. Only a handshake refused for its version, or a response on a
// connection below the floor, is a TLS violation: a failed send, a reset or
// a deadline stays the transport's own error, which the SDK retries or
// reports as it would without the guard.
type TLSClient struct {
	Next aws.HTTPClient
	Min  uint16
}

func (c TLSClient) Do(r *http.Request) (*http.Response, error) {
	return c.do(WithoutWriteTo(r))
}

// do is Do for a request whose body is nil, http.NoBody or the wire gate's
// own (see WithoutWriteTo), which SendChecked sends without WithoutWriteTo's
// look at its type.
func (c TLSClient) do(r *http.Request) (*http.Response, error) {
	resp, err := c.Next.Do(r)
	if err != nil {
		if errors.Is(err, errPlainHTTP) {
			return nil, &guarderr.SafeguardError{Operation: middleware.GetOperationName(r.Context()), Rule: guarderr.RuleHTTPSOnly,
				Reason: "the endpoint redirected to a URL that is not https; the guard does not follow it", Err: err}
		}
		if handshakeBelowFloor(err) {
			// A SafeguardError, which the retryer does not retry.
			return nil, &guarderr.SafeguardError{Operation: middleware.GetOperationName(r.Context()), Rule: guarderr.RuleTLSVersion,
				Reason: "the endpoint does not offer " + tls.VersionName(c.Min) + " or later; the handshake failed before any request byte was sent", Err: err}
		}
		return resp, err
	}
	if resp.TLS == nil || resp.TLS.Version < c.Min {
		if resp.Body != nil {
			resp.Body.Close()
		}
		return nil, &guarderr.SafeguardError{Operation: middleware.GetOperationName(r.Context()), Rule: guarderr.RuleTLSVersion, Sent: true,
			Reason: "the connection negotiated " + tlsName(resp.TLS) + ", below the floor of " + tls.VersionName(c.Min) + "; the response is refused"}
	}
	return resp, nil
}

// ReadOnlyBody hides a request body's WriteTo from net/http. smithy closes
// a request body as soon as the response headers arrive, and a closed smithy
// body's WriteTo returns io.EOF, which net/http, still reading the body for
// bytes beyond Content-Length, takes for a failed write: it closes the
// connection under the response being read, and about one call in a few
// thousand fails with "use of closed network connection", or a connection
// is lost for the next call (aws/aws-sdk-go-v2#2737). Through Read, a
// closed body is just at its end. Every request the guard sends, its own
// KMS and S3 reads included, goes through here.
type ReadOnlyBody struct{ io.ReadCloser }

// WithoutWriteTo returns r, or a shallow copy of it whose body is r's behind
// a ReadOnlyBody. The wire gate's own body, io.NopCloser around the checked
// *strings.Reader, is left as it is: nothing can close a strings.Reader, so
// its WriteTo works to the end, and net/http, which looks through the
// NopCloser, writes it with the headers in one write. Not any io.NopCloser:
// around smithy's body, smithy closes the body inside, and its WriteTo
// fails all the same.
func WithoutWriteTo(r *http.Request) *http.Request {
	if r.Body == nil || r.Body == http.NoBody || checkedString(r.Body) {
		return r
	}
	hidden := *r
	hidden.Body = ReadOnlyBody{r.Body}
	return &hidden
}

// nopCloserWriterTo is the type io.NopCloser returns for a reader with
// WriteTo, known, as net/http knows it, by its reflect.Type: it is
// unexported. stringsReader is the type of the reader the gate puts in it.
var (
	nopCloserWriterTo = reflect.TypeOf(io.NopCloser(strings.NewReader("")))
	stringsReader     = reflect.TypeOf((*strings.Reader)(nil))
)

// checkedString reports whether body is io.NopCloser around a
// *strings.Reader, as the wire gate sends.
func checkedString(body io.ReadCloser) bool {
	if reflect.TypeOf(body) != nopCloserWriterTo {
		return false
	}
	return reflect.ValueOf(body).Field(0).Elem().Type() == stringsReader
}

func tlsName(cs *tls.ConnectionState) string {
	if cs == nil {
		return "no TLS"
	}
	return tls.VersionName(cs.Version)
}

// handshakeBelowFloor recognises a handshake refused because the server
// offers only versions below the floor. crypto/tls reports the remote alert
// with an unexported type, so the message is all there is to match.
func handshakeBelowFloor(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "protocol version not supported") ||
		strings.Contains(msg, "server selected unsupported protocol version")
}
