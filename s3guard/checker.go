package s3guard

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/personalizeguard/personalizeguard/internal/checkcache"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// CheckerOptions tune a [Checker]. Zero fields take the defaults.
type CheckerOptions struct {
	// TTL is how long a result is reused. Default 5 minutes. A change to
	// the bucket is seen at most TTL late.
	TTL time.Duration
	// MaxEntries bounds each cache (buckets, object locations). Default 1024.
	MaxEntries int
	// Timeout bounds one round of S3 calls. Default 30 seconds.
	Timeout time.Duration
	// ObjectSample is how many objects under a prefix CheckObjects looks at.
	// Default [DefaultObjectSample]; at most [MaxObjectSample].
	ObjectSample int
	// FailureBackoff, when positive, keeps a round of S3 calls that failed
	// (throttled, denied, unreachable) for a jittered interval between
	// FailureBackoff/2 and FailureBackoff, doubling with each consecutive
	// failure up to 30 seconds: callers in that interval get the same
	// [*CheckError] at once, failing closed, instead of each asking S3
	// again. Zero, the default, keeps no failure: the next caller asks S3.
	FailureBackoff time.Duration
	// Detector names objects in findings: a listed key holding what it
	// finds is named by its place in the listing instead (see
	// [ObjectName]). Nil means sensitive.Default(); a guard passes its
	// Policy's.
	Detector *sensitive.Detector
	// Now is the clock; nil means time.Now. Tests replace it.
	Now func() time.Time

	jitter func() float64 // tests fix the back-off's jitter
}

// Checker runs bucket and object checks for one guard, caching their results
// for a TTL and sharing one round of S3 calls among concurrent callers of the
// same bucket or location; each caller waits no longer than its own context
// allows. A check that could not run is not cached (unless
// [CheckerOptions.FailureBackoff] says otherwise): the next caller tries
// again. It is safe for concurrent use.
//
// The bucket cache is keyed by bucket: one round of S3 calls serves both
// directions and every location in the bucket; the report for each
// (direction, location) is derived from it once and reused.
type Checker struct {
	client interface {
		BucketAPIClient
		ObjectAPIClient
	}
	req    Requirements
	reqErr error
	sample int
	det    *sensitive.Detector // nil: sensitive.Default()

	buckets *checkcache.Cache[string, *bucketState]
	objects *checkcache.Cache[Location, objectsResult]
}

// NewChecker returns a Checker that calls S3 through c and judges against
// req. An invalid req is reported by every check, before any call.
func NewChecker(c CheckAPIClient, req Requirements, optFns ...func(*CheckerOptions)) *Checker {
	var o CheckerOptions
	for _, fn := range optFns {
		fn(&o)
	}
	req.AllowedKMSKeys = append([]string(nil), req.AllowedKMSKeys...) // the caller keeps theirs
	req.TrustedAccountIDs = append([]string(nil), req.TrustedAccountIDs...)
	ck := &Checker{client: c, req: req, reqErr: req.Validate(), sample: o.ObjectSample, det: o.Detector}
	if ck.sample <= 0 {
		ck.sample = DefaultObjectSample
	}
	ck.sample = min(ck.sample, MaxObjectSample)
	co := checkcache.Options{TTL: o.TTL, MaxEntries: o.MaxEntries, Timeout: o.Timeout, FailureBackoff: o.FailureBackoff, Now: o.Now, Jitter: o.jitter}
	ck.buckets = checkcache.New[string, *bucketState](co)
	ck.objects = checkcache.New[Location, objectsResult](co)
	return ck
}

// CheckBucket is the cached form of the package-level [CheckBucket].
func (c *Checker) CheckBucket(ctx context.Context, bucket string, dir Direction) (posture.Report, error) {
	if err := c.args(bucket, dir); err != nil {
		return posture.Report{}, err
	}
	st, err := c.bucket(ctx, bucket)
	if err != nil {
		return posture.Report{}, err
	}
	return st.report(memoKey{dir: dir, loc: Location{Bucket: bucket}}, &c.req), nil
}

// CheckLocation is the cached form of the package-level [CheckLocation]. It
// shares the bucket's round of S3 calls with CheckBucket.
func (c *Checker) CheckLocation(ctx context.Context, loc Location, dir Direction) (posture.Report, error) {
	// args less its bucket name check, which Validate makes first.
	if err := c.argsDir(dir); err != nil {
		return posture.Report{}, err
	}
	k := memoKey{dir: dir, loc: loc, hasLoc: true}
	// A bucket state's memo holds a location's report only after the
	// location passed Validate below, whose rules do not change: a memo
	// hit (the usual call) is not validated again.
	if st, err, hit := c.buckets.Cached(loc.Bucket); hit && err == nil {
		if r, ok := st.memoized(k); ok {
			return r, nil
		}
	}
	if err := loc.Validate(); err != nil {
		return posture.Report{}, err
	}
	st, err := c.bucket(ctx, loc.Bucket)
	if err != nil {
		return posture.Report{}, err
	}
	return st.report(k, &c.req), nil
}

// CheckObjects is the cached form of the package-level [CheckObjects], with
// the sample size of [CheckerOptions.ObjectSample].
func (c *Checker) CheckObjects(ctx context.Context, loc Location) (posture.Report, error) {
	r, err := c.objectsChecked(ctx, loc, nil)
	return cloneReport(r.rep), err
}

