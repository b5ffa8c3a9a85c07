package personalize

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/datascan"
	"github.com/personalizeguard/personalizeguard/internal/callerid"
	"github.com/personalizeguard/personalizeguard/internal/checkcache"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/jsontext"
	"github.com/personalizeguard/personalizeguard/internal/securetransport"
	kmscheck "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// Middleware IDs. They are stable, so other middleware can be placed
// relative to them. Each is on the stack of every operation it acts on, as
// the SDK's own operation-specific middleware are: IDAudit, IDFieldContent,
// IDCallerIdentity and IDWireGate on every operation's; IDKMSKey and
// IDKeyReadiness where the operation takes a KMS key; IDS3Location and
// IDBucketPosture where it takes an S3 location; IDDatasetGroupKey on
// imports and exports. A step with nothing to check is left off, so that
// a call does not pay for it.
const (
	IDAudit           = "PersonalizeGuard:Audit"           // Initialize, first: one audit event per call
	IDFieldContent    = "PersonalizeGuard:FieldContent"    // Initialize: sensitive values and model constraints
	IDKMSKey          = "PersonalizeGuard:KMSKey"          // Initialize: key and role injection, key allow-list (operations with a key place)
	IDS3Location      = "PersonalizeGuard:S3Location"      // Initialize: S3 location parsing, output bucket allow-list (operations with an S3 location)
	IDCallerIdentity  = "PersonalizeGuard:CallerIdentity"  // Initialize, first after the SDK's validation: not the root user's credentials (network, cached)
	IDKeyReadiness    = "PersonalizeGuard:KeyReadiness"    // Initialize, after the SDK's validation: KMS key check (network, cached; operations with a key place)
	IDDatasetGroupKey = "PersonalizeGuard:DatasetGroupKey" // Initialize, after validation: an import's or export's dataset group key (network, cached)
	IDBucketPosture   = "PersonalizeGuard:BucketPosture"   // Initialize, after validation: bucket and object posture (network, cached; operations with an S3 location)
	IDWireGate        = "PersonalizeGuard:WireGate"        // Deserialize, innermost: the request as serialized and signed (transport rules, fields, keys, locations)
	IDConfig          = securetransport.IDConfig           // Initialize: fails every call of a client the guard could not secure
)

// DescribeAPIClient is what the guard needs from Personalize to find the key
// of an import's or export's dataset group. *personalize.Client satisfies
// it. (The KMS and S3 checks take kms.CheckAPIClient and
// s3guard.CheckAPIClient.)
type DescribeAPIClient interface {
	DescribeDataset(context.Context, *sdk.DescribeDatasetInput, ...func(*sdk.Options)) (*sdk.DescribeDatasetOutput, error)
	DescribeDatasetGroup(context.Context, *sdk.DescribeDatasetGroupInput, ...func(*sdk.Options)) (*sdk.DescribeDatasetGroupOutput, error)
}

// Guard holds a validated Policy, the posture caches and the middleware. One
// Guard can secure many clients; it is safe for concurrent use. Make it with
// NewGuard: the clients of a zero or nil Guard refuse every call.
type Guard struct {
	s         *settings
	ops       map[string]*boundOp     // the generated table, bound to the SDK's types
	stages    stage                   // the safeguard middleware every call must pass
	keys      *kmscheck.Checker       // nil with InsecureSkipPostureChecks
	buckets   *s3guard.Checker        // nil with InsecureSkipPostureChecks
	callers   *callerid.Checker       // nil unless settings.checksCaller
	ownCreds  aws.CredentialsProvider // what the guard's own reads are signed with, when checksCaller and it builds them
	ownMemo   callerid.Memo           // ownCreds' identity answer (see checkCaller)
	groups    *checkcache.Cache[string, datasetInfo]
	describer DescribeAPIClient
	scan      *importScanner // nil with InsecureSkipImportScan or InsecureSkipPostureChecks

	dumpWarning  securetransport.DumpWarning
	cleanHeaders securetransport.CleanTexts // header values the wire gate found clean
	// reportMu guards the call states' reported lists, which two sends of
	// one attempt (a hedging hook) append to at once. Taken only in
	// report-only mode.
	reportMu   sync.Mutex
	cleanTexts securetransport.CleanTexts // field values the content checks found clean
	passed     passedMemo                 // field values that passed every rule of the content check
	keywords   *jsontext.Keywords         // the names the detector takes for keywords (see jsontext.Named)
	locations  locationMemo               // the last S3 location parseLocation passed

	// Built once so that registering them on each call's stack allocates
	// nothing.
	// front run before the SDK's validation, in order; posture after it
	// (each client's identity step first: see postureFor).
	front, posture       []*step
	unboundGate, ownGate *wireGate

	// states holds the guard's call states (see handleAudit): the guard's
	// own, so that a state's guard, set when the pool makes it, never
	// changes.
	states sync.Pool

	// keyFits is whether the configured key fits the model's shape for a
	// key, as the wire gate checks every key: measured once.
	keyFits bool

	// lastOp is the operation opFor found last: a client sends one
	// operation call after call.
	lastOp atomic.Pointer[boundOp]
}

