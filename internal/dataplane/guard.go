// Package dataplane is the guard of the two data-plane clients,
// personalizeevents and personalizeruntime: the middleware, the call state,
// the pseudonymisation of identifiers and the wire gate that checks every
// string of the request as serialized and signed, then sends it. The
// transport rules, the audit event and the error types it uses are those of
// the control plane (internal/securetransport, internal/auditlog,
// internal/guarderr). Each client package describes its API with a table of
// [Node]s and a function that copies an input to replace its identifiers;
// everything else is here, once.
package dataplane

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/auditlog"
	"github.com/personalizeguard/personalizeguard/internal/callerid"
	"github.com/personalizeguard/personalizeguard/internal/callhold"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/jsontext"
	"github.com/personalizeguard/personalizeguard/internal/securetransport"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// Middleware IDs. They are stable, so other middleware can be placed
// relative to them; the audit, config and wire gate IDs are the control
// plane's.
const (
	IDAudit       = "PersonalizeGuard:Audit"       // Initialize, first: the call's state and its audit event
	IDIdentifiers = "PersonalizeGuard:Identifiers" // Initialize: userId and sessionId replaced by pseudonyms (on a copy)
	IDWireGate    = "PersonalizeGuard:WireGate"    // Deserialize, innermost: every field of the request as sent; sends it
	IDConfig      = securetransport.IDConfig       // Initialize: fails every call of a client the guard could not secure
)

// Actions name what a safeguard did on a call, in the audit event's
// "safeguards" list.
const (
	ActionFieldsChecked        = "model.fields-checked" // every string of the request as sent checked
	ActionUserPseudonymized    = "pseudonym.user-id"    // user IDs replaced by their pseudonyms
	ActionSessionPseudonymized = "pseudonym.session-id" // session IDs replaced by their pseudonyms
)

// Rules of the data plane, besides the shared ones of package guarderr.
const (
	RulePropertiesJSON = "model.properties-json" // a properties member is not one JSON object with unique names
	RuleIdentifier     = "identifier.pseudonym"  // an identifier could not be pseudonymised
	// RuleRawIdentifier: with a Pseudonymizer, another field of the request
	// holds a user ID of the call as given, which the pseudonym replaced in
	// its own field (see walker.rawIDIn).
	RuleRawIdentifier = "identifier.raw-elsewhere"
)

// API describes one data-plane API to the guard.
type API struct {
	// Operations maps each operation's name to its input structure, by the
	// members' JSON names.
	Operations map[string]*Node
	// RequestLines maps each operation's name to the method and path AWS
	// runs it by, from the API model: the wire gate holds the request it
	// sends to its operation's (see securetransport.CheckRequestLine).
	RequestLines map[string]RequestLine
	// Catalogue names the operations whose properties describe the
	// catalogue (items, actions): only there do Policy.InsecurePublicProperties
	// apply. The properties of users and events describe people and what
	// they did, and are always scanned.
	Catalogue map[string]bool
	// Pseudonymize returns params with its user and session IDs replaced
	// through ids. It copies what it changes: params, the caller's, stays
	// as it was.
	Pseudonymize func(params any, ids *IDs) (any, error)
}

// RequestLine is the HTTP method and path of an operation of a REST-JSON
// API, as the model's http trait gives them (a fixed path: no operation of
// the data-plane APIs has labels in it).
type RequestLine struct{ Method, Path string }

// Guard holds a validated Policy and the middleware. One Guard can secure
// many clients of either API; it is safe for concurrent use.
type Guard struct {
	s            *settings
	api          *API
	audit, ids   *step
	callers      *callerid.Checker // nil with InsecureAllowRootCredentials
	dumpWarning  securetransport.DumpWarning
	cleanHeaders securetransport.CleanTexts // header values found clean
	clean        securetransport.CleanTexts // body strings found clean
	keywords     *jsontext.Keywords         // the names the detector takes for keywords (see jsontext.Named)
	// cleanARNs are the ARNs found in their pattern and clean in their
	// resource: a service calls the same campaign, recommender or filter
	// on every call, and the check of an ARN depends on its text alone.
	cleanARNs securetransport.CleanTexts
	// lastARN is the last ARN cleanARNs took in: a service calls one
	// campaign or recommender on nearly every call, and comparing it costs
	// less than the memo's lookup, which hashes it.
	lastARN atomic.Pointer[string]
	// props remembers, per properties member of the API and whether its
	// operation is a catalogue's, the documents (as written in the body)
	// that passed every check: ten events of one page view carry the
	// same few. Built at construction; read without a lock.
	props map[*Node]*[2]securetransport.CleanTexts
	// ops is api.Operations, api.Catalogue and api.RequestLines in one
	// list, by name (see Guard.op).
	ops []operation
	// states holds the guard's call states (see handleAudit): the guard's
	// own, so that a state's guard, set when the pool makes it, never
	// changes.
	states sync.Pool
	// reportMu guards the call states' reported lists, which two sends of
	// one attempt (a hedging hook) append to at once. Taken only in
	// report-only mode.
	reportMu sync.Mutex
}

