// Package jsonscan is a strict, allocation-free JSON tokenizer for the
// guard's checks: the serialized request body at the wire gate, the Avro
// schema of CreateSchema, and any other JSON-bearing field.
//
// It exists because the checks need three things encoding/json does not give
// together: every token in document order with its exact bytes (so nothing a
// reader would see escapes the check), no allocation per token (the wire
// check runs on every call), and errors that never quote the input (they end
// up in logs). It accepts exactly RFC 8259 JSON: one value, optional
// surrounding white space, valid UTF-8 inside strings, at most [MaxDepth]
// nested containers.
package jsonscan

import (
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of objects and arrays. Personalize's inputs
// nest about eight levels; Avro schemas rarely more than twenty.
const MaxDepth = 64

// Kind is the kind of a token.
type Kind uint8

// Token kinds.
const (
	Invalid     Kind = iota
	BeginObject      // {
	EndObject        // }
	BeginArray       // [
	EndArray         // ]
	Key              // an object member's name
	String           // a string value
	Number           // a number value
	Literal          // true, false or null
	End              // the end of the document
)

var kindNames = [...]string{"invalid", "begin-object", "end-object", "begin-array", "end-array", "key", "string", "number", "literal", "end"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// SyntaxError reports malformed JSON. It carries a byte offset and a fixed
// reason, never the input.
type SyntaxError struct {
	Offset int
	Reason string
}

func (e *SyntaxError) Error() string {
	return "jsonscan: " + e.Reason + " at offset " + strconv.Itoa(e.Offset)
}

type state uint8

const (
	stValue      state = iota // a value must follow
	stValueOrEnd              // after '[': a value or ']'
	stKeyOrEnd                // after '{': a key or '}'
	stKey                     // after ',' in an object
	stColon                   // after a key
	stCommaOrEnd              // after a value inside a container
	stDone                    // the top-level value is complete
)

// Scanner tokenizes one document. The zero value is not usable; call
// [Scanner.Reset]. A Scanner is small enough to live on the stack.
type Scanner struct {
	data       string
	pos        int
	state      state
	depth      int
	stack      [MaxDepth]byte // '{' or '[' per open container
	start, end int            // the current token's bytes (strings: inside the quotes)
	escaped    bool           // the current string holds backslash escapes
}

// Reset starts scanning data.
func (s *Scanner) Reset(data string) {
	*s = Scanner{data: data}
}

// Depth is the number of containers open after the current token.
func (s *Scanner) Depth() int { return s.depth }

// Raw returns the current token's text: a string's or key's content as
// written between its quotes, escapes included; a number's or literal's text.
// It is a substring of the input, so it costs no allocation.
func (s *Scanner) Raw() string { return s.data[s.start:s.end] }

// Escaped reports whether the current string or key holds escapes, so that
// [Scanner.Text] must decode it.
func (s *Scanner) Escaped() bool { return s.escaped }

// Offset is the byte offset of the current token.
func (s *Scanner) Offset() int { return s.start }

func (s *Scanner) fail(reason string) (Kind, error) {
	return Invalid, &SyntaxError{Offset: s.pos, Reason: reason}
}

// Next returns the next token. After End or an error it keeps returning the
// same.
func (s *Scanner) Next() (Kind, error) {
	// A loop rather than recursion steps over ':' and ','.
	d := s.data
	for {
		i := s.pos
		if i < len(d) && d[i] <= ' ' {
			i = skipSpace(d, i)
			s.pos = i
		}
		if i >= len(d) {
			if s.state == stDone {
				return End, nil
			}
			return s.fail("unexpected end of input")
		}
		c := d[i]
		kind := String
		switch s.state {
		case stValue, stValueOrEnd:
			if c != '"' {
				switch {
				case c == '{' || c == '[':
					return s.open(c)
				case c == ']' && s.state == stValueOrEnd:
					return s.close(EndArray)
				}
				return s.value(c)
			}
		case stKeyOrEnd, stKey:
			if c == '}' && s.state == stKeyOrEnd {
				return s.close(EndObject)
			}
			if c != '"' {
				return s.fail("expected a member name")
			}
			kind = Key
		case stDone:
			return s.fail("text after the document")
		case stColon:
			if c != ':' {
				return s.fail("expected ':'")
			}
			s.pos++
			s.state = stValue
			continue
		case stCommaOrEnd:
			top := s.stack[s.depth-1]
			switch {
			case c == ',':
				s.pos++
				if top == '{' {
					s.state = stKey
				} else {
					s.state = stValue
				}
				continue
			case c == '}' && top == '{':
				return s.close(EndObject)
			case c == ']' && top == '[':
				return s.close(EndArray)
			}
			return s.fail("expected ',' or the end of the container")
		}
		// A key or a string value. Most are plain: when the first byte
		// that needs a look is the closing quote, the string is settled
		// here, eight bytes at a time, without a call. A word costs this
		// loop about 32 instructions and stringEndFrom, which also tracks
		// escapes and multi-byte characters, about 50: so the loop has no
		// bound, and an ARN or a long plain text is settled here too.
		j, end := i+1, -1
		k := j
		for ; k+8 <= len(d); k += 8 {
			if m := special(load64(d, k)); m != 0 {
				if e := k + bits.TrailingZeros64(m)>>3; d[e] == '"' {
					end = e
				}
				break
			}
		}
		// Else the string is read on from k, not from its start: every
		// byte from j to k is plain ASCII (special flags the bytes from
		// 0x80 up too), which stringEnd would step over as they are.
		if end >= 0 {
			s.start, s.end, s.pos, s.escaped = j, end, end+1, false
		} else if err := s.scanStringFrom(k); err != nil {
			return Invalid, err
		}
		if kind == Key {
			// The colon nearly always follows at once: take it now.
			if s.pos < len(d) && d[s.pos] == ':' {
				s.pos++
				s.state = stValue
			} else {
				s.state = stColon
			}
			return Key, nil
		}
		s.afterValue()
		return String, nil
	}
}

// shortWords bounds plainEnd's look for a plain string's end (the
// document walk's): a string it cannot settle is scanned again from its
// start by stringEnd, so the bound keeps that second read short.
const shortWords = 6

func skipSpace(d string, i int) int {
	for i < len(d) && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r') {
		i++
	}
	return i
}

// open and close read a container's bracket: small enough to be inlined
// in Next, which reads one for each object and list of a body.
func (s *Scanner) open(c byte) (Kind, error) {
	if s.depth == MaxDepth {
		return s.fail("nested too deeply")
	}
	s.stack[s.depth] = c
	s.depth++
	s.start = s.pos
	s.pos++
	s.end = s.pos
	if c == '{' {
		s.state = stKeyOrEnd
		return BeginObject, nil
	}
	s.state = stValueOrEnd
	return BeginArray, nil
}

// close's k is the token, EndObject or EndArray, the caller found.
func (s *Scanner) close(k Kind) (Kind, error) {
	s.start = s.pos
	s.pos++
	s.end = s.pos
	s.depth--
	s.afterValue()
	return k, nil
}

// afterValue sets the state after a complete value. A ',' that follows at
// once is taken now, saving the next call a round through the states; the
// states it leads to are the ones the next call would have chosen.
func (s *Scanner) afterValue() {
	if s.depth == 0 {
		s.state = stDone
		return
	}
	if s.pos < len(s.data) && s.data[s.pos] == ',' {
		s.pos++
		if s.stack[s.depth-1] == '{' {
			s.state = stKey
		} else {
			s.state = stValue
		}
		return
	}
	s.state = stCommaOrEnd
}

func (s *Scanner) value(c byte) (Kind, error) {
	switch c {
	case '{', '[':
		return s.open(c)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if err := s.scanNumber(); err != nil {
			return Invalid, err
		}
		s.afterValue()
		return Number, nil
	case 't', 'n':
		// Compared four bytes at once.
		if len(s.data)-s.pos >= 4 && (s.data[s.pos:s.pos+4] == "true" || s.data[s.pos:s.pos+4] == "null") {
			return s.literal(4)
		}
	case 'f':
		if len(s.data)-s.pos >= 5 && s.data[s.pos:s.pos+5] == "false" {
			return s.literal(5)
		}
	}
	return s.fail("expected a value")
}

func (s *Scanner) literal(n int) (Kind, error) {
	s.start, s.end = s.pos, s.pos+n
	s.pos += n
	s.afterValue()
	return Literal, nil
}

// scanStringFrom reads the string whose opening quote is at s.pos, from
// its byte at, all of whose bytes before at are plain ASCII.
func (s *Scanner) scanStringFrom(at int) error {
	// On an error s.pos stays at the opening quote, so Next fails the same
	// way again.
	end, escaped, err := stringEndFrom(s.data, s.pos+1, at)
	if err != nil {
		return err
	}
	s.start, s.end, s.pos, s.escaped = s.pos+1, end, end+1, escaped
	return nil
}

// stringEnd reads the string of d whose opening quote is at i, and returns
// the offset of its closing quote and whether it holds escapes.
func stringEnd(d string, i int) (end int, escaped bool, err error) {
	return stringEndFrom(d, i+1, i+1)
}

// stringEndFrom is stringEnd for the string whose content starts at start,
// read from i on: the bytes from start to i are plain ASCII, no quote,
// backslash, control character or byte from 0x80 up.
func stringEndFrom(d string, start, i int) (end int, escaped bool, err error) {
	// high flags bytes of multi-byte sequences until the first one is
	// seen; after that the whole string is validated at its end.
	high := uint64(hi)
	for {
		// Eight bytes at a time while they are plain; i lands on the first
		// byte that needs a look.
		var c byte
		if i+8 <= len(d) {
			x := load64(d, i)
			q, b := byteIs(x, '"'), byteIs(x, '\\')
			m := q | b | other(x, high) // special(x), the high bytes as high says
			if m == 0 {
				i += 8
				continue
			}
			// An escaped JSON document (a properties member) holds an
			// escaped quote in nearly every word. When each backslash of
			// the eight is one of an escaped quote, they are all settled
			// at once, rather than each in a round of the loop.
			if b != 0 && b&(b<<8) == 0 {
				after := b << 8 // the bytes after each backslash, in the word
				next := i + 8
				if b>>56 != 0 { // the last byte's quote is the next word's first
					if next >= len(d) || d[next] != '"' {
						after = ^uint64(0) // not this way
					}
					next++
				}
				if after&^q == 0 {
					if m &^= b | after; m == 0 {
						escaped, i = true, next
						continue
					}
					// Else the first byte left needs a look, and the
					// escapes before it are settled.
					escaped = escaped || b&(m&-m-1) != 0
				}
			}
			i += bits.TrailingZeros64(m) >> 3
			c = d[i]
		} else {
			for i < len(d) && plain[d[i]] {
				i++
			}
			if i >= len(d) {
				break
			}
			c = d[i]
		}
		switch {
		case c == '"':
			if high == 0 && !utf8.ValidString(d[start:i]) {
				return 0, false, &SyntaxError{Offset: start, Reason: "string is not valid UTF-8"}
			}
			return i, escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(d) {
				return 0, false, &SyntaxError{Offset: i, Reason: "unterminated escape"}
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !hex4(d[i+2:i+6]) {
					return 0, false, &SyntaxError{Offset: i, Reason: "invalid \\u escape"}
				}
				n := surrogateEscape(d[i:])
				if n < 0 {
					return 0, false, &SyntaxError{Offset: i, Reason: "unpaired surrogate in a \\u escape"}
				}
				i += n
			default:
				return 0, false, &SyntaxError{Offset: i, Reason: "invalid escape"}
			}
		case c < 0x20:
			return 0, false, &SyntaxError{Offset: i, Reason: "control character in string"}
		default: // the first byte of a multi-byte sequence
			high = 0
			i++
		}
	}
	return 0, false, &SyntaxError{Offset: start, Reason: "unterminated string"}
}

const (
	lo = 0x0101010101010101
	hi = 0x8080808080808080
)

// special returns the high bit of each byte of x that is '"', '\\', a
// control character or at least 0x80. The sums work on each byte's low
// seven bits, so they never carry into the next byte and every flag is
// exact. (A byte from 0x80 up is flagged by its own high bit, so the
// flags of the sums need not be cleared for it.)
func special(x uint64) uint64 {
	v := x &^ hi
	notCtl := v + lo*(0x80-0x20)       // bit 7: at least 0x20
	notQuote := (v ^ lo*'"') + lo*0x7f // bit 7: not '"'
	notBack := (v ^ lo*'\\') + lo*0x7f // bit 7: not '\\'
	return (^(notCtl & notQuote & notBack) | x) & hi
}

// specialWith is special with its constants passed: those of
// specialWords, which a loop reads once and keeps in registers, where
// the compiler writes a constant again at each use. (special itself
// written as a call of it, its constants passed, made document's loop
// longer.)
func specialWith(x, low7, ctl, quote, back, high uint64) uint64 {
	v := x & low7
	notCtl := v + ctl              // bit 7: at least 0x20
	notQuote := (v ^ quote) + low7 // bit 7: not '"'
	notBack := (v ^ back) + low7   // bit 7: not '\\'
	return (^(notCtl & notQuote & notBack) | x) & high
}

// byteIs returns the high bit of each byte of x that is c, exactly (the
// sum works on each byte's low seven bits, as in special).
func byteIs(x uint64, c byte) uint64 {
	v := x ^ lo*uint64(c)
	return ^((v&^hi + lo*0x7f) | v) & hi
}

// other is special(x), the high bytes as high says, but for '"' and '\\': the high bit of each
// byte of x that is a control character or, when high is set, at least
// 0x80.
func other(x, high uint64) uint64 {
	notCtl := x&^hi + lo*(0x80-0x20) // bit 7: the low seven bits are at least 0x20
	return (^notCtl&^x | x&high) & hi
}

// load64 reads eight bytes of s from i, little-endian; the compiler merges
// the loads into one.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// plain marks the bytes a string holds as they are: not '"', '\\', a
// control character or the start of a multi-byte sequence.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func (s *Scanner) scanNumber() error {
	end, err := numberEnd(s.data, s.pos)
	if err != nil {
		return err
	}
	s.start, s.pos, s.end = s.pos, end, end
	return nil
}

