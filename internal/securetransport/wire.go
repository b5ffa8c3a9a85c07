package securetransport

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/aws/smithy-go/tracing"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/s3guard"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// MaxBody bounds what the gate reads. Personalize's largest input, a 20,000
// character schema, serializes to at most about 120 KiB.
const MaxBody = 1 << 20

// SendChecked sends req with body, the bytes the gate checked, not the
// stream read again: no one can change a string after its check. It does
// what smithy's ClientHandler does (span, host check, error wrapping the
// retryer reads), without the two deep copies of the request ClientHandler
// makes, one to swap the body in and one to build the *http.Request: the
// gate is the request's last user, so a shallow copy that carries the
// checked body is enough, and req itself is left as it was.
func SendChecked(ctx context.Context, send aws.HTTPClient, req *smithyhttp.Request, body string) (*smithyhttp.Response, error) {
	ctx, span := tracing.StartSpan(ctx, "DoHTTPRequest")
	defer span.End()
	hr := req.Request.WithContext(ctx)
	// Whatever body a hook left on the request, the checked one replaces it.
	hr.Body, hr.GetBody, hr.ContentLength = nil, nil, int64(len(body))
	if body != "" {
		cb := &CheckedBody{}
		cb.r.Reset(body)
		hr.Body = cb
	}
	if err := smithyhttp.ValidateEndpointHost(hr.Host); err != nil {
		return nil, err
	}
	resp, err := send.Do(hr)
	if resp == nil {
		// As ClientHandler: the deserializers expect a response.
		resp = &http.Response{Header: http.Header{}, Body: http.NoBody}
	}
	if err != nil {
		err = &smithyhttp.RequestSendError{Err: err}
		if ctx.Err() != nil {
			err = &smithy.CanceledError{Err: ctx.Err()}
		}
	}
	return &smithyhttp.Response{Response: resp}, err
}

// CheckedBody is the body the gate sends: the checked string, readable once,
// with no WriteTo (see ReadOnlyBody) and a Close that leaves it readable to
// its end, since net/http may still read after the response arrives.
type CheckedBody struct{ r strings.Reader }

func (b *CheckedBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (*CheckedBody) Close() error                 { return nil }

// Request returns the HTTP request a Deserialize middleware was given, once
// the transport rules hold for its URL (see CheckURL).
func Request(ctx context.Context, op string, in middleware.DeserializeInput, region string) (*smithyhttp.Request, error) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok || req == nil || req.Request == nil || req.URL == nil {
		return nil, &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleHTTPSOnly, Reason: "unknown transport request type"}
	}
	if err := CheckURL(ctx, op, req.URL, region); err != nil {
		return nil, err
	}
	return req, nil
}

// Body returns the serialized body of req, the one to check and send.
func Body(op string, req *smithyhttp.Request) (string, error) {
	if req.Request.Body != nil && req.Request.Body != http.NoBody {
		// The SDK keeps the body in the request's stream; one put on the
		// *http.Request beside it is a body nobody checked.
		return "", &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleBodyUnchecked, Reason: "the request carries a body outside its stream: something after the guard's checks put it there"}
	}
	body, err := ReadBody(req)
	if err != nil {
		return "", &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleBodyUnchecked, Reason: "the request body could not be read for checking", Err: err}
	}
	return body, nil
}

// CheckURL applies the transport rules to the URL about to be used: https,
// no credentials, the guard's Region.
func CheckURL(ctx context.Context, op string, u *url.URL, region string) error {
	switch {
	case u.Scheme != "https":
		return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleHTTPSOnly, Reason: "the endpoint is not https; AWS asks for TLS 1.2 or later"}
	case u.User != nil:
		return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleHTTPSOnly, Reason: "the endpoint URL carries credentials"}
	}
	if r := awsmiddleware.GetRegion(ctx); r != "" && r != region {
		// Keys and buckets were checked in the guard's Region; a call
		// elsewhere would use resources nobody checked.
		return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleRegionMismatch, Reason: "the call goes to another Region than the one the guard checks keys and buckets in"}
	}
	return nil
}

// ReadBody reads the serialized body from where the stream stands, which is
// what will be sent, and puts the stream back there.
func ReadBody(req *smithyhttp.Request) (string, error) {
	stream := req.GetStream()
	if stream == nil {
		return "", nil
	}
	seeker, ok := stream.(io.Seeker)
	if !ok || !req.IsStreamSeekable() {
		return "", errors.New("the request body is a stream that cannot be rewound")
	}
	at, err := seeker.Seek(0, io.SeekCurrent)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	n, known, _ := req.StreamLength()
	if wt, ok := stream.(io.WriterTo); ok && known && n >= 0 && n <= MaxBody {
		// The SDK's serializers give a *bytes.Reader: one copy, no buffer.
		b.Grow(int(n))
		if _, err := wt.WriteTo(&b); err != nil {
			return "", err
		}
	} else if _, err := io.Copy(&b, io.LimitReader(stream, MaxBody+1)); err != nil {
		return "", err
	}
	if b.Len() > MaxBody {
		return "", errors.New("the request body is larger than any Personalize input (MaxBody)")
	}
	_, err = seeker.Seek(at, io.SeekStart)
	return b.String(), err
}

