package personalize

import (
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

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"github.com/aws/smithy-go/tracing"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// The wire gate is the guard's last word on a request. The Initialize checks
// read the input struct early, for precise errors; but interceptors,
// middleware and signing all run after them and can change what is sent. The
// gate runs innermost in the Deserialize step, after all of that, on the
// request as serialized and signed:
//
//   - every safeguard middleware must have run on this call (one removed by
//     its ID per call is noticed);
//   - it applies the transport rules (https, no URL credentials, the guard's
//     Region), scans the URL's path and query and the headers a caller can
//     set, and walks the JSON body with the same field rules as the
//     Initialize check; a KMS key or S3 location must be one the Initialize
//     checks verified, and the configured key must be at every key place;
//   - then it sends the request itself, through the HTTP client the guard
//     hardened when the client was built, and does not hand it on: nothing
//     runs between the check and the send, and a per-call HTTPClient is
//     never given a request.

// maxBody bounds what the gate reads. Personalize's largest input, a 20,000
// character schema, serializes to at most about 120 KiB.
const maxBody = 1 << 20

type wireGate struct {
	g *Guard
	// content checks the request against the field plan (the Personalize
	// client); the guard's own KMS, S3 and Personalize clients, whose calls
	// the guard writes itself, get the transport rules only and hand the
	// request on to their hardened HTTP client.
	content bool
	// send is the hardened HTTP client of the client the gate was installed
	// on; nil for the gate of [Guard.AddMiddleware] used on a client the
	// guard did not build, which refuses every call.
	send aws.HTTPClient
}

func (m *wireGate) owner() *Guard { return m.g }

func (*wireGate) ID() string { return IDWireGate }

func (m *wireGate) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	op := middleware.GetOperationName(ctx)
	refuse := func(err error) (middleware.DeserializeOutput, middleware.Metadata, error) {
		return middleware.DeserializeOutput{}, middleware.Metadata{}, err
	}
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok || req == nil || req.Request == nil || req.URL == nil {
		return refuse(&SafeguardError{Operation: op, Rule: RuleHTTPSOnly, Reason: "unknown transport request type"})
	}
	if err := m.g.checkURL(ctx, op, req.URL); err != nil {
		return refuse(err)
	}
	if !m.content {
		return next.HandleDeserialize(ctx, in)
	}
	st := stateFrom(ctx)
	if st == nil || st.ran != m.g.stages {
		return refuse(m.g.refuseUnguarded(ctx, &SafeguardError{Operation: op, Rule: RuleBypassed,
			Reason: "a safeguard was removed from this call; append to APIOptions in per-call options, never remove the guard's middleware"}))
	}
	if m.send == nil {
		return refuse(&SafeguardError{Operation: op, Rule: RuleBypassed,
			Reason: "the guard's middleware is on a client the guard did not secure; build it with personalize.New or Guard.Option"})
	}
	if req.Request.Body != nil && req.Request.Body != http.NoBody {
		// The SDK keeps the body in the request's stream; one put on the
		// *http.Request beside it is a body nobody checked.
		return refuse(&SafeguardError{Operation: op, Rule: RuleBodyUnchecked, Reason: "the request carries a body outside its stream: something after the guard's checks put it there"})
	}
	// Reading the stream runs the stream's own code, which may still change
	// req: it comes before the copy that is checked and sent.
	body, err := readBody(req)
	if err != nil {
		return refuse(&SafeguardError{Operation: op, Rule: RuleBodyUnchecked, Reason: "the request body could not be read for checking", Err: err})
	}
	// sent is the request as it will leave: its header map and URL are the
	// gate's own, so nothing that still holds req (a tracer, a context's
	// Value, another goroutine) can change them between the check and the
	// send. It carries no trailer and goes out with its length known.
	sent := *req.Request
	sent.Header = req.Header.Clone()
	u := *req.URL
	sent.URL = &u
	if len(sent.Trailer) > 0 {
		return refuse(&SafeguardError{Operation: op, Field: "trailer", Rule: RuleRequestChanged,
			Reason: "the request carries trailers, which the guard does not check: something after the guard's checks put them there"})
	}
	sent.Trailer, sent.TransferEncoding = nil, nil
	if err := m.g.checkURL(ctx, op, sent.URL); err != nil {
		return refuse(err)
	}
	if err := m.g.checkRequestText(ctx, op, &sent); err != nil {
		return refuse(err)
	}
	if err := m.g.checkBody(ctx, op, body); err != nil {
		return refuse(err)
	}
	// Send what was checked, through the guard's own transport: the rest of
	// the Deserialize step and the client's HTTPClient are not involved.
	raw, err := m.sendChecked(ctx, &sent, body)
	if raw == nil {
		// No response, as from ClientHandler: the SDK's middleware reads a
		// RawResponse that is a *smithyhttp.Response without checking it
		// for nil.
		return middleware.DeserializeOutput{}, middleware.Metadata{}, err
	}
	return middleware.DeserializeOutput{RawResponse: raw}, middleware.Metadata{}, err
}

