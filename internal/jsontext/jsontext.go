// Package jsontext reads the text a JSON value carries — every string,
// every member name, every number in each form a reader may take it in —
// so that every guard hands the detector the same strings for the same
// JSON.
package jsontext

import (
	"bytes"
	"errors"
	"iter"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// ErrSyntax is returned when the value is not well-formed JSON.
var ErrSyntax = errors.New("jsontext: not one JSON value")

// EachText calls text with every string and member name of the value whose
// first token k was just read from sc, and with every number's raw text and
// its NumberForms, and leaves sc after the value. It stops at text's first
// error.
func EachText(sc *jsonscan.Scanner, k jsonscan.Kind, text func(string) error) error {
	return eachNamedText(sc, k, "", NumberForms, func(_ string, _ []string, s string) error { return text(s) })
}

// EachDataText is EachText for a value that is data, an event's or an
// item's, whose numbers are values (see DataNumberForms).
func EachDataText(sc *jsonscan.Scanner, k jsonscan.Kind, text func(string) error) error {
	return eachNamedText(sc, k, "", DataNumberForms, func(_ string, _ []string, s string) error { return text(s) })
}

// EachNamedText is EachText for readers that also read a value after its
// name (see Named): text gets each member name with name "" and, as
// ancestors, the names its object and the containers holding it stand
// under; and each string, number and number form with the member name
// it stands under, which is name for the value itself and the elements of
// an array, and inside an object the last member name read; and with its
// ancestors, the names the containers holding it stand under, outermost
// first ({"ssn":{"us":{"value":"123456789"}}} given under "x": name
// "value", ancestors "x", "ssn", "us"), "" for a container that stands
// under none. The slice is the walk's own: read it before text returns.
func EachNamedText(sc *jsonscan.Scanner, k jsonscan.Kind, name string, text func(name string, ancestors []string, s string) error) error {
	return eachNamedText(sc, k, name, NumberForms, text)
}

// EachNamedDataText is EachNamedText for a value that is data (see
// EachDataText).
func EachNamedDataText(sc *jsonscan.Scanner, k jsonscan.Kind, name string, text func(name string, ancestors []string, s string) error) error {
	return eachNamedText(sc, k, name, DataNumberForms, text)
}

// numberForms is NumberForms or DataNumberForms.
type numberForms func(raw string, buf *[48]byte) []string

func eachNamedText(sc *jsonscan.Scanner, k jsonscan.Kind, name string, forms numberForms, text func(name string, ancestors []string, s string) error) error {
	if k != jsonscan.BeginObject && k != jsonscan.BeginArray {
		// A properties document's values are scalars: no stack of names.
		return namedScalar(sc, k, name, nil, forms, text)
	}
	depth := sc.Depth() - 1
	// outer[d] is the name the container opened at depth d stands under,
	// given back when it ends: the elements of an array after an object
	// in it stand under the array's name, not the object's last member's.
	// Sixteen levels on the stack; a deeper document grows the slice, so
	// that a name put below them is still read (red18).
	var buf [16]string
	outer := buf[:]
	for {
		switch k {
		case jsonscan.BeginObject, jsonscan.BeginArray:
			d := sc.Depth() - depth - 1
			for d >= len(outer) {
				outer = append(outer, "")
			}
			outer[d] = name
		case jsonscan.EndObject, jsonscan.EndArray:
			if d := sc.Depth() - depth; d < len(outer) {
				name = outer[d]
			}
		case jsonscan.Key:
			// A name is data too ({"ssn":{"123456789":true}}): given
			// with the names its object stands under, as the object's
			// values are (red18), and name "", which marks it a name.
			name = sc.Text()
			if err := text("", outer[:min(sc.Depth()-depth, len(outer))], name); err != nil {
				return err
			}
		default:
			d := min(sc.Depth()-depth, len(outer))
			if err := namedScalar(sc, k, name, outer[:d], forms, text); err != nil {
				return err
			}
		}
		if sc.Depth() == depth {
			return nil
		}
		var err error
		if k, err = sc.Next(); err != nil {
			return ErrSyntax
		}
	}
}

// namedScalar is EachNamedText for the string or number sc has just read
// (nothing for a literal).
func namedScalar(sc *jsonscan.Scanner, k jsonscan.Kind, name string, ancestors []string, forms numberForms, text func(name string, ancestors []string, s string) error) error {
	switch k {
	case jsonscan.String:
		return text(name, ancestors, sc.Text())
	case jsonscan.Number:
		if err := text(name, ancestors, sc.Raw()); err != nil {
			return err
		}
		var buf [48]byte
		for _, digits := range forms(sc.Raw(), &buf) {
			if err := text(name, ancestors, digits); err != nil {
				return err
			}
		}
	}
	return nil
}

// ScanNamed is what a reader of EachNamedText does with each text: scan
// it alone, then after the name it stands under and after its parent's
// (pair, which joins them with Named), so that the two guards' walks read
// a document the same way.
func ScanNamed(scan func(s string) error, pair func(name, value string) error, name string, ancestors []string, s string) error {
	if err := scan(s); err != nil {
		return err
	}
	if err := pair(name, s); err != nil {
		return err
	}
	return eachAncestor(name, ancestors, func(a string) error { return pair(a, s) })
}

// eachAncestor calls f with each name of ancestors, nearest first, but ""
// and name, each once: the names a value is read after besides its own.
func eachAncestor(name string, ancestors []string, f func(string) error) error {
	for i := len(ancestors) - 1; i >= 0; i-- {
		a := ancestors[i]
		if a == "" || a == name || slices.Contains(ancestors[i+1:], a) {
			continue
		}
		if err := f(a); err != nil {
			return err
		}
	}
	return nil
}

// NumberForms returns the forms of a JSON number a reader may take for an
// identifying value, beyond its raw text: its integer digits
// (4539703692581474.0) and its significant digits (0.4111111111111111,
// 4111111111111111e-16). For a number where no number is data (a schema's,
// a value a hook wrote where the model has a string), so that no digits
// hide in one; data's numbers are read by DataNumberForms.
func NumberForms(raw string, buf *[48]byte) []string {
	if shortNumber(raw) {
		return nil // DataNumberForms's answer too: asked once
	}
	out := dataNumberForms(raw, buf)
	if n := jsonscan.Significand(buf[:0], raw); len(n) >= 8 && string(n) != raw && (len(out) == 0 || string(n) != out[0]) {
		out = append(out, string(n))
	}
	return out
}

// DataNumberForms returns the forms of a number that is data (an event's
// value, a property of an event, an item or a user) beyond its raw text:
// its integer digits (4539703692581474.0, 4.539703692581474e15), which any
// reader takes for its value, and not its significant digits. Computed
// values carry sixteen or seventeen of those (0.3888888888888889 is 7/18,
// 12.100000000000001 is 11 x 1.1), and read as a card number they passed
// Luhn and an issuer's range for 2.7% of random fractions and 0.7% of
// prices: every such event refused, where a card written as a fraction is
// no one's mistake.
func DataNumberForms(raw string, buf *[48]byte) []string {
	if shortNumber(raw) {
		return nil
	}
	return dataNumberForms(raw, buf)
}

// shortNumber reports whether raw is shorter than any identifying number,
// with no exponent to make it longer (42e14 is a card number): it has no
// forms.
func shortNumber(raw string) bool {
	if len(raw) >= 8 {
		return false
	}
	for i := 0; i < len(raw); i++ {
		if raw[i]|0x20 == 'e' { // 'e' or 'E': no other byte maps there
			return false
		}
	}
	return true
}

// dataNumberForms is DataNumberForms of a number that is not short.
func dataNumberForms(raw string, buf *[48]byte) []string {
	n, ok := jsonscan.IntegerDigits(buf[:0], raw)
	if !ok || string(n) == raw {
		return nil
	}
	out := []string{string(n)}
	if strings.ContainsAny(raw, ".eE") && len(jsonscan.Significand(buf[:0], raw)) > 15 {
		// A reader parses the number to a float64, which rounds: with
		// sixteen digits or more, 4539703692581473.99999999 is read as
		// 4539703692581474 (red18). Fewer cannot reach the next integer.
		if r := roundedDigits(raw, buf); r != "" && r != out[0] {
			out = append(out, r)
		}
	}
	return out
}

// roundedDigits returns the integer digits of raw's float64 value, without
// sign, or "" when it has none to read.
func roundedDigits(raw string, buf *[48]byte) string {
	f, err := strconv.ParseFloat(raw, 64)
	if f = math.Abs(f); err != nil || f < 1 || f >= 1e40 {
		return ""
	}
	b := strconv.AppendFloat(buf[:0], f, 'f', -1, 64)
	if i := bytes.IndexByte(b, '.'); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// Named returns the text to scan for value as given under name (a
// property's name, a map's or a tag's key), and whether it needs a scan of
// its own. The detector finds an account number, a bare SSN, a 13-digit
// card or a secret key only after its keyword ("acct = 912803456"), and
// where names and values are scanned apart the keyword is the name
// ({"accountNumber":"912803456"}). NameSep joins them. Only a value with
// six digits (the shortest account number) or forty bytes (a secret key)
// can be one of those, and only a name the detector takes for a keyword
// makes it one (sensitive.Detector.IsKeyword: "orderId" and "timestamp" do
// not); for any other pair Named returns false and allocates nothing. A
// detector with caller rules may match anything (sensitive.Detector.HasRules),
// so with one every value but "" is joined.
func Named(k KeywordTest, name, value string) (string, bool) {
	if name == "" || value == "" {
		return "", false
	}
	if !k.HasRules() && (!NameMatters(value) || !k.IsKeyword(name)) {
		return "", false
	}
	return name + NameSep + value, true
}

// EachNamed calls scan with each text to read for value given under name:
// the join Named makes, and, when it makes one, the name joined again to
// the value from each later run of digits on. The detector finds a
// keyword's number only next to the keyword: one after other text (an
// account's "gold 912803456", a filter's "gold","912803456", a categorical
// gold|912803456, x:123456789) is read after the name too, in a window that
// holds any identifying number with its separators (numberWindow), so that
// a long value costs linear time.
func EachNamed(k KeywordTest, name, value string, scan func(text string) error) error {
	text, ok := Named(k, name, value)
	if !ok {
		return nil
	}
	if err := scan(text); err != nil {
		return err
	}
	for i, end := range LaterDigitRuns(value) {
		if err := scan(name + NameSep + value[i:end]); err != nil {
			return err
		}
	}
	return nil
}

// LaterDigitRuns yields the start and end of the text to read again after
// a name from each run of digits in value but one at its start (which the
// join of the whole value reads): from the run's first digit, at most
// numberWindow bytes, ending on a rune's start.
func LaterDigitRuns(value string) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		prevDigit := true // no run starts at 0
		for i, r := range value {
			digit := unicode.IsDigit(r)
			if digit && !prevDigit {
				end := min(i+numberWindow, len(value))
				for end < len(value) && end > i+1 && !utf8.RuneStart(value[end]) {
					end--
				}
				if !yield(i, end) {
					return
				}
			}
			prevDigit = digit
		}
	}
}

