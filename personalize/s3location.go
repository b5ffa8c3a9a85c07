package personalize

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"

	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// The S3 location safeguard (PersonalizeGuard:S3Location) parses every
// location the table says the operation takes with s3guard's parser, reads
// the bucket and the key (as written and percent-decoded) with the detector
// — CloudTrail records the path — and applies the output bucket allow-list.
// The bucket posture check (posture.go) reuses what it parsed.

// location is one S3 location of a request. Its place is the table's, by
// pointer: a place is some fifteen words, copied per location per step.
type location struct {
	*locationPlace
	value string
	set   bool // the field is there (possibly empty)
}

// maxLocations is the most S3 locations an operation takes (a job's input
// and output): locationsOf fills a buffer of the caller's stack this long.
const maxLocations = 2

// parsed are the locations of a request as the S3 location safeguard left
// them, in table order; a zero Location was absent or refused.
type parsed []s3guard.Location

// parsedKey is the stack value of parsed for a call without a call state
// (a step run outside the guard's middleware) or with more locations than
// parsedLocations holds.
type parsedKey struct{}

// parsedLocations is parsed in the call state: the usual call hands its
// locations from the S3 location step to the bucket posture step there,
// without the stack value's three allocations and without lengthening the
// context chain that every later stack value lookup walks.
type parsedLocations struct {
	n    int // 0: the S3 location safeguard did not run (an operation with locations has one or more)
	locs [maxLocations]s3guard.Location
}

// set keeps p, which fits, as the call's.
func (pl *parsedLocations) set(p []s3guard.Location) { pl.n = copy(pl.locs[:], p) }

// get returns the call's parsed locations, nil when none were set.
func (pl *parsedLocations) get() parsed {
	if pl.n == 0 {
		return nil
	}
	return pl.locs[:pl.n]
}

// locationsOf returns the S3 locations the table places in params, in
// buf when they fit, so that the usual call allocates nothing.
func locationsOf(params any, op *boundOp, buf *[maxLocations]location) []location {
	if len(op.locations) == 0 {
		return nil
	}
	out := buf[:0]
	for i := range op.locations {
		p := &op.locations[i]
		v, _, set := p.get.read(params, p.at)
		out = append(out, location{locationPlace: p, value: v, set: set})
	}
	return out
}

func (g *Guard) handleS3Location(ctx context.Context, st *callState, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	op, err := g.operation(ctx, st, in.Parameters)
	if err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	if len(op.locations) == 0 {
		return next.HandleInitialize(ctx, in)
	}
	var buf [maxLocations]location
	ls := locationsOf(in.Parameters, op, &buf)
	var pbuf [maxLocations]s3guard.Location
	p := parsed(pbuf[:0])
	for _, l := range ls {
		loc, err := g.parseLocation(ctx, st, l)
		if err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
		p = append(p, loc)
	}
	if st != nil && len(p) <= maxLocations {
		st.parsed.set(p)
		return next.HandleInitialize(ctx, in)
	}
	return next.HandleInitialize(middleware.WithStackValue(ctx, parsedKey{}, slices.Clone(p)), in)
}

// parseLocation checks one location: s3guard's parser, identifying values in
// the bucket name and object key, and the output allow-list. A missing
// location is the SDK validator's to report. A location that breaks a rule
// is returned empty even when report-only mode lets the call go on: the
// guard's own S3 calls carry only values that passed its checks.
func (g *Guard) parseLocation(ctx context.Context, st *callState, l location) (s3guard.Location, error) {
	if !l.set {
		return s3guard.Location{}, nil
	}
	st.sawLocation(l.value, l.node)
	loc, ok := g.locations.passed(l.value)
	if !ok {
		var err error
		if loc, err = g.parseClean(ctx, st, l); err != nil {
			return s3guard.Location{}, err
		}
		if loc == (s3guard.Location{}) {
			return loc, nil // refused in report-only mode
		}
	}
	if l.dir == s3guard.Write && len(g.s.AllowedOutputBuckets) > 0 && !slices.Contains(g.s.AllowedOutputBuckets, loc.Bucket) {
		return s3guard.Location{}, g.refuse(ctx, st, l.field, RuleBucketNotAllowed, "the bucket is not in Policy.AllowedOutputBuckets", nil, nil)
	}
	st.act(actedLocation)
	return loc, nil
}

// parseClean is parseLocation's parse and detector reads of a location
// that is not the memo's: a location that passes both joins the memo. A
// refusal in report-only mode returns a zero Location and no error.
func (g *Guard) parseClean(ctx context.Context, st *callState, l location) (s3guard.Location, error) {
	op := opName(ctx, st)
	loc, err := s3guard.ParseLocation(l.value)
	if err != nil {
		rule, reason := "s3.location", "the S3 location is refused"
		var le *s3guard.LocationError
		if errors.As(err, &le) {
			// s3guard's reasons are fixed sentences, never the input.
			rule, reason = le.Rule, le.Reason
		}
		return s3guard.Location{}, g.violation(ctx, st, &SafeguardError{Operation: op, Field: l.field, Rule: rule, Reason: reason})
	}
	f, found := g.s.Detector.First(loc.Bucket)
	if !found {
		f, found = s3guard.KeyFinding(loc.Key, g.s.Detector)
	}
	if found {
		return s3guard.Location{}, g.violation(ctx, st, &SafeguardError{Operation: op, Field: l.field, Rule: RuleSensitivePrefix + string(f.Kind), Reason: sensitiveReason})
	}
	return g.locations.add(l.value, loc), nil
}

// locationMemo holds the last S3 location that parsed and in whose bucket
// and key the detector found nothing: a client's calls mostly repeat one,
// and one comparison then stands for the parse and the detector's reads,
// which depend on nothing else (the detector is the guard's, fixed).
// Direction and allow-list are checked on every call.
type locationMemo struct {
	last atomic.Pointer[passedLocation]
}

// passedLocation is a location as written, a copy of the caller's, and
// what it parsed to.
type passedLocation struct {
	value string
	loc   s3guard.Location
}

// passed returns what value parsed to when it is the memo's.
func (m *locationMemo) passed(value string) (s3guard.Location, bool) {
	if p := m.last.Load(); p != nil && p.value == value {
		return p.loc, true
	}
	return s3guard.Location{}, false
}

// add keeps value, which passed and parsed to loc, as the memo's, and
// returns the memo's copy of loc. It keeps copies, made in one
// concatenation: the caller's string may share bytes it changes later (see
// callState.own), and what the memo holds must stay what was checked. The
// copy is what the call hands to the bucket posture step too: the
// caller's bytes could read as another bucket or key there, and back again
// by the time the wire gate compares the body with the value noted here.
// (A passed location's bucket is never empty, so the concatenation, of two
// strings or more, always copies.)
func (m *locationMemo) add(value string, loc s3guard.Location) s3guard.Location {
	c := value + loc.Bucket + loc.Key
	b := len(value) + len(loc.Bucket)
	p := &passedLocation{value: c[:len(value)], loc: s3guard.Location{Bucket: c[len(value):b], Key: c[b:]}}
	m.last.Store(p)
	return p.loc
}

// parsedLocations returns the locations the S3 location safeguard left in
// the call state, nil for none (or a nil state).
func (st *callState) parsedLocations() parsed {
	if st == nil {
		return nil
	}
	return st.parsed.get()
}