// numberEnd reads the number of d that starts at i and returns the offset
// just past it.
func numberEnd(d string, i int) (int, error) {
	at := i
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && d[i] >= '1' && d[i] <= '9':
		i = digits(d, i)
	default:
		return 0, &SyntaxError{Offset: at, Reason: "invalid number"}
	}
	if i < len(d) && d[i] == '.' {
		j := digits(d, i+1)
		if j == i+1 {
			return 0, &SyntaxError{Offset: at, Reason: "invalid number"}
		}
		i = j
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		j := digits(d, i)
		if j == i {
			return 0, &SyntaxError{Offset: at, Reason: "invalid number"}
		}
		i = j
	}
	return i, nil
}

func digits(d string, i int) int {
	for i < len(d) && d[i] >= '0' && d[i] <= '9' {
		i++
	}
	return i
}

func hex4(b string) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !isHex(c) {
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	}
	return rune(c - 'A' + 10)
}

// Text returns the current string's or key's decoded text: a substring of
// the input when it holds no escapes (no allocation), else the decoded form.
// A surrogate pair decodes to its character; a lone surrogate is a syntax
// error of Next.
func (s *Scanner) Text() string {
	if !s.escaped {
		return s.data[s.start:s.end]
	}
	return s.unescaped()
}

// unescaped is Text of a string with escapes, apart (and never inlined)
// so that Text, called for every key and string, is inlined.
//
//go:noinline
func (s *Scanner) unescaped() string {
	var buf [256]byte
	return string(Unescape(buf[:0], s.Raw()))
}

