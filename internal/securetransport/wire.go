package securetransport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/aws/smithy-go/tracing"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/jsontext"
	"github.com/personalizeguard/personalizeguard/s3guard"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// MaxBody bounds what the gate reads. Personalize's largest input, a 20,000
// character schema, serializes to at most about 120 KiB.
const MaxBody = 1 << 20

// nopTracer is the SDK's default tracer, which records nothing and hands
// back the context it was given: with it, SendChecked starts no span and
// sends the gate's own request as it is, without another copy to carry a
// span's context.
var nopTracer = tracing.NopTracerProvider{}.Tracer("")

// SendChecked sends sent, the request the gate checked, as [intake] built
// it: its body is the bytes the gate checked, not the stream read again, so
// no one can change a string after its check. It does what smithy's
// ClientHandler does (span and its properties, host check, error wrapping
// the retryer reads), without ClientHandler's two copies of the request:
// sent is already the gate's own. With no response, the output holds none,
// as ClientHandler's: the SDK's middleware reads a RawResponse without
// checking it for nil.
func SendChecked(ctx context.Context, send aws.HTTPClient, sent *http.Request) (middleware.DeserializeOutput, error) {
	return sendChecked(ctx, send, sent, new(smithyhttp.Response))
}

// sendChecked is SendChecked with raw, where the output's RawResponse is
// written: the gate's, in the allocation of its copy (see sentRequest).
// Its path is the one of every call (no span: the SDK's tracer records
// nothing; the SDK's empty Host; a response and no error), in a few lines
// of code; a span, a Host or a failed send is sendTraced's.
func sendChecked(ctx context.Context, send aws.HTTPClient, sent *http.Request, raw *smithyhttp.Response) (middleware.DeserializeOutput, error) {
	if tracer, _ := tracing.GetOperationTracer(ctx); tracer != nopTracer || sent.Host != "" {
		return sendTraced(ctx, send, sent, raw)
	}
	var resp *http.Response
	var err error
	if tc, ok := send.(TLSClient); ok {
		resp, err = tc.do(sent) // sent's body is the gate's own: nothing to hide
	} else {
		resp, err = send.Do(sent)
	}
	if resp == nil || err != nil {
		resp, err = sendFailed(ctx, resp, err)
	}
	raw.Response = resp
	return middleware.DeserializeOutput{RawResponse: raw}, err
}

// sendTraced is sendChecked for a request sent under a span, or with a
// Host to check: what smithy's ClientHandler does.
//
//go:noinline
func sendTraced(ctx context.Context, send aws.HTTPClient, sent *http.Request, raw *smithyhttp.Response) (middleware.DeserializeOutput, error) {
	hr := sent
	var span tracing.Span
	if tracer, _ := tracing.GetOperationTracer(ctx); tracer != nopTracer {
		ctx, span = tracing.StartSpan(ctx, "DoHTTPRequest")
		defer span.End()
		hr = sent.WithContext(ctx)
		span.SetProperty("http.method", hr.Method)
		span.SetProperty("http.request_content_length", hr.ContentLength)
	}
	// ValidateEndpointHost finds nothing wrong in an empty Host, the
	// SDK's: not called for it.
	if hr.Host != "" {
		if err := smithyhttp.ValidateEndpointHost(hr.Host); err != nil {
			return middleware.DeserializeOutput{}, err
		}
	}
	var resp *http.Response
	var err error
	if tc, ok := send.(TLSClient); ok {
		resp, err = tc.do(hr) // hr's body is the gate's own: nothing to hide
	} else {
		resp, err = send.Do(hr)
	}
	if resp == nil || err != nil {
		resp, err = sendFailed(ctx, resp, err)
	}
	if span != nil {
		span.SetProperty("net.protocol.version", strconv.Itoa(resp.ProtoMajor)+"."+strconv.Itoa(resp.ProtoMinor))
		span.SetProperty("http.status_code", resp.StatusCode)
		span.SetProperty("http.response_content_length", resp.ContentLength)
	}
	raw.Response = resp
	return middleware.DeserializeOutput{RawResponse: raw}, err
}

// sendFailed is what ClientHandler makes of a send with no response or an
// error: a response for the deserializers, which expect one, and the error
// the retryer reads.
//
//go:noinline
func sendFailed(ctx context.Context, resp *http.Response, err error) (*http.Response, error) {
	if resp == nil {
		resp = &http.Response{Header: http.Header{}, Body: http.NoBody}
	}
	if err != nil {
		err = &smithyhttp.RequestSendError{Err: err}
		if ctx.Err() != nil {
			err = &smithy.CanceledError{Err: ctx.Err()}
		}
	}
	return resp, err
}

// GateChecks is what a client's guard adds to the wire gate every guarded
// client shares (see [Gate]).
type GateChecks interface {
	// Ran refuses the call when one of the guard's middleware did not run
	// on it, or the gate is on a client the guard did not secure.
	Ran(ctx context.Context, op string) error
	// Violation returns err, or records it and returns nil in report-only
	// mode.
	Violation(ctx context.Context, err *guarderr.SafeguardError) error
	// CheckBody applies the client's field rules to the serialized body.
	CheckBody(ctx context.Context, op, body string) error
	// CheckSent refuses the call when the request line or the headers of
	// sent, the gate's own copy, the one that goes out, name another
	// operation than op: AWS runs the operation they name (see
	// [CheckRequestLine]). Refused in report-only mode too.
	CheckSent(ctx context.Context, op string, sent *http.Request) error
	// CheckSigner refuses the call when the access key ID that signed it
	// ("" when unsigned; see [signerKeyID]) is not the one the
	// guard's identity check looked at: a per-call Credentials option, or
	// a hook that signed again.
	CheckSigner(ctx context.Context, op, accessKeyID string) error
}

// Gate is the wire gate's last word on a request, the same for every
// guarded client: the transport rules on the URL, the guard's middleware
// having run, the gate's own copy of the request (see [intake]), the text
// of its request line and headers, the client's field rules on the body,
// and then the send, through send, the HTTP client the guard hardened. It
// never hands the request on: nothing runs between the check and the send.
func Gate(ctx context.Context, in middleware.DeserializeInput, c GateChecks, region string, send aws.HTTPClient,
	det *sensitive.Detector, clean *CleanTexts) (middleware.DeserializeOutput, middleware.Metadata, error) {
	return GateOp(ctx, middleware.GetOperationName(ctx), in, c, region, send, det, clean)
}

// GateOp is Gate for the operation op, which the guard read from the
// call's context before: at the gate, the context's stack values hold
// every value the SDK added on the way (a dozen), and the operation's name,
// added first, is found last.
func GateOp(ctx context.Context, op string, in middleware.DeserializeInput, c GateChecks, region string, send aws.HTTPClient,
	det *sensitive.Detector, clean *CleanTexts) (middleware.DeserializeOutput, middleware.Metadata, error) {
	refuse := func(err error) (middleware.DeserializeOutput, middleware.Metadata, error) {
		return middleware.DeserializeOutput{}, middleware.Metadata{}, err
	}
	// The call's Region, looked up once for both checks of the URL.
	callRegion := awsmiddleware.GetRegion(ctx)
	// request's steps, without its frame between.
	req := httpRequest(in)
	if req == nil {
		return refuse(unknownRequest(op))
	}
	if err := checkURL(op, req.URL, callRegion, region); err != nil {
		return refuse(err)
	}
	if err := c.Ran(ctx, op); err != nil {
		return refuse(err)
	}
	var headers headerList // on the stack: the copy's headers, listed as copied
	own, body, err := intake(ctx, op, req, callRegion, region, &headers)
	if err != nil {
		return refuse(err)
	}
	sent := &own.req
	if !canonicalNames(sent.Header, &headers) {
		// Refused in report-only mode too, as a second signer is: what
		// goes out would not be what was checked.
		return refuse(errNotCanonical(op))
	}
	// On the copy, which nothing else holds: what is checked is what goes
	// out, whatever still changes the request the gate was given.
	if err := c.CheckSent(ctx, op, sent); err != nil {
		return refuse(err)
	}
	auth := headers.authorization
	if !headers.complete {
		auth = unlistedAuthorization(sent.Header) // more headers than listed
	}
	// The SDK's one Authorization header, whose head is the last one found
	// in its shape (see CleanTexts.knownScope): its key ID and Region are
	// the memo's, and the text's check reads its signature alone. Read
	// once, for the three checks of the header.
	keyID := ""
	if len(auth) == 1 {
		headers.scope = clean.knownScope(auth[0])
	}
	if headers.scope != nil {
		keyID = headers.scope.keyID
	} else {
		keyID = signerKeyID(auth)
	}
	if err := c.CheckSigner(ctx, op, keyID); err != nil {
		return refuse(err)
	}
	// The request line's and the headers' text (the tests' checkRequestText).
	if part := firstIdentifyingPart(sent, &headers, det, clean); part != "" {
		if err := c.Violation(ctx, identifyingIn(op, part)); err != nil {
			return refuse(err)
		}
	}
	// After the text's check, which names an identifying value written
	// for the Region by what it is.
	if headers.scope != nil {
		if headers.scope.region != region {
			return refuse(errSignedElsewhere(op))
		}
	} else if err := checkSignedRegion(op, auth, region); err != nil {
		return refuse(err)
	}
	if err := c.CheckBody(ctx, op, body); err != nil {
		return refuse(err)
	}
	out, err := sendChecked(ctx, send, sent, &own.resp)
	return out, middleware.Metadata{}, err
}