// CheckListedObjects is CheckObjects for a caller that reads the
// location's listing (or its object's HeadObject answer) for its own needs
// too, such as a scan of the objects: list is called only when the check is
// not cached, so one check lists the location once. The sample is the
// first [CheckerOptions.ObjectSample] data objects of the listing, as with
// CheckObjects; their HeadObject calls are the Checker's own.
func (c *Checker) CheckListedObjects(ctx context.Context, loc Location, list ListFunc) (posture.Report, error) {
	if c.reqErr != nil {
		return posture.Report{}, c.reqErr
	}
	if err := loc.Validate(); err != nil {
		return posture.Report{}, err
	}
	if list == nil {
		return posture.Report{}, &ArgumentError{Field: "list", Reason: "is nil"}
	}
	r, err := c.objectsChecked(ctx, loc, list)
	return cloneReport(r.rep), err
}

// CheckObjectKeys is CheckListedObjects (CheckObjects when list is nil)
// that also appends to keys the KMS keys the checked objects are encrypted
// with (SSE-KMS or DSSE-KMS), each once, as HeadObject names them: "" stands
// for the AWS managed key aws/s3, and returns the extended slice. A caller
// that must also know whether a key lets a given principal decrypt the
// objects checks these keys. Appending (to a buffer the caller keeps, or
// nil) copies them out of the cache, which the caller cannot reach.
func (c *Checker) CheckObjectKeys(ctx context.Context, loc Location, list ListFunc, keys []string) (posture.Report, []string, error) {
	r, err := c.objectsChecked(ctx, loc, list)
	if err != nil {
		return posture.Report{}, keys, err
	}
	return cloneReport(r.rep), append(keys, r.keys...), nil
}

// objectsChecked is the cached check of loc's objects that CheckObjects,
// CheckListedObjects and CheckObjectKeys hand out copies of.
func (c *Checker) objectsChecked(ctx context.Context, loc Location, list ListFunc) (objectsResult, error) {
	if c.reqErr != nil {
		return objectsResult{}, c.reqErr
	}
	// Only checkObjectsOnce puts an entry in c.objects, after loc passed
	// Validate, whose rules do not change: a hit (the usual call) is a loc
	// that passes, so it is not validated again, and builds no closure
	// (one would escape to the flight, an allocation per call).
	r, err, hit := c.objects.Cached(loc)
	if !hit {
		if err := loc.Validate(); err != nil {
			return objectsResult{}, err
		}
		r, err = c.checkObjectsOnce(ctx, loc, list)
	}
	return r, err
}

// checkObjectsOnce is objectsChecked's check of loc, once for concurrent
// callers, cached. loc must have passed Validate: objectsChecked serves a
// cached entry without validating it.
func (c *Checker) checkObjectsOnce(ctx context.Context, loc Location, list ListFunc) (objectsResult, error) {
	r, _, err := c.objects.Do(ctx, loc, func(ctx context.Context) (objectsResult, error) {
		if list == nil {
			return checkObjects(ctx, c.client, loc, &c.req, c.sample, c.det)
		}
		return checkListedObjects(ctx, c.client, loc, &c.req, c.sample, c.det, list)
	})
	return r, err
}

// DefaultKMSKey returns the KMS key bucket's default encryption names, as
// S3 names it (a key ARN, key ID or alias; "" for the AWS managed key
// aws/s3), with kms true when that encryption is SSE-KMS or DSSE-KMS. It
// shares the bucket's cached round of S3 calls with CheckBucket. A missing
// bucket, or one in another Region, has no key here: CheckBucket reports it.
func (c *Checker) DefaultKMSKey(ctx context.Context, bucket string) (key string, kms bool, err error) {
	if err := c.args(bucket, Read); err != nil {
		return "", false, err
	}
	st, err := c.bucket(ctx, bucket)
	if err != nil || st.missing || st.wrongRegion || st.encryption == nil {
		return "", false, err
	}
	for _, rule := range st.encryption.Rules {
		if d := rule.ApplyServerSideEncryptionByDefault; d != nil {
			// The first default rule, as the bucket check reads it.
			return aws.ToString(d.KMSMasterKeyID), isKMS(d.SSEAlgorithm), nil
		}
	}
	return "", false, nil
}

// Forget drops what the Checker remembers about bucket's configuration, so
// the next CheckBucket or CheckLocation calls S3 again: call it after
// changing the bucket. Object samples are dropped with [Checker.ForgetObjects].
func (c *Checker) Forget(bucket string) { c.buckets.Forget(bucket) }

// ForgetObjects drops the remembered object check of loc.
func (c *Checker) ForgetObjects(loc Location) { c.objects.Forget(loc) }

func (c *Checker) args(bucket string, dir Direction) error {
	if err := c.argsDir(dir); err != nil {
		return err
	}
	return ValidateBucketName(bucket)
}

// argsDir is args without the bucket's name.
func (c *Checker) argsDir(dir Direction) error {
	if c.reqErr != nil {
		return c.reqErr
	}
	if !dir.valid() {
		return &ArgumentError{Field: "dir", Reason: "must be Read or Write"}
	}
	return nil
}

func (c *Checker) bucket(ctx context.Context, bucket string) (*bucketState, error) {
	if st, err, hit := c.buckets.Cached(bucket); hit {
		return st, err // no closure built, as in objectsChecked
	}
	return c.fetchBucketOnce(ctx, bucket)
}

// fetchBucketOnce is bucket's round of S3 calls, once for concurrent
// callers, cached. bucket must have passed ValidateBucketName (bucket's callers
// validate first): CheckLocation serves a cached state's location reports
// without validating the location again.
func (c *Checker) fetchBucketOnce(ctx context.Context, bucket string) (*bucketState, error) {
	st, _, err := c.buckets.Do(ctx, bucket, func(ctx context.Context) (*bucketState, error) {
		return fetchBucket(ctx, c.client, bucket, &c.req)
	})
	return st, err
}
