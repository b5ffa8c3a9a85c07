package personalize

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/internal/jsontext"
	"github.com/personalizeguard/personalizeguard/internal/securetransport"
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
//     Region, in the context and in the signature's scope), holds the
//     request line (POST /) and X-Amz-Target of the copy it sends to the
//     operation checked, scans the URL's path and query
//     and the headers a caller can set, and walks the JSON body with the
//     same field rules as the Initialize check; a KMS key or S3 location
//     must be one the Initialize checks verified (a location, at the member
//     they verified it at), and the configured key must be at every key
//     place;
//   - then it sends the request itself, through the HTTP client the guard
//     hardened when the client was built, and does not hand it on: nothing
//     runs between the check and the send, and a per-call HTTPClient is
//     never given a request.

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
	// posture are the Initialize steps after the SDK's validation on the
	// client (see Guard.postureFor); nil for the guard's own clients.
	posture []*step
}

func (m *wireGate) owner() *Guard { return m.g }

func (*wireGate) ID() string { return IDWireGate }

func (m *wireGate) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	if !m.content {
		// The guard's own clients: the transport rules, then on as usual.
		if _, err := securetransport.Request(ctx, middleware.GetOperationName(ctx), in, m.g.s.region); err != nil {
			return middleware.DeserializeOutput{}, middleware.Metadata{}, err
		}
		return next.HandleDeserialize(ctx, in)
	}
	// The call's state, held until the gate returns: a hook that hands
	// the request on from another goroutine and returns can end the call
	// meanwhile, and the state is then not pooled again (see callRef).
	ref := refFrom(ctx)
	st := ref.Enter()
	if st != nil {
		defer ref.Exit()
	}
	checks := m.checks(st)
	// GateOp with the context's operation, as Gate would pass it, without
	// Gate's frame between.
	out, md, err := securetransport.GateOp(ctx, middleware.GetOperationName(ctx), in, checks, m.g.s.region, m.send, m.g.s.Detector, &m.g.cleanHeaders)
	if err != nil {
		nameRefusal(checks, err)
	}
	return out, md, err
}

// nameRefusal names the gate's refusal err after the call's operation.
// The gate names a refusal after the context's operation, which a hook can
// rename: Ran refuses that, but the transport rules refuse before it asks.
// Named after the call's, as the audit event is. Out of line: the gate's
// every-call path does not carry it.
//
//go:noinline
func nameRefusal(checks securetransport.GateChecks, err error) {
	var sg *SafeguardError
	if st, ok := checks.(*callState); ok && st.op != nil && errors.As(err, &sg) {
		sg.Operation = st.op.name
	}
}

// checks returns the gate's checks for a call whose state is st: the
// state, looked up once by the gate rather than in each check, when this
// guard's pool made it. Otherwise the gate's own checks look again, and
// Ran refuses the call: without a state the audit middleware did not run,
// or the call ended; with another Guard's, this gate runs in that Guard's
// call, or that Guard's gate in this one's.
func (m *wireGate) checks(st *callState) securetransport.GateChecks {
	// Nothing is written to the state: two sends of one attempt (a
	// hedging hook) can run the gate at once. A gate without a send
	// (AddMiddleware's, on a client the guard did not secure) checks
	// through itself, and its Ran refuses.
	if st != nil && st.g == m.g && m.send != nil {
		return st
	}
	return m
}

// The wire gate's checks (securetransport.GateChecks), on the gate, which
// looks the call's state up in ctx, and on the state itself, whose guard is
// the gate's and whose gate is the one checking the call.

func (m *wireGate) Ran(ctx context.Context, op string) error {
	if refFrom(ctx).Ended() {
		return m.g.refuseUnguarded(ctx, guarderr.CallEnded(op))
	}
	return m.ran(ctx, op, stateFrom(ctx))
}

func (m *wireGate) Violation(ctx context.Context, err *SafeguardError) error {
	return m.g.violation(ctx, stateFrom(ctx), err)
}