// errNotCanonical is GateOp's refusal of a header name not in canonical
// form. Out of line, as unlistedAuthorization is: GateOp's every-call
// path does not carry their code.
//
//go:noinline
func errNotCanonical(op string) error {
	return &guarderr.SafeguardError{Operation: op, Field: "header", Rule: guarderr.RuleRequestChanged,
		Reason: "a header name is not in canonical form, which net/http sends beside the header the guard checks by that name (a second Authorization, Content-Length or Host): something after the guard's checks put it there"}
}

// unlistedAuthorization is h's Authorization values, for a copy with more
// headers than a headerList holds.
//
//go:noinline
func unlistedAuthorization(h http.Header) []string { return h.Values("Authorization") }

// CheckRequestLine refuses sent, the gate's copy of a request of op, unless
// its method is method and the path it goes out with is path: AWS runs the
// operation the method and path name (on the REST-JSON APIs; "POST /" on
// the JSON ones, which name it in X-Amz-Target), and the guard checked the
// body by op's rules. net/http writes the URL's Opaque in place of the
// path, and RawPath when it encodes Path: neither may say otherwise; it
// writes Host, when set, in place of the URL's host, which must then be
// that host. The error names the field ("method", "path" or "host"), never
// the value, which can carry an identifying one. Refused in report-only
// mode too: what would go out is not what was checked.
func CheckRequestLine(op string, sent *http.Request, method, path string) *guarderr.SafeguardError {
	if method == "" || path == "" {
		// Fail closed: an operation the guard's table has no line for.
		return &guarderr.SafeguardError{Operation: op, Field: "path", Rule: guarderr.RuleRequestChanged,
			Reason: "the guard's table has no method and path for this operation"}
	}
	if sent.Method != method {
		return &guarderr.SafeguardError{Operation: op, Field: "method", Rule: guarderr.RuleRequestChanged,
			Reason: "the request's HTTP method is not the operation's: something after the guard's checks set it"}
	}
	u := sent.URL
	if u.Path != path || u.RawPath != "" && u.RawPath != path || u.Opaque != "" {
		return &guarderr.SafeguardError{Operation: op, Field: "path", Rule: guarderr.RuleRequestChanged,
			Reason: "the request's path is not the operation's (AWS would run the operation the path names): something after the guard's checks set it, or the endpoint has a path"}
	}
	// net/http writes Host, when set, in place of the URL's host, which it
	// dials: a hook's Host names another endpoint (another service's) to
	// the one that answers. The SDK leaves it empty, but for an https
	// URL with :443, where its signer sets the host without the port
	// (SanitizeHostForHeader: the same endpoint). Compared in ASCII case
	// only: Unicode folding takes "ſ" for "s", and net/http writes that
	// Host as another (IDNA) name.
	if sent.Host != "" && !asciiEqualFold(sent.Host, u.Host) &&
		(u.Port() != "443" || !asciiEqualFold(sent.Host, u.Hostname())) {
		return &guarderr.SafeguardError{Operation: op, Field: "host", Rule: guarderr.RuleRequestChanged,
			Reason: "the request's Host header is not its URL's host: something after the guard's checks set it"}
	}
	return nil
}

// asciiEqualFold reports whether a and b are equal but for the case of
// ASCII letters, as DNS compares names.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// checkSignedRegion refuses a request whose signature's credential scope
// names another Region than region, the guard's, or that carries an
// Authorization value not in the SDK's SigV4 form; auth are the values of
// the gate's copy. AWS takes the Region from the signature: a hook can set
// the call's context back to the guard's Region after a per-call Region
// option resolved the endpoint and signed the request for another, where
// no key or bucket was checked. Refused in report-only mode too: what
// would go out is not what was checked.
func checkSignedRegion(op string, auth []string, region string) error {
	for _, a := range auth {
		if r, ok := SignedRegion(a); !ok || r != region {
			return errSignedElsewhere(op)
		}
	}
	return nil
}

// errSignedElsewhere is checkSignedRegion's refusal.
func errSignedElsewhere(op string) error {
	return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleRegionMismatch,
		Reason: "the request is signed for another Region than the one the guard checks keys and buckets in"}
}

// SignedRegion returns the Region of the credential scope of a SigV4
// Authorization header, as the SDK's signer writes it:
// "AWS4-HMAC-SHA256 Credential=<key ID>/<date>/<Region>/<service>/aws4_request, ...".
// ok is false for any other.
func SignedRegion(auth string) (region string, ok bool) {
	const prefix = "AWS4-HMAC-SHA256 Credential="
	if !strings.HasPrefix(auth, prefix) {
		return "", false
	}
	s := auth[len(prefix):]
	for range 2 { // past the key ID and the date
		i := strings.IndexByte(s, '/')
		if i < 0 {
			return "", false
		}
		s = s[i+1:]
	}
	if region, _, ok = strings.Cut(s, "/"); !ok {
		return "", false
	}
	return region, true
}

// Request returns the HTTP request a Deserialize middleware was given, once
// the transport rules hold for its URL (see checkURL).
func Request(ctx context.Context, op string, in middleware.DeserializeInput, region string) (*smithyhttp.Request, error) {
	return request(op, in, awsmiddleware.GetRegion(ctx), region)
}

// request is Request for a call whose Region, from its context, is
// callRegion.
func request(op string, in middleware.DeserializeInput, callRegion, region string) (*smithyhttp.Request, error) {
	req := httpRequest(in)
	if req == nil {
		return nil, unknownRequest(op)
	}
	if err := checkURL(op, req.URL, callRegion, region); err != nil {
		return nil, err
	}
	return req, nil
}

// httpRequest returns in's request when it is the SDK's HTTP request with
// a URL, and nil otherwise. Inlined: GateOp reads it on every call.
func httpRequest(in middleware.DeserializeInput) *smithyhttp.Request {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok || req == nil || req.Request == nil || req.URL == nil {
		return nil
	}
	return req
}

// unknownRequest is request's refusal of a request of another type.
//
//go:noinline
func unknownRequest(op string) error {
	return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleHTTPSOnly, Reason: "unknown transport request type"}
}

// intake reads the serialized body of req, the one to check and send, and
// returns the gate's own copy of the request (its req) with it. Reading
// the stream runs the stream's own code, which may still change req, so it
// comes first. The copy's header map and URL are the gate's own: nothing that
// still holds req (a tracer, a context's Value, another goroutine) can
// change them between the check and the send. Its body is a reader of the
// string returned, the one the gate checks; it carries no trailer and goes
// out with its length known; the transport rules hold for its URL, for a
// call whose Region, from its context, is callRegion. When headers is not
// nil, it lists there the headers of the copy as it makes them, for the
// gate's checks to read without iterating the map again.
func intake(ctx context.Context, op string, req *smithyhttp.Request, callRegion, region string, headers *headerList) (*sentRequest, string, error) {
	if req.Request.Body != nil && req.Request.Body != http.NoBody {
		// The SDK keeps the body in the request's stream; one put on the
		// *http.Request beside it is a body nobody checked.
		return nil, "", errBodyOutside(op)
	}
	// The copy's allocation first, for the array the body is read into
	// (see sentRequest.bodyBuf); the request itself is copied once the
	// stream is read.
	own := new(sentRequest)
	body, err := readBody(req, own.bodyBuf[:])
	if err != nil {
		return nil, "", errBodyUnread(op, err)
	}
	if len(req.Request.Trailer) > 0 {
		return nil, "", errTrailers(op)
	}
	// One copy, which carries the call's context, as ClientHandler's would,
	// in one allocation with its URL and its body reader: WithContext is
	// inlined, and its own copy stays on the stack.
	own.req, own.url = *req.Request.WithContext(ctx), *req.URL
	sent := &own.req
	sent.URL = &own.url
	sent.Header = copyHeader(req.Header, headers, own.values[:])
	sent.Trailer, sent.TransferEncoding = nil, nil
	sent.Body, sent.GetBody, sent.ContentLength = nil, nil, int64(len(body))
	if body != "" {
		// The checked string behind io.NopCloser: net/http knows a
		// *strings.Reader to be in memory and writes the request line,
		// the headers and the body in one write (one TLS record), where it
		// flushes the headers of a body it cannot see into (the SDK's own)
		// on their own first. No one can change a string, and Close does
		// nothing, so the body stays readable to its end for net/http's
		// look past Content-Length (see WithoutWriteTo).
		own.body.Reset(body)
		sent.Body = io.NopCloser(&own.body)
	}
	if err := checkURL(op, sent.URL, callRegion, region); err != nil {
		return nil, "", err
	}
	return own, body, nil
}

