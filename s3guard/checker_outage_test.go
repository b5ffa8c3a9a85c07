package s3guard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Under throttling, FailureBackoff keeps a failed round of S3 calls for a
// growing interval: the requests S3 sees per minute stay the same whatever
// the callers' rate, and every caller still fails closed.
func TestCheckerThrottlingBackoff(t *testing.T) {
	const span = time.Minute
	tests := []struct {
		rate    int // CheckLocation calls per second, each with a new prefix
		backoff time.Duration
		want    int // GetBucketLocation requests over span
		reason  string
	}{
		// With jitter at the middle, a failure is kept 0.75·backoff·2^(n-1),
		// capped at 0.75·30s: 0.75, 1.5, 3, 6, 12, 22.5, 22.5 s.
		{rate: 10, backoff: time.Second, want: 7, reason: "a slow caller"},
		{rate: 1000, backoff: time.Second, want: 7, reason: "a hundred times the rate, the same requests"},
		{rate: 10, backoff: 0, want: 600, reason: "without back-off every call goes to S3 (the default)"},
	}
	for _, tt := range tests {
		clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
		fake := goodBucket()
		fake.errs = map[string]error{"GetBucketLocation": apiError("GetBucketLocation", http.StatusServiceUnavailable, "SlowDown", nil)}
		c := NewChecker(fake, testReq(), func(o *CheckerOptions) {
			o.FailureBackoff = tt.backoff
			o.Now = clock.Now
			o.jitter = func() float64 { return 0.5 }
		})
		calls := int(span.Seconds()) * tt.rate
		for i := range calls {
			loc := Location{Bucket: testBucket, Key: fmt.Sprintf("imports/%d/", i)}
			_, err := c.CheckLocation(context.Background(), loc, Read)
			var ce *CheckError
			if !errors.As(err, &ce) || ce.Operation != "GetBucketLocation" || ce.AccessDenied() {
				t.Fatalf("rate %d/s, call %d: CheckLocation = %v, want a *CheckError for GetBucketLocation (fail closed)", tt.rate, i, err)
			}
			clock.Advance(time.Second / time.Duration(tt.rate))
		}
		if diff := cmp.Diff(tt.want, fake.count("GetBucketLocation")); diff != "" {
			t.Errorf("%s: rate %d/s, back-off %v: GetBucketLocation requests in %v mismatch (-want +got):\n%s", tt.reason, tt.rate, tt.backoff, span, diff)
		}
	}
}

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

// During an S3 hang, callers with distinct prefixes of one bucket join the
// bucket's one flight: the Checker starts no goroutine per location, each
// caller leaves when its own context ends, and the rest get their reports
// once S3 answers.
func TestCheckerHangOneFlight(t *testing.T) {
	const callers = 2000
	fake := goodBucket()
	fake.gate = make(chan struct{})
	c := NewChecker(fake, testReq())
	base := runtime.NumGoroutine()

	waiting := make(chan struct{}, callers)
	cancels := make([]context.CancelFunc, callers)
	errs := make([]error, callers)
	var done sync.WaitGroup
	for i := range callers {
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i] = cancel
		loc := Location{Bucket: testBucket, Key: fmt.Sprintf("imports/%d/", i)}
		done.Add(1)
		go func() {
			defer done.Done()
			_, errs[i] = c.CheckLocation(signalCtx{ctx, new(sync.Once), waiting}, loc, Read)
		}()
	}
	for range callers {
		<-waiting // every caller is about to block: all the goroutines the Checker starts exist
	}
	const handful = 5
	if extra := runtime.NumGoroutine() - base - callers; extra > 1+handful {
		t.Errorf("%d callers waiting on a hung S3: %d goroutines beyond the callers, want the flight and at most %d more", callers, extra, handful)
	}
	for i := 0; i < callers; i += 2 {
		cancels[i]()
	}
	close(fake.gate)
	done.Wait()
	for i := range callers {
		if i%2 == 0 && !errors.Is(errs[i], context.Canceled) || i%2 == 1 && errs[i] != nil {
			t.Fatalf("caller %d (cancelled: %v): CheckLocation = %v", i, i%2 == 0, errs[i])
		}
		cancels[i]()
	}
	if got := fake.count("GetBucketLocation"); got != 1 {
		t.Errorf("GetBucketLocation calls for %d callers = %d, want 1", callers, got)
	}
}
