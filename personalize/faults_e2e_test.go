package personalize_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// faultyProxy forwards TCP connections to target, but closes the first drop
// connections as soon as they are accepted, before the TLS handshake, and,
// with hang, holds every connection open without answering.
type faultyProxy struct {
	ln       net.Listener
	target   string
	drop     int32
	hang     bool
	accepted atomic.Int32
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    []net.Conn // closed at cleanup, so idle keep-alive connections do not hold it
}

func (p *faultyProxy) track(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns = append(p.conns, c)
}

func startProxy(t *testing.T, target string, drop int32, hang bool) *faultyProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultyProxy{ln: ln, target: target, drop: drop, hang: hang}
	done := make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.track(c)
			n := p.accepted.Add(1)
			switch {
			case n <= p.drop:
				c.Close()
			case p.hang:
				p.wg.Add(1)
				go func() { defer p.wg.Done(); <-done; c.Close() }()
			default:
				p.wg.Add(1)
				go func() { defer p.wg.Done(); p.forward(c) }()
			}
		}
	}()
	t.Cleanup(func() {
		close(done)
		ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *faultyProxy) forward(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	p.track(up)
	defer up.Close()
	go func() { io.Copy(up, c); up.Close() }()
	io.Copy(c, up)
}

func (p *faultyProxy) url() string { return "https://" + p.ln.Addr().String() }

// quickRetries is the SDK's standard retryer, three attempts, without the
// back-off delays, so the test does not sleep.
func quickRetries(o *sdk.Options) {
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = 3
		so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		so.RateLimiter = ratelimit.None
	})
}

// TestTransportFaultsRetriedLikeBareClient: an endpoint that drops the first
// two connections. The guarded client succeeds exactly when the bare client
// does, after the same attempts, and logs no TLS event: a failed send is a
// transport fault, not a downgrade.
func TestTransportFaultsRetriedLikeBareClient(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	target := strings.TrimPrefix(e.srv.URL(), "https://")
	attempts := func(client *sdk.Client, proxy *faultyProxy) (int, error) {
		out, err := client.ListDatasetGroups(context.Background(), &sdk.ListDatasetGroupsInput{}, quickRetries,
			func(o *sdk.Options) { o.BaseEndpoint = aws.String(proxy.url()) })
		if err != nil {
			return 0, err
		}
		res, _ := retry.GetAttemptResults(out.ResultMetadata)
		return len(res.Results), nil
	}
	bareProxy, guardedProxy := startProxy(t, target, 2, false), startProxy(t, target, 2, false)
	bareAttempts, bareErr := attempts(sdk.NewFromConfig(e.srv.Config()), bareProxy)
	guardedAttempts, guardedErr := attempts(e.client, guardedProxy)
	if bareErr != nil || guardedErr != nil {
		t.Fatalf("bare client: %v; guarded client: %v; want both to succeed after retries", bareErr, guardedErr)
	}
	type result struct{ Attempts, Connections int }
	want := result{bareAttempts, int(bareProxy.accepted.Load())}
	got := result{guardedAttempts, int(guardedProxy.accepted.Load())}
	if diff := cmp.Diff(want, got); diff != "" || want.Attempts != 3 {
		t.Errorf("guarded client vs bare client (-bare +guarded), want 3 attempts each:\n%s", diff)
	}
	events := parseAudit(t, e.auditLog())
	if len(events) != 1 || events[0].Outcome != personalize.OutcomeAllowed || events[0].Rule != "" {
		t.Errorf("audit events = %+v, want one allowed call and no TLS rule", events)
	}
}

// TestDeadlineStaysADeadline: an endpoint that never answers; the caller's
// deadline surfaces as context.DeadlineExceeded, not as a safeguard.
func TestDeadlineStaysADeadline(t *testing.T) {
	e := newEnv(t, personalize.Policy{})
	proxy := startProxy(t, "", 0, true)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := e.client.ListDatasetGroups(ctx, &sdk.ListDatasetGroupsInput{}, func(o *sdk.Options) { o.BaseEndpoint = aws.String(proxy.url()) })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ListDatasetGroups past its deadline = %v, want context.DeadlineExceeded", err)
	}
	var sg *personalize.SafeguardError
	if errors.As(err, &sg) {
		t.Errorf("a deadline became a safeguard refusal: %v", sg)
	}
	events := parseAudit(t, e.auditLog())
	if len(events) != 1 || events[0].Outcome != personalize.OutcomeFailed || events[0].Rule != "" {
		t.Errorf("audit events = %+v, want one failed call without a rule", events)
	}
}