func (m *wireGate) CheckBody(ctx context.Context, op, body string) error {
	return m.g.checkBody(ctx, op, body)
}

func (*wireGate) CheckSent(_ context.Context, op string, sent *http.Request) error {
	return checkSent(op, sent)
}

func (m *wireGate) CheckSigner(ctx context.Context, op, accessKeyID string) error {
	return m.g.checkSigner(op, stateFrom(ctx), accessKeyID)
}

// Ran is ran's answer for the call of every day, in the state's own
// frame: the state is the gate's guard's (checks made it so), every step
// of its operation ran, under the name the gate was given, on a client the
// guard secured. Anything else is ran's to name.
func (st *callState) Ran(ctx context.Context, op string) error {
	if st.op != nil && st.passedAll(st.op.stages) && st.op.name == op {
		return nil
	}
	return st.g.ranOn(ctx, op, st)
}

func (st *callState) Violation(_ context.Context, err *SafeguardError) error {
	return st.g.violationOn(st, err)
}

func (st *callState) CheckBody(ctx context.Context, op, body string) error {
	return st.g.checkBodyOn(ctx, op, st, body)
}

// CheckSent is checkSent's body, in the method the gate calls on every
// call, without checkSent's frame between; checkSent calls it (it reads
// nothing of the state).
func (*callState) CheckSent(_ context.Context, op string, sent *http.Request) error {
	if sg := securetransport.CheckRequestLine(op, sent, http.MethodPost, "/"); sg != nil {
		return sg
	}
	// Indexed by the canonical names: the gate has refused a request with
	// a name in another form (one net/http would send beside these).
	t := sent.Header["X-Amz-Target"]
	if len(t) != 1 || !strings.HasPrefix(t[0], targetPrefix) || t[0][len(targetPrefix):] != op {
		return targetChanged(op)
	}
	return nil
}

// targetChanged is CheckSent's refusal of another X-Amz-Target.
//
//go:noinline
func targetChanged(op string) error {
	return &SafeguardError{Operation: op, Field: "header", Rule: RuleRequestChanged,
		Reason: "the request's X-Amz-Target names another operation than the one the guard checked: something after the guard's checks set it"}
}

func (st *callState) CheckSigner(_ context.Context, op, accessKeyID string) error {
	return st.g.checkSigner(op, st, accessKeyID)
}

// ran refuses a call on which a safeguard middleware did not run, or whose
// client the guard did not secure; st is the call's state, nil when the
// audit middleware did not run.
func (m *wireGate) ran(ctx context.Context, op string, st *callState) error {
	if err := m.g.ranOn(ctx, op, st); err != nil {
		return err
	}
	if m.send == nil {
		return &SafeguardError{Operation: op, Rule: RuleBypassed,
			Reason: "the guard's middleware is on a client the guard did not secure; build it with personalize.New or Guard.Option"}
	}
	return nil
}

// ranOn is ran's refusals but the unsecured client's, which a state's
// checks never meet (see wireGate.checks).
func (g *Guard) ranOn(ctx context.Context, op string, st *callState) error {
	if st.foreign(g) {
		return g.refuseForeign(ctx) // another Guard's gate, or this one in another Guard's call
	}
	if st == nil || !st.passedAll(g.stagesOf(st.op)) {
		return g.refuseUnguarded(ctx, &SafeguardError{Operation: op, Rule: RuleBypassed,
			Reason: "a safeguard was removed from this call; append to APIOptions in per-call options, never remove the guard's middleware"})
	}
	// The audit step took the operation from the stack; the context names
	// the one the gate and the other steps read. A hook that renamed it
	// had the request checked by another operation's rules.
	if st.op != nil && st.op.name != op || st.op == nil && g.ops[op] != nil {
		if st.op != nil {
			op = st.op.name // the one the SDK sends
		}
		return g.refuseUnguarded(ctx, &SafeguardError{Operation: op, Rule: RuleRequestChanged,
			Reason: "the call's operation name was changed after the guard's middleware was added: something (an interceptor or middleware) set it"})
	}
	return nil
}