// errBodyOutside, errBodyUnread and errTrailers are intake's refusals,
// out of line: their code is not among the lines every call's intake
// runs through.
//
//go:noinline
func errBodyOutside(op string) error {
	return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleBodyUnchecked, Reason: "the request carries a body outside its stream: something after the guard's checks put it there"}
}

//go:noinline
func errBodyUnread(op string, err error) error {
	return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleBodyUnchecked, Reason: "the request body could not be read for checking", Err: err}
}

//go:noinline
func errTrailers(op string) error {
	return &guarderr.SafeguardError{Operation: op, Field: "trailer", Rule: guarderr.RuleRequestChanged,
		Reason: "the request carries trailers, which the guard does not check: something after the guard's checks put them there"}
}

// sentRequest is the gate's copy of a request with the parts it does not
// share with the SDK's: its URL, its body reader and, for the headers the
// SDK writes, the array that holds the header map's values; and the
// response its send gives the SDK's deserializers, which hold the request
// anyway (net/http's Response.Request): one allocation for the call.
type sentRequest struct {
	req    http.Request
	url    url.URL
	body   strings.Reader
	resp   smithyhttp.Response
	values [maxListedHeaders]string
	// bodyBuf holds the body's bytes when they fit: the request's own
	// allocation, where a Builder's would be one more (its malloc, its
	// growth and WriteTo's code on every call's path).
	bodyBuf [inlineBody]byte
}

// inlineBody bounds the body a sentRequest holds in its own array: a
// control-plane call's body is a few hundred bytes (a dataset group's
// name, key, role and tags; a job's S3 locations and role); a schema or
// a longer one is read into an allocation of its own.
const inlineBody = 512

// maxListedHeaders bounds a headerList: the SDK writes six to nine headers
// on a data-plane call; a request with more is checked from its map.
const maxListedHeaders = 16

// headerList lists the headers of the gate's copy as copyHeader made them:
// the names and the copy's own value slices, the very ones in its map.
type headerList struct {
	complete      bool // every header of the copy is listed
	canonical     bool // every name listed is in canonical form (see canonicalNames)
	n             int
	fields        [maxListedHeaders]headerField
	authorization []string // the copy's Authorization values
	// scope, when set, is the memo's for the one Authorization value: the
	// value is its head and a signature (see CleanTexts.knownScope).
	scope *signedScope
}

type headerField struct {
	name   string
	kind   headerKind // what the gate knows of the name (see headerKindOf)
	values []string
}

// copyHeader returns a copy of h, as h.Clone does: every value in one
// backing array (values, when they fit in it), a nil value kept nil. It
// reads h once, and lists the copy's headers in list as it makes them (unless
// list is nil, or h has more headers than it holds), for the checks that
// read the list after rather than iterating the map again. Each name is
// classified then (headerKindOf), and its canonical form checked.
func copyHeader(h http.Header, list *headerList, values []string) http.Header {
	if list == nil || h == nil || len(h) > len(list.fields) {
		return h.Clone()
	}
	out := make(http.Header, len(h))
	canonical := true
	n := 0 // list.n, kept in a register
	for k, vs := range h {
		var own []string
		switch {
		case vs == nil: // nil stays nil
		case len(vs) <= len(values):
			// The SDK's headers: one value each, copied without copy's call.
			if len(vs) == 1 {
				values[0] = vs[0]
			} else {
				copy(values, vs)
			}
			own, values = values[:len(vs):len(vs)], values[len(vs):]
		default: // past the array: a slice of its own
			own = slices.Clone(vs)
		}
		if vs != nil && own == nil {
			own = []string{} // an empty slice gets an empty one of its own, as with Clone
		}
		out[k] = own
		// A known name is its canonical spelling: the switch matched it
		// byte for byte.
		kind := headerKindOf(k)
		if kind == hdrOther && !canonicalName(k) {
			canonical = false
		}
		if kind == hdrAuthorization {
			list.authorization = own
		}
		// Field by field: a composite literal is built on the stack and
		// then copied, 48 bytes per header.
		f := &list.fields[n]
		f.name, f.kind, f.values = k, kind, own
		n++
	}
	list.n, list.complete, list.canonical = n, true, canonical
	return out
}

// canonicalNames reports whether every header name of h (listed in list,
// when complete) is in canonical form. net/http writes the map's names as
// they are, and leaves out only the canonical Host, Content-Length,
// Transfer-Encoding and Trailer: a hook's "authorization", "x-amz-date" or
// "content-length" would go out beside the one the gate held to its shape
// or wrote itself, and the signer check would read one signature of two.
// The SDK writes canonical names only.
func canonicalNames(h http.Header, list *headerList) bool {
	if list.complete {
		return list.canonical // checked as copyHeader listed them
	}
	for k := range h {
		if !canonicalName(k) {
			return false
		}
	}
	return true
}

// canonicalName reports whether http.CanonicalHeaderKey(name) == name,
// without its call per name: a name of letters, digits and '-' is
// canonical when each letter is upper case at the start and after a '-',
// lower case elsewhere. A name with any other byte is left to net/http's
// own rules, wherever that byte is: net/http leaves a name with a byte
// that is not a token's as it is, whatever its case.
func canonicalName(name string) bool {
	upper, cased := true, true
	for i := range len(name) {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z':
			cased = cased && !upper
		case 'A' <= c && c <= 'Z':
			cased = cased && upper
		case '0' <= c && c <= '9', c == '-':
		default:
			return http.CanonicalHeaderKey(name) == name
		}
		upper = c == '-'
	}
	return cased
}

// checkURL applies the transport rules to the URL about to be used: https,
// no credentials, the guard's Region, for a call whose Region, from its
// context, is callRegion.
func checkURL(op string, u *url.URL, callRegion, region string) error {
	switch {
	case u.Scheme != "https":
		return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleHTTPSOnly, Reason: "the endpoint is not https; AWS asks for TLS 1.2 or later"}
	case u.User != nil:
		return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleHTTPSOnly, Reason: "the endpoint URL carries credentials"}
	case u.RawQuery != "" && signedQuery(u.RawQuery):
		return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleHTTPSOnly,
			Reason: "the URL carries a SigV4 credential, signature or session token, which the SDK writes in headers: something after the guard's checks put it there"}
	}
	if callRegion != "" && callRegion != region {
		// Keys and buckets were checked in the guard's Region; a call
		// elsewhere would use resources nobody checked.
		return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleRegionMismatch, Reason: "the call goes to another Region than the one the guard checks keys and buckets in"}
	}
	return nil
}

// signedQuery reports whether a URL's query names SigV4's credential,
// signature or session token, in any case: "never put credentials into
// URLs", and a signature there is one the gate's Region check (which reads
// Authorization) would not see. The SDK signs these clients' requests in
// headers; a query that does not parse is taken for one that does.
func signedQuery(raw string) bool {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return true
	}
	for name := range q {
		switch strings.ToLower(name) {
		case "x-amz-credential", "x-amz-signature", "x-amz-security-token":
			return true
		}
	}
	return false
}

// ReadBody reads the serialized body from where the stream stands, which is
// what will be sent, and leaves the stream there.
func ReadBody(req *smithyhttp.Request) (string, error) {
	return readBody(req, nil)
}

// readBody is ReadBody, reading the SDK's *bytes.Reader into buf (the
// gate's own, in its copy's allocation) when the body fits, with the
// reader's own ReadAt (see readBytesAt), without the look up of io.Seeker
// in its type and the calls through that interface. Any other stream, one
// not seekable or past MaxBody, is readBodySlow's.
func readBody(req *smithyhttp.Request, buf []byte) (string, error) {
	stream := req.GetStream()
	if br, ok := stream.(*bytes.Reader); ok && br.Len() <= MaxBody && req.IsStreamSeekable() {
		return readBytesAt(br, buf), nil
	}
	return readBodySlow(req, stream)
}

// readBytesAt returns the rest of r, read with ReadAt from where r stands:
// r itself does not move, so no Seek puts it back, and a hook that sends
// the request twice at once races on no state of the stream. The body is
// read into buf, the gate's copy's own array, when it fits (see
// sentRequest.bodyBuf), else into an allocation of its own; nothing writes
// either after, so a string over it is as much the gate's own as a
// Builder's. The length read is fixed before the read: a body that grew
// past MaxBody since r.Len's test is not read past it.
func readBytesAt(r *bytes.Reader, buf []byte) string {
	n := r.Len()
	if n == 0 {
		return ""
	}
	if n > len(buf) {
		buf = make([]byte, n)
	}
	n, _ = r.ReadAt(buf[:n], r.Size()-int64(n)) // fewer only if r changed since Len
	if n == 0 {
		return ""
	}
	return unsafe.String(&buf[0], n)
}

