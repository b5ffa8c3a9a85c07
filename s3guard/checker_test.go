package s3guard

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/posture"
)

var bucketOps = []string{"GetBucketLocation", "GetBucketEncryption", "GetBucketPolicy", "GetPublicAccessBlock", "GetBucketOwnershipControls"}

// assertRounds checks that every bucket operation was called n times.
func assertRounds(t *testing.T, f *fakeS3, n int) {
	t.Helper()
	for _, op := range bucketOps {
		if got := f.count(op); got != n {
			t.Errorf("%s called %d times, want %d (calls: %s)", op, got, n, f.callLog())
		}
	}
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestCheckerConcurrentCallersShareOneRound(t *testing.T) {
	fake := goodBucket()
	fake.delay = 20 * time.Millisecond  // so the callers overlap
	fake.policy = policyOf(stGrantRead) // one finding, to see reports are shared correctly
	c := NewChecker(fake, testReq())

	const callers = 1000
	var wg sync.WaitGroup
	reports := make([]posture.Report, callers)
	errs := make([]error, callers)
	start := make(chan struct{})
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			reports[i], errs[i] = c.CheckBucket(context.Background(), testBucket, Read)
		}()
	}
	close(start)
	wg.Wait()

	assertRounds(t, fake, 1)
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if diff := cmp.Diff([]string{FindingTLSOnlyMissing}, reports[i].IDs()); diff != "" {
			t.Fatalf("caller %d IDs mismatch (-want +got):\n%s", i, diff)
		}
	}
}

func TestCheckerSharesRoundAcrossDirectionsAndLocations(t *testing.T) {
	fake := goodBucket()
	c := NewChecker(fake, testReq())
	ctx := context.Background()
	for _, call := range []func() (posture.Report, error){
		func() (posture.Report, error) { return c.CheckBucket(ctx, testBucket, Read) },
		func() (posture.Report, error) { return c.CheckBucket(ctx, testBucket, Write) },
		func() (posture.Report, error) { return c.CheckLocation(ctx, Location{testBucket, "in/"}, Read) },
		func() (posture.Report, error) { return c.CheckLocation(ctx, Location{testBucket, "out/"}, Write) },
		func() (posture.Report, error) { return c.CheckBucket(ctx, testBucket, Read) },
	} {
		r, err := call()
		if err != nil || len(r.Findings) != 0 {
			t.Fatalf("check = %v, %v; want a clean report", r.IDs(), err)
		}
	}
	assertRounds(t, fake, 1)
}

func TestCheckerDoesNotCacheFailures(t *testing.T) {
	fake := goodBucket()
	fake.errs = map[string]error{"GetBucketPolicy": apiError("GetBucketPolicy", 403, "AccessDenied", nil)}
	c := NewChecker(fake, testReq())
	ctx := context.Background()

	_, err := c.CheckBucket(ctx, testBucket, Read)
	var ce *CheckError
	if !errors.As(err, &ce) || !ce.AccessDenied() {
		t.Fatalf("first CheckBucket() error = %v, want a denied *CheckError", err)
	}
	// A second caller retries rather than getting a cached failure or pass.
	_, err = c.CheckBucket(ctx, testBucket, Read)
	if !errors.As(err, &ce) {
		t.Fatalf("second CheckBucket() error = %v, want *CheckError again", err)
	}
	assertRounds(t, fake, 2)

	fake.errs = nil
	r, err := c.CheckBucket(ctx, testBucket, Read)
	if err != nil || len(r.Findings) != 0 {
		t.Fatalf("after the fix CheckBucket() = %v, %v; want a clean report", r.IDs(), err)
	}
	assertRounds(t, fake, 3)
}