// Unescape appends the decoded form of a string's content (as between its
// quotes, already validated by a Scanner) to dst.
func Unescape(dst []byte, raw string) []byte {
	if cap(dst)-len(dst) < len(raw) {
		dst = append(make([]byte, 0, len(dst)+len(raw)), dst...)
	}
	for i := 0; i < len(raw); {
		// Copy the run up to the next escape in one go.
		j := strings.IndexByte(raw[i:], '\\')
		if j < 0 {
			return append(dst, raw[i:]...)
		}
		dst = append(dst, raw[i:i+j]...)
		var n int
		dst, n = unescapeOne(dst, raw[i+j:])
		i += j + n
	}
	return dst
}

// unescapeOne appends the decoding of the escape at the start of raw to
// dst and returns how many bytes of raw it took.
func unescapeOne(dst []byte, raw string) ([]byte, int) {
	switch raw[1] {
	case 'b':
		return append(dst, '\b'), 2
	case 'f':
		return append(dst, '\f'), 2
	case 'n':
		return append(dst, '\n'), 2
	case 'r':
		return append(dst, '\r'), 2
	case 't':
		return append(dst, '\t'), 2
	case 'u':
		r := u4(raw[2:])
		if utf16.IsSurrogate(r) {
			if len(raw) >= 12 && raw[6] == '\\' && raw[7] == 'u' {
				if r2 := utf16.DecodeRune(r, u4(raw[8:])); r2 != utf8.RuneError {
					return utf8.AppendRune(dst, r2), 12
				}
			}
			r = utf8.RuneError
		}
		return utf8.AppendRune(dst, r), 6
	default: // '"', '\\', '/'
		return append(dst, raw[1]), 2
	}
}