// opFor is ops[name], through lastOp: a comparison of the name with the
// last one's instead of hashing it and probing the table's map, whose
// buckets every call would read afresh. ops never changes once the guard
// is built, and each entry is under its own name (see bindTable), so the
// last entry found is the map's for its name.
func (g *Guard) opFor(name string) *boundOp {
	if op := g.lastOp.Load(); op != nil && op.name == name {
		return op
	}
	op := g.ops[name]
	if op != nil {
		g.lastOp.Store(op)
	}
	return op
}

// step is one of the guard's Initialize middleware: its ID, the guard it
// belongs to (so that a second guard on a client is noticed, and another
// Guard's step in a call refused), the stage it marks in the call state
// (so the wire gate can tell it ran), and its handler.
type step struct {
	id     string
	g      *Guard
	stage  stage
	handle stepFunc
	// op is the operation an audit step is bound to (see Guard.auditStep),
	// whose handler is then auditCall; nil on the other steps.
	op *boundOp
}

// stepFunc is a step's handler, called with the step's guard: a method
// expression such as (*Guard).handleContent, which needs no wrapper
// around the method as a method value does. st is the call's state (nil
// before the audit step has run), looked up once per step: each lookup
// walks the context's chain of values.
type stepFunc func(g *Guard, ctx context.Context, st *callState, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error)

func (s *step) ID() string { return s.id }

func (s *step) owner() *Guard { return s.g }

func (s *step) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	var st *callState
	if ref := refFrom(ctx); ref != nil {
		if st = ref.Enter(); st == nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, s.g.refuseUnguarded(ctx, guarderr.CallEnded(middleware.GetOperationName(ctx)))
		}
		defer ref.Exit()
	}
	if st.foreign(s.g) {
		// Another Guard's step, added under an ID of its own, in this
		// Guard's call: what it checked, by its own policy, would pass
		// for this Guard's check at the wire (the schema read, strings
		// found clean). Refused in report-only mode too.
		return middleware.InitializeOutput{}, middleware.Metadata{}, s.g.refuseForeign(ctx)
	}
	if s.op != nil {
		st.mark(s.stage)
		return s.g.auditCall(ctx, s.op, in, next)
	}
	if st == nil {
		return s.handle(s.g, ctx, st, in, next)
	}
	if !st.mark(s.stage) {
		return middleware.InitializeOutput{}, middleware.Metadata{}, s.g.refusePassedTwice(ctx)
	}
	return s.handle(s.g, ctx, st, in, st.passOnTo(s.stage, next))
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
		g.writeAudit(ctx, l, &callState{}, middleware.Metadata{}, err, 0)
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
		g.writeAudit(ctx, l, &callState{}, middleware.Metadata{}, err, 0)
	}
	return err
}

// operation returns the table's entry for the call's operation; an
// operation the table does not describe is refused. st is the call's state.
func (g *Guard) operation(ctx context.Context, st *callState, params any) (*boundOp, error) {
	var op *boundOp
	if st != nil && st.op != nil {
		op = st.op // the audit step's, bound to the stack
	} else if op = g.ops[middleware.GetOperationName(ctx)]; op == nil {
		return nil, unknownOperation(ctx)
	}
	// The steps read the input by the operation's field indexes: an input
	// of another type, or none (a hook replaced it), would be read wrongly,
	// or panic. The SDK passes an empty input for a nil one.
	if reflect.TypeOf(params) != op.params || reflect.ValueOf(params).IsNil() {
		return nil, inputReplaced(op)
	}
	return op, nil
}

