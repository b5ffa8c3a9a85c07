package fakepersonalize

import (
	"encoding/base64"
	"strconv"
	"time"
)

// Status values shared by most resources.
const (
	statusActive       = "ACTIVE"
	statusCreateFailed = "CREATE FAILED"
)

// phase is the sequence of statuses a resource passes through while work on
// it is pending.
type phase struct {
	pending, inProgress string
	failed              string // status when finish reports a failure
	settled             string // status when the work is done; "" is ACTIVE
}

var (
	createPhase = phase{"CREATE PENDING", "CREATE IN_PROGRESS", statusCreateFailed, ""}
	batchPhase  = phase{"PENDING", "IN PROGRESS", statusCreateFailed, ""} // batch jobs spell theirs this way
	updatePhase = phase{"UPDATE PENDING", "UPDATE IN_PROGRESS", "UPDATE FAILED", ""}
	deletePhase = phase{"DELETE PENDING", "DELETE IN_PROGRESS", "", ""}
	// Recommenders stop and start; data deletion jobs complete; a stopped
	// solution version stays stopped.
	stopPhase     = phase{"STOP PENDING", "STOP IN_PROGRESS", "", "INACTIVE"}
	startPhase    = phase{"START PENDING", "START IN_PROGRESS", "", ""}
	deletionPhase = phase{"PENDING", "IN_PROGRESS", "FAILED", "COMPLETED"}
	stoppingPhase = phase{"CREATE STOPPING", "CREATE STOPPING", "", "CREATE STOPPED"}
)

// work is what remains to be done on a resource before it settles.
type work struct {
	phase  phase
	steps  int           // Describe calls left
	finish func() string // runs when a create or update settles; returns a failure reason or ""
	gone   func()        // runs when a deletion settles
}

// meta is what every resource has.
type meta struct {
	arn, name        string
	status           string
	failure          string
	created, updated time.Time
	tags             []tag
	taggable         bool
	work             *work
}

func (m *meta) base() *meta { return m }

// active reports whether no work is pending and the resource is ACTIVE.
func (m *meta) active() bool { return m.work == nil && m.status == statusActive }

// busy reports whether work is pending.
func (m *meta) busy() bool { return m.work != nil }

// resource is implemented by every stored resource through its embedded meta.
type resource interface{ base() *meta }

// begin starts work on m; with zero steps it settles at once.
func (s *Server) begin(m *meta, ph phase, finish func() string, gone func()) {
	m.work = &work{phase: ph, steps: s.cfg.StatusSteps, finish: finish, gone: gone}
	m.status = ph.pending
	m.failure = ""
	m.updated = s.now()
	if s.cfg.StatusSteps <= 0 {
		s.settle(m)
	}
}

// advance moves m one step along its lifecycle; Describe calls it.
func (s *Server) advance(m *meta) {
	if m.work == nil {
		return
	}
	m.work.steps--
	m.updated = s.now()
	if m.work.steps > 0 {
		m.status = m.work.phase.inProgress
		return
	}
	s.settle(m)
}

func (s *Server) settle(m *meta) {
	w := m.work
	m.work = nil
	m.updated = s.now()
	if w.gone != nil {
		w.gone()
		return
	}
	reason := ""
	if w.finish != nil {
		reason = w.finish()
	}
	if reason != "" {
		m.status, m.failure = w.phase.failed, reason
		return
	}
	m.status = statusActive
	if w.phase.settled != "" {
		m.status = w.phase.settled
	}
}

// table holds one kind of resource in creation order and keeps the
// server-wide ARN index (used by the tag operations) in step.
type table[T resource] struct {
	items map[string]T
	order []string
	index map[string]*meta
}

func newTable[T resource](index map[string]*meta) *table[T] {
	return &table[T]{items: map[string]T{}, index: index}
}

func (t *table[T]) put(v T) {
	arn := v.base().arn
	t.items[arn] = v
	t.order = append(t.order, arn)
	t.index[arn] = v.base()
}

func (t *table[T]) get(arn string) (T, bool) {
	v, ok := t.items[arn]
	return v, ok
}