// surrogateEscape returns the length of the \u escape at the start of raw
// (its four digits already read as hex): 6, or 12 for a UTF-16 surrogate
// pair; -1 for a surrogate half without its other half. encoding/json reads
// a lone half as U+FFFD; a reader that keeps it in UTF-16 (Java's, say) or
// drops it reads other text, so a value around it would not be the one the
// detector read (jane.doe\ud800@example.com is an e-mail address once the
// half is dropped). No JSON encoder writes one from a Go string.
func surrogateEscape(raw string) int {
	r := u4(raw[2:])
	switch {
	case !utf16.IsSurrogate(r):
		return 6
	case r < 0xdc00 && len(raw) >= 12 && raw[6] == '\\' && raw[7] == 'u' && hex4(raw[8:12]):
		if r2 := u4(raw[8:]); r2 >= 0xdc00 && r2 <= 0xdfff {
			return 12
		}
	}
	return -1
}

func u4(b string) rune {
	return unhex(b[0])<<12 | unhex(b[1])<<8 | unhex(b[2])<<4 | unhex(b[3])
}

// Skip skips the rest of the value whose first token was just returned (a
// no-op for scalars).
func (s *Scanner) Skip(first Kind) error {
	if first != BeginObject && first != BeginArray {
		return nil
	}
	target := s.depth - 1
	for s.depth > target {
		if _, err := s.Next(); err != nil {
			return err
		}
	}
	return nil
}