// checkSent holds what AWS reads of the call's request before its body to
// what the guard checked: on awsJson1_1, "POST /" and the operation the
// X-Amz-Target header names; the guard checked the operation the SDK built
// the stack for. (The Region the signature names is the gate's to check,
// for every client: securetransport.GateOp.) sent is the gate's own copy,
// the request that goes out, made once the request's stream (whose own
// code can change the request) was read: nothing else holds it, so no
// hook or other goroutine can change it between this check and the send.
// Refused in report-only mode too: what would go out is not what was
// checked. op is the operation Ran held to the call's state and CheckBody
// checks the body by, not the state's read again.
func checkSent(op string, sent *http.Request) error {
	return (*callState)(nil).CheckSent(context.Background(), op, sent)
}

// targetPrefix starts the X-Amz-Target of every Personalize operation.
const targetPrefix = "AmazonPersonalize."

// checkBody walks the serialized JSON body of op with the same field rules
// as the Initialize check.
func (g *Guard) checkBody(ctx context.Context, op, body string) error {
	return g.checkBodyOn(ctx, op, stateFrom(ctx), body)
}

// checkBodyOn is checkBody for a caller that holds the call's state, st
// (nil when the audit middleware did not run).
func (g *Guard) checkBodyOn(ctx context.Context, op string, st *callState, body string) error {
	if body == "" {
		return nil
	}
	w := newWalkerState(g, ctx, st, true, body)
	defer w.release()
	var sc jsonscan.Scanner
	sc.Reset(body)
	// The body's '{', and its end after, read on their own paths, not
	// Next's (see NextOpen).
	k := sc.NextOpen()
	if k == jsonscan.Invalid {
		var err error
		if k, err = sc.Next(); err != nil {
			return w.wireSyntax()
		}
	}
	var bop *boundOp
	var stOp *boundOp
	if w.st != nil {
		stOp = w.st.op // read once: the name compared is the entry used
	}
	if stOp != nil && stOp.name == op {
		bop = stOp // the audit step looked it up by the same name
	} else {
		bop = g.ops[op]
	}
	if bop == nil {
		return w.failAt("", RuleUnknownOperation, unknownOperationReason)
	}
	n := bop.input
	w.root = n
	if err := w.walkWire(n, &sc, k); err != nil {
		return err
	}
	if sc.AtEnd() {
		return nil
	}
	if k, err := sc.Next(); err != nil || k != jsonscan.End {
		return w.wireSyntax()
	}
	return nil
}

func (w *walker) wireSyntax() error {
	// Not for report-only mode: a body the guard cannot read is not a body
	// it checked.
	return &SafeguardError{Operation: opName(w.ctx, w.st), Rule: RuleBodyUnchecked, Reason: "the request body is not one JSON document"}
}