// operation is what the wire gate reads of one operation's API table.
type operation struct {
	name      string
	root      *Node
	catalogue bool
	line      RequestLine
}

// op returns the table's entry for the operation name; one with no root
// and no request line, which the wire gate refuses, when the table has
// none. The APIs have three and five operations: comparing the name with
// each costs less than hashing it for a map's lookup, twice a call (the
// gate's request line and its body), and the SDK's name and the table's
// are one string constant, compared by pointer first.
func (g *Guard) op(name string) *operation {
	for i := range g.ops {
		if g.ops[i].name == name {
			return &g.ops[i]
		}
	}
	return &noOperation
}

// noOperation is Guard.op's answer for an operation the table lacks.
var noOperation operation

// NewGuard validates p for clients in cfg's Region. The guard's own STS
// client is built from cfg.
func NewGuard(cfg aws.Config, p Policy, api *API) (*Guard, error) {
	s, err := p.validate(cfg.Region)
	if err != nil {
		return nil, err
	}
	g := &Guard{s: s, api: api, props: map[*Node]*[2]securetransport.CleanTexts{}, ops: make([]operation, 0, len(api.Operations)),
		keywords: jsontext.NewKeywords(s.Detector)}
	g.cleanHeaders.Keywords = g.keywords
	for _, op := range slices.Sorted(maps.Keys(api.Operations)) {
		root := api.Operations[op]
		g.addProperties(root, map[*Node]bool{})
		g.ops = append(g.ops, operation{name: op, root: root, catalogue: api.Catalogue[op], line: api.RequestLines[op]})
	}
	g.states.New = func() any { return &callState{g: g} }
	g.audit = &step{id: IDAudit, g: g, handle: g.handleAudit}
	g.ids = &step{id: IDIdentifiers, g: g, handle: g.handleIdentifiers}
	if s.checksCaller() {
		if g.callers, err = g.newCallerChecker(cfg); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// addProperties gives every properties member under n a memo in g.props.
func (g *Guard) addProperties(n *Node, seen map[*Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	if n.Rule == RuleProperties && g.props[n] == nil {
		g.props[n] = new([2]securetransport.CleanTexts)
	}
	for _, m := range n.Members {
		g.addProperties(m, seen)
	}
	g.addProperties(n.Elem, seen)
	g.addProperties(n.Key, seen)
}

// ClientOptions are the settings of one SDK client's Options the guard
// reads and replaces; the client packages copy them from and back to their
// SDK's Options.
type ClientOptions struct {
	Region        string
	BaseEndpoint  *string
	DisableHTTPS  bool
	HTTPClient    aws.HTTPClient
	ClientLogMode aws.ClientLogMode
	Logger        logging.Logger
	APIOptions    []func(*middleware.Stack) error
	Credentials   aws.CredentialsProvider // replaced by a cache around it (callerid.Cached), which the identity step checks
}

// Apply installs the guard on a client's options. A client the guard cannot
// secure gets an HTTP client that refuses every call, and every call fails
// with the returned *ConfigError, audited.
func (g *Guard) Apply(o *ClientOptions) error {
	if g == nil || g.s == nil {
		o.HTTPClient, o.APIOptions = securetransport.RefuseZeroGuard(o.APIOptions)
		return securetransport.ErrZeroGuard
	}
	if rc, ok := o.HTTPClient.(*securetransport.RefusingClient); ok && rc.Owner == g && rc.Refused == nil {
		o.HTTPClient = rc.Send // the option applied twice: secure the same transport once
	}
	var err error
	if rc, ok := o.HTTPClient.(*securetransport.RefusingClient); ok && rc.Owner != g {
		err = errSecondGuard
	} else if o.Region != g.s.region {
		err = &guarderr.ConfigError{Field: "Region", Reason: "differs from the Region the guard was made for"}
	} else {
		var hc aws.HTTPClient
		var dumped bool
		hc, o.ClientLogMode, dumped, err = securetransport.Secure(o.BaseEndpoint, o.DisableHTTPS, o.HTTPClient, o.ClientLogMode,
			g.s.minTLS, g.s.InsecureAllowUnverifiableHTTPClient)
		if err == nil {
			if dumped {
				g.dumpWarning.Warn(o.Logger, g.s.audit())
			}
			// The gate sends through the hardened client; the client's own
			// HTTPClient refuses whatever bypasses the gate.
			tc := hc.(securetransport.TLSClient)
			// The identity step and the signer read the same
			// credentials: a cache around the client's provider, unless
			// it is a static one (see callerid.Cached).
			o.Credentials = callerid.Cached(o.Credentials)
			gate := &wireGate{g: g, send: tc, identity: g.identityStep(o.Credentials)}
			o.HTTPClient = &securetransport.RefusingClient{Owner: g, Send: tc, Audit: g.refuseUnguarded}
			o.APIOptions = append(slices.Clip(o.APIOptions), func(stack *middleware.Stack) error { return g.addMiddleware(stack, gate) })
			return nil
		}
	}
	o.HTTPClient = &securetransport.RefusingClient{Owner: g, Refused: err, Audit: g.refuseUnguarded}
	o.APIOptions = append(slices.Clip(o.APIOptions), func(stack *middleware.Stack) error {
		if _, ok := stack.Initialize.Get(IDConfig); ok {
			return nil
		}
		return stack.Initialize.Add(&step{id: IDConfig, g: g, handle: g.refuseAll(err)}, middleware.Before)
	})
	return err
}

var errSecondGuard = &guarderr.ConfigError{Field: "APIOptions", Reason: "a second Guard with another Policy is installed on this client; use one Guard per client"}

// addMiddleware registers the audit and identifier steps at the front of
// Initialize, before the SDK's validation, the identity step at its end,
// after the validation, and the gate innermost in Deserialize, after every
// middleware the client and the config added.
//
// It runs on every call, on a new stack. Each Get walks a step's list, so
// only the audit step is looked for: a Guard's middleware come in together,
// audit step first, so without an audit step on the stack, no Guard's
// addMiddleware ran on it, and this one adds its middleware without looking
// for the others. (Middleware placed by other means, under the guard's IDs
// or others, are refused on the call: see callState.foreign.) With an
// audit step, the option ran before: each middleware is looked for.
func (g *Guard) addMiddleware(stack *middleware.Stack, gate *wireGate) error {
	have, ok := stack.Initialize.Get(IDAudit)
	if ok {
		if owned, _ := have.(*step); owned == nil || owned.g != g {
			return errSecondGuard
		}
		return g.addMissingMiddleware(stack, gate)
	}
	// Both at the front, the audit step last so that it runs first: Add
	// does not walk the list, as Insert after the audit step would.
	if err := stack.Initialize.Add(g.ids, middleware.Before); err != nil {
		return err
	}
	if err := stack.Initialize.Add(g.audit, middleware.Before); err != nil {
		return err
	}
	if gate.identity != nil {
		if err := stack.Initialize.Add(gate.identity, middleware.After); err != nil {
			return err
		}
	}
	if err := stack.Deserialize.Add(gate, middleware.After); err != nil {
		return err
	}
	return securetransport.SilenceWireDumps(stack)
}

// addMissingMiddleware is addMiddleware on a stack that holds g's audit
// step already (the option applied twice): each of g's middleware is added
// unless it is there, and another Guard's under one of g's IDs refused.
func (g *Guard) addMissingMiddleware(stack *middleware.Stack, gate *wireGate) error {
	if have, ok := stack.Initialize.Get(IDIdentifiers); ok {
		if owned, _ := have.(*step); owned == nil || owned.g != g {
			return errSecondGuard
		}
	} else if err := stack.Initialize.Insert(g.ids, IDAudit, middleware.After); err != nil {
		return err
	}
	if gate.identity != nil {
		if have, ok := stack.Initialize.Get(IDCallerIdentity); ok {
			if owned, _ := have.(*step); owned == nil || owned.g != g {
				return errSecondGuard
			}
		} else if err := stack.Initialize.Add(gate.identity, middleware.After); err != nil {
			return err
		}
	}
	if have, ok := stack.Deserialize.Get(IDWireGate); ok {
		if owned, _ := have.(*wireGate); owned == nil || owned.g != g {
			return errSecondGuard
		}
	} else if err := stack.Deserialize.Add(gate, middleware.After); err != nil {
		return err
	}
	return securetransport.SilenceWireDumps(stack)
}

// step is one of the guard's Initialize middleware.
type step struct {
	id     string
	g      *Guard
	handle func(context.Context, middleware.InitializeInput, middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error)
}

func (s *step) ID() string { return s.id }

func (s *step) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	return s.handle(ctx, in, next)
}

// acted is a set of safeguards that acted on one call.
// It is a uint32 for sync/atomic: the wire gate's sends of one attempt set
// it at once (see callState.act).
type acted uint32

const (
	actedFields acted = 1 << iota
	actedUser
	actedSession
	actedCaller
)

var actedNames = [...]string{ActionFieldsChecked, ActionUserPseudonymized, ActionSessionPseudonymized, ActionCallerChecked}

func (a acted) names() []string {
	var out []string
	for i, n := range actedNames {
		if a&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// callState travels with one call from the audit step to the identifier
// step and the wire gate.
type callState struct {
	// g is the guard whose pool made the state; nil for a state made
	// elsewhere (tests). It never changes: the wire gate checks the call
	// through the state (see wireGate.checks), so that it looks
	// the state up once, not in each of its checks. Only g's steps and
	// gate may read or write the state: another Guard's refuse the call
	// (see guarderr.ForeignMiddleware).
	g     *Guard
	op    string     // the operation's name, read by the audit step (see wireGate.HandleDeserialize)
	entry *operation // the table's entry for op, looked up by the audit step; the gate only reads it
	// passes are the Initialize steps that passed the call on
	// (stepIdentifiers, stepCaller), set atomically as each calls its next
	// handler, after its checks: the gate asks for them, so that a hook
	// that keeps the chain after the steps and hands a request on to it
	// after a step refused, or while one still checks, is refused.
	passes uint32
	// steps are the Initialize steps that took the state (stepIdentifiers,
	// stepCaller), set atomically: a hook that hands the call on twice at
	// once has the second pass refused at the first step it reaches second,
	// before it reads or writes anything of the state.
	steps      uint32
	signer     string   // the access key ID whose principal the identity step looked up
	acted      acted    // what acted, for the audit event
	pseudonyms []string // the pseudonyms the identifier step put in
	// raw are the user IDs the pseudonyms replaced, as the caller gave
	// them (minRawID bytes or more), for the gate to refuse in any other
	// field; cleared as the call ends. Not session IDs: they are opaque
	// or a time (GA4's are the session's first second, which sentAt and
	// event IDs repeat), and one that holds an e-mail is the detector's.
	raw []string
	// rawEscaped notes that one of raw holds a byte a JSON encoder may
	// escape (a quote, a backslash, a slash, a control character, <, >,
	// &, anything not ASCII): it may read otherwise in a body, which the
	// gate then decodes, field by field, to look for it.
	rawEscaped bool
	// rawNumeric notes that one of raw is all digits: a number may spell
	// it in another form (1.2345678e+07, as Go's %v and Java write a large
	// float), which the gate then looks for (see exponentNumber).
	rawNumeric bool
	reported   []*guarderr.SafeguardError
	// ids is the identifier step's working state, kept here so that a
	// call does not allocate it. (The wire gate's walker is not: see
	// Guard.checkBody.)
	ids IDs
}

type stateKey struct{}

// foreign reports whether st is another Guard's than g: a state of no
// Guard (made outside a call) is no other Guard's, nor is no state.
func (st *callState) foreign(g *Guard) bool { return st != nil && st.g != nil && st.g != g }

// refFrom returns the call's hold on its state, the context's stack
// value: one per call, whereas the state is pooled (see callhold); nil
// outside the guard's middleware.
func refFrom(ctx context.Context) *callhold.Hold[callState] {
	r, _ := middleware.GetStackValue(ctx, stateKey{}).(*callhold.Hold[callState])
	return r
}

// stateFrom returns the call's state, or nil outside the guard's
// middleware and once the call ended. For a step or gate that holds it
// (see take); for the others, it answers for the moment.
func stateFrom(ctx context.Context) *callState { return refFrom(ctx).State() }

// take is the first move of the Initialize step noted as step: it returns
// the call's state, held until the step calls the hold's Exit (ref, when
// not nil, whatever the error), or the step's refusal: once the call ended
// (a hook handed the request on late), in another Guard's call (its
// pseudonyms or the key it looked up would pass for this Guard's), and on
// a second pass of the step in one call (a hook handed the call on
// twice). No state, no refusal, outside the guard's middleware.
func (g *Guard) take(ctx context.Context, step uint32) (st *callState, ref *callhold.Hold[callState], err error) {
	ref = refFrom(ctx)
	if ref == nil {
		return nil, nil, nil
	}
	if st = ref.Enter(); st == nil {
		return nil, nil, g.refuseUnguarded(ctx, guarderr.CallEnded(middleware.GetOperationName(ctx)))
	}
	if st.foreign(g) {
		return nil, ref, g.refuseForeign(ctx)
	}
	if st.passedTwice(step) {
		return nil, ref, g.refusePassedTwice(ctx)
	}
	return st, ref, nil
}

// handleAudit holds each call's state and writes its audit event.
func (g *Guard) handleAudit(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	var start time.Time
	if g.s.audit() != nil {
		start = time.Now()
	}
	if stateFrom(ctx).foreign(g) {
		// Another Guard's audit step ran ahead of this one: refused here,
		// so that this Guard's steps and gate see another Guard's state
		// only when this Guard's audit step did not run (and then record
		// their refusal themselves: see refuseForeign).
		return middleware.InitializeOutput{}, middleware.Metadata{}, g.refuseForeign(ctx)
	}
	// Pooled: a call's state lives exactly as long as this
	// HandleInitialize.
	st := g.states.Get().(*callState)
	// Read here, where the context's stack values are few, and not again
	// at the gate, where the SDK has added a dozen before it.
	st.op = middleware.GetOperationName(ctx)
	// Looked up here, before the gate, which only reads it: two sends of
	// one attempt can run the gate at once.
	st.entry = g.op(st.op)
	ref := callhold.New(st)
	ctx = middleware.WithStackValue(ctx, stateKey{}, ref)
	returned := false
	defer func() {
		if !returned {
			if !ref.End() {
				g.leaveHeld(ctx, ref, middleware.Metadata{}, auditlog.ErrPanicked, start)
				return
			}
			g.auditPanicked(ctx, st, start)
		}
	}()
	out, md, err := next.HandleInitialize(ctx, in)
	returned = true
	if !ref.End() {
		g.leaveHeld(ctx, ref, md, err, start)
		return out, md, err
	}
	g.writeAudit(ctx, st, md, err, start)
	clear(st.pseudonyms)
	clear(st.raw)
	clear(st.reported)
	*st = callState{g: st.g, pseudonyms: st.pseudonyms[:0], raw: st.raw[:0], reported: st.reported[:0]}
	g.states.Put(st)
	return out, md, err
}

// writeAudit writes the audit event of the call whose state is st.
func (g *Guard) writeAudit(ctx context.Context, st *callState, md middleware.Metadata, err error, start time.Time) {
	if l := g.s.audit(); auditlog.Enabled(ctx, l, err, len(st.reported)) {
		auditlog.Write(ctx, l, auditlog.Call{Err: err, Safeguards: st.acted.names(), Reported: st.reported, Metadata: md, Duration: time.Since(start)})
	}
}

// leaveHeld ends a call whose state a step or the wire gate still holds
// (a hook handed the request on from another goroutine and returned, or
// panicked): the last of them to let the state go writes the call's one
// audit event, with everything the steps and gate noted and reported.
//
//go:noinline
func (g *Guard) leaveHeld(ctx context.Context, ref *callhold.Hold[callState], md middleware.Metadata, err error, start time.Time) {
	ref.Leave(func(st *callState) { g.writeAudit(ctx, st, md, err, start) })
}

// auditPanicked writes the audit event of a call that a panic in a later
// step (a caller's hook, the transport) ended, as the panic passes the
// audit step (handleAudit defers it, unless the call returned): one event
// per call, even one a caller recovers from, sent or not. The state is
// not pooled again: a step may still hold it.
func (g *Guard) auditPanicked(ctx context.Context, st *callState, start time.Time) {
	if l := g.s.audit(); l != nil {
		auditlog.Write(ctx, l, auditlog.Call{Err: auditlog.ErrPanicked, Safeguards: st.acted.names(), Reported: st.reported, Duration: time.Since(start)})
	}
}

// handleIdentifiers replaces the input's user and session IDs with their
// pseudonyms, on a copy, when the Policy has a Pseudonymizer.
func (g *Guard) handleIdentifiers(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	st, ref, err := g.take(ctx, stepIdentifiers)
	if ref != nil {
		defer ref.Exit()
	}
	if err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	if g.s.Pseudonymizer != nil && st != nil {
		st.ids = IDs{g: g, ctx: ctx, st: st}
		params, err := g.api.Pseudonymize(in.Parameters, &st.ids)
		if err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
		in.Parameters = params
	}
	st.pass(stepIdentifiers)
	return next.HandleInitialize(ctx, in)
}

// IDs replaces identifiers for an API's Pseudonymize function.
type IDs struct {
	g   *Guard
	ctx context.Context
	st  *callState
}

// User sets *to to the pseudonym of *id and returns to; path names the
// member for an error. to is a string of the caller's copy of the input,
// allocated with it, so that the pseudonym's pointer costs no allocation of
// its own. A nil or empty ID is returned as it is, and to left alone: the
// API model decides whether it may be missing.
func (ids *IDs) User(path Path, id, to *string) (*string, error) {
	return ids.replace(path, id, to, false)
}

// Session is User for session IDs.
func (ids *IDs) Session(path Path, id, to *string) (*string, error) {
	return ids.replace(path, id, to, true)
}

func (ids *IDs) replace(path Path, id, to *string, session bool) (*string, error) {
	if id == nil || *id == "" {
		return id, nil
	}
	if isPseudonym(*id) {
		// Pseudonymising is not idempotent: a pseudonym given again would
		// get a second one, and one customer two pseudonyms.
		return nil, &guarderr.SafeguardError{Operation: middleware.GetOperationName(ids.ctx), Field: path.String(), Rule: RuleIdentifier,
			Reason: "the identifier is already a pseudonym; pass the raw ID, or use a client whose Policy has no Pseudonymizer"}
	}
	p := ids.g.s.Pseudonymizer
	var v string
	var err error
	if session {
		v, err = p.SessionID(*id)
		ids.st.act(actedSession)
	} else {
		v, err = p.UserID(*id)
		ids.st.act(actedUser)
	}
	if err != nil {
		return nil, &guarderr.SafeguardError{Operation: middleware.GetOperationName(ids.ctx), Field: path.String(), Rule: RuleIdentifier,
			Reason: "the identifier has no pseudonym", Err: err}
	}
	ids.st.pseudonyms = append(ids.st.pseudonyms, v)
	if !session && len(*id) >= minRawID && !slices.Contains(ids.st.raw, *id) {
		ids.st.raw = append(ids.st.raw, *id)
		_, numeric := numericID(*id)
		ids.st.rawNumeric = ids.st.rawNumeric || numeric
		ids.st.rawEscaped = ids.st.rawEscaped || strings.ContainsFunc(*id, func(r rune) bool {
			return r < 0x20 || r >= 0x7f || strings.ContainsRune(`"\/<>&`, r)
		})
	}
	*to = v
	return to, nil
}

// minRawID is the length from which the gate looks for a raw ID in other
// fields: shorter IDs ("42", "u1") are as likely to be an item ID or a
// price that happens to read the same, and identify no one on their own.
const minRawID = 6

// isPseudonym reports whether pseudonym.Parse accepts id. Parse builds an
// error for anything else, an allocation on every call for every raw ID;
// one whose length no pseudonym has is not given to it.
func isPseudonym(id string) bool {
	if len(id) < pseudonym.MinLen || len(id) > pseudonym.MaxLen {
		return false
	}
	_, err := pseudonym.Parse(id)
	return err == nil
}

// The Initialize steps, as callState.steps notes them.
const (
	stepIdentifiers uint32 = 1 << iota
	stepCaller
)

// pass notes that step passed the call on; a nil state notes nothing.
func (st *callState) pass(step uint32) {
	if st != nil {
		atomic.OrUint32(&st.passes, step)
	}
}

// passed reports whether step passed the call on.
func (st *callState) passed(step uint32) bool { return atomic.LoadUint32(&st.passes)&step != 0 }

// passedTwice notes that step took the call's state st, and reports
// whether it had before: a hook handed the call on twice.
func (st *callState) passedTwice(step uint32) bool {
	return atomic.OrUint32(&st.steps, step)&step != 0
}

// refusePassedTwice refuses the second pass of a step on one call: a hook
// handed the call on twice, and the steps are not written for two passes
// on one state. The refusal has an audit event of its own: the hook may
// drop it.
//
//go:noinline
func (g *Guard) refusePassedTwice(ctx context.Context) error {
	err := guarderr.PassedTwice(middleware.GetOperationName(ctx))
	if l := g.s.audit(); l != nil {
		auditlog.Write(ctx, l, auditlog.Call{Err: err})
	}
	return err
}

// refuseForeign is guarderr.ForeignMiddleware for one of g's middleware, audited in g's
// log: another Guard's state is the call's, so g's audit step did not run
// on the call (it refuses to run after another Guard's, and another
// Guard's after it), and the refusal would otherwise be recorded only in
// the other Guard's log.
func (g *Guard) refuseForeign(ctx context.Context) error {
	err := guarderr.ForeignMiddleware(middleware.GetOperationName(ctx))
	if l := g.s.audit(); l != nil {
		auditlog.Write(ctx, l, auditlog.Call{Err: err})
	}
	return err
}

// refuseAll is the Initialize step of a client the guard could not secure.
func (g *Guard) refuseAll(cause error) func(context.Context, middleware.InitializeInput, middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	return func(ctx context.Context, _ middleware.InitializeInput, _ middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		return middleware.InitializeOutput{}, middleware.Metadata{}, g.refuseUnguarded(ctx, guarderr.ClientRefused(middleware.GetOperationName(ctx), cause))
	}
}

// refuseUnguarded writes the audit event of a call refused without the
// audit step having run, which would otherwise go unrecorded.
func (g *Guard) refuseUnguarded(ctx context.Context, err *guarderr.SafeguardError) error {
	if l := g.s.audit(); stateFrom(ctx) == nil && l != nil {
		auditlog.Write(ctx, l, auditlog.Call{Err: err})
	}
	return err
}

// violation returns err, or in report-only mode records it for the audit
// event of st, the call's state (nil when the audit step did not run), and
// returns nil.
func (g *Guard) violation(st *callState, err *guarderr.SafeguardError) error {
	if !g.s.InsecureReportOnly {
		return err
	}
	if st != nil {
		// Under the lock: two sends of one attempt can report at once.
		g.reportMu.Lock()
		st.reported = guarderr.Reported(st.reported, err)
		g.reportMu.Unlock()
	}
	return nil
}

// act records that a safeguard acted. Atomic, and a load alone once the bit
// is set: the wire gate's sends of one attempt (a hedging hook) set the
// same bit at once, and the call of every day sets it once.
func (st *callState) act(a acted) {
	p := (*uint32)(&st.acted)
	if atomic.LoadUint32(p)&uint32(a) != uint32(a) {
		atomic.OrUint32(p, uint32(a))
	}
}

// NewClient builds an SDK client with newFromConfig and installs the guard
// with apply after the caller's optFns, so they cannot switch a safeguard
// off; a client the guard refuses to secure is not returned.
func NewClient[C, O any](cfg aws.Config, newFromConfig func(aws.Config, ...func(*O)) C, optFns []func(*O), apply func(*O) error) (C, error) {
	var applyErr error
	client := newFromConfig(cfg, append(slices.Clip(optFns), func(o *O) { applyErr = apply(o) })...)
	if applyErr != nil {
		var none C
		return none, applyErr
	}
	return client, nil
}