// nopSpan is the span of the SDK's default tracer, which records nothing:
// the gate sets no span properties on it, which would allocate for nothing.
var nopSpan = func() tracing.Span {
	_, span := tracing.NopTracerProvider{}.Tracer("").StartSpan(context.Background(), "")
	return span
}()

// sendChecked sends sent, the request the gate checked, with body, the bytes
// the gate checked, not the stream read again: no one can change a string
// after its check. It does what smithy's ClientHandler does (span and its
// properties, host check, error wrapping the retryer reads), without
// ClientHandler's two copies of the request: sent is already the gate's own.
func (m *wireGate) sendChecked(ctx context.Context, sent *http.Request, body string) (*smithyhttp.Response, error) {
	ctx, span := tracing.StartSpan(ctx, "DoHTTPRequest")
	defer span.End()
	hr := sent.WithContext(ctx)
	hr.Body, hr.GetBody, hr.ContentLength = nil, nil, int64(len(body))
	if body != "" {
		cb := &checkedBody{}
		cb.r.Reset(body)
		hr.Body = cb
	}
	if err := smithyhttp.ValidateEndpointHost(hr.Host); err != nil {
		return nil, err
	}
	traced := span != nopSpan
	if traced {
		span.SetProperty("http.method", hr.Method)
		span.SetProperty("http.request_content_length", hr.ContentLength)
	}
	resp, err := m.send.Do(hr)
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
	if traced {
		span.SetProperty("net.protocol.version", strconv.Itoa(resp.ProtoMajor)+"."+strconv.Itoa(resp.ProtoMinor))
		span.SetProperty("http.status_code", resp.StatusCode)
		span.SetProperty("http.response_content_length", resp.ContentLength)
	}
	return &smithyhttp.Response{Response: resp}, err
}

// checkedBody is the body the gate sends: the checked string, readable once,
// with no WriteTo (see readOnlyBody) and a Close that leaves it readable to
// its end, since net/http may still read after the response arrives.
type checkedBody struct{ r strings.Reader }

