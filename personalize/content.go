package personalize

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/aws/smithy-go/encoding"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/internal/jsontext"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// maxDepth bounds the recorded field path; Personalize inputs nest about
// eight levels deep.
const maxDepth = 16

// walker checks one request against its compiled plan: the input struct (by
// reflection, early and precise) or the serialized body (at the wire gate,
// where nothing can be added afterwards). It lives on the stack and allocates
// nothing unless a field fails.
type walker struct {
	g     *Guard
	ctx   context.Context
	st    *callState
	wire  bool   // walking the serialized body
	body  string // the serialized body, on the wire
	root  *node  // the operation's input plan, on the wire
	depth int
	segs  [maxDepth]segment
	// entries holds the map entries of segs, by depth; entered is set once
	// one is, so that release clears them.
	entries [maxDepth]mapEntry
	entered bool
	// tag is the tag structure walkWireStruct reads, on the wire.
	tag tagRead
	// place is the string member being checked, on the wire (see
	// checkWirePlace).
	place *node
	// passedAt and cleanAt are where passedBefore and checkedClean look
	// first, on the wire: after the last entry each found. The walk's own,
	// not the call state's: two sends of one attempt (a hedging hook) walk
	// at once.
	passedAt, cleanAt int
}

// walkers are pooled: a walker's path buffer is large, and escape analysis
// cannot keep a recursive walker on the stack.
var walkers = sync.Pool{New: func() any { return new(walker) }}

// newWalkerState returns a walker from the pool for one check of g: st is
// the call's state, which its caller holds (nil outside the guard's
// middleware); wire is whether it reads the serialized body.
func newWalkerState(g *Guard, ctx context.Context, st *callState, wire bool, body string) *walker {
	w := walkers.Get().(*walker)
	w.start(g, ctx, st, wire, body)
	return w
}

// start readies w, dropped or new, for one check (see newWalkerState).
func (w *walker) start(g *Guard, ctx context.Context, st *callState, wire bool, body string) {
	w.g, w.ctx, w.st, w.wire, w.body, w.depth, w.passedAt, w.cleanAt = g, ctx, st, wire, body, 0, 0, 0
}

// release returns w to the pool, dropping what it referenced.
func (w *walker) release() {
	w.drop()
	walkers.Put(w)
}

// drop clears what w referenced.
func (w *walker) drop() {
	clear(w.segs[:min(w.depth, maxDepth)])
	if w.entered {
		clear(w.entries[:])
		w.entered = false
	}
	w.g, w.ctx, w.st, w.body, w.root, w.tag, w.place = nil, nil, nil, "", nil, tagRead{}, nil
}

func (w *walker) push(s segment) {
	if w.depth < maxDepth {
		w.segs[w.depth] = s
	}
	w.depth++
}

// pushEntry pushes the key (key 1) or the value (key 2) of the map entry e.
func (w *walker) pushEntry(key int, e mapEntry) {
	if w.depth < maxDepth {
		w.entries[w.depth] = e
		w.segs[w.depth] = segment{index: -1, key: key, entry: &w.entries[w.depth]}
		w.entered = true
	}
	w.depth++
}

func (w *walker) pop() { w.depth-- }

func (w *walker) path() string { return fieldPath(w.segs[:min(w.depth, maxDepth)]) }

// walk checks the input struct v along n.
func (w *walker) walk(n *node, v reflect.Value) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch n.kind {
	case kindString:
		return w.check(n.rule, n.shape, n.enum, v.String())
	case kindStruct:
		for _, i := range n.unknown {
			if !v.Field(i).IsZero() {
				// A member a newer SDK added: the table says nothing of
				// it, so it is not sent.
				return w.failAt(joinPath(w.path(), v.Type().Field(i).Name), RuleUnknownMember, unknownMemberReason)
			}
		}
		for _, f := range n.fields {
			w.push(segment{name: f.name, index: -1})
			if err := w.walk(f, v.Field(f.index)); err != nil {
				return err
			}
			w.pop()
		}
		if n.valueName != nil {
			if err := w.scanNamedValues(n, v); err != nil {
				return err
			}
		}
		if k, val := tagPair(n); k != nil {
			// The value first: most are too short to need their key.
			if value := stringOf(v.Field(val.index)); w.mayNeedName(value) {
				w.push(segment{name: val.name, index: -1})
				if err := w.scanPair(stringOf(v.Field(k.index)), value); err != nil {
					return err
				}
				w.pop()
			}
		}
	case kindSlice:
		if n.maxLen > 0 && v.Len() > n.maxLen {
			if err := w.fail(listRule(n), "at most "+strconv.Itoa(n.maxLen)+" elements (API model)"); err != nil {
				return err
			}
		}
		for i := range v.Len() {
			w.push(segment{index: i})
			if err := w.walk(n.elem, v.Index(i)); err != nil {
				return err
			}
			w.pop()
		}
	case kindMap:
		if n.maxLen > 0 && v.Len() > n.maxLen {
			if err := w.fail(RuleFieldLength, "at most "+strconv.Itoa(n.maxLen)+" entries (API model)"); err != nil {
				return err
			}
		}
		iter := v.MapRange()
		for iter.Next() {
			k := iter.Key()
			w.pushEntry(1, mapEntry{mapV: v, mapK: k})
			if err := w.check(n.keyRule, n.keyShape, n.keyEnum, k.String()); err != nil {
				return err
			}
			w.pop()
			if n.elem != nil {
				w.pushEntry(2, mapEntry{mapV: v, mapK: k})
				if err := w.walk(n.elem, iter.Value()); err != nil {
					return err
				}
				if pairedValue(n.elem) {
					if err := w.scanPair(k.String(), stringOf(iter.Value())); err != nil {
						return err
					}
				}
				w.pop()
			}
		}
	}
	return nil
}

