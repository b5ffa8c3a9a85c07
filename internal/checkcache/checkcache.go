// Package checkcache remembers the outcome of posture checks (a KMS key, an S3
// bucket, a dataset group) for a while, so the guard does not call AWS on every
// request, and makes concurrent callers of the same check share one flight.
//
// A failed check is never cached as a pass. By default it is not cached at
// all: the next caller runs it again. With [Options.FailureBackoff] the
// failure is kept for a short, jittered, growing interval, during which
// callers get the same error at once (failing closed) instead of each
// sending a new request to a service that is already throttling.
package checkcache

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"
)

// Defaults used when a zero value is passed to [New].
const (
	DefaultTTL        = 5 * time.Minute
	DefaultMaxEntries = 1024
	DefaultTimeout    = 30 * time.Second
	// MaxFailureBackoff caps the back-off after consecutive failures.
	MaxFailureBackoff = 30 * time.Second
)

// Cache is a bounded TTL cache with one flight per key and least-recently
// used eviction in constant time. The zero value is not usable; build one
// with [New]. It is safe for concurrent use.
type Cache[K comparable, V any] struct {
	ttl     time.Duration
	max     int
	timeout time.Duration
	backoff time.Duration
	now     func() time.Time
	jitter  func() float64

	mu      sync.Mutex
	entries map[K]*entry[K, V]
	lru     list[K, V] // completed entries, most recently used first
}

type entry[K comparable, V any] struct {
	key        K
	prev, next *entry[K, V] // in lru, once completed
	inList     bool
	done       chan struct{} // closed when the flight ends
	// finished is set, under the cache's lock, when done is closed (in
	// the same hold of the lock): whoever holds the lock reads it instead
	// of a receive from done.
	finished bool
	val      V
	err      error
	expires  time.Time // a value's TTL, or a failure's back-off
	failures int       // consecutive failures, for the next back-off
	waiters  int       // callers waiting on the flight
	stop     context.CancelFunc
}

// Options tune a Cache. Zero fields take the defaults above.
type Options struct {
	TTL        time.Duration
	MaxEntries int
	// Timeout bounds one flight. The flight runs detached from the context
	// of the caller that started it, so a caller that gives up does not fail
	// the others waiting on the same key; once every caller has given up,
	// the flight is cancelled.
	Timeout time.Duration
	// FailureBackoff, when positive, keeps a failed check's error for a
	// jittered interval between FailureBackoff/2 and FailureBackoff, doubling
	// with each consecutive failure up to MaxFailureBackoff. Zero: failures
	// are not kept.
	FailureBackoff time.Duration
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Jitter returns a number in [0, 1); tests replace it. Nil: math/rand/v2.
	Jitter func() float64
}

// New returns an empty cache.
func New[K comparable, V any](o Options) *Cache[K, V] {
	c := &Cache[K, V]{ttl: o.TTL, max: o.MaxEntries, timeout: o.Timeout, backoff: o.FailureBackoff, now: o.Now, jitter: o.Jitter,
		entries: make(map[K]*entry[K, V])}
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
	if c.jitter == nil {
		c.jitter = rand.Float64
	}
	return c
}

// Cached returns what Do would return from the cache for key without a
// flight: the value or error of a finished, unexpired entry, and true; or
// false when Do would have to wait or run check. A hit needs no check
// function, so a caller that builds one per call (a closure) builds it only
// on a miss.
func (c *Cache[K, V]) Cached(key K) (V, error, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok && e.finished && c.now().Before(e.expires) {
		c.lru.moveToFront(e)
		return e.val, e.err, true
	}
	var zero V
	return zero, nil, false
}

// Do returns the cached value for key, or runs check once for all concurrent
// callers and caches its value for the TTL when it returns no error. The
// second result reports whether the value (or error) came from the cache or
// a flight started by another caller (true) rather than a flight this call
// started. A caller whose ctx ends stops waiting; the flight goes on for the
// others, bounded by the timeout.
func (c *Cache[K, V]) Do(ctx context.Context, key K, check func(context.Context) (V, error)) (V, bool, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	failures := 0
	if ok && e.finished {
		if c.now().Before(e.expires) {
			c.lru.moveToFront(e)
			c.mu.Unlock()
			return e.val, true, e.err
		}
		if ctx.Err() == nil { // else kept, with its failure count, for the next caller
			failures = e.failures
			c.removeLocked(e)
		}
		ok = false
	}
	shared := ok
	if !ok {
		if err := ctx.Err(); err != nil {
			// Nobody would wait on a flight started now: send nothing.
			c.mu.Unlock()
			var zero V
			return zero, false, err
		}
		c.evictLocked()
		fctx, stop := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
		e = &entry[K, V]{key: key, done: make(chan struct{}), failures: failures, stop: stop}
		c.entries[key] = e
		go c.run(fctx, e, check)
	}
	e.waiters++
	c.mu.Unlock()

	select {
	case <-e.done:
		if err := ctx.Err(); err != nil {
			// Both were ready, and select picks at random: a caller whose
			// context ended while it waited leaves with its context's
			// error, whichever woke it.
			var zero V
			return zero, shared, err
		}
		return e.val, shared, e.err
	case <-ctx.Done():
		c.leave(e)
		var zero V
		return zero, shared, ctx.Err()
	}
}