// numberWindow bounds the text EachNamed reads after a name from a run of
// digits: a card of 19 full-width digits (three bytes each) with its
// separators.
const numberWindow = 96

// NameSep is what Named puts between a name and its value, and what
// sensitive.Detector.IsKeyword reads after a name: no digit of the name runs
// on into the value's, since '=' separates no numeric kind's groups (": "
// would make "+1 212" and "555 0187" one phone), and the detector reads after
// it what a value may go on with after its name's keyword
// ({"account":"No. 912803456"}), where after " is " it reads no "No.",
// "Number" or "ID".
const NameSep = " = "

// NameMatters reports whether value is one that Named joins to its name: one
// with six digits or forty bytes. Readers that build the join in a buffer of
// their own (a CSV cell after its column's name) ask it first.
func NameMatters[T string | []byte](value T) bool {
	return len(value) >= 40 || sixDigits(value)
}

// sixDigits reports whether s holds at least six ASCII digits or bytes of
// multi-byte characters: the detector reads full-width and other scripts'
// digits as digits.
func sixDigits[T string | []byte](s T) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' || c >= 0x80 {
			if n++; n == 6 {
				return true
			}
		}
	}
	return false
}

// KeywordTest answers sensitive.Detector.IsKeyword and HasRules: a
// *sensitive.Detector, or a *Keywords that remembers its answers.
type KeywordTest interface {
	IsKeyword(name string) bool
	HasRules() bool
}