// tagPair returns the key and value members of a tag structure, or nils
// for any other structure.
func tagPair(n *node) (key, value *node) {
	if len(n.fields) == 2 && n.fields[0].rule == ruleTagKey && n.fields[1].rule == ruleTagValue {
		return n.fields[0], n.fields[1]
	}
	return nil, nil
}

// pairedValue reports whether a map's values, under n, are free-form text
// read again after their key (see scanPair).
func pairedValue(n *node) bool { return n.kind == kindString && n.rule == ruleFreeForm }

// stringOf is the string v holds, itself or through a pointer as the SDK's
// members hold theirs; "" for none.
func stringOf(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Pointer:
		if !v.IsNil() {
			if e := v.Elem(); e.Kind() == reflect.String {
				return e.String()
			}
		}
	}
	return ""
}

// eachFilterValue calls f with each literal of a filter expression, a
// double-quoted string or a number, and the last dotted name before it, the
// column it is compared with: in `Users.SSN IN ("123456789")` only the
// column makes the nine digits an SSN, and "IN (" keeps the detector from
// reading them after it.
func eachFilterValue(expr string, f func(column, value string) error) error {
	column := ""
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"':
			end := strings.IndexByte(expr[i+1:], '"')
			if end < 0 {
				end = len(expr) - i - 1
			}
			if err := f(column, expr[i+1:i+1+end]); err != nil {
				return err
			}
			i += end + 2
		case filterWordByte(c):
			j := i
			for j < len(expr) && (filterWordByte(expr[j]) || expr[j] == '.') {
				j++
			}
			switch word := expr[i:j]; {
			case c >= '0' && c <= '9' || c >= 0x80:
				// A non-ASCII byte starts a number in another script's
				// digits (full-width, Arabic-Indic), which the detector
				// reads as digits; column names are ASCII.
				if err := f(column, word); err != nil {
					return err
				}
			case strings.IndexByte(word, '.') > 0:
				column = word
			}
			i = j
		default:
			i++
		}
	}
	return nil
}

func filterWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80
}

// scanNamedValues scans each named value of the structure v, of node n,
// after the name its naming member gives it (see namedValues).
func (w *walker) scanNamedValues(n *node, v reflect.Value) error {
	name := stringOf(v.Field(n.valueName.index))
	if name == "" {
		return nil
	}
	for _, f := range n.namedValues {
		fv := v.Field(f.index)
		w.push(segment{name: f.name, index: -1})
		if f.number != numberNone {
			if err := w.scanNumberNamed(name, reflectNumberText(fv, f.number)); err != nil {
				return err
			}
		} else if f.kind == kindString {
			if err := w.scanValueNamed(name, stringOf(fv)); err != nil {
				return err
			}
		} else {
			for i := range fv.Len() {
				w.push(segment{index: i})
				if err := w.scanValueNamed(name, stringOf(fv.Index(i))); err != nil {
					return err
				}
				w.pop()
			}
		}
		w.pop()
	}
	return nil
}

// scanNumberNamed is scanValueNamed for a number's text (see numberText),
// and for its other forms, as the wire walk reads a number (scanPairAt).
func (w *walker) scanNumberNamed(name, text string) error {
	if text == "" {
		return nil
	}
	if err := w.scanValueNamed(name, text); err != nil {
		return err
	}
	return w.scanPairForms(name, text)
}

// numberText is v as the SDK's serializer writes it (smithy's
// EncodeFloat for a float), or "" for a value it cannot hold a finding in:
// zero, which the serializer leaves out of a member that is no pointer,
// and a float that is not finite, which it cannot write.
func numberText[T ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~float32 | ~float64](v T) string {
	switch reflect.TypeFor[T]().Kind() { // by kind: a named float is a float
	case reflect.Float32:
		return floatText(float64(v), 32)
	case reflect.Float64:
		return floatText(float64(v), 64)
	}
	if v == 0 {
		return ""
	}
	return strconv.FormatInt(int64(v), 10)
}

func floatText(v float64, bits int) string {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return ""
	}
	return string(encoding.EncodeFloat(nil, v, bits))
}

// reflectNumberText is numberText for v, a number member of kind k or a
// pointer to one.
func reflectNumberText(v reflect.Value, k numberKind) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	switch k {
	case numberFloat32:
		return numberText(float32(v.Float()))
	case numberFloat64:
		return numberText(v.Float())
	}
	return numberText(v.Int())
}

// scanValueNamed is scanPair for a value that may not need its name.
func (w *walker) scanValueNamed(name, value string) error {
	if !w.mayNeedName(value) {
		return nil
	}
	return w.scanPair(name, value)
}

// mayNeedName reports whether value may hold a finding only its name
// shows: most values are too short to (but for caller rules, which may
// match any value but "").
func (w *walker) mayNeedName(value string) bool {
	return value != "" && (w.g.keywords.HasRules() || jsontext.NameMatters(value))
}

