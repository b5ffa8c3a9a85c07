package dataplane

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/internal/jsontext"
	"github.com/personalizeguard/personalizeguard/internal/securetransport"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// The wire gate applies every field rule once, to the request as serialized
// and signed, innermost in the Deserialize step: nothing a hook does before
// it escapes the check, and it sends what it checked itself, through the
// HTTP client the guard hardened, so nothing runs between the check and the
// send. It holds the method and path of what it sends to the operation
// whose rules it checks the body by: AWS runs the one the path names.
type wireGate struct {
	g *Guard
	// send is the hardened client, boxed once here rather than on every
	// call to Gate.
	send     aws.HTTPClient
	identity *step // the client's identity step; nil with InsecureAllowRootCredentials
}

func (*wireGate) ID() string { return IDWireGate }

func (m *wireGate) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, _ middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	// The call's state, held until the gate returns: a hook that hands
	// the request on from another goroutine and returns can end the call
	// meanwhile, and the state is then not pooled again (see callhold).
	ref := refFrom(ctx)
	st := ref.Enter()
	if st != nil {
		defer ref.Exit()
	}
	c := m.checks(st)
	if st, ok := c.(*callState); ok {
		// The operation its audit step read: the gate reads it again only
		// for a call without its guard's state.
		return securetransport.GateOp(ctx, st.op, in, st, m.g.s.region, m.send, m.g.s.Detector, &m.g.cleanHeaders)
	}
	return securetransport.Gate(ctx, in, c, m.g.s.region, m.send, m.g.s.Detector, &m.g.cleanHeaders)
}

// checks returns the gate's checks for a call whose state is st: the
// state, looked up once by the gate rather than in each check, when this
// guard's pool made it. Otherwise the gate's own checks look again, and
// Ran refuses the call: without a state the audit step did not run, or the
// call ended; with another Guard's, this gate runs in that Guard's call, or
// that Guard's gate in this one's.
func (m *wireGate) checks(st *callState) securetransport.GateChecks {
	if st != nil && st.g == m.g {
		return st
	}
	return m
}

// The wire gate's checks (securetransport.GateChecks), on the gate, which
// looks the call's state up in ctx, and on the state itself, whose guard is
// the gate's.

func (m *wireGate) Ran(ctx context.Context, op string) error {
	if refFrom(ctx).Ended() {
		return m.g.refuseUnguarded(ctx, guarderr.CallEnded(op))
	}
	st := stateFrom(ctx)
	if st.foreign(m.g) {
		return m.g.refuseForeign(ctx)
	}
	return m.g.ran(ctx, op, st)
}

func (m *wireGate) Violation(ctx context.Context, err *guarderr.SafeguardError) error {
	return m.g.violation(stateFrom(ctx), err)
}

func (m *wireGate) CheckBody(ctx context.Context, op, body string) error {
	return m.g.checkCallBody(ctx, m.g.op(op), op, stateFrom(ctx), body)
}

func (m *wireGate) CheckSent(_ context.Context, op string, sent *http.Request) error {
	return checkSent(m.g.op(op), op, sent)
}

func (m *wireGate) CheckSigner(ctx context.Context, op, accessKeyID string) error {
	return m.g.checkSigner(op, stateFrom(ctx), accessKeyID)
}

func (st *callState) Ran(ctx context.Context, op string) error { return st.g.ran(ctx, op, st) }

func (st *callState) Violation(_ context.Context, err *guarderr.SafeguardError) error {
	return st.g.violation(st, err)
}

func (st *callState) CheckBody(ctx context.Context, op, body string) error {
	// The entry CheckSent found, when it is op's: read once, so that the
	// name compared is the entry used, whatever another gate writes there
	// (a state a hook's early return sent back to the pool).
	o := st.entry
	if o == nil || o.name != op {
		o = st.g.op(op)
	}
	return st.g.checkCallBody(ctx, o, op, st, body)
}

func (st *callState) CheckSent(_ context.Context, op string, sent *http.Request) error {
	// The entry the audit step looked up, when it is op's; read, never
	// written: two sends of one attempt can run the gate at once.
	o := st.entry
	if o == nil || o.name != op {
		o = st.g.op(op)
	}
	if err := checkSent(o, op, sent); err != nil {
		return err
	}
	if len(st.raw) != 0 {
		if part := rawIDOutsideBody(sent, st.raw, st.rawNumeric); part != "" {
			return st.g.violation(st, &guarderr.SafeguardError{Operation: op, Field: part, Rule: RuleRawIdentifier, Reason: rawIDReason})
		}
	}
	return nil
}

