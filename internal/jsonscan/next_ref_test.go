package jsonscan

import (
	"math/bits"
	"strings"
	"testing"
)

// nextRef is Next before it looked past a string's first eight bytes for
// its end, and before stringEnd settled escaped quotes a word at a time
// (commit d4878c5): a string it cannot settle in its first word is read by
// stringEndRef. Kept as the reference the new Next must match token by
// token, scanner state included.
func (s *Scanner) nextRef() (Kind, error) {
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
				if c == ']' && s.state == stValueOrEnd {
					return s.closeRef(c)
				}
				if c == '{' || c == '[' {
					return s.openRef(c)
				}
				return s.value(c)
			}
		case stKeyOrEnd, stKey:
			if c == '}' && s.state == stKeyOrEnd {
				return s.closeRef(c)
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
			case c == '}' && top == '{', c == ']' && top == '[':
				return s.closeRef(c)
			}
			return s.fail("expected ',' or the end of the container")
		}
		// A key or a string value. Most are short and plain: when the first
		// byte of the first eight that needs a look is the closing quote,
		// the string is settled here, without a call.
		j, end := i+1, -1
		if j+8 <= len(d) {
			if m := specialOld(load64(d, j), hi); m != 0 {
				if e := j + bits.TrailingZeros64(m)>>3; d[e] == '"' {
					end = e
				}
			}
		}
		if end >= 0 {
			s.start, s.end, s.pos, s.escaped = j, end, end+1, false
		} else if e, esc, err := stringEndRef(d, s.pos); err != nil {
			return Invalid, err
		} else {
			s.start, s.end, s.pos, s.escaped = s.pos+1, e, e+1, esc
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

// eachTokenBoth scans doc with Next and nextRef side by side and fails at
// the first token where they differ: kind, error, or any of the scanner's
// state.
func eachTokenBoth(t *testing.T, doc string) {
	t.Helper()
	var got, want Scanner
	got.Reset(doc)
	want.Reset(doc)
	for n := 0; n <= len(doc)+1; n++ {
		gk, gerr := got.Next()
		wk, werr := want.nextRef()
		if gk != wk || errString(gerr) != errString(werr) || got != want {
			t.Fatalf("token %d of %q: Next = %v, %v, scanner %+v; nextRef = %v, %v, scanner %+v", n, doc, gk, gerr, got, wk, werr, want)
		}
		if gerr != nil || gk == End {
			return
		}
	}
}

// openRef and closeRef are value's bracket case and close before Next
// read brackets with open and close, inlined.
func (s *Scanner) openRef(c byte) (Kind, error) {
	if s.depth == MaxDepth {
		return s.fail("nested too deeply")
	}
	s.stack[s.depth] = c
	s.depth++
	s.start, s.end = s.pos, s.pos+1
	s.pos++
	if c == '{' {
		s.state = stKeyOrEnd
		return BeginObject, nil
	}
	s.state = stValueOrEnd
	return BeginArray, nil
}

func (s *Scanner) closeRef(c byte) (Kind, error) {
	s.start, s.end = s.pos, s.pos+1
	s.pos++
	s.depth--
	s.afterValue()
	if c == '}' {
		return EndObject, nil
	}
	return EndArray, nil
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// nextLooks is how far the tests put the byte that ends Next's own look:
// past plainEnd's bound (shortWords), which Next once had too, and many
// words into a string, which Next now reads without a bound.
const nextLooks = 8*shortWords + 100

// nextDocs are documents whose strings end at every offset of the words
// Next looks through, with escapes, multi-byte characters and control
// characters after plain bytes of every length up to nextLooks.
func nextDocs() []string {
	docs := []string{
		`{"eventList":[{"eventType":"view","itemId":"item-1","properties":"{\"device\":\"mobile\",\"position\":0}","sentAt":1.7E9}],"sessionId":"web-session-1","trackingId":"4d9f2a6e-0c1b-4b8e-9a55-7f3c2d1e0a9b","userId":"u"}`,
		`["a"]`, `"x"`, `""`, `{"":""}`, `{"a" :"b" , "c":[1 ,"d"]}`, `"abc`, `"abcdefghij`, `{"k":"v"`,
		// Brackets: empty, nested, mismatched, misplaced, as deep as
		// allowed and one deeper.
		`{}`, `[]`, `[[]]`, `[{}]`, `{"a":{}}`, `{"a":[]}`, `[[],{}]`, `[}`, `{]`, `[1}`, `{"a":1]`, `{"a"}`,
		`[,]`, `]`, `}`, `[`, `{`, `[1,]`, `{"a":1,}`, `[] []`, `{"a":[1]]}`, `{ }`, `[ ]`, "[\n]",
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
		strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1),
		strings.Repeat(`{"a":`, MaxDepth) + "1" + strings.Repeat("}", MaxDepth),
		strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1),
	}
	for n := 0; n <= nextLooks; n++ {
		body := strings.Repeat("a", n)
		for _, tail := range []string{`"`, `\"x"`, "é\"", "\x01\"", `\u0041"`, "\xff\"", ``} {
			docs = append(docs, `["`+body+tail+`,"z"]`, `{"`+body+tail+`:1}`, `"`+body+tail)
		}
	}
	return docs
}

func TestNextMatchesRef(t *testing.T) {
	for _, doc := range nextDocs() {
		eachTokenBoth(t, doc)
	}
}

// FuzzNext holds Next to nextRef on any input.
func FuzzNext(f *testing.F) {
	for _, doc := range nextDocs() {
		f.Add(doc)
	}
	for _, d := range parityStrings() {
		f.Add(d.in)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		eachTokenBoth(t, doc)
	})
}