// PlainKey is a member name that a JSON string holds as it is: every byte
// printable ASCII but '"' and '\\'. It is made by [NewPlainKey] and read
// with [Scanner.NextKeyIn].
type PlainKey struct {
	name string
	// first and last are the name's first and last eight bytes as load64
	// reads them (they overlap for a name of 9 to 15 bytes); for a
	// shorter name, first holds its bytes and mask their bits. NextKeyIn
	// compares a name in words, without a call.
	first, last, mask uint64
}

// NewPlainKey returns name as a PlainKey, and false when a JSON string
// cannot hold it as it is.
func NewPlainKey(name string) (PlainKey, bool) {
	for i := 0; i < len(name); i++ {
		if !plain[name[i]] {
			return PlainKey{}, false
		}
	}
	k := PlainKey{name: name}
	if len(name) >= 8 {
		k.first, k.last = load64(name, 0), load64(name, len(name)-8)
	} else {
		for i := len(name) - 1; i >= 0; i-- {
			k.first = k.first<<8 | uint64(name[i])
		}
		k.mask = 1<<(8*len(name)) - 1
	}
	return k, true
}

// NextKeyIn reads the next token, as [Scanner.Next] would, when it is a
// member name written exactly as one of keys from index from on, and
// returns that key's index; otherwise it returns -1 and leaves the scanner
// as it was. It reads only
// where a name starts at once, as [Scanner.NextStringIs] does. A key is
// plain, so the token ends at the quote after it and holds nothing Next
// refuses: the test of each key is one comparison of bytes, after one of
// the byte where its closing quote would be. At most one key matches: a
// plain key holds no quote, so two keys that both match would be equal.
func (s *Scanner) NextKeyIn(keys []PlainKey, from int) int {
	// stKeyOrEnd or stKey, adjacent: one comparison.
	if s.state-stKeyOrEnd > stKey-stKeyOrEnd {
		return -1
	}
	d, i := s.data, s.pos
	if i >= len(d) || d[i] != '"' {
		return -1
	}
	for j := max(from, 0); j < len(keys); j++ {
		k := &keys[j]
		n := len(k.name)
		end := i + 1 + n
		if end >= len(d) || d[end] != '"' {
			continue
		}
		// The name's bytes: in words where they fit (the closing quote
		// at end leaves room for a word from i+1 when n is 8 or more),
		// else a byte at a time; never through a call, so that NextKeyIn
		// is a leaf and needs no frame.
		var same bool
		switch {
		case n >= 8:
			same = load64(d, i+1) == k.first && load64(d, end-8) == k.last
			for p := 8; same && p < n-8; p += 8 { // the words between, of a name over 16 bytes
				same = load64(d, i+1+p) == load64(k.name, p)
			}
		case i+9 <= len(d):
			same = (load64(d, i+1)^k.first)&k.mask == 0
		default: // a short name at the end of the input
			same = true
			for p := 0; same && p < n; p++ {
				same = d[i+1+p] == k.name[p]
			}
		}
		if same {
			s.start, s.end, s.pos, s.escaped = i+1, end, end+1, false
			// As Next: the colon nearly always follows at once.
			if s.pos < len(d) && d[s.pos] == ':' {
				s.pos++
				s.state = stValue
			} else {
				s.state = stColon
			}
			return j
		}
	}
	return -1
}

