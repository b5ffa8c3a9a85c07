package kms

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/posture"
)

// keyFacts is what KMS said about one key, asked from one Region: every
// answer [Check] needs, fetched once and never changed afterwards, so any
// number of inputs can be evaluated against it concurrently. The calls made
// depend only on the key and the Region, never on the rest of the input.
type keyFacts struct {
	key    KeyARN
	arn    string
	region string // the Region asked from (CheckInput.Region)
	// until is when these facts stop being reused: set by the Checker's
	// flight, before the cache publishes them, no later than the cache's own
	// expiry of its entry.
	until time.Time
	// stale, when timed, is set by a timer shortly before until, so that
	// the Checker's hot path reads a flag rather than the clock. The timer
	// holds the flag alone, not the facts: facts forgotten or evicted are
	// freed at once, not at the end of their TTL.
	stale *atomic.Bool
	timed bool

	// wrongRegion: the key is in another Region; nothing was asked.
	wrongRegion bool
	// notFound: DescribeKey said the key does not exist; nothing more was asked.
	notFound bool
	md       *types.KeyMetadata
	rotation rotationFact

	// The key policy, parsed once: doc is nil when it could not be parsed,
	// and policyProblem then says why.
	doc           *iampolicy.Document
	policyProblem string
	public        []int // PublicAllows of doc

	// The grants, with those to the service principal apart: which grants
	// are the role's depends on the input.
	serviceGrants, otherGrants []types.GrantListEntry

	// sourcePreds are the tests a SourceARN goes through during evaluation
	// (policy conditions on aws:SourceArn, grant SourceArn constraints):
	// inputs whose SourceARNs pass and fail the same tests get the same
	// report. See [keyFacts.report].
	sourcePreds []sourcePred
	sourceMatch []func(string) bool // sourcePreds' tests, as iampolicy.ValueMatch makes them
	// sourceSplit are the ARN-pattern tests among them split at the ARN's
	// fifth colon (nil for the others), so that what the head decides is
	// worked out once per head (see headTests), not once per call.
	sourceSplit []splitTest
	lastHead    atomic.Pointer[headResult]

	// memo holds reports derived from these facts, per input class. Readers
	// load it without a lock (every CreateDatasetGroup reads it); a writer
	// copies it under mu and swaps it in, once per class.
	memo atomic.Pointer[map[inputClass]*memoEntry]
	mu   sync.Mutex
	// hotClass is the entry the latest call used: a guard's calls are
	// nearly all of one class, which a comparison then finds without
	// hashing the class.
	hotClass atomic.Pointer[memoEntry]
}

// memoEntry is one report of memo, with its class.
type memoEntry struct {
	class  inputClass
	report posture.Report
}

type rotationFact int8

const (
	rotationNotAsked    rotationFact = iota // the key cannot rotate or is going away
	rotationOn                              // automatic rotation is on
	rotationOff                             // automatic rotation is off
	rotationUnsupported                     // imported material or a custom key store
	rotationNoState                         // KMSInvalidStateException on a key that is not Enabled
)