func TestCheckerTTL(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	fake := goodBucket()
	c := NewChecker(fake, testReq(), func(o *CheckerOptions) {
		o.TTL = time.Minute
		o.Now = clock.Now
	})
	ctx := context.Background()
	check := func() posture.Report {
		t.Helper()
		r, err := c.CheckBucket(ctx, testBucket, Read)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	check()
	clock.Advance(59 * time.Second)
	check()
	assertRounds(t, fake, 1)

	// The bucket changes; the change is seen once the TTL has passed.
	fake.policy = ""
	clock.Advance(2 * time.Second)
	if r := check(); !r.Has(FindingPolicyMissing) {
		t.Errorf("after the TTL, report = %v, want %s", r.IDs(), FindingPolicyMissing)
	}
	assertRounds(t, fake, 2)

	// Forget makes the next check call S3 at once.
	fake.policy = goodPolicy
	c.Forget(testBucket)
	if r := check(); len(r.Findings) != 0 {
		t.Errorf("after Forget, report = %v, want clean", r.IDs())
	}
	assertRounds(t, fake, 3)
}

func TestCheckerReportsAreCopies(t *testing.T) {
	fake := goodBucket()
	fake.pab = nil
	c := NewChecker(fake, testReq())
	ctx := context.Background()
	r1, err := c.CheckBucket(ctx, testBucket, Read)
	if err != nil {
		t.Fatal(err)
	}
	r1.Findings[0].ID = "tampered"
	r1.Findings[0].Severity = posture.Info
	r2, err := c.CheckBucket(ctx, testBucket, Read)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{FindingPublicAccessBlockMissing}, r2.IDs()); diff != "" {
		t.Errorf("a caller changed the cached report (-want +got):\n%s", diff)
	}
}

func TestCheckerObjects(t *testing.T) {
	fake := &fakeS3{objects: headOutputs(manyObjects(30, &fakeObject{alg: "aws:kms", key: allowedKey}))}
	fake.errs = map[string]error{"ListObjectsV2": apiError("ListObjectsV2", 403, "AccessDenied", nil)}
	c := NewChecker(fake, testReq(), func(o *CheckerOptions) { o.ObjectSample = 50 })
	ctx := context.Background()
	loc := Location{testBucket, "in/"}

	if _, err := c.CheckObjects(ctx, loc); err == nil {
		t.Fatal("CheckObjects() with ListObjectsV2 denied succeeded")
	}
	fake.errs = nil
	for range 3 {
		r, err := c.CheckObjects(ctx, loc)
		if err != nil || len(r.Findings) != 0 {
			t.Fatalf("CheckObjects() = %v, %v; want clean", r.IDs(), err)
		}
	}
	// One failed round, one good round, then the cache; the sample is
	// capped at MaxObjectSample.
	if diff := cmp.Diff("HeadObject=20 ListObjectsV2=2", fake.callLog()); diff != "" {
		t.Errorf("calls mismatch (-want +got):\n%s", diff)
	}
	c.ForgetObjects(loc)
	if _, err := c.CheckObjects(ctx, loc); err != nil {
		t.Fatal(err)
	}
	if got := fake.count("ListObjectsV2"); got != 3 {
		t.Errorf("after ForgetObjects ListObjectsV2 called %d times, want 3", got)
	}
}

func TestCheckerInvalidInput(t *testing.T) {
	fake := goodBucket()
	ctx := context.Background()
	bad := NewChecker(fake, Requirements{})
	var ae *ArgumentError
	if _, err := bad.CheckBucket(ctx, testBucket, Read); !errors.As(err, &ae) {
		t.Errorf("CheckBucket with invalid requirements: %v, want *ArgumentError", err)
	}
	if _, err := bad.CheckLocation(ctx, Location{testBucket, "k"}, Read); !errors.As(err, &ae) {
		t.Errorf("CheckLocation with invalid requirements: %v, want *ArgumentError", err)
	}
	if _, err := bad.CheckObjects(ctx, Location{testBucket, "k"}); !errors.As(err, &ae) {
		t.Errorf("CheckObjects with invalid requirements: %v, want *ArgumentError", err)
	}
	good := NewChecker(fake, testReq())
	var le *LocationError
	if _, err := good.CheckBucket(ctx, "Bad_Bucket", Read); !errors.As(err, &le) {
		t.Errorf("CheckBucket with an invalid bucket: %v, want *LocationError", err)
	}
	if _, err := good.CheckBucket(ctx, testBucket, Direction(7)); !errors.As(err, &ae) {
		t.Errorf("CheckBucket with an invalid direction: %v, want *ArgumentError", err)
	}
	if _, err := good.CheckObjects(ctx, Location{testBucket, "a\x00"}); !errors.As(err, &le) {
		t.Errorf("CheckObjects with an invalid key: %v, want *LocationError", err)
	}
	if log := fake.callLog(); log != "" {
		t.Errorf("S3 called despite invalid input: %s", log)
	}
}