// scanPair scans value together with the key it is given under, a tag's or
// a map's (see jsontext.Named): {"acct": "912803456"} is an account number
// that neither string shows alone.
func (w *walker) scanPair(key, value string) error {
	return jsontext.EachNamed(w.g.keywords, key, value, w.scanJoined)
}

// scanJoined scans a value joined to its name (see scanPair).
func (w *walker) scanJoined(text string) error {
	if f, found := w.g.identifying(text, true); found {
		return w.fail(RuleSensitivePrefix+string(f.Kind), sensitiveReason)
	}
	return nil
}

const unknownMemberReason = "the guard's table, generated from the API model, does not describe this member (a newer SDK than the table, or a hook): regenerate the table before using it"

// listRule is the rule a list's length breaks: tags have their own.
func listRule(n *node) string {
	if n.member == "tags" || n.member == "tagKeys" {
		return RuleTagLimits
	}
	return RuleFieldLength
}

// check applies rule to one string. Cheap rules come first: enforcing, a
// value over the model's length is refused without being read further, so
// the detector never reads a 10 MiB Name (in report-only mode, where the
// value goes out all the same, it is scanned whole). Within the length, the
// detector runs before the pattern, because its finding ("sensitive.email")
// says more than "does not match the pattern".
func (w *walker) check(rule fieldRule, sh *shape, enum []string, s string) error {
	switch rule {
	case ruleEnum:
		// The SDK leaves an empty enum out of the body.
		if s == "" {
			return nil
		}
		if _, ok := slices.BinarySearch(enum, s); !ok {
			return w.fail(RuleEnum, "is not one of the values the API model allows")
		}
		return nil
	case ruleSchema:
		return w.checkSchema(s)
	case ruleS3Location, ruleKMSKey:
		if w.wire {
			return w.checkWirePlace(rule, s)
		}
		return nil // the S3 location and KMS key safeguards own these
	}
	if sh == nil {
		sh = shapeUnknown
	}
	// Only the wire walk takes a string as passed: the test of w.wire here
	// spares the Initialize walk a call per string.
	if w.wire && w.passedBefore(rule, sh, s) {
		return nil // the Initialize check passed this very string under this very rule
	}
	// A value that comes back call after call (a tag, a role) is
	// answered by the guard's memo of strings that passed before.
	memo := !w.wire && w.st != nil && memoizable(rule, sh, s)
	if memo {
		if p := w.g.passed.find(rule, sh, s); p != nil {
			w.notePassedMemo(p)
			return nil
		}
		// The check then reads the state's own copy, which the memo can
		// keep as the very bytes it checked (see passedMemo).
		s = w.st.own(s)
	}
	// A broken length or pattern ends the check with a refusal; in
	// report-only mode, where the value goes out all the same, it is
	// reported and the checks go on, so that an identifying value in it is
	// reported too, not only its length or its pattern.
	broke := false
	if jsontext.OutsideLength(s, sh.min, sh.max) {
		if err := w.fail(shapeFailure(rule, sh, true)); err != nil {
			return err
		}
		broke = true
	}
	text := s
	switch rule {
	case ruleToken:
		if !sh.match(s) {
			if err := w.fail(RulePattern, "is not a pagination token the API returned (the model allows ASCII only)"); err != nil {
				return err
			}
			broke = true
		}
	case ruleARN:
		// The model's pattern lets the partition, Region and account hold
		// anything without a colon; the guard holds them to their shapes and
		// reads the resource part, the one a caller names (the whole ARN
		// when it is not well formed).
		if !wellFormedARN(s) {
			if err := w.fail(RulePattern, "the ARN's partition, Region or account is not well formed"); err != nil {
				return err
			}
			broke = true
		} else {
			text = arnResource(s)
		}
	}
	seen := false // the detector's memo answered: a value seen before
	if !w.wire || !w.checkedClean(text) {
		var f sensitive.Finding
		var found bool
		if f, found, seen = w.g.identifyingSeen(text, recurs(rule, sh)); found {
			return w.fail(RuleSensitivePrefix+string(f.Kind), sensitiveReason)
		}
		if st := w.st; st != nil && !w.wire && !memo && (len(st.passed) < maxClean || len(st.clean) < maxClean) {
			// noteClean and notePassed keep text and s, whose suffix it
			// is, in bytes of the state's own (see callState.own): copied
			// once, and only once the detector found them clean.
			s = st.own(s)
			text = s[len(s)-len(text):]
		}
		w.noteClean(text)
	}
	if rule == ruleFilterExpression {
		if err := eachFilterValue(s, w.scanPair); err != nil {
			return err
		}
	}
	if rule != ruleToken && sh.match != nil && !sh.match(s) {
		if err := w.fail(shapeFailure(rule, sh, false)); err != nil {
			return err
		}
		broke = true
	}
	if rule == ruleTagKey && hasPrefixFold(s, "aws:") {
		return w.fail(RuleTagLimits, "tag keys must not start with aws:, which AWS reserves")
	}
	if !broke {
		w.notePassed(rule, sh, s)
		if memo && seen {
			// Its text seen twice now (for a role ARN, the resource
			// part): kept from here on. A value new on every call never
			// gets here, so it costs the memo no copy.
			w.g.passed.add(rule, sh, s)
		}
	}
	return nil
}