// unknownOperation and inputReplaced are operation's refusals, apart from
// it so that their code is not among the instructions every step runs
// through.
func unknownOperation(ctx context.Context) error {
	return &SafeguardError{Operation: middleware.GetOperationName(ctx), Rule: RuleUnknownOperation, Reason: unknownOperationReason}
}

//go:noinline
func inputReplaced(op *boundOp) error {
	return &SafeguardError{Operation: op.name, Rule: RuleRequestChanged,
		Reason: "the call's input is not the operation's input type: something (an interceptor or middleware) replaced it"}
}

// opName names the call's operation in a refusal: the one the audit step
// took from the stack (see boundOp.audit), which no hook renames, when st
// has it; else the context's.
func opName(ctx context.Context, st *callState) string {
	if st != nil && st.op != nil {
		return st.op.name
	}
	return middleware.GetOperationName(ctx)
}

const unknownOperationReason = "the guard's table, generated from the API model, does not describe this operation (a newer SDK than the table): regenerate the table before using it"

// New returns the SDK's own Personalize client with the guard installed. The
// optFns are applied before the guard's, so they cannot switch a safeguard
// off; they also configure the client the guard uses to describe dataset
// groups.
func New(cfg aws.Config, p Policy, optFns ...func(*sdk.Options)) (*sdk.Client, error) {
	g, err := newGuard(cfg, p, optFns)
	if err != nil {
		return nil, err
	}
	var applyErr error
	client := sdk.NewFromConfig(cfg, append(slices.Clip(optFns), func(o *sdk.Options) { applyErr = g.apply(o) })...)
	if applyErr != nil {
		return nil, applyErr
	}
	return client, nil
}

// NewGuard validates p and prepares the guard without building a client, for
// services that build their own:
//
//	g, err := personalize.NewGuard(cfg, policy)
//	client := awspersonalize.NewFromConfig(cfg, g.Option())
//
// The guard describes dataset groups with a client built from cfg alone:
// unlike New's optFns, the options of the caller's client (an endpoint,
// say) do not reach it; set Policy.PersonalizeClient for another.
func NewGuard(cfg aws.Config, p Policy) (*Guard, error) { return newGuard(cfg, p, nil) }