// readBodySlow is ReadBody for a stream readBody does not read itself.
//
//go:noinline
func readBodySlow(req *smithyhttp.Request, stream io.Reader) (string, error) {
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
	var body string
	if br, ok := stream.(*bytes.Reader); ok && br.Len() <= MaxBody {
		// What the SDK's serializers give.
		body = readBytesReader(br)
	} else if body, err = readAll(req, stream); err != nil {
		return "", err
	}
	if len(body) > MaxBody {
		return "", errors.New("the request body is larger than any Personalize input (MaxBody)")
	}
	_, err = seeker.Seek(at, io.SeekStart)
	return body, err
}

// readBytesReader reads the rest of r with one allocation and one copy:
// a strings.Builder grown to the body's length, whose string is its own
// buffer, which nothing else holds (no unsafe conversion here).
func readBytesReader(r *bytes.Reader) string {
	var b strings.Builder
	return readBytesInto(r, &b)
}

// readBytesInto is readBytesReader into b, a Builder not written yet.
func readBytesInto(r *bytes.Reader, b *strings.Builder) string {
	if r.Len() == 0 {
		return ""
	}
	b.Grow(r.Len())
	_, _ = r.WriteTo(b) // a Builder's Write does not fail
	return b.String()
}

// readAll reads any other stream of req, up to one byte past MaxBody: in
// one copy when the stream writes itself out and its length is known. The
// length is the stream's own word, so what it writes is bounded all the
// same. Otherwise through a buffer of the body's size (at most 4 KiB), not
// io.Copy's 32 KiB: a body a wrapper hides the WriteTo of costs the gate
// about what the SDK's own does.
func readAll(req *smithyhttp.Request, r io.Reader) (string, error) {
	var b strings.Builder
	n, known, _ := req.StreamLength()
	known = known && n >= 0 && n <= MaxBody
	if wt, ok := r.(io.WriterTo); ok && known {
		b.Grow(int(n))
		_, err := wt.WriteTo(&boundedWriter{b: &b, left: MaxBody + 1})
		if errors.Is(err, errPastMaxBody) {
			err = nil // ReadBody refuses the body by its length
		}
		return b.String(), err
	}
	size := 4 << 10
	if known {
		b.Grow(int(n))
		size = min(size, int(n)+1) // one byte more, to read the end
	}
	chunk := make([]byte, size)
	for b.Len() <= MaxBody {
		k, err := r.Read(chunk[:min(size, MaxBody+1-b.Len())])
		b.Write(chunk[:k])
		switch {
		case err == io.EOF:
			return b.String(), nil
		case err != nil:
			return b.String(), err
		}
	}
	return b.String(), nil // past MaxBody: ReadBody refuses it by its length
}

var errPastMaxBody = errors.New("past MaxBody")

// boundedWriter keeps the first left bytes written to it, then refuses.
type boundedWriter struct {
	b    *strings.Builder
	left int
}

func (w *boundedWriter) Write(p []byte) (int, error) {
	if len(p) <= w.left {
		w.left -= len(p)
		return w.b.Write(p)
	}
	n, _ := w.b.Write(p[:w.left])
	w.left = 0
	return n, errPastMaxBody
}

// headerKind is what the gate knows of a header by its name: a name the
// SDK writes, a computed header held to its shape, a tracing header whose
// IDs are set aside, or any other. It is found once per header, by one
// switch (headerKindOf), and read by every check after.
type headerKind uint8

const (
	hdrOther headerKind = iota // any other name: the name is scanned, then its values
	// Names the SDK writes whose values are scanned as they are. The
	// detector finds nothing in the names: they skip the memo's lookup.
	hdrContentType
	hdrUserAgent
	hdrAmzUserAgent
	hdrAmzTarget
	hdrSecurityToken // the session token: scanned, the last clean one remembered
	// Headers the SDK computes from what was checked (the signature, the
	// date, the hashed body, the invocation and retry counters), held to
	// the shapes the SDK gives them (see kindShape). The detector would
	// take the access key in the signature for a finding; a hook that
	// writes anything else there is refused. A Content-Length in the
	// header map is never sent (net/http writes the body's own length):
	// computed, with no shape to check.
	hdrAuthorization
	hdrAmzDate
	hdrContentSha256
	hdrInvocationID
	hdrSDKRequest
	hdrContentLength
	// Tracing headers (see untracedBy).
	hdrAmznTraceID
	hdrTraceparent
	hdrB3TraceID
	hdrB3SpanID
	hdrB3
	hdrTracestate
	hdrDatadogID
	hdrDatadogTags
	numHeaderKinds
)

// headerKindOf classifies a header by its name, as written: a name the
// switch matches is in canonical form.
//
// A switch, not a map: it runs for every header of every call.
func headerKindOf(name string) headerKind {
	switch name {
	case "Content-Type":
		return hdrContentType
	case "User-Agent":
		return hdrUserAgent
	case "X-Amz-User-Agent":
		return hdrAmzUserAgent
	case "X-Amz-Target":
		return hdrAmzTarget
	case "X-Amz-Security-Token":
		return hdrSecurityToken
	case "Authorization":
		return hdrAuthorization
	case "X-Amz-Date":
		return hdrAmzDate
	case "X-Amz-Content-Sha256":
		return hdrContentSha256
	case "Amz-Sdk-Invocation-Id":
		return hdrInvocationID
	case "Amz-Sdk-Request":
		return hdrSDKRequest
	case "Content-Length":
		return hdrContentLength
	case traceHeader:
		return hdrAmznTraceID
	case "Traceparent":
		return hdrTraceparent
	case "X-B3-Traceid":
		return hdrB3TraceID
	case "X-B3-Spanid", "X-B3-Parentspanid":
		return hdrB3SpanID
	case "B3":
		return hdrB3
	case "Tracestate":
		return hdrTracestate
	case "X-Datadog-Trace-Id", "X-Datadog-Parent-Id":
		return hdrDatadogID
	case "X-Datadog-Tags":
		return hdrDatadogTags
	}
	return hdrOther
}

// computed reports whether k is a header the SDK computes (see
// hdrAuthorization).
func (k headerKind) computed() bool { return hdrAuthorization <= k && k <= hdrContentLength }

// sdkScanned reports whether k is a name the SDK writes whose values are
// scanned as they are, the last clean one remembered per name (see
// CleanTexts.cleanAt).
func (k headerKind) sdkScanned() bool { return hdrContentType <= k && k <= hdrAmzTarget }

// kindShape is the shape of each computed header's value; Content-Length
// has none.
var kindShape = [numHeaderKinds]func(string) bool{
	hdrAuthorization: sigV4Authorization,
	hdrAmzDate:       amzDate,
	hdrContentSha256: payloadHash,
	hdrInvocationID:  uuidShape,
	hdrSDKRequest:    retryMetrics,
}

// sigV4 is a SigV4 Authorization header cut into its parts:
// AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/<service>/<term>,
// SignedHeaders=<names>, Signature=<sig>.
type sigV4 struct{ id, date, region, service, term, names, sig string }

// cutSigV4 cuts v into its parts, without judging them; ok is false when v
// does not have the header's three labels.
func cutSigV4(v string) (p sigV4, ok bool) {
	rest, ok := strings.CutPrefix(v, "AWS4-HMAC-SHA256 Credential=")
	if !ok {
		return p, false
	}
	cred, rest, ok := strings.Cut(rest, ", SignedHeaders=")
	if !ok {
		return p, false
	}
	if p.names, p.sig, ok = strings.Cut(rest, ", Signature="); !ok {
		return p, false
	}
	// <key id>/<yyyymmdd>/<region>/<service>/aws4_request, cut in place.
	p.id, cred, _ = strings.Cut(cred, "/")
	p.date, cred, _ = strings.Cut(cred, "/")
	p.region, cred, _ = strings.Cut(cred, "/")
	p.service, p.term, _ = strings.Cut(cred, "/")
	return p, true
}

// wellShaped reports whether p has the shapes the SDK's SigV4 signer gives
// its parts: a 64-hex signature, lower-case signed header names, an
// alphanumeric key ID, an eight-digit date, a Region and service of
// lower-case labels, and aws4_request.
func (p sigV4) wellShaped() bool {
	return len(p.sig) == 64 && allOf(p.sig, classLowerHex) && p.names != "" && allOf(p.names, classSignedNames) &&
		len(p.id) <= 128 && p.id != "" && allOf(p.id, classAlnum) &&
		len(p.date) == 8 && allOf(p.date, classDigit) &&
		p.region != "" && len(p.region) <= 64 && allOf(p.region, classLowerLabel) &&
		p.service != "" && len(p.service) <= 64 && allOf(p.service, classLowerLabel) &&
		p.term == "aws4_request"
}