// passedMemo remembers, per guard, strings that passed every rule of check
// under a rule and shape (see memoizable): check is a function of those
// three and the guard's policy alone, so a string that passed once passes
// again, and the Initialize check of a tag or a role it meets on every
// call is one comparison instead of its length, the detector's memo, its
// pattern and its prefix. Each entry is a copy of the very bytes that were
// checked (the call state's own, never the caller's), made once, when a
// value passes a second time, so that a value new on every call (a
// resource's name) costs it nothing. A fixed set of slots, each replaced
// whole: lookups take no lock, and the memo holds at most numPassedMemo
// strings of at most maxPassedMemoText bytes.
type passedMemo struct {
	slots [numPassedMemo]atomic.Pointer[passedCheck]
}

const (
	// passedSlot's hash keeps this many top bits: the slots are 1<<it.
	passedMemoBits    = 6
	numPassedMemo     = 1 << passedMemoBits
	maxPassedMemoText = 256
)

// memoizable reports whether check's answer for s under rule and sh may
// come from the memo: values that recur (see recurs), of a bounded length,
// under the rules check settles by itself alone. Not a filter expression,
// whose values it reads again with their names, nor the rules check
// answers before the memo by their own checks (see passable): tested here
// too, so that the memo cannot answer for them whatever check's order.
func memoizable(rule fieldRule, sh *shape, s string) bool {
	return len(s) <= maxPassedMemoText && rule != ruleFilterExpression && passable(rule) && recurs(rule, sh)
}

// passedSlot picks a slot from the rule, s's length and its end bytes, as
// recentSlot does for the detector's memo.
func passedSlot(rule fieldRule, s string) int {
	h := uint32(len(s)) | uint32(rule)<<8
	if s != "" {
		h |= uint32(s[0])<<16 | uint32(s[len(s)-1])<<24
	}
	return int((h * 0x9e3779b1) >> (32 - passedMemoBits))
}

// find returns the entry for s under rule and sh, or nil.
func (m *passedMemo) find(rule fieldRule, sh *shape, s string) *passedCheck {
	p := m.slots[passedSlot(rule, s)].Load()
	if p != nil && p.rule == rule && p.sh == sh && p.s == s {
		return p
	}
	return nil
}

// add keeps a copy of s, which passed under rule and sh; s is in bytes
// the caller cannot change (callState.own's: the state's, or the guard's
// injected role).
func (m *passedMemo) add(rule fieldRule, sh *shape, s string) {
	m.slots[passedSlot(rule, s)].Store(&passedCheck{rule: rule, sh: sh, s: strings.Clone(s)})
}

// notePassedMemo notes, at the Initialize check, the string of the memo's
// entry p as check would have noted it had it checked it: found clean
// (its resource part, for an ARN) and passed. The notes are the memo's
// own bytes, which nothing changes.
func (w *walker) notePassedMemo(p *passedCheck) {
	text := p.s
	if p.rule == ruleARN {
		text = arnResource(text) // well formed: it passed
	}
	w.noteClean(text)
	w.notePassed(p.rule, p.sh, p.s)
}

// passedCheck is a string that passed every rule of check at the
// Initialize check.
type passedCheck struct {
	rule fieldRule
	sh   *shape
	s    string
}

// notePassed records, at the Initialize check, a string that passed rule
// and sh (s in the state's own bytes: see check); passedBefore lets the
// wire gate take the same string under the same rule and shape as passed,
// since check is a function of those three alone. A string the gate does not find here, one a hook changed or put
// in included, is checked in full.
func (w *walker) notePassed(rule fieldRule, sh *shape, s string) {
	if w.st != nil && !w.wire && len(w.st.passed) < maxClean {
		w.st.passed = append(w.st.passed, passedCheck{rule, sh, s})
	}
}

// notePassed records p, a value the guard put in itself and found to pass
// its rule and shape when it was built (see Guard.precheckRoles); a nil p
// records nothing, nor does a nil state.
func (st *callState) notePassed(p *passedCheck) {
	if st != nil && p != nil && len(st.passed) < maxClean {
		st.passed = append(st.passed, *p)
	}
}

func (w *walker) passedBefore(rule fieldRule, sh *shape, s string) bool {
	if w.st == nil || !w.wire {
		return false
	}
	// The wire walk meets the strings mostly in the order the Initialize
	// check noted them: the entry after the last one found is tested
	// first, which saves the scan's compares and its mispredicted exits.
	st := w.st
	if i := w.passedAt; i < len(st.passed) {
		if p := &st.passed[i]; p.rule == rule && p.sh == sh && p.s == s {
			w.passedAt = i + 1
			return true
		}
	}
	for i := range st.passed {
		if p := &st.passed[i]; p.rule == rule && p.sh == sh && p.s == s {
			w.passedAt = i + 1
			return true
		}
	}
	return false
}

// identifying runs the detector on s, unless s is one of the values the
// guard found clean before: tag keys and values, a role's name, come back
// on every call, and the detector gives the same answer for the same text,
// so each is scanned once per guard (up to the memo's bounds). The memo is
// read and written only when remember is set.
func (g *Guard) identifying(s string, remember bool) (sensitive.Finding, bool) {
	f, found, _ := g.identifyingSeen(s, remember)
	return f, found
}

