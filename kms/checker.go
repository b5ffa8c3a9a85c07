package kms

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/personalizeguard/personalizeguard/internal/checkcache"
	"github.com/personalizeguard/personalizeguard/posture"
)

// CheckerOptions tune a [Checker]. Zero fields take the defaults.
type CheckerOptions struct {
	// TTL is how long a report is reused; default 5 minutes. A key that is
	// disabled or whose policy changes after a check is noticed when the
	// report expires.
	TTL time.Duration
	// MaxEntries bounds the number of cached reports; default 1024.
	MaxEntries int
	// Timeout bounds one check, which runs detached from the first caller's
	// context so that one caller giving up does not fail the others;
	// default 30 seconds.
	Timeout time.Duration

	now func() time.Time // tests replace the clock
}

// Checker runs [Check] with two caches. The KMS answers about a key
// (DescribeKey, GetKeyRotationStatus, GetKeyPolicy, ListGrants) are fetched
// once per key and Region, so concurrent callers — even for different roles
// or dataset groups — share one round of KMS calls; each distinct input is then
// evaluated against those answers once and its report reused for the TTL. A
// check that could not run is cached in neither, so the next caller tries
// again. One Checker belongs to one guard; it is safe for concurrent use.
type Checker struct {
	client  CheckAPIClient
	answers *checkcache.Cache[answersKey, *answers]
	reports *checkcache.Cache[CheckInput, posture.Report]
}

// answersKey identifies what the KMS answers depend on: the calls [Check]
// makes follow from the key and the expected Region alone.
type answersKey struct{ key, region string }

// NewChecker returns a Checker that calls KMS through c.
func NewChecker(c CheckAPIClient, optFns ...func(*CheckerOptions)) *Checker {
	var o CheckerOptions
	for _, fn := range optFns {
		fn(&o)
	}
	opts := checkcache.Options{TTL: o.TTL, MaxEntries: o.MaxEntries, Timeout: o.Timeout, Now: o.now}
	return &Checker{
		client:  c,
		answers: checkcache.New[answersKey, *answers](opts),
		reports: checkcache.New[CheckInput, posture.Report](opts),
	}
}

// Check returns the report for in, from the cache when the same input
// (every field counts) was checked within the TTL. Invalid input is rejected
// before the cache is consulted. Errors are those of [Check]; the returned
// report is the caller's own copy.
func (c *Checker) Check(ctx context.Context, in CheckInput) (posture.Report, error) {
	key, err := in.validate()
	if err != nil {
		return posture.Report{}, err
	}
	rep, _, err := c.reports.Do(ctx, in, func(ctx context.Context) (posture.Report, error) {
		ak := answersKey{key: key.String(), region: in.Region}
		a, _, err := c.answers.Do(ctx, ak, func(ctx context.Context) (*answers, error) {
			rec := &answers{client: c.client}
			if _, err := Check(ctx, rec, in); err != nil {
				return nil, err
			}
			return rec, nil
		})
		if err != nil {
			return posture.Report{}, err
		}
		return Check(ctx, a.replay(), in)
	})
	if err != nil {
		return posture.Report{}, err
	}
	rep.Findings = slices.Clone(rep.Findings)
	return rep, nil
}

// Forget drops what the Checker knows about in's key, so the next Check asks
// KMS again; call it after fixing a key.
func (c *Checker) Forget(in CheckInput) {
	c.reports.Forget(in)
	if key, err := ParseKeyARN(in.KeyARN); err == nil {
		c.answers.Forget(answersKey{key: key.String(), region: in.Region})
	}
}

// answers records the KMS calls of one [Check] while it runs against the
// real client, then replays them for other inputs on the same key. Recording
// happens in one flight; replaying only reads.
type answers struct {
	client   CheckAPIClient
	describe *call[kms.DescribeKeyOutput]
	rotation *call[kms.GetKeyRotationStatusOutput]
	policy   *call[kms.GetKeyPolicyOutput]
	grants   map[string]*call[kms.ListGrantsOutput] // by Marker: one per page
	replayed bool
}

type call[T any] struct {
	out *T
	err error
}

func (a *answers) replay() *answers {
	return &answers{describe: a.describe, rotation: a.rotation, policy: a.policy, grants: a.grants, replayed: true}
}

// errNotRecorded means a replayed check asked for a call the recorded one did
// not make; the calls depend only on the key, so it would be a bug.
var errNotRecorded = errors.New("kms: checker replay asked for a call that was not recorded")

func (a *answers) DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, optFns ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	if a.replayed {
		return replayed(a.describe)
	}
	out, err := a.client.DescribeKey(ctx, in, optFns...)
	a.describe = &call[kms.DescribeKeyOutput]{out, err}
	return out, err
}

func (a *answers) GetKeyRotationStatus(ctx context.Context, in *kms.GetKeyRotationStatusInput, optFns ...func(*kms.Options)) (*kms.GetKeyRotationStatusOutput, error) {
	if a.replayed {
		return replayed(a.rotation)
	}
	out, err := a.client.GetKeyRotationStatus(ctx, in, optFns...)
	a.rotation = &call[kms.GetKeyRotationStatusOutput]{out, err}
	return out, err
}

func (a *answers) GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, optFns ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	if a.replayed {
		return replayed(a.policy)
	}
	out, err := a.client.GetKeyPolicy(ctx, in, optFns...)
	a.policy = &call[kms.GetKeyPolicyOutput]{out, err}
	return out, err
}

func (a *answers) ListGrants(ctx context.Context, in *kms.ListGrantsInput, optFns ...func(*kms.Options)) (*kms.ListGrantsOutput, error) {
	marker := aws.ToString(in.Marker)
	if a.replayed {
		return replayed(a.grants[marker])
	}
	out, err := a.client.ListGrants(ctx, in, optFns...)
	if a.grants == nil {
		a.grants = map[string]*call[kms.ListGrantsOutput]{}
	}
	a.grants[marker] = &call[kms.ListGrantsOutput]{out, err}
	return out, err
}

func replayed[T any](c *call[T]) (*T, error) {
	if c == nil {
		return nil, errNotRecorded
	}
	return c.out, c.err
}
