package kms

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/posture"
)

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestCheckerConcurrentCallersShareOneRound(t *testing.T) {
	const callers = 32
	f := goodFake(t)
	f.rotation = false // one finding, so reports have something to share
	f.gate, f.entered = make(chan struct{}), make(chan struct{})
	c := NewChecker(f)

	var started, done sync.WaitGroup
	reports := make([]posture.Report, callers)
	errs := make([]error, callers)
	for i := range callers {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			started.Done()
			reports[i], errs[i] = c.Check(context.Background(), goodInput())
		}()
	}
	started.Wait()
	// Hold KMS until the first flight is under way, then let it answer.
	<-f.entered
	close(f.gate)
	done.Wait()

	if got := [3]int64{f.describes.Load(), f.rotations.Load(), f.policies.Load()}; got != [3]int64{1, 1, 1} {
		t.Errorf("%d concurrent Checks made calls (DescribeKey, GetKeyRotationStatus, GetKeyPolicy) = %v, want one round [1 1 1]", callers, got)
	}
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if diff := cmp.Diff([]string{FindingRotationDisabled}, reports[i].IDs()); diff != "" {
			t.Errorf("caller %d report mismatch (-want +got):\n%s", i, diff)
		}
	}
}

func TestCheckerDoesNotCacheFailures(t *testing.T) {
	f := goodFake(t)
	f.policyErr = apiError("AccessDeniedException")
	c := NewChecker(f)
	_, err := c.Check(context.Background(), goodInput())
	var ce *CheckError
	if !errors.As(err, &ce) || ce.Permission != "kms:GetKeyPolicy" {
		t.Fatalf("Check = %v, want a *CheckError for kms:GetKeyPolicy", err)
	}
	f.policyErr = nil
	rep, err := c.Check(context.Background(), goodInput())
	if err != nil || len(rep.Findings) != 0 {
		t.Fatalf("Check after the permission was granted = %v, %v; want a clean report", rep.IDs(), err)
	}
	if got := f.describes.Load(); got != 2 {
		t.Errorf("DescribeKey calls = %d, want 2: the failure must not be cached", got)
	}
}

func TestCheckerTTL(t *testing.T) {
	clk := &testClock{now: time.Unix(1_700_000_000, 0)}
	f := goodFake(t)
	c := NewChecker(f, func(o *CheckerOptions) { o.TTL = time.Minute; o.Now = clk.Now })
	steps := []struct {
		advance   time.Duration
		disable   bool
		wantCalls int64
		wantIDs   []string
		reason    string
	}{
		{0, false, 1, nil, "the first call checks"},
		{30 * time.Second, true, 1, nil, "within the TTL the report is reused, even though the key changed"},
		{31 * time.Second, true, 2, []string{FindingKeyDisabled}, "after the TTL the key is checked again and the change seen"},
		{time.Second, true, 2, []string{FindingKeyDisabled}, "and the new report is reused"},
	}
	for _, s := range steps {
		clk.Advance(s.advance)
		if s.disable {
			f.md.KeyState = "Disabled"
		}
		rep, err := c.Check(context.Background(), goodInput())
		if err != nil {
			t.Fatalf("%s: %v", s.reason, err)
		}
		if got := f.describes.Load(); got != s.wantCalls {
			t.Errorf("%s: DescribeKey calls = %d, want %d", s.reason, got, s.wantCalls)
		}
		if diff := cmp.Diff(s.wantIDs, rep.IDs(), cmpEmpty); diff != "" {
			t.Errorf("%s: findings mismatch (-want +got):\n%s", s.reason, diff)
		}
	}
	c.Forget(goodInput())
	if _, err := c.Check(context.Background(), goodInput()); err != nil {
		t.Fatal(err)
	}
	if got := f.describes.Load(); got != 3 {
		t.Errorf("after Forget: DescribeKey calls = %d, want 3", got)
	}
}

