package kms

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// signalCtx reports, once, that its caller has started waiting on it: the
// Checker asks for Done only when it is about to block.
type signalCtx struct {
	context.Context
	once    *sync.Once
	waiting chan<- struct{}
}

func (c signalCtx) Done() <-chan struct{} {
	c.once.Do(func() { c.waiting <- struct{}{} })
	return c.Context.Done()
}

// During a KMS hang, callers with distinct dataset groups join the one
// flight for the key: the Checker starts no goroutine per input, each
// caller leaves when its own context ends, and the rest get the report once
// KMS answers.
func TestCheckerHangOneFlight(t *testing.T) {
	const callers = 2000
	f := goodFake(t)
	f.gate = make(chan struct{})
	c := NewChecker(f)
	base := runtime.NumGoroutine()

	waiting := make(chan struct{}, callers)
	cancels := make([]context.CancelFunc, callers)
	errs := make([]error, callers)
	var done sync.WaitGroup
	for i := range callers {
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i] = cancel
		in := goodInput()
		in.SourceARN = "arn:aws:personalize:us-east-1:" + testAccount + ":dataset-group/dg-" + strconv.Itoa(i)
		done.Add(1)
		go func() {
			defer done.Done()
			_, errs[i] = c.Check(signalCtx{ctx, new(sync.Once), waiting}, in)
		}()
	}
	for range callers {
		<-waiting // every caller is about to block: all the goroutines the Checker starts exist
	}
	const handful = 5
	if extra := runtime.NumGoroutine() - base - callers; extra > 1+handful {
		t.Errorf("%d callers waiting on a hung KMS: %d goroutines beyond the callers, want the flight and at most %d more", callers, extra, handful)
	}

	// Half give up; the flight goes on for the others.
	for i := 0; i < callers; i += 2 {
		cancels[i]()
	}
	close(f.gate)
	done.Wait()
	for i := range callers {
		var want error
		if i%2 == 0 {
			want = context.Canceled
		}
		if !errors.Is(errs[i], want) && !(want == nil && errs[i] == nil) {
			t.Fatalf("caller %d: Check = %v, want %v", i, errs[i], want)
		}
		cancels[i]()
	}
	if got := [4]int64{f.describes.Load(), f.rotations.Load(), f.policies.Load(), f.listGrants.Load()}; got != [4]int64{1, 1, 1, 1} {
		t.Errorf("KMS calls for %d callers = %v, want one round [1 1 1 1]", callers, got)
	}
}

// Under throttling, FailureBackoff keeps a failed round for a growing
// interval: the requests KMS sees per minute stay the same whatever the
// callers' rate, and every caller still fails closed.
func TestCheckerThrottlingBackoff(t *testing.T) {
	const span = time.Minute
	tests := []struct {
		rate    int // calls per second, each with a new dataset group
		backoff time.Duration
		want    int64 // DescribeKey requests over span
		reason  string
	}{
		// With jitter at the middle, a failure is kept 0.75·backoff·2^(n-1),
		// capped at 0.75·30s: 0.75, 1.5, 3, 6, 12, 22.5, 22.5 s.
		{rate: 10, backoff: time.Second, want: 7, reason: "a slow caller"},
		{rate: 100, backoff: time.Second, want: 7, reason: "ten times the rate, the same requests"},
		{rate: 1000, backoff: time.Second, want: 7, reason: "a hundred times the rate, the same requests"},
		{rate: 10, backoff: 0, want: 600, reason: "without back-off every call goes to KMS (the default)"},
	}
	for _, tt := range tests {
		clk := &testClock{now: time.Unix(1_700_000_000, 0)}
		f := goodFake(t)
		f.describeErr = apiError("ThrottlingException")
		c := NewChecker(f, func(o *CheckerOptions) {
			o.FailureBackoff = tt.backoff
			o.Now = clk.Now
			o.jitter = func() float64 { return 0.5 }
		})
		calls := int(span.Seconds()) * tt.rate
		for i := range calls {
			in := goodInput()
			in.SourceARN = "arn:aws:personalize:us-east-1:" + testAccount + ":dataset-group/dg-" + strconv.Itoa(i)
			_, err := c.Check(context.Background(), in)
			var ce *CheckError
			if !errors.As(err, &ce) || ce.Operation != "DescribeKey" {
				t.Fatalf("rate %d/s, call %d: Check = %v, want a *CheckError for DescribeKey (fail closed)", tt.rate, i, err)
			}
			clk.Advance(time.Second / time.Duration(tt.rate))
		}
		if diff := cmp.Diff(tt.want, f.describes.Load()); diff != "" {
			t.Errorf("%s: rate %d/s, back-off %v: DescribeKey requests in %v mismatch (-want +got):\n%s", tt.reason, tt.rate, tt.backoff, span, diff)
		}
	}
}
