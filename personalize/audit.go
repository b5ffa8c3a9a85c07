package personalize

import (
	"context"
	"log/slog"
	"math/bits"
	"slices"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/auditlog"
	"github.com/personalizeguard/personalizeguard/internal/callhold"
	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// acted is a set of safeguards that acted on one call, for the audit event.
type acted uint16

const (
	actedContent       acted = 1 << iota // free-form fields checked
	actedKeyInjected                     // the configured key was injected
	actedRoleInjected                    // the configured role was injected
	actedKeyAllowed                      // a caller's key was checked against the allow-list
	actedLocation                        // S3 locations parsed and allowed
	actedKeyReady                        // key readiness check passed (possibly cached)
	actedGroupKey                        // the import's dataset group key verified
	actedBucketPosture                   // bucket posture check passed
	actedObjectPosture                   // source object check passed
	actedImportScanned                   // the import source was scanned and is clean
	actedCallerChecked                   // the credentials are not the root user's (possibly cached)
)

// The audit event. Each call writes one record through Policy.Logger with
// the message AuditMessage and these attributes; names are stable, values
// never contain request data. A record of a refused call looks like:
//
//	{"time":"…","level":"WARN","msg":"personalize call","operation":"CreateDatasetGroup",
//	 "outcome":"rejected","rule":"sensitive.account-number","field":"Name","duration":57000}
//
// and of an allowed one:
//
//	{"time":"…","level":"INFO","msg":"personalize call","operation":"CreateDatasetGroup",
//	 "outcome":"allowed","safeguards":["model.fields-checked","kms.key-injected",
//	 "kms.role-injected","identity.caller-checked","kms.key-ready"],"request_id":"…","duration":1300000}
const (
	AuditMessage = auditlog.Message

	AuditKeyOperation  = auditlog.KeyOperation  // the API operation
	AuditKeyOutcome    = auditlog.KeyOutcome    // OutcomeAllowed, OutcomeRejected or OutcomeFailed
	AuditKeyRule       = auditlog.KeyRule       // a refusal's rule, one of the Rule constants
	AuditKeyField      = auditlog.KeyField      // a refusal's field path
	AuditKeyFindings   = auditlog.KeyFindings   // the posture finding IDs behind a refusal
	AuditKeySafeguards = auditlog.KeySafeguards // the Action constants of the safeguards that acted
	AuditKeyReportOnly = auditlog.KeyReportOnly // report-only mode: "<rule> at <field>" of what would have been refused
	AuditKeyErrorCode  = auditlog.KeyErrorCode  // an AWS error's code (never its message, which can quote a value)
	AuditKeyRequestID  = auditlog.KeyRequestID  // AWS's request ID
	AuditKeyDuration   = auditlog.KeyDuration   // the call's duration
)

// Actions name what a safeguard did on a call, in the audit event's
// "safeguards" list. Like the rules, each starts with its safeguard's area:
// model (the API model's constraints and the content checks), kms, s3,
// datascan (the import scan), identity (the caller check).
const (
	ActionFieldsChecked   = "model.fields-checked"           // every string checked (IDFieldContent)
	ActionKeyInjected     = "kms.key-injected"               // the configured key was put in (IDKMSKey)
	ActionRoleInjected    = "kms.role-injected"              // the configured role was put in (IDKMSKey)
	ActionKeyAllowed      = "kms.key-allowed"                // a caller's key passed the allow-list (IDKMSKey)
	ActionKeyReady        = "kms.key-ready"                  // the key's readiness check passed (IDKeyReadiness)
	ActionGroupKey        = "kms.dataset-group-key-verified" // the job's dataset group key verified (IDDatasetGroupKey)
	ActionLocationChecked = "s3.location-checked"            // S3 locations parsed and allowed (IDS3Location)
	ActionBucketPosture   = "s3.bucket-posture-checked"      // bucket posture passed (IDBucketPosture)
	ActionObjectsChecked  = "s3.objects-checked"             // source objects' encryption passed (IDBucketPosture)
	ActionImportScanned   = "datascan.import-scanned"        // the import's data was scanned and is clean (IDBucketPosture)
	ActionCallerChecked   = "identity.caller-checked"        // the credentials are not the root user's (IDCallerIdentity)
)

var actedNames = []struct {
	bit  acted
	name string
}{
	{actedContent, ActionFieldsChecked},
	{actedKeyInjected, ActionKeyInjected},
	{actedRoleInjected, ActionRoleInjected},
	{actedKeyAllowed, ActionKeyAllowed},
	{actedLocation, ActionLocationChecked},
	{actedCallerChecked, ActionCallerChecked},
	{actedKeyReady, ActionKeyReady},
	{actedGroupKey, ActionGroupKey},
	{actedBucketPosture, ActionBucketPosture},
	{actedObjectPosture, ActionObjectsChecked},
	{actedImportScanned, ActionImportScanned},
}

func (a acted) names() []string {
	if a == 0 {
		return nil
	}
	// Sized once: appending grew it up to four times per audit event.
	out := make([]string, 0, bits.OnesCount16(uint16(a)))
	for _, n := range actedNames {
		if a&n.bit != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// stage is a set of the guard's Initialize middleware, marked by each as it
// runs, and as it passes the call on, so the wire gate can tell that none
// was removed from a call, and that each passed it. A uint32, for
// sync/atomic: a hook can run a step and the gate at once.
type stage uint32

const (
	stageAudit stage = 1 << iota
	stageContent
	stageKMSKey
	stageS3Location
	stageKeyReadiness
	stageDatasetGroupKey
	stageBucketPosture
	stageCallerIdentity
	stageCount = iota // how many stages there are
)

// mark records that a safeguard middleware ran, and reports whether it
// had not run before in the call: a hook can hand the call on twice (see
// step.HandleInitialize). A nil state records nothing.
func (st *callState) mark(s stage) (first bool) {
	if st == nil {
		return true
	}
	return atomic.OrUint32((*uint32)(&st.ran), uint32(s))&uint32(s) == 0
}

// passedAll reports whether every step of stages ran and passed the call
// on (the audit step, which checks nothing, ran): what the wire gate asks
// before it checks the request. A step marks that it ran before its checks
// and that it passed after them (see passOn): a hook that keeps the chain
// after the last step and hands a request on to it after a step refused,
// or while one still checks, finds that step not passed.
func (st *callState) passedAll(stages stage) bool {
	ran := stage(atomic.LoadUint32((*uint32)(&st.ran)))
	passes := stage(atomic.LoadUint32((*uint32)(&st.passes)))
	return ran == stages && passes|stageAudit == stages
}

// passOn hands the call on from a step that passed it, marking that it
// did (see callState.passOnTo).
type passOn struct {
	st    *callState
	stage stage
	next  middleware.InitializeHandler
}

func (p *passOn) HandleInitialize(ctx context.Context, in middleware.InitializeInput) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	atomic.OrUint32((*uint32)(&p.st.passes), uint32(p.stage))
	return p.next.HandleInitialize(ctx, in)
}

// passOnTo returns next for the step of stage s, as a handler that marks
// the step passed when the step calls it; it lives in the state, so that
// a step's call of it allocates nothing. One per step: a step runs once
// in a call (see callState.ran).
func (st *callState) passOnTo(s stage, next middleware.InitializeHandler) middleware.InitializeHandler {
	p := &st.passOns[bits.TrailingZeros32(uint32(s))]
	p.st, p.stage, p.next = st, s, next
	return p
}

// callState travels with one call, from the audit middleware to the others
// and to the wire gate.
type callState struct {
	// g is the Guard whose audit step made the state, from its own pool:
	// only its own steps and wire gate may read or write it (see
	// step.HandleInitialize and wireGate.ran). Nil only for a state the
	// guard makes outside a call's middleware: for its own checks, or for
	// the audit event of a refusal. It never changes: the wire gate checks
	// the call through the state (see wireGate.checks), so that it looks
	// the state up once, not in each of its checks.
	g *Guard
	// ran are the steps that took the state (see mark), set atomically,
	// before anything else of it: a hook that hands the call on twice has
	// the second pass refused at the first step it reaches second.
	ran      stage
	passes   stage    // the steps that passed the call on (see passOn)
	op       *boundOp // the table's entry for the call's operation; nil when unknown
	acted    acted
	reported []*SafeguardError // report-only mode: what would have been refused
	// keys are the KMS keys the Initialize checks put in or allowed in
	// the request, each with the member it was put in or allowed at: a
	// job's input key is not its output key (see sawKeyAt).
	keys  []placed
	roles []string // roles the key checks evaluated grants for
	ready []string // keys the key checks passed, for the call's one role (see checkDataKeys)
	// locations are the S3 locations (as written) the Initialize checks
	// parsed, each with its member: a value checked as a job's input is
	// not checked as its output.
	locations []placed
	dataset   string // the dataset whose group's key an import or export check verified
	schema    string // the schema text the Initialize check read
	// schemaQuoted is schema as the SDK serializes it, when the check
	// found it clean; it lives in schemaBuf, whose capacity the pool keeps.
	schemaQuoted jsonscan.Quoted
	schemaBuf    []byte
	// owned holds the bytes of every string above that came from the
	// caller's input (see own); the pool keeps its capacity.
	owned  []byte
	clean  []string      // strings the Initialize check found clean (see noteClean)
	passed []passedCheck // strings that passed the Initialize check's rules (see notePassed)
	signer string        // the access key ID whose principal the identity check looked up
	// walker is the Initialize content check's (see handleContent), kept
	// with the pooled state so that the check takes none from the walkers'
	// pool; it references nothing between checks.
	walker walker
	// parsed is the S3 location safeguard's parse of locations, for the
	// bucket posture check.
	parsed parsedLocations
	// passOns are the steps' next handlers (see passOnTo), by stage.
	passOns [stageCount]passOn
}

type stateKey struct{}

// callRef is a call's hold on its state, the context's stack value (see
// withState): one per call, whereas the state is pooled.
type callRef = callhold.Hold[callState]

// withState returns ctx with st as its call's state.
func withState(ctx context.Context, st *callState) context.Context {
	return middleware.WithStackValue(ctx, stateKey{}, callhold.New(st))
}

// refFrom returns the call's hold on its state, or nil outside the
// guard's middleware.
func refFrom(ctx context.Context) *callRef {
	r, _ := middleware.GetStackValue(ctx, stateKey{}).(*callRef)
	return r
}

// maxKeptSchemaBuf bounds the serialized schema's buffer a pooled state
// keeps. The writing needs twice the schema's length in bytes and a few
// (see jsonscan.DocumentQuotedDefaults): this covers the model's longest schema
// (20,000 characters) in ASCII; one of non-ASCII text can be up to four
// times as long in bytes, and gets a buffer of its own each call.
const maxKeptSchemaBuf = 48 << 10

func (st *callState) reset() {
	// The fields most calls leave empty (a refusal reported, an S3
	// location, a dataset, a schema) are reset apart, when set, so that
	// their code is not among the instructions every call runs through.
	// Each is tested for anything a call can leave in it: a list's or a
	// string's length, the schema buffer's capacity.
	if len(st.reported) != 0 || len(st.locations) != 0 || st.dataset != "" || st.schema != "" || len(st.schemaBuf) != 0 ||
		cap(st.schemaBuf) > maxKeptSchemaBuf {
		st.resetRare()
	}
	clearFew(st.keys)
	clearFew(st.roles)
	clearFew(st.ready)
	clearFew(st.clean)
	clearFew(st.passed)
	// Field by field: a whole-struct assignment builds the new state on
	// the stack and copies it in. TestResetZeroesEveryField holds this
	// list, with resetRare's, to the struct's fields.
	st.ran, st.passes, st.op, st.acted = 0, 0, nil, 0
	st.passOns = [stageCount]passOn{} // the call's handlers, not kept
	st.keys, st.roles, st.ready = st.keys[:0], st.roles[:0], st.ready[:0]
	// The copies are zeroed: a pooled state holds no call's strings, not
	// even in bytes (report-only mode keeps the schema it found a value in).
	clear(st.owned)
	owned := st.owned[:0]
	if cap(owned) > maxKeptSchemaBuf {
		owned = nil
	}
	st.schemaQuoted, st.owned = jsonscan.Quoted{}, owned
	st.parsed = parsedLocations{} // whatever its count says: a second pass may have set fewer
	st.clean, st.passed, st.signer = st.clean[:0], st.passed[:0], ""
}

// resetRare is reset's part for the fields most calls leave empty. Not
// inlined: see reset.
//
//go:noinline
func (st *callState) resetRare() {
	clearFew(st.reported)
	clearFew(st.locations)
	buf := st.schemaBuf[:0]
	if cap(buf) > maxKeptSchemaBuf {
		buf = nil // a pooled state keeps no more than a usual schema's
	}
	st.reported, st.locations = st.reported[:0], st.locations[:0]
	st.dataset, st.schema, st.schemaBuf = "", "", buf
}

// clearFew zeroes s's entries one by one, as clear does: a call fills a
// few entries of each list, and clear's runtime call (a bulk clear and its
// write-barrier pass) costs several times their stores. A range loop of
// zero stores would be compiled into that very call.
func clearFew[T any](s []T) {
	var zero T
	for i := 0; i < len(s); i++ {
		s[i] = zero
	}
}

// own returns a copy of s in bytes the state owns, or s itself when it is
// the guard's own copy of the key or role it injects (see Guard.injected),
// bytes no caller can change either. What the Initialize checks note for
// the wire gate (a string passed or found clean, a key or location
// allowed, the schema read) is compared with the body as sent: a noted
// string sharing the caller's bytes would change with them (a string made
// with unsafe over a buffer the caller reuses while the call runs), and
// the body's new text would be taken as the one checked. One copy into a
// buffer the pool keeps, no allocation once it is large enough; a string
// that does not fit starts a new buffer, leaving those already handed out
// in the old one.
func (st *callState) own(s string) string {
	if s == "" || st.g != nil && st.g.injected(s) {
		return s
	}
	if cap(st.owned)-len(st.owned) < len(s) {
		st.owned = make([]byte, 0, max(2*cap(st.owned), len(s), 512))
	}
	at := len(st.owned)
	st.owned = append(st.owned, s...)
	return unsafe.String(&st.owned[at], len(s))
}

// injected reports whether s is the guard's own copy of the key or the
// role it injects (see Policy.validate): those very bytes, which nothing
// changes, not a string equal to them, so a call state notes them without
// a copy of its own.
func (g *Guard) injected(s string) bool {
	return sameBytes(s, g.s.KMSKeyARN) || sameBytes(s, g.s.RoleARN)
}

// sameBytes reports whether a and b are one string: the same bytes at the
// same address.
func sameBytes(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// foreign reports whether st is another Guard's than g: a state of no
// Guard (made for a refusal's audit event) is no other Guard's, nor is no
// state.
func (st *callState) foreign(g *Guard) bool { return st != nil && st.g != nil && st.g != g }

// stateFrom returns the call's state, or nil outside the guard's
// middleware and once the call ended. For a step or gate that holds it
// (see step.HandleInitialize); for the others, it answers for the moment.
func stateFrom(ctx context.Context) *callState { return refFrom(ctx).State() }

// act records that a safeguard acted; a nil state records nothing.
func (st *callState) act(a acted) {
	if st != nil {
		st.acted |= a
	}
}

// sawKey and sawLocation record a KMS key or an S3 location the Initialize
// checks dealt with at the member at, so the wire gate can tell it from one
// set after them, or moved to another member.
func (st *callState) sawKey(v string, at *node) {
	if st != nil {
		st.keys = st.addPlaced(st.keys, v, at)
	}
}

// placed is a value the Initialize checks dealt with and the member they
// dealt with it at.
type placed struct {
	value string
	at    *node
}

// addPlaced appends v at the member at to list, in the state's own bytes
// (see own), unless list holds it already.
func (st *callState) addPlaced(list []placed, v string, at *node) []placed {
	if slices.Contains(list, placed{v, at}) {
		return list
	}
	return append(list, placed{st.own(v), at})
}

// addOwned appends v to list, in the state's own bytes (see own), unless
// list holds it already.
func (st *callState) addOwned(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, st.own(v))
}

// sawKeyAt reports whether the Initialize checks put in or allowed the key
// v at the member at.
func (st *callState) sawKeyAt(v string, at *node) bool {
	return slices.Contains(st.keys, placed{v, at})
}

// keyNotedAt reports whether the Initialize checks put in or allowed a key
// at the member at (nil: none).
func (st *callState) keyNotedAt(at *node) bool {
	return at != nil && slices.ContainsFunc(st.keys, func(p placed) bool { return p.at == at })
}

// readyKey records a key the key readiness check passed in this call, and
// keyReady tells whether it did.
func (st *callState) readyKey(v string) {
	if st != nil {
		st.ready = st.addOwned(st.ready, v)
	}
}

func (st *callState) keyReady(v string) bool { return st != nil && slices.Contains(st.ready, v) }

func (st *callState) sawRole(v string) {
	if st != nil && v != "" {
		st.roles = st.addOwned(st.roles, v)
	}
}

func (st *callState) sawLocation(v string, at *node) {
	if st != nil {
		st.locations = st.addPlaced(st.locations, v, at)
	}
}

// sawLocationAt reports whether the Initialize checks parsed the location
// v at the member at.
func (st *callState) sawLocationAt(v string, at *node) bool {
	return slices.Contains(st.locations, placed{v, at})
}

// Audit outcomes.
const (
	OutcomeAllowed  = auditlog.OutcomeAllowed  // every safeguard passed and AWS answered
	OutcomeRejected = auditlog.OutcomeRejected // a safeguard, or the SDK's own validation of the input, refused the call; nothing was sent
	OutcomeFailed   = auditlog.OutcomeFailed   // the call failed: an AWS error, the network, a response the guard refused, the caller's context ended, or a panic ended it
)

// handleAudit (PersonalizeGuard:Audit) holds each call's state and writes
// one structured event per call: operation, outcome, rule and field on
// rejection, the safeguards that acted, request ID and duration. It never
// logs values, and for AWS errors only the error code: AWS's own validation
// messages quote the rejected value.
//
// The audit step of an operation in the table is bound to it (see
// boundOp.audit): the call's state then names the operation the SDK built
// the stack for, whatever a hook puts in the context, and the wire gate
// refuses a call whose context names another (see wireGate.ran). This one,
// for an operation the table does not have, looks the name up.
func (g *Guard) handleAudit(ctx context.Context, _ *callState, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	return g.auditCall(ctx, g.ops[middleware.GetOperationName(ctx)], in, next)
}

// auditStep returns the audit step bound to op: its handler is auditCall
// with op (see step.HandleInitialize).
func (g *Guard) auditStep(op *boundOp) *step {
	return &step{id: IDAudit, g: g, stage: stageAudit, op: op}
}

// auditCall is the audit step of a call of op (nil for an operation the
// table does not have).
func (g *Guard) auditCall(ctx context.Context, op *boundOp, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	var start time.Time
	if g.s.audit() != nil {
		start = time.Now()
	}
	// Pooled, per guard: a call's state lives exactly as long as this
	// HandleInitialize, and reusing it keeps its lists' capacity.
	st := g.states.Get().(*callState)
	st.ran, st.op = stageAudit, op
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
	// Without a logger, nothing to ask: Enabled's call is spared.
	if l := g.s.audit(); l != nil && auditlog.Enabled(ctx, l, err, len(st.reported)) {
		g.writeAudit(ctx, l, st, md, err, time.Since(start))
	}
	st.reset()
	g.states.Put(st)
	return out, md, err
}

// auditPanicked writes the audit event of a call that a panic in a later
// step (a caller's hook, the transport) ended, as the panic passes the
// audit step (auditCall defers it, unless the call returned): one event
// per call, even one a caller recovers from (net/http recovers a
// handler's), sent or not. The state is not pooled again: a step may
// still hold it.
func (g *Guard) auditPanicked(ctx context.Context, st *callState, start time.Time) {
	if l := g.s.audit(); l != nil {
		g.writeAudit(ctx, l, st, middleware.Metadata{}, auditlog.ErrPanicked, time.Since(start))
	}
}

// leaveHeld ends a call whose state a step or the wire gate still holds
// (a hook handed the request on from another goroutine and returned, or
// panicked): the last of them to let the state go writes the call's one
// audit event, with everything the steps and gate noted and reported.
//
//go:noinline
func (g *Guard) leaveHeld(ctx context.Context, ref *callRef, md middleware.Metadata, err error, start time.Time) {
	ref.Leave(func(st *callState) {
		if l := g.s.audit(); l != nil && auditlog.Enabled(ctx, l, err, len(st.reported)) {
			g.writeAudit(ctx, l, st, md, err, time.Since(start))
		}
	})
}

func (g *Guard) writeAudit(ctx context.Context, l *slog.Logger, st *callState, md middleware.Metadata, err error, d time.Duration) {
	c := auditlog.Call{Err: err, Safeguards: st.acted.names(), Reported: st.reported, Metadata: md, Duration: d}
	if st.op != nil {
		c.Operation = st.op.name
	}
	auditlog.Write(ctx, l, c)
}