func TestNewCheckerCopiesRequirements(t *testing.T) {
	keys, trusted := []string{allowedKey}, []string{"999999999999"}
	fake := goodBucket()
	fake.policy = policyOf(stSecurityHubTLS, stGrantRead, `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-personalize-data/*"}`)
	c := NewChecker(fake, Requirements{Region: "us-east-1", AccountID: testAcct, AllowedKMSKeys: keys, TrustedAccountIDs: trusted})
	keys[0], trusted[0] = otherKey, "888888888888" // the caller reuses its slices
	r, err := c.CheckBucket(context.Background(), testBucket, Read)
	if err != nil || len(r.Findings) != 0 {
		t.Errorf("CheckBucket() = %v, %v; the caller's later change must not reach the Checker", r.IDs(), err)
	}
}

// TestCheckListedObjects: with the caller's listing the Checker reports what
// CheckObjects does, calls list once per uncached check and never on a hit,
// and fails closed on what list fails with.
func TestCheckListedObjects(t *testing.T) {
	kmsObj := &fakeObject{alg: types.ServerSideEncryptionAwsKms, key: allowedKey}
	objs := withMarkers(manyObjects(30, kmsObj), 3)
	objs["in/part-1005.csv"] = &fakeObject{} // in the sample: unencrypted
	ctx := context.Background()
	// fullList lists as a scan of the objects does: every key, 1,000 a page.
	fullList := func(f *fakeS3, loc Location, calls *int) ListFunc {
		return func(ctx context.Context) (Listing, error) {
			*calls++
			if !loc.IsPrefix() {
				h, err := f.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key)})
				return Listing{Head: h}, err
			}
			var l Listing
			in := &s3.ListObjectsV2Input{Bucket: aws.String(loc.Bucket), Prefix: aws.String(loc.Key), MaxKeys: aws.Int32(1000)}
			for {
				out, err := f.ListObjectsV2(ctx, in)
				if err != nil {
					return Listing{}, err
				}
				for _, o := range out.Contents {
					l.Keys = append(l.Keys, aws.ToString(o.Key))
				}
				if !aws.ToBool(out.IsTruncated) {
					return l, nil
				}
				in.ContinuationToken = out.NextContinuationToken
			}
		}
	}
	for _, loc := range []Location{{testBucket, "in/"}, {testBucket, "in/part-1005.csv"}, {testBucket, "in/part-1010.csv"}, {testBucket, "in/none.csv"}, {testBucket, "empty/"}} {
		t.Run(loc.String(), func(t *testing.T) {
			want, err := CheckObjects(ctx, &fakeS3{objects: headOutputs(objs)}, loc, testReq())
			if err != nil {
				t.Fatal(err)
			}
			fake := &fakeS3{objects: headOutputs(objs)}
			c := NewChecker(fake, testReq())
			calls := 0
			for range 2 {
				got, err := c.CheckListedObjects(ctx, loc, fullList(fake, loc, &calls))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("CheckListedObjects mismatch with CheckObjects (-want +got):\n%s", diff)
				}
			}
			if calls != 1 {
				t.Errorf("list called %d times over a miss and a hit, want 1", calls)
			}
		})
	}

	denied := apiError("ListObjectsV2", 403, "AccessDenied", nil)
	for _, tt := range []struct {
		name string
		loc  Location
		l    Listing
		err  error
		want string // a finding ID, or "" for a *CheckError
	}{
		{name: "listing denied", loc: Location{testBucket, "in/"}, err: denied},
		{name: "head denied", loc: Location{testBucket, "in/a.csv"}, err: apiError("HeadObject", 403, "AccessDenied", nil)},
		{name: "no head answer", loc: Location{testBucket, "in/a.csv"}},
		{name: "no bucket", loc: Location{testBucket, "in/"}, err: apiError("ListObjectsV2", 404, codeNoSuchBucket, nil), want: FindingBucketNotFound},
		{name: "only markers, truncated", loc: Location{testBucket, "in/"}, l: Listing{Keys: []string{"in/a/", "in/b/"}, Truncated: true}, want: FindingSourceUnsampled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := NewChecker(&fakeS3{objects: headOutputs(objs)}, testReq())
			rep, err := c.CheckListedObjects(ctx, tt.loc, func(context.Context) (Listing, error) { return tt.l, tt.err })
			var ce *CheckError
			switch {
			case tt.want == "" && !errors.As(err, &ce):
				t.Errorf("CheckListedObjects = %v, %v; want a *CheckError", rep.IDs(), err)
			case tt.want != "" && (err != nil || !slices.Equal(rep.IDs(), []string{tt.want})):
				t.Errorf("CheckListedObjects = %v, %v; want %s", rep.IDs(), err, tt.want)
			}
		})
	}
}