// fetchKey asks KMS about key from region: DescribeKey, then (for a
// symmetric customer managed key not pending deletion)
// GetKeyRotationStatus, then GetKeyPolicy and ListGrants. A call that fails
// returns a [*CheckError]; a missing key is a fact, not an error.
func fetchKey(ctx context.Context, c CheckAPIClient, key KeyARN, region string) (*keyFacts, error) {
	f := &keyFacts{key: key, arn: key.String(), region: region}
	if key.Region != region {
		// The KMS client serves the expected Region, and Personalize cannot
		// use a key from another one, so there is nothing more to ask.
		f.wrongRegion = true
		return f, nil
	}
	out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(f.arn)})
	if err != nil {
		if code := apiErrorCode(err); code == "NotFoundException" || code == "InvalidArnException" {
			f.notFound = true
			return f, nil
		}
		return nil, f.checkError("DescribeKey", "kms:DescribeKey", err)
	}
	if out == nil || out.KeyMetadata == nil {
		return nil, f.checkError("DescribeKey", "kms:DescribeKey", errNoMetadata)
	}
	f.md = out.KeyMetadata
	if isSymmetric(f.md) && f.md.KeyManager != types.KeyManagerTypeAws && !pendingDeletion(f.md.KeyState) {
		if f.rotation, err = f.fetchRotation(ctx, c); err != nil {
			return nil, err
		}
	}
	pol, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(f.arn), PolicyName: aws.String("default")})
	if err != nil {
		return nil, f.checkError("GetKeyPolicy", "kms:GetKeyPolicy", err)
	}
	if err := f.fetchGrants(ctx, c); err != nil {
		return nil, err
	}
	var text string
	if pol != nil {
		text = aws.ToString(pol.Policy)
	}
	doc, err := iampolicy.Parse([]byte(text))
	if err != nil {
		f.policyProblem = "unknown reason"
		var pe *iampolicy.ParseError
		if errors.As(err, &pe) {
			f.policyProblem = pe.Error()
		}
	} else {
		f.doc = doc
		f.public = doc.PublicAllows()
	}
	f.sourcePreds = sourcePredicates(f.doc, f.serviceGrants)
	f.sourceMatch = sourceMatchers(f.sourcePreds)
	f.sourceSplit = splitMatchers(f.sourcePreds)
	return f, nil
}

func (f *keyFacts) checkError(op, permission string, err error) *CheckError {
	return &CheckError{Operation: op, Permission: permission, Resource: f.arn, Err: err}
}

func (f *keyFacts) fetchRotation(ctx context.Context, c GetKeyRotationStatusAPIClient) (rotationFact, error) {
	out, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(f.arn)})
	switch code := apiErrorCode(err); {
	case err == nil:
	case code == "UnsupportedOperationException":
		return rotationUnsupported, nil
	case code == "KMSInvalidStateException" && f.md.KeyState != types.KeyStateEnabled:
		return rotationNoState, nil // the state finding already says why
	default:
		return 0, f.checkError("GetKeyRotationStatus", "kms:GetKeyRotationStatus", err)
	}
	if out == nil || !out.KeyRotationEnabled {
		return rotationOff, nil
	}
	return rotationOn, nil
}

// maxGrantPages bounds the ListGrants calls of one check (100 grants each;
// KMS allows 50,000 grants per key). A longer listing fails the check
// rather than passing on what was read.
const maxGrantPages = 100

// fetchGrants reads every grant on the key and sets the service's apart.
func (f *keyFacts) fetchGrants(ctx context.Context, c ListGrantsAPIClient) error {
	in := &kms.ListGrantsInput{KeyId: aws.String(f.arn), Limit: aws.Int32(100)}
	for range maxGrantPages {
		out, err := c.ListGrants(ctx, in)
		if err != nil {
			return f.checkError("ListGrants", "kms:ListGrants", err)
		}
		if out == nil {
			// Not a listing without grants: a listing of nothing.
			return f.checkError("ListGrants", "kms:ListGrants", errNoGrantList)
		}
		for _, g := range out.Grants {
			if f.serviceGrantee(g) {
				f.serviceGrants = append(f.serviceGrants, g)
			} else {
				f.otherGrants = append(f.otherGrants, g)
			}
		}
		if !out.Truncated {
			return nil
		}
		if aws.ToString(out.NextMarker) == "" {
			// The rest cannot be read, and an unread grant could be the
			// one that exposes the key.
			return f.checkError("ListGrants", "kms:ListGrants", errNoMarker)
		}
		in = &kms.ListGrantsInput{KeyId: in.KeyId, Limit: in.Limit, Marker: out.NextMarker}
	}
	return f.checkError("ListGrants", "kms:ListGrants", errTooManyGrants)
}

