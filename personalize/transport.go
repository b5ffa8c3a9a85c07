package personalize

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// hardenHTTPClient returns a client that negotiates TLS minTLS or later,
// keeping the caller's root CAs, proxies and timeouts. The caller's client is
// not modified.
func hardenHTTPClient(c aws.HTTPClient, minTLS uint16, allowUnverifiable bool) (aws.HTTPClient, error) {
	switch hc := c.(type) {
	case nil:
		return hardenBuildable(awshttp.NewBuildableClient(), minTLS, false)
	case *awshttp.BuildableClient:
		return hardenBuildable(hc, minTLS, allowUnverifiable)
	case *http.Client:
		var tr *http.Transport
		switch rt := hc.Transport.(type) {
		case nil:
			tr = http.DefaultTransport.(*http.Transport).Clone()
		case *http.Transport:
			tr = rt.Clone()
		default:
			if allowUnverifiable {
				return c, nil
			}
			return nil, &ConfigError{Field: "HTTPClient", Reason: "its Transport is not an *http.Transport, so the TLS floor cannot be enforced; " +
				"use *awshttp.BuildableClient or set Policy.InsecureAllowUnverifiableHTTPClient"}
		}
		if err := raiseFloor(tr, minTLS, allowUnverifiable); err != nil {
			return nil, err
		}
		out := *hc
		out.Transport = tr
		return &out, nil
	default:
		if allowUnverifiable {
			return c, nil
		}
		return nil, &ConfigError{Field: "HTTPClient", Reason: "is a custom client whose TLS settings cannot be enforced; " +
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
	return checkTransport(tr, minTLS, allowUnverifiable)
}

// checkTransport refuses a transport whose TLS the floor does not govern.
func checkTransport(tr *http.Transport, minTLS uint16, allowUnverifiable bool) error {
	c := tr.TLSClientConfig
	if c.MaxVersion != 0 && c.MaxVersion < minTLS {
		return &ConfigError{Field: "HTTPClient", Reason: "its TLS MaxVersion is below the guard's TLS floor"}
	}
	if c.InsecureSkipVerify {
		return &ConfigError{Field: "HTTPClient", Reason: "its TLS config skips certificate verification; trust a CA with RootCAs instead"}
	}
	//lint:ignore SA1019 reading the deprecated DialTLS to refuse it, not using it
	if (tr.DialTLS != nil || tr.DialTLSContext != nil) && !allowUnverifiable {
		// A custom TLS dialer makes its own handshake and ignores
		// TLSClientConfig, floor included.
		return &ConfigError{Field: "HTTPClient", Reason: "its transport dials TLS itself (DialTLS/DialTLSContext), so the TLS floor cannot be enforced; " +
			"use DialContext, or set Policy.InsecureAllowUnverifiableHTTPClient"}
	}
	return nil
}

// dumpModes are the ClientLogMode bits that print headers (the session
// token), bodies (names, tags, event data) or the signing strings.
const dumpModes = aws.LogRequest | aws.LogRequestWithBody | aws.LogResponse | aws.LogResponseWithBody |
	aws.LogSigning | aws.LogRequestEventMessage | aws.LogResponseEventMessage

// scrubLogMode clears the dumping bits and reports whether any was set.
func scrubLogMode(m aws.ClientLogMode) (aws.ClientLogMode, bool) {
	return m &^ dumpModes, m&dumpModes != 0
}

// requestResponseLoggerID is smithy's HTTP dump middleware.
const requestResponseLoggerID = "RequestResponseLogger"

// silenceWireDumps swaps smithy's request/response logger for a silent one
// when a per-call ClientLogMode turned dumps back on.
func silenceWireDumps(stack *middleware.Stack) error {
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

// httpsOnly refuses, after endpoint resolution and signing and before the
// request is sent, any endpoint that is not https or that carries userinfo,
// and a call in another Region than the guard's checks. It marks the
// request's context so the guarded HTTP client can tell it passed.
type httpsOnly struct{ g *Guard }

func (httpsOnly) ID() string { return IDHTTPSOnly }

func (m httpsOnly) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	refuse := func(rule, reason string) (middleware.FinalizeOutput, middleware.Metadata, error) {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, &SafeguardError{Operation: middleware.GetOperationName(ctx), Rule: rule, Reason: reason}
	}
	req, ok := in.Request.(*smithyhttp.Request)
	switch {
	case !ok:
		return refuse(RuleHTTPSOnly, "unknown transport request type")
	case req.URL.Scheme != "https":
		return refuse(RuleHTTPSOnly, "the endpoint is not https; AWS asks for TLS 1.2 or later")
	case req.URL.User != nil:
		return refuse(RuleHTTPSOnly, "the endpoint URL carries credentials")
	}
	if r := awsmiddleware.GetRegion(ctx); r != "" && r != m.g.s.region {
		// Keys and buckets were checked in the guard's Region; a call
		// elsewhere would use resources nobody checked.
		return refuse(RuleRegionMismatch, "the call goes to "+r+" but the guard checks keys and buckets in "+m.g.s.region)
	}
	return next.HandleFinalize(context.WithValue(ctx, passedKey{}, m.g), in)
}

// passedKey marks a request's context as having passed a guard's Finalize
// middleware; its value is the *Guard.
type passedKey struct{}

// guardedClient is the HTTP client the guard installs. It refuses any
// request that did not pass the guard's middleware — for example when a
// per-call option replaced APIOptions instead of appending to them — so the
// safeguards cannot be dropped by accident.
type guardedClient struct {
	next aws.HTTPClient
	g    *Guard
}

func (c guardedClient) Do(r *http.Request) (*http.Response, error) {
	if r.Context().Value(passedKey{}) != c.g {
		return nil, &SafeguardError{Operation: middleware.GetOperationName(r.Context()), Rule: RuleBypassed,
			Reason: "the request did not pass the guard's middleware; append to APIOptions in per-call options, never replace them"}
	}
	return c.next.Do(r)
}

// tlsVersionCheck verifies the negotiated TLS version of every response: the
// transport floor is the real control, this catches a client swapped in per
// call or one the guard could not inspect.
type tlsVersionCheck struct{ min uint16 }

func (*tlsVersionCheck) ID() string { return IDTLSVersion }

func (m *tlsVersionCheck) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	out, md, err := next.HandleDeserialize(ctx, in)
	if handshakeBelowFloor(err) {
		// Returned as a SafeguardError, which the retryer does not retry.
		return out, md, &SafeguardError{Operation: middleware.GetOperationName(ctx), Rule: RuleTLSVersion,
			Reason: "the endpoint does not offer " + tls.VersionName(m.min) + " or later; the handshake failed before any request byte was sent", Err: err}
	}
	resp, ok := out.RawResponse.(*smithyhttp.Response)
	if !ok || resp == nil || resp.Response == nil {
		return out, md, err
	}
	if resp.TLS == nil || resp.TLS.Version < m.min {
		if resp.Body != nil {
			resp.Body.Close()
		}
		return middleware.DeserializeOutput{}, md, &SafeguardError{
			Operation: middleware.GetOperationName(ctx), Rule: RuleTLSVersion, Sent: true,
			Reason: "the connection negotiated " + tlsName(resp.TLS) + ", below the floor of " + tls.VersionName(m.min) + "; the response is refused"}
	}
	return out, md, err
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