// clean reports whether det finds nothing in what p says besides its
// signature: nothing but an access key ID, whole, in its key ID (a hook can
// write anything there, and without the guard's identity check, an
// Insecure… option, nothing else compares it with the signer's), and
// nothing in its date, Region, service, term and signed header names, where
// the shapes let digits through. Each is read apart: joined by their
// slashes, a grouped number after the date's digits or a Region's last
// digit reads as part of one longer number ("20261129/4111-1111-1111-1111"),
// which the detector leaves alone.
func (p sigV4) clean(det *sensitive.Detector) bool {
	if f, found := det.First(p.id); found && (f.Kind != sensitive.AWSAccessKey || f.Start != 0 || f.End != len(p.id)) {
		return false
	}
	for _, part := range [...]string{p.date, p.region, p.service, p.term, p.names} {
		if _, found := det.First(part); found {
			return false
		}
	}
	return true
}

// sigV4Authorization reports whether v is the Authorization header of the
// SDK's SigV4 signer, in the shapes it gives each part (see wellShaped).
func sigV4Authorization(v string) bool {
	p, ok := cutSigV4(v)
	return ok && p.wellShaped()
}

// signerKeyID returns the access key ID of the credential scope of a
// request's one SigV4 Authorization header, whose values are vs, or "" when
// there is none, or more than one.
func signerKeyID(vs []string) string {
	if len(vs) != 1 {
		return ""
	}
	rest, ok := strings.CutPrefix(vs[0], "AWS4-HMAC-SHA256 Credential=")
	if !ok {
		return ""
	}
	id, _, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	return id
}

// amzDate is the signer's time, 20060102T150405Z.
func amzDate(v string) bool {
	if len(v) != 16 {
		return false
	}
	// The date's eight digits, then 'T', six digits and 'Z': one word each.
	const tz = 0x80 | 0x80<<56 // the bytes of 'T' and 'Z' in the second word
	x, y := load8(v, 0), load8(v, 8)
	return inRange(x, '0', '9') == hi8 && inRange(y, '0', '9')|tz == hi8 &&
		equalBytes(y, 'T')&tz == 0x80 && equalBytes(y, 'Z')&tz == 0x80<<56
}

// payloadHash is a body's SHA-256 in hex, or one of the signer's markers.
func payloadHash(v string) bool {
	if len(v) == 64 && allOf(v, classLowerHex) || v == "UNSIGNED-PAYLOAD" {
		return true
	}
	marker, ok := strings.CutPrefix(v, "STREAMING-")
	return ok && marker != "" && len(marker) <= 64 && allOf(marker, classMarker)
}

// uuidShape is the SDK's invocation ID, a UUID, read as five words at 0,
// 8, 16, 24 and 28 (the last two overlap): the dashes at 8, 13, 18 and 23
// are the first and sixth byte of the second word and the third and
// eighth of the third; every other byte is a hex digit.
func uuidShape(v string) bool {
	if len(v) != 36 {
		return false
	}
	const dashes1, dashes2 = 0x80 | 0x80<<40, 0x80<<16 | 0x80<<56
	return hexBits(load8(v, 0)) == hi8 &&
		hexBits(load8(v, 8))|dashes1 == hi8 && equalBytes(load8(v, 8), '-')&dashes1 == dashes1 &&
		hexBits(load8(v, 16))|dashes2 == hi8 && equalBytes(load8(v, 16), '-')&dashes2 == dashes2 &&
		hexBits(load8(v, 24)) == hi8 && hexBits(load8(v, 28)) == hi8
}

// retryMetrics is the retryer's "attempt=1; max=3" with, at times, a
// "; ttl=20060102T150405Z": "; "-separated parts, each attempt or max of
// 1-6 digits or ttl an X-Amz-Date. Read in one pass, without cutting the
// value at each separator: a valid value holds no ';', so it ends where
// its digits (or its date) end, and a "; " or the end of v must follow.
func retryMetrics(v string) bool {
	for {
		ok := false
		switch {
		case strings.HasPrefix(v, "attempt="):
			v, ok = retryCount(v[len("attempt="):])
		case strings.HasPrefix(v, "max="):
			v, ok = retryCount(v[len("max="):])
		case strings.HasPrefix(v, "ttl="):
			const n = len("ttl=") + len("20060102T150405Z")
			if ok = len(v) >= n && amzDate(v[len("ttl="):n]); ok {
				v = v[n:]
			}
		}
		if !ok {
			return false
		}
		if v == "" {
			return true
		}
		if v, ok = strings.CutPrefix(v, "; "); !ok {
			return false
		}
	}
}

// retryCount reads the 1-6 digits of an attempt or max count at the start
// of v and returns what follows them.
func retryCount(v string) (rest string, ok bool) {
	n := 0
	for n < len(v) && n <= 6 && '0' <= v[n] && v[n] <= '9' {
		n++
	}
	return v[n:], n > 0 && n <= 6
}

// Byte classes of the computed headers' shapes, one bit each, looked up in
// byteClass: a table read per byte costs less than a predicate call per
// byte, and these headers are read on every call.
const (
	classDigit       = 1 << iota // 0-9
	classLowerHex                // 0-9 a-f
	classHex                     // 0-9 a-f A-F
	classAlnum                   // 0-9 a-z A-Z
	classLowerLabel              // 0-9 a-z -
	classSignedNames             // a lower-case header name or ';': a SigV4 SignedHeaders list
	classMarker                  // A-Z 0-9 -: a STREAMING- payload marker
)

var byteClass = func() (t [256]uint8) {
	for i := range t {
		c := byte(i)
		digit := '0' <= c && c <= '9'
		lower, upper := 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z'
		set := func(class uint8, ok bool) {
			if ok {
				t[i] |= class
			}
		}
		set(classDigit, digit)
		set(classLowerHex, digit || 'a' <= c && c <= 'f')
		set(classHex, digit || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F')
		set(classAlnum, digit || lower || upper)
		set(classLowerLabel, digit || lower || c == '-')
		set(classSignedNames, c == ';' || !upper && (digit || lower || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0))
		set(classMarker, upper || digit || c == '-')
	}
	return t
}()

// lowerHex is allOf(s, classLowerHex), eight bytes at a time: the
// signature of every call's Authorization header is 64 of them.
func lowerHex(s string) bool {
	if len(s) == sigLen {
		return signatureHex(s)
	}
	// The words' marks are and-ed, their bytes or-ed, and both read once
	// at the end: a signature in its shape, which is every call's, reads
	// to its end all the same. Without inRange's masks: a byte of 0x80 or
	// more, which can carry into the next byte's mark, fails the string
	// through high; without one, no byte carries.
	all, high := uint64(hi8), uint64(0)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load8(s, i)
		all &= hexWord(x)
		high |= x
	}
	return all&hi8 == hi8 && high&hi8 == 0 && allOf(s[i:], classLowerHex)
}

// signatureHex is lowerHex for the 64 bytes of a signature: its eight
// words read without a loop, with one bounds check.
func signatureHex(s string) bool {
	s = s[:sigLen]
	x0, x1, x2, x3 := load8(s, 0), load8(s, 8), load8(s, 16), load8(s, 24)
	x4, x5, x6, x7 := load8(s, 32), load8(s, 40), load8(s, 48), load8(s, 56)
	all := hexWord(x0) & hexWord(x1) & hexWord(x2) & hexWord(x3) & hexWord(x4) & hexWord(x5) & hexWord(x6) & hexWord(x7)
	high := x0 | x1 | x2 | x3 | x4 | x5 | x6 | x7
	return all&hi8 == hi8 && high&hi8 == 0
}

// hexWord marks the bytes of x that are lower-case hex digits, as
// lowerHex's loop does: exact for the bytes below 0x80, which then carry
// into no other byte's mark (lowerHex and signatureHex fail a word with
// any other byte).
func hexWord(x uint64) uint64 {
	digit := (x + lo8*(0x80-'0')) & (lo8*(0x80+'9') - x)
	letter := (x + lo8*(0x80-'a')) & (lo8*(0x80+'f') - x)
	return digit | letter
}

// The computed headers' shapes are read a word of eight bytes at a time
// where they are long enough: each function below sets bit 7 of each byte
// of the word that it accepts, and clears every other bit. The sums and
// differences work on each byte's low seven bits, where they never carry
// into the next byte; a byte of 0x80 or more is never accepted.
const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// load8 reads eight bytes of s from i, little-endian; the compiler merges
// the loads into one.
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// inRange marks the bytes of x from lo to hi (both below 0x80).
func inRange(x uint64, lo, hi byte) uint64 {
	v := x &^ hi8
	return (v + lo8*uint64(0x80-lo)) & (lo8*uint64(0x80+hi) - v) &^ x & hi8
}

// equalBytes marks the bytes of x equal to c (below 0x80).
func equalBytes(x uint64, c byte) uint64 {
	v := x &^ hi8
	return ^((v ^ lo8*uint64(c)) + lo8*0x7f) &^ x & hi8
}

// hexBits marks the bytes of x that are hex digits, in either case: a
// letter's case bit set, 'A'-'F' reads as 'a'-'f' and no other byte does.
// Two ranges, not three, so that it is inlined in uuidShape.
func hexBits(x uint64) uint64 {
	return inRange(x, '0', '9') | inRange(x|lo8*0x20, 'a', 'f')
}

