package kms

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// BenchmarkCheckerCached is the guard's hot path: every CreateDatasetGroup
// after the first asks the Checker about the same key. It must make no KMS
// call (kms-calls/op 0).
func BenchmarkCheckerCached(b *testing.B) {
	f := goodFake(b)
	c := NewChecker(f)
	in := goodInput()
	if _, err := c.Check(context.Background(), in); err != nil {
		b.Fatal(err)
	}
	before := f.calls()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if _, err := c.Check(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(f.calls()-before)/float64(b.N), "kms-calls/op")
}

// BenchmarkCheckerConcurrentFirstCalls starts 64 callers at once on a fresh
// Checker whose KMS answers after 1ms, as CreateDatasetGroup calls racing at
// start-up would. One op is one such burst; kms-calls/op is 4 (DescribeKey,
// GetKeyRotationStatus, GetKeyPolicy, ListGrants) when the burst shares one
// round.
func BenchmarkCheckerConcurrentFirstCalls(b *testing.B) {
	const callers = 64
	f := goodFake(b)
	f.delay = time.Millisecond
	in := goodInput()
	b.ReportAllocs()
	for b.Loop() {
		c := NewChecker(f)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := c.Check(context.Background(), in); err != nil {
					b.Error(err)
				}
			}()
		}
		close(start)
		wg.Wait()
	}
	b.ReportMetric(float64(f.calls())/float64(b.N), "kms-calls/op")
	b.ReportMetric(callers, "callers/op")
}

// BenchmarkCheck is one uncached check against an in-memory fake: the cost
// of the policy evaluation itself.
func BenchmarkCheck(b *testing.B) {
	f := goodFake(b)
	in := goodInput()
	in.Exports = true
	f.policy = goodPolicy(b, true)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Check(ctx, f, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseKeyARN(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseKeyARN(testKeyARN); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckWithGrants is BenchmarkCheck on a key with 100 grants to the
// role, read in one ListGrants page: the cost the grant evaluation adds.
func BenchmarkCheckWithGrants(b *testing.B) {
	f := goodFake(b)
	for i := range 100 {
		f.grants = append(f.grants, grantTo(i, testRole, types.GrantOperationDecrypt, types.GrantOperationGenerateDataKey))
	}
	in := goodInput()
	in.Exports = true
	f.policy = goodPolicy(b, true)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Check(ctx, f, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckerNewName is real traffic: the key's facts are cached, and
// every call names a dataset group never seen before (Personalize refuses a
// name twice). Target: ≤ 5 µs and ≤ 20 allocs, no KMS call.
func BenchmarkCheckerNewName(b *testing.B) {
	f := goodFake(b)
	c := NewChecker(f)
	in := goodInput()
	ctx := context.Background()
	if _, err := c.Check(ctx, in); err != nil {
		b.Fatal(err)
	}
	const prefix = "arn:aws:personalize:us-east-1:" + testAccount + ":dataset-group/dg-"
	names := make([]string, 1<<16)
	for i := range names {
		names[i] = prefix + strconv.Itoa(i)
	}
	before := f.calls()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		in.SourceARN = names[i%len(names)]
		if i >= len(names) { // fresh in every pass over names, at one allocation
			in.SourceARN += "-" + strconv.Itoa(i/len(names))
		}
		i++
		if _, err := c.Check(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(f.calls()-before)/float64(b.N), "kms-calls/op")
}

// BenchmarkCheckerNewNameBatched is BenchmarkCheckerNewName without the
// harness's own work in the timed loop: every call still names a dataset
// group never seen before, but the names are built in batches with the
// timer stopped, so ns/op and allocs/op are the Checker's alone (the
// string building costs BenchmarkCheckerNewName two allocations and about
// 100ns per call once its first 65,536 names are used).
func BenchmarkCheckerNewNameBatched(b *testing.B) {
	f := goodFake(b)
	c := NewChecker(f)
	in := goodInput()
	ctx := context.Background()
	if _, err := c.Check(ctx, in); err != nil {
		b.Fatal(err)
	}
	const prefix = "arn:aws:personalize:us-east-1:" + testAccount + ":dataset-group/dg-"
	names := make([]string, 1<<14)
	batch := 0
	fill := func() {
		b.StopTimer()
		for i := range names {
			names[i] = prefix + strconv.Itoa(batch) + "-" + strconv.Itoa(i)
		}
		batch++
		b.StartTimer()
	}
	before := f.calls()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%len(names) == 0 {
			fill()
		}
		in.SourceARN = names[i%len(names)]
		i++
		if _, err := c.Check(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(f.calls()-before)/float64(b.N), "kms-calls/op")
}