func (b *checkedBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (*checkedBody) Close() error                 { return nil }

// checkURL applies the transport rules to the URL about to be used.
func (g *Guard) checkURL(ctx context.Context, op string, u *url.URL) error {
	switch {
	case u.Scheme != "https":
		return &SafeguardError{Operation: op, Rule: RuleHTTPSOnly, Reason: "the endpoint is not https; AWS asks for TLS 1.2 or later"}
	case u.User != nil:
		return &SafeguardError{Operation: op, Rule: RuleHTTPSOnly, Reason: "the endpoint URL carries credentials"}
	}
	if r := awsmiddleware.GetRegion(ctx); r != "" && r != g.s.region {
		// Keys and buckets were checked in the guard's Region; a call
		// elsewhere would use resources nobody checked.
		return &SafeguardError{Operation: op, Rule: RuleRegionMismatch, Reason: "the call goes to another Region than the one the guard checks keys and buckets in"}
	}
	return nil
}

// readBody reads the serialized body from where the stream stands, which is
// what will be sent, and puts the stream back there.
func readBody(req *smithyhttp.Request) (string, error) {
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
	if wt, ok := stream.(io.WriterTo); ok && known && n >= 0 && n <= maxBody {
		// The SDK's serializers give a *bytes.Reader: one copy, no buffer.
		b.Grow(int(n))
		if _, err := wt.WriteTo(&b); err != nil {
			return "", err
		}
	} else if _, err := io.Copy(&b, io.LimitReader(stream, maxBody+1)); err != nil {
		return "", err
	}
	if b.Len() > maxBody {
		return "", errors.New("the request body is larger than any Personalize input")
	}
	_, err = seeker.Seek(at, io.SeekStart)
	return b.String(), err
}

// computedHeaders are the headers the SDK computes from what was checked
// (the signature, the date, the hashed body, the invocation and retry
// counters) or that carry the caller's own credentials. The detector would
// take the access key in the signature for a finding, so each is held to
// the shape the SDK gives it instead: a hook that writes anything else there
// is refused. The session token, the caller's credential, is the one value
// the gate passes unread; a Content-Length in the header map is never sent
// (net/http writes the body's own length).
var computedHeaders = map[string]func(string) bool{
	"Authorization":         sigV4Authorization,
	"X-Amz-Date":            amzDate,
	"X-Amz-Content-Sha256":  payloadHash,
	"Amz-Sdk-Invocation-Id": uuidShape,
	"Amz-Sdk-Request":       retryMetrics,
	"X-Amz-Security-Token":  nil,
	"Content-Length":        nil,
}

// sigV4Authorization is the Authorization header of the SDK's SigV4 signer:
// AWS4-HMAC-SHA256 Credential=<key id>/<yyyymmdd>/<region>/<service>/aws4_request,
// SignedHeaders=<names>, Signature=<64 hex>.
func sigV4Authorization(v string) bool {
	rest, ok := strings.CutPrefix(v, "AWS4-HMAC-SHA256 Credential=")
	if !ok {
		return false
	}
	cred, rest, ok := strings.Cut(rest, ", SignedHeaders=")
	if !ok {
		return false
	}
	names, sig, ok := strings.Cut(rest, ", Signature=")
	if !ok || len(sig) != 64 || !allBytes(sig, isLowerHex) || names == "" || !allBytes(names, func(c byte) bool { return c == ';' || isHeaderNameByte(c) && !('A' <= c && c <= 'Z') }) {
		return false
	}
	parts := strings.Split(cred, "/")
	return len(parts) == 5 && len(parts[0]) <= 128 && parts[0] != "" && allBytes(parts[0], isAlnum) &&
		len(parts[1]) == 8 && allBytes(parts[1], isDigit) &&
		parts[2] != "" && len(parts[2]) <= 64 && allBytes(parts[2], isLowerLabel) &&
		parts[3] != "" && len(parts[3]) <= 64 && allBytes(parts[3], isLowerLabel) &&
		parts[4] == "aws4_request"
}

// amzDate is the signer's time, 20060102T150405Z.
func amzDate(v string) bool {
	return len(v) == 16 && v[8] == 'T' && v[15] == 'Z' && allBytes(v[:8], isDigit) && allBytes(v[9:15], isDigit)
}

// payloadHash is a body's SHA-256 in hex, or one of the signer's markers.
func payloadHash(v string) bool {
	if len(v) == 64 && allBytes(v, isLowerHex) || v == "UNSIGNED-PAYLOAD" {
		return true
	}
	marker, ok := strings.CutPrefix(v, "STREAMING-")
	return ok && marker != "" && len(marker) <= 64 && allBytes(marker, func(c byte) bool { return 'A' <= c && c <= 'Z' || isDigit(c) || c == '-' })
}

// uuidShape is the SDK's invocation ID, a UUID.
func uuidShape(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := range len(v) {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if v[i] != '-' {
				return false
			}
		} else if c := v[i]; !isLowerHex(c) && !('A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// retryMetrics is the retryer's "attempt=1; max=3" with, at times, a
// "; ttl=20060102T150405Z".
func retryMetrics(v string) bool {
	for part := range strings.SplitSeq(v, "; ") {
		k, val, ok := strings.Cut(part, "=")
		switch {
		case !ok:
			return false
		case k == "attempt" || k == "max":
			if val == "" || len(val) > 6 || !allBytes(val, isDigit) {
				return false
			}
		case k == "ttl":
			if !amzDate(val) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func allBytes(s string, ok func(byte) bool) bool {
	for i := range len(s) {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isLowerHex(c byte) bool   { return isDigit(c) || 'a' <= c && c <= 'f' }
func isAlnum(c byte) bool      { return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isLowerLabel(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'z' || c == '-' }

// isHeaderNameByte is a token character (RFC 9110), what a header name is
// made of.
func isHeaderNameByte(c byte) bool {
	return isAlnum(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// checkRequestText scans, with the detector, the text of the request line
// (method, and the URL's path, query or opaque part), the Host, every header
// name and every header value but those of computedHeaders, which it holds
// to their shapes.
func (g *Guard) checkRequestText(ctx context.Context, op string, req *http.Request) error {
	fail := func(field string) error {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: field, Rule: RuleRequestChanged + ".sensitive",
			Reason: "an identifying value is in the request's " + field + ": something after the guard's checks (a hook or the configuration) put it there"})
	}
	for _, part := range [...]string{req.URL.Path, req.URL.RawPath, req.URL.RawQuery, req.URL.Opaque} {
		if _, found := g.s.Detector.First(part); found {
			return fail("URL")
		}
		if decoded := s3guard.DecodeKey(part); decoded != part {
			if _, found := g.s.Detector.First(decoded); found {
				return fail("URL")
			}
		}
	}
	if g.dirtyText(req.URL.Host) || g.dirtyText(req.Host) {
		return fail("URL")
	}
	if g.dirtyText(req.Method) {
		return fail("method")
	}
	for k, vs := range req.Header {
		if g.dirtyText(k) {
			return fail("header")
		}
		if shape, computed := computedHeaders[k]; computed {
			for _, v := range vs {
				if shape != nil && !shape(v) {
					return fail("header")
				}
			}
			continue
		}
		for _, v := range vs {
			if g.dirtyText(v) {
				return fail("header")
			}
		}
	}
	return nil
}

// dirtyText reports whether the detector finds something in s, a header or
// a part of the request line, remembering s when it finds nothing.
func (g *Guard) dirtyText(s string) bool {
	if s == "" || g.cleanHeaders.has(s) {
		return false
	}
	if _, found := g.s.Detector.First(s); found {
		return true
	}
	g.cleanHeaders.add(s)
	return false
}

// cleanTexts remembers header names and values, hosts and methods the
// detector found clean. The same values come back on every call (the
// User-Agent, the content type, the target), so each is scanned once per
// guard, not once per call. Lookups
// take no lock; the set is replaced, never changed. It is bounded: past
// maxCleanTexts values, or for a value longer than maxCleanText, the
// detector runs every time.
type cleanTexts struct {
	mu  sync.Mutex
	set atomic.Pointer[map[string]struct{}]
}

const (
	maxCleanTexts = 64
	maxCleanText  = 512
)

func (c *cleanTexts) has(s string) bool {
	m := c.set.Load()
	if m == nil {
		return false
	}
	_, ok := (*m)[s]
	return ok
}

func (c *cleanTexts) add(s string) {
	if p := c.set.Load(); len(s) > maxCleanText || p != nil && len(*p) >= maxCleanTexts {
		return // full: no lock taken on every call
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

// checkBody walks the serialized JSON body of op with the same field rules
// as the Initialize check.
func (g *Guard) checkBody(ctx context.Context, op, body string) error {
	if body == "" {
		return nil
	}
	w := newWalker(g, ctx, true, body)
	defer w.release()
	var sc jsonscan.Scanner
	sc.Reset(body)
	k, err := sc.Next()
	if err != nil {
		return w.wireSyntax()
	}
	bop := g.ops[op]
	if bop == nil {
		return w.failAt("", RuleUnknownOperation, unknownOperationReason)
	}
	n := bop.input
	w.root = n
	if err := w.walkWire(n, &sc, k); err != nil {
		return err
	}
	if k, err := sc.Next(); err != nil || k != jsonscan.End {
		return w.wireSyntax()
	}
	return nil
}

func (w *walker) wireSyntax() error {
	// Not for report-only mode: a body the guard cannot read is not a body
	// it checked.
	return &SafeguardError{Operation: middleware.GetOperationName(w.ctx), Rule: RuleBodyUnchecked, Reason: "the request body is not one JSON document"}
}

// walkWire checks the JSON value whose first token k was just read, along n.
func (w *walker) walkWire(n *node, sc *jsonscan.Scanner, k jsonscan.Kind) error {
	if n == nil {
		return w.scanUnknown(sc, k)
	}
	switch n.kind {
	case kindOther:
		return w.scanUnknown(sc, k)
	case kindString:
		if k != jsonscan.String {
			return w.scanUnknown(sc, k)
		}
		return w.check(n.rule, n.shape, n.enum, sc.Text())
	case kindStruct:
		if k != jsonscan.BeginObject {
			return w.scanUnknown(sc, k)
		}
		return w.walkWireStruct(n, sc)
	case kindSlice:
		if k != jsonscan.BeginArray {
			return w.scanUnknown(sc, k)
		}
		for i := 0; ; i++ {
			ek, err := sc.Next()
			if err != nil {
				return w.wireSyntax()
			}
			if ek == jsonscan.EndArray {
				return nil
			}
			if n.maxLen > 0 && i == n.maxLen {
				if err := w.fail(listRule(n), "at most "+strconv.Itoa(n.maxLen)+" elements (API model)"); err != nil {
					return err
				}
			}
			w.push(segment{index: i})
			if err := w.walkWire(n.elem, sc, ek); err != nil {
				return err
			}
			w.pop()
		}
	case kindMap:
		if k != jsonscan.BeginObject {
			return w.scanUnknown(sc, k)
		}
		objAt := sc.Offset()
		for i := 0; ; i++ {
			kk, err := sc.Next()
			if err != nil {
				return w.wireSyntax()
			}
			if kk == jsonscan.EndObject {
				return nil
			}
			if n.maxLen > 0 && i == n.maxLen {
				if err := w.fail(RuleFieldLength, "at most "+strconv.Itoa(n.maxLen)+" entries (API model)"); err != nil {
					return err
				}
			}
			seg := segment{index: -1, key: 1, body: w.body, objAt: objAt, rawKey: sc.Raw()}
			w.push(seg)
			if err := w.check(n.keyRule, n.keyShape, n.keyEnum, sc.Text()); err != nil {
				return err
			}
			w.pop()
			vk, err := sc.Next()
			if err != nil {
				return w.wireSyntax()
			}
			seg.key = 2
			w.push(seg)
			if err := w.walkWire(n.elem, sc, vk); err != nil {
				return err
			}
			w.pop()
		}
	}
	return nil
}

func (w *walker) walkWireStruct(n *node, sc *jsonscan.Scanner) error {
	var keySeen, roleSeen bool
	var seen uint64 // members met so far, by position in n.fields
	for {
		kk, err := sc.Next()
		if err != nil {
			return w.wireSyntax()
		}
		if kk == jsonscan.EndObject {
			break
		}
		member := sc.Text()
		child := n.byMember[member]
		if child == nil {
			// Readers that fold case (encoding/json among them) take
			// "KmsKeyArn" for kmsKeyArn: such a member is that member, and
			// checked as it.
			child = n.memberFold(member)
		}
		if child == nil {
			// A member the table does not have: added by a hook or a newer
			// SDK. Its name is data, so the path does not show it.
			return w.failAt(joinPath(w.path(), "(unknown member)"), RuleUnknownMember, unknownMemberReason)
		}
		// A member twice is one value for some readers and the other for
		// others (the last wins in encoding/json).
		if bit := uint64(1) << (child.pos % 64); seen&bit != 0 {
			return w.failAt(joinPath(w.path(), child.name), RuleBodyUnchecked, "the request body repeats a member; readers disagree on which value counts")
		} else {
			seen |= bit
		}
		w.push(segment{name: child.name, index: -1})
		vk, err := sc.Next()
		if err != nil {
			return w.wireSyntax()
		}
		if vk == jsonscan.String && sc.Raw() != "" {
			keySeen = keySeen || child.rule == ruleKMSKey
			roleSeen = roleSeen || child.member == "roleArn"
			if err := w.checkBound(n, child, sc.Text()); err != nil {
				return err
			}
		}
		if err := w.walkWire(child, sc, vk); err != nil {
			return err
		}
		w.pop()
	}
	if !n.keyHolder || w.g.s.KMSKeyARN == "" {
		return nil
	}
	// The Initialize step put the configured key wherever the caller left
	// none; missing here, a hook removed it.
	if !keySeen {
		return w.failAt(joinPath(w.path(), "KmsKeyArn"), RuleKMSKeyMissing, "the configured key is missing from the request as sent: something after the guard's check removed it")
	}
	if n.byMember["roleArn"] != nil && !roleSeen {
		return w.failAt(joinPath(w.path(), "RoleArn"), RuleKMSKeyWithoutRole, "the role is missing from the request as sent: something after the guard's check removed it")
	}
	return nil
}

// checkBound holds the members the posture checks were made for to the
// values they were made with: the role a key's grants were evaluated for,
// the dataset whose group's key an import or export was checked against.
// A hook that changes them after the checks would otherwise send a request
// nobody checked.
func (w *walker) checkBound(parent, n *node, v string) error {
	if w.st == nil || w.g.s.InsecureSkipPostureChecks || parent != w.root {
		return nil
	}
	switch {
	case n.member == "roleArn" && len(w.st.roles) > 0 && !slices.Contains(w.st.roles, v),
		n.member == "datasetArn" && w.st.dataset != "" && v != w.st.dataset:
		return w.fail(RuleRequestChanged, "the value changed after the guard checked it: something after the guard's check (an interceptor or middleware) set it")
	}
	return nil
}

func joinPath(base, field string) string {
	if base == "" {
		return field
	}
	return base + "." + field
}

// checkWirePlace checks a KMS key or S3 location on the wire: it must be one
// the Initialize checks saw, because only those were checked against the
// allow-lists and for posture.
func (w *walker) checkWirePlace(rule fieldRule, s string) error {
	if rule == ruleKMSKey && !shapeKmsKeyArn.fits(s) {
		return w.fail(RuleKMSKeyARN, "needs a key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)")
	}
	if rule == ruleS3Location && !shapeS3Location.fits(s) {
		return w.fail(RuleFieldLength, "must be at most 256 characters (API model, S3Location)")
	}
	if w.st != nil {
		seen := w.st.keys
		if rule == ruleS3Location {
			seen = w.st.locations
		}
		if slices.Contains(seen, s) {
			return nil
		}
	}
	return w.fail(RuleRequestChanged, "the value changed after the guard checked it: something after the guard's check (an interceptor or middleware) set it")
}

// scanUnknown reads a value the plan has no rule for, checking every string
// and number in it as free-form text.
func (w *walker) scanUnknown(sc *jsonscan.Scanner, k jsonscan.Kind) error {
	depth := sc.Depth()
	if k == jsonscan.BeginObject || k == jsonscan.BeginArray {
		depth--
	}
	for {
		switch k {
		case jsonscan.String, jsonscan.Key:
			if err := w.scanText(sc.Text()); err != nil {
				return err
			}
		case jsonscan.Number:
			if err := w.scanText(sc.Raw()); err != nil {
				return err
			}
			var buf [48]byte
			for _, digits := range numberForms(sc.Raw(), &buf) {
				if err := w.scanText(digits); err != nil {
					return err
				}
			}
		}
		if sc.Depth() == depth {
			return nil
		}
		var err error
		if k, err = sc.Next(); err != nil {
			return w.wireSyntax()
		}
	}
}

func (w *walker) scanText(s string) error {
	return w.check(ruleFreeForm, shapeUnknown, nil, s)
}

// wireKeyRank is the rank of rawKey among the keys of the JSON object at
// objAt in body, in sorted order: the path names a map entry by it, never by
// the key.
func wireKeyRank(body string, objAt int, rawKey string) int {
	var sc jsonscan.Scanner
	sc.Reset(body[objAt:])
	if k, err := sc.Next(); err != nil || k != jsonscan.BeginObject {
		return 0
	}
	var target string
	{
		var t jsonscan.Scanner
		t.Reset(`"` + rawKey + `"`)
		if k, err := t.Next(); err == nil && k == jsonscan.String {
			target = t.Text()
		}
	}
	rank := 0
	for {
		k, err := sc.Next()
		if err != nil || k == jsonscan.EndObject {
			return rank
		}
		if sc.Text() < target {
			rank++
		}
		vk, err := sc.Next()
		if err != nil {
			return rank
		}
		if err := sc.Skip(vk); err != nil {
			return rank
		}
	}
}

// refusingClient is the HTTP client the guard installs on the Personalize
// client. The wire gate sends every checked request itself, so any request
// that reaches this client did not pass the guard — a call whose APIOptions
// were replaced, or any call of a client the guard refused to secure — and
// is refused before a byte is sent, and audited.
type refusingClient struct {
	g       *Guard
	send    tlsClient // the hardened client the gate sends through, kept for Option applied twice
	refused error     // the *ConfigError of a client the guard could not secure
}

func (c *refusingClient) Do(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	op := middleware.GetOperationName(ctx)
	if c.refused != nil {
		return nil, c.g.refuseUnguarded(ctx, &SafeguardError{Operation: op, Rule: RuleClientRefused,
			Reason: "the guard refused to secure this client, so it sends nothing", Err: c.refused})
	}
	return nil, c.g.refuseUnguarded(ctx, &SafeguardError{Operation: op, Rule: RuleBypassed,
		Reason: "the request did not pass the guard's middleware; append to APIOptions in per-call options, never replace them"})
}

// refuseUnguarded writes the audit event of a call that the guard refuses
// without its audit middleware having run, which would otherwise go
// unrecorded.
func (g *Guard) refuseUnguarded(ctx context.Context, err *SafeguardError) error {
	if stateFrom(ctx) == nil && g.s.Logger != nil {
		g.writeAudit(ctx, &callState{}, middleware.Metadata{}, err, 0)
	}
	return err
}