// allOf reports whether every byte of s is in class.
func allOf(s string, class uint8) bool {
	for i := range len(s) {
		if byteClass[s[i]]&class == 0 {
			return false
		}
	}
	return true
}

// traceHeader is X-Ray's trace header, which the SDK copies from the
// environment onto every call made in AWS Lambda (RecursionDetection), and
// X-Ray's SDK onto every call it instruments.
const traceHeader = "X-Amzn-Trace-Id"

// untracedBy gives, for a tracing header that instrumentation puts on every
// call, whose IDs are random hex, the function that gives the part of a
// value left to scan once its IDs in their shapes are set aside ("" for
// the values the tracers write); nil for any other header.
// OpenTelemetry's AWS SDK instrumentation (otelaws) injects a W3C
// traceparent, whose 16-hex span ID is all decimal digits about once in
// 2,000 calls and then reads as a card number as often as such a number
// passes Luhn and an issuer range (23 of 1,000,000 random headers).
var untracedBy = [numHeaderKinds]func(string) string{
	hdrAmznTraceID: untracedFields,
	hdrTraceparent: untracedParent,
	hdrB3TraceID:   untracedB3TraceID,
	hdrB3SpanID:    untracedB3SpanID,
	hdrB3:          untracedB3,
	hdrTracestate:  untracedState,
	hdrDatadogID:   untracedDatadogID,
	hdrDatadogTags: untracedDatadogTags,
}

// W3C tracestate and Datadog's headers, which OpenTelemetry's propagators
// (otelaws with Datadog's, say) put beside a traceparent. Their random IDs
// read as card numbers as often as a traceparent's span ID (8 to 49 in a
// million random IDs), so they are set aside in their shapes; everything
// else in these headers, and the baggage header whole, is scanned: it
// carries what an application wrote.

// untracedState returns what is left of the tracestate v once the tracers'
// IDs are set aside: in the members of the tracers that write random IDs
// there, the fields of tracestateID in their shapes (the p of
// "dd=s:1;p:00f067aa0ba902b7"). Every other member is left whole, whatever
// its value looks like: an application can add its own members, and a
// value of its that happens to have an ID's shape is still its data. The
// members' keys and the fields' names stay, in order. Each ID is set aside
// once: a tracer writes its member once and each field of it once, so a
// field or a member repeated is scanned.
func untracedState(v string) string {
	var rest strings.Builder
	var setAside uint8 // the tracestateID bits of the IDs set aside already
	for member := range strings.SplitSeq(v, ",") {
		member = strings.Trim(member, " \t")
		key, value, ok := strings.Cut(member, "=")
		if !ok || key != "dd" && key != "ot" {
			appendPart(&rest, ',', member)
			continue
		}
		var kept strings.Builder
		for field := range strings.SplitSeq(value, ";") {
			name, id, _ := strings.Cut(field, ":")
			if n, bit := tracestateID(key, name); n > 0 && setAside&bit == 0 && len(id) == n && allOf(id, classLowerHex) {
				setAside |= bit
				field = field[:len(name)+1] // "p:", the ID set aside
			}
			appendPart(&kept, ';', field)
		}
		appendPart(&rest, ',', key+"="+kept.String())
	}
	return rest.String()
}

// tracestateID returns the length in lower-case hex digits of the random ID
// that the tracer whose tracestate member is member writes in its field
// name, or 0, and a bit of its own: Datadog's parent span ID and the upper
// half of its 128-bit trace ID, and OpenTelemetry's explicit randomness.
func tracestateID(member, name string) (n int, bit uint8) {
	switch {
	case member == "dd" && name == "p":
		return 16, 1
	case member == "dd" && name == "t.tid":
		return 16, 2
	case member == "ot" && name == "rv":
		return 14, 4
	}
	return 0, 0
}

// untracedDatadogID returns "" for a Datadog trace or parent ID, an
// unsigned 64-bit integer in decimal, and v itself otherwise.
func untracedDatadogID(v string) string {
	const maxID = "18446744073709551615" // 2^64-1: past it, no ID
	if v != "" && (len(v) < len(maxID) || len(v) == len(maxID) && v <= maxID) && allOf(v, classDigit) {
		return ""
	}
	return v
}

// untracedDatadogTags returns the Datadog propagation tags v
// ("_dd.p.dm=-4,_dd.p.tid=<16 hex>") but the upper half of a 128-bit trace
// ID, which is random hex: once, as the tracer writes it.
func untracedDatadogTags(v string) string {
	var rest strings.Builder
	setAside := false
	for tag := range strings.SplitSeq(v, ",") {
		if id, ok := strings.CutPrefix(tag, "_dd.p.tid="); ok && !setAside && len(id) == 16 && allOf(id, classLowerHex) {
			setAside = true
			continue
		}
		appendPart(&rest, ',', tag)
	}
	return rest.String()
}

// hexID reports whether v is a tracer's random ID: 16 or 32 lower-case hex
// digits.
func hexID(v string) bool { return (len(v) == 16 || len(v) == 32) && allOf(v, classLowerHex) }

// appendPart appends part to b, after sep when b holds something already;
// an empty part carries nothing.
func appendPart(b *strings.Builder, sep byte, part string) {
	if part == "" {
		return
	}
	if b.Len() > 0 {
		b.WriteByte(sep)
	}
	b.WriteString(part)
}

// B3 propagation (Zipkin's, which OpenTelemetry offers beside W3C's): a
// 16- or 32-hex trace ID and 16-hex span IDs, in their own headers or in
// one "b3" header, <trace>-<span>[-<sampling>[-<parent span>]]. Random hex
// reads as a card number as often as in a traceparent. The sampling and
// flags headers ("0", "1", "d") need no exception: the detector finds
// nothing in them.
func untracedB3TraceID(v string) string { return unlessShape(v, hexID) }

func untracedB3SpanID(v string) string { return unlessShape(v, spanID) }

func untracedB3(v string) string {
	parts := strings.SplitN(v, "-", 5)
	ok := len(parts) >= 2 && len(parts) <= 4 && hexID(parts[0]) && spanID(parts[1])
	if ok && len(parts) >= 3 {
		ok = parts[2] == "0" || parts[2] == "1" || parts[2] == "d"
	}
	if ok && len(parts) == 4 {
		ok = spanID(parts[3])
	}
	if ok {
		return ""
	}
	return v
}

// spanID is a 16-hex span ID: B3's, and X-Ray's Parent.
func spanID(v string) bool { return len(v) == 16 && allOf(v, classLowerHex) }

// unlessShape returns "" when v has shape, v otherwise.
func unlessShape(v string, shape func(string) bool) string {
	if shape(v) {
		return ""
	}
	return v
}

// untracedParent returns "" for a W3C traceparent of version 00's shape,
// <2 hex>-<32 hex>-<16 hex>-<2 hex>, and v itself otherwise.
func untracedParent(v string) string {
	if len(v) == 55 && v[2] == '-' && v[35] == '-' && v[52] == '-' &&
		allOf(v[:2], classLowerHex) && allOf(v[3:35], classLowerHex) && allOf(v[36:52], classLowerHex) && allOf(v[53:], classLowerHex) {
		return ""
	}
	return v
}

// traceFields are the shapes of the trace header's ID fields
// ("Root=1-46105bdf-04c13a9504458ebc539f5fba;Parent=240a548a42a88af4;
// Sampled=0;Lineage=12326a9d:0"). Their values are random hex, in which the
// detector finds a card or an account number about once in 10,000 headers
// ("Parent=4937590324425800", "...acc2008108"): they are held to their
// shapes instead, like the SDK's invocation ID.
var traceFields = map[string]func(string) bool{
	"Root":    traceID,
	"Self":    traceID,
	"Parent":  spanID,
	"Sampled": func(v string) bool { return v == "0" || v == "1" || v == "?" },
	"Lineage": func(v string) bool {
		hash, count, ok := strings.Cut(v, ":")
		return ok && len(hash) == 8 && allOf(hash, classLowerHex) && count != "" && len(count) <= 6 && allOf(count, classDigit)
	},
}

// traceID is an X-Ray trace ID: 1-<8 hex digits>-<24 hex digits>.
func traceID(v string) bool {
	return len(v) == 35 && v[:2] == "1-" && v[10] == '-' && allOf(v[2:10], classLowerHex) && allOf(v[11:], classLowerHex)
}

// untracedFields returns the fields of the trace header v that are not
// one of traceFields in its shape, joined by ';', for the detector: "" for
// the header the SDK and X-Ray write.
func untracedFields(v string) string {
	var rest strings.Builder
	for field := range strings.SplitSeq(v, ";") {
		if k, val, ok := strings.Cut(field, "="); ok {
			if shape := traceFields[k]; shape != nil && shape(val) {
				continue
			}
		}
		appendPart(&rest, ';', field)
	}
	return rest.String()
}

