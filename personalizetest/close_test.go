package personalizetest_test

import (
	"bytes"
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestCloseEndsServerGoroutines: when Close returns, none of the Server's
// goroutines is left, neither the accept loop nor one serving a
// connection, so a test that checks for leaked goroutines right after it
// (goleak, say) finds none of them. Several connections are opened at once
// and left idle in the client's pool, as the SDK leaves them.
func TestCloseEndsServerGoroutines(t *testing.T) {
	before := serverGoroutines()
	s, err := personalizetest.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := kms.NewFromConfig(s.Config())
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.ListKeys(context.Background(), &kms.ListKeysInput{}); err != nil {
				t.Errorf("ListKeys() = %v", err)
			}
		}()
	}
	wg.Wait()
	if got := serverGoroutines(); got <= before {
		t.Fatalf("%d server goroutines with the Server running, want more than the %d before it", got, before)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := serverGoroutines(); got != before {
		t.Errorf("%d server goroutines after Close, want the %d before Start", got, before)
	}
}

// serverGoroutines counts the goroutines in an http.Server's accept loop
// or serving one of its connections.
func serverGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for g := range bytes.SplitSeq(buf, []byte("\n\n")) {
		if bytes.Contains(g, []byte("net/http.(*conn).serve")) || bytes.Contains(g, []byte("net/http.(*Server).Serve")) {
			count++
		}
	}
	return count
}
