package checkcache

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFailedFlightWithJoinersFailsClosed: callers that join a flight which
// then fails each get the failure (or, when their own context ended while
// they waited, their context's error), never the zero value as a pass; with
// no back-off nothing stays cached (Cached misses before and after the
// flight ends, the finished flag included), and the next Do runs the check
// again.
func TestFailedFlightWithJoinersFailsClosed(t *testing.T) {
	c := New[string, int](Options{})
	errDenied := errors.New("denied")
	started, release := make(chan struct{}), make(chan struct{})
	type answer struct {
		Val       int
		Denied    bool
		Cancelled bool
		Other     bool
	}
	read := func(v int, err error) answer {
		return answer{Val: v, Denied: errors.Is(err, errDenied), Cancelled: errors.Is(err, context.Canceled),
			Other: err != nil && !errors.Is(err, errDenied) && !errors.Is(err, context.Canceled)}
	}
	var wg sync.WaitGroup
	first := make(chan answer, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		v, _, err := c.Do(context.Background(), "k", func(context.Context) (int, error) {
			close(started)
			<-release
			return 0, errDenied
		})
		first <- read(v, err)
	}()
	<-started
	const joiners = 8
	answers := make([]answer, joiners)
	joined := make(chan struct{}, joiners)
	cancels := make([]context.CancelFunc, joiners)
	for i := range joiners {
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i] = cancel
		wg.Add(1)
		go func() {
			defer wg.Done()
			joined <- struct{}{}
			v, _, err := c.Do(ctx, "k", func(context.Context) (int, error) { return 42, nil }) // must not run: a flight is on
			answers[i] = read(v, err)
		}()
	}
	for range joiners {
		<-joined
	}
	for waiters(c, "k") < 1+joiners {
		runtime.Gosched()
	}
	if _, _, hit := c.Cached("k"); hit {
		t.Error("Cached hit while the flight runs")
	}
	for i := 0; i < joiners; i += 2 {
		cancels[i]() // half give up while joined
	}
	close(release)
	wg.Wait()
	for _, cancel := range cancels {
		cancel()
	}
	want := make([]answer, joiners)
	for i := range want {
		if i%2 == 0 {
			want[i] = answer{Cancelled: true}
		} else {
			want[i] = answer{Denied: true}
		}
	}
	if diff := cmp.Diff(want, answers); diff != "" {
		t.Errorf("joiners' answers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(answer{Denied: true}, <-first); diff != "" {
		t.Errorf("the starter's answer (-want +got):\n%s", diff)
	}
	if v, err, hit := c.Cached("k"); hit {
		t.Errorf("Cached after the failed flight = %d, %v, hit; want a miss", v, err)
	}
	ran := false
	if v, shared, err := c.Do(context.Background(), "k", func(context.Context) (int, error) { ran = true; return 7, nil }); !ran || shared || v != 7 || err != nil {
		t.Errorf("Do after the failed flight = %d, shared %v, %v (ran %v); want a fresh check's 7", v, shared, err, ran)
	}
}

// waiters returns the number of callers waiting on key's flight.
func waiters(c *Cache[string, int], key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[key]; e != nil {
		return e.waiters
	}
	return 0
}