// rawIDOutsideBody names the part of sent, the gate's copy, outside its
// body that holds one of raw, the call's user IDs as given, as a word (see
// rawIDIn), or, numeric, as a float's text (numeric: one of raw is all
// digits): "URL", or "header" — a hook's header (a tracing baggage that
// carries user.id, say), its name, or a query it added went out beside the
// pseudonym (review of the data plane). Percent escapes are read too (see
// urlDecodings): each valid one decoded, and the JSON escapes, in turn,
// again while that changes the text (cust\u00252D889123,
// cust%5Cu00252D889123), and, when an ID holds a space, with '+' read as a
// space, as a form or url.QueryEscape writes it. The headers the SDK
// computes and the gate holds to their shapes (the signature, its date and
// hash, the retry header, the content's length) are not read.
func rawIDOutsideBody(sent *http.Request, raw []string, numeric bool) string {
	holds := func(s string) bool {
		for _, id := range raw {
			if holdsWord(s, id) || holdsWordDecoded(s, id) {
				return true
			}
		}
		return numeric && exponentIsRawID(raw, s)
	}
	// A form's reading can only tell an ID that holds a space: without
	// one, a session token's many '+' cost nothing.
	form := slices.ContainsFunc(raw, func(id string) bool { return strings.IndexByte(id, ' ') >= 0 })
	has := func(s string) bool {
		if holds(s) {
			return true
		}
		for d := range urlDecodings(s, form) {
			if holds(d) {
				return true
			}
		}
		return false
	}
	u := sent.URL
	for _, part := range [...]string{u.Path, u.RawPath, u.RawQuery, u.Fragment, u.Opaque} {
		if part != "" && has(part) {
			return "URL"
		}
	}
	for name, values := range sent.Header {
		switch name {
		case "Authorization", "X-Amz-Date", "X-Amz-Content-Sha256", "Amz-Sdk-Request", "Content-Length":
			continue
		case "Content-Type", "User-Agent", "Amz-Sdk-Invocation-Id", "X-Amz-Security-Token", "Accept-Encoding", "X-Amz-Target":
			// The SDK's names: their words are no one's ID ("content").
			// Content-Type's values are read unless they are the SDK's.
			if name == "Content-Type" && len(values) == 1 && (values[0] == "application/json" || values[0] == "application/x-amz-json-1.1") {
				continue
			}
		default:
			// Header names are canonical: net/http writes cust-889123
			// as Cust-889123.
			for _, id := range raw {
				if holdsWordFold(name, id) {
					return "header"
				}
			}
		}
		for _, v := range values {
			if has(v) {
				return "header"
			}
		}
	}
	return ""
}

// holdsWordFold is holdsWord with ASCII letters compared without regard
// to case, for a header name, which net/http writes in canonical form.
func holdsWordFold(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(word)], word) &&
			(i == 0 || !alnum(s[i-1])) && (i+len(word) == len(s) || !alnum(s[i+len(word)])) {
			return true
		}
	}
	return false
}

// urlDecodings yields what s reads as to a reader that decodes its percent
// escapes (percentDecoded) and its JSON escapes (jsonscan.UnescapeText),
// the one after the other in turn, again while a round
// changes the text, up to maxDecodings rounds: a value escaped twice
// ("cust%252D889123"), or a percent escape inside a JSON one inside a
// percent one ("cust%5Cu00252D889123"), is the ID to a reader that decodes
// so. Then, with form, the same for a form decoder, which reads '+' as a
// space (url.QueryEscape writes "jane doe" as "jane+doe", and escapes that
// '+' again as %2B). Text without '%', '\\' or '+', nearly all, yields
// nothing.
func urlDecodings(s string, form bool) iter.Seq[string] {
	return func(yield func(string) bool) {
		passes := 1
		if form {
			passes = 2
		}
		for pass := range passes {
			form := pass == 1
			t := s
			for range maxDecodings {
				start := t
				if d := percentDecoded(t, form); d != t {
					if !yield(d) {
						return
					}
					t = d
				}
				if strings.IndexByte(t, '\\') >= 0 {
					if d := string(jsonscan.UnescapeText(nil, t)); d != t {
						if !yield(d) {
							return
						}
						t = d
					}
				}
				if t == start {
					break
				}
			}
		}
	}
}

