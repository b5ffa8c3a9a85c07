package personalize

import (
	"context"
	"errors"
	"hash/maphash"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// The wire gate is the guard's last word on a request. The Initialize checks
// read the input struct early, for precise errors; but interceptors,
// middleware and signing all run after them and can change what is sent. The
// gate runs innermost in the Deserialize step, after all of that, on the
// request as serialized and signed:
//
//   - it applies the transport rules (https, no URL credentials, the guard's
//     Region) and walks the JSON body with the same field rules as the
//     Initialize check; a KMS key or S3 location must be one the Initialize
//     checks saw, and the configured key must be at every key place;
//   - it stamps what it checked (method, URL, host, headers, body) into the
//     request's context and seals the URL scheme, so that no HTTP client but
//     the guard's can send it (net/http refuses the sealed scheme before
//     dialing);
//   - the guard's HTTP client compares the request with the stamp, unseals
//     it and sends exactly the bytes that were checked, over the hardened
//     transport, and checks the negotiated TLS version.
//
// Middleware added after the gate per call, or an HTTP client wrapper, that
// changes the request makes it fail; a per-call HTTPClient fails without a
// byte sent.

// sealedScheme replaces "https" between the gate and the guard's HTTP client.
const sealedScheme = "personalizeguard-sealed"

// maxBody bounds what the gate reads. Personalize's largest input, a 20,000
// character schema, serializes to at most about 120 KiB.
const maxBody = 1 << 20

type stampKey struct{}

// stamp is what the gate checked, for the guard's HTTP client to compare.
type stamp struct {
	g       *Guard
	method  string
	url     url.URL // the checked URL
	sealed  url.URL // what the request carries until the guard's client: url, scheme sealed
	host    string
	header  uint64
	length  int64
	body    string
	rd      bodyReader
	reached atomic.Bool // the guard's HTTP client received the request
}

// bodyReader sends the checked body; it lives in the stamp so that sending
// allocates nothing.
type bodyReader struct{ strings.Reader }

func (*bodyReader) Close() error { return nil }

type wireGate struct {
	g *Guard
	// content checks the body against the field plan (the Personalize
	// client); the guard's own KMS, S3 and Personalize clients, whose calls
	// the guard writes itself, get the transport rules only.
	content bool
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
	if !ok {
		return refuse(&SafeguardError{Operation: op, Rule: RuleHTTPSOnly, Reason: "unknown transport request type"})
	}
	if err := m.g.checkURL(ctx, op, req.URL); err != nil {
		return refuse(err)
	}
	if !m.content {
		return next.HandleDeserialize(ctx, in)
	}
	body, err := readBody(req)
	if err != nil {
		return refuse(&SafeguardError{Operation: op, Rule: RuleBodyUnchecked, Reason: "the request body could not be read for checking", Err: err})
	}
	if err := m.g.checkBody(ctx, op, body); err != nil {
		return refuse(err)
	}

	st := &stamp{g: m.g, method: req.Method, url: *req.URL, host: req.Host, header: m.g.headerSum(req.Header),
		length: req.ContentLength, body: body}
	st.sealed = st.url
	st.sealed.Scheme = sealedScheme
	checked := req.URL
	req.URL = &st.sealed
	out, md, err := next.HandleDeserialize(context.WithValue(ctx, stampKey{}, st), in)
	req.URL = checked
	if st.reached.Load() {
		return out, md, err
	}
	// The request went to an HTTP client other than the guard's. The
	// sealed scheme made a net/http client refuse it before dialing; a
	// fake answered without the network.
	var se *smithyhttp.RequestSendError
	var ce *smithy.CanceledError
	if errors.As(err, &ce) || err != nil && !errors.As(err, &se) {
		return out, md, err
	}
	if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	return refuse(&SafeguardError{Operation: op, Rule: RuleBypassed,
		Reason: "a per-call HTTPClient replaced the guarded one; set the HTTP client on aws.Config or the client's options, where the guard hardens it"})
}

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
	if wt, ok := stream.(io.WriterTo); ok && known && n <= maxBody {
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

// headerSum hashes the header set, independent of map order.
func (g *Guard) headerSum(h http.Header) uint64 {
	var sum uint64
	for k, vs := range h {
		x := maphash.String(g.seed, k)
		for _, v := range vs {
			x = x*1099511628211 ^ maphash.String(g.seed, v)
		}
		sum += x
	}
	return sum
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
	var n *node
	if t, ok := g.inputs[op]; ok {
		n = g.plans.get(t)
	}
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
	case kindPtr:
		return w.walkWire(n.elem, sc, k)
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
				if err := w.fail(RuleTagLimits, "at most "+strconv.Itoa(n.maxLen)+" tags"); err != nil {
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
		for {
			kk, err := sc.Next()
			if err != nil {
				return w.wireSyntax()
			}
			if kk == jsonscan.EndObject {
				return nil
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
			// A member the model does not have: added by a hook or a newer
			// SDK. Its name is data, so the path does not show it.
			w.push(segment{name: "(unknown member)", index: -1})
			if err := w.scanText(member); err != nil {
				return err
			}
		} else {
			w.push(segment{name: child.name, index: -1})
		}
		vk, err := sc.Next()
		if err != nil {
			return w.wireSyntax()
		}
		if child != nil && vk == jsonscan.String && sc.Raw() != "" {
			keySeen = keySeen || child.rule == ruleKMSKey
			roleSeen = roleSeen || child.member == "roleArn"
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
		return w.failAt(joinPath(w.path(), "RoleArn"), RuleKMSKeyWithout, "the role is missing from the request as sent: something after the guard's check removed it")
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
			if d, ok := jsonscan.IntegerDigits(buf[:0], sc.Raw()); ok {
				if err := w.scanText(string(d)); err != nil {
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

// inputTypes maps each operation of the SDK client to its input type, for
// the wire gate, which sees only the operation's name.
func inputTypes() map[string]reflect.Type {
	ctxType := reflect.TypeFor[context.Context]()
	out := map[string]reflect.Type{}
	ct := reflect.TypeFor[*sdk.Client]()
	for i := range ct.NumMethod() {
		mt := ct.Method(i).Type
		if mt.NumIn() == 4 && mt.In(1) == ctxType && mt.In(2).Kind() == reflect.Pointer && strings.HasSuffix(mt.In(2).Elem().Name(), "Input") {
			out[ct.Method(i).Name] = mt.In(2)
		}
	}
	return out
}

// guardedClient is the HTTP client the guard installs on the Personalize
// client. It sends only requests that carry the gate's stamp, exactly as
// stamped; anything else — a call whose APIOptions were replaced, a client
// the guard refused to secure — is refused before a byte is sent.
type guardedClient struct {
	g       *Guard
	next    tlsClient
	refused error // the *ConfigError of a client the guard could not secure
}

var comparePool = sync.Pool{New: func() any { return new([4096]byte) }}

func (c *guardedClient) Do(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	op := middleware.GetOperationName(ctx)
	if c.refused != nil {
		return nil, c.g.refuseUnguarded(ctx, &SafeguardError{Operation: op, Rule: RuleClientRefused,
			Reason: "the guard refused to secure this client, so it sends nothing", Err: c.refused})
	}
	st, _ := ctx.Value(stampKey{}).(*stamp)
	if st == nil || st.g != c.g {
		return nil, c.g.refuseUnguarded(ctx, &SafeguardError{Operation: op, Rule: RuleBypassed,
			Reason: "the request did not pass the guard's middleware; append to APIOptions in per-call options, never replace them"})
	}
	st.reached.Store(true)
	if !st.matches(r) {
		return nil, &SafeguardError{Operation: op, Rule: RuleRequestChanged,
			Reason: "the request changed after the guard checked it (middleware after the guard's, or an HTTP client wrapper)"}
	}
	r.URL.Scheme = "https"
	if r.Body != nil && r.Body != http.NoBody {
		st.rd.Reset(st.body)
		r.Body = &st.rd
	}
	return c.next.Do(r)
}

// matches compares r with what the gate checked, body included.
func (st *stamp) matches(r *http.Request) bool {
	// The URL is compared with the stamp's own copy: a hook can change the
	// request's URL in place, but not the copy.
	u := *r.URL
	if u.Scheme != sealedScheme {
		return false
	}
	u.Scheme = "https"
	if r.Method != st.method || u != st.url || r.Host != st.host || r.ContentLength != st.length ||
		st.g.headerSum(r.Header) != st.header {
		return false
	}
	if r.Body == nil || r.Body == http.NoBody {
		return st.body == ""
	}
	buf := comparePool.Get().(*[4096]byte)
	defer comparePool.Put(buf)
	rest := st.body
	for {
		n, err := r.Body.Read(buf[:])
		if n > len(rest) || string(buf[:n]) != rest[:n] {
			return false
		}
		rest = rest[n:]
		if err == io.EOF {
			return rest == ""
		}
		if err != nil {
			return false
		}
	}
}

// refuseUnguarded writes the audit event of a call that reached the guard's
// HTTP client without its middleware, which would otherwise go unrecorded.
func (g *Guard) refuseUnguarded(ctx context.Context, err *SafeguardError) error {
	if stateFrom(ctx) == nil && g.s.Logger != nil {
		g.writeAudit(ctx, &callState{}, middleware.Metadata{}, err, 0)
	}
	return err
}