// maxKeywords bounds a Keywords memo: property names, tag keys and headers
// are few; past this many, hostile or not, the detector is asked again.
const maxKeywords = 512

// Keywords is a detector's IsKeyword with a memo of the names it was
// asked about: a guard meets the same property names, tag keys and header
// names on every call, and the detector's look at a name costs about as
// much as scanning a short value. Safe for concurrent use; reads take no
// lock, and the memo is replaced, never changed.
type Keywords struct {
	det  *sensitive.Detector
	mu   sync.Mutex
	seen atomic.Pointer[map[string]bool]
}

// NewKeywords returns a memo of det's answers (nil det: sensitive.Default).
func NewKeywords(det *sensitive.Detector) *Keywords {
	if det == nil {
		det = sensitive.Default()
	}
	return &Keywords{det: det}
}

// HasRules is the detector's HasRules.
func (k *Keywords) HasRules() bool { return k.det.HasRules() }

// IsKeyword is the detector's IsKeyword(name), remembered.
func (k *Keywords) IsKeyword(name string) bool {
	if m := k.seen.Load(); m != nil {
		if is, ok := (*m)[name]; ok {
			return is
		}
	}
	is := k.det.IsKeyword(name)
	k.mu.Lock()
	defer k.mu.Unlock()
	old := k.seen.Load()
	if old == nil || len(*old) < maxKeywords {
		m := make(map[string]bool, 1+lenOf(old))
		if old != nil {
			maps.Copy(m, *old)
		}
		m[strings.Clone(name)] = is
		k.seen.Store(&m)
	}
	return is
}

func lenOf(m *map[string]bool) int {
	if m == nil {
		return 0
	}
	return len(*m)
}