// walkWire checks the JSON value whose first token k was just read, along n.
func (w *walker) walkWire(n *node, sc *jsonscan.Scanner, k jsonscan.Kind) error {
	if n == nil {
		return w.scanUnknown(sc, k)
	}
	switch n.kind {
	case kindOther:
		if k == jsonscan.Number {
			return w.scanModelNumber(sc.Raw())
		}
		return w.scanUnknown(sc, k)
	case kindString:
		if k != jsonscan.String {
			return w.scanUnknown(sc, k)
		}
		w.place = n
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
			// A list of objects, and its end, read on their own paths,
			// not Next's (see NextOpen).
			var err error
			ek := sc.NextOpen()
			if ek == jsonscan.Invalid {
				if sc.NextArrayEnd() {
					return nil
				}
				if ek, err = sc.Next(); err != nil {
					return w.wireSyntax()
				}
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
			if e := n.elem; e != nil && e.kind == kindStruct && ek == jsonscan.BeginObject {
				err = w.walkWireStruct(e, sc) // walkWire's case, without the call
			} else {
				err = w.walkWire(e, sc, ek)
			}
			if err != nil {
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
			entry := mapEntry{body: w.body, objAt: objAt, rawKey: sc.Raw()}
			key := sc.Text()
			w.pushEntry(1, entry)
			if err := w.check(n.keyRule, n.keyShape, n.keyEnum, key); err != nil {
				return err
			}
			w.pop()
			vk, err := sc.Next()
			if err != nil {
				return w.wireSyntax()
			}
			w.pushEntry(2, entry)
			if err := w.walkWire(n.elem, sc, vk); err != nil {
				return err
			}
			if n.elem != nil && pairedValue(n.elem) {
				if err := w.scanPairAt(key, sc, vk); err != nil {
					return err
				}
			}
			w.pop()
		}
	}
	return nil
}

func (w *walker) walkWireStruct(n *node, sc *jsonscan.Scanner) error {
	objAt := sc.Offset() // its '{'
	var keySeen, roleSeen bool
	tagK, tagV := tagPair(n) // nil but in a tag
	if tagK != nil {
		w.tag = tagRead{}
	}
	var seen uint64 // members met so far, by position in n.fields
	next := 0       // the position after the last member found
	for {
		var child *node
		if j := sc.NextKeyIn(n.keys, next); j >= 0 {
			// The SDK writes a structure's members in the table's order,
			// as they are: the name is one of those after the last one
			// found, read and compared in one pass. Else the name is read
			// and looked up (memberFold included).
			child = n.keyFields[j]
		} else if sc.NextObjectEnd() {
			break // the structure's end, as Next would read it
		} else if j := sc.NextKeyIn(n.keys[:min(next, len(n.keys))], 0); j >= 0 {
			// One of those before it (a body the SDK did not write): found
			// exactly as memberAt would; a member twice is refused below
			// all the same.
			child = n.keyFields[j]
		} else {
			kk, err := sc.Next()
			if err != nil {
				return w.wireSyntax()
			}
			if kk == jsonscan.EndObject {
				break
			}
			child = n.wireMember(sc.Text(), next)
		}
		if child == nil {
			// A member the table does not have: added by a hook or a newer
			// SDK. Its name is data, so the path does not show it.
			return w.failAt(joinPath(w.path(), "(unknown member)"), RuleUnknownMember, unknownMemberReason)
		}
		next = child.pos + 1
		// A member twice is one value for some readers and the other for
		// others (the last wins in encoding/json).
		if bit := uint64(1) << (uint(child.pos) % 64); seen&bit != 0 {
			return w.failAt(joinPath(w.path(), child.name), RuleBodyUnchecked, "the request body repeats a member; readers disagree on which value counts")
		} else {
			seen |= bit
		}
		w.push(segment{name: child.name, index: -1})
		if child.rule == ruleSchema && w.st != nil && w.st.schema != "" &&
			(sc.NextQuotedIs(w.st.schemaQuoted) || sc.NextStringIs(w.st.schema)) {
			// checkSchema's own shortcut (the Initialize check read these
			// very bytes): the serialized value is the checked schema
			// written as the Initialize check wrote it, one comparison of
			// bytes; else (a serializer that escapes otherwise) a pass
			// that validates the string and compares it as it decodes it.
			w.pop()
			continue
		}
		// Most members are strings the SDK wrote plain: read on their own
		// path, without Next's for every kind of token.
		vk := jsonscan.String
		if !sc.NextPlainString() {
			// Else most are a list or an object (see NextOpen).
			if vk = sc.NextOpen(); vk == jsonscan.Invalid {
				var err error
				if vk, err = sc.Next(); err != nil {
					return w.wireSyntax()
				}
			}
		}
		if vk != jsonscan.String {
			if tagK != nil && child == tagV && vk == jsonscan.Number {
				w.tag.value, w.tag.number = sc.Raw(), true
			}
			if err := w.walkWire(child, sc, vk); err != nil {
				return err
			}
			w.pop()
			continue
		}
		if sc.Raw() != "" {
			keySeen = keySeen || child.rule == ruleKMSKey
			roleSeen = roleSeen || child.bound == boundRole
			if child.bound != boundNone {
				if err := w.checkBound(n, child, sc); err != nil {
					return err
				}
			}
		}
		if child.kind == kindString {
			// walkWire's case for a string, without the call, and the
			// text decoded once for it and the tag.
			s := sc.Text()
			if tagK != nil {
				w.tag.note(child == tagK, child == tagV, s)
			}
			w.place = child
			switch {
			case child.rule == ruleKMSKey || child.rule == ruleS3Location:
				// check's case for a key or a location on the wire, which
				// the passed notes never take (see passable), without the
				// calls that would look for one.
				if err := w.checkWirePlace(child.rule, s); err != nil {
					return err
				}
			case !w.passedNext(child, s) && !w.passedLast(child, s):
				if err := w.checkMissed(child, s); err != nil {
					return err
				}
			}
		} else {
			if tagK != nil {
				w.tag.note(child == tagK, child == tagV, sc.Text())
			}
			if err := w.walkWire(child, sc, vk); err != nil {
				return err
			}
		}
		w.pop()
	}
	if n.valueName != nil {
		if err := w.scanWireNamedValues(n, objAt); err != nil {
			return err
		}
	}
	if t := &w.tag; tagK != nil && t.key != "" && t.value != "" {
		w.push(segment{name: tagV.name, index: -1})
		// The Initialize walk's test (walkTag's): a value Named would not
		// join to its key is not read, without EachNamed's call. A
		// number's forms are read all the same: "1e6" is 1000000.
		var err error
		if w.mayNeedName(t.value) {
			err = w.scanPair(t.key, t.value)
		}
		if err == nil && t.number {
			err = w.scanPairForms(t.key, t.value)
		}
		if err != nil {
			return err
		}
		w.pop()
	}
	if n.keyHolder && (!keySeen || n.roleHolder && !roleSeen) {
		return w.keyOrRoleMissing(n, keySeen)
	}
	return nil
}

// keyOrRoleMissing is walkWireStruct's end of the key-holding structure n
// as sent without its key (keySeen false) or its role. With a configured
// key, the Initialize step put it in wherever the caller left none, and the
// role with it: missing here, a hook removed them. Without one, only a key
// the caller named can be missing (a role then is the caller's affair and
// AWS's). A key or role the Initialize checks put in or noted there (the
// caller's own is noted whether it passed or not; a role is noted by the
// posture check, or by injectKeys' act when it put the configured one in,
// which holds with the posture checks skipped) was removed after them:
// refused in report-only mode too, as a key changed after them is
// (checkWirePlace), since the request would create an unencrypted resource
// that nothing checked. Any other absence is its KMS rule's, which
// report-only mode logs.
//
//go:noinline
func (w *walker) keyOrRoleMissing(n *node, keySeen bool) error {
	configured := w.g.s.KMSKeyARN != ""
	if !keySeen {
		noted := w.st != nil && w.st.keyNotedAt(n.byMember["kmsKeyArn"])
		if !configured && !noted {
			return nil // the caller named no key here
		}
		return w.missingAfterChecks(noted, "KmsKeyArn", RuleKMSKeyMissing,
			"the key the guard checked or put in is missing from the request as sent: something after the guard's check removed it")
	}
	if !configured {
		return nil
	}
	return w.missingAfterChecks(w.st != nil && (len(w.st.roles) > 0 || w.st.acted&actedRoleInjected != 0), "RoleArn", RuleKMSKeyWithoutRole,
		"the role is missing from the request as sent: something after the guard's check removed it")
}

// missingAfterChecks refuses the structure's member as sent without it: in
// report-only mode too when the Initialize checks noted a value there
// (removed after them), else by rule as any violation.
func (w *walker) missingAfterChecks(noted bool, member, rule, reason string) error {
	if noted {
		return &SafeguardError{Operation: opName(w.ctx, w.st), Field: joinPath(w.path(), member), Rule: rule, Reason: reason}
	}
	return w.failAt(joinPath(w.path(), member), rule, reason)
}

// passedNext reports whether s, the string just read for the member n, is
// the entry of the Initialize check's passed strings that the wire walk
// reaches next (see walker.passedBefore, whose first test this is), under
// n's rule and shape: check would take it as passed and do nothing else,
// so the member costs no call of check. The SDK writes the members in the
// order the Initialize check met them, so this is nearly every string of a
// body; any other (one a hook changed, moved or added, one under another
// rule or shape, one out of order) goes to passedLast, then to check,
// which looks in the whole list and checks it in full when it is not
// there. The rules check settles before it asks passedBefore (an enum, a
// schema, a KMS key or an S3 location) never pass here.
func (w *walker) passedNext(n *node, s string) bool {
	st := w.st
	if st == nil || w.passedAt >= len(st.passed) {
		return false
	}
	sh := n.shape
	if sh == nil {
		sh = shapeUnknown // as check has it
	}
	p := &st.passed[w.passedAt]
	if p.rule != n.rule || p.sh != sh || p.s != s || !passable(n.rule) {
		return false
	}
	w.passedAt++
	return true
}

// passedLast is passedNext for the list's last entry, which it leaves the
// cursor before: the values the guard puts in itself (the role of
// precheckRoles) are noted after the Initialize walk's, at the list's end,
// whatever member they are sent at, and the members after it are still
// met in the walk's order. Apart from passedNext, which is inlined in the
// walk.
func (w *walker) passedLast(n *node, s string) bool {
	st := w.st
	if st == nil || !w.wire {
		return false
	}
	last := len(st.passed) - 1
	if last < 0 || last == w.passedAt {
		return false // none, or the one passedNext tested
	}
	sh := n.shape
	if sh == nil {
		sh = shapeUnknown
	}
	p := &st.passed[last]
	return p.rule == n.rule && p.sh == sh && p.s == s && passable(n.rule)
}

// passable reports whether check asks passedBefore (or the passed memo,
// see memoizable) about a string under rule: not for the rules it settles
// before (an enum, a schema, a KMS key or an S3 location). One test of a
// bit, so that passedNext is inlined.
func passable(rule fieldRule) bool {
	const settled = 1<<ruleEnum | 1<<ruleSchema | 1<<ruleS3Location | 1<<ruleKMSKey
	return settled>>rule&1 == 0
}

// checkMissed is check for the string s of member n, which passedNext did
// not take. check's passedBefore looks in the whole list, and moves the
// cursor past the entry it finds; one the walk meets out of the order the
// Initialize check noted it in (the role the guard put in, noted last)
// would leave the cursor past the entries the next members are, and each
// of them would be looked for in the whole list. The cursor is put back
// where the walk's order has it: it is only where passedNext and
// passedBefore look first, never what they take as passed.
func (w *walker) checkMissed(n *node, s string) error {
	st := w.st
	if st == nil {
		return w.check(n.rule, n.shape, n.enum, s)
	}
	at := w.passedAt
	err := w.check(n.rule, n.shape, n.enum, s)
	w.passedAt = at
	return err
}

// scanWireNamedValues is scanNamedValues for the object of node n that
// starts at objAt in the body, read whole once already (so well formed,
// each member once): its members come in any order, so it reads the object
// again, for the name, and then once more, for the values. Only a few
// structures of a few operations are such (see namedValues).
func (w *walker) scanWireNamedValues(n *node, objAt int) error {
	var name string
	err := eachWireMember(w.body[objAt:], n, func(f *node, sc *jsonscan.Scanner, vk jsonscan.Kind) error {
		if f == n.valueName && vk == jsonscan.String {
			name = sc.Text()
		}
		return nil
	})
	if err != nil || name == "" {
		return err
	}
	return eachWireMember(w.body[objAt:], n, func(f *node, sc *jsonscan.Scanner, vk jsonscan.Kind) error {
		if !slices.Contains(n.namedValues, f) {
			return nil
		}
		w.push(segment{name: f.name, index: -1})
		defer w.pop()
		if vk != jsonscan.BeginArray {
			return w.scanValueNamedAt(name, sc, vk)
		}
		for i := 0; ; i++ {
			ek, err := sc.Next()
			if err != nil || ek == jsonscan.EndArray {
				return err
			}
			w.push(segment{index: i})
			if err := w.scanValueNamedAt(name, sc, ek); err != nil {
				return err
			}
			w.pop()
			if err := sc.Skip(ek); err != nil {
				return err
			}
		}
	})
}

// scanValueNamedAt is scanValueNamed for the value sc has just read, of
// kind vk (see scanPairAt).
func (w *walker) scanValueNamedAt(name string, sc *jsonscan.Scanner, vk jsonscan.Kind) error {
	if vk == jsonscan.String {
		return w.scanValueNamed(name, sc.Text())
	}
	return w.scanPairAt(name, sc, vk)
}

// eachWireMember calls f with each member of the object obj starts with
// that the table has under n, the scanner on its value's first token of
// kind vk, and skips what f leaves of the value.
func eachWireMember(obj string, n *node, f func(member *node, sc *jsonscan.Scanner, vk jsonscan.Kind) error) error {
	var sc jsonscan.Scanner
	sc.Reset(obj)
	if _, err := sc.Next(); err != nil {
		return err
	}
	for {
		kk, err := sc.Next()
		if err != nil || kk == jsonscan.EndObject {
			return err
		}
		member := n.wireMember(sc.Text(), 0)
		vk, err := sc.Next()
		if err != nil {
			return err
		}
		depth := sc.Depth()
		if member != nil {
			if err := f(member, &sc, vk); err != nil {
				return err
			}
		}
		// What f left of the value: nothing of a scalar; of a container
		// it read to its end, nothing either.
		if (vk == jsonscan.BeginObject || vk == jsonscan.BeginArray) && sc.Depth() == depth {
			if err := sc.Skip(vk); err != nil {
				return err
			}
		}
	}
}

// checkBound holds the members the posture checks were made for to the
// values they were made with: the role a key's grants were evaluated for,
// the dataset whose group's key an import or export was checked against.
// A hook that changes them after the checks would otherwise send a request
// nobody checked. The current value of sc is decoded only for those two
// members: a schema's is 10 KiB.
func (w *walker) checkBound(parent, n *node, sc *jsonscan.Scanner) error {
	if w.st == nil || w.g.s.InsecureSkipPostureChecks || parent != w.root {
		return nil
	}
	switch {
	case n.bound == boundRole && len(w.st.roles) > 0 && !slices.Contains(w.st.roles, sc.Text()),
		n.bound == boundDataset && w.st.dataset != "" && sc.Text() != w.st.dataset:
		// A transport rule, refused in report-only mode too, as
		// checkWirePlace's is (the Initialize checks note the caller's own
		// role and dataset whether they passed or not).
		return w.changedAfterChecks()
	}
	return nil
}

// tagRead is a tag's key and value as read on the wire, to be read again
// together (see scanPair). It lives in the walker, not in walkWireStruct's
// registers, which every other structure of a body would pay for.
type tagRead struct {
	key, value string
	number     bool // value is a number's raw text
}

// note records the string s just read when it is the tag's key or value
// (a number for the value is noted where it is read).
func (t *tagRead) note(isKey, isValue bool, s string) {
	switch {
	case isKey:
		t.key = s
	case isValue:
		t.value, t.number = s, false
	}
}

// scanPairAt is scanPair for the value sc has just read, of kind vk: a
// string's text, or a number's raw text and forms, which a hook can write
// where the model has a string and a reader that coerces it takes as its
// digits.
func (w *walker) scanPairAt(key string, sc *jsonscan.Scanner, vk jsonscan.Kind) error {
	switch vk {
	case jsonscan.String:
		return w.scanPair(key, sc.Text())
	case jsonscan.Number:
		if err := w.scanPair(key, sc.Raw()); err != nil {
			return err
		}
		return w.scanPairForms(key, sc.Raw())
	}
	return nil
}

// scanPairForms is scanPair for each form of the number raw beyond its raw
// text (jsontext.NumberForms).
func (w *walker) scanPairForms(key, raw string) error {
	var buf [48]byte
	for _, form := range jsontext.NumberForms(raw, &buf) {
		if err := w.scanPair(key, form); err != nil {
			return err
		}
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
// allow-lists and for posture, at the member w.place they saw it at.
func (w *walker) checkWirePlace(rule fieldRule, s string) error {
	if rule == ruleKMSKey && (s != w.g.s.KMSKeyARN || !w.g.keyFits) && !shapeKmsKeyArn.fits(s) {
		return w.fail(RuleKMSKeyARN, "needs a key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)")
	}
	if rule == ruleS3Location && !shapeS3Location.fits(s) {
		return w.fail(RuleFieldLength, "must be at most 256 characters (API model, S3Location)")
	}
	switch {
	case w.st == nil:
	case rule == ruleKMSKey && w.st.sawKeyAt(s, w.place):
		// At its member, as a location: a job's input key swapped with
		// its output key is a job other than the one checked and audited.
		return nil
	case rule == ruleS3Location && w.st.sawLocationAt(s, w.place):
		// At the member it was checked at: a job's input checked as its
		// output would be written where the output allow-list and the
		// bucket check for writing never looked.
		return nil
	}
	// Refused in report-only mode too, as a renamed operation or swapped
	// input is. Report-only lets through what the caller asked for (the
	// Initialize checks record a key or location even when they refuse
	// it), never what a hook put in after them.
	return w.changedAfterChecks()
}

// changedAfterChecks refuses the member at the walk's path, whose value a
// hook changed after the Initialize checks: not w.fail, since report-only
// mode refuses it too (RuleRequestChanged is a transport rule).
func (w *walker) changedAfterChecks() error {
	return &SafeguardError{Operation: opName(w.ctx, w.st), Field: w.path(), Rule: RuleRequestChanged,
		Reason: "the value changed after the guard checked it: something after the guard's check (an interceptor or middleware) set it"}
}

// scanUnknown reads a value the plan has no rule for, checking every string
// and number in it as free-form text.
func (w *walker) scanUnknown(sc *jsonscan.Scanner, k jsonscan.Kind) error {
	if err := jsontext.EachNamedText(sc, k, "", w.scanNamed); err != nil {
		if errors.Is(err, jsontext.ErrSyntax) {
			return w.wireSyntax()
		}
		return err
	}
	return nil
}

// scanModelNumber scans a number where the model has one (a weight, a
// threshold, a range's bound): its text and the forms a reader takes as its
// value (jsontext.DataNumberForms): its integer digits
// (4.539703692581474e15), and the float64 it rounds to
// (4539703692581473.99999999 is ...474). Not its significant digits:
// every reader of a double takes 0.3888888888888889 (7/18) as the fraction
// it is, and about one fraction in forty reads as a card number by its
// digits.
func (w *walker) scanModelNumber(raw string) error {
	if err := w.scanText(raw); err != nil {
		return err
	}
	var buf [48]byte
	for _, form := range jsontext.DataNumberForms(raw, &buf) {
		if err := w.scanText(form); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) scanText(s string) error {
	return w.check(ruleFreeForm, shapeUnknown, nil, s)
}

// scanNamed scans s, and s again after the member name it stands under
// and after each of its ancestors' (see scanPair): a hook's object where
// the model has a string or a number, {"acct": 912803456}, is read as
// "acct = 912803456".
func (w *walker) scanNamed(name string, ancestors []string, s string) error {
	return jsontext.ScanNamed(w.scanText, w.scanPair, name, ancestors, s)
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

// refuseUnguarded writes the audit event of a call that the guard refuses
// without its audit middleware having run, which would otherwise go
// unrecorded.
func (g *Guard) refuseUnguarded(ctx context.Context, err *SafeguardError) error {
	if l := g.s.audit(); stateFrom(ctx) == nil && l != nil {
		g.writeAudit(ctx, l, &callState{}, middleware.Metadata{}, err, 0)
	}
	return err
}
