package jsonscan

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The writing DocumentQuoted did until it read first and wrote after
// (document with a quoterOld's buffer, which wrote each string and the text
// before it as the read met them), kept as the reference its replacement
// (quoteAll after document) is held to.

// documentQuotedOld is DocumentQuoted as it was.
func documentQuotedOld(dst []byte, data string, visit func(s string, number bool) bool) (Quoted, []byte, bool) {
	q := newQuoterOld(dst, len(data))
	var ok bool
	if q.n, q.last, ok = documentOld(data, q.buf, visit); !ok {
		return Quoted{}, q.buf, false
	}
	q.structural(data, len(data))
	return Quoted{raw: q.quoted(), escaped: q.n != len(data)}, q.buf, true
}

// documentOld is document as it was: with a quoter's buffer qb it wrote data
// as a JSON string's content up to the last string as it read.
func documentOld(data string, qb []byte, visit func(s string, number bool) bool) (qn, ql int, ok bool) {
	return documentWalkRef(data, qb, visit, putShortOld, quoteStringOld)
}

// plainEnd returns the offset of the quote that ends the string whose
// bytes from k on are read, when it is within a few words and no byte

// quoterOld writes a document as a JSON string's content while document reads
// it: last is where the text not yet written starts, n how much of buf is
// written. buf is as long as the longest writing (every byte escaped, two
// bytes each) and 24 more, so that text is copied eight bytes at a time
// with one store, whose bytes past the text the next store overwrites.
type quoterOld struct {
	buf  []byte
	n    int
	last int
}

func newQuoterOld(dst []byte, size int) quoterOld {
	if need := 2*size + 24; cap(dst) < need {
		dst = make([]byte, need)
	}
	return quoterOld{buf: dst[:cap(dst)]}
}

// quoted returns what q wrote.
func (q *quoterOld) quoted() []byte { return q.buf[:q.n] }

// copy writes d[q.last:to] as it is.
func (q *quoterOld) copy(d string, to int) {
	from, n := q.last, q.n
	for ; from < to && from+8 <= len(d); from, n = from+8, n+8 {
		binary.LittleEndian.PutUint64(q.buf[n:n+8], load64(d, from))
	}
	if from < to {
		n += copy(q.buf[n:], d[from:to]) // the last bytes of d
	} else {
		n -= from - to // the last store's bytes past the text
	}
	q.last, q.n = to, n
}

// structural writes d[q.last:to], text between strings: structure, numbers,
// literals and white space, where tab, newline and carriage return (the
// only bytes below 0x20 a document holds outside strings) need escapes.
func (q *quoterOld) structural(d string, to int) {
	from := q.last
	if k := to - from; k < 8 && from+8 <= len(d) {
		// Usually a byte or a few (`:`, `,`, `:null,`): as they are,
		// unless they hold a control byte.
		if x := load64(d, from); other(x, 0)&(1<<(8*k)-1) == 0 {
			binary.LittleEndian.PutUint64(q.buf[q.n:q.n+8], x)
			q.last, q.n = to, q.n+k
			return
		}
	}
	for i := from; i < to; i++ {
		if d[i] < ' ' {
			q.escape(d, to)
			return
		}
	}
	q.copy(d, to)
}

// escape writes d[q.last:to] a byte at a time, each quote, backslash, tab,
// newline and carriage return escaped (a document holds no other byte
// below 0x20).
func (q *quoterOld) escape(d string, to int) {
	n := q.n
	for i := q.last; i < to; i++ {
		switch c := d[i]; c {
		case '"', '\\':
			q.buf[n], q.buf[n+1] = '\\', c
			n += 2
		case '\t':
			q.buf[n], q.buf[n+1] = '\\', 't'
			n += 2
		case '\n':
			q.buf[n], q.buf[n+1] = '\\', 'n'
			n += 2
		case '\r':
			q.buf[n], q.buf[n+1] = '\\', 'r'
			n += 2
		default:
			q.buf[n] = c
			n++
		}
	}
	q.last, q.n = to, n
}

// putShortOld writes at n of buf the usual string and the text before it:
// that text, k bytes (fewer than eight) at the start of y, then the
// string's content, c bytes (fewer than eight, no escapes) at the start of
// x, each followed by a backslash and a quote. Small enough to be inlined
// where document reads such a string; its caller checks the text needs
// no escapes.
func putShortOld(buf []byte, n int, y, x uint64, k, c int) int {
	b := buf[n : n+24]
	binary.LittleEndian.PutUint64(b[0:8], y)
	binary.LittleEndian.PutUint16(b[k:], '\\'|'"'<<8)
	binary.LittleEndian.PutUint64(b[k+2:], x)
	binary.LittleEndian.PutUint16(b[k+2+c:], '\\'|'"'<<8)
	return n + k + c + 4
}

