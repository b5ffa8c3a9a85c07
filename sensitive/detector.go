package sensitive

import (
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Kind names a class of identifying value. Built-in kinds have the stable,
// lower-case names below; a [Rule] may add its own.
type Kind string

// The built-in kinds. See the package documentation for how each is validated.
const (
	CreditCard     Kind = "credit-card"
	SSN            Kind = "ssn"
	IBAN           Kind = "iban"
	Email          Kind = "email"
	Phone          Kind = "phone"
	AWSAccessKey   Kind = "aws-access-key"
	AWSSecretKey   Kind = "aws-secret-key"
	AccountNumber  Kind = "account-number"
	URLCredentials Kind = "url-credentials"
)

// builtin indexes the built-in kinds, in the order of [Kinds].
type builtin uint8

const (
	bCard builtin = iota
	bSSN
	bIBAN
	bEmail
	bPhone
	bAccessKey
	bSecretKey
	bAccount
	bURL
	bQuery // URL credentials in a query string without a scheme, reported as URLCredentials
	numBuiltins
)

// Kinds returns every built-in kind, in a stable order.
func Kinds() []Kind {
	return []Kind{CreditCard, SSN, IBAN, Email, Phone, AWSAccessKey, AWSSecretKey, AccountNumber, URLCredentials}
}

func (b builtin) kind() Kind {
	if b < numBuiltins {
		return builtinKinds[b]
	}
	return ""
}

// builtinKinds is each built-in's Kind, read-only: a finding's kind is one
// load, where text dense with findings names one every few bytes.
var builtinKinds = [numBuiltins]Kind{
	bCard:      CreditCard,
	bSSN:       SSN,
	bIBAN:      IBAN,
	bEmail:     Email,
	bPhone:     Phone,
	bAccessKey: AWSAccessKey,
	bSecretKey: AWSSecretKey,
	bAccount:   AccountNumber,
	bURL:       URLCredentials,
	bQuery:     URLCredentials,
}

// ranks holds, four bits per built-in kind, the rank that breaks ties between
// findings with the same span: the more specific kind wins, so an access key
// ID that is a whole parameter value is reported as an access key, and card
// digits after "acct-" as a card. Account numbers (a keyword and digits) are
// the weakest evidence.
const ranks = 2<<(4*bCard) | 4<<(4*bSSN) | 3<<(4*bIBAN) | 6<<(4*bEmail) | 5<<(4*bPhone) |
	0<<(4*bAccessKey) | 1<<(4*bSecretKey) | 8<<(4*bAccount) | 7<<(4*bURL) | 7<<(4*bQuery)

func (b builtin) rank() int { return int(ranks >> (4 * b) & 0xf) }

func builtinOf(k Kind) (builtin, bool) {
	for b := builtin(0); b < numBuiltins; b++ {
		if b.kind() == k {
			return b, true
		}
	}
	return 0, false
}

// Finding locates one identifying value: its kind and the byte offsets
// [Start, End) of the value in the input. It never holds a copy of the text.
type Finding struct {
	Kind       Kind
	Start, End int
}

// String names the kind and the offsets, e.g. "credit-card at [4,20)"; it never
// contains the value.
func (f Finding) String() string {
	return string(f.Kind) + " at [" + strconv.Itoa(f.Start) + "," + strconv.Itoa(f.End) + ")"
}

// Rule is a caller-defined detector: every non-empty match of Pattern for which
// Validate (if set) returns true is a finding of Kind. Kind must be lower case
// letters, digits and inner hyphens, like the built-in names.
//
// Matches are those of Pattern.FindAllStringIndex over the whole input, so a
// match rejected by Validate is not retried at a later offset inside it.
// Validate may be called from several goroutines at once, and must answer
// the same for the same match: the guards remember values their detector
// found clean and do not ask it again, so a Validate that consults a list
// updated at run time misses the values it saw before they were listed. A
// detector with rules allocates on every call (the regular expression
// engine does).
type Rule struct {
	Kind     Kind
	Pattern  *regexp.Regexp
	Validate func(match string) bool
}

// Options configure a [Detector] built by [New]: pass functions that set
// them, as the AWS SDK's clients take theirs.
type Options struct {
	// Kinds restricts the detector to these built-in kinds. Nil means every
	// built-in kind. An empty list or an unknown kind makes New fail: a
	// detector that silently checks nothing would be unsafe.
	Kinds []Kind

	// Rules are caller rules, added to the built-in kinds. New fails if a
	// rule has no pattern or its kind is not a lower-case name.
	Rules []Rule

	// AllowList exempts exact values an organisation has reviewed, such as a
	// published support address: a finding whose text equals one of them is
	// dropped, whatever its kind. The comparison is byte for byte; the value
	// is the finding's own text (the digits of an account number, not its
	// keyword).
	AllowList []string
}

// ArgumentError reports an option that [New] cannot honour. It names the
// option and why; it never repeats an allow-listed value or a pattern.
type ArgumentError struct {
	Field  string // "Options.Kinds", "Options.Rules[2]"
	Reason string
}

func (e *ArgumentError) Error() string {
	return "sensitive: " + e.Field + ": " + e.Reason
}

// kindSet validates kinds and returns them as a set of built-ins.
func kindSet(kinds []Kind) (uint16, error) {
	if kinds == nil {
		return 1<<numBuiltins - 1, nil
	}
	if len(kinds) == 0 {
		return 0, &ArgumentError{Field: "Options.Kinds", Reason: "no kind given; leave it nil to detect every kind"}
	}
	var set uint16
	for _, k := range kinds {
		b, ok := builtinOf(k)
		if !ok {
			return 0, &ArgumentError{Field: "Options.Kinds", Reason: "unknown kind " + describeKind(k)}
		}
		set |= 1 << b
		if b == bURL {
			set |= 1 << bQuery
		}
	}
	return set, nil
}

// describeKind quotes a kind name for an error only if it looks like one, so
// a value passed by mistake is never echoed.
func describeKind(k Kind) string {
	if validKindName(string(k)) {
		return strconv.Quote(string(k))
	}
	return "(malformed kind name)"
}

func validKindName(k string) bool {
	if len(k) == 0 || len(k) > 64 || k[0] == '-' || k[len(k)-1] == '-' {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !isLower(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

// Detector finds identifying values in free-form text. It is immutable once
// built and safe for concurrent use. The zero value and a nil *Detector
// detect every built-in kind, as [New] with no options does: a detector
// nobody configured is never one that finds nothing.
type Detector struct {
	kinds uint16
	rules []Rule
	allow map[string]struct{}
}

// New builds a detector. With no options it detects every built-in kind.
// The options are copied: changing them afterwards changes nothing.
func New(optFns ...func(*Options)) (*Detector, error) {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	kinds, err := kindSet(o.Kinds)
	if err != nil {
		return nil, err
	}
	for i, r := range o.Rules {
		field := "Options.Rules[" + strconv.Itoa(i) + "]"
		switch {
		case r.Pattern == nil:
			return nil, &ArgumentError{Field: field, Reason: "rule " + describeKind(r.Kind) + " has no pattern"}
		case !validKindName(string(r.Kind)):
			return nil, &ArgumentError{Field: field, Reason: "kind " + describeKind(r.Kind) + " is not a lower-case name like \"employee-id\""}
		}
	}
	d := &Detector{kinds: kinds, rules: slices.Clone(o.Rules)}
	for i := range d.rules {
		// Copies of the caller's strings, as of the allow-list's below: a
		// kind names a refusal, and a map key rewritten under its hash
		// (a string built with unsafe over a reused buffer) answers wrong.
		d.rules[i].Kind = Kind(strings.Clone(string(d.rules[i].Kind)))
	}
	for _, v := range o.AllowList {
		if v == "" {
			continue
		}
		if d.allow == nil {
			d.allow = make(map[string]struct{}, len(o.AllowList))
		}
		d.allow[strings.Clone(v)] = struct{}{}
	}
	return d, nil
}

var defaultDetector = sync.OnceValue(func() *Detector {
	d, err := New()
	if err != nil {
		panic("sensitive: default detector: " + err.Error())
	}
	return d
})

// Default returns the shared detector for every built-in kind, with no rules
// and no allow-list.
func Default() *Detector { return defaultDetector() }

// Find returns the findings in s, ordered by Start and not overlapping, or nil
// when there are none. Where candidates overlap, the one that starts first
// wins; at the same start the longer, then the more specific kind.
func (d *Detector) Find(s string) []Finding { return d.AppendFind(nil, s) }

// AppendFind appends the findings of s, those [Detector.Find] returns and in
// its order, to dst and returns the extended slice; with none it returns dst
// unchanged. A caller that scans many texts reuses one list, as with
// [strconv.AppendInt]: AppendFind(fs[:0], s) does not allocate while the
// findings fit in cap(fs), unless the detector has caller rules or s needs
// normalising (non-ASCII or percent-encoded text, or text with controls
// other than tabs and line breaks). The findings of s are offsets into s,
// whatever dst held before.
func (d *Detector) AppendFind(dst []Finding, s string) []Finding {
	if provedClean(d, s) {
		return dst
	}
	var sc scanner
	sc.init(d, s)
	base := len(dst)
	for from := 0; ; {
		f, ok := sc.next(from, nil)
		if !ok {
			return dst
		}
		if len(dst) == cap(dst) {
			dst = growFindings(dst, base, f.End, len(s))
		}
		dst = append(dst, f)
		from = f.End
		if len(dst)-base == 2 && len(s) > shortInput && queuesPay(sc.live) {
			// Long text with two findings may hold many: from the third,
			// the kinds are kept in order and the numeric kinds share
			// their walks (numqueue.go). The queues live in appendQueued's
			// frame, so text with no finding or one does not clear them
			// (see firstQueued for how the order starts).
			return sc.appendQueued(dst, base, from)
		}
	}
}

// appendQueued is AppendFind's loop from its third finding on, with the
// numeric kinds' queues. They are passed down the calls rather than kept in
// the scanner, whose contents the compiler sees leak (the text does): so
// they stay on this frame, unallocated.
//
// Text dense with findings asks for one every few bytes, and most are served
// from the order and the queues alone: without caller rules, an allow-list
// or normalised offsets, next has nothing to add to firstQueued's answer
// while the queues pay, and the loop takes it without next's call.
func (sc *scanner) appendQueued(dst []Finding, base, from int) []Finding {
	var q numQueues
	plain := len(sc.rules) == 0 && sc.d.allow == nil && sc.v.marks == nil
	for {
		var f Finding
		if plain && queuesPay(sc.live) {
			c, b := sc.firstQueued(&q, from)
			if b == numBuiltins {
				return dst
			}
			f = Finding{Kind: b.kind(), Start: c.start, End: c.end}
		} else {
			var ok bool
			if f, ok = sc.next(from, &q); !ok {
				return dst
			}
		}
		if len(dst) == cap(dst) {
			dst = growFindings(dst, base, f.End, len(sc.v.src))
		}
		dst = append(dst, f)
		from = f.End
	}
}

// growFindings makes room in out, full, whose findings from base on are those
// of a text of n bytes and the last of them ends at at. Text dense with
// findings (a query string of signatures, a column of card numbers) yields one
// every few bytes, and append's growth by a quarter would copy the list four
// times over, each copy scanned by the GC for its Kind strings. The room grows
// instead to what the density so far predicts for the whole text, at least
// doubled and at most quadrupled, so a list that stops growing wastes no more
// than doubling would; nor beyond one finding per remaining byte, the most
// there can be. The findings before base (AppendFind's dst) take the room
// they had.
func growFindings(out []Finding, base, at, n int) []Finding {
	k := len(out) - base
	c := 1 // most texts (names, tags, cells) hold one finding if any
	if k > 0 {
		c = 2 * k
		// In float64: k*n may overflow an int on a 32-bit platform.
		if p := int(float64(k) * float64(n) / float64(max(at, 1)) * 1.125); p > c {
			c = min(p, 4*k)
		}
	}
	grown := make([]Finding, len(out), base+min(c, k+n-at+1))
	copy(grown, out)
	return grown
}

// First returns the first finding of [Detector.Find] without building the
// list. It does not allocate unless the detector has caller rules or s
// needs normalising (non-ASCII, percent-encoded or control bytes).
func (d *Detector) First(s string) (Finding, bool) {
	if provedClean(d, s) {
		return Finding{}, false
	}
	var sc scanner
	sc.init(d, s)
	return sc.next(0, nil)
}

// HasRules reports whether the detector has caller rules. A scanner that
// skips cells the built-in kinds never match (bare numbers, say) must not
// skip them for a detector with rules, which may match anything.
func (d *Detector) HasRules() bool { return len(d.rules) > 0 }

// IsKeyword reports whether name, written before a value as in
// "<name> = <value>", is a keyword for a kind that needs one: an account
// number, a bare SSN, a phone grouped by blanks, a card of a length or
// range found only after a card keyword, an AWS secret key. Where a value
// travels under a name (a JSON member, a tag's key, a header, a column),
// the name is often that keyword ({"acct": "912803456"}), and a reader
// that scans the two apart must scan the value again after its name; when
// IsKeyword is false, Find reports nothing in that text that it does not
// report in name and value alone (FuzzIsKeyword), and the second scan can
// be skipped. A detector with caller rules, which may match anything,
// answers true.
func (d *Detector) IsKeyword(name string) bool {
	if d == nil {
		d = Default()
	}
	if len(d.rules) > 0 {
		return true
	}
	live := d.liveKinds()
	// The kinds' look-backs read only the bytes before the value, as
	// normalised ("a\u200bcct" is "acct").
	t := newView(name + " = ").s
	p := len(t)
	return live&(1<<bAccount) != 0 && accountKeywordBefore(t, p) ||
		live&(1<<bSSN) != 0 && keywordBefore(t, p, ssnKeyword, ssnFinals) ||
		live&(1<<bPhone) != 0 && keywordBefore(t, p, phoneKeyword, phoneFinals) ||
		live&(1<<bCard) != 0 && cardKeywordBefore(t, p) ||
		live&(1<<bSecretKey) != 0 && secretKeywordBefore(t, p)
}

// liveKinds returns the built-in kinds d detects. The zero Detector has
// none set: New never builds one with no kind, so this is a Detector nobody
// configured, and it detects every kind.
func (d *Detector) liveKinds() uint16 {
	if d.kinds == 0 {
		return 1<<numBuiltins - 1
	}
	return d.kinds
}

// Contains reports whether s holds any finding. It allocates as
// [Detector.First] does.
func (d *Detector) Contains(s string) bool {
	_, ok := d.First(s)
	return ok
}

// maxRedactRounds bounds how often Redact re-scans its own output.
const maxRedactRounds = 4

// Redact replaces each finding with "[REDACTED:<kind>]" and returns s itself,
// without allocating, when there is none. Redaction changes the context of
// neighbouring text (a value that was glued to a finding now stands next to
// a bracket), so the result is scanned again until clean; built-in kinds never
// match the markers. If the result is still not clean after a few rounds —
// only a caller rule that matches the marker itself can cause this — Redact
// fails closed and returns "[REDACTED]".
func (d *Detector) Redact(s string) string {
	// The findings of a round are used up by that round's copy: a list on
	// the stack holds the few of a name, a tag or a log line.
	var buf [8]Finding
	out := s
	for round := 0; round < maxRedactRounds; round++ {
		fs := d.AppendFind(buf[:0], out)
		if len(fs) == 0 {
			return out
		}
		out = redact(out, fs)
	}
	if d.Contains(out) {
		return "[REDACTED]"
	}
	return out
}

func redact(s string, fs []Finding) string {
	var b strings.Builder
	n := len(s)
	for _, f := range fs {
		n += len("[REDACTED:]") + len(f.Kind) - (f.End - f.Start)
	}
	b.Grow(n)
	last := 0
	for _, f := range fs {
		b.WriteString(s[last:f.Start])
		b.WriteString("[REDACTED:")
		b.WriteString(string(f.Kind))
		b.WriteByte(']')
		last = f.End
	}
	b.WriteString(s[last:])
	return b.String()
}

// candidate is a generator's next match; start < 0 means none.
type candidate struct {
	start, end int
}

const stale = -2 // the candidate must be computed

// scanner merges the per-kind generators into one ordered stream. Each
// generator yields its kind's matches left to right; the scanner keeps one
// pending candidate per generator and only asks a generator again when the
// stream has moved past its candidate's start, so the whole input is read a
// bounded number of times. It lives on the caller's stack.
type scanner struct {
	d     *Detector
	v     view   // the normalised text and its offset map
	s     string // v.s, what the built-in kinds read
	live  uint16 // built-in kinds that may still yield a candidate
	cands [numBuiltins]candidate
	url   urlScan
	rules []ruleScan
}

type ruleScan struct {
	cand    candidate
	matches [][]int
	i       int
	ran     bool
}

// shortInput is the length up to which the scanner first checks which
// anchors the input contains at all: names and tags are short, and most have
// no '@', ':' or 'A' (and many no digit), so most generators need not start. For longer text the generators' own anchor searches are cheaper.
const shortInput = 512

func (sc *scanner) init(d *Detector, src string) {
	if d == nil {
		d = Default()
	}
	sc.d, sc.live = d, d.liveKinds()
	for i := range sc.cands {
		sc.cands[i].start = stale
	}
	if len(src) <= shortInput {
		// One pass finds the anchors and whether normalising could change
		// anything; only then is the text normalised and looked at again.
		anchors, maybeNorm := anchorsIn(src)
		sc.v = view{s: src, src: src}
		if maybeNorm {
			if sc.v = newView(src); sc.v.marks != nil {
				anchors, _ = anchorsIn(sc.v.s)
			}
		}
		sc.live &= anchors
	} else {
		sc.v = newView(src)
	}
	sc.s = sc.v.s
	if len(d.rules) > 0 {
		sc.rules = make([]ruleScan, len(d.rules))
		for i := range sc.rules {
			sc.rules[i].cand.start = stale
		}
	}
}

// anchorsIn returns the set of built-in kinds whose anchor occurs in s, and
// whether s has a byte that normalisation may change (non-ASCII or '%').
func anchorsIn(s string) (kinds uint16, maybeNorm bool) {
	n := len(s)
	var seen, s1, s2, s3 uint16 // independent accumulators keep the loads in flight
	for len(s) >= 4 {
		seen |= byteClass[s[0]]
		s1 |= byteClass[s[1]]
		s2 |= byteClass[s[2]]
		s3 |= byteClass[s[3]]
		s = s[4:]
	}
	for i := 0; i < len(s); i++ {
		seen |= byteClass[s[i]]
	}
	seen |= s1 | s2 | s3
	if seen&cDigit != 0 {
		kinds |= numericKinds
	}
	if seen&cAt != 0 {
		kinds |= 1 << bEmail
	}
	if seen&cColon != 0 {
		kinds |= 1 << bURL
	}
	if seen&cEq != 0 {
		kinds |= 1 << bQuery
	}
	if seen&cA != 0 {
		kinds |= 1 << bAccessKey
	}
	if n >= secretLen {
		kinds |= 1 << bSecretKey // its own skip search is cheaper than a run count
	}
	return kinds, seen&cNorm != 0
}

// next returns the first finding that starts at or after from, an offset in
// the caller's text. Built-in candidates live in normalised offsets and are
// mapped back before they are compared with caller rules, which read the
// caller's text.
func (sc *scanner) next(srcFrom int, q *numQueues) (Finding, bool) {
	from := srcFrom
	if sc.v.marks != nil {
		// Offsets in text that was normalised are mapped; in other text
		// they are the same, without a call per finding.
		from = sc.v.toNorm(srcFrom)
	}
	if q != nil && !queuesPay(sc.live) {
		// The loop below needs nothing from the order and the queues:
		// every candidate they left is a kind's first match at or after
		// the last from, and queued matches are found again by the walk.
		q = nil
	}
	for {
		var best candidate
		var bestRank int
		var bestB builtin
		if q == nil {
			// Numeric kinds that need a new candidate share one walk over
			// the digit runs; the others each have their own anchor.
			var numeric uint16
			for m := sc.live; m != 0; m &= m - 1 {
				b := builtin(bits.TrailingZeros16(m))
				if c := &sc.cands[b]; c.start == stale || c.start < from {
					if numericKinds&(1<<b) != 0 {
						numeric |= 1 << b
					} else {
						c.start, c.end = sc.generate(b, from)
						if c.start < 0 {
							sc.live &^= 1 << b
						}
					}
				}
			}
			if numeric != 0 {
				sc.generateNumeric(numeric, from)
			}
			best, bestRank, bestB = candidate{start: -1}, 0, numBuiltins
			for m := sc.live; m != 0; m &= m - 1 {
				b := builtin(bits.TrailingZeros16(m))
				if c := sc.cands[b]; better(c, b.rank(), best, bestRank) {
					best, bestRank, bestB = c, b.rank(), b
				}
			}
		} else if best, bestB = sc.firstQueued(q, from); bestB < numBuiltins {
			bestRank = bestB.rank()
		}
		nbest := best
		if best.start >= 0 && sc.v.marks != nil {
			best = candidate{sc.v.orig(best.start), sc.v.origEnd(best.end)}
		}
		var bestKind Kind
		if bestB < numBuiltins {
			bestKind = bestB.kind()
		}
		bestRule := -1
		for i := range sc.rules {
			r := &sc.rules[i]
			if r.cand.start == stale || (r.cand.start >= 0 && r.cand.start < srcFrom) {
				r.cand.start, r.cand.end = sc.generateRule(i, srcFrom)
			}
			if r.cand.start >= 0 && better(r.cand, int(numBuiltins)+i, best, bestRank) {
				best, bestRank, bestKind, bestRule = r.cand, int(numBuiltins)+i, sc.d.rules[i].Kind, i
			}
		}
		if best.start < 0 {
			return Finding{}, false
		}
		if sc.d.allow == nil {
			return Finding{Kind: bestKind, Start: best.start, End: best.end}, true
		}
		if _, ok := sc.d.allow[sc.v.src[best.start:best.end]]; !ok {
			return Finding{Kind: bestKind, Start: best.start, End: best.end}, true
		}
		// A reviewed value: this generator resumes after it; the others keep
		// their candidates, which may still be reported.
		if bestRule >= 0 {
			r := &sc.rules[bestRule]
			r.cand.start, r.cand.end = sc.generateRule(bestRule, best.end)
		} else {
			b := bestB
			if numericKinds&(1<<b) != 0 {
				if q != nil {
					// Asked past from, this kind leaves the shared
					// walks until it is asked again.
					q.reread(numSlot(b), -1)
				}
				sc.generateNumeric(1<<b, nbest.end)
			} else {
				c := &sc.cands[b]
				if c.start, c.end = sc.generate(b, nbest.end); c.start < 0 {
					sc.live &^= 1 << b
				}
			}
			if q != nil {
				sc.requeue(q, b) // b is first in the order
			}
		}
	}
}

// queuesPay reports whether the order and the queues of numqueue.go cost
// less than next's loop, for the kinds in live: with one or two kinds left,
// they do not.
func queuesPay(live uint16) bool { return bits.OnesCount16(live) > 2 }

// renew sets the candidates of the kinds in redo to their first matches at
// or after from, and drops from live the kinds that have none, as next's
// loop does, for Find on long text: numeric kinds share one walk over the
// digit runs (numericQueued); the others each have their own anchor.
func (sc *scanner) renew(q *numQueues, redo uint16, from int) {
	for m := redo &^ numericKinds; m != 0; m &= m - 1 {
		b := builtin(bits.TrailingZeros16(m))
		c := &sc.cands[b]
		if c.start, c.end = sc.generate(b, from); c.start < 0 {
			sc.live &^= 1 << b
		}
	}
	switch numeric := redo & numericKinds; {
	case numeric == 0:
	case q.walked:
		sc.numericQueued(q, numeric, from)
	default:
		// The first walk stops where every kind has its match, as in
		// First: text with no finding, or one, costs no more than it
		// did. No kind has read past its candidate for the queues (hi is
		// 0), so each reads on from where it is next asked.
		sc.generateNumeric(numeric, from)
		q.walked = true
	}
}

func better(c candidate, rank int, best candidate, bestRank int) bool {
	switch {
	case best.start < 0:
		return true
	case c.start != best.start:
		return c.start < best.start
	case c.end != best.end:
		return c.end > best.end
	}
	return rank < bestRank
}

// numericKinds are anchored on digit runs; a phone number or an IBAN may
// start a byte or two before its run.
const numericKinds = 1<<bCard | 1<<bSSN | 1<<bIBAN | 1<<bPhone | 1<<bAccount

// generate returns the first match of a non-numeric built-in kind that starts
// at or after from.
func (sc *scanner) generate(b builtin, from int) (int, int) {
	switch b {
	case bEmail:
		return nextEmail(sc.s, from)
	case bAccessKey:
		return nextAccessKey(sc.s, from)
	case bSecretKey:
		return nextSecretKey(sc.s, from)
	case bURL:
		return sc.url.next(sc.s, from)
	case bQuery:
		return nextQueryCredential(sc.s, from)
	}
	return -1, -1
}

// generateNumeric sets, for each numeric kind in set, its first match that
// starts at or after from, walking the digit runs once for all of them.
//
// Number-dense text (dates, ARNs, digests, versions) has a digit run every
// twenty bytes or so, nearly all of which no kind can start at, so the cost
// per run is what matters. The runs are read from a mask of the digits of
// 64 bytes at a time, with no branch per byte; eight table lookups on the
// run's length, its first digit and the three bytes either side of it then
// rule out every kind at most runs (see the gates below); the few runs that
// remain pass the kinds' own cheap tests and parsers, which decide.
// TestGenerateNumericMatchesReference and FuzzGenerateNumeric hold the
// result to the run-by-run walk this replaced.
func (sc *scanner) generateNumeric(set uint16, from int) {
	s := sc.s
	i := from
	if i > 0 && i < len(s) && isDigit(s[i-1]) {
		i = runEnd(s, i) // inside a run: not a start
	}
	want, wantFor := gatesFor(set), set
	w := runWalk{base: i, m: digitMask(s, i)}
	for set != 0 {
		if set&^letteredKinds == 0 {
			// Only kinds whose values follow a letter are left: the walk
			// moves on to the first run that has one within letterReach
			// bytes before it. In text with findings of the other kinds
			// and none of these, the first walk would otherwise read every
			// run to the end for them.
			at := w.at()
			a := indexLetter(s, max(at-letterReach, 0))
			if a < 0 {
				sc.live &^= set
				return
			}
			if a+1 > at {
				// s[a] is a letter: a+1 is not inside a run.
				w = runWalk{base: a + 1, m: digitMask(s, a+1)}
			}
		}
		p, e, pass := w.gated(s, want)
		if p < 0 {
			sc.live &^= set
			return
		}
		n := e - p
		// 0 stands for the bytes before and after the text, as in gated.
		var prev3, prev2, prev byte
		if p >= 3 {
			prev, prev2, prev3 = s[p-1], s[p-2], s[p-3]
		} else {
			prev3, prev2, prev = byteAt(s, p-3), byteAt(s, p-2), byteAt(s, p-1)
		}
		next := byteAt(s, e)
		// A grouped value (card, SSN, national phone) starts after a byte
		// that is not a letter or digit and continues with up to three
		// separators and another digit group.
		grouped, g := false, 0
		if pass&groupedGates != 0 && (n == 3 || n == 4 || n <= 5 && s[p] <= '1' && prev != '+') && !isAlnum(prev) && is(next, cSep) {
			// Only the heads a grouped parser reads: an SSN's area, a
			// card's first four, a national phone's area code or trunk
			// prefix (a '+' number is parsed on its own).
			g = sepEnd(s, e)
			grouped = g < len(s) && isDigit(s[g])
		}
		if set&(1<<bCard) != 0 && pass&cardGates != 0 && cardMayStart(s, e, n, grouped, g, next) {
			if ce := sc.cardAt(p, e); ce >= 0 {
				sc.cands[bCard], set = candidate{p, ce}, set&^(1<<bCard)
			}
		}
		if set&(1<<bSSN) != 0 && pass&ssnGates != 0 && ssnMayStart(s, n, grouped, g) {
			if se := ssnAt(s, p, e); se >= 0 {
				sc.cands[bSSN], set = candidate{p, se}, set&^(1<<bSSN)
			}
		}
		if set&(1<<bIBAN) != 0 && pass&ibanGates != 0 && n >= 2 && p >= 2 && (isLetter(prev) || isUpper(s[p-2])) {
			// A country code before from cannot start a candidate: its
			// walk is not read.
			if a := ibanCountryStart(s, p); a >= from {
				if ie := ibanEnd(s, a, p); ie >= 0 {
					sc.cands[bIBAN], set = candidate{a, ie}, set&^(1<<bIBAN)
				}
			}
		}
		if set&(1<<bPhone) != 0 && pass&phoneGates != 0 && phoneMayStart(s, p, n, prev, next, grouped) && exchangeOK(s, p, n, prev) {
			if a, pe := phoneAt(s, p); pe >= 0 && a >= from {
				sc.cands[bPhone], set = candidate{a, pe}, set&^(1<<bPhone)
			}
		}
		if set&(1<<bPhone) != 0 && pass&gPhoneKw != 0 && phoneKeywordAt(s, p, e) {
			sc.cands[bPhone], set = candidate{p, e}, set&^(1<<bPhone)
		}
		if set&(1<<bAccount) != 0 && pass&accountGates != 0 &&
			// keywordEnd's test of a keyword's last two letters, inline
			// where they are the bytes already read: glued to the run, or
			// after one gap byte.
			(pass&accountGluedGates != 0 && accountFinals.end(prev, prev2) ||
				pass&accountGapGates != 0 && (accountFinals.end(prev2, prev3) || is(prev2, cGap)) || pass&gAcctQual != 0) &&
			accountWordEnd(s, p) >= 0 &&
			(isLetter(prev) || is(prev, cGap)) &&
			(n >= 6 && n <= 17 || n < 6 && (next == '-' || next == ' ' && n >= 3) || (next == '.' || next|0x20 == 'e') && jsonNumberShape(s, e)) {
			if ae := accountAt(s, p, e); ae >= 0 {
				sc.cands[bAccount], set = candidate{p, ae}, set&^(1<<bAccount)
			}
		}
		if set != wantFor {
			want, wantFor = gatesFor(set), set
		}
	}
}

// runWalk is generateNumeric's position in the digit runs: the block of 64
// bytes from base, and the mask of its digits not yet read.
type runWalk struct {
	base int
	m    uint64
}

// at returns where the next run the walk reads starts at the earliest: its
// block's first digit not yet read, or the end of its block.
func (w *runWalk) at() int {
	if w.m != 0 {
		return w.base + bits.TrailingZeros64(w.m)
	}
	return w.base + 64
}

// letteredKinds are the numeric kinds whose values follow a letter: an
// IBAN its country code (a letter one to three bytes before its check
// digits, ibanCountryStart) and an account number its keyword (a letter
// before at most maxGap gap bytes, keywordEnd). letterReach is how far
// before a run that letter may be.
const (
	letteredKinds = 1<<bIBAN | 1<<bAccount
	letterReach   = maxGap + 1
)

// gated advances w past the next digit run that passes a gate of want and
// returns the run, [p, e), and the gates it passes; p is -1 at the end of
// the text. Two of the kinds' first tests are made here, so that a run
// they rule out is not returned: a run loses its account gates where the
// account test's look at its bytes before fails (accountEnding), and its
// card gates where it is the next group of a sequence of fours
// (midGroup). It is the walk's hot loop, apart from the kinds' tests so that
// its values stay in registers: in number-dense text most runs pass no
// gate, and the calls to the kinds' parsers, which the loop used to hold,
// made every run reload what it had spilled.
func (w *runWalk) gated(s string, want uint32) (p, e int, pass uint32) {
	base, m := w.base, w.m
	t := gateTabs
	for {
		if m == 0 {
			// The next block starts at the next digit: in prose the wide
			// search skips hundreds of bytes at once, and in dense text it
			// finds one in its first word.
			q := indexDigit(s, base+64)
			if q < 0 {
				w.base, w.m = base, 0
				return -1, -1, 0
			}
			base, m = q, digitMask(s, q)
		}
		if base+67 <= len(s) && base >= 3 {
			// A block inside the text: every run that ends in it is read
			// from one slice of known length, the block and the three
			// bytes either side, with no bounds check, so that the loop's
			// values stay in registers.
			b := s[base-3:][:70]
			for {
				// The lowest run of ones in m: adding its lowest bit
				// carries through it, and the carry lands at its end.
				// The mask of the later runs depends only on this and-add,
				// not on the run's position, so consecutive runs overlap
				// in the pipeline.
				low := m & -m
				x := m + low
				if x == 0 {
					break // the run reaches the end of the block
				}
				i, j := bits.TrailingZeros64(low), bits.TrailingZeros64(x) // the run is b[i+3:j+3]
				m &= x
				pass = t[gPrev3][b[i]] & t[gPrev2][b[i+1]] & t[gPrev][b[i+2]] & t[gFirst][b[i+3]] &
					t[gNext][b[j+3]] & t[gNext2][b[j+4]] & t[gNext3][b[j+5]] & t[gLen][uint8(j-i)] & want
				// The inside of a longer number ("1-1-1", "2024/11/28"):
				// every kind rejects a value that starts there but a long
				// plain card. Asked of the few runs that pass a gate.
				if pass != 0 && (j-i >= 13 || !isDigit(b[i+1]) || !is(b[i+2], cSep) || b[i+2] == ' ' || b[i+2] == '\t') {
					if pass&accountGates != 0 && !accountEnding(pass, b[i+2], b[i+1], b[i]) {
						pass &^= accountGates &^ gAcctQual
					}
					if pass&gAcctQual != 0 && !atBefore(s, base+i) {
						pass &^= gAcctQual
					}
					if pass&gGrouped4 != 0 && midGroup(s, base+i, b[i+2], b[j+3]) {
						pass &^= cardGates
					}
					if pass != 0 {
						w.base, w.m = base, m
						return base + i, base + j, pass
					}
				}
				if m == 0 {
					break
				}
			}
			if m == 0 {
				continue
			}
		}
		// A run that reaches the end of its block, or one in a block at
		// either end of the text.
		low := m & -m
		x := m + low
		p = base + bits.TrailingZeros64(low)
		if x != 0 {
			e = base + bits.TrailingZeros64(x)
			m &= x
		} else {
			// Finish the run, and start the next block after it.
			e = runEnd(s, base+64)
			base, m = e-64, 0
		}
		// 0 stands for the bytes before and after the text: no class, not
		// alnum, as in the kinds' own tests.
		var prev3, prev2, prev, next, next2, next3 byte
		if p >= 3 {
			prev, prev2, prev3 = s[p-1], s[p-2], s[p-3]
		} else {
			prev3, prev2, prev = byteAt(s, p-3), byteAt(s, p-2), byteAt(s, p-1)
		}
		if e+3 <= len(s) {
			next3, next2, next = s[e+2], s[e+1], s[e]
		} else {
			next, next2, next3 = byteAt(s, e), byteAt(s, e+1), byteAt(s, e+2)
		}
		if e-p < 13 && isDigit(prev2) && is(prev, cSep) && prev != ' ' && prev != '\t' {
			// The inside of a longer number, as in the block's loop; here,
			// in names and tags full of dates, asked before the tables.
			continue
		}
		pass = t[gPrev3][prev3] & t[gPrev2][prev2] & t[gPrev][prev] & t[gFirst][s[p]] &
			t[gNext][next] & t[gNext2][next2] & t[gNext3][next3] & t[gLen][min(e-p, 255)] & want
		if pass != 0 {
			if pass&accountGates != 0 && !accountEnding(pass, prev, prev2, prev3) {
				pass &^= accountGates &^ gAcctQual
			}
			if pass&gAcctQual != 0 && !atBefore(s, p) {
				pass &^= gAcctQual
			}
			if pass&gGrouped4 != 0 && midGroup(s, p, prev, next) {
				pass &^= cardGates
			}
			if pass != 0 {
				w.base, w.m = base, m
				return p, e, pass
			}
		}
	}
}

// ssnGroupAhead is ssnMayStart for a run of three digits that ends at e
// and passes gGrouped3 (a separator at e): separators, then a group of
// exactly two digits.
func ssnGroupAhead(s string, e int) bool {
	g := sepEnd(s, e)
	return g+2 < len(s) && isDigit(s[g]) && isDigit(s[g+1]) && !isDigit(s[g+2])
}

// midGroup reports whether the group of four at p, after prev and before
// next, is the next group of a sequence of fours ("4111 4111 4111 …", an
// IBAN's groups) and no JSON number: cardAt rejects such a group at once,
// so gated drops its card gates and the grouping is not read.
func midGroup(s string, p int, prev, next byte) bool {
	return (prev == ' ' || prev == '\t') && next != '.' && next|0x20 != 'e' && midSequence(s, p)
}

// accountEnding is the account test's look at the bytes before a run that
// passes an account gate: a keyword's last two letters glued to it, or
// after a gap byte, or two gap bytes. The gate tables see each byte alone,
// and in number-heavy text most runs after a word pass them ("at
// 1732800000", "598e95", "weight=0.3"); gated asks this before returning
// such a run, so that a run no kind can match at is not returned.
func accountEnding(pass uint32, prev, prev2, prev3 byte) bool {
	return pass&accountGluedGates != 0 && accountLast[prev]&letterBits[prev2] != 0 ||
		pass&accountGapGates != 0 && (accountLast[prev2]&letterBits[prev3] != 0 || is(prev2, cGap))
}

// atBefore reports whether the word before the gap byte before the run at
// p, which passes gAcctQual, follows an '@': qualifierAt's walk, without
// its test of the keyword. The gate alone passes every "at 1732800000"
// and "run-000123"; the walk over their short words is cheaper than a
// search for '@' (clean-1MiB: 14.74 against 15.10 instructions a byte).
// Not inlined: in gated's loop, its walk cost the loop's registers more
// (14.80).
//
//go:noinline
func atBefore(s string, p int) bool {
	k, lo := p-1, max(p-1-maxQualifier, 0)
	for k > lo && isAlnum(s[k-1]) {
		k--
	}
	return k > 0 && s[k-1] == '@'
}

// accountLast and letterBits are accountFinals.end as two lookups, small
// enough for accountEnding to be inlined in gated's loop: bit b of
// letterBits[c] is set when c is the letter 'a'+b in either case, and
// accountLast[c] is accountFinals' set of letters before the letter c (0
// for a byte that is no letter). Read-only tables, filled at
// initialisation.
var letterBits, accountLast = func() (bits, last [256]uint32) {
	for c := range 256 {
		if b := byte(c); isLetter(b) {
			bits[c] = 1 << (b | 0x20 - 'a')
			last[c] = accountFinals[b|0x20-'a']
		}
	}
	return
}()

// byteAt returns s[i], or 0 outside s.
func byteAt(s string, i int) byte {
	if i < 0 || i >= len(s) {
		return 0
	}
	return s[i]
}

// The gates of generateNumeric. Each is a condition on a run that one of
// the kinds' tests in generateNumeric implies, on its length, its first
// digit, the three bytes before it and the three after it: a run that
// passes none of them is skipped without asking any kind. A gate is a bit
// in eight tables, one for each of those; a run passes it when every table
// has the bit at the run's entry.
const (
	gCard       uint32 = 1 << iota // 13–19 plain digits
	gLongJSON                      // 9 digits or more and a fraction or exponent: a JSON card
	gDot                           // up to 8 digits and a fraction of two or more: a JSON card
	gSSN9                          // nine plain digits
	gGrouped3                      // 3 digits, no letter or digit before, separators and a digit after
	gGrouped4                      // 4 digits likewise, or then '=': a card's first group
	gTrunk                         // a '0' and 1–4 more digits likewise, not after '+': a phone's trunk prefix
	gOne                           // a lone '1' likewise, not after '+': a North American phone's country code
	gPlus                          // 9 digits or more after '+': an international phone number
	gPlusShort                     // fewer after '+', then its separators and digits: one in groups
	gParen                         // in parentheses: a phone's area code
	gIBANGlued                     // 2 digits or more after a word of two letters
	gIBANSpaced                    // 2 digits or more after two capitals and a separator

	// An account number follows a keyword whose last letters end a word of
	// accountFinals, glued to it (W) or after gap bytes (G), in four shapes.
	gAcctLongW // 6–17 digits
	gAcctLongG
	gAcctDotW // a fraction: a JSON number
	gAcctDotG
	gAcctExpW // an exponent: a JSON number
	gAcctExpG
	gAcctDashW // up to 5 digits, then '-' and a digit: "1234-5678-9012"
	gAcctDashG
	gAcctSpaceW // 3 to 5 digits, then ' ' and a digit: "912 803 456"
	gAcctSpaceG
	// 6–17 digits after a letter or digit and one gap byte: the end of a
	// qualified keyword ("acct@bank 912803456"), when an '@' stands close
	// enough before (atBefore).
	gAcctQual

	gPhoneKw // 10 digits, or 11 from a '1', after a letter or gap byte: a phone after its keyword

	maxGateLen = 20
)

// The gates each numeric kind's test implies.
const (
	cardGates         = gCard | gLongJSON | gDot | gGrouped4
	ssnGates          = gSSN9 | gGrouped3
	ibanGates         = gIBANGlued | gIBANSpaced
	phoneGates        = gGrouped3 | gTrunk | gOne | gPlus | gPlusShort | gParen | gPhoneKw
	accountGluedGates = gAcctLongW | gAcctDotW | gAcctExpW | gAcctDashW | gAcctSpaceW
	accountGapGates   = gAcctLongG | gAcctDotG | gAcctExpG | gAcctDashG | gAcctSpaceG
	accountGates      = accountGluedGates | accountGapGates | gAcctQual
	groupedGates      = gGrouped3 | gGrouped4 | gTrunk | gOne
)

// gatesFor returns the gates that the kinds in set may pass.
func gatesFor(set uint16) uint32 {
	var g uint32
	if set&(1<<bCard) != 0 {
		g |= cardGates
	}
	if set&(1<<bSSN) != 0 {
		g |= ssnGates
	}
	if set&(1<<bIBAN) != 0 {
		g |= ibanGates
	}
	if set&(1<<bPhone) != 0 {
		g |= phoneGates
	}
	if set&(1<<bAccount) != 0 {
		g |= accountGates
	}
	return g
}

// gate spells out one gate; a nil test accepts anything.
type gate struct {
	bit                                    uint32
	prev3, prev2, prev, next, next2, next3 func(c byte) bool
	first                                  func(d byte) bool // the first digit, a byte from '0' to '9'
	n                                      func(n int) bool  // the length, capped at maxGateLen
}

func gateList() []gate {
	notAlnum := func(c byte) bool { return !isAlnum(c) }
	sep := func(c byte) bool { return is(c, cSep) }
	digitOrSep := func(c byte) bool { return isDigit(c) || is(c, cSep) }
	isByte := func(b byte) func(byte) bool { return func(c byte) bool { return c == b } }
	exp := func(c byte) bool { return c|0x20 == 'e' }
	length := func(lo, hi int) func(int) bool { return func(n int) bool { return n >= lo && n <= hi } }
	grouped := func(bit uint32, n func(int) bool, first func(byte) bool) gate {
		return gate{bit: bit, prev: notAlnum, next: sep, next2: digitOrSep, n: n, first: first}
	}
	// phoneAt reads a run after '+' only as an international or vanity
	// number, which stand after a byte that is not a letter, digit or '+'
	// and, unless the run has the nine digits E.164 needs at least, go on
	// with a separator other than '+' or a parenthesis, then a digit or
	// another of those (nineDigitsAhead, vanityAhead).
	notPhonePrefix := func(c byte) bool { return !isAlnum(c) && c != '+' }
	phoneSep := func(c byte) bool { return c == '(' || c == ')' || (sep(c) && c != '+') }
	digitOrPhoneSep := func(c byte) bool { return isDigit(c) || phoneSep(c) }
	// The national shapes never follow a '+'.
	groupedNational := func(bit uint32, n func(int) bool, first func(byte) bool) gate {
		g := grouped(bit, n, first)
		g.prev = func(c byte) bool { return notAlnum(c) && c != '+' }
		return g
	}
	// keywordEnd's test: the two letters of a keyword's end right before
	// the run, or gap bytes and then a final letter or more gap.
	final := func(c byte) bool { return isLetter(c) && accountFinals[c|0x20-'a'] != 0 }
	gap := func(c byte) bool { return is(c, cGap) }
	finalOrGap := func(c byte) bool { return final(c) || gap(c) }
	account := func(w, g uint32, shape gate) []gate {
		glued, gapped := shape, shape
		glued.bit, glued.prev, glued.prev2 = w, final, isLetter
		gapped.bit, gapped.prev, gapped.prev2 = g, gap, finalOrGap
		return []gate{glued, gapped}
	}
	// A card's groups may also be joined by a lone '=' (cardAtEq).
	groupedCard := grouped(gGrouped4, length(4, 4), nil)
	groupedCard.next = func(c byte) bool { return sep(c) || c == '=' }
	gs := []gate{
		{bit: gCard, n: length(13, 19)},
		{bit: gLongJSON, next: func(c byte) bool { return c == '.' || exp(c) }, n: length(9, maxGateLen)},
		{bit: gDot, next: isByte('.'), next2: isDigit, next3: isDigit, n: length(1, 8)},
		{bit: gSSN9, n: length(9, 9)},
		grouped(gGrouped3, length(3, 3), nil),
		groupedCard,
		groupedNational(gTrunk, length(2, 5), isByte('0')),
		groupedNational(gOne, length(1, 1), isByte('1')),
		{bit: gPlus, prev2: notPhonePrefix, prev: isByte('+'), n: length(9, maxGateLen)},
		{bit: gPlusShort, prev2: notPhonePrefix, prev: isByte('+'), next: phoneSep, next2: digitOrPhoneSep, n: length(1, 8)},
		{bit: gParen, prev: isByte('('), next: isByte(')')},
		{bit: gIBANGlued, prev3: notAlnum, prev2: isLetter, prev: isLetter, n: length(2, maxGateLen)},
		{bit: gIBANSpaced, prev3: isUpper, prev2: isUpper, prev: func(c byte) bool { return c == ' ' || c == '-' || c == '.' },
			n: length(2, maxGateLen)},
	}
	gs = append(gs, account(gAcctLongW, gAcctLongG, gate{n: length(6, 17)})...)
	gs = append(gs, account(gAcctDotW, gAcctDotG, gate{next: isByte('.'), next2: isDigit})...)
	gs = append(gs, account(gAcctExpW, gAcctExpG, gate{next: exp})...)
	gs = append(gs, account(gAcctDashW, gAcctDashG, gate{next: isByte('-'), next2: isDigit, n: length(0, 5)})...)
	gs = append(gs, account(gAcctSpaceW, gAcctSpaceG, gate{next: isByte(' '), next2: isDigit, n: length(3, 5)})...)
	gs = append(gs, gate{bit: gAcctQual, prev2: isAlnum, prev: gap, n: length(6, 17)})
	gs = append(gs, gate{bit: gPhoneKw, prev: func(c byte) bool { return isLetter(c) || gap(c) }, next: notAlnum, n: length(10, 11)})
	return gs
}

// The gate tables are read-only, filled once at package initialisation.
// Byte 0 stands for the start or end of the text as well as for NUL, as it
// does in generateNumeric's tests.
var (
	gatePrev3, gatePrev2, gatePrev, gateNext, gateNext2, gateNext3 = gateByteTables()
	gateFirst, gateLen                                             = gateDigitTables()
	gateTabs                                                       = gateTables()
)

// The rows of gateTabs.
const (
	gPrev3 = iota
	gPrev2
	gPrev
	gFirst
	gNext
	gNext2
	gNext3
	gLen
	gRows
)

// gateTables returns the gate tables as the rows of one array, which
// gated's loop reaches from one register; the length row is indexed by the
// run's length up to 255.
func gateTables() *[gRows][256]uint32 {
	t := &[gRows][256]uint32{gatePrev3, gatePrev2, gatePrev, gateFirst, gateNext, gateNext2, gateNext3}
	for n := range t[gLen] {
		t[gLen][n] = gateLen[min(n, maxGateLen)]
	}
	return t
}

func setGate(t []uint32, bit uint32, ok func(i int) bool) {
	for i := range t {
		if ok(i) {
			t[i] |= bit
		}
	}
}

func onByte(test func(byte) bool) func(int) bool {
	return func(i int) bool { return test == nil || test(byte(i)) }
}

func gateByteTables() (prev3, prev2, prev, next, next2, next3 [256]uint32) {
	for _, g := range gateList() {
		setGate(prev3[:], g.bit, onByte(g.prev3))
		setGate(prev2[:], g.bit, onByte(g.prev2))
		setGate(prev[:], g.bit, onByte(g.prev))
		setGate(next[:], g.bit, onByte(g.next))
		setGate(next2[:], g.bit, onByte(g.next2))
		setGate(next3[:], g.bit, onByte(g.next3))
	}
	return
}

func gateDigitTables() (first [256]uint32, lens [maxGateLen + 1]uint32) {
	for _, g := range gateList() {
		setGate(first[:], g.bit, onByte(g.first))
		setGate(lens[:], g.bit, func(n int) bool { return g.n == nil || g.n(n) })
	}
	return
}

// cardMayStart is cardAt's cheap first test for a run of n digits followed
// by next: a plain run of card length, the head of a grouping (four digits
// after a non-word byte, then a separator, and two more groups), or a JSON
// number in exponent or decimal form.
func cardMayStart(s string, e, n int, grouped bool, g int, next byte) bool {
	switch {
	case n >= 13 && n <= 19:
		return true
	case n == 4 && grouped:
		// A grouping's second group has four digits, or six (Amex,
		// Diners), and a third group follows: two groups hold ten digits
		// at most, and a card has thirteen or more ("call 7946 0958").
		g2 := -1
		if runOf(s, g, 4) {
			g2 = g + 4
		} else if runOf(s, g, 6) {
			g2 = g + 6
		}
		if g2 >= 0 && joinsGroup(s, g2) {
			return true
		}
	case n == 4 && next == '=':
		// The same, for groups joined by '=' (cardAtEq).
		return e+1 < len(s) && isDigit(s[e+1]) && (runOf(s, e+1, 4) && joinsGroup(s, e+5) || runOf(s, e+1, 6) && joinsGroup(s, e+7))
	}
	return (next == '.' || next|0x20 == 'e') && jsonCardShape(s, e, n)
}

// joinsGroup reports whether a card's group that ends at i is joined to
// another: separators or a lone '=', then a digit.
func joinsGroup(s string, i int) bool {
	j := sepEnd(s, i)
	return j > i && j < len(s) && isDigit(s[j]) || eqJoined(s, i)
}

// phoneMayStart is phoneAt's cheap first test: a '+' before the run, an
// area code in parentheses, or the head of a national number — three
// digits, a trunk "1" or a trunk-prefixed area code — followed by a
// separator other than '+'. The walks ask exchangeOK after it.
func phoneMayStart(s string, p, n int, prev, next byte, grouped bool) bool {
	switch {
	case prev == '+':
		return true
	case prev == '(' && next == ')':
		return true
	case !grouped || next == '+':
		return false
	}
	return n == 3 || (n == 1 && s[p] == '1') || (s[p] == '0' && n <= 5)
}

// exchangeOK is phoneMayStart's second test, for the run of n digits at p
// after prev that it let through: three digits that phoneNational alone
// would read (no '+' or '(' before them, no trunk '0') must be followed by
// separators and a second group of three, phoneNational's own test of the
// exchange, asked here so that the areas of SSNs ("123-45-6789") and the
// inner groups of longer numbers cost no call. Apart from phoneMayStart,
// so that both are small enough to be inlined in the walks.
func exchangeOK(s string, p, n int, prev byte) bool {
	return n != 3 || prev == '+' || prev == '(' || exchangeAhead(s, p)
}

// exchangeAhead is exchangeOK for three digits at p: a trunk '0' first,
// or separators and a group of exactly three digits after them, with more
// after that.
func exchangeAhead(s string, p int) bool {
	if s[p] == '0' {
		return true
	}
	x := phoneSepEnd(s, p+3)
	return x+3 < len(s) && isDigit(s[x]) && isDigit(s[x+1]) && isDigit(s[x+2]) && !isDigit(s[x+3])
}

// ssnMayStart is ssnAt's cheap first test: nine plain digits, or three
// that begin a grouping whose second group, at g, has two digits (ssnAt's
// own test of it, asked here so that the groups of three in phone
// numbers cost no call).
func ssnMayStart(s string, n int, grouped bool, g int) bool {
	if n == 9 {
		return true
	}
	return n == 3 && grouped && g+2 < len(s) && isDigit(s[g+1]) && !isDigit(s[g+2])
}

// jsonNumberShape is a cheap test that the digit run ending at e continues
// as a JSON number whose value may be an integer: a fraction of zeros, or an
// exponent ("912803456.0", "9.12803456e8").
func jsonNumberShape(s string, e int) bool {
	if e >= len(s) {
		return false
	}
	if s[e]|0x20 == 'e' {
		return true
	}
	if s[e] != '.' || e+1 >= len(s) || !isDigit(s[e+1]) {
		return false
	}
	fe := runEnd(s, e+1)
	if fe < len(s) && s[fe]|0x20 == 'e' {
		return true
	}
	for i := e + 1; i < fe; i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

// generateRule returns the first accepted match of caller rule i that starts
// at or after from. The matches are computed once per scan.
func (sc *scanner) generateRule(i, from int) (int, int) {
	r := &sc.rules[i]
	rule := sc.d.rules[i]
	if !r.ran {
		r.matches = rule.Pattern.FindAllStringIndex(sc.v.src, -1)
		r.ran = true
	}
	for ; r.i < len(r.matches); r.i++ {
		m := r.matches[r.i]
		if m[0] < from || m[0] == m[1] {
			continue
		}
		if rule.Validate != nil && !rule.Validate(sc.v.src[m[0]:m[1]]) {
			continue
		}
		return m[0], m[1]
	}
	return -1, -1
}