func (t *table[T]) remove(arn string) {
	delete(t.items, arn)
	delete(t.index, arn)
	for i, a := range t.order {
		if a == arn {
			t.order = append(t.order[:i:i], t.order[i+1:]...)
			break
		}
	}
}

// list returns the resources keep accepts, oldest first.
func (t *table[T]) list(keep func(T) bool) []T {
	var out []T
	for _, arn := range t.order {
		if v := t.items[arn]; keep == nil || keep(v) {
			out = append(out, v)
		}
	}
	return out
}

func (t *table[T]) any(match func(T) bool) bool {
	for _, v := range t.items {
		if match(v) {
			return true
		}
	}
	return false
}

// --- pagination -------------------------------------------------------------

const (
	defaultMaxResults = 100
	maxMaxResults     = 100
	tokenPrefix       = "pt1:"
)

type page struct {
	MaxResults *int32  `json:"maxResults"`
	NextToken  *string `json:"nextToken"`
}

// paginate cuts one page out of items. Tokens are opaque offsets.
func paginate[T any](items []T, p page) ([]T, *string, *apiError) {
	limit := defaultMaxResults
	if p.MaxResults != nil {
		limit = int(*p.MaxResults)
		if limit < 1 || limit > maxMaxResults {
			return nil, nil, invalidInput("1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100")
		}
	}
	start := 0
	if p.NextToken != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*p.NextToken)
		n, convErr := strconv.Atoi(string(raw[min(len(raw), len(tokenPrefix)):]))
		if err != nil || len(raw) < len(tokenPrefix) || string(raw[:len(tokenPrefix)]) != tokenPrefix || convErr != nil || n < 0 || n > len(items) {
			return nil, nil, &apiError{"InvalidNextTokenException", "The next token is not valid."}
		}
		start = n
	}
	end := min(start+limit, len(items))
	var next *string
	if end < len(items) {
		tok := base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + strconv.Itoa(end)))
		next = &tok
	}
	return items[start:end], next, nil
}

// epoch renders a time as the JSON number of seconds the SDK expects.
func epoch(t time.Time) float64 {
	return float64(t.UnixMilli()) / 1000
}

// lifecycleView is the part of every Describe and List answer that tells
// where a resource is in its lifecycle.
type lifecycleView struct {
	Status              string  `json:"status,omitempty"`
	FailureReason       string  `json:"failureReason,omitempty"`
	CreationDateTime    float64 `json:"creationDateTime"`
	LastUpdatedDateTime float64 `json:"lastUpdatedDateTime"`
}

func (m *meta) lifecycle() lifecycleView {
	return lifecycleView{Status: m.status, FailureReason: m.failure, CreationDateTime: epoch(m.created), LastUpdatedDateTime: epoch(m.updated)}
}

// describe finds a resource for a Describe call and advances it one step.
// A resource whose deletion settles on this call is reported gone.
func describe[T resource](s *Server, t *table[T], field string, arn *string) (T, *apiError) {
	v, err := lookup(t, field, arn)
	if err != nil {
		return v, err
	}
	s.advance(v.base())
	if _, still := t.get(*arn); !still {
		var zero T
		return zero, notFound(*arn)
	}
	return v, nil
}

// lookup finds a resource an input refers to.
func lookup[T resource](t *table[T], field string, arn *string) (T, *apiError) {
	var zero T
	if err := checkARN(field, arn); err != nil {
		return zero, err
	}
	v, ok := t.get(*arn)
	if !ok {
		return zero, notFound(*arn)
	}
	return v, nil
}

// lookupActive finds a resource an input refers to and requires it ACTIVE;
// notReady is the error for one that is not.
func lookupActive[T resource](t *table[T], field string, arn *string, notReady func(*meta) *apiError) (T, *apiError) {
	v, err := lookup(t, field, arn)
	if err != nil {
		return v, err
	}
	if !v.base().active() {
		var zero T
		return zero, notReady(v.base())
	}
	return v, nil
}

// checkDeletable is the precondition every Delete shares: work on the
// resource must have settled.
func checkDeletable(m *meta) *apiError {
	if m.busy() {
		return inUse("Resource %s is busy (status %s)", m.arn, m.status)
	}
	return nil
}