// percentDecoded returns s with each valid percent escape (%2D) decoded
// and every other byte kept, a '%' that starts no escape included; with
// form, a '+' is a space, as a form decoder reads it (an escaped "%2B"
// stays a '+').
func percentDecoded(s string, form bool) string {
	if strings.IndexByte(s, '%') < 0 && (!form || strings.IndexByte(s, '+') < 0) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if form && s[i] == '+' {
			b.WriteByte(' ')
			continue
		}
		if s[i] == '%' && i+2 < len(s) && isHexByte(s[i+1]) && isHexByte(s[i+2]) {
			b.WriteByte(unhexByte(s[i+1])<<4 | unhexByte(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHexByte(c byte) bool { return isDigitByte(c) || c|0x20 >= 'a' && c|0x20 <= 'f' }

func unhexByte(c byte) byte {
	if isDigitByte(c) {
		return c - '0'
	}
	return c | 0x20 - 'a' + 10
}

func (st *callState) CheckSigner(_ context.Context, op, accessKeyID string) error {
	return st.g.checkSigner(op, st, accessKeyID)
}

// ran refuses a call on which the guard's identifiers or identity step did
// not run; st is the call's state, nil when the audit step did not run.
func (g *Guard) ran(ctx context.Context, op string, st *callState) error {
	if st == nil || !st.passed(stepIdentifiers) || g.s.checksCaller() && !st.passed(stepCaller) {
		return g.refuseUnguarded(ctx, &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleBypassed,
			Reason: "a safeguard was removed from this call; append to APIOptions in per-call options, never remove the guard's middleware"})
	}
	return nil
}

// checkSent holds the request line of sent, the gate's copy, to that of op,
// whose table entry is o: AWS runs the operation the path names, on the
// body the guard checked by op's rules. An operation the table lacks has
// no line, and is refused.
func checkSent(o *operation, op string, sent *http.Request) error {
	if sg := securetransport.CheckRequestLine(op, sent, o.line.Method, o.line.Path); sg != nil {
		return sg
	}
	return nil
}

// checkCallBody applies the field rules of op, whose table entry is o, to
// the body and records that they did.
func (g *Guard) checkCallBody(ctx context.Context, o *operation, op string, st *callState, body string) error {
	var w walker // see Guard.checkBody
	if err := w.checkBody(ctx, g, o, op, st, body); err != nil {
		return err
	}
	st.act(actedFields)
	return nil
}

// walker checks one request body along its operation's table.
type walker struct {
	g   *Guard
	ctx context.Context
	op  string
	st  *callState
	// The path: its first segments in buf, any past them in more. No
	// slice of buf, which would point the walker into itself and send it
	// to the heap: on the stack, pushing a segment costs no write barrier.
	depth int
	buf   [8]segment
	more  []segment
	// fails counts the rules this walk found broken, reported ones
	// included: the call's report list keeps one per rule and field, so
	// its length does not grow when a retried attempt breaks one again.
	fails int
	// catalogue is g.api.Catalogue[op] (g.op), looked up once per body rather
	// than for each properties member.
	catalogue bool
	// cleanNumber is the raw text of the last number of this body found
	// clean in every form: the events of one batch may share a timestamp,
	// which the guard's memo does not keep (see walk).
	cleanNumber string
	// clean holds strings of this body the detector, or the guard's
	// memo, found clean, each in its slot (see walker.identifying).
	clean [8]string
	// props is the last properties member met in this body, and memo its
	// memos (g.props[props]): the events of a batch share one member, and
	// a comparison of pointers costs less than the map's lookup.
	props *Node
	memo  *[2]securetransport.CleanTexts
	// raw are the call's raw IDs (callState.raw) when the body may hold one
	// outside its identifiers, for rawIDIn to look for field by field;
	// nil when the body as a whole was found not to (see checkBody).
	raw []string
}

// segment is one step of a field path: a member (by its JSON name), a list
// index, or a map's key or value (never named by the key, which is data).
type segment struct {
	name  string
	index int // -1 unless a list element
}

const unknownMemberReason = "the guard's table, written from the API model, does not describe this member (a newer SDK, or a hook added it)"

func (g *Guard) checkBody(ctx context.Context, op string, st *callState, body string) error {
	// A walker of its own, on the stack: two walks on one call's state can
	// run at once (a hook that sends an attempt twice in parallel, or
	// returns while an attempt still runs and its state goes to another
	// call, of another guard), and each must be its guard's alone.
	var w walker
	return w.checkBody(ctx, g, g.op(op), op, st, body)
}

// checkBody is Guard.checkBody on w, a new walker, for op, whose table
// entry is o.
func (w *walker) checkBody(ctx context.Context, g *Guard, o *operation, op string, st *callState, body string) error {
	w.g, w.ctx, w.op, w.st, w.catalogue = g, ctx, op, st, o.catalogue
	if st != nil && len(st.raw) != 0 && (st.rawEscaped || !jsonscan.OnlyQuotesEscaped(body) ||
		slices.ContainsFunc(st.raw, func(id string) bool {
			if strings.Contains(body, id) {
				return true
			}
			if !st.rawNumeric {
				return false
			}
			// A numeric ID's value is written without its leading zeros;
			// past a double's digits it may be written rounded, its
			// digits carried (7604504064263669287 as 7604504064263670000):
			// such an ID is looked for field by field whatever the body.
			v, numeric := numericID(id)
			return numeric && (len(v) > float64Digits || len(v) >= minRawID && strings.Contains(body, v))
		}) ||
		st.rawNumeric && exponentNumber(body)) {
		// Field by field only when the body holds a raw ID, or escapes
		// anything but quotes (\n, \u0026 and the like can stand right
		// against an ID, or spell it), or an ID holds a byte an encoder
		// may escape (callState.rawEscaped): otherwise every field's text
		// is its text in the body, but for escaped quotes, and no field
		// holds an ID; nor, unless a number is written with an exponent,
		// a numeric ID. A pass or two of the body rather than one per
		// string.
		w.raw = st.raw
	}
	root := o.root
	if root == nil {
		return &guarderr.SafeguardError{Operation: op, Rule: guarderr.RuleUnknownOperation,
			Reason: "the guard's table does not describe this operation (a newer SDK than the table)"}
	}
	if body == "" {
		return nil
	}
	var sc jsonscan.Scanner
	sc.Reset(body)
	k, err := sc.Next()
	if err != nil {
		return w.syntax()
	}
	if err := w.walk(root, &sc, k); err != nil {
		return err
	}
	if k, err := sc.Next(); err != nil || k != jsonscan.End {
		return w.syntax()
	}
	return nil
}

func (w *walker) syntax() error {
	// Not for report-only mode: a body the guard cannot read is not a body
	// it checked.
	return &guarderr.SafeguardError{Operation: w.op, Rule: guarderr.RuleBodyUnchecked, Reason: "the request body is not one JSON document of the model's shape"}
}

func (w *walker) path() string {
	var b strings.Builder
	for i := range w.depth {
		s := w.segment(i)
		if s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(goName(s.name))
	}
	return b.String()
}

func (w *walker) fail(rule, reason string) error {
	w.fails++
	return w.g.violation(w.st, &guarderr.SafeguardError{Operation: w.op, Field: w.path(), Rule: rule, Reason: reason})
}

func (w *walker) push(s segment) {
	if w.depth < len(w.buf) {
		w.buf[w.depth] = s
	} else {
		w.more = append(w.more[:w.depth-len(w.buf)], s)
	}
	w.depth++
}

func (w *walker) pop() { w.depth-- }

// segment returns the path's segment i.
func (w *walker) segment(i int) segment {
	if i < len(w.buf) {
		return w.buf[i]
	}
	return w.more[i-len(w.buf)]
}

// walk checks the JSON value whose first token k was just read, along n.
func (w *walker) walk(n *Node, sc *jsonscan.Scanner, k jsonscan.Kind) error {
	switch {
	case n.isString():
		if k != jsonscan.String {
			return w.syntax()
		}
		return w.checkString(n, sc)
	case n.isStruct():
		if k != jsonscan.BeginObject {
			return w.syntax()
		}
		// Members met so far: by position among n's names, or, for a
		// structure found through its map, by name.
		var met uint32 // a bit per position: maxScannedMembers fit (see the check after walk)
		next := 0      // the position after the last member found
		var seen []string
		if n.names == nil {
			// Zeroed only for the structures found through their map: the
			// buffer cost every structure of a body its clearing.
			var buf [16]string
			seen = buf[:0]
		}
		for {
			var name string
			var child *Node
			at := -1
			if j := sc.NextKeyIn(n.keys, next); j >= 0 {
				// The SDK writes a structure's members in the order of
				// its names, as they are: the name is one of those after
				// the last one found, read and compared in one pass.
				at = j
				name, child = n.names[at], n.kids[at]
			} else {
				kk, err := sc.Next()
				if err != nil {
					return w.syntax()
				}
				if kk == jsonscan.EndObject {
					return nil
				}
				name = sc.Text()
				child, at = n.memberAt(name, next)
			}
			if child == nil {
				// Its name is data, so the path does not show it.
				field := "(unknown member)"
				if p := w.path(); p != "" {
					field = p + "." + field
				}
				return &guarderr.SafeguardError{Operation: w.op, Field: field, Rule: guarderr.RuleUnknownMember, Reason: unknownMemberReason}
			}
			repeated := false
			if at >= 0 {
				repeated = met&(1<<at) != 0
				met |= 1 << at
				next = at + 1
			} else {
				repeated = slices.Contains(seen, name)
				seen = append(seen, name)
			}
			if repeated {
				// One value for some readers, the other for others.
				return &guarderr.SafeguardError{Operation: w.op, Field: w.path(), Rule: guarderr.RuleBodyUnchecked, Reason: "the request body repeats a member; readers disagree on which value counts"}
			}
			vk, err := sc.Next()
			if err != nil {
				return w.syntax()
			}
			w.push(segment{name: name, index: -1})
			if vk == jsonscan.String && child.isString() {
				// Most members are strings: checked here, without a
				// call of walk for each.
				if err := w.checkString(child, sc); err != nil {
					return err
				}
			} else if err := w.walk(child, sc, vk); err != nil {
				return err
			}
			w.pop()
		}
	case n.isList():
		if k != jsonscan.BeginArray {
			return w.syntax()
		}
		for i := 0; ; i++ {
			ek, err := sc.Next()
			if err != nil {
				return w.syntax()
			}
			if ek == jsonscan.EndArray {
				if i < n.Min {
					return w.fail(guarderr.RuleFieldLength, "has fewer elements than the API model allows ("+strconv.Itoa(n.Min)+")")
				}
				return nil
			}
			if n.Max > 0 && i == n.Max {
				if err := w.fail(guarderr.RuleFieldLength, "has more elements than the API model allows ("+strconv.Itoa(n.Max)+")"); err != nil {
					return err
				}
			}
			w.push(segment{index: i})
			if err := w.walk(n.Elem, sc, ek); err != nil {
				return err
			}
			w.pop()
		}
	case n.isMap():
		if k != jsonscan.BeginObject {
			return w.syntax()
		}
		for i := 0; ; i++ {
			kk, err := sc.Next()
			if err != nil {
				return w.syntax()
			}
			if kk == jsonscan.EndObject {
				return nil
			}
			if n.Max > 0 && i == n.Max {
				if err := w.fail(guarderr.RuleFieldLength, "has more entries than the API model allows ("+strconv.Itoa(n.Max)+")"); err != nil {
					return err
				}
			}
			key := sc.Text()
			w.push(segment{name: "Key", index: -1})
			if err := w.check(n.Key, key); err != nil {
				return err
			}
			w.pop()
			vk, err := sc.Next()
			if err != nil {
				return w.syntax()
			}
			w.push(segment{name: "Value", index: -1})
			if err := w.walk(n.Elem, sc, vk); err != nil {
				return err
			}
			if vk == jsonscan.String && n.Elem.Rule == RuleText {
				// A context key names what its value is ("SSN"): see
				// scanPair.
				if err := w.scanPair(key, sc.Text()); err != nil {
					return err
				}
			}
			w.pop()
		}
	default: // numbers, booleans, timestamps (epoch seconds in REST-JSON)
		switch k {
		case jsonscan.Literal:
			return nil
		case jsonscan.String:
			// The SDK writes a float that is not finite as one of these
			// strings; nothing else is a number.
			if t := sc.Text(); t == "NaN" || t == "Infinity" || t == "-Infinity" {
				return nil
			}
		case jsonscan.Number:
			// A number carries digits as well as a string does (a hook
			// can write any into the body): each form a reader may take
			// is scanned, as the control plane's gate does. Not through
			// the guard's memo: timestamps differ on every call and would
			// fill it; a batch's events may share one, though.
			raw := sc.Raw()
			if err := w.rawIDInNumber(n, raw); err != nil { // a numeric user ID as a value
				return err
			}
			if raw == w.cleanNumber {
				return nil
			}
			fails := w.fails
			if err := jsontext.EachDataText(sc, k, w.scanNumber); err != nil {
				return err
			}
			if w.fails == fails {
				w.cleanNumber = raw
			}
			return nil
		}
		return w.syntax()
	}
}

// checkString checks the string value sc has just read, along n, a string
// member.
func (w *walker) checkString(n *Node, sc *jsonscan.Scanner) error {
	if n.Rule == RuleProperties {
		// Before the memo, which knows documents, not the call's IDs.
		if len(w.raw) != 0 { // Text decodes: only when the body asks for the look
			if err := w.rawIDInDocument(n, sc.Text()); err != nil {
				return err
			}
		}
		return w.checkPropertiesMember(n, sc)
	}
	return w.check(n, sc.Text())
}

// rawIDIn refuses s, a string of the request other than an identifier or a
// catalogue ID (item, action, impression: the catalogue's own), when it
// holds one of the user IDs the Pseudonymizer replaced in this call, as
// given, standing as a word of its own (not inside a longer run of letters
// and digits): an event ID built from the customer's number,
// a property or context value naming the customer. The pseudonym in its
// field is no use when the ID goes out beside it. The error names the
// field, never the ID. The ID is looked for in strings as they decode, in
// whatever escapes they are written, and in numbers as written: another
// spelling (other case) is the detector's business.
func (w *walker) rawIDIn(n *Node, s string) error {
	if len(w.raw) == 0 {
		return nil
	}
	switch n.Rule {
	case RuleUserID, RuleSessionID, RuleCatalogID:
		return nil
	}
	for _, id := range w.raw {
		if holdsWord(s, id) || holdsWordDecoded(s, id) {
			return w.fail(RuleRawIdentifier, rawIDReason)
		}
	}
	if w.st != nil && w.st.rawNumeric && exponentIsRawID(w.raw, s) {
		// A numeric ID written into text as a float prints it
		// (fmt.Sprint(float64(id)) is 1.2345678e+07): each number of the
		// text with an exponent is compared by value, as a number of the
		// body is (review of the data plane).
		return w.fail(RuleRawIdentifier, rawIDReason)
	}
	return nil
}

// exponentTokens returns the numbers written with an exponent that stand
// as words in s: digits, a point and more digits (either run may be
// empty, not both), an e or E, a sign and digits, with no letter or digit
// right before or after it.
func exponentTokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		// A number starts at a digit, or at a point before one (.5e8),
		// with no letter, digit or point right before it.
		start := isDigitByte(s[i]) || s[i] == '.' && i+1 < len(s) && isDigitByte(s[i+1])
		if !start || i > 0 && (alnum(s[i-1]) || s[i-1] == '.') {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigitByte(s[j]) {
			j++
		}
		if j < len(s) && s[j] == '.' {
			for j++; j < len(s) && isDigitByte(s[j]); j++ {
			}
		}
		if j+1 < len(s) && (s[j] == 'e' || s[j] == 'E') {
			k := j + 1
			if s[k] == '+' || s[k] == '-' {
				k++
			}
			if k < len(s) && isDigitByte(s[k]) {
				for k < len(s) && isDigitByte(s[k]) {
					k++
				}
				if k == len(s) || !alnum(s[k]) {
					out = append(out, s[i:k])
				}
				i = k
				continue
			}
		}
		i = j
	}
	return out
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// rawIDInDocument is rawIDIn for a properties document, token by token:
// each name and string as Personalize decodes it, each number as written
// (rawIDInNumber). A document that does not parse is looked in as text;
// checkProperties refuses it.
func (w *walker) rawIDInDocument(n *Node, doc string) error {
	if len(w.raw) == 0 {
		return nil
	}
	var sc jsonscan.Scanner
	sc.Reset(doc)
	for {
		k, err := sc.Next()
		switch {
		case err != nil:
			return w.rawIDIn(n, doc)
		case k == jsonscan.End:
			return nil
		case k == jsonscan.Key || k == jsonscan.String:
			err = w.rawIDIn(n, sc.Text())
		case k == jsonscan.Number:
			err = w.rawIDInNumber(n, sc.Raw())
		}
		if err != nil {
			return err
		}
	}
}

// rawIDInNumber is rawIDIn for a number as written: refused only when its
// value is a numeric ID's (1234567, 1234567.0, 1.234567e+06, 4512873309
// for 004512873309), not when the ID's digits stand in it (0.1234567, a
// price that ends in them): numbers coincide more than words.
func (w *walker) rawIDInNumber(n *Node, raw string) error {
	if len(w.raw) != 0 && numberIsRawID(w.raw, raw) {
		return w.fail(RuleRawIdentifier, rawIDReason)
	}
	return nil
}

// numberIsRawID reports whether raw, a number as written, is one of ids:
// its spelling, or its value for a numeric ID (see rawIDInNumber).
func numberIsRawID(ids []string, raw string) bool {
	for _, id := range ids {
		if raw == id { // its spelling; its value, of either sign, is compared below
			return true
		}
	}
	raw = strings.TrimPrefix(raw, "-")
	if _, frac, ok := strings.Cut(raw, "."); ok && !strings.ContainsAny(raw, "eE") && strings.Trim(frac, "0") != "" {
		return false // a fraction (a price, a score): no ID, and nothing to build
	}
	if strings.HasPrefix(raw, ".") {
		raw = "0" + raw // text's .12345678e8, which a float parser reads
	}
	digits, point, ok := decimalValue(raw)
	if !ok {
		return false
	}
	for _, id := range ids {
		id = unsigned(id)
		d, p, ok := decimalValue(id)
		if !ok || p < minRawID {
			// Not a numeric ID, or one whose value has fewer digits than
			// an ID is looked for with (000001 is 1, a quantity): only
			// its spelling is.
			continue
		}
		// A double may round an ID up a digit (99999999999999999 is 1e17).
		if d == digits && p == point || len(d) > float64Digits && (p == point || p+1 == point) && sameFloat64(raw, id) && doubleForm(digits, point, id) {
			return true
		}
	}
	return false
}

// exponentIsRawID reports whether s, or what it reads as once its JSON
// escapes are decoded (up to maxDecodings times: 1.2345678\u0065+07),
// holds as a word a number with an exponent whose value is one of ids,
// numeric IDs a float prints so (fmt.Sprint(float64(id)) is
// 1.2345678e+07).
func exponentIsRawID(ids []string, s string) bool {
	for t := range withDecodings(s) {
		if exponentNumber(t) {
			for _, tok := range exponentTokens(t) {
				if numberIsRawID(ids, tok) {
					return true
				}
			}
		}
	}
	return false
}

// unsigned is s without one leading sign: strconv.ParseInt, Number() and
// int() all read +14155550123 (an E.164 number) as 14155550123.
func unsigned(s string) string {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		return s[1:]
	}
	return s
}

// numericID reports whether id is a number (digits after one sign at
// most), and its digits as a number writes them: without the sign or
// leading zeros.
func numericID(id string) (plain string, ok bool) {
	u := unsigned(id)
	return strings.TrimLeft(u, "0"), strings.Trim(u, "0123456789") == ""
}

// doubleForm reports whether digits and point (decimalValue's) are how a
// writer renders id's float64: its shortest form, 16 or 17 significant
// digits, or its exact value; not another integer that merely reads as
// the same double (a snowflake made beside the ID).
func doubleForm(digits string, point int64, id string) bool {
	f, err := strconv.ParseFloat(id, 64)
	if err != nil {
		return true
	}
	for _, s := range []string{strconv.FormatFloat(f, 'e', -1, 64), strconv.FormatFloat(f, 'e', 15, 64), strconv.FormatFloat(f, 'e', 16, 64),
		strconv.FormatFloat(f, 'f', 0, 64)} {
		if d, p, ok := decimalValue(s); ok && d == digits && p == point {
			return true
		}
	}
	return false
}

// float64Digits is how many significant digits a float64 holds whatever
// they are: an ID with more is written as a double (JSON.stringify,
// %v of a float64) rounded, 1234567890123456789 as 1234567890123456800.
const float64Digits = 15

// sameFloat64 reports whether a and b, two numbers as written, read as the
// same float64: what a reader that parses numbers as doubles keeps of an ID
// too long for one.
func sameFloat64(a, b string) bool {
	fa, errA := strconv.ParseFloat(a, 64)
	fb, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && fa == fb
}

// decimalValue reads a non-negative JSON number (or a string of digits) as
// its significant digits, without leading or trailing zeros, and the place
// of the decimal point after the first of them: 1.2345678e+07,
// 12345678.0 and 0012345678 are all ("12345678", 8); zero is ("", 0).
// Linear in the text, whatever its exponent; ok is false for anything
// else, and for an exponent past int64.
func decimalValue(s string) (digits string, point int64, ok bool) {
	mantissa, exp, hasExp := strings.Cut(s, "e")
	if !hasExp {
		mantissa, exp, hasExp = strings.Cut(s, "E")
	}
	whole, frac, _ := strings.Cut(mantissa, ".")
	if whole == "" || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return "", 0, false
	}
	var e int64
	if hasExp {
		var err error
		// An exponent past the text's own length and a margin cannot make
		// an ID's value, and would wrap the point's arithmetic.
		if e, err = strconv.ParseInt(strings.TrimPrefix(exp, "+"), 10, 64); err != nil || e > int64(len(s))+64 || e < -int64(len(s))-64 {
			return "", 0, false
		}
	}
	point = int64(len(whole)) + e
	// The digits run on from the whole part into the fraction; leading
	// zeros move the point, trailing ones do not count.
	all := whole + frac // no copy when frac is empty
	trimmed := strings.TrimLeft(all, "0")
	point -= int64(len(all) - len(trimmed))
	trimmed = strings.TrimRight(trimmed, "0")
	if trimmed == "" {
		return "", 0, true
	}
	return trimmed, point, true
}

// exponentNumber reports whether body may hold a number written with an
// exponent: an e or E right after a digit. A string that reads so
// (item1e5) only sends the gate to look field by field.
func exponentNumber(body string) bool {
	for _, e := range []byte{'e', 'E'} {
		for s := body; ; {
			i := strings.IndexByte(s, e)
			if i < 0 {
				break
			}
			if i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
				return true
			}
			s = s[i+1:]
		}
	}
	return false
}