// identifyingSeen is identifying, and whether the memo answered (s was
// found clean before).
func (g *Guard) identifyingSeen(s string, remember bool) (_ sensitive.Finding, found, seen bool) {
	if remember && g.cleanTexts.Has(s) {
		return sensitive.Finding{}, false, true
	}
	f, ok := g.s.Detector.First(s)
	if !ok {
		f, ok = g.escapedIdentifying(s)
	}
	if !ok && remember {
		g.cleanTexts.Add(s)
	}
	return f, ok, false
}

// escapedIdentifying runs the detector on what s reads as once its escapes
// are read, when it holds a backslash or a bracket: as a regular
// expression reads it (regexReading: jane\.doe@example\.com, jane\x40…,
// jane[@]… each match the address, and every reader of
// HPOObjective.MetricRegex reads it) and as a JSON string's content
// (jane\u0040example.com, in a value a reader decodes as JSON), the two
// in turn while a reading changes the text, up to maxReadings times, as
// the data plane reads its strings (reviews of the control plane: each
// went out). Text without either byte, nearly all, costs two searches.
func (g *Guard) escapedIdentifying(s string) (sensitive.Finding, bool) {
	if strings.IndexByte(s, '\\') < 0 && strings.IndexByte(s, '[') < 0 {
		return sensitive.Finding{}, false
	}
	for range maxReadings {
		r := regexReading(s)
		if r != s {
			if f, ok := g.s.Detector.First(r); ok {
				return f, true
			}
		}
		j := r
		if strings.IndexByte(r, '\\') >= 0 {
			j = string(jsonscan.UnescapeText(nil, r))
		}
		if j == s {
			break
		}
		if j != r {
			if f, ok := g.s.Detector.First(j); ok {
				return f, true
			}
		}
		s = j
	}
	return sensitive.Finding{}, false
}

// maxReadings bounds how many times escapedIdentifying reads a text again.
const maxReadings = 8