// quoteStringOld writes the string whose quotes are at open and end of d, and
// the text before it from last, into buf from n, and returns where the
// writing ends. The usual string, after a few bytes of structure and
// without escapes, away from d's end, takes a store or two per eight bytes
// and no call; any other goes through a quoterOld.
func quoteStringOld(buf []byte, n int, d string, last, open, end int, escaped bool) int {
	if k := open - last; k < 8 && end+8 <= len(d) && !escaped {
		if x := load64(d, last); other(x, 0)&(1<<(8*k)-1) == 0 {
			binary.LittleEndian.PutUint64(buf[n:n+8], x)
			n += k
			binary.LittleEndian.PutUint16(buf[n:n+2], '\\'|'"'<<8)
			n += 2
			for from, at := open+1, n; from < end; from, at = from+8, at+8 {
				binary.LittleEndian.PutUint64(buf[at:at+8], load64(d, from))
			}
			n += end - open - 1
			binary.LittleEndian.PutUint16(buf[n:n+2], '\\'|'"'<<8)
			return n + 2
		}
	}
	q := quoterOld{buf: buf, n: n, last: last}
	q.structural(d, open)
	binary.LittleEndian.PutUint16(q.buf[q.n:q.n+2], '\\'|'"'<<8)
	q.n += 2
	q.last = open + 1
	if !escaped {
		q.copy(d, end)
	} else {
		q.escape(d, end) // its escapes, and the quotes they hold
	}
	binary.LittleEndian.PutUint16(q.buf[q.n:q.n+2], '\\'|'"'<<8)
	return q.n + 2
}

// checkQuotedOld holds DocumentQuoted to documentQuotedOld: the same
// verdict, visits, writing and escaped flag, from a dirty buffer too.
func checkQuotedOld(t *testing.T, data string) {
	t.Helper()
	type result struct {
		OK      bool
		Visits  []string
		Raw     string
		Escaped bool
	}
	run := func(read func([]byte, string, func(string, bool) bool) (Quoted, []byte, bool), dst []byte) result {
		var q Quoted
		ok, visits := visitsOf(func(v func(string, bool) bool) bool {
			var ok bool
			q, _, ok = read(dst, data, v)
			return ok
		})
		return result{ok, visits, string(q.raw), q.escaped}
	}
	want := run(documentQuotedOld, nil)
	for _, dst := range [][]byte{nil, bytes.Repeat([]byte{'\\'}, 2*len(data)+8)} {
		if diff := cmp.Diff(want, run(func(dst []byte, data string, visit func(string, bool) bool) (Quoted, []byte, bool) {
			return DocumentQuotedDefaults(dst, data, visit, nil)
		}, dst)); diff != "" {
			t.Fatalf("DocumentQuoted(%q) against the old writing (-want +got):\n%s", data, diff)
		}
	}
}

// TestQuoteAllEveryOffset writes documents of every length to 40 with
// each byte the writing escapes (a quote, a backslash in an escape, a tab,
// a newline, a carriage return) at every offset, in the words quoteAll
// stores whole and in its last bytes, alone and packed side by side, and
// holds the writing to the old one and to quoteRef.
func TestQuoteAllEveryOffset(t *testing.T) {
	for n := range 40 {
		for at := 0; at <= n; at++ {
			pad := func(k int) string { return strings.Repeat("a", k) }
			docs := []string{
				`"` + pad(at) + `\"` + pad(n-at) + `"`,
				`"` + pad(at) + `\\` + pad(n-at) + `"`,
				`"` + pad(at) + `\n` + pad(n-at) + `"`,
				"[" + strings.Repeat(" ", at) + "\t1\n" + strings.Repeat(" ", n-at) + "\r]",
				`[` + strings.Repeat(`"",`, at) + `""` + strings.Repeat(` `, n-at) + `]`,
				`{"` + pad(at) + `":"` + pad(n-at) + `"}`,
				`"` + pad(at) + `é\"\"\\` + pad(n-at) + `"`,
			}
			for _, doc := range docs {
				checkQuotedOld(t, doc)
				checkDocumentQuoted(t, doc)
			}
		}
	}
}

// TestQuoteStringWindow writes plain strings of every length to 60 (past
// the 48 bytes quoteString writes within its windows) after up to 9 bytes
// of structure (past the 8 it takes), as keys and values, with up to 70
// bytes of text after them (around the 64 bytes of d its window needs),
// and holds the writing to the old one and to quoteRef.
func TestQuoteStringWindow(t *testing.T) {
	for c := 0; c <= 60; c++ {
		str := strings.Repeat("s", c)
		for _, k := range []int{0, 1, 6, 7, 8, 9} {
			pre := strings.Repeat(" ", k)
			for _, after := range []int{0, 1, 30, 45, 50, 55, 60, 63, 64, 70} {
				tail := strings.Repeat(" ", after)
				for _, doc := range []string{
					`[1,` + pre + `"` + str + `"` + tail + `]`,
					`{"a":1,` + pre + `"` + str + `":0` + tail + `}`,
					`{"a":` + pre + `"` + str + `","b":"` + str + `"` + tail + `}`,
				} {
					checkQuotedOld(t, doc)
					checkDocumentQuoted(t, doc)
				}
			}
		}
	}
}
