package kms

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/posture"
)

// A Check whose round of KMS calls was under way when Forget ran returns
// that round's report, but the next Check asks KMS again: the hot facts
// must not outlive a Forget any more than the cache's entry does.
func TestCheckerForgetDuringFlight(t *testing.T) {
	f := goodFake(t)
	f.gate, f.entered = make(chan struct{}), make(chan struct{})
	c := NewChecker(f)
	done := make(chan error)
	go func() {
		_, err := c.Check(context.Background(), goodInput())
		done <- err
	}()
	<-f.entered
	c.Forget(goodInput())
	close(f.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.Check(context.Background(), goodInput()); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.describes.Load(); got != 2 {
		t.Errorf("DescribeKey calls = %d, want 2: one for the forgotten round, one after it", got)
	}
}

// On the real clock the hot facts expire with the TTL as the cache's do.
func TestCheckerHotRealClockTTL(t *testing.T) {
	f := goodFake(t)
	c := NewChecker(f, func(o *CheckerOptions) { o.TTL = time.Millisecond })
	check := func() {
		t.Helper()
		if _, err := c.Check(context.Background(), goodInput()); err != nil {
			t.Fatal(err)
		}
	}
	check()
	time.Sleep(5 * time.Millisecond)
	check()
	if got := f.describes.Load(); got != 2 {
		t.Errorf("DescribeKey calls = %d, want 2: the facts expired between the calls", got)
	}
}

// A Checker serving two keys in turn keeps both cached: switching the hot
// key costs no call to KMS.
func TestCheckerHotTwoKeys(t *testing.T) {
	f := goodFake(t)
	c := NewChecker(f)
	other := goodInput()
	other.KeyARN = "arn:aws:kms:us-east-1:111122223333:key/" + testMRKID
	for range 5 {
		for _, in := range []CheckInput{goodInput(), other} {
			rep, err := c.Check(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Resource != in.KeyARN {
				t.Fatalf("report for %s names %s", in.KeyARN, rep.Resource)
			}
		}
	}
	if got := f.describes.Load(); got != 2 {
		t.Errorf("DescribeKey calls = %d, want 2: one per key", got)
	}
}

// With a TTL long enough for a timer, the hot facts go stale a margin
// before the TTL ends, and the next Check after the TTL asks KMS again.
func TestCheckerHotTimer(t *testing.T) {
	const ttl, margin = 200 * time.Millisecond, 20 * time.Millisecond
	for _, tt := range []struct{ ttl, margin, want time.Duration }{
		{5 * time.Minute, 0, time.Second}, {10 * time.Second, 0, time.Second}, {9 * time.Second, 0, 0},
		{ttl, margin, margin}, {ttl, 21 * time.Millisecond, 0},
	} {
		if got := staleMargin(tt.ttl, tt.margin); got != tt.want {
			t.Errorf("staleMargin(%v, %v) = %v, want %v", tt.ttl, tt.margin, got, tt.want)
		}
	}
	f := goodFake(t)
	c := NewChecker(f, func(o *CheckerOptions) { o.TTL, o.staleMargin = ttl, margin })
	start := time.Now()
	if _, err := c.Check(context.Background(), goodInput()); err != nil {
		t.Fatal(err)
	}
	// The cache's TTL runs from when the first Check filled it, which on a
	// loaded machine can be well after start.
	filled := time.Now()
	facts := c.last.Load().facts.Load()
	if facts == nil || !facts.timed || facts.stale.Load() {
		t.Fatalf("after the first Check the facts are not hot and timed")
	}
	// In the margin the hot facts are not used, but the cache still serves
	// them without a call to KMS.
	facts.stale.Store(true)
	if _, err := c.Check(context.Background(), goodInput()); err != nil {
		t.Fatal(err)
	}
	if got := f.describes.Load(); got != 1 && time.Since(start) < ttl/2 {
		t.Errorf("DescribeKey calls = %d within the TTL, want 1", got)
	}
	// The timer fires a margin before the TTL ends; on a loaded machine it
	// may run late, so wait for it (bounded), and for the TTL itself.
	time.Sleep(time.Until(filled.Add(ttl + 20*time.Millisecond)))
	for deadline := time.Now().Add(10 * time.Second); !facts.stale.Load() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if !facts.stale.Load() {
		t.Errorf("the facts are not stale 10 s after their TTL")
	}
	if _, err := c.Check(context.Background(), goodInput()); err != nil {
		t.Fatal(err)
	}
	if got := f.describes.Load(); got != 2 {
		t.Errorf("DescribeKey calls = %d, want 2: the facts expired between the calls", got)
	}
}

// Concurrent callers on two keys, with Forget in between, each get the
// report uncached Check gives: the hot facts, classes and heads are shared
// without a lock and replaced as the callers go (run with -race).
func TestCheckerHotConcurrent(t *testing.T) {
	f := &fakeKMS{md: goodMetadata(), rotation: true, policy: conditionPolicy(t, "Allow", map[string][]string{
		"ArnLike":    {"arn:aws:personalize:us-east-1:111122223333:dataset-group/prod-*"},
		"StringLike": {"*:dataset-group/m?vies"},
	})}
	c := NewChecker(f)
	keys := []string{testKeyARN, "arn:aws:kms:us-east-1:111122223333:key/" + testMRKID}
	want := map[string]posture.Report{}
	for _, k := range keys {
		for _, src := range fastSources {
			in := goodInput()
			in.KeyARN, in.SourceARN, in.AccountID = k, src, "" // every source valid
			rep, err := Check(context.Background(), f, in)
			if err != nil {
				t.Fatal(err)
			}
			want[k+" "+src] = rep
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				in := goodInput()
				in.AccountID = ""
				in.KeyARN = keys[(g+i/50)%len(keys)]
				in.SourceARN = fastSources[(g*7+i)%len(fastSources)]
				if g == 0 && i%100 == 99 {
					c.Forget(in)
				}
				got, err := c.Check(context.Background(), in)
				if err != nil {
					errs <- err.Error()
					return
				}
				if diff := cmp.Diff(want[in.KeyARN+" "+in.SourceARN], got); diff != "" {
					errs <- in.SourceARN + ": (-want +got)\n" + diff
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// Checker.Check copies the shared report field by field; a field added to
// posture.Report must be added there too.
func TestCheckerCopiesEveryReportField(t *testing.T) {
	var names []string
	typ := reflect.TypeFor[posture.Report]()
	for i := range typ.NumField() {
		names = append(names, typ.Field(i).Name)
	}
	if diff := cmp.Diff([]string{"Check", "Resource", "Findings"}, names); diff != "" {
		t.Errorf("posture.Report's fields changed; copy them in Checker.Check (-want +got):\n%s", diff)
	}
}
