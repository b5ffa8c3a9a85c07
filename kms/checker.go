package kms

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/personalizeguard/personalizeguard/internal/checkcache"
	"github.com/personalizeguard/personalizeguard/posture"
)

// CheckerOptions tune a [Checker]. Zero fields take the defaults.
type CheckerOptions struct {
	// TTL is how long what KMS said about a key is reused; default 5
	// minutes. A key that is disabled or whose policy changes after a check
	// is noticed when its answers expire.
	TTL time.Duration
	// MaxEntries bounds the number of keys (per Region) whose answers are
	// kept; default 1024.
	MaxEntries int
	// Timeout bounds one round of KMS calls, which runs detached from the
	// first caller's context so that one caller giving up does not fail the
	// others; default 30 seconds.
	Timeout time.Duration
	// FailureBackoff, when positive, keeps a round of KMS calls that failed
	// (throttled, denied, unreachable) for a jittered interval between
	// FailureBackoff/2 and FailureBackoff, doubling with each consecutive
	// failure up to 30 seconds: callers in that interval get the same
	// [*CheckError] at once, failing closed, instead of each asking KMS
	// again. Zero, the default, keeps no failure: the next caller asks KMS.
	FailureBackoff time.Duration
	// Now is the clock; nil means time.Now. Tests replace it.
	Now func() time.Time

	jitter      func() float64 // tests fix the back-off's jitter
	staleMargin time.Duration  // tests shorten it; zero is defaultStaleMargin
}

// Checker runs [Check] with a cache. What KMS says about a key
// (DescribeKey, GetKeyRotationStatus, GetKeyPolicy, ListGrants) is fetched
// once per key and Region, in one flight that every concurrent caller joins
// — whatever their role or dataset group — and each waits for it no longer
// than its own context allows. Inputs are then evaluated against those
// answers without a call.
//
// An evaluation is reused for every input that can only get the same
// report: the same role, account and export setting, and a SourceARN that
// passes the same key-policy conditions and grant constraints. A new
// dataset group's name therefore costs a few string matches, not a policy
// evaluation. A round of calls that failed is not cached (unless
// [CheckerOptions.FailureBackoff] says otherwise), so the next caller tries
// again. One Checker belongs to one guard; it is safe for concurrent use.
//
// A call that repeats the last one's key, role, Region, account and
// SourceARN head (partition, Region and account) — every CreateDatasetGroup
// of a guard — takes no lock and hashes nothing, and with a TTL of 10 s or
// more reads no clock: the key's facts, the head's validation and test
// results and the last report are kept for it, and only the rest of the
// SourceARN is matched.
type Checker struct {
	client CheckAPIClient
	facts  *checkcache.Cache[factsKey, *keyFacts]

	// last is the latest input whose key, role, Region and account passed
	// validation — the same on nearly every call — so that only the
	// SourceARN is validated again, with the facts of its key.
	last    atomic.Pointer[validInput]
	srcHead atomic.Pointer[sourceHead]

	// gen counts Forgets: a lookup that read the cache before one must not
	// attach what it read to last. hotMu orders the attaching and Forget.
	hotMu     sync.Mutex
	gen       atomic.Uint64
	ttl       time.Duration
	now       func() time.Time
	realClock bool // now is time.Now
	// margin, when positive, is how long before their TTL ends a timer marks
	// facts stale (see fresh); zero: each call reads the clock.
	margin time.Duration
}

// defaultStaleMargin is how early a timer marks facts stale before their
// TTL ends: far longer than a timer runs late on a live process.
const defaultStaleMargin = time.Second

// staleMargin returns the margin for a TTL: TTLs shorter than ten margins
// get no timer (zero), and each call reads the clock instead.
func staleMargin(ttl, margin time.Duration) time.Duration {
	if margin <= 0 {
		margin = defaultStaleMargin
	}
	if ttl < 10*margin {
		return 0
	}
	return margin
}

type validInput struct {
	key, role, region, account string
	arn                        KeyARN
	// facts are the key's facts, reused without the cache's lock and map
	// while they are within their TTL (see Checker.fresh): a guard checks
	// one key on nearly every call. Set only from the cache; Forget clears
	// them. Facts the cache evicted for room may stay here until their TTL
	// ends, which saves a call to KMS and changes no report.
	facts atomic.Pointer[keyFacts]
}

// validated is CheckInput.validate, remembering the part that does not
// change from call to call.
func (c *Checker) validated(in *CheckInput) (*validInput, error) {
	if v := c.last.Load(); v != nil && v.key == in.KeyARN && v.role == in.RoleARN && v.region == in.Region && v.account == in.AccountID {
		return v, c.validSource(in)
	}
	return c.validateNew(in)
}

// validateNew is validated for another key, role, Region or account than
// the last one's. Not inlined: the last one's hit is the call's path.
//
//go:noinline
func (c *Checker) validateNew(in *CheckInput) (*validInput, error) {
	// The memo keeps copies, validated and parsed as copies: strings of the
	// caller's that it changes in place (built over a reused buffer) would
	// otherwise still equal the memo's after the change, and skip the
	// validation of what they then say.
	own := CheckInput{KeyARN: strings.Clone(in.KeyARN), RoleARN: strings.Clone(in.RoleARN), Region: strings.Clone(in.Region),
		AccountID: strings.Clone(in.AccountID), SourceARN: in.SourceARN}
	key, err := own.validate()
	if err != nil {
		return nil, err
	}
	v := &validInput{key: own.KeyARN, role: own.RoleARN, region: own.Region, account: own.AccountID, arn: key}
	c.last.Store(v)
	return v, nil
}

// sourceHead is a SourceARN's text through its fifth colon (partition,
// service, Region and account), validated for one AccountID.
type sourceHead struct{ head, account string }