// leave drops a caller that gave up waiting on e's flight. The last one to
// leave cancels the flight, which nobody would read, and unlists it so a
// later caller starts a fresh one rather than join a cancelled one.
func (c *Cache[K, V]) leave(e *entry[K, V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.waiters--
	if e.finished {
		return
	}
	if e.waiters == 0 {
		if c.entries[e.key] == e {
			delete(c.entries, e.key)
		}
		e.stop()
	}
}

func (c *Cache[K, V]) run(ctx context.Context, e *entry[K, V], check func(context.Context) (V, error)) {
	defer e.stop()
	defer func() {
		// The flight runs on its own goroutine, where a panic would kill the
		// process out of the caller's reach: hand it to the waiters as an
		// error instead, so they fail closed.
		if r := recover(); r != nil {
			e.err = &PanicError{Value: r}
			c.finish(e)
		}
	}()
	e.val, e.err = check(ctx)
	if e.err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// The flight's own limit passed, not a caller's deadline: its
		// waiters, and with FailureBackoff the callers after them, must
		// not take it for their own (errors.Is(err, DeadlineExceeded)).
		e.err = &TimeoutError{Timeout: c.timeout}
	}
	c.finish(e)
}

func (c *Cache[K, V]) finish(e *entry[K, V]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(e.done)
	e.finished = true
	current := c.entries[e.key] == e
	switch {
	case e.err == nil:
		e.failures = 0
		e.expires = c.now().Add(c.ttl)
	case c.backoff > 0:
		e.failures++
		e.expires = c.now().Add(c.failureBackoff(e.failures))
	default:
		if current {
			delete(c.entries, e.key)
		}
		return
	}
	if current {
		c.lru.pushFront(e)
	}
}

// failureBackoff is the interval a failure is kept after n consecutive
// failures: base·2^(n-1), capped, with jitter over its upper half so that
// callers across processes do not retry in step.
func (c *Cache[K, V]) failureBackoff(n int) time.Duration {
	d := c.backoff
	for i := 1; i < n && d < MaxFailureBackoff; i++ {
		d *= 2
	}
	d = min(d, MaxFailureBackoff)
	return d/2 + time.Duration(c.jitter()*float64(d/2))
}

// evictLocked makes room for one entry: the least recently used completed
// entry goes. Flights in progress are not in the list and are never
// evicted, so the map may exceed the bound by the number of concurrent
// flights.
func (c *Cache[K, V]) evictLocked() {
	for len(c.entries) >= c.max && c.lru.tail != nil {
		c.removeLocked(c.lru.tail)
	}
}

func (c *Cache[K, V]) removeLocked(e *entry[K, V]) {
	if c.entries[e.key] == e {
		delete(c.entries, e.key)
	}
	c.lru.remove(e)
}

// Forget drops key, so the next Do runs a fresh check.
func (c *Cache[K, V]) Forget(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		c.removeLocked(e)
	}
}

// Len returns the number of entries, including flights in progress.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// list is an intrusive doubly linked list of completed entries.
type list[K comparable, V any] struct{ head, tail *entry[K, V] }

func (l *list[K, V]) pushFront(e *entry[K, V]) {
	e.prev, e.next, e.inList = nil, l.head, true
	if l.head != nil {
		l.head.prev = e
	}
	l.head = e
	if l.tail == nil {
		l.tail = e
	}
}

func (l *list[K, V]) remove(e *entry[K, V]) {
	if !e.inList {
		return
	}
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next, e.inList = nil, nil, false
}

func (l *list[K, V]) moveToFront(e *entry[K, V]) {
	if l.head == e || !e.inList {
		return
	}
	l.remove(e)
	l.pushFront(e)
}

// PanicError is returned to callers waiting on a check that panicked. Its
// message does not print Value, which may hold data the check was handling.
type PanicError struct{ Value any }

// TimeoutError is the error of a check that did not finish within the
// cache's Timeout. It is the check's own limit, not a caller's deadline, so
// it does not unwrap to context.DeadlineExceeded.
type TimeoutError struct{ Timeout time.Duration }

func (e *TimeoutError) Error() string {
	return "checkcache: the check did not finish within " + e.Timeout.String()
}

func (e *PanicError) Error() string { return "checkcache: check panicked" }
