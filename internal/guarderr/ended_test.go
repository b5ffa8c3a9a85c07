package guarderr

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestEnded(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	errOther := errors.New("AccessDenied")
	tests := []struct {
		name string
		ctx  context.Context
		err  error // the failed check's
		want error
	}{
		{"the caller cancelled while the check waited", cancelled, fmt.Errorf("operation error KMS: DescribeKey: %w", context.Canceled), context.Canceled},
		{"the caller's deadline passed", expired, fmt.Errorf("wrapped: %w", context.DeadlineExceeded), context.DeadlineExceeded},
		{"the caller cancelled, the check failed otherwise", cancelled, errOther, nil},
		{"the check's own timeout, the caller still waiting", context.Background(), context.DeadlineExceeded, nil},
		{"the caller cancelled, the check's own timeout", cancelled, context.DeadlineExceeded, nil},
		{"no error inside", cancelled, nil, nil},
	}
	for _, tt := range tests {
		got := Ended(tt.ctx, &SafeguardError{Rule: RuleIdentityCheckFailed, Err: tt.err})
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", tt.name, diff)
		}
	}
}