// validSource is in.validateSource, remembering the last head that passed:
// a SourceARN that extends it with a resource passes too, since the
// resource need only be non-empty.
func (c *Checker) validSource(in *CheckInput) error {
	s := in.SourceARN
	if h := c.srcHead.Load(); h != nil && len(s) > len(h.head) && len(s) <= maxIdentifierLength &&
		h.account == in.AccountID && strings.HasPrefix(s, h.head) {
		return nil
	}
	return c.validNewSource(in)
}

// validNewSource is validSource for a SourceARN that does not extend the
// last head. Not inlined: the last head's hit is the call's path.
//
//go:noinline
func (c *Checker) validNewSource(in *CheckInput) error {
	s := in.SourceARN
	if err := in.validateSource(); err != nil {
		return err
	}
	if head, ok := arnHead(s); ok {
		c.srcHead.Store(&sourceHead{head: strings.Clone(head), account: in.AccountID})
	}
	return nil
}

// factsKey identifies what KMS is asked: the calls follow from the key and
// the expected Region alone.
type factsKey struct {
	key    KeyARN
	region string
}

// NewChecker returns a Checker that calls KMS through c.
func NewChecker(c CheckAPIClient, optFns ...func(*CheckerOptions)) *Checker {
	var o CheckerOptions
	for _, fn := range optFns {
		fn(&o)
	}
	ch := &Checker{
		client: c,
		facts: checkcache.New[factsKey, *keyFacts](checkcache.Options{
			TTL: o.TTL, MaxEntries: o.MaxEntries, Timeout: o.Timeout,
			FailureBackoff: o.FailureBackoff, Now: o.Now, Jitter: o.jitter,
		}),
		ttl: o.TTL, now: o.Now,
	}
	if ch.ttl <= 0 {
		ch.ttl = checkcache.DefaultTTL
	}
	if ch.now == nil {
		ch.now, ch.realClock = time.Now, true
		ch.margin = staleMargin(ch.ttl, o.staleMargin)
	}
	return ch
}

// Check returns the report for in. Invalid input is rejected before the
// cache is consulted. Errors are those of [Check], or the caller's context
// error when it ends before KMS answers; the returned report is the
// caller's own copy.
func (c *Checker) Check(ctx context.Context, in CheckInput) (posture.Report, error) {
	v, err := c.validated(&in)
	if err != nil {
		return posture.Report{}, err
	}
	f := v.facts.Load()
	if f == nil || c.client == nil || !c.fresh(f) {
		if f, err = c.factsOf(ctx, v); err != nil {
			return posture.Report{}, err
		}
	}
	// Field by field: copying the shared report whole and then replacing
	// its findings reads back what was just written, in wider loads than
	// the writes, which stalls (TestCheckerCopiesEveryReportField keeps the
	// list complete).
	r := f.report(&in)
	return posture.Report{Check: r.Check, Resource: r.Resource, Findings: slices.Clone(r.Findings)}, nil
}

// factsOf is Check's lookup of v's facts when v has none within their
// TTL (or there is no client). Not inlined: facts at hand are the call's
// path.
//
//go:noinline
func (c *Checker) factsOf(ctx context.Context, v *validInput) (*keyFacts, error) {
	if c.client == nil {
		return nil, &ArgumentError{Field: "client", Reason: "is nil"}
	}
	return c.lookup(ctx, v)
}

// fresh reports whether f is within its TTL. On the real clock it reads a
// flag a timer sets a margin before the TTL ends (the margin's calls go to
// the cache, which reads the clock), or for short TTLs only the monotonic
// clock, half the cost of time.Now.
func (c *Checker) fresh(f *keyFacts) bool {
	switch {
	case f.timed:
		return !f.stale.Load()
	case c.realClock:
		return time.Until(f.until) > 0
	}
	return c.now().Before(f.until)
}

// lookup returns the facts of v's key from the cache, asking KMS on a
// miss, and attaches them to v.
func (c *Checker) lookup(ctx context.Context, v *validInput) (*keyFacts, error) {
	gen := c.gen.Load()
	fk := factsKey{key: v.arn, region: v.region}
	f, err, ok := c.facts.Cached(fk)
	if !ok {
		client, ttl, now, margin := c.client, c.ttl, c.now, c.margin // the flight holds these, not the caller's input
		f, _, err = c.facts.Do(ctx, fk, func(ctx context.Context) (*keyFacts, error) {
			f, err := fetchKey(ctx, client, fk.key, fk.region)
			if f != nil {
				// The cache's entry expires a TTL after the flight ends,
				// which is no earlier than this.
				f.until = now().Add(ttl)
				if margin > 0 {
					stale := new(atomic.Bool)
					f.stale, f.timed = stale, true
					time.AfterFunc(ttl-margin, func() { stale.Store(true) })
				}
			}
			return f, err
		})
	}
	if err != nil {
		return nil, err
	}
	c.hotMu.Lock()
	if c.gen.Load() == gen { // no Forget since the cache was read
		v.facts.Store(f)
	}
	c.hotMu.Unlock()
	return f, nil
}

// Forget drops what the Checker knows about in's key, so the next Check asks
// KMS again; call it after fixing a key.
func (c *Checker) Forget(in CheckInput) {
	if key, err := ParseKeyARN(in.KeyARN); err == nil {
		c.facts.Forget(factsKey{key: key, region: in.Region})
		c.hotMu.Lock()
		c.gen.Add(1)
		if v := c.last.Load(); v != nil {
			// Only last is consulted; a validInput it replaced never is again.
			v.facts.Store(nil)
		}
		c.hotMu.Unlock()
	}
}
