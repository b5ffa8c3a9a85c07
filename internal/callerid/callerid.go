// Package callerid refuses the AWS account's root credentials: it asks STS
// GetCallerIdentity who a set of credentials stands for, once per
// credential identity, and returns a [*RootCredentialsError] for the root
// user. AWS's data-protection guidance asks that each principal have least
// privilege; the root user has every privilege and cannot be restricted by
// IAM policies.
//
// # Failing closed
//
// A check that cannot run never passes: STS unreachable, throttled or
// refusing the call, an answer without an ARN, an ARN of a shape the check
// does not know, or an answer for another account than the ARN's all
// return a [*CheckError], which the guard turns into a refusal.
//
// # What is kept
//
// The [Checker] caches what STS said for each access key ID, keyed by a
// salted SHA-256 of the ID (the salt is the Checker's own, random), so the
// cache holds no access key ID and no secret. A [Memo] holds one access key
// ID, the last that passed through it, which the client's credentials
// provider holds anyway: an access key ID identifies a key, it does not
// sign (AWS treats it as public). The credentials themselves are held only
// for the duration of the STS call that signs with them.
// Errors and [Caller] name the account and the kind of principal, never a
// key.
package callerid

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/personalizeguard/personalizeguard/internal/checkcache"
)

// GetCallerIdentityAPIClient is the STS call a [Checker] makes.
// *sts.Client satisfies it. GetCallerIdentity needs no IAM permission, but
// an SCP or a VPC endpoint policy can still deny it.
type GetCallerIdentityAPIClient interface {
	GetCallerIdentity(ctx context.Context, params *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var _ GetCallerIdentityAPIClient = (*sts.Client)(nil)

// Options tune a [Checker]. Zero fields take the defaults of
// internal/checkcache (TTL 5 minutes, 1024 identities, 30-second timeout,
// no failure back-off).
type Options struct {
	// TTL is how long what STS said about a credential identity is reused.
	// An identity's principal never changes, so the TTL bounds memory, not
	// staleness.
	TTL time.Duration
	// MaxEntries bounds the number of identities whose answers are kept.
	MaxEntries int
	// Timeout bounds one STS call, which runs detached from the first
	// caller's context so that one caller giving up does not fail the
	// others.
	Timeout time.Duration
	// FailureBackoff, when positive, keeps a failed call's [*CheckError]
	// for a jittered interval between FailureBackoff/2 and FailureBackoff,
	// doubling with each consecutive failure up to 30 seconds: callers in
	// that interval fail closed at once instead of each asking STS again.
	FailureBackoff time.Duration
	// Now is the clock; nil means time.Now. Tests replace it.
	Now func() time.Time

	jitter      func() float64 // tests fix the back-off's jitter
	staleMargin time.Duration  // tests shorten it; zero is defaultStaleMargin
}

// Checker runs the root-credentials check with a cache: one GetCallerIdentity
// per credential identity, in one flight that every concurrent caller
// joins. One Checker belongs to one guard; it is safe for concurrent use.
type Checker struct {
	client GetCallerIdentityAPIClient
	cache  *checkcache.Cache[identity, Caller]
	salt   [32]byte
	ttl    time.Duration
	now    func() time.Time

	// last is the latest answer this Checker fetched — the same identity on
	// nearly every call of a guard — so that the steady state reads it
	// without a cache lookup or an allocation. It expires no later than the
	// cache's entry.
	last atomic.Pointer[answer]

	// forgets counts the calls of Forget, so that a Memo filled before one
	// is not read after it.
	forgets atomic.Uint64

	// margin, when positive (the real clock, a TTL of ten margins or
	// more), is how long before its answer's end a timer marks a Memo's
	// entry stale, so that a Memo's hit reads a flag, not the clock.
	margin time.Duration
}

// defaultStaleMargin is how early a timer marks a Memo's entry stale before
// its answer's end: far longer than a timer runs late on a live process.
// (A late one would only reuse an answer a little past its TTL, which
// bounds memory, not staleness: an identity's principal never changes.)
const defaultStaleMargin = time.Second

type answer struct {
	id      identity
	caller  Caller
	expires time.Time
}

// identity is the cache key of a credential identity: a salted SHA-256 of
// its access key ID.
type identity [sha256.Size]byte

// NewChecker returns a Checker that asks STS through c.
func NewChecker(c GetCallerIdentityAPIClient, optFns ...func(*Options)) *Checker {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	ch := &Checker{
		client: c,
		ttl:    o.TTL,
		now:    o.Now,
		cache: checkcache.New[identity, Caller](checkcache.Options{
			TTL: o.TTL, MaxEntries: o.MaxEntries, Timeout: o.Timeout,
			FailureBackoff: o.FailureBackoff, Now: o.Now, Jitter: o.jitter,
		}),
	}
	if ch.ttl <= 0 {
		ch.ttl = checkcache.DefaultTTL
	}
	if ch.now == nil {
		ch.now = time.Now
		margin := o.staleMargin
		if margin <= 0 {
			margin = defaultStaleMargin
		}
		if ch.ttl >= 10*margin {
			ch.margin = margin
		}
	}
	_, _ = rand.Read(ch.salt[:]) // crypto/rand.Read does not fail (Go 1.24)
	return ch
}

// identityOf returns the cache key of an access key ID without allocating
// for IDs up to 128 bytes (IAM's limit).
func (c *Checker) identityOf(accessKeyID string) identity {
	var buf [32 + 128]byte
	b := append(append(buf[:0], c.salt[:]...), accessKeyID...)
	return sha256.Sum256(b)
}

// Check returns who creds stand for. The first Check of an access key ID
// calls GetCallerIdentity signed with creds themselves (not with whatever
// the client's own provider returns by then), so the answer is about these
// credentials; later Checks of the same ID, and Checks concurrent with the
// first, share its answer. It returns:
//
//   - the [Caller] and nil for an IAM user, a role session or a federated
//     user;
//   - the Caller and a [*RootCredentialsError] for the account's root user;
//   - a [*CheckError] when the check could not run, or creds have no access
//     key ID (anonymous credentials: the guard cannot tell who signs);
//   - the caller's context error when ctx ends first.
func (c *Checker) Check(ctx context.Context, creds aws.Credentials) (Caller, error) {
	caller, _, err := c.check(ctx, creds)
	return caller, err
}

// check is Check that also returns until when its answer holds: the end of
// the TTL of the answer it read or fetched, or the zero time when it joined
// another caller's flight or read the cache, whose entry's end it does not
// know.
func (c *Checker) check(ctx context.Context, creds aws.Credentials) (Caller, time.Time, error) {
	if creds.AccessKeyID == "" {
		return Caller{}, time.Time{}, &CheckError{Operation: operation, Permission: permission, Err: errNoAccessKey}
	}
	if c.client == nil {
		return Caller{}, time.Time{}, &CheckError{Operation: operation, Permission: permission, Err: errNoClient}
	}
	id := c.identityOf(creds.AccessKeyID)
	var caller Caller
	var until time.Time
	if a := c.last.Load(); a != nil && a.id == id && c.now().Before(a.expires) {
		caller, until = a.caller, a.expires
	} else {
		var shared bool
		var err error
		started := c.now()
		caller, shared, err = c.cache.Do(ctx, id, func(ctx context.Context) (Caller, error) {
			return fetch(ctx, c.client, creds)
		})
		if err != nil {
			return Caller{}, time.Time{}, err
		}
		if !shared {
			// This call ran the flight: the cache keeps its answer until
			// at least started+TTL.
			until = started.Add(c.ttl)
			c.last.Store(&answer{id: id, caller: caller, expires: until})
		}
	}
	if caller.Kind == Root {
		return caller, until, &RootCredentialsError{Partition: caller.Partition, Account: caller.Account}
	}
	return caller, until, nil
}

// Memo remembers the access key ID that last passed [Checker.CheckMemo]
// (one that is not the root user's), for as long as the Checker's answer
// for it holds, so that the credentials a client presents on every call
// cost a comparison of their ID instead of its salted hash. Unlike the
// Checker, a Memo holds an access key ID (never a secret): the one its
// client's credentials provider holds too. One Memo belongs to one
// credentials provider; it is safe for concurrent use. The zero Memo is
// empty.
type Memo struct {
	last atomic.Pointer[memoEntry]
}

type memoEntry struct {
	checker     *Checker
	accessKeyID string
	caller      Caller
	until       time.Time
	forgets     uint64 // the Checker's Forget count when the answer was read
	// stale, when set, is marked by a timer a margin before until (see
	// Checker.margin); nil: fresh reads the clock.
	stale *atomic.Bool
}

// fresh reports whether e's answer still holds.
func (e *memoEntry) fresh(c *Checker) bool {
	if e.stale != nil {
		return !e.stale.Load()
	}
	return c.now().Before(e.until)
}

// CheckMemo is Check through m: creds whose access key ID passed the last
// CheckMemo through m, with the same Checker, within the answer's TTL and
// with no Forget since, pass again at once; any other call is a Check,
// which m then remembers when it passes and its answer's end is known. A
// nil m is a Check.
func (c *Checker) CheckMemo(ctx context.Context, creds aws.Credentials, m *Memo) (Caller, error) {
	if m != nil {
		if e := m.last.Load(); e != nil && e.checker == c && e.forgets == c.forgets.Load() && creds.AccessKeyID != "" &&
			e.accessKeyID == creds.AccessKeyID && e.fresh(c) {
			return e.caller, nil
		}
	}
	return c.checkRemember(ctx, creds, m)
}

// checkRemember is CheckMemo past its memo: a Check, which m remembers
// when it passes. Apart from CheckMemo, and not inlined, so that the hit
// every call but the first takes is a few contiguous instructions.
//
//go:noinline
func (c *Checker) checkRemember(ctx context.Context, creds aws.Credentials, m *Memo) (Caller, error) {
	if m == nil {
		return c.Check(ctx, creds)
	}
	// The count is read before the check: an answer read before a Forget
	// is remembered with the count before it, which no longer holds.
	forgets := c.forgets.Load()
	caller, until, err := c.check(ctx, creds)
	if err == nil && !until.IsZero() {
		e := &memoEntry{checker: c, accessKeyID: creds.AccessKeyID, caller: caller, until: until, forgets: forgets}
		if c.margin > 0 {
			if d := time.Until(until) - c.margin; d > 0 {
				// The timer holds the flag alone, not the entry.
				stale := new(atomic.Bool)
				e.stale = stale
				time.AfterFunc(d, func() { stale.Store(true) })
			}
		}
		m.last.Store(e)
	}
	return caller, err
}

// Forget drops what the Checker knows about creds' access key ID, so the
// next Check asks STS again, and every Memo's answer with it (a Check
// whose call was in flight meanwhile may still keep its answer).
func (c *Checker) Forget(creds aws.Credentials) {
	id := c.identityOf(creds.AccessKeyID)
	if a := c.last.Load(); a != nil && a.id == id {
		c.last.CompareAndSwap(a, nil)
	}
	c.cache.Forget(id)
	// Counted only once the answers are gone: a CheckMemo that reads the
	// new count reads the answers after they went, and one that read the
	// old count fills its Memo with a count that no longer holds.
	c.forgets.Add(1)
}

const (
	operation  = "GetCallerIdentity"
	permission = "sts:GetCallerIdentity"
)

// fetch asks STS who creds stand for and classifies the answer.
func fetch(ctx context.Context, client GetCallerIdentityAPIClient, creds aws.Credentials) (Caller, error) {
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.Options) {
		o.Credentials = fixedCredentials{creds}
	})
	if err != nil {
		return Caller{}, &CheckError{Operation: operation, Permission: permission, Err: err}
	}
	if out == nil || out.Arn == nil {
		return Caller{}, &CheckError{Operation: operation, Permission: permission, Err: errNoARN}
	}
	caller, ok := Classify(*out.Arn)
	if !ok {
		return Caller{}, &CheckError{Operation: operation, Permission: permission, Err: errUnknownARN}
	}
	if out.Account != nil && *out.Account != caller.Account {
		return Caller{}, &CheckError{Operation: operation, Permission: permission, Err: errAccountMismatch}
	}
	return caller, nil
}

// fixedCredentials signs the check's one call with the credentials being
// checked.
type fixedCredentials struct{ aws.Credentials }

func (f fixedCredentials) Retrieve(context.Context) (aws.Credentials, error) {
	return f.Credentials, nil
}

// Cached returns p wrapped in an aws.CredentialsCache unless it is one
// already (or nil, or anonymous). The identity check retrieves a client's
// credentials once, and the client's signer retrieves them again: from a
// bare provider that answers anew on each Retrieve (an assume-role
// provider nobody wrapped in a cache), the two differ, and the wire gate
// refuses every call as signed with other credentials than the ones
// checked, after one STS call per call. A guard sets the client's provider
// to Cached(p) and checks that, so that both read the same credentials
// until they expire. A credentials.StaticCredentialsProvider, held by
// value, answers the same on every Retrieve, and more cheaply than a cache
// around it: it is returned as it is (one held by pointer is not, since
// its holder can change it).
func Cached(p aws.CredentialsProvider) aws.CredentialsProvider {
	if p == nil {
		return nil
	}
	switch p.(type) {
	case *aws.CredentialsCache, aws.AnonymousCredentials, credentials.StaticCredentialsProvider:
		return p
	}
	return aws.NewCredentialsCache(p)
}