// serviceGrantee reports whether g is for Personalize's service principal.
func (f *keyFacts) serviceGrantee(g types.GrantListEntry) bool {
	for _, p := range []string{aws.ToString(g.GranteeServicePrincipal), aws.ToString(g.GranteePrincipal)} {
		// Services create grants for their Regional principal as well.
		if strings.EqualFold(p, iampolicy.PersonalizeService) || strings.EqualFold(p, "personalize."+f.key.Region+".amazonaws.com") {
			return true
		}
	}
	return false
}

// sourcePred is one test a SourceARN goes through: a policy condition's
// value under its operator, or (op == "") a grant's SourceArn constraint,
// which KMS compares exactly.
type sourcePred struct{ op, want string }

// sourcePredicates lists every test the evaluation applies to the
// SourceARN. Listing a test that turns out not to matter only splits input
// classes more finely; missing one would merge inputs whose reports differ,
// so every value under every operator on the key is listed.
func sourcePredicates(doc *iampolicy.Document, serviceGrants []types.GrantListEntry) []sourcePred {
	var preds []sourcePred
	add := func(p sourcePred) {
		if !slices.Contains(preds, p) {
			preds = append(preds, p)
		}
	}
	if doc != nil {
		for i := range doc.Statement {
			for op, v := range doc.Statement[i].ValueConditions("aws:SourceArn") {
				add(sourcePred{op: op, want: v})
			}
		}
	}
	for _, g := range serviceGrants {
		if g.Constraints != nil && g.Constraints.SourceArn != nil {
			add(sourcePred{want: aws.ToString(g.Constraints.SourceArn)})
		}
	}
	return preds
}

// maxSourcePreds is how many SourceARN tests an input class records; a
// policy with more (none written by hand has) is memoised per SourceARN
// instead, which is exact but does not serve new names fast.
const maxSourcePreds = 256

// inputClass identifies the inputs that get the same report from one
// keyFacts. Everything but the SourceARN is taken as given; the SourceARN
// counts only through the tests it passes (sig), unless there are too many
// tests to record (exact).
type inputClass struct {
	role, account string
	exports       bool
	hasSource     bool
	sig           [maxSourcePreds / 64]uint64
	exact         string
}

// sourceSig sets in sig the tests src passes, or returns src when there are
// too many tests to record (see inputClass).
func (f *keyFacts) sourceSig(src string, sig *[maxSourcePreds / 64]uint64) (exact string) {
	if src == "" {
		return ""
	}
	if len(f.sourcePreds) > maxSourcePreds {
		return src
	}
	heads := f.headTests(src)
	for i, match := range f.sourceMatch {
		var m bool
		if heads != nil && f.sourceSplit[i].resource != nil {
			m = heads.bits[i/64]&(1<<(i%64)) != 0 && f.sourceSplit[i].resource(src[len(heads.head):])
		} else {
			m = match(src)
		}
		if m {
			sig[i/64] |= 1 << (i % 64)
		}
	}
	return ""
}

// splitTest is an ARN-pattern test on the SourceARN in two parts, as
// iampolicy.ARNValueMatcher makes them: the ARN passes when its head (the
// text through the fifth colon) passes head and the rest passes resource.
type splitTest struct{ head, resource func(string) bool }

// headResult is what head tests said about one head: bit i for
// sourceSplit[i].
type headResult struct {
	head string
	bits [maxSourcePreds / 64]uint64
}

// headTests returns the head tests' results for src's head, or nil when src
// has no head (fewer than five colons) or there is no split test: every
// test then takes the whole SourceARN. The last head's results are kept; a
// guard's SourceARNs all share one head.
func (f *keyFacts) headTests(src string) *headResult {
	if f.sourceSplit == nil {
		return nil
	}
	if h := f.lastHead.Load(); h != nil && strings.HasPrefix(src, h.head) {
		// h.head ends at its fifth colon, so it is src's head too.
		return h
	}
	return f.newHeadTests(src)
}