func newGuard(cfg aws.Config, p Policy, optFns []func(*sdk.Options)) (*Guard, error) {
	s, err := p.validate(cfg.Region)
	if err != nil {
		return nil, err
	}
	ops, err := bindTable(inputTypes())
	if err != nil {
		return nil, &ConfigError{Field: "personalize SDK", Reason: "its types do not match the guard's table; regenerate the table for this SDK version", Err: err}
	}
	g := &Guard{s: s, ops: ops, keywords: jsontext.NewKeywords(s.Detector)}
	g.cleanHeaders.Keywords = g.keywords
	g.states.New = func() any { return &callState{g: g} }
	g.front = []*step{
		{id: IDAudit, g: g, stage: stageAudit, handle: (*Guard).handleAudit},
		{id: IDFieldContent, g: g, stage: stageContent, handle: (*Guard).handleContent},
		{id: IDKMSKey, g: g, stage: stageKMSKey, handle: (*Guard).handleKMSKey},
		{id: IDS3Location, g: g, stage: stageS3Location, handle: (*Guard).handleS3Location},
	}
	if !s.InsecureSkipPostureChecks {
		g.posture = []*step{
			{id: IDKeyReadiness, g: g, stage: stageKeyReadiness, handle: (*Guard).handleKeyReadiness},
			{id: IDDatasetGroupKey, g: g, stage: stageDatasetGroupKey, handle: (*Guard).handleDatasetGroupKey},
			{id: IDBucketPosture, g: g, stage: stageBucketPosture, handle: (*Guard).handleBucketPosture},
		}
	}
	for _, op := range ops {
		op.audit = g.auditStep(op)
	}
	for _, st := range append(slices.Clip(g.front), g.postureFor(nil, false)...) {
		g.stages |= st.stage
	}
	for _, op := range ops {
		op.stages = op.steps(g.stages)
		op.front = appendSteps([]*step{op.audit}, g.front[1:], op.stages)
	}
	g.unboundGate = &wireGate{g: g, content: true, posture: g.postureFor(nil, false)}
	g.keyFits = s.KMSKeyARN != "" && shapeKmsKeyArn.fits(s.KMSKeyARN)
	g.precheckRoles()
	g.ownGate = &wireGate{g: g}

	// The guard's own clients get the same transport rules as the
	// Personalize client.
	own, err := g.hardenConfig(cfg)
	if err != nil {
		return nil, err
	}
	if s.InsecureSkipPostureChecks {
		return g, nil
	}
	if s.checksCaller() {
		g.callers = g.newCallerChecker(own)
		if s.KMSClient == nil || s.S3Client == nil || s.PersonalizeClient == nil {
			// The guard's own reads are signed with cfg's credentials:
			// checkCaller checks them too, through the same provider
			// (a cache, or a static one) as the clients the guard builds
			// from own.
			own.Credentials = callerid.Cached(own.Credentials)
			g.ownCreds = own.Credentials
		}
	}
	kc := s.KMSClient
	if kc == nil {
		kc = kms.NewFromConfig(own)
	}
	g.keys = kmscheck.NewChecker(kc, func(o *kmscheck.CheckerOptions) {
		o.TTL, o.MaxEntries, o.FailureBackoff = s.CheckTTL, s.CheckCacheEntries, s.CheckFailureBackoff
	})
	sc := s.S3Client
	if sc == nil {
		sc = s3.NewFromConfig(own)
	}
	// Personalize runs in the role's account, as the key check has it
	// (accountOf); a key kept in another account is trusted, as there.
	req := s3guard.Requirements{
		AllowedKMSKeys:     s.allowedKeys,
		InsecureAllowSSES3: s.InsecureAllowSSES3Buckets,
		Region:             s.region,
		AccountID:          cmp.Or(s.roleAccount, s.key.AccountID),
	}
	if s.key.AccountID != req.AccountID {
		req.TrustedAccountIDs = []string{s.key.AccountID}
	}
	g.buckets = s3guard.NewChecker(sc, req, func(o *s3guard.CheckerOptions) {
		o.TTL, o.MaxEntries, o.FailureBackoff = s.CheckTTL, s.CheckCacheEntries, s.CheckFailureBackoff
		o.Detector = s.Detector
	})
	co := checkcache.Options{TTL: s.CheckTTL, MaxEntries: s.CheckCacheEntries, FailureBackoff: s.CheckFailureBackoff}
	g.groups = checkcache.New[string, datasetInfo](co)
	g.describer = s.PersonalizeClient
	if g.describer == nil {
		// The caller's options reach this client too (an endpoint, say); the
		// transport rules are applied again after them, and their hooks are
		// dropped, as for the guard's other clients.
		g.describer = sdk.NewFromConfig(own, append(slices.Clip(optFns), func(o *sdk.Options) {
			o.APIOptions = []func(*middleware.Stack) error{g.addOwnTransport}
			o.Interceptors = smithyhttp.InterceptorRegistry{}
			if err := g.secureTransport(o); err != nil {
				g.failAll(o, err)
			}
		})...)
	}
	if s.InsecureSkipImportScan {
		return g, nil
	}
	reader, ok := sc.(ImportReadAPIClient)
	if !ok {
		return nil, &ConfigError{Field: "S3Client", Reason: "cannot read objects (it is not an ImportReadAPIClient), which the import scan needs; pass an *s3.Client or set InsecureSkipImportScan"}
	}
	schemas, ok := g.describer.(SchemaAPIClient)
	if !ok {
		return nil, &ConfigError{Field: "PersonalizeClient", Reason: "cannot read schemas (it is not a SchemaAPIClient), which the import scan needs; pass a *personalize.Client or set InsecureSkipImportScan"}
	}
	g.scan = &importScanner{
		s3: reader, schemas: schemas,
		parsed:  checkcache.New[string, *datascan.Schema](co),
		objects: checkcache.New[scanKey, *datascan.Report](co),
	}
	return g, nil
}