// NextPlainString reads the next token, as [Scanner.Next] would, when it
// is a string value that starts at once and that Next settles in its first
// look, eight bytes at a time: a string with no escape, control character
// or byte from 0x80 up, with at least eight bytes of input after its
// opening quote. Otherwise it reports false and leaves the scanner as it
// was, for Next to read the token. It is Next's path for the string values
// of a body, without Next's look for white space, the end of the input,
// its states and its other kinds, whose branches every other token takes
// too: the wire gate reads a member's value with it.
func (s *Scanner) NextPlainString() bool {
	// stValue or stValueOrEnd, adjacent: one comparison.
	if s.state-stValue > stValueOrEnd-stValue {
		return false
	}
	d, i := s.data, s.pos
	if i >= len(d) || d[i] != '"' {
		return false
	}
	for k := i + 1; k+8 <= len(d); k += 8 {
		if m := special(load64(d, k)); m != 0 {
			e := k + bits.TrailingZeros64(m)>>3
			if d[e] != '"' {
				return false
			}
			s.start, s.end, s.pos, s.escaped = i+1, e, e+1, false
			s.afterValue()
			return true
		}
	}
	// The input ends within eight bytes of the last word read: its last
	// word, read from its end, overlaps the words before, whose bytes were
	// plain, so its first special byte is the string's first. (A body's
	// last member ends a few bytes before the input does.) Written out
	// here, not called: a call would give every string a frame.
	k := len(d) - 8
	if k <= i {
		return false // no word after the opening quote
	}
	if m := special(load64(d, k)); m != 0 {
		e := k + bits.TrailingZeros64(m)>>3
		if d[e] != '"' {
			return false
		}
		s.start, s.end, s.pos, s.escaped = i+1, e, e+1, false
		s.afterValue()
		return true
	}
	return false
}

