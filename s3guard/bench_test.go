package s3guard

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// BenchmarkCheckerCached is the cost the guard adds to a call once the
// bucket's posture is cached (target: under 2 µs).
func BenchmarkCheckerCached(b *testing.B) {
	fake := goodBucket()
	fake.pab = nil // one finding, so the report copy is part of the cost
	c := NewChecker(fake, testReq())
	ctx := context.Background()
	if _, err := c.CheckBucket(ctx, testBucket, Read); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.CheckBucket(ctx, testBucket, Read); err != nil {
			b.Fatal(err)
		}
	}
	if n := fake.count("GetBucketLocation"); n != 1 {
		b.Fatalf("GetBucketLocation called %d times, want 1", n)
	}
}

// BenchmarkCheckerCachedParallel is the cached path under contention.
func BenchmarkCheckerCachedParallel(b *testing.B) {
	c := NewChecker(goodBucket(), testReq())
	ctx := context.Background()
	if _, err := c.CheckBucket(ctx, testBucket, Read); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.CheckBucket(ctx, testBucket, Read); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkConcurrentFirstCheck starts 1,000 concurrent checks of one bucket
// on a fresh Checker and reports how many rounds of S3 calls they made
// (target: 1).
func BenchmarkConcurrentFirstCheck(b *testing.B) {
	const callers = 1000
	ctx := context.Background()
	rounds := 0
	b.ReportAllocs()
	for b.Loop() {
		fake := goodBucket()
		fake.delay = time.Millisecond
		c := NewChecker(fake, testReq())
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := c.CheckBucket(ctx, testBucket, Read); err != nil {
					b.Error(err)
				}
			}()
		}
		close(start)
		wg.Wait()
		rounds += fake.count("GetBucketLocation")
	}
	b.ReportMetric(float64(rounds)/float64(b.N), "s3-rounds/op")
}

// BenchmarkCheckBucketUncached is one full check against an instant fake:
// the CPU cost of judging a bucket, policy evaluation included.
func BenchmarkCheckBucketUncached(b *testing.B) {
	fake := goodBucket()
	ctx := context.Background()
	req := testReq()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CheckBucket(ctx, fake, testBucket, Read, req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseLocation(b *testing.B) {
	for _, in := range []string{
		"s3://amzn-personalize-data/imports/2024/users.csv",
		"https://amzn-personalize-data.s3.us-east-1.amazonaws.com/imports/my%20users.csv",
	} {
		b.Run(in[:5], func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if _, err := ParseLocation(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckLocationNewPrefix is import traffic: the bucket's posture is
// cached, and every call names a prefix never seen before (a new import
// folder). Target: ≤ 5 µs and ≤ 20 allocs, no S3 call. "generated" is the
// policy PersonalizeBucketPolicy writes, whose aws:SourceArn condition
// leaves a Low finding worded for each location; "minimal" has no
// location finding.
func BenchmarkCheckLocationNewPrefix(b *testing.B) {
	generated, err := PersonalizeBucketPolicy(BucketPolicyInput{Bucket: testBucket, Directions: []Direction{Read, Write}, AccountID: testAcct,
		SourceARN: "arn:aws:personalize:us-east-1:" + testAcct + ":*"})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, policy string }{{"minimal", goodPolicy}, {"generated", string(generated)}} {
		b.Run("policy="+bc.name, func(b *testing.B) {
			fake := goodBucket()
			fake.policy = bc.policy
			c := NewChecker(fake, testReq())
			ctx := context.Background()
			if _, err := c.CheckLocation(ctx, Location{Bucket: testBucket, Key: "imports/"}, Read); err != nil {
				b.Fatal(err)
			}
			locs := make([]Location, 1<<16)
			for i := range locs {
				locs[i] = Location{Bucket: testBucket, Key: "imports/batch-" + strconv.Itoa(i) + "/"}
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				loc := locs[i%len(locs)]
				if i >= len(locs) { // fresh in every pass, at one allocation
					loc.Key += strconv.Itoa(i/len(locs)) + "/"
				}
				i++
				if _, err := c.CheckLocation(ctx, loc, Read); err != nil {
					b.Fatal(err)
				}
			}
			if n := fake.count("GetBucketLocation"); n != 1 {
				b.Fatalf("GetBucketLocation called %d times, want 1", n)
			}
		})
	}
}

// BenchmarkListObjects is the lister's own cost over the import scan's
// largest listing, ten pages of 1,000 keys (the fake's pages are built
// once): the rules (prefix, duplicates, tokens) and the Listing it keeps.
func BenchmarkListObjects(b *testing.B) {
	pages := make([][]types.Object, 10)
	for i := range pages {
		for j := range 1000 {
			pages[i] = append(pages[i], entry("imports/part-"+strconv.Itoa(i*1000+j)+".csv", 1<<20))
		}
	}
	fake := &pagedS3{pages: paged(pages...)}
	loc := Location{Bucket: testBucket, Key: "imports/"}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		fake.requests = fake.requests[:0]
		l, err := ListObjects(ctx, fake, loc)
		if err != nil || len(l.Objects) != 10_000 {
			b.Fatalf("ListObjects = %d objects, %v; want 10000", len(l.Objects), err)
		}
	}
}