// TestCheckerObjectsHitSkipsOnlyValidated: a cached object check is served
// without validating its location again (only a validated location is ever
// cached); an invalid location is refused every time, with a cached valid
// one beside it, and reaches no S3 call.
func TestCheckerObjectsHitSkipsOnlyValidated(t *testing.T) {
	fake := &fakeS3{objects: headOutputs(manyObjects(3, &fakeObject{alg: "aws:kms", key: allowedKey}))}
	c := NewChecker(fake, testReq())
	ctx := context.Background()
	good := Location{testBucket, "in/"}
	for range 2 {
		if _, _, err := c.CheckObjectKeys(ctx, good, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	before := fake.callLog()
	for _, loc := range []Location{{testBucket, "in/\x00"}, {testBucket, "in/?X-Amz-Signature=x"}, {"Bad_Bucket", "in/"},
		{testBucket, "in/%3Fx"}, {testBucket + "..x", "in/"}, {testBucket, strings.Repeat("k", MaxLocationLength)}} {
		for call := range 2 {
			var le *LocationError
			if _, _, err := c.CheckObjectKeys(ctx, loc, nil, nil); !errors.As(err, &le) {
				t.Errorf("call %d: CheckObjectKeys(%q) = %v, want *LocationError", call, loc, err)
			}
		}
	}
	if diff := cmp.Diff(before, fake.callLog()); diff != "" {
		t.Errorf("S3 calls for invalid locations (-want +got):\n%s", diff)
	}
}

// TestCheckerLocationHitSkipsOnlyValidated: CheckLocation serves a bucket
// state's memoized location report without validating the location again
// (only a validated location is ever memoized); an invalid location, or an
// invalid direction, in the same warm bucket is refused every time and
// reaches no S3 call.
func TestCheckerLocationHitSkipsOnlyValidated(t *testing.T) {
	fake := goodBucket()
	c := NewChecker(fake, testReq())
	ctx := context.Background()
	good := Location{testBucket, "in/"}
	for range 2 {
		if _, err := c.CheckLocation(ctx, good, Read); err != nil {
			t.Fatal(err)
		}
	}
	before := fake.callLog()
	for _, loc := range []Location{{testBucket, "in/\x00"}, {testBucket, "in/?X-Amz-Signature=x"}, {testBucket, "in/%3Fx"},
		{testBucket, strings.Repeat("k", MaxLocationLength)}} {
		for call := range 2 {
			var le *LocationError
			if _, err := c.CheckLocation(ctx, loc, Read); !errors.As(err, &le) {
				t.Errorf("call %d: CheckLocation(%q) = %v, want *LocationError", call, loc, err)
			}
		}
	}
	var ae *ArgumentError
	if _, err := c.CheckLocation(ctx, good, Direction(99)); !errors.As(err, &ae) {
		t.Errorf("CheckLocation of the memoized location with an invalid direction = %v, want *ArgumentError", err)
	}
	if diff := cmp.Diff(before, fake.callLog()); diff != "" {
		t.Errorf("S3 calls for invalid arguments (-want +got):\n%s", diff)
	}
}