// NextObjectEnd reads the next token, as [Scanner.Next] would, when it is
// the '}' that ends the current object, at once (after its last member's
// value, or its '{'), and reports whether it did; otherwise it leaves the
// scanner as it was, for Next to read the token. The wire gate reads each
// structure's end with it, where NextKeyIn found no member.
func (s *Scanner) NextObjectEnd() bool {
	if s.state != stCommaOrEnd && s.state != stKeyOrEnd || s.depth == 0 {
		return false
	}
	if s.pos >= len(s.data) || s.data[s.pos] != '}' || s.stack[s.depth-1] != '{' {
		return false
	}
	s.close(EndObject)
	return true
}

// NextOpen reads the next token, as [Scanner.Next] would, when it is a '{'
// or '[' that starts a value at once, and returns its kind, BeginObject or
// BeginArray; otherwise it returns Invalid and leaves the scanner as it
// was, for Next to read the token. The wire gate reads a body's first
// token and each object of a list with it: Next's look for white space,
// the end of the input and its other states is a dozen cache lines of
// code, which the SDK's code evicts between calls.
func (s *Scanner) NextOpen() Kind {
	// stValue or stValueOrEnd, adjacent: one comparison.
	if s.state-stValue > stValueOrEnd-stValue || s.pos >= len(s.data) || s.depth == MaxDepth {
		return Invalid
	}
	c := s.data[s.pos]
	if c != '{' && c != '[' {
		return Invalid
	}
	k, _ := s.open(c) // below MaxDepth: it does not fail
	return k
}

// NextArrayEnd is [Scanner.NextObjectEnd] for the ']' that ends the
// current list: the wire gate reads the end of each list with it.
func (s *Scanner) NextArrayEnd() bool {
	if s.state != stCommaOrEnd && s.state != stValueOrEnd || s.depth == 0 {
		return false
	}
	if s.pos >= len(s.data) || s.data[s.pos] != ']' || s.stack[s.depth-1] != '[' {
		return false
	}
	s.close(EndArray)
	return true
}

// AtEnd reports whether [Scanner.Next] would return End at once: the
// document is complete, with nothing after it, not even white space.
func (s *Scanner) AtEnd() bool { return s.state == stDone && s.pos >= len(s.data) }

// NextQuotedIs reads the next token, as [Scanner.Next] would, when it is a
// string value written exactly as q, and reports whether it did; its text
// is then the text q was made from. Otherwise it leaves the scanner as it
// was. It reads only where a value starts at once, as
// [Scanner.NextStringIs] does. q is a valid string's content by its
// making, so the token ends at the quote after it and holds nothing Next
// refuses: the test is one comparison of bytes.
func (s *Scanner) NextQuotedIs(q Quoted) bool {
	if q.raw == nil || s.state != stValue && s.state != stValueOrEnd {
		return false
	}
	d := s.data
	i := s.pos
	if i < len(d) && d[i] <= ' ' {
		i = skipSpace(d, i)
	}
	end := i + 1 + len(q.raw)
	if end >= len(d) || d[i] != '"' || d[end] != '"' || d[i+1:end] != string(q.raw) {
		return false
	}
	s.start, s.end, s.pos, s.escaped = i+1, end, end+1, q.escaped
	s.afterValue()
	return true
}