// precheckRoles checks the configured role, once, under the rule and shape
// of each role member the guard injects it into, and keeps the result
// where it passes (keyPlace.rolePassed). The check is a function of the
// rule, the shape and the value alone, so its answer holds for every call.
// A role that breaks a rule is not kept: each call then checks it as it
// would any other value, and refuses or reports it.
func (g *Guard) precheckRoles() {
	if g.s.RoleARN == "" {
		return
	}
	for name, op := range g.ops {
		for i, k := range op.keys {
			n := k.roleNode
			if n == nil || n.kind != kindString || n.rule != ruleARN {
				continue
			}
			sh := n.shape
			if sh == nil {
				sh = shapeUnknown // as check reads a missing shape
			}
			// A state of its own, so that a refusal report-only mode lets
			// through still counts as one.
			st := new(callState)
			ctx := withState(middleware.WithOperationName(context.Background(), name), st)
			w := newWalkerState(g, ctx, st, false, "")
			err := w.check(n.rule, sh, n.enum, g.s.RoleARN)
			w.release()
			if err == nil && len(st.reported) == 0 {
				op.keys[i].rolePassed = &passedCheck{rule: n.rule, sh: sh, s: g.s.RoleARN}
			}
		}
	}
}

// hardenConfig returns a copy of cfg for the guard's own clients: TLS floor,
// https only, no wire dumps, none of the caller's hooks.
func (g *Guard) hardenConfig(cfg aws.Config) (aws.Config, error) {
	out := cfg.Copy()
	var err error
	out.HTTPClient, out.ClientLogMode, err = g.secure(out.BaseEndpoint, false, out.HTTPClient, out.ClientLogMode, out.Logger)
	if err != nil {
		return aws.Config{}, err
	}
	// The guard's own calls carry only what the guard wrote: the caller's
	// interceptors and APIOptions (auto-taggers, instrumentation) act on
	// the caller's calls, not on the guard's KMS and S3 reads; nor does
	// the caller's AppID, which the User-Agent carries unchecked.
	out.APIOptions = []func(*middleware.Stack) error{g.addOwnTransport}
	out.Interceptors = smithyhttp.InterceptorRegistry{}
	out.AppID = ""
	return out, nil
}

// Option returns the client option that installs the guard on a client the
// caller builds with the SDK's own constructors (awspersonalize.New or
// awspersonalize.NewFromConfig). Put it last. A client the guard cannot secure (an HTTP client whose TLS settings
// cannot be enforced, an http endpoint) fails every call with the
// *ConfigError New would have returned.
func (g *Guard) Option() func(*sdk.Options) {
	return func(o *sdk.Options) { _ = g.apply(o) }
}

func (g *Guard) apply(o *sdk.Options) error {
	if g == nil || g.s == nil {
		o.HTTPClient, o.APIOptions = securetransport.RefuseZeroGuard(o.APIOptions)
		return securetransport.ErrZeroGuard
	}
	if rc, ok := o.HTTPClient.(*securetransport.RefusingClient); ok && rc.Owner == g && rc.Refused == nil {
		o.HTTPClient = rc.Send // the option applied twice: secure the same transport once
	}
	var err error
	if rc, ok := o.HTTPClient.(*securetransport.RefusingClient); ok && rc.Owner != g {
		err = errSecondGuard()
	} else if o.Region != g.s.region {
		err = &ConfigError{Field: "Region", Reason: "differs from the Region the guard checks keys and buckets in"}
	} else {
		err = g.secureTransport(o)
	}
	if err != nil {
		// The client still gets the guard's HTTP client, which refuses
		// everything: removing the failing middleware per call must not
		// leave a working, unsecured client.
		o.HTTPClient = &securetransport.RefusingClient{Owner: g, Refused: err, Audit: g.refuseUnguarded}
		return g.failAll(o, err)
	}
	// The gate sends through the hardened client; the client's own
	// HTTPClient is one that refuses, for requests that bypass the gate.
	tc := o.HTTPClient.(securetransport.TLSClient)
	// The identity step and the signer read the same credentials: a
	// cache around the client's provider, unless it is a static one,
	// which answers the same every time (see callerid.Cached).
	o.Credentials = callerid.Cached(o.Credentials)
	gate := &wireGate{g: g, content: true, send: tc, posture: g.postureFor(o.Credentials, true)}
	o.HTTPClient = &securetransport.RefusingClient{Owner: g, Send: tc, Audit: g.refuseUnguarded}
	o.APIOptions = append(slices.Clip(o.APIOptions), func(stack *middleware.Stack) error { return g.addMiddleware(stack, gate) })
	return nil
}

