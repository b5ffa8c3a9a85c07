package callerid

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"weak"

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

// TestMemoStaleByTimer: on the real clock, with a TTL of ten margins or
// more, a Memo's entry carries a flag that a timer sets a margin before the
// answer's end, and a hit reads the flag instead of the clock: until it is
// set the Memo answers with no STS call; after the TTL, CheckMemo asks STS
// again and keeps a new entry. A Checker on a test clock, or with a shorter
// TTL, sets no timer: its Memo reads the clock.
func TestMemoStaleByTimer(t *testing.T) {
	ctx := context.Background()
	creds := aws.Credentials{AccessKeyID: "AKIAUSER1", SecretAccessKey: "s"}
	const ttl, margin = 300 * time.Millisecond, 30 * time.Millisecond
	var calls atomic.Int64
	c := NewChecker(countingSTS{&calls}, func(o *Options) { o.TTL, o.staleMargin = ttl, margin })
	var m Memo
	for range 2 {
		if _, err := c.CheckMemo(ctx, creds, &m); err != nil {
			t.Fatal(err)
		}
	}
	e := m.last.Load()
	if e == nil || e.stale == nil {
		t.Fatalf("memo entry %+v: want one with a staleness flag", e)
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("%d STS calls for two CheckMemo within the TTL, want 1", got)
	}
	for deadline := time.Now().Add(5 * time.Second); !e.stale.Load(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the memo entry's flag was not set within 5 s of a 300 ms TTL")
		}
	}
	if d := time.Until(e.until); d > -10*time.Millisecond {
		time.Sleep(d + 10*time.Millisecond) // the Checker's own answer ends too
	}
	if _, err := c.CheckMemo(ctx, creds, &m); err != nil {
		t.Fatal(err)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("%d STS calls after the TTL, want 2", got)
	}
	if m.last.Load() == e {
		t.Error("the memo kept its stale entry")
	}

	for _, tc := range []struct {
		name string
		opt  func(*Options)
	}{
		{"test clock", func(o *Options) { o.Now = time.Now }},
		{"short TTL", func(o *Options) { o.TTL, o.staleMargin = 9*margin, margin }},
	} {
		c := NewChecker(countingSTS{new(atomic.Int64)}, tc.opt)
		var m Memo
		if _, err := c.CheckMemo(ctx, creds, &m); err != nil {
			t.Fatal(err)
		}
		if e := m.last.Load(); e == nil || e.stale != nil {
			t.Errorf("%s: memo entry %+v, want one that reads the clock", tc.name, e)
		}
	}
}

// TestMemoTimerHit: on the timer path (the real clock and the default
// TTL), a Memo's hit reads the flag, never the clock, so only the same
// Checker, access key and Forget count hit it: Forget, another key or
// another Checker each ask STS again although the flag is not set.
func TestMemoTimerHit(t *testing.T) {
	ctx := context.Background()
	user := aws.Credentials{AccessKeyID: "AKIAUSER1", SecretAccessKey: "s"}
	other := aws.Credentials{AccessKeyID: "AKIAUSER2", SecretAccessKey: "s"}
	for _, tt := range []struct {
		name     string
		then     func(c, c2 *Checker, m *Memo) error // after one CheckMemo of user through c and m
		wantSTS  int64                               // STS calls of c and c2 in all
		wantHeld bool                                // m holds the first entry still
	}{
		{"same key", func(c, _ *Checker, m *Memo) error { _, err := c.CheckMemo(ctx, user, m); return err }, 1, true},
		{"Forget", func(c, _ *Checker, m *Memo) error {
			c.Forget(user)
			_, err := c.CheckMemo(ctx, user, m)
			return err
		}, 2, false},
		{"another key", func(c, _ *Checker, m *Memo) error { _, err := c.CheckMemo(ctx, other, m); return err }, 2, false},
		{"another Checker", func(_, c2 *Checker, m *Memo) error { _, err := c2.CheckMemo(ctx, user, m); return err }, 2, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			c, c2 := NewChecker(countingSTS{&calls}), NewChecker(countingSTS{&calls})
			var m Memo
			if _, err := c.CheckMemo(ctx, user, &m); err != nil {
				t.Fatal(err)
			}
			first := m.last.Load()
			if first == nil || first.stale == nil || first.stale.Load() {
				t.Fatalf("memo entry %+v: want one whose staleness flag a timer sets, not set yet", first)
			}
			if err := tt.then(c, c2, &m); err != nil {
				t.Fatal(err)
			}
			if got := calls.Load(); got != tt.wantSTS {
				t.Errorf("STS calls = %d, want %d", got, tt.wantSTS)
			}
			if got := m.last.Load() == first; got != tt.wantHeld {
				t.Errorf("memo holds its first entry: %v, want %v", got, tt.wantHeld)
			}
		})
	}
}

// TestMemoTimerKeepsNoChecker: the timer that marks a Memo's entry stale
// holds the flag alone: a guard dropped with its Checker and Memo is
// collected at once, not after the TTL (five minutes by default), however
// many guards a process makes.
func TestMemoTimerKeepsNoChecker(t *testing.T) {
	c := NewChecker(countingSTS{new(atomic.Int64)})
	m := new(Memo)
	if _, err := c.CheckMemo(context.Background(), aws.Credentials{AccessKeyID: "AKIAUSER1", SecretAccessKey: "s"}, m); err != nil {
		t.Fatal(err)
	}
	if e := m.last.Load(); e == nil || e.stale == nil {
		t.Fatalf("memo entry %+v: want one with a timer's flag", e)
	}
	wc, wm := weak.Make(c), weak.Make(m)
	c, m = nil, nil
	for range 5 {
		runtime.GC()
		if wc.Value() == nil && wm.Value() == nil {
			return
		}
	}
	t.Errorf("a dropped Checker (%v) or Memo (%v) is still held after GC: the memo timer keeps it", wc.Value() != nil, wm.Value() != nil)
}