// identifyingIn is GateOp's refusal of a request whose text
// firstIdentifyingPart found an identifying value in.
//
//go:noinline
func identifyingIn(op, part string) *guarderr.SafeguardError {
	return &guarderr.SafeguardError{Operation: op, Field: part, Rule: guarderr.RuleRequestChanged + ".sensitive",
		Reason: "an identifying value is in the request's " + part + ": something after the guard's checks (a hook or the configuration) put it there"}
}

// dirty reports whether det finds something in s, remembering s in clean
// when it finds nothing.
func dirty(s string, det *sensitive.Detector, clean *CleanTexts) bool {
	_, ok := clean.check(s, det)
	return !ok
}

// firstIdentifyingPart scans, with det, the text of the request line
// (method, and the URL's path, query or opaque part, decoded too), the
// Host, every header name and every header value but those of the
// computed headers, which it holds to their shapes (see kindShape), and
// the tracing headers but their IDs (see untracedBy), and names the first
// part ("URL", "header", ...) something is found in, or returns "". Texts
// found clean are remembered in clean. It reads the headers from headers,
// when it lists every header of req, rather than from the map.
func firstIdentifyingPart(req *http.Request, headers *headerList, det *sensitive.Detector, clean *CleanTexts) string {
	// The same path ("/" on the JSON protocols, a campaign's on the
	// runtime's REST-JSON) comes back on every call: a memo answers for a
	// part found clean in every form, decoded ones included; for the
	// path, the last one the memo took in is compared before a lookup.
	// The SDK sets RawPath to the path as it is ("/"): the same string,
	// found clean as the path, is not looked up again. An empty part or
	// Host carries nothing. The URL of every call (its path and host the
	// memo's last, a RawPath that is the path, no query or opaque part, the
	// SDK's empty Host) is settled here, in a few comparisons; any other
	// is urlDirty's, out of line.
	u := req.URL
	if !(u.Path != "" && clean.isLast(lastPath, u.Path) && (u.RawPath == "" || u.RawPath == u.Path) &&
		u.RawQuery == "" && u.Opaque == "" && clean.isLast(lastHost, u.Host) && req.Host == "") &&
		urlDirty(req, det, clean) {
		return "URL"
	}
	switch req.Method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodHead:
		// The SDK's methods: nothing to scan.
	default:
		if dirty(req.Method, det, clean) {
			return "method"
		}
	}
	if headers != nil && headers.complete {
		// By index: a range over the fields would copy each, 48 bytes.
		for i := range headers.n {
			f := &headers.fields[i]
			if f.kind == hdrAuthorization && headers.scope != nil {
				// The value headers.scope was found for: its head was
				// found in its shape and clean; its signature is read.
				// The value is the scope's head and a signature's length
				// of bytes (knownScope): signatureHex, without lowerHex's
				// call before it.
				if len(f.values) != 1 || !signatureHex(f.values[0][len(headers.scope.head):]) {
					return "header"
				}
				continue
			}
			if len(f.values) == 1 {
				// headerDirty's answers for a header of one value, without
				// its call: a value the SDK sends call after call (the
				// content type, the target, the User-Agent, the retry
				// header, the date within its second) is its place's last;
				// the invocation ID, new on every call, is in its shape.
				if slot := lastSlotOf[f.kind]; slot != 0 && clean.isLast(int(slot), f.values[0]) ||
					f.kind == hdrInvocationID && uuidShape(f.values[0]) {
					continue
				}
			}
			if headerDirty(f.name, f.kind, f.values, det, clean) {
				return "header"
			}
		}
		return ""
	}
	return headersDirty(req.Header, det, clean)
}

// urlDirty reports whether det finds something in a part of req's URL or
// its Host: every part but an empty one, each looked up in the memo first
// (the path's and the hosts' last values before it).
//
//go:noinline
func urlDirty(req *http.Request, det *sensitive.Detector, clean *CleanTexts) bool {
	u := req.URL
	return u.Path != "" && !clean.isLast(lastPath, u.Path) && urlPartDirty(u.Path, true, det, clean) ||
		u.RawPath != "" && u.RawPath != u.Path && urlPartDirty(u.RawPath, false, det, clean) ||
		u.RawQuery != "" && urlPartDirty(u.RawQuery, false, det, clean) ||
		u.Opaque != "" && urlPartDirty(u.Opaque, false, det, clean) ||
		!clean.cleanAt(lastHost, u.Host, det) ||
		req.Host != "" && !clean.cleanAt(lastRequestHost, req.Host, det)
}

// headersDirty is firstIdentifyingPart's scan of headers read from their
// map: more of them than a headerList holds.
//
//go:noinline
func headersDirty(h http.Header, det *sensitive.Detector, clean *CleanTexts) string {
	for k, vs := range h {
		if headerDirty(k, headerKindOf(k), vs, det, clean) {
			return "header"
		}
	}
	return ""
}

// urlPartDirty reports whether det finds something in part, a part of a
// URL, as written or decoded. A part found clean joins the memo, and
// becomes the last path it took in when it is the path.
func urlPartDirty(part string, path bool, det *sensitive.Detector, clean *CleanTexts) bool {
	if clean.hasURL(part) {
		return false
	}
	if _, found := det.First(part); found {
		return true
	}
	if decoded := s3guard.DecodeKey(part); decoded != part {
		if _, found := det.First(decoded); found {
			return true
		}
	}
	if added, ok := clean.addURL(part); ok && path {
		clean.setLast(lastPath, added)
	}
	return false
}

// headerDirty reports whether the header k, of kind kind, with the values
// vs carries something det finds, or a computed header's value is out of
// its shape.
func headerDirty(k string, kind headerKind, vs []string, det *sensitive.Detector, clean *CleanTexts) bool {
	if kind == hdrOther && dirty(k, det, clean) {
		return true
	}
	untraced := untracedBy[kind]
	for _, v := range vs {
		var ok bool
		switch {
		case kind == hdrSecurityToken:
			ok = clean.sessionTokenClean(v, det)
		case untraced != nil:
			// A tracer writes its header once: given more than once,
			// each value is scanned whole, or every copy would pass
			// another number in an ID's shape.
			rest := v
			if len(vs) == 1 {
				rest = untraced(v)
			}
			ok = rest == "" || !dirty(rest, det, clean)
		case kind == hdrAuthorization:
			ok = clean.authorizationOK(v, det)
		case kind == hdrAmzDate || kind == hdrSDKRequest:
			// The same value call after call (the retry header) or
			// second after second (the date): the last one in its shape
			// is compared first.
			slot := lastAmzDate
			if kind == hdrSDKRequest {
				slot = lastSDKRequest
			}
			if ok = clean.isLast(slot, v); !ok {
				if ok = kindShape[kind](v); ok {
					clean.setLast(slot, strings.Clone(v))
				}
			}
		case kind.computed():
			shape := kindShape[kind]
			ok = shape == nil || shape(v)
		case kind.sdkScanned():
			ok = clean.cleanAt(lastSlot(kind), v, det)
		default:
			// The name is often the keyword that makes the value
			// identifying ("X-Account-Number: 912803456"), read as the
			// guards read a property after its name (jsontext.EachNamed).
			ok = !dirty(v, det, clean) && jsontext.EachNamed(clean.keywordTest(det), k, v, func(pair string) error {
				if dirty(pair, det, clean) {
					return errDirtyPair
				}
				return nil
			}) == nil
		}
		if !ok {
			return true
		}
	}
	return false
}

// errDirtyPair ends headerDirty's reading of a value after its name at the
// first join the detector flags.
var errDirtyPair = errors.New("securetransport: identifying after its name")

// CleanTexts remembers values the detector found clean. The same values
// come back on every call (the User-Agent, the content type, an event
// type, a property name), so each is scanned once per guard, not once per
// call. Lookups take no lock; the set is replaced, never changed. It is
// bounded: past maxCleanTexts values, or for a value longer than
// maxCleanText, the detector runs every time.
type CleanTexts struct {
	// Keywords, when set, remembers which header names the detector takes
	// for keywords (see jsontext.Named); nil asks the detector each time.
	Keywords *jsontext.Keywords

	mu    sync.Mutex
	set   atomic.Pointer[map[string]struct{}]
	urls  atomic.Pointer[map[string]struct{}] // URL parts clean as written and decoded
	token atomic.Pointer[string]              // the last session token found clean
	// signedHead is the last Authorization header found in its shape and
	// clean, but for its signature (see signedScope).
	signedHead atomic.Pointer[signedScope]
	// last holds, per place in a request (the URL's path and host, the
	// Host, each header the SDK writes whose value is scanned as it is),
	// the last value the memo took in for that place: one comparison
	// answers for the value every call of a client sends there, before a
	// lookup in the memo, which hashes it. Only values the memo took in
	// are kept, so a place whose values change adds no copy per call. For
	// the date and the retry header, held to shapes rather than scanned,
	// it is the last value found in its shape: the date adds a copy once
	// a second.
	last [numLastSlots]atomic.Pointer[string]
	// recent fronts set: per slot (see recentSlot), the last value set took
	// in there. A value is compared there first, which answers for the
	// values that come back every call (tag keys and values, a role's ARN)
	// without hashing; a value of another slot's or one a later value
	// displaced is looked up in set. A slot holds only a value of set, and
	// set never drops one, so the answer is set's.
	recent [numRecent]atomic.Pointer[string]
}