// holdsWordDecoded is holdsWord for what s reads as once its JSON escapes
// are decoded, up to maxDecodings times (see identifyingDecoded):
// "cust\u002d889123" is the ID cust-889123 to the reader that decodes it.
func holdsWordDecoded(s, word string) bool {
	for d := range decodings(s) {
		if holdsWord(d, word) {
			return true
		}
	}
	return false
}

// holdsWord reports whether word occurs in s with no ASCII letter or digit
// right before or after it.
func holdsWord(s, word string) bool {
	for i := 0; i+len(word) <= len(s); {
		j := strings.Index(s[i:], word)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(word)
		if (j == 0 || !alnum(s[j-1])) && (end == len(s) || !alnum(s[end])) {
			return true
		}
		i = j + 1
	}
	return false
}

// This fails to compile when the structures whose members are found by
// position can have more members than walk's met has bits.
var _ [32 - maxScannedMembers]struct{}

// memberAt is n.member(name) with the member's position among n's names:
// -1 for a structure found through its map, and with a nil member when n
// has none named name. The names are looked through from position from
// on, then before it: the SDK writes a structure's members in the order of
// its names, so the member after the last one found is nearly always the
// next.
func (n *Node) memberAt(name string, from int) (*Node, int) {
	if n.names == nil {
		return n.Members[name], -1
	}
	from = min(from, len(n.names))
	for i, m := range n.names[from:] {
		if m == name {
			return n.kids[from+i], from + i
		}
	}
	for i, m := range n.names[:from] {
		if m == name {
			return n.kids[i], i
		}
	}
	return nil, -1
}