// NextStringIs reads the next token, as [Scanner.Next] would, when it is a
// string value whose decoded text is want, and reports whether it did.
// Otherwise it leaves the scanner as it was, for Next to read the token (and
// report a syntax error, if there is one). It reads only where a value
// starts at once: where Next would first step over a ':' or ',' that white
// space kept from the previous token (`"k" :`, `1 ,`), it reports false,
// which costs the caller only the slower path. It is the wire gate's test that a
// serialized value is the one checked before, in one pass over the raw text:
// it validates the string as Next does, decodes only its escapes, and
// compares the plain bytes between them with want eight at a time, where a
// scan followed by a comparison reads the text twice, a byte at a time.
func (s *Scanner) NextStringIs(want string) bool {
	if s.state != stValue && s.state != stValueOrEnd {
		return false
	}
	d := s.data
	i := s.pos
	if i < len(d) && d[i] <= ' ' {
		i = skipSpace(d, i)
	}
	if i >= len(d) || d[i] != '"' {
		return false
	}
	j, k := i+1, 0 // the next byte of d and of want
	escaped := false
	for {
		if j+8 <= len(d) {
			// The plain ASCII bytes of d's next eight, up to the first that
			// needs a look, are want's next bytes as they are.
			r := load64(d, j)
			t := 8
			if m := special(r); m != 0 {
				t = bits.TrailingZeros64(m) >> 3
			}
			if t > 0 {
				switch {
				case len(want)-k < t:
					return false
				case len(want)-k >= 8:
					if (load64(want, k)^r)&(^uint64(0)>>(64-8*t)) != 0 {
						return false
					}
				case d[j:j+t] != want[k:k+t]:
					return false
				}
				j, k = j+t, k+t
				if t == 8 {
					continue
				}
			}
		}
		if j >= len(d) {
			return false // unterminated
		}
		switch c := d[j]; {
		case c == '"':
			if k != len(want) {
				return false
			}
			s.start, s.end, s.pos, s.escaped = i+1, j, j+1, escaped
			s.afterValue()
			return true
		case c == '\\':
			escaped = true
			if j+1 >= len(d) {
				return false
			}
			switch e := d[j+1]; e {
			case '"', '\\', '/':
				if k >= len(want) || want[k] != e {
					return false
				}
				j, k = j+2, k+1
				continue
			case 'u':
				if j+6 > len(d) || !hex4(d[j+2:j+6]) || surrogateEscape(d[j:]) < 0 {
					return false // Next refuses it
				}
			case 'b', 'f', 'n', 'r', 't':
			default:
				return false
			}
			var buf [2 * utf8.UTFMax]byte
			dec, n := unescapeOne(buf[:0], d[j:])
			if len(want)-k < len(dec) || want[k:k+len(dec)] != string(dec) {
				return false
			}
			j, k = j+n, k+len(dec)
		case c < 0x20:
			return false // a control character: Next refuses it
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(d[j:])
			if r == utf8.RuneError && n <= 1 || len(want)-k < n || d[j:j+n] != want[k:k+n] {
				return false
			}
			j, k = j+n, k+n
		default: // a plain byte near the end of d
			if k >= len(want) || want[k] != c {
				return false
			}
			j, k = j+1, k+1
		}
	}
}

// OnlyQuotesEscaped reports whether every backslash of s is followed by a
// quote: for JSON text, whether its only escapes are \", as in a JSON
// document written inside a JSON string that escapes nothing itself. Eight
// bytes at a time, since such a document holds an escape in nearly every
// word.
func OnlyQuotesEscaped(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		b := byteIs(x, '\\')
		if b == 0 {
			continue
		}
		// The byte after each backslash, in this word; the last byte's is
		// the next word's first.
		if b>>56 != 0 && (i+8 == len(s) || s[i+8] != '"') {
			return false
		}
		if (b<<8)&^byteIs(x, '"') != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] == '\\' && (i+1 == len(s) || s[i+1] != '"') {
			return false
		}
	}
	return true
}
