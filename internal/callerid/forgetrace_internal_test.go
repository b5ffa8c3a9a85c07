package callerid

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
)

// countingSTS says every key is an IAM user's, and counts the calls.
type countingSTS struct{ n *atomic.Int64 }

func (c countingSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	c.n.Add(1)
	return &sts.GetCallerIdentityOutput{Arn: aws.String("arn:aws:iam::111122223333:user/alice"), Account: aws.String("111122223333")}, nil
}

// TestForgetDropsMemoFilledDuringIt: a CheckMemo that runs while Forget
// of the same key runs may answer from what the Checker knew before, as a
// Check may; but the Memo must not keep that answer: the first CheckMemo
// after Forget returns asks STS again, as a Check does. Forget used to
// count itself before dropping the Checker's last answer, so a CheckMemo
// that read the count after it and the answer before the drop filled the
// Memo with the forgotten answer, under the new count, for the rest of
// the TTL. The interleaving is a race: each case repeats it for up to
// 1.5 s, until a Memo is left holding a forgotten answer.
func TestForgetDropsMemoFilledDuringIt(t *testing.T) {
	ctx := context.Background()
	creds := aws.Credentials{AccessKeyID: "AKIAUSER1", SecretAccessKey: "s"}
	for _, tt := range []struct {
		name string
		// wait is how the concurrent CheckMemo starts relative to Forget.
		wait func(c *Checker)
	}{
		{"as soon as Forget counts itself", func(c *Checker) {
			for c.forgets.Load() == 0 {
			}
		}},
		{"at once", func(*Checker) {}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stale, runs := 0, 0
			for start := time.Now(); stale == 0 && runs < 50000 && time.Since(start) < 1500*time.Millisecond; runs++ {
				var calls atomic.Int64
				c := NewChecker(countingSTS{&calls})
				if _, err := c.Check(ctx, creds); err != nil {
					t.Fatal(err)
				}
				var m Memo
				var wg sync.WaitGroup
				var ready atomic.Bool
				wg.Add(2)
				go func() {
					defer wg.Done()
					ready.Store(true)
					tt.wait(c)
					_, _ = c.CheckMemo(ctx, creds, &m)
				}()
				go func() {
					defer wg.Done()
					for !ready.Load() { // the other goroutine runs already
					}
					c.Forget(creds)
				}()
				wg.Wait()
				// No STS call since the one before Forget: the answer
				// after it came from a Memo filled with the forgotten one.
				if _, err := c.CheckMemo(ctx, creds, &m); err != nil {
					t.Fatal(err)
				}
				if calls.Load() == 1 {
					stale++
				}
			}
			if diff := cmp.Diff(0, stale); diff != "" {
				t.Errorf("Memos answering with a forgotten answer after Forget, of %d runs (-want +got):\n%s", runs, diff)
			}
		})
	}
}