// secureTransport applies the transport rules to a client's options: https
// endpoint, TLS floor, no wire dumps.
func (g *Guard) secureTransport(o *sdk.Options) error {
	hc, mode, err := g.secure(o.BaseEndpoint, o.EndpointOptions.DisableHTTPS, o.HTTPClient, o.ClientLogMode, o.Logger)
	if err != nil {
		return err
	}
	o.HTTPClient, o.ClientLogMode = hc, mode
	return nil
}

// secure applies the transport rules to one client's settings, whether they
// sit in an aws.Config or a service's Options, and returns the settings to
// use instead.
func (g *Guard) secure(base *string, disableHTTPS bool, hc aws.HTTPClient, mode aws.ClientLogMode, l logging.Logger) (aws.HTTPClient, aws.ClientLogMode, error) {
	hc, mode, dumped, err := securetransport.Secure(base, disableHTTPS, hc, mode, g.s.minTLS, g.s.InsecureAllowUnverifiableHTTPClient)
	if err != nil {
		return nil, 0, err
	}
	if dumped {
		g.dumpWarning.Warn(l, g.s.audit())
	}
	return hc, mode, nil
}

// failAll makes every call of a client the guard could not secure fail with
// err, before anything is sent, and audited.
func (g *Guard) failAll(o *sdk.Options, err error) error {
	o.APIOptions = append(slices.Clip(o.APIOptions), func(stack *middleware.Stack) error {
		if _, ok := stack.Initialize.Get(IDConfig); ok {
			return nil
		}
		return stack.Initialize.Add(configErrorMW{g, err}, middleware.Before)
	})
	return err
}

// AddMiddleware registers the guard's middleware on stack. It is an
// APIOptions function; adding it twice is harmless. On a client built with
// [New] or [Guard.Option] the middleware is there already. On any other
// client it refuses every call: the guard sends only through an HTTP client
// it has hardened, which only New and Option set up.
func (g *Guard) AddMiddleware(stack *middleware.Stack) error {
	if g == nil || g.s == nil {
		return securetransport.ErrZeroGuard
	}
	return g.addMiddleware(stack, g.unboundGate)
}

func (g *Guard) addMiddleware(stack *middleware.Stack, gate *wireGate) error {
	err := g.addMiddlewareTo(stack, gate)
	if l := g.s.audit(); err != nil && l != nil {
		// The call fails as its stack is built (another Guard's middleware
		// is on it): no middleware runs, the audit step included, so the
		// call's one audit event is written here. The stack's ID is the
		// operation.
		ctx := middleware.WithOperationName(context.Background(), stack.ID())
		g.writeAudit(ctx, l, &callState{}, middleware.Metadata{}, guarderr.ClientRefused(stack.ID(), err), 0)
	}
	return err
}

func (g *Guard) addMiddlewareTo(stack *middleware.Stack, gate *wireGate) error {
	// Network-free checks run first, at the front of Initialize, before the
	// SDK's own validation: Audit (which holds the call's state), then each
	// after the one before. Checks that call AWS run after the SDK's
	// validation, so a request missing required fields fails there without
	// a network round trip.
	// The audit step of the stack's operation: the stack's ID is the name
	// the SDK built it for, which no option can change.
	// An operation's stack gets the steps that act on it (see
	// boundOp.steps): a step with nothing to check would cost the call its
	// registration and its turn all the same.
	front, posture := g.front, gate.posture
	if op := g.opFor(stack.ID()); op != nil {
		var pb [8]*step
		front = op.front
		posture = appendSteps(pb[:0], gate.posture, op.stages)
	}
	if err := g.addInitSteps(stack, front, posture); err != nil {
		return err
	}
	return g.addGate(stack, gate)
}

// appendSteps appends to dst the steps of those in stages.
func appendSteps(dst, steps []*step, stages stage) []*step {
	for _, s := range steps {
		if stages&s.stage != 0 {
			dst = append(dst, s)
		}
	}
	return dst
}

// addInitSteps adds front before everything (as addSteps with
// middleware.Before) and then posture after everything (addSteps with
// middleware.After). On a new stack, the usual case, it looks every step
// up before adding any, so that no lookup walks past the steps it has just
// added: each lookup walks the Initialize step's whole list. It then puts
// each in place as addAbsent does, here rather than through it: the
// call's path runs through one function fewer.
func (g *Guard) addInitSteps(stack *middleware.Stack, front, posture []*step) error {
	if !absent(stack, front) || !absent(stack, posture) {
		return g.addPresent(stack, front, posture)
	}
	for i := len(front) - 1; i >= 0; i-- {
		if err := stack.Initialize.Add(front[i], middleware.Before); err != nil {
			return err
		}
	}
	for _, s := range posture {
		if err := stack.Initialize.Add(s, middleware.After); err != nil {
			return err
		}
	}
	return nil
}

