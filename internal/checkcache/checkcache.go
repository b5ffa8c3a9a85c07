// Package checkcache remembers the outcome of posture checks (a KMS key, an S3
// bucket, a dataset group) for a while, so the guard does not call AWS on every
// request, and makes concurrent callers of the same check share one flight.
//
// Errors are never cached: a check that could not run is retried by the next
// caller, so a transient failure cannot turn into a cached pass or a stuck
// rejection.
package checkcache

import (
	"context"
	"sync"
	"time"
)

// Defaults used when a zero value is passed to [New].
const (
	DefaultTTL        = 5 * time.Minute
	DefaultMaxEntries = 1024
	DefaultTimeout    = 30 * time.Second
)

// Cache is a bounded TTL cache with one flight per key. The zero value is not
// usable; build one with [New]. It is safe for concurrent use.
type Cache[K comparable, V any] struct {
	ttl     time.Duration
	max     int
	timeout time.Duration
	now     func() time.Time

	mu      sync.Mutex
	entries map[K]*entry[V]
}

type entry[V any] struct {
	done    chan struct{} // closed when the flight ends
	val     V
	err     error
	expires time.Time
}

// Options tune a Cache. Zero fields take the defaults above.
type Options struct {
	TTL        time.Duration
	MaxEntries int
	// Timeout bounds one flight. The flight runs detached from the context
	// of the caller that started it, so a caller that gives up does not fail
	// the others waiting on the same key.
	Timeout time.Duration
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// New returns an empty cache.
func New[K comparable, V any](o Options) *Cache[K, V] {
	c := &Cache[K, V]{ttl: o.TTL, max: o.MaxEntries, timeout: o.Timeout, now: o.Now, entries: make(map[K]*entry[V])}
	if c.ttl <= 0 {
		c.ttl = DefaultTTL
	}
	if c.max <= 0 {
		c.max = DefaultMaxEntries
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Do returns the cached value for key, or runs check once for all concurrent
// callers and caches its value for the TTL when it returns no error. The
// second result reports whether the value came from the cache or a flight
// started by another caller (true) rather than a flight this call started.
func (c *Cache[K, V]) Do(ctx context.Context, key K, check func(context.Context) (V, error)) (V, bool, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	if ok {
		select {
		case <-e.done:
			if c.now().Before(e.expires) {
				c.mu.Unlock()
				return e.val, true, nil
			}
			delete(c.entries, key)
			ok = false
		default:
		}
	}
	shared := ok
	if !ok {
		c.evictLocked()
		e = &entry[V]{done: make(chan struct{})}
		c.entries[key] = e
		go c.run(ctx, key, e, check)
	}
	c.mu.Unlock()

	select {
	case <-e.done:
		return e.val, shared, e.err
	case <-ctx.Done():
		var zero V
		return zero, shared, ctx.Err()
	}
}

func (c *Cache[K, V]) run(ctx context.Context, key K, e *entry[V], check func(context.Context) (V, error)) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
	defer cancel()
	defer func() {
		// The flight runs on its own goroutine, where a panic would kill the
		// process out of the caller's reach: hand it to the waiters as an
		// error instead, so they fail closed.
		if r := recover(); r != nil {
			e.err = &PanicError{Value: r}
			c.finish(key, e)
		}
	}()
	e.val, e.err = check(ctx)
	c.finish(key, e)
}

func (c *Cache[K, V]) finish(key K, e *entry[V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.err != nil {
		if c.entries[key] == e {
			delete(c.entries, key)
		}
	} else {
		e.expires = c.now().Add(c.ttl)
	}
	close(e.done)
}

// evictLocked makes room for one entry: expired entries go first, then the
// completed entry closest to expiry. Flights in progress are never evicted, so
// the map may exceed the bound by the number of concurrent flights.
func (c *Cache[K, V]) evictLocked() {
	if len(c.entries) < c.max {
		return
	}
	now := c.now()
	var (
		victim    K
		victimExp time.Time
		found     bool
	)
	for k, e := range c.entries {
		select {
		case <-e.done:
		default:
			continue
		}
		if !now.Before(e.expires) {
			delete(c.entries, k)
			continue
		}
		if !found || e.expires.Before(victimExp) {
			victim, victimExp, found = k, e.expires, true
		}
	}
	if len(c.entries) >= c.max && found {
		delete(c.entries, victim)
	}
}

// Forget drops key, so the next Do runs a fresh check.
func (c *Cache[K, V]) Forget(key K) {
	c.mu.Lock()
	delete(c.entries, key)
	c.mu.Unlock()
}

// Len returns the number of entries, including flights in progress.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// PanicError is returned to callers waiting on a check that panicked. Its
// message does not print Value, which may hold data the check was handling.
type PanicError struct{ Value any }

func (e *PanicError) Error() string { return "checkcache: check panicked" }