// regexReading returns the text a regular expression matches where its
// escapes and classes of one character fix it: an escape of punctuation
// (\. \@) is the character, \xHH, \x{H…}, \uHHHH, \UHHHHHHHH, an octal
// escape (\100, \o{100}) and \N{U+HHHH} the character they name, [c] and
// [\c] the one character, \Q…\E its text as written; an
// escape of a letter (\d, \w) is a class, kept as it is, and so is
// anything else.
func regexReading(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			n := s[i+1]
			switch {
			case n == 'Q':
				lit, skip := s[i+2:], len(s)-i // to the end, when no \E ends it
				if end := strings.Index(lit, `\E`); end >= 0 {
					lit, skip = lit[:end], end+4
				}
				b.WriteString(lit)
				i += skip
				continue
			case n == 'x' && i+2 < len(s) && s[i+2] == '{':
				if end := strings.IndexByte(s[i+3:], '}'); end > 0 {
					if r, ok := hexRune(s[i+3 : i+3+end]); ok {
						b.WriteRune(r)
						i += 4 + end
						continue
					}
				}
			case n == 'x' && i+4 <= len(s):
				if r, ok := hexRune(s[i+2 : i+4]); ok {
					b.WriteRune(r)
					i += 4
					continue
				}
			case n == 'u' && i+6 <= len(s):
				if r, ok := hexRune(s[i+2 : i+6]); ok {
					b.WriteRune(r)
					i += 6
					continue
				}
			case n == 'U' && i+10 <= len(s):
				if r, ok := hexRune(s[i+2 : i+10]); ok {
					b.WriteRune(r)
					i += 10
					continue
				}
			case n >= '0' && n <= '7':
				// An octal escape, one to three digits (\100 is '@').
				j := i + 1
				var r rune
				for ; j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7'; j++ {
					r = r<<3 | rune(s[j]-'0')
				}
				b.WriteRune(r)
				i = j
				continue
			case (n == 'o' || n == 'N') && i+2 < len(s) && s[i+2] == '{':
				// \o{100} and \N{U+0040}: octal, and a code point by number.
				if end := strings.IndexByte(s[i+3:], '}'); end > 0 {
					if r, ok := bracedRune(n, s[i+3:i+3+end]); ok {
						b.WriteRune(r)
						i += 4 + end
						continue
					}
				}
			case n < 0x80 && !asciiAlnum(n):
				b.WriteByte(n)
				i += 2
				continue
			}
		}
		if c == '[' && i+2 < len(s) {
			// A class of one character: [@], or [\.].
			if m := s[i+1]; s[i+2] == ']' && m < 0x80 && m != '^' && m != '\\' && m != ']' {
				b.WriteByte(m)
				i += 3
				continue
			}
			if m := s[i+2]; s[i+1] == '\\' && i+3 < len(s) && s[i+3] == ']' && m < 0x80 && !asciiAlnum(m) {
				b.WriteByte(m)
				i += 4
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// bracedRune reads the inside of \o{…} (octal digits) or \N{…} (U+ and hex
// digits) as a rune.
func bracedRune(kind byte, in string) (rune, bool) {
	if kind == 'N' {
		h, ok := strings.CutPrefix(in, "U+")
		if !ok {
			return 0, false
		}
		return hexRune(h)
	}
	return digitsRune(in, 8)
}

// hexRune reads h, one to eight hex digits, as a rune.
func hexRune(h string) (rune, bool) { return digitsRune(h, 16) }

// digitsRune reads one to eight digits of base as a rune that UTF-8 can
// hold.
func digitsRune(digits string, base int) (rune, bool) {
	if len(digits) == 0 || len(digits) > 8 {
		return 0, false
	}
	v, err := strconv.ParseUint(digits, base, 32) // no sign, prefix or '_' in a base given
	if err != nil || !utf8.ValidRune(rune(v)) {
		return 0, false
	}
	return rune(v), true
}

func asciiAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// recurs reports whether values under rule come back call after call, so
// that the per-guard memo of clean values should keep them: tag keys and
// values, role ARNs, event types. A new resource's name, a pagination token
// and the ARN of one resource among many are new on almost every call: they
// would fill the bounded memo with values never seen again, and the values
// that do recur would stop being remembered.
func recurs(rule fieldRule, sh *shape) bool {
	switch rule {
	case ruleResourceName, ruleToken:
		return false
	case ruleARN:
		return sh == shapeRoleArn
	}
	return true
}

// maxClean bounds the strings a call remembers as clean: enough for a
// name, its tags and its ARNs; the wire gate scans the rest again.
const maxClean = 32

// noteClean records, at the Initialize check, a string the detector found
// clean (in the state's own bytes: see check); checkedClean lets the wire
// gate skip the detector for the same string as sent. Any other string the gate meets, one a hook put in
// included, is scanned.
func (w *walker) noteClean(s string) {
	if w.st != nil && !w.wire && len(w.st.clean) < maxClean {
		w.st.clean = append(w.st.clean, s)
	}
}

func (w *walker) checkedClean(s string) bool {
	if w.st == nil || !w.wire {
		return false
	}
	// As passedBefore: the entry after the last one found first.
	st := w.st
	if i := w.cleanAt; i < len(st.clean) && st.clean[i] == s {
		w.cleanAt = i + 1
		return true
	}
	if i := slices.Index(st.clean, s); i >= 0 {
		w.cleanAt = i + 1
		return true
	}
	return false
}

// shapeFailure is the rule and reason of a value outside its shape: names
// and tags have rules of their own, whose reasons say the whole
// constraint; other fields say whether the length or the pattern failed.
func shapeFailure(r fieldRule, sh *shape, length bool) (rule, reason string) {
	switch r {
	case ruleResourceName:
		return RuleNamePattern, nameReason
	case ruleTagKey, ruleTagValue:
		return RuleTagLimits, tagReason
	}
	switch {
	case !length:
		return RulePattern, "does not match the API model's pattern for " + sh.name
	case sh.min > 0:
		return RuleFieldLength, "must be " + strconv.Itoa(sh.min) + "-" + strconv.Itoa(sh.max) + " characters (API model, " + sh.name + ")"
	}
	return RuleFieldLength, "must be at most " + strconv.Itoa(sh.max) + " characters (API model, " + sh.name + ")"
}

const (
	nameReason      = "must be 1-63 letters, digits, '-' or '_', starting with a letter or digit"
	tagReason       = "tag keys are 1-128 and values 0-256 letters, digits, spaces or _.:/=+-@"
	sensitiveReason = "identifying values must not go into names, tags or other free-form fields: AWS keeps them in billing and diagnostic logs and in CloudTrail"
)

func (w *walker) fail(rule, reason string) error {
	return w.failAt(w.path(), rule, reason)
}

func (w *walker) failAt(field, rule, reason string) error {
	return w.g.violation(w.ctx, w.st, &SafeguardError{Operation: opName(w.ctx, w.st), Field: field, Rule: rule, Reason: reason})
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// avroKeyword reports whether key is an Avro attribute name, which the path
// may show; any other key is the caller's own and shows as "*".
func avroKeyword(key string) bool {
	switch key {
	case "type", "name", "namespace", "doc", "fields", "symbols", "items", "values", "aliases", "default", "order", "size", "logicalType":
		return true
	}
	return false
}

// checkSchema checks every key, string and number of CreateSchema's Avro
// document — record, field and enum names, docs, defaults and custom
// attributes all end up in Personalize's logs — so that what is checked is
// exactly what is sent: a duplicate key, which a map decoder would silently
// collapse, text after the document, an escape, or a number written as
// 4539703692581474.0 cannot hide a value. The detector reads the raw text
// once; the token walk checks the structure and reads only what differs from
// the raw text (decoded escapes, the digits of numbers). A clean schema takes
// one pass that keeps no path (cleanSchema); the path-keeping walk runs only
// to name the field of a finding.
func (w *walker) checkSchema(s string) error {
	if w.st != nil && w.wire && s == w.st.schema && s != "" {
		return nil // the Initialize check read these very bytes
	}
	if !shapeAvroSchema.fits(s) {
		return w.fail(RuleFieldLength, "schemas are at most 20000 characters")
	}
	// The structure first (a document the guard cannot read is refused as
	// such), then the detector over the raw text, then a repeated key: a
	// value's own rule says more than the key it hides behind.
	// The field's path is formatted only for a schema that fails.
	var sw schemaWalker
	var quoted jsonscan.Quoted // zero unless clean
	var clean bool
	// The clean read also notes whether a field's default is one the join
	// of checkSchemaDefaults may make a finding of.
	var defaults schemaDefaults
	defaults.anyValue = w.g.keywords.HasRules()
	if w.st != nil && !w.wire {
		// The clean read also writes the schema as the SDK will serialize
		// it, for the wire gate's comparison (see walkWireStruct), into a
		// buffer the pooled state keeps.
		w.st.schemaQuoted = jsonscan.Quoted{} // its buffer is about to be reused
		quoted, w.st.schemaBuf, clean = cleanSchemaQuoted(w.st.schemaBuf, s, w.g.s.Detector, &defaults)
	} else {
		clean = cleanSchema(s, w.g.s.Detector, &defaults)
	}
	if !clean {
		sw = schemaWalker{w: w, base: w.path(), at: -1}
		if err := sw.run(s); err != nil {
			return err
		}
	}
	if f, ok := w.g.s.Detector.First(s); ok {
		loc := schemaWalker{w: w, base: w.path(), at: f.Start}
		if err := w.failAt(loc.locate(s), RuleSensitivePrefix+string(f.Kind), sensitiveReason); err != nil {
			return err
		}
	}
	// A schema the clean read refused has no say from it: the search of
	// mayHaveScalarDefault decides.
	if err := w.checkSchemaDefaults(s, clean && !defaults.matter); err != nil {
		return err
	}
	if sw.dup != "" {
		if err := w.failAt(sw.dup, RuleSchemaJSON, "the schema repeats a key; readers disagree on which value counts"); err != nil {
			return err
		}
	}
	if w.st != nil && !w.wire {
		w.st.schema, w.st.schemaQuoted = w.st.own(s), quoted
	}
	return nil
}

// cleanSchema reports whether the schema walk would find nothing in s: one
// JSON document, no repeated key, no decoded text or number form the
// detector flags. It keeps no path, so a clean schema, the usual case, costs
// little more than the scan (jsonscan.DocumentDefaults, which reads the document in
// one loop); for any other, the walk runs again to name the field and the
// rule.
//
// With defaults, it also notes in it whether s has a default the join of
// checkSchemaDefaults may make a finding of (meaningful only when s is
// clean).
func cleanSchema(s string, det *sensitive.Detector, defaults *schemaDefaults) bool {
	var digits [48]byte
	return jsonscan.DocumentDefaults(s, schemaVisit(det, &digits), defaults.note())
}

// cleanSchemaQuoted is cleanSchema that also writes s as a JSON string's
// content, as the SDK serializes it (jsonscan.DocumentQuotedDefaults), into buf's
// capacity.
func cleanSchemaQuoted(buf []byte, s string, det *sensitive.Detector, defaults *schemaDefaults) (jsonscan.Quoted, []byte, bool) {
	var digits [48]byte
	return jsonscan.DocumentQuotedDefaults(buf, s, schemaVisit(det, &digits), defaults.note())
}

// schemaVisit is cleanSchema's test of each decoded key or string and
// each number.
func schemaVisit(det *sensitive.Detector, digits *[48]byte) func(string, bool) bool {
	return func(text string, number bool) bool {
		if !number {
			_, found := det.First(text) // an escaped key or string, decoded
			return !found
		}
		for _, form := range jsontext.NumberForms(text, digits) {
			if _, found := det.First(form); found {
				return false
			}
		}
		return true
	}
}

// hasKey reports whether keys holds key. Most keys of an object differ in
// length or first byte, which it compares before the text.
func hasKey(keys []string, key string) bool {
	for _, k := range keys {
		if len(k) == len(key) && (len(k) == 0 || k[0] == key[0]) && k == key {
			return true
		}
	}
	return false
}

// schemaWalker reads one schema document. Its path is kept per depth and
// formatted only when a token fails.
type schemaWalker struct {
	w     *walker
	base  string
	arr   [jsonscan.MaxDepth + 1]bool   // per depth: an array (else an object)
	segs  [jsonscan.MaxDepth + 1]string // per depth in objects: the current key's keyword, or "*"
	idx   [jsonscan.MaxDepth + 1]int    // per depth in arrays: the current index
	start [jsonscan.MaxDepth + 1]int    // per depth: where its object's keys begin among the open objects' keys
	at    int                           // locate: the offset of a finding in the raw text; -1 to check
	found string                        // locate: the path of the token at at
	dup   string                        // the path of the first repeated key
}

// errLocated ends a locating walk.
var errLocated error = schemaStop{}

// locate returns the path of the token that holds offset at of s, or of the
// last token before it.
func (sw *schemaWalker) locate(s string) string {
	sw.found = sw.base
	if err := sw.walk(s); err != errLocated {
		return sw.base // after the document, or where it stops parsing
	}
	return sw.found
}

func (sw *schemaWalker) path(depth int) string {
	var b strings.Builder
	b.WriteString(sw.base)
	for d := 1; d <= depth; d++ {
		switch {
		case sw.arr[d]:
			b.WriteString("[" + strconv.Itoa(sw.idx[d]) + "]")
		case sw.segs[d] != "":
			b.WriteString("." + sw.segs[d])
		}
	}
	return b.String()
}

func (sw *schemaWalker) fail(depth int, rule, reason string) error {
	return sw.w.failAt(sw.path(depth), rule, reason)
}

func (sw *schemaWalker) syntax(depth int, reason string) error {
	if err := sw.fail(depth, RuleSchemaJSON, reason); err != nil {
		return err
	}
	return errSchemaStop
}

// errSchemaStop ends a walk after a syntax error that report-only mode has
// recorded: the scanner cannot go on.
type schemaStop struct{}

func (schemaStop) Error() string { return "schema walk stopped" }

var errSchemaStop error = schemaStop{}

func (sw *schemaWalker) run(s string) error {
	err := sw.walk(s)
	if err == errSchemaStop {
		return nil
	}
	return err
}

func (sw *schemaWalker) walk(s string) error {
	var sc jsonscan.Scanner
	sc.Reset(s)
	var digits [48]byte
	// The keys of the open objects, for duplicates. A local, never stored
	// in sw, so that the buffer holds a usual schema's keys on the stack.
	var keyBuf [64]string
	keys := keyBuf[:0]
	for {
		k, err := sc.Next()
		if err != nil {
			reason := "the schema is not a single JSON document"
			if se, ok := err.(*jsonscan.SyntaxError); ok && se.Reason == "nested too deeply" {
				reason = "the schema nests too deeply"
				sw.advance(sc.Depth()) // name the value that could not open
			}
			return sw.syntax(sc.Depth(), reason)
		}
		d := sc.Depth()
		switch k {
		case jsonscan.End:
			return nil
		case jsonscan.BeginObject:
			sw.advance(d - 1)
			sw.arr[d], sw.segs[d], sw.start[d] = false, "", len(keys)
		case jsonscan.BeginArray:
			sw.advance(d - 1)
			sw.arr[d], sw.idx[d] = true, -1
		case jsonscan.EndObject:
			keys = keys[:sw.start[d+1]]
		case jsonscan.Key:
			key := sc.Text()
			sw.segs[d] = "*"
			if avroKeyword(key) {
				sw.segs[d] = key
			}
			if sw.at >= 0 {
				break
			}
			if sc.Escaped() {
				if err := sw.text(d, key); err != nil {
					return err
				}
			}
			if sw.dup == "" && hasKey(keys[sw.start[d]:], key) {
				sw.dup = sw.path(d)
			}
			keys = append(keys, key)
		case jsonscan.String:
			sw.advance(d)
			if sc.Escaped() && sw.at < 0 {
				// The detector read the raw text; this reads what a
				// reader decodes.
				if err := sw.text(d, sc.Text()); err != nil {
					return err
				}
			}
		case jsonscan.Number:
			sw.advance(d)
			if sw.at < 0 {
				if err := sw.number(d, sc.Raw(), &digits); err != nil {
					return err
				}
			}
		case jsonscan.Literal:
			sw.advance(d)
		}
		if sw.at >= 0 && k != jsonscan.EndObject && k != jsonscan.EndArray {
			sw.found = sw.path(d)
			if sc.Offset()+len(sc.Raw()) > sw.at {
				return errLocated
			}
		}
	}
}

// number checks the digits a number spells where they differ from its raw
// text: its integer value, and its significant digits in a row.
func (sw *schemaWalker) number(d int, raw string, buf *[48]byte) error {
	for _, digits := range jsontext.NumberForms(raw, buf) {
		// Rare in schemas (defaults, sizes), so the copy is cheap.
		if err := sw.text(d, digits); err != nil {
			return err
		}
	}
	return nil
}

// advance moves an array's index on when a value starts inside it.
func (sw *schemaWalker) advance(d int) {
	if d >= 1 && sw.arr[d] {
		sw.idx[d]++
	}
}

func (sw *schemaWalker) text(depth int, s string) error {
	if f, ok := sw.w.g.s.Detector.First(s); ok {
		return sw.fail(depth, RuleSensitivePrefix+string(f.Kind), sensitiveReason)
	}
	return nil
}

// handleContent checks every string of the input (PersonalizeGuard:
// FieldContent): sensitive values in free-form fields, and the model's
// constraints on every member. The wire gate applies the same rules to the
// serialized body.
func (g *Guard) handleContent(ctx context.Context, st *callState, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	op, err := g.operation(ctx, st, in.Parameters)
	if err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	if in.Parameters != nil {
		var err error
		if st != nil {
			// The call's own walker: one check per call, done before the
			// call goes on, so it needs none from the pool.
			w := &st.walker
			w.start(g, ctx, st, false, "")
			err = w.walkInput(op, in.Parameters)
			w.drop()
		} else {
			w := newWalkerState(g, ctx, st, false, "")
			err = w.walkInput(op, in.Parameters)
			w.release()
		}
		if err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
		st.act(actedContent)
	}
	return next.HandleInitialize(ctx, in)
}

// violation enforces a content or posture rule, or, in report-only mode,
// records it for the audit event of st, the call's state, which the caller
// holds (nil when the audit middleware did not run), and lets the call go
// on. Transport rules do not come through here: they always enforce.
func (g *Guard) violation(ctx context.Context, st *callState, err *SafeguardError) error {
	if ended := guarderr.Ended(ctx, err); ended != nil {
		return ended // the caller gave up: no refusal, in report-only mode either
	}
	if !g.s.InsecureReportOnly {
		return err
	}
	return g.violationOn(st, err)
}

// violationOn is violation for a caller that holds the call's state, st
// (nil when the audit middleware did not run).
func (g *Guard) violationOn(st *callState, err *SafeguardError) error {
	if !g.s.InsecureReportOnly {
		return err
	}
	if st != nil {
		// Under the lock: two sends of one attempt can report at once.
		g.reportMu.Lock()
		st.reported = guarderr.Reported(st.reported, err)
		g.reportMu.Unlock()
	}
	return nil
}