// addPresent is addInitSteps for a stack that has one of the steps
// already: each list goes through addSteps. Not inlined: a new stack is
// the usual case.
//
//go:noinline
func (g *Guard) addPresent(stack *middleware.Stack, front, posture []*step) error {
	if err := g.addSteps(stack, front, middleware.Before); err != nil {
		return err
	}
	return g.addSteps(stack, posture, middleware.After)
}

// absent reports whether none of steps is on the stack.
func absent(stack *middleware.Stack, steps []*step) bool {
	for _, s := range steps {
		if _, ok := stack.Initialize.Get(s.id); ok {
			return false
		}
	}
	return true
}

// addAbsent is addSteps for steps none of which is on the stack: each is
// put in place without looking up the one before it (the Initialize step
// is a linked list that Insert walks). Adding the steps before everything
// in reverse order, or after everything in order, gives the order
// addSteps gives.
func addAbsent(stack *middleware.Stack, steps []*step, pos middleware.RelativePosition) error {
	for i := range steps {
		s := steps[i]
		if pos == middleware.Before {
			s = steps[len(steps)-1-i]
		}
		if err := stack.Initialize.Add(s, pos); err != nil {
			return err
		}
	}
	return nil
}

// addSteps adds steps in order: the first at pos, each next one right after
// the one before, by ID. A step already there is kept, unless another guard
// owns it: two policies on one client would leave one of them silently
// unenforced.
func (g *Guard) addSteps(stack *middleware.Stack, steps []*step, pos middleware.RelativePosition) error {
	if absent(stack, steps) { // a new stack, the usual case
		return addAbsent(stack, steps, pos)
	}
	for i, s := range steps {
		if have, ok := stack.Initialize.Get(s.id); ok {
			if ownerOf(have) != g {
				return errSecondGuard()
			}
			continue
		}
		var err error
		if i == 0 {
			err = stack.Initialize.Add(s, pos)
		} else {
			err = stack.Initialize.Insert(s, steps[i-1].id, middleware.After)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// addOwnTransport registers the transport rules alone, for the guard's own
// KMS, S3 and Personalize clients.
func (g *Guard) addOwnTransport(stack *middleware.Stack) error { return g.addGate(stack, g.ownGate) }

// addGate adds the wire gate innermost in the Deserialize step: after every
// middleware the client and the config added, interceptors included.
func (g *Guard) addGate(stack *middleware.Stack, gate *wireGate) error {
	if have, ok := stack.Deserialize.Get(IDWireGate); ok {
		if ownerOf(have) != g {
			return errSecondGuard()
		}
	} else if err := stack.Deserialize.Add(gate, middleware.After); err != nil {
		return err
	}
	return securetransport.SilenceWireDumps(stack)
}

// stagesOf returns the steps a call of op must pass: op's own, or all of
// them for an operation the table does not have (whose stack gets them
// all).
func (g *Guard) stagesOf(op *boundOp) stage {
	if op != nil {
		return op.stages
	}
	return g.stages
}

// ownerOf returns the Guard a middleware belongs to, or nil.
func ownerOf(m any) *Guard {
	if o, ok := m.(interface{ owner() *Guard }); ok {
		return o.owner()
	}
	return nil
}

type configErrorMW struct {
	g   *Guard
	err error
}

func (configErrorMW) ID() string { return IDConfig }

func (m configErrorMW) HandleInitialize(ctx context.Context, _ middleware.InitializeInput, _ middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	return middleware.InitializeOutput{}, middleware.Metadata{}, m.g.refuseUnguarded(ctx, guarderr.ClientRefused(middleware.GetOperationName(ctx), m.err))
}

// errSecondGuard is the refusal of a client on which a second Guard, with
// another Policy, is installed. A new error each time: callers may keep or
// change what they get.
func errSecondGuard() *ConfigError {
	return &ConfigError{Field: "APIOptions", Reason: "a second Guard with another Policy is installed on this client; use one Guard per client"}
}