// Inputs on the same key share one round of KMS calls, yet each is evaluated
// on its own: a role the policy does not name still gets its finding.
func TestCheckerSharesCallsNotReports(t *testing.T) {
	f := goodFake(t)
	c := NewChecker(f)
	base := goodInput()
	variants := []struct {
		change  func(*CheckInput)
		wantIDs []string
		reason  string
	}{
		{func(*CheckInput) {}, nil, "the good input passes"},
		{func(in *CheckInput) { in.Exports = true }, []string{FindingServiceNotAllowed, FindingRoleViaIAM},
			"the fake's policy lacks kms:GenerateDataKeyWithoutPlaintext, which exports need"},
		{func(in *CheckInput) { in.RoleARN = "arn:aws:iam::111122223333:role/Other" }, []string{FindingRoleViaIAM},
			"another role is only covered through the account: its report differs from the first"},
		{func(in *CheckInput) {
			in.SourceARN = "arn:aws:personalize:us-east-1:111122223333:dataset-group/other"
		}, nil, "another dataset group of the account"},
	}
	for i, v := range variants {
		in := base
		v.change(&in)
		rep, err := c.Check(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(v.wantIDs, rep.IDs(), cmpEmpty); diff != "" {
			t.Errorf("variant %d (%s): findings mismatch (-want +got):\n%s", i, v.reason, diff)
		}
	}
	if got := [3]int64{f.describes.Load(), f.rotations.Load(), f.policies.Load()}; got != [3]int64{1, 1, 1} {
		t.Errorf("KMS calls for %d inputs on one key = %v, want one round [1 1 1]", len(variants), got)
	}
}

func TestCheckerReturnsCopies(t *testing.T) {
	f := goodFake(t)
	f.rotation = false
	c := NewChecker(f)
	rep, err := c.Check(context.Background(), goodInput())
	if err != nil {
		t.Fatal(err)
	}
	rep.Findings[0].ID = "tampered"
	again, err := c.Check(context.Background(), goodInput())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{FindingRotationDisabled}, again.IDs()); diff != "" {
		t.Errorf("a caller's change reached the cache (-want +got):\n%s", diff)
	}
}

func TestCheckerCallerGivesUp(t *testing.T) {
	f := goodFake(t)
	f.gate, f.entered = make(chan struct{}), make(chan struct{})
	c := NewChecker(f)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := c.Check(ctx, goodInput())
		first <- err
	}()
	<-f.entered
	// A second caller joins the flight before the first gives up: the
	// flight goes on for it (a flight nobody waits on is cancelled).
	waiting := make(chan struct{}, 1)
	type result struct {
		rep posture.Report
		err error
	}
	second := make(chan result, 1)
	go func() {
		rep, err := c.Check(signalCtx{context.Background(), new(sync.Once), waiting}, goodInput())
		second <- result{rep, err}
	}()
	<-waiting
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want context.Canceled", err)
	}
	close(f.gate)
	r := <-second
	if r.err != nil || len(r.rep.Findings) != 0 {
		t.Fatalf("second caller = %v, %v; want the shared flight's clean report", r.rep.IDs(), r.err)
	}
	if got := f.describes.Load(); got != 1 {
		t.Errorf("DescribeKey calls = %d, want 1: the flight survives the first caller giving up", got)
	}
}

// TestCheckerNoGoroutineOutlivesGivenUpCalls: callers that give up on a hung
// KMS, each on its own key, leave no flight behind once they have returned.
func TestCheckerNoGoroutineOutlivesGivenUpCalls(t *testing.T) {
	const callers = 50
	f := goodFake(t)
	f.gate = make(chan struct{}) // never opened: KMS hangs
	defer close(f.gate)
	c := NewChecker(f)
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	waiting := make(chan struct{}, callers)
	errs := make(chan error, callers)
	for i := range callers {
		in := goodInput()
		in.KeyARN = strings.TrimSuffix(in.KeyARN, "1234567890ab") + fmt.Sprintf("%012d", i)
		go func() {
			_, err := c.Check(signalCtx{ctx, new(sync.Once), waiting}, in)
			errs <- err
		}()
	}
	for range callers {
		<-waiting
	}
	cancel()
	canceled := 0
	for range callers {
		if err := <-errs; errors.Is(err, context.Canceled) {
			canceled++
		}
	}
	// Settle: goroutines that were told to stop take a moment to exit; the
	// deadline only bounds a failure.
	extra := runtime.NumGoroutine() - base
	for deadline := time.Now().Add(time.Second); extra > 0 && time.Now().Before(deadline); extra = runtime.NumGoroutine() - base {
		runtime.Gosched()
	}
	if diff := cmp.Diff([2]int{callers, 0}, [2]int{canceled, max(extra, 0)}); diff != "" {
		t.Errorf("[context.Canceled errors, goroutines left] (-want +got)\n%s", diff)
	}
}
