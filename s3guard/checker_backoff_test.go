package s3guard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