// newHeadTests is headTests for a head other than the last one. Not
// inlined: the last head's hit is the call's path.
//
//go:noinline
func (f *keyFacts) newHeadTests(src string) *headResult {
	head, ok := arnHead(src)
	if !ok {
		return nil
	}
	h := &headResult{head: strings.Clone(head)} // not the caller's whole string
	for i, t := range f.sourceSplit {
		if t.head != nil && t.head(head) {
			h.bits[i/64] |= 1 << (i % 64)
		}
	}
	f.lastHead.Store(h)
	return h
}

// arnHead returns s up to and including its fifth colon.
func arnHead(s string) (string, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			if n++; n == 5 {
				return s[:i+1], true
			}
		}
	}
	return "", false
}

// splitMatchers returns, for each of preds, its test split at the ARN's
// fifth colon when it is an ARN pattern, or a zero splitTest; nil when
// none is.
func splitMatchers(preds []sourcePred) []splitTest {
	var out []splitTest
	for i, p := range preds {
		if p.op == "" {
			continue // a grant's exact comparison
		}
		if head, resource, ok := iampolicy.ARNValueMatcher(p.op, p.want); ok {
			if out == nil {
				out = make([]splitTest, len(preds))
			}
			out[i] = splitTest{head: head, resource: resource}
		}
	}
	return out
}

// sourceMatchers returns, for each of preds, the test a SourceARN goes
// through, built once per key's facts rather than once per call.
func sourceMatchers(preds []sourcePred) []func(string) bool {
	out := make([]func(string) bool, len(preds))
	for i, p := range preds {
		want := p.want
		if m, ok := iampolicy.ValueMatcher(p.op, want); ok && p.op != "" {
			out[i] = m
		} else {
			// A grant's constraint, compared as is (and, as ValueMatch's
			// false, an operator it does not compare by value).
			isGrant := p.op == ""
			out[i] = func(got string) bool { return isGrant && got == want }
		}
	}
	return out
}

// maxMemo bounds the reports kept per key (one per input class: roles,
// accounts, export settings, and SourceARNs that the policy tells apart).
const maxMemo = 256

// report returns the report for in, evaluating the facts only for the
// first input of its class. The report is shared: callers copy it, and its
// findings, before handing it out.
func (f *keyFacts) report(in *CheckInput) *posture.Report {
	// The class is compared field by field with the last one used, without
	// building it: most calls end there.
	var sig [maxSourcePreds / 64]uint64
	exact := f.sourceSig(in.SourceARN, &sig)
	if e := f.hotClass.Load(); e != nil && e.class.sig == sig && e.class.role == in.RoleARN && e.class.account == in.AccountID &&
		e.class.exports == in.Exports && e.class.hasSource == (in.SourceARN != "") && e.class.exact == exact {
		return &e.report
	}
	return f.classReport(in, &sig, exact)
}

// classReport is report for an input of another class than the last one:
// its memo's, or a new evaluation. Apart from report, and not inlined, so
// that the hit most calls take is a few contiguous instructions.
//
//go:noinline
func (f *keyFacts) classReport(in *CheckInput, sig *[maxSourcePreds / 64]uint64, exact string) *posture.Report {
	cl := inputClass{role: in.RoleARN, account: in.AccountID, exports: in.Exports, hasSource: in.SourceARN != "", sig: *sig, exact: exact}
	if m := f.memo.Load(); m != nil {
		if e, ok := (*m)[cl]; ok {
			f.hotClass.Store(e)
			return &e.report
		}
	}
	e := &memoEntry{class: cl, report: evaluate(f, *in)}
	f.mu.Lock()
	defer f.mu.Unlock()
	var old map[inputClass]*memoEntry
	if m := f.memo.Load(); m != nil {
		old = *m
	}
	if _, ok := old[cl]; !ok && len(old) < maxMemo {
		m := make(map[inputClass]*memoEntry, len(old)+1)
		maps.Copy(m, old)
		m[cl] = e
		f.memo.Store(&m)
		f.hotClass.Store(e)
	}
	return &e.report
}
