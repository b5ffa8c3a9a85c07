package checkcache

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestDoCachesUntilTTL(t *testing.T) {
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	c := New[string, int](Options{TTL: time.Minute, Now: clk.Now})
	var calls atomic.Int32
	check := func(context.Context) (int, error) { return int(calls.Add(1)), nil }

	steps := []struct {
		advance    time.Duration
		want       int
		wantShared bool
		reason     string
	}{
		{0, 1, false, "first call runs the check"},
		{30 * time.Second, 1, true, "within the TTL the value is cached"},
		{31 * time.Second, 2, false, "after the TTL the check runs again"},
		{time.Second, 2, true, "and the new value is cached"},
	}
	for _, s := range steps {
		clk.Advance(s.advance)
		got, shared, err := c.Do(context.Background(), "k", check)
		if err != nil || got != s.want || shared != s.wantShared {
			t.Errorf("%s: Do = %d, %v, %v; want %d, %v, nil", s.reason, got, shared, err, s.want, s.wantShared)
		}
	}
}

func TestDoDoesNotCacheErrors(t *testing.T) {
	c := New[string, int](Options{})
	errDenied := errors.New("denied")
	fail := true
	check := func(context.Context) (int, error) {
		if fail {
			return 0, errDenied
		}
		return 7, nil
	}
	if _, _, err := c.Do(context.Background(), "k", check); !errors.Is(err, errDenied) {
		t.Fatalf("Do = %v, want %v", err, errDenied)
	}
	if c.Len() != 0 {
		t.Errorf("Len after a failed check = %d, want 0", c.Len())
	}
	fail = false
	if got, _, err := c.Do(context.Background(), "k", check); err != nil || got != 7 {
		t.Errorf("Do after failure = %d, %v; want 7, nil (a failure must not stick)", got, err)
	}
}

func TestDoSharesOneFlight(t *testing.T) {
	c := New[string, int](Options{})
	var calls atomic.Int32
	release := make(chan struct{})
	check := func(context.Context) (int, error) {
		calls.Add(1)
		<-release
		return 42, nil
	}
	const n = 100
	var wg, waiting sync.WaitGroup
	waiting.Add(n)
	results := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _, err := c.Do(barrier(&waiting), "bucket", check)
			if err != nil {
				t.Error(err)
			}
			results <- v
		}()
	}
	// Every caller waits on the flight before it ends.
	waiting.Wait()
	close(release)
	wg.Wait()
	close(results)
	for v := range results {
		if v != 42 {
			t.Errorf("Do = %d, want 42", v)
		}
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("check ran %d times for %d concurrent callers, want 1", got, n)
	}
}

func TestDoWaiterCancelDoesNotFailOthers(t *testing.T) {
	c := New[string, int](Options{})
	release := make(chan struct{})
	var sawCancel atomic.Bool
	check := func(ctx context.Context) (int, error) {
		<-release
		if ctx.Err() != nil {
			sawCancel.Store(true)
		}
		return 1, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	var waiting sync.WaitGroup
	waiting.Add(2)
	first := make(chan error, 1)
	go func() { _, _, err := c.Do(waitingCtx{ctx, &waiting, new(sync.Once)}, "k", check); first <- err }()
	type result struct {
		v   int
		err error
	}
	second := make(chan result, 1)
	go func() { v, _, err := c.Do(barrier(&waiting), "k", check); second <- result{v, err} }()
	waiting.Wait() // both callers wait on the one flight
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want context.Canceled", err)
	}
	close(release)
	if r := <-second; r.err != nil || r.v != 1 {
		t.Errorf("second caller got %d, %v; want 1, nil", r.v, r.err)
	}
	if sawCancel.Load() {
		t.Error("the flight saw the first caller's cancellation")
	}
}

func TestDoPanicBecomesError(t *testing.T) {
	c := New[string, int](Options{})
	_, _, err := c.Do(context.Background(), "k", func(context.Context) (int, error) { panic("secret-value") })
	var pe *PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Do = %v, want *PanicError", err)
	}
	if got := err.Error(); got != "checkcache: check panicked" {
		t.Errorf("Error() = %q, must not print the panic value", got)
	}
}

