package s3guard

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/posture"
)

// TestRed12EveryReadFailureFailsClosed (red12): each S3 read a good
// bucket's check makes, failing alone (denied, throttled, a server error, a
// not-found code of another operation), makes CheckLocation fail: an error
// or a failing finding, never a pass. The reads come from the check's own
// calls, both directions.
func TestRed12EveryReadFailureFailsClosed(t *testing.T) {
	failures := []struct {
		name   string
		status int
		code   string
	}{
		{"denied", http.StatusForbidden, "AccessDenied"},
		{"throttled", http.StatusServiceUnavailable, "SlowDown"},
		{"server error", http.StatusInternalServerError, "InternalError"},
		{"another operation's not-found", http.StatusNotFound, "NoSuchKey"},
		{"an unknown code", http.StatusBadRequest, "SomethingNew"},
	}
	for _, dir := range []Direction{Read, Write} {
		good := goodBucket()
		loc := Location{Bucket: testBucket, Key: "imports/"}
		rep, err := NewChecker(good, testReq()).CheckLocation(context.Background(), loc, dir)
		if err != nil || !rep.Passed(posture.Low) {
			t.Fatalf("the good bucket: %v, %v", rep.Findings, err)
		}
		var ops []string
		for op := range good.calls {
			ops = append(ops, op)
		}
		slices.Sort(ops)
		if len(ops) < 4 {
			t.Fatalf("only %v called", ops)
		}
		for _, op := range ops {
			for _, f := range failures {
				t.Run(fmt.Sprintf("%v/%s/%s", dir, op, f.name), func(t *testing.T) {
					fake := goodBucket()
					fake.errs = map[string]error{op: apiError(op, f.status, f.code, nil)}
					rep, err := NewChecker(fake, testReq()).CheckLocation(context.Background(), loc, dir)
					passed := err == nil && rep.Passed(posture.Low)
					if diff := cmp.Diff(false, passed); diff != "" {
						t.Errorf("%s failing with %s passed (-want +got):\n%s\nfindings: %v", op, f.code, diff, rep.Findings)
					}
				})
			}
		}
	}
}