const numRecent = 32

// recentSlot picks a slot of CleanTexts.recent from s's length and its
// end bytes, which tell apart most of a call's recurring values; a
// multiplicative hash spreads them over the slots.
func recentSlot(s string) int {
	if s == "" {
		return 0
	}
	h := (uint32(len(s)) | uint32(s[0])<<16 | uint32(s[len(s)-1])<<24) * 0x9e3779b1
	return int(h >> (32 - 5)) // 5 bits: numRecent slots
}

// The places of CleanTexts.last: the URL's, the date's and the retry
// header's (the last value in its shape: see headerDirty), then one per
// header kind that sdkScanned.
const (
	lastPath = iota
	lastHost
	lastRequestHost
	lastAmzDate
	lastSDKRequest
	lastHeaders
	numLastSlots = lastHeaders + int(hdrAmzTarget-hdrContentType) + 1
)

// lastSlot is the place in CleanTexts.last of a header of kind k, one
// that sdkScanned.
func lastSlot(k headerKind) int { return lastHeaders + int(k-hdrContentType) }

// lastSlotOf is, per header kind, its place in CleanTexts.last, where
// headerDirty compares a value first (lastPath, 0, for a kind without
// one): the kinds that sdkScanned, the date and the retry header.
var lastSlotOf = func() (t [numHeaderKinds]uint8) {
	for k := range numHeaderKinds {
		if k.sdkScanned() {
			t[k] = uint8(lastSlot(k))
		}
	}
	t[hdrAmzDate], t[hdrSDKRequest] = lastAmzDate, lastSDKRequest
	return t
}()

func (c *CleanTexts) isLast(slot int, s string) bool {
	p := c.last[slot].Load()
	return p != nil && *p == s
}

func (c *CleanTexts) setLast(slot int, s string) { c.last[slot].Store(&s) }

// cleanAt is !dirty(s) for a value at slot: the last value the memo took
// in there is compared first.
func (c *CleanTexts) cleanAt(slot int, s string, det *sensitive.Detector) bool {
	if c.isLast(slot, s) {
		return true
	}
	added, ok := c.check(s, det)
	if added != "" {
		c.setLast(slot, added)
	}
	return ok
}

// check reports whether det finds nothing in s, and then keeps s in the
// memo; added is the memo's copy of s when s joined it now.
func (c *CleanTexts) check(s string, det *sensitive.Detector) (added string, clean bool) {
	if s == "" || c.Has(s) {
		return "", true
	}
	if _, found := det.First(s); found {
		return "", false
	}
	added, _ = c.addSet(s)
	return added, true
}

// authorizationOK reports whether v has the shape of the SDK's SigV4
// Authorization header (see sigV4.wellShaped) and det finds nothing in it
// besides its signature and an access key ID (see sigV4.clean). A value
// that repeats the last one's head up to its signature needs only its
// signature read: 64 lower-case hex digits.
func (c *CleanTexts) authorizationOK(v string, det *sensitive.Detector) bool {
	if s := c.knownScope(v); s != nil {
		return lowerHex(v[len(s.head):])
	}
	if p, ok := cutSigV4(v); !ok || !p.wellShaped() || !p.clean(det) {
		return false
	}
	head := strings.Clone(v[:len(v)-sigLen])
	// Cut again from the copy, which ends where the signature starts.
	p, _ := cutSigV4(head)
	c.signedHead.Store(&signedScope{head: head, keyID: p.id, region: p.region})
	return true
}

// sigLen is the length of a SigV4 signature, 64 lower-case hex digits.
const sigLen = 64

// signedScope is what precedes the signature in an Authorization header
// in its shape (see sigV4.wellShaped) that det found clean (see
// sigV4.clean): its credential scope and signed header names, the same on
// every call of a day; and the access key ID and Region of its scope, as
// signerKeyID and SignedRegion read them from such a header.
type signedScope struct{ head, keyID, region string }

// knownScope returns the memo's signedScope when v is its head followed by
// a signature's length of bytes, or nil: v is then in its shape and clean
// when those bytes are lower-case hex, and signed by the scope's key ID
// for its Region.
func (c *CleanTexts) knownScope(v string) *signedScope {
	if s := c.signedHead.Load(); s != nil && len(v) == len(s.head)+sigLen && v[:len(s.head)] == s.head {
		return s
	}
	return nil
}

// sessionTokenClean reports whether det finds nothing in the session token
// v. A hook after signing can write anything in that header; the token
// itself changes only when credentials are refreshed, so the last clean one
// is remembered and a call costs one comparison.
func (c *CleanTexts) sessionTokenClean(v string, det *sensitive.Detector) bool {
	if p := c.token.Load(); p != nil && *p == v {
		return true
	}
	if _, found := det.First(v); found {
		return false
	}
	clean := strings.Clone(v)
	c.token.Store(&clean)
	return true
}

const (
	maxCleanTexts = 64
	maxCleanText  = 512
)

func (c *CleanTexts) Has(s string) bool {
	if p := c.recent[recentSlot(s)].Load(); p != nil && *p == s {
		return true
	}
	return has(&c.set, s)
}

func (c *CleanTexts) Add(s string) { c.addSet(s) }

// addSet adds s to set and makes it its slot's recent value; the slot is
// written after set, so it never holds a value set does not.
func (c *CleanTexts) addSet(s string) (string, bool) {
	own, ok := c.add(&c.set, s)
	if ok {
		// A copy of its own, made here: &own would put own on the heap
		// on every call, a full memo's too.
		p := new(string)
		*p = own
		c.recent[recentSlot(own)].Store(p)
	}
	return own, ok
}

func (c *CleanTexts) hasURL(s string) bool { return has(&c.urls, s) }

func (c *CleanTexts) addURL(s string) (string, bool) { return c.add(&c.urls, s) }

func has(set *atomic.Pointer[map[string]struct{}], s string) bool {
	m := set.Load()
	if m == nil {
		return false
	}
	_, ok := (*m)[s]
	return ok
}

// add puts s in set, unless it is there already or out of the bounds, and
// returns the copy of s the set holds when it did.
func (c *CleanTexts) add(set *atomic.Pointer[map[string]struct{}], s string) (string, bool) {
	if p := set.Load(); len(s) > maxCleanText || p != nil && len(*p) >= maxCleanTexts {
		return "", false // full: no lock taken on every call
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var old map[string]struct{}
	if p := set.Load(); p != nil {
		old = *p
	}
	if _, ok := old[s]; ok || len(old) >= maxCleanTexts {
		return "", false
	}
	m := make(map[string]struct{}, len(old)+1)
	for k := range old {
		m[k] = struct{}{}
	}
	own := strings.Clone(s)
	m[own] = struct{}{}
	set.Store(&m)
	return own, true
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
		return nil, c.Audit(ctx, guarderr.ClientRefused(op, c.Refused))
	}
	return nil, c.Audit(ctx, &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleBypassed,
		Reason: "the request did not pass the guard's middleware; append to APIOptions in per-call options, never replace them"})
}

// ErrZeroGuard is the refusal of a client whose guard is a zero or nil
// Guard, one NewGuard did not make: there is no Policy to enforce, so the
// client sends nothing.
var ErrZeroGuard = &guarderr.ConfigError{Field: "Guard", Reason: "is a zero or nil Guard, not one NewGuard made: it has no Policy to enforce; make it with NewGuard"}

// RefuseZeroGuard returns what a client secured by a zero Guard gets
// instead: an HTTP client that refuses everything, and apiOptions with a
// first Initialize middleware that fails every call, before the SDK's own
// validation, with RuleClientRefused wrapping ErrZeroGuard.
func RefuseZeroGuard(apiOptions []func(*middleware.Stack) error) (aws.HTTPClient, []func(*middleware.Stack) error) {
	hc := &RefusingClient{Refused: ErrZeroGuard, Audit: func(_ context.Context, err *guarderr.SafeguardError) error { return err }}
	return hc, append(slices.Clip(apiOptions), func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc(IDConfig, func(ctx context.Context, _ middleware.InitializeInput, _ middleware.InitializeHandler) (
			middleware.InitializeOutput, middleware.Metadata, error,
		) {
			return middleware.InitializeOutput{}, middleware.Metadata{}, guarderr.ClientRefused(middleware.GetOperationName(ctx), ErrZeroGuard)
		}), middleware.Before)
	})
}

// IDConfig is the ID of the Initialize middleware that fails every call of
// a client the guard could not secure, in every guarded client.
const IDConfig = "PersonalizeGuard:Config"

// keywordTest is c's memo of keyword names, or det when c has none.
func (c *CleanTexts) keywordTest(det *sensitive.Detector) jsontext.KeywordTest {
	if c != nil && c.Keywords != nil {
		return c.Keywords
	}
	return det
}