func TestEvictionKeepsBound(t *testing.T) {
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	c := New[int, int](Options{MaxEntries: 4, TTL: time.Hour, Now: clk.Now})
	for i := range 10 {
		clk.Advance(time.Second)
		if _, _, err := c.Do(context.Background(), i, func(context.Context) (int, error) { return i, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Len(); got > 4 {
		t.Errorf("Len = %d, want at most 4", got)
	}
	// The newest entry survives eviction.
	_, shared, _ := c.Do(context.Background(), 9, func(context.Context) (int, error) { return -1, nil })
	if !shared {
		t.Error("newest entry was evicted")
	}
}

func BenchmarkDoCached(b *testing.B) {
	c := New[string, int](Options{})
	ctx := context.Background()
	check := func(context.Context) (int, error) { return 1, nil }
	c.Do(ctx, "bucket", check)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Do(ctx, "bucket", check)
		}
	})
}

// TestEvictionLeastRecentlyUsed: a hit moves an entry to the front, so the
// entry evicted is the one used least recently, not the oldest.
func TestEvictionLeastRecentlyUsed(t *testing.T) {
	c := New[int, int](Options{MaxEntries: 3, TTL: time.Hour})
	ctx := context.Background()
	val := func(v int) func(context.Context) (int, error) {
		return func(context.Context) (int, error) { return v, nil }
	}
	for _, k := range []int{1, 2, 3} {
		c.Do(ctx, k, val(k))
	}
	c.Do(ctx, 1, val(-1)) // a hit: 1 is now the most recent
	c.Do(ctx, 4, val(4))  // evicts 2, the least recently used
	type result struct {
		Key    int
		Shared bool
	}
	var got []result
	for _, k := range []int{1, 3, 4} {
		_, shared, _ := c.Do(ctx, k, val(-1))
		got = append(got, result{k, shared})
	}
	_, shared2, _ := c.Do(ctx, 2, val(2))
	got = append(got, result{2, shared2})
	want := []result{{1, true}, {3, true}, {4, true}, {2, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after touching 1 and adding 4 (-want +got):\n%s", diff)
	}
}

// TestFailureBackoff: with FailureBackoff a failure is answered from the
// cache, without a new flight, for a jittered interval that doubles with
// each consecutive failure and resets on success.
func TestFailureBackoff(t *testing.T) {
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	c := New[string, int](Options{TTL: time.Hour, FailureBackoff: time.Second, Now: clk.Now, Jitter: func() float64 { return 0.999 }})
	ctx := context.Background()
	errThrottled := errors.New("throttled")
	var calls atomic.Int32
	fail := true
	check := func(context.Context) (int, error) {
		calls.Add(1)
		if fail {
			return 0, errThrottled
		}
		return 7, nil
	}
	steps := []struct {
		advance   time.Duration
		fail      bool
		wantCalls int32
		wantErr   bool
		reason    string
	}{
		{0, true, 1, true, "the first failure runs the check"},
		{900 * time.Millisecond, true, 1, true, "within ~1s the failure is answered from the cache"},
		{200 * time.Millisecond, true, 2, true, "after it, the check runs again and fails again"},
		{1900 * time.Millisecond, true, 2, true, "the second back-off is ~2s"},
		{200 * time.Millisecond, false, 3, false, "after it the check runs and succeeds"},
		{time.Minute, true, 3, false, "a success is cached for the TTL"},
	}
	for _, s := range steps {
		clk.Advance(s.advance)
		fail = s.fail
		_, _, err := c.Do(ctx, "key", check)
		if (err != nil) != s.wantErr || calls.Load() != s.wantCalls {
			t.Errorf("%s: Do error %v after %d checks; want error %v after %d", s.reason, err, calls.Load(), s.wantErr, s.wantCalls)
		}
	}
}

// TestFlightTimeoutIsNotTheCallersDeadline: a check that outlives the
// cache's Timeout fails with a TimeoutError, for the caller that waited on
// it and, with FailureBackoff, for the one served the failure after it:
// neither's errors.Is takes it for its own context's deadline, which has
// not passed. A check that fails with its own error within the Timeout
// keeps it.
func TestFlightTimeoutIsNotTheCallersDeadline(t *testing.T) {
	errDenied := errors.New("AccessDenied")
	tests := []struct {
		name  string
		check func(context.Context) (int, error)
		want  []string // each caller's [errors.Is DeadlineExceeded, errors.As TimeoutError, errors.Is errDenied]
	}{
		{"hangs past the timeout", func(ctx context.Context) (int, error) { <-ctx.Done(); return 0, ctx.Err() },
			[]string{"timeout", "timeout"}},
		{"its own error wrapping the flight's deadline", func(ctx context.Context) (int, error) {
			<-ctx.Done()
			return 0, fmt.Errorf("operation error KMS: DescribeKey: %w", ctx.Err())
		}, []string{"timeout", "timeout"}},
		{"fails at once", func(context.Context) (int, error) { return 0, errDenied }, []string{"denied", "denied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New[string, int](Options{Timeout: 20 * time.Millisecond, FailureBackoff: time.Hour})
			var got []string
			for range 2 { // the flight's own caller, then one the back-off answers
				_, _, err := c.Do(context.Background(), "key", tt.check)
				var te *TimeoutError
				switch {
				case errors.Is(err, context.DeadlineExceeded):
					got = append(got, "deadline")
				case errors.As(err, &te) && te.Timeout == 20*time.Millisecond:
					got = append(got, "timeout")
				case errors.Is(err, errDenied):
					got = append(got, "denied")
				default:
					got = append(got, fmt.Sprint(err))
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFailureBackoffBounds(t *testing.T) {
	for _, jitter := range []float64{0, 0.5, 0.999} {
		c := New[int, int](Options{FailureBackoff: time.Second, Jitter: func() float64 { return jitter }})
		for n, max := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 10: MaxFailureBackoff} {
			if d := c.failureBackoff(n); d < max/2 || d > max {
				t.Errorf("failureBackoff(%d) with jitter %v = %v, want within [%v, %v]", n, jitter, d, max/2, max)
			}
		}
	}
}

// BenchmarkAddWhenFull adds a new key to a full cache each iteration: the
// eviction is constant-time, so 1k and 100k entries cost the same.
func BenchmarkAddWhenFull(b *testing.B) {
	for _, size := range []int{1_000, 100_000} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			c := New[int, int](Options{MaxEntries: size, TTL: time.Hour})
			ctx := context.Background()
			check := func(context.Context) (int, error) { return 1, nil }
			for i := range size {
				c.Do(ctx, i, check)
			}
			next := size
			b.ReportAllocs()
			for b.Loop() {
				c.Do(ctx, next, check)
				next++
			}
			if c.Len() > size {
				b.Fatalf("Len = %d, want at most %d", c.Len(), size)
			}
		})
	}
}

// BenchmarkHitWhenFull is the cost of a hit in a full cache.
func BenchmarkHitWhenFull(b *testing.B) {
	for _, size := range []int{1_000, 100_000} {
		b.Run(strconv.Itoa(size), func(b *testing.B) {
			c := New[int, int](Options{MaxEntries: size, TTL: time.Hour})
			ctx := context.Background()
			check := func(context.Context) (int, error) { return 1, nil }
			for i := range size {
				c.Do(ctx, i, check)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				c.Do(ctx, i%size, check)
				i += 7919
			}
		})
	}
}

// waitingCtx marks a WaitGroup done the first time a caller asks for its
// Done channel, which Do does when it starts waiting: a barrier with no
// sleep.
type waitingCtx struct {
	context.Context
	wg   *sync.WaitGroup
	once *sync.Once
}

func (c waitingCtx) Done() <-chan struct{} {
	c.once.Do(c.wg.Done)
	return c.Context.Done()
}

// barrier returns a context that marks wg done when its caller waits; wg
// must have been added to for it.
func barrier(wg *sync.WaitGroup) context.Context {
	return waitingCtx{context.Background(), wg, new(sync.Once)}
}

// TestCachedAnswersAsDoWouldFromTheCache: Cached reports a hit exactly when
// Do would answer from a finished, unexpired entry, with Do's value or
// error, and never runs a check.
func TestCachedAnswersAsDoWouldFromTheCache(t *testing.T) {
	clk := &clock{now: time.Unix(1_700_000_000, 0)}
	c := New[string, int](Options{TTL: time.Minute, FailureBackoff: time.Second, Now: clk.Now, Jitter: func() float64 { return 0.999 }})
	ctx := context.Background()
	errThrottled := errors.New("throttled")
	release := make(chan struct{})
	type got struct {
		Val int
		Err bool
		Hit bool
	}
	steps := []struct {
		reason  string
		advance time.Duration
		do      func() // what happens before Cached is asked about "k"
		want    got
	}{
		{"an empty cache", 0, func() {}, got{}},
		{"after a success", 0, func() { _, _, _ = c.Do(ctx, "k", func(context.Context) (int, error) { return 7, nil }) }, got{Val: 7, Hit: true}},
		{"within the TTL", 59 * time.Second, func() {}, got{Val: 7, Hit: true}},
		{"after the TTL", 2 * time.Second, func() {}, got{}},
		{"after a failure, within its back-off", 0, func() { _, _, _ = c.Do(ctx, "k", func(context.Context) (int, error) { return 0, errThrottled }) }, got{Err: true, Hit: true}},
		{"after the back-off", 2 * time.Second, func() {}, got{}},
		{"while a flight runs", 0, func() {
			go func() { _, _, _ = c.Do(ctx, "k", func(context.Context) (int, error) { <-release; return 8, nil }) }()
			for !inFlight(c, "k") {
				time.Sleep(time.Millisecond)
			}
		}, got{}},
	}
	for _, s := range steps {
		clk.Advance(s.advance)
		s.do()
		v, err, hit := c.Cached("k")
		if diff := cmp.Diff(s.want, got{Val: v, Err: err != nil, Hit: hit}); diff != "" {
			t.Errorf("%s: Cached (-want +got):\n%s", s.reason, diff)
		}
	}
	close(release)
	if v, _, err := c.Do(ctx, "k", func(context.Context) (int, error) { return 0, errThrottled }); err != nil || v != 8 {
		t.Errorf("the flight's value: Do = %d, %v; want 8, nil", v, err)
	}
}

// inFlight reports whether a flight for key is running.
func inFlight(c *Cache[string, int], key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil {
		return false
	}
	select {
	case <-e.done:
		return false
	default:
		return true
	}
}

// TestCancelledCallerGetsItsError: a caller whose context has ended gets
// its context's error, even when the flight it waits on has its answer at
// the same moment (select would otherwise pick either at random).
func TestCancelledCallerGetsItsError(t *testing.T) {
	c := New[string, int](Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range 1000 {
		v, _, err := c.Do(ctx, strconv.Itoa(i), func(context.Context) (int, error) { return 1, nil })
		if !errors.Is(err, context.Canceled) || v != 0 {
			t.Fatalf("call %d with an ended context = %d, %v; want 0, context.Canceled", i, v, err)
		}
	}
}

// TestFlightStopsWhenNoCallerIsLeft: the flight goes on while one caller
// still waits on it, and is cancelled once the last one has left, rather
// than holding a goroutine and an AWS request open for the whole timeout.
func TestFlightStopsWhenNoCallerIsLeft(t *testing.T) {
	type got struct {
		FlightCancelled bool
		StayerVal       int
		StayerErr       bool
	}
	tests := []struct {
		name   string
		stayer bool // a second caller joins the flight and does not cancel
		want   got
	}{
		{"the only caller leaves", false, got{FlightCancelled: true}},
		{"one of two callers leaves", true, got{FlightCancelled: false, StayerVal: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New[string, int](Options{Timeout: time.Minute})
			release := make(chan struct{})
			flightErr := make(chan error, 1)
			check := func(ctx context.Context) (int, error) {
				select {
				case <-ctx.Done():
					flightErr <- ctx.Err()
					return 0, ctx.Err()
				case <-release:
					flightErr <- nil
					return 7, nil
				}
			}
			var waiting sync.WaitGroup
			n := 1
			if tt.stayer {
				n = 2
			}
			waiting.Add(n)
			ctx, cancel := context.WithCancel(context.Background())
			leaver := make(chan error, 1)
			go func() { _, _, err := c.Do(waitingCtx{ctx, &waiting, new(sync.Once)}, "k", check); leaver <- err }()
			type result struct {
				v   int
				err error
			}
			stayer := make(chan result, 1)
			if tt.stayer {
				go func() { v, _, err := c.Do(barrier(&waiting), "k", check); stayer <- result{v, err} }()
			}
			waiting.Wait() // every caller waits on the one flight
			cancel()
			if err := <-leaver; !errors.Is(err, context.Canceled) {
				t.Fatalf("the caller that left got %v, want context.Canceled", err)
			}
			var g got
			if tt.stayer {
				close(release)
			}
			select {
			case err := <-flightErr:
				g.FlightCancelled = errors.Is(err, context.Canceled)
			case <-time.After(2 * time.Second): // a failure bound only
				t.Fatal("the flight still runs 2s after its last caller left")
			}
			if tt.stayer {
				r := <-stayer
				g.StayerVal, g.StayerErr = r.v, r.err != nil
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestConcurrentDoLeaveEvictForget: many callers share a small cache, some
// giving up mid-flight, some forgetting keys, under -race. Each gets its own
// key's value or its context's error, and no flight outlives the callers.
func TestConcurrentDoLeaveEvictForget(t *testing.T) {
	c := New[int, int](Options{MaxEntries: 4, Timeout: time.Minute})
	base := runtime.NumGoroutine()
	const callers, keys = 64, 8
	gate := make(chan struct{})
	type tally struct{ Right, Canceled, Wrong int }
	results := make(chan tally, callers)
	for i := range callers {
		go func() {
			var tl tally
			for j := range 50 {
				k := (i + j) % keys
				ctx, cancel := context.WithCancel(context.Background())
				if (i+j)%3 == 0 {
					cancel() // gives up at once, maybe mid-flight of another
				}
				v, _, err := c.Do(ctx, k, func(ctx context.Context) (int, error) {
					select {
					case <-gate:
						return k, nil
					case <-ctx.Done():
						return 0, ctx.Err()
					}
				})
				cancel()
				switch {
				case err == nil && v == k:
					tl.Right++
				case errors.Is(err, context.Canceled) && v == 0:
					tl.Canceled++
				default:
					tl.Wrong++
				}
				if j%7 == 0 {
					c.Forget(k)
				}
			}
			results <- tl
		}()
	}
	close(gate)
	var sum tally
	for range callers {
		r := <-results
		sum.Right, sum.Canceled, sum.Wrong = sum.Right+r.Right, sum.Canceled+r.Canceled, sum.Wrong+r.Wrong
	}
	if diff := cmp.Diff(tally{Right: sum.Right, Canceled: sum.Canceled}, sum); diff != "" || sum.Right+sum.Canceled != callers*50 {
		t.Errorf("results (-want +got)\n%s", diff)
	}
	extra := runtime.NumGoroutine() - base
	for deadline := time.Now().Add(time.Second); extra > 0 && time.Now().Before(deadline); extra = runtime.NumGoroutine() - base {
		runtime.Gosched()
	}
	if extra > 0 {
		t.Errorf("%d goroutines left after every call returned", extra)
	}
	if n := c.Len(); n > 4 {
		t.Errorf("Len = %d with no flight in progress, want at most MaxEntries 4", n)
	}
}

// TestEndedCallerStartsNoFlight: a caller whose context has already ended
// gets its error before any I/O: no flight, so no request, is started.
func TestEndedCallerStartsNoFlight(t *testing.T) {
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	tests := []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"cancelled", ended, context.Canceled},
		{"deadline passed", expired, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New[string, int](Options{})
			base := runtime.NumGoroutine()
			var calls atomic.Int32
			_, _, err := c.Do(tt.ctx, "k", func(context.Context) (int, error) { calls.Add(1); return 1, nil })
			// Settle: a flight, had one started, has ended once the
			// goroutines are back to base; the deadline only bounds a failure.
			for deadline := time.Now().Add(time.Second); runtime.NumGoroutine() > base && time.Now().Before(deadline); {
				runtime.Gosched()
			}
			type got struct {
				Is     bool
				Checks int32
			}
			if diff := cmp.Diff(got{true, 0}, got{errors.Is(err, tt.want), calls.Load()}); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