// goName is the SDK's field name of a JSON member: userId is UserId.
func goName(member string) string {
	if member == "" || member[0] < 'a' || member[0] > 'z' {
		return member
	}
	return string(member[0]-'a'+'A') + member[1:]
}

const (
	rawIDReason      = "holds a user ID of the call as given; the Pseudonymizer sends only its pseudonym"
	sensitiveReason  = "holds an identifying value; the guard never sends it"
	identifierReason = "an identifier holds an identifying value; set Policy.Pseudonymizer to send keyed pseudonyms instead"
)

// check applies n's rule to the string s.
func (w *walker) check(n *Node, s string) error {
	if n.Rule != RuleProperties { // checked by checkString, before its memo
		if err := w.rawIDIn(n, s); err != nil {
			return err
		}
	}
	if jsontext.OutsideLength(s, n.Min, n.Max) {
		// Reported in report-only mode, and then the value is still held
		// to its rule: an identifier that is not the guard's pseudonym is
		// refused however long, and anything else is scanned.
		if err := w.fail(guarderr.RuleFieldLength, "is outside the API model's length limits ("+strconv.Itoa(n.Min)+"–"+strconv.Itoa(n.Max)+" characters)"); err != nil {
			return err
		}
	}
	// A value out of its pattern is reported in report-only mode, and then
	// scanned like any other (the whole of an ARN not well formed), so that
	// an identifying value in it is reported too.
	text, pattern := s, ""
	switch n.Rule {
	case RuleUserID, RuleSessionID:
		if s == "" {
			return nil // no identifier (the length rule holds where the model needs one)
		}
		if w.g.s.Pseudonymizer != nil {
			// Every identifier was replaced before serialization; one that
			// is not a pseudonym the guard made was set after.
			if !slices.Contains(w.st.pseudonyms, s) {
				// Refused in report-only mode too: with a Pseudonymizer, no
				// identifier goes out but a pseudonym the guard made.
				return &guarderr.SafeguardError{Operation: w.op, Field: w.path(), Rule: guarderr.RuleRequestChanged,
					Reason: "the identifier is not the pseudonym the guard put in: something after the guard's check (an interceptor or middleware) set it"}
			}
			return nil
		}
		if f, ok := w.identifying(s); ok {
			return w.fail(guarderr.RuleSensitivePrefix+string(f.Kind), identifierReason)
		}
		return nil
	case RuleCatalogID:
		if hasControl(s) {
			pattern = "holds control characters, which no catalogue ID has"
		}
	case RuleARN:
		if p := w.g.lastARN.Load(); p != nil && *p == s || w.g.cleanARNs.Has(s) {
			return nil // in its pattern, and nothing found in its resource, before
		}
		a, ok := awsarn.Split(s)
		if !ok || a.Service != "personalize" || !awsarn.Partition(a.Partition) || !awsarn.Region(a.Region) ||
			(a.Account != "" && !awsarn.Account(a.Account)) || a.Resource == "" {
			pattern = "is not a well-formed Personalize ARN (arn:<partition>:personalize:<region>:<account>:<resource>)"
		} else {
			text = a.Resource
		}
	case RuleToken:
		if !allIn(s, tokenByte) {
			pattern = "is not an ID the service issued (letters, digits, '-', '_', '.', ':')"
		}
	case RuleAttribute:
		if s == "" || !allIn(s, attributeByte) {
			pattern = "is outside the API model's pattern [A-Za-z0-9_]+"
		}
	case RuleName:
		if s == "" || !alnum(s[0]) || !allIn(s, nameByte) {
			pattern = "is outside the API model's pattern ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*$"
		}
	case RuleProperties:
		return w.checkProperties(s)
	}
	if pattern != "" {
		if err := w.fail(guarderr.RulePattern, pattern); err != nil {
			return err
		}
	}
	if f, ok := w.identifying(text); ok {
		return w.fail(guarderr.RuleSensitivePrefix+string(f.Kind), sensitiveReason)
	}
	if n.Rule == RuleARN && pattern == "" {
		w.g.cleanARNs.Add(s)
		own := strings.Clone(s) // not the body's: it would keep the whole body
		w.g.lastARN.Store(&own)
	}
	return nil
}