// unscannedHeaders are the headers the SDK computes from what was checked
// (the signature, the hashed body, the date, the length) or that carry the
// caller's own credentials; every other header value leaves the process as
// the caller or a hook set it, and CloudTrail records some (the User-Agent).
var unscannedHeaders = map[string]bool{
	"Authorization": true, "X-Amz-Security-Token": true, "X-Amz-Date": true, "X-Amz-Content-Sha256": true,
	"Content-Length": true, "Amz-Sdk-Invocation-Id": true, "Amz-Sdk-Request": true,
}

// CheckRequestText scans what a caller or a hook can put in a request
// besides its body — the URL's path and query, decoded too, and the headers
// the SDK does not compute — and refuses the request when det finds an
// identifying value there. Header values found clean are remembered in
// clean.
func CheckRequestText(op string, req *smithyhttp.Request, det *sensitive.Detector, clean *CleanTexts) *guarderr.SafeguardError {
	part := firstIdentifyingPart(req, det, clean)
	if part == "" {
		return nil
	}
	return &guarderr.SafeguardError{Operation: op, Field: part, Rule: guarderr.RuleRequestChanged + ".sensitive",
		Reason: "an identifying value is in the request's " + part + ": something after the guard's checks (a hook or the configuration) put it there"}
}

func firstIdentifyingPart(req *smithyhttp.Request, det *sensitive.Detector, clean *CleanTexts) string {
	for _, part := range [...]string{req.URL.Path, req.URL.RawPath, req.URL.RawQuery} {
		if _, found := det.First(part); found {
			return "URL"
		}
		if decoded := s3guard.DecodeKey(part); decoded != part {
			if _, found := det.First(decoded); found {
				return "URL"
			}
		}
	}
	for k, vs := range req.Header {
		if unscannedHeaders[k] {
			continue
		}
		for _, v := range vs {
			if clean.Has(v) {
				continue
			}
			if _, found := det.First(v); found {
				return "header"
			}
			clean.Add(v)
		}
	}
	return ""
}

// CleanTexts remembers values the detector found clean. The same values
// come back on every call (the User-Agent, the content type, an event
// type, a property name), so each is scanned once per guard, not once per
// call. Lookups take no lock; the set is replaced, never changed. It is
// bounded: past maxCleanTexts values, or for a value longer than
// maxCleanText, the detector runs every time.
type CleanTexts struct {
	mu  sync.Mutex
	set atomic.Pointer[map[string]struct{}]
}

const (
	maxCleanTexts = 64
	maxCleanText  = 512
)

func (c *CleanTexts) Has(s string) bool {
	m := c.set.Load()
	if m == nil {
		return false
	}
	_, ok := (*m)[s]
	return ok
}

func (c *CleanTexts) Add(s string) {
	if len(s) > maxCleanText {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var old map[string]struct{}
	if p := c.set.Load(); p != nil {
		old = *p
	}
	if _, ok := old[s]; ok || len(old) >= maxCleanTexts {
		return
	}
	m := make(map[string]struct{}, len(old)+1)
	for k := range old {
		m[k] = struct{}{}
	}
	m[strings.Clone(s)] = struct{}{}
	c.set.Store(&m)
}

// RefusingClient is the HTTP client a guard installs on the client it
// secures. The wire gate sends every checked request itself, so any request
// that reaches this client did not pass the guard — a call whose APIOptions
// were replaced, or any call of a client the guard refused to secure — and
// is refused before a byte is sent, and audited.
type RefusingClient struct {
	Owner   any       // the guard that installed it, so a second guard is noticed
	Send    TLSClient // the hardened client the gate sends through, kept for an option applied twice
	Refused error     // the *ConfigError of a client the guard could not secure
	// Audit records a refusal the guard's audit middleware did not see,
	// and returns it.
	Audit func(context.Context, *guarderr.SafeguardError) error
}

func (c *RefusingClient) Do(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	op := middleware.GetOperationName(ctx)
	if c.Refused != nil {
		return nil, c.Audit(ctx, &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleClientRefused,
			Reason: "the guard refused to secure this client, so it sends nothing", Err: c.Refused})
	}
	return nil, c.Audit(ctx, &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleBypassed,
		Reason: "the request did not pass the guard's middleware; append to APIOptions in per-call options, never replace them"})
}
