package personalize

import (
	"context"
	"crypto/tls"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
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
		return hardenBuildable(awshttp.NewBuildableClient(), minTLS)
	case *awshttp.BuildableClient:
		return hardenBuildable(hc, minTLS)
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
			return nil, &ConfigError{Field: "aws.Config.HTTPClient", Reason: "its Transport is not an *http.Transport, so the TLS floor cannot be enforced; " +
				"use *awshttp.BuildableClient or set Policy.InsecureAllowUnverifiableHTTPClient"}
		}
		if err := raiseFloor(tr, minTLS); err != nil {
			return nil, err
		}
		out := *hc
		out.Transport = tr
		return &out, nil
	default:
		if allowUnverifiable {
			return c, nil
		}
		return nil, &ConfigError{Field: "aws.Config.HTTPClient", Reason: "is a custom client whose TLS settings cannot be enforced; " +
			"use *awshttp.BuildableClient or set Policy.InsecureAllowUnverifiableHTTPClient"}
	}
}

func hardenBuildable(bc *awshttp.BuildableClient, minTLS uint16) (aws.HTTPClient, error) {
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
	if err := checkTLSConfig(out.GetTransport().TLSClientConfig, minTLS); err != nil {
		return nil, err
	}
	return out, nil
}

func raiseFloor(tr *http.Transport, minTLS uint16) error {
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	} else {
		tr.TLSClientConfig = tr.TLSClientConfig.Clone()
	}
	if tr.TLSClientConfig.MinVersion < minTLS {
		tr.TLSClientConfig.MinVersion = minTLS
	}
	return checkTLSConfig(tr.TLSClientConfig, minTLS)
}

func checkTLSConfig(c *tls.Config, minTLS uint16) error {
	if c.MaxVersion != 0 && c.MaxVersion < minTLS {
		return &ConfigError{Field: "aws.Config.HTTPClient", Reason: "its TLS MaxVersion is below the guard's TLS floor"}
	}
	if c.InsecureSkipVerify {
		return &ConfigError{Field: "aws.Config.HTTPClient", Reason: "its TLS config skips certificate verification; trust a CA with RootCAs instead"}
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
// request is sent, any endpoint that is not https or that carries userinfo.
type httpsOnly struct{}

func (httpsOnly) ID() string { return IDHTTPSOnly }

func (httpsOnly) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, &SafeguardError{
			Operation: middleware.GetOperationName(ctx), Rule: RuleHTTPSOnly, Reason: "unknown transport request type"}
	}
	if req.URL.Scheme != "https" {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, &SafeguardError{
			Operation: middleware.GetOperationName(ctx), Rule: RuleHTTPSOnly, Reason: "the endpoint is not https; AWS asks for TLS 1.2 or later"}
	}
	if req.URL.User != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, &SafeguardError{
			Operation: middleware.GetOperationName(ctx), Rule: RuleHTTPSOnly, Reason: "the endpoint URL carries credentials"}
	}
	return next.HandleFinalize(ctx, in)
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
			Operation: middleware.GetOperationName(ctx), Rule: RuleTLSVersion,
			Reason: "the connection negotiated " + tlsName(resp.TLS) + ", below the floor of " + tls.VersionName(m.min)}
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