// hasControl reports whether s holds a control character, C0, DEL or C1,
// as its UTF-8 decoding reads it: a byte below 0x20, 0x7f, or the two bytes
// of U+0080–U+009F (0xc2, then 0x80–0x9f). Byte by byte, without decoding
// every rune: 0xc2 is never a continuation byte, so where it starts a valid
// two-byte sequence a decoder reads that rune; and an ASCII byte is read as
// itself wherever it stands, since no valid sequence contains one.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c-0x20 < 0x7f-0x20:
			// Printable ASCII, the bytes of nearly every ID: one
			// comparison (the subtraction wraps for the bytes below 0x20).
		case c < 0x20 || c == 0x7f:
			return true
		case c == 0xc2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] < 0xa0:
			return true
		}
	}
	return false
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

func tokenByte(c byte) bool     { return alnum(c) || c == '-' || c == '_' || c == '.' || c == ':' }
func attributeByte(c byte) bool { return alnum(c) || c == '_' }
func nameByte(c byte) bool      { return alnum(c) || c == '-' || c == '_' }

func allIn(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// checkPropertiesMember checks the properties document sc has just read,
// unless the guard passed the very same text (as written, escapes and all)
// in the same member of the same kind of operation before: check is a
// function of the text, the member and whether the operation is a
// catalogue's, and the memo holds only documents that passed every check
// without a report.
func (w *walker) checkPropertiesMember(n *Node, sc *jsonscan.Scanner) error {
	var memo *securetransport.CleanTexts
	if w.props != n {
		w.props, w.memo = n, w.g.props[n]
	}
	if m := w.memo; m != nil {
		memo = &m[0]
		if w.catalogue {
			memo = &m[1]
		}
		if memo.Has(sc.Raw()) {
			return nil
		}
	}
	fails := w.fails
	if err := w.check(n, sc.Text()); err != nil {
		return err
	}
	if memo != nil && w.fails == fails {
		memo.Add(sc.Raw())
	}
	return nil
}

// checkProperties reads a properties member: one JSON object whose names
// are unique, every name and every value scanned, except, in the catalogue's
// operations, the string values of the Policy's InsecurePublicProperties.
func (w *walker) checkProperties(s string) error {
	var sc jsonscan.Scanner
	sc.Reset(s)
	notObject := func() error {
		return w.fail(RulePropertiesJSON, "is not one JSON object with unique property names")
	}
	if k, err := sc.Next(); err != nil || k != jsonscan.BeginObject {
		return notObject()
	}
	// Names seen so far: a slice on the stack for the few of a real
	// document, a set past it, so that a document of thousands of names
	// (32,000 characters hold about 4,000) costs linear time, not seconds.
	var buf [16]string
	names := buf[:0]
	var many map[string]struct{}
	for {
		k, err := sc.Next()
		if err != nil {
			return notObject()
		}
		if k == jsonscan.EndObject {
			break
		}
		name := sc.Text()
		if many == nil {
			if slices.Contains(names, name) {
				return notObject()
			}
			if names = append(names, name); len(names) == len(buf) {
				many = make(map[string]struct{}, 4*len(buf))
				for _, n := range names {
					many[n] = struct{}{}
				}
			}
		} else {
			if _, dup := many[name]; dup {
				return notObject()
			}
			many[name] = struct{}{}
		}
		if err := w.scanText(name); err != nil {
			return err
		}
		vk, err := sc.Next()
		if err != nil {
			return notObject()
		}
		if w.catalogue && vk == jsonscan.String && w.g.s.public(name) {
			// Only a text value is public free text: an object or array
			// under a public name can hold anything, and is scanned.
			continue
		}
		if err := jsontext.EachNamedDataText(&sc, vk, name, w.scanNamed); err != nil {
			if errors.Is(err, jsontext.ErrSyntax) {
				return notObject()
			}
			return err
		}
	}
	if k, err := sc.Next(); err != nil || k != jsonscan.End {
		return notObject()
	}
	return nil
}

// scanNamed scans s, and s again after name and after each of its
// ancestors' (see scanPair): the texts of a property's value, each under
// the name it stands under and the names of the members holding it
// (jsontext.EachNamedText), the property's the outermost:
// {"x":{"ssn":{"us":{"value":"123456789"}}}} is read after "ssn" too.
func (w *walker) scanNamed(name string, ancestors []string, s string) error {
	return jsontext.ScanNamed(w.scanText, w.scanPair, name, ancestors, s)
}

// scanPair scans value together with the name it is given under, a
// property's name or a context key (see jsontext.EachNamed).
func (w *walker) scanPair(name, value string) error {
	return jsontext.EachNamed(w.g.keywords, name, value, w.scanText)
}

func (w *walker) scanText(s string) error {
	if f, ok := w.identifying(s); ok {
		return w.fail(guarderr.RuleSensitivePrefix+string(f.Kind), sensitiveReason)
	}
	return nil
}

// scanNumber is scanText for the forms of a number, without the memo.
func (w *walker) scanNumber(s string) error {
	if len(s) < 8 {
		return nil // shorter than any identifying number (see jsontext.NumberForms)
	}
	if f, ok := w.g.s.Detector.First(s); ok {
		return w.fail(guarderr.RuleSensitivePrefix+string(f.Kind), sensitiveReason)
	}
	return nil
}

// identifying is g.identifying(s), for the strings of one body: a batch's
// events repeat their event types, item IDs and property values, and
// comparing s with the one last found clean in its slot of w.clean costs
// less than the guard's memo, which hashes it. The detector gives the same
// answer for the same text, so a string found clean once in the body is
// clean again.
func (w *walker) identifying(s string) (sensitive.Finding, bool) {
	if s == "" {
		return w.g.identifying(s)
	}
	// The slot, from the length and the last byte: the item IDs of a
	// catalogue ("item-1", "item-2") differ in those.
	slot := &w.clean[(len(s)+int(s[len(s)-1]))%len(w.clean)]
	if *slot == s {
		return sensitive.Finding{}, false
	}
	f, ok := w.g.identifying(s)
	if !ok {
		*slot = s
	}
	return f, ok
}

// identifying runs the detector on s, unless s is one of the values found
// clean before: event types, property names and categorical values come
// back on every call, and the detector gives the same answer for the same
// text, so each is scanned once per guard (up to the memo's bound).
func (g *Guard) identifying(s string) (sensitive.Finding, bool) {
	if g.clean.Has(s) {
		return sensitive.Finding{}, false
	}
	f, ok := g.s.Detector.First(s)
	if !ok {
		f, ok = g.identifyingDecoded(s)
	}
	if !ok {
		g.clean.Add(s)
	}
	return f, ok
}

// maxDecodings bounds how many times a text is read again as JSON string
// content: as many as the levels of JSON in JSON a reader of the request
// might decode (personalizetest's emulator decodes eight).
const maxDecodings = 8

// identifyingDecoded runs the detector on what s reads as once its JSON
// escapes are decoded, and again, up to maxDecodings times, while a
// decoding changes it: a filter value is a list of JSON strings, a property
// may hold a JSON document, and "jane\u0040example.com" is an address to
// the reader that decodes it (review of the data plane). Text without a
// backslash, nearly all, costs one search.
func (g *Guard) identifyingDecoded(s string) (sensitive.Finding, bool) {
	for d := range decodings(s) {
		if f, ok := g.s.Detector.First(d); ok {
			return f, true
		}
	}
	return sensitive.Finding{}, false
}

// decodings yields what s reads as once its JSON escapes are decoded
// (jsonscan.UnescapeText), then what that reads as, up to maxDecodings
// times, while a decoding changes the text: the readings identifyingDecoded,
// holdsWordDecoded and exponentIsRawID look in. Text without a backslash
// yields nothing, for one search.
func decodings(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for range maxDecodings {
			if strings.IndexByte(s, '\\') < 0 {
				return
			}
			d := string(jsonscan.UnescapeText(nil, s))
			if d == s || !yield(d) {
				return
			}
			s = d
		}
	}
}

// withDecodings yields s, then its decodings.
func withDecodings(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if yield(s) {
			decodings(s)(yield)
		}
	}
}
