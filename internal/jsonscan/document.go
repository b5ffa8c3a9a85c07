package jsonscan

import (
	"encoding/binary"
	"math/bits"
)

// DocumentDefaults reports whether data is one JSON document that a [Scanner]
// reads to its end without an error, and in which no object repeats a key
// (compared as decoded). It calls visit with the decoded text of every key
// and string value that holds escapes (number false) and with the text of
// every number (number true), in document order; a visit that returns false
// ends the read, and DocumentDefaults returns false.
//
// It is the Scanner's grammar in one loop, for a check that needs only a
// verdict: the read's state stays in locals instead of the Scanner's
// fields, and nothing is handed out per token. On a schema-like document it
// takes 1.2-1.6 times less time than a loop over Next that does not even
// track keys (BenchmarkDocument, 4 runs of 200ms: 7.9-10.5 us against
// 12.3-12.5 us). Data longer than 2 GiB is refused (see maxDocument).
//
// It also calls def, when not nil, with
// the value of every member named "default" (its key compared as decoded)
// that is a string (decoded, number false) or a number (its text, number
// true), in document order: an Avro field's default, which the schema
// check reads again after the field's name. The calls mean something only
// when DocumentDefaults returns true: a document it refuses may have made
// some, before or after the error.
func DocumentDefaults(data string, visit func(s string, number bool) bool, def func(value string, number bool)) bool {
	if len(data) > maxDocument {
		return false
	}
	return document(data, nil, visit, def)
}

// maxDocument bounds the documents DocumentDefaults reads: keyList keeps a key's
// offsets in 31 bits each. (Personalize's longest JSON field, a schema, is
// 20000 characters.)
const maxDocument = 1 << 31

// Quoted is the content of a JSON string (the text between its quotes)
// that decodes to a known text: made by [DocumentQuotedDefaults], compared with
// [Scanner.NextQuotedIs]. Its fields are unexported so that no other text
// can pass for one.
type Quoted struct {
	raw     []byte
	escaped bool // raw holds a backslash
}

// IsZero reports whether q is the zero Quoted, which no string matches.
func (q Quoted) IsZero() bool { return q.raw == nil }

// DocumentQuotedDefaults is [DocumentDefaults] that also returns data written as a JSON
// string's content, as the SDK's serializer writes it: a backslash before each
// quote and backslash, tab, newline and carriage return as \t, \n and \r,
// every other byte as it is (the serializer also escapes U+2028 and U+2029:
// the writing of a document that holds them is not the SDK's). The read stops at every quote anyway, so the
// writing costs a few stores per string; the wire gate then proves the
// serialized schema equal to the checked one with one comparison of bytes
// instead of a decoding pass over them. dst's capacity is reused. When
// data is not a clean document (or is longer than DocumentDefaults reads), it
// returns false and a zero Quoted. The
// Quoted holds the returned buffer: it is valid until that is reused.
func DocumentQuotedDefaults(dst []byte, data string, visit func(s string, number bool) bool, def func(value string, number bool)) (Quoted, []byte, bool) {
	if len(data) > maxDocument {
		return Quoted{}, dst, false
	}
	q := newQuoter(dst, len(data))
	var ok bool
	if ok = document(data, &q, visit, def); !ok {
		return Quoted{}, q.buf, false
	}
	q.structural(data, len(data))
	// Every escape adds a byte.
	return Quoted{raw: q.quoted(), escaped: q.n != len(data)}, q.buf, true
}

// document is DocumentDefaults that, with a quoter q (see newQuoter), also writes
// data as a JSON string's content into q's buffer up to the last string
// (q.n bytes, up to q.last in data).
//
// The loop's state is more than the registers hold: the writing's state
// (q) and the keys (keyList) stay in memory, each use one load or store,
// and the usual string and key, plain and settled within 48 bytes, are
// read, deduplicated and written in the loop while readKey and the
// string's slower path read any other, so that the values they need do
// not crowd the usual case's.
func document(data string, q *quoter, visit func(s string, number bool) bool, def func(value string, number bool)) bool {
	d := data
	i, depth := 0, 0
	// '{' or '[' per open container, at its depth (from 1); stack[0], no
	// container, stands for the document's top level, so that a comma
	// there needs no test of depth.
	var stack [depthMask + 1]byte
	// The keys of the open objects: start[depth] is where the innermost
	// one's begin, seen[depth] a one-word filter of them, so that most
	// keys are not compared at all. Both are indexed by depth&depthMask,
	// depth itself (at most MaxDepth), so that the compiler checks no
	// bound in the key path.
	var start [depthMask + 1]int32
	var seen [depthMask + 1]uint64
	// Kept in memory, as the writing's state is (see quoter): the
	// compiler has too few registers for the loop's state.
	var kl keyList
	ks := &kl

value:
	if uint(i) >= uint(len(d)) {
		return false
	}
	if d[i] <= ' ' {
		if i = q.skipSpace(d, i); i >= len(d) {
			return false
		}
	}
	switch c := d[i]; c {
	case '"':
		// Most strings are settled by their first eight bytes: those
		// hold the closing quote and nothing else to look at.
		if j := i + 1; j+8 <= len(d) {
			x := load64(d, j)
			if m := special(x); m != 0 {
				if e := j + bits.TrailingZeros64(m)>>3; d[e] == '"' {
					if q != nil {
						if k := i - q.last; k < 8 && !q.ctl {
							q.n = putShort(q.buf, q.n, load64(d, q.last), x, k, e-j)
						} else {
							q.quoteString(d, i, e, false)
						}
						q.last = e + 1
					}
					i = e + 1
					goto after
				}
			} else if k := i - q.lastOr(i); q != nil && k < 8 && !q.ctl && i+65 <= len(d) && q.n+80 <= len(q.buf) {
				// A longer plain string (a doc, a namespace), written as
				// it is read.
				if e, n := putLong(q.buf, q.n, d, load64(d, q.last), k, i); e >= 0 {
					q.n, q.last = n, e+1
					i = e + 1
					goto after
				}
			} else if e := plainEnd(d, j+8); e >= 0 {
				if q != nil {
					q.quoteString(d, i, e, false)
					q.last = e + 1
				}
				i = e + 1
				goto after
			}
		}
		end, escaped, err := stringEnd(d, i)
		if err != nil || escaped && !visit(decode(d[i+1:end]), false) {
			return false
		}
		if q != nil {
			q.quoteString(d, i, end, escaped)
			q.last = end + 1
		}
		i = end + 1
		goto after
	case '{', '[':
		if depth == MaxDepth {
			return false
		}
		depth++
		stack[depth&depthMask] = c
		if i++; uint(i) < uint(len(d)) && d[i] <= ' ' {
			i = q.skipSpace(d, i)
		}
		if c == '{' {
			start[depth&depthMask], seen[depth&depthMask] = int32(ks.n), 0
			if uint(i) < uint(len(d)) && d[i] == '}' {
				ks.n = int(start[depth&depthMask])
				depth--
				i++
				goto after
			}
			goto key
		}
		if uint(i) < uint(len(d)) && d[i] == ']' {
			depth--
			i++
			goto after
		}
		goto value
	case 't', 'n':
		if len(d)-i >= 4 && (d[i:i+4] == "true" || d[i:i+4] == "null") {
			i += 4
			goto after
		}
		return false
	case 'f':
		if len(d)-i >= 5 && d[i:i+5] == "false" {
			i += 5
			goto after
		}
		return false
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		end, err := numberEnd(d, i)
		if err != nil || !visit(d[i:end], true) {
			return false
		}
		i = end
		goto after
	}
	return false

key:
	if uint(i) >= uint(len(d)) || d[i] != '"' {
		if uint(i) < uint(len(d)) && d[i] <= ' ' {
			i = q.skipSpace(d, i)
		}
		if uint(i) >= uint(len(d)) || d[i] != '"' {
			return false
		}
	}
	// The usual key: plain, its closing quote within its first eight
	// bytes, written after fewer than eight bytes of structure without a
	// control byte. Any other is read by readKey, apart, so that its
	// state does not crowd this loop's registers.
	if j := i + 1; j+8 <= len(d) {
		x := load64(d, j)
		if m := special(x); m != 0 {
			if e := j + bits.TrailingZeros64(m)>>3; d[e] == '"' {
				c := e - j
				bit := uint64(1) << (wordHash(x&lowBytes(c)) & 63) // keyHash(d[j:e])
				if seen[depth&depthMask]&bit != 0 && ks.has(d, int(start[depth&depthMask]), d[j:e]) {
					return false
				}
				seen[depth&depthMask] |= bit
				ks.add(j, e)
				// One comparison of the word read: "default" and its
				// closing quote. A null, true or false default, an
				// object's or a list's, is no string or number.
				if x == defaultKey && def != nil && e+2 < len(d) && (d[e+1] != ':' || !literalOrContainer(d[e+2])) {
					noteDefault(d, e+1, def)
				}
				if q != nil {
					if k := i - q.last; k < 8 && !q.ctl {
						q.n = putShort(q.buf, q.n, load64(d, q.last), x, k, e-j)
					} else {
						q.quoteString(d, i, e, false)
					}
					q.last = e + 1
				}
				i = e + 1
				goto colon
			}
		} else {
			// A longer plain key (a custom attribute's name), written
			// first: a repeat ends the walk, and the writing with it.
			e := -1
			if k := i - q.lastOr(i); q != nil && k < 8 && !q.ctl && i+65 <= len(d) && q.n+80 <= len(q.buf) {
				var n int
				if e, n = putLong(q.buf, q.n, d, load64(d, q.last), k, i); e >= 0 {
					q.n, q.last = n, e+1
				}
			} else if e = plainEnd(d, j+8); e >= 0 && q != nil {
				q.quoteString(d, i, e, false)
				q.last = e + 1
			}
			if e >= 0 {
				key := d[j:e]
				bit := uint64(1) << (keyHash(key) & 63)
				if seen[depth&depthMask]&bit != 0 && ks.has(d, int(start[depth&depthMask]), key) {
					return false
				}
				seen[depth&depthMask] |= bit
				ks.add(j, e)
				i = e + 1
				goto colon
			}
		}
	}
	if i = readKey(d, i, q, ks, &seen[depth&depthMask], int(start[depth&depthMask]), visit, def); i < 0 {
		return false
	}

colon:
	if uint(i) < uint(len(d)) && d[i] == ':' {
		i++
		goto value
	}
	if i = q.skipSpace(d, i); uint(i) < uint(len(d)) && d[i] == ':' {
		i++
		goto value
	}
	return false

after:
	// The usual case first: a comma, at once.
	if uint(i) < uint(len(d)) && d[i] == ',' {
		switch stack[depth&depthMask] {
		case '{':
			i++
			goto key
		case '[':
			i++
			goto value
		}
		return false // a comma after the document
	}
	if uint(i) < uint(len(d)) && d[i] <= ' ' {
		i = q.skipSpace(d, i)
	}
	if depth == 0 {
		return i == len(d)
	}
	if uint(i) >= uint(len(d)) {
		return false
	}
	switch c, top := d[i], stack[depth&depthMask]; {
	case c == ',':
		i++
		if top == '{' {
			goto key
		}
		goto value
	case c == '}' && top == '{':
		ks.close(int(start[depth&depthMask]))
		fallthrough
	case c == ']' && top == '[':
		depth--
		i++
		goto after
	}
	return false
}

// depthMask bounds a depth for the compiler: a mask of ones, above
// MaxDepth.
const depthMask = 2*MaxDepth - 1

// skipSpace is skipSpace that, for a writing (q not nil), notes in q.ctl
// whether the white space holds a byte other than a space: a tab, newline
// or carriage return, which the writing escapes, so that until the next
// string is written quoteString writes the text before it.
func (q *quoter) skipSpace(d string, i int) int {
	j := skipSpace(d, i)
	if q != nil && !q.ctl {
		for ; i < j; i++ {
			if d[i] != ' ' {
				q.ctl = true
				break
			}
		}
	}
	return j
}

// quoteString writes, through quoteString, the string whose quotes are
// at open and end of d and the text before it since q.last, which may
// hold control bytes.
func (q *quoter) quoteString(d string, open, end int, escaped bool) {
	q.n, q.ctl = quoteString(q.buf, q.n, d, q.last, open, end, escaped), false
}

// plainEnd returns the offset of the quote that ends the string whose
// bytes from k on are read, when it is within a few words and no byte
// before it needs a look (an escape, a control or non-ASCII byte); else -1,
// and stringEnd reads the string. It spares the usual longer string (a
// doc, a namespace) a call.
func plainEnd(d string, k int) int {
	for end := k + 8*(shortWords-1); k+8 <= len(d) && k < end; k += 8 {
		if m := special(load64(d, k)); m != 0 {
			if e := k + bits.TrailingZeros64(m)>>3; d[e] == '"' {
				return e
			}
			return -1
		}
	}
	return -1
}

// decode returns the decoded text of a string's content that holds escapes.
func decode(raw string) string {
	var buf [256]byte
	return string(Unescape(buf[:0], raw))
}

// keyHash mixes a key's length and its first and last bytes, which tell
// apart the keys of a usual object: equal keys always share a filter bit,
// and different ones seldom do.
//
// A key of fewer than eight bytes is mixed whole, as wordHash of its bytes,
// so that the usual key's hash is made from the word document read it
// from.
func keyHash(key string) uint {
	if len(key) < 8 {
		var w uint64
		for i := len(key) - 1; i >= 0; i-- {
			w = w<<8 | uint64(key[i])
		}
		return wordHash(w)
	}
	return uint(len(key))*7 + uint(key[0])*3 + uint(key[len(key)-1])
}

// wordHash mixes the bytes of a short key, as load64 reads them with the
// bytes past the key cleared, into the top six bits of a product.
func wordHash(w uint64) uint {
	return uint(w * 0x9e3779b97f4a7c15 >> 58)
}

// readKey reads the key whose opening quote is at i of d, as document
// does (the decoded text of one with escapes to visit, a repeat among the
// innermost object's keys, from, refused; seen is that object's filter),
// keeps it in ks, writes it through q, and returns the offset after it;
// -1 when it does not read, repeats a key or visit refuses it.
func readKey(d string, i int, q *quoter, ks *keyList, seen *uint64, from int, visit func(s string, number bool) bool, def func(value string, number bool)) int {
	end, escaped := -1, false
	if j := i + 1; j+8 <= len(d) {
		end = plainEnd(d, j)
	}
	if end < 0 {
		var err error
		if end, escaped, err = stringEnd(d, i); err != nil {
			return -1
		}
	}
	key := d[i+1 : end]
	if escaped {
		key = decode(key)
		if !visit(key, false) {
			return -1
		}
	}
	bit := uint64(1) << (keyHash(key) & 63)
	if *seen&bit != 0 && ks.has(d, from, key) {
		return -1
	}
	*seen |= bit
	if escaped {
		ks.addDecoded(key)
	} else {
		ks.add(i+1, end)
	}
	if key == "default" && def != nil {
		noteDefault(d, end+1, def)
	}
	if q != nil {
		if k, c := i-q.last, end-i-1; k < 8 && !q.ctl && !escaped && c < 48 && i+65 <= len(d) && q.n+80 <= len(q.buf) {
			q.n = putWindow(q.buf, q.n, d, load64(d, q.last), k, i, c)
		} else {
			q.quoteString(d, i, end, escaped)
		}
		q.last = end + 1
	}
	return end + 1
}

// defaultKey is `default"` as load64 reads it: the word after the opening
// quote of the key "default" written plainly.
const defaultKey = uint64('d') | uint64('e')<<8 | uint64('f')<<16 | uint64('a')<<24 |
	uint64('u')<<32 | uint64('l')<<40 | uint64('t')<<48 | uint64('"')<<56

// literalOrContainer reports whether a value that starts with c is no
// string or number, if it is a value at all.
func literalOrContainer(c byte) bool {
	return c == 'n' || c == 't' || c == 'f' || c == '{' || c == '['
}

// noteDefault calls def with the value after the key "default" whose
// closing quote is just before i of d, when it is a string (decoded) or a
// number. It reads ahead of the walk, which validates the value in its
// turn: a value that does not read here is skipped, and the walk refuses
// the document.
func noteDefault(d string, i int, def func(value string, number bool)) {
	i = skipSpace(d, i)
	if i >= len(d) || d[i] != ':' {
		return
	}
	if i = skipSpace(d, i+1); i >= len(d) {
		return
	}
	switch c := d[i]; {
	case c == '"':
		end, escaped, err := stringEnd(d, i)
		if err != nil {
			return
		}
		if v := d[i+1 : end]; !escaped {
			def(v, false)
		} else {
			def(decode(v), false)
		}
	case c == '-' || c >= '0' && c <= '9':
		if end, err := numberEnd(d, i); err == nil {
			def(d[i:end], true)
		}
	}
}

// keyList holds the keys of a document's open objects, by where they are:
// a key's span of the document (start | end<<32) or, for a key with
// escapes, decodedKey and its index among the decoded keys. The list
// stays on its walk's stack. The first spans and decoded keys are kept in
// arrays, and an object's are dropped when it closes, so that a walk allocates for its keys no more than their decoded
// texts of two bytes or more, and a slice past 64 open keys or 32 decoded
// ones, as the walk that kept its keys in a [32]string did.
type keyList struct {
	n           int        // the keys of the open objects
	spans       [64]uint64 // the first ones
	more        []uint64   // the others
	nd          int        // the decoded keys of the open objects
	decoded     [32]string // the first ones
	moreDecoded []string   // the others
}

const decodedKey = 1 << 63

// add keeps the plain key whose quotes are at start-1 and end of the
// document.
func (ks *keyList) add(start, end int) {
	ks.push(uint64(start) | uint64(end)<<32)
}

// addDecoded keeps a key with escapes, decoded as key.
func (ks *keyList) addDecoded(key string) {
	if ks.nd < len(ks.decoded) {
		ks.decoded[ks.nd] = key
	} else {
		if ks.moreDecoded == nil {
			ks.moreDecoded = make([]string, 0, len(ks.decoded))
		}
		ks.moreDecoded = append(ks.moreDecoded[:ks.nd-len(ks.decoded)], key)
	}
	ks.push(decodedKey | uint64(ks.nd))
	ks.nd++
}

// push keeps a key's span.
func (ks *keyList) push(span uint64) {
	if ks.n < len(ks.spans) {
		ks.spans[ks.n] = span
	} else {
		ks.pushMore(span)
	}
	ks.n++
}

// pushMore keeps a span past the first 64.
func (ks *keyList) pushMore(span uint64) {
	if ks.more == nil {
		ks.more = make([]uint64, 0, len(ks.spans)) // one allocation for the next 64
	}
	ks.more = append(ks.more[:ks.n-len(ks.spans)], span)
}

// span returns the k-th key's span.
func (ks *keyList) span(k int) uint64 {
	if k < len(ks.spans) {
		return ks.spans[k]
	}
	return ks.more[k-len(ks.spans)]
}

// close drops the keys from from on, the innermost object's, and the
// decoded keys among them: the last decoded ones, from the first of them
// on.
func (ks *keyList) close(from int) {
	if ks.nd > 0 {
		for k := from; k < ks.n; k++ {
			if span := ks.span(k); span&decodedKey != 0 {
				ks.nd = int(span &^ decodedKey)
				break
			}
		}
	}
	ks.n = from
}

// has reports whether the keys from from on, those of the innermost
// object of d, hold key (decoded). It runs only when a key's filter bit is
// taken, and is kept out of line: inlined at its three sites, it cost
// document 2.2k more instructions per 10 KiB schema (BenchmarkDocument
// under callgrind), though never called there.
//
//go:noinline
func (ks *keyList) has(d string, from int, key string) bool {
	for k := from; k < ks.n; k++ {
		if ks.text(d, ks.span(k)) == key {
			return true
		}
	}
	return false
}

// text returns the key of span, in d or decoded.
func (ks *keyList) text(d string, span uint64) string {
	if span&decodedKey == 0 {
		return d[uint32(span) : span>>32]
	}
	x := int(span &^ decodedKey)
	if x < len(ks.decoded) {
		return ks.decoded[x]
	}
	return ks.moreDecoded[x-len(ks.decoded)]
}

// quoter writes a document as a JSON string's content while document reads
// it: last is where the text not yet written starts, n how much of buf is
// written. buf is as long as the longest writing (every byte escaped, two
// bytes each) and 24 more, so that text is copied eight bytes at a time
// with one store, whose bytes past the text the next store overwrites.
type quoter struct {
	buf  []byte
	n    int
	last int
	ctl  bool // see quoter.skipSpace
}

func newQuoter(dst []byte, size int) quoter {
	if need := 2*size + 24; cap(dst) < need {
		dst = make([]byte, need)
	}
	return quoter{buf: dst[:cap(dst)]}
}

// quoted returns what q wrote.
func (q *quoter) quoted() []byte { return q.buf[:q.n] }

// copy writes d[q.last:to] as it is.
func (q *quoter) copy(d string, to int) {
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
func (q *quoter) structural(d string, to int) {
	from := q.last
	if k := to - from; k < 8 && from+8 <= len(d) {
		// Usually a byte or a few (`:`, `,`, `:null,`): as they are,
		// unless they hold a control byte.
		if x := load64(d, from); other(x, 0)&lowBytes(k) == 0 {
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
func (q *quoter) escape(d string, to int) {
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

// putShort writes at n of buf the usual string and the text before it:
// that text, k bytes (fewer than eight) at the start of y, then the
// string's content, c bytes (fewer than eight, no escapes) at the start of
// x, each followed by a backslash and a quote. Small enough to be inlined
// where document reads such a string; its caller checks the text needs
// no escapes.
func putShort(buf []byte, n int, y, x uint64, k, c int) int {
	// The masks (no-ops: k and c are below 8) bound the offsets for the
	// compiler, which then checks no store's bounds.
	k, c = k&7, c&7
	b := (*[24]byte)(buf[n : n+24])
	binary.LittleEndian.PutUint64(b[:8], y)
	binary.LittleEndian.PutUint16(b[k:], '\\'|'"'<<8)
	binary.LittleEndian.PutUint64(b[k+2:], x)
	binary.LittleEndian.PutUint16(b[k+2+c:], '\\'|'"'<<8)
	return n + k + c + 4
}

// lastOr is q.last, or i for no writing.
func (q *quoter) lastOr(i int) int {
	if q == nil {
		return i
	}
	return q.last
}

// putLong is putWindow for a string whose end is not known yet: it reads
// the plain string whose opening quote is at open of d (its first eight
// bytes plain) a word at a time, storing each word as it reads it, and
// returns the offset of its closing quote and the length written, or -1
// when the string does not end, plain, within 48 bytes (what it stored
// past n is then not part of the writing). Its caller checks what
// putWindow's does.
func putLong(buf []byte, n int, d string, y uint64, k, open int) (int, int) {
	k &= 7
	b := (*[80]byte)(buf[n : n+80])
	t := d[open+1 : open+65]
	binary.LittleEndian.PutUint64(b[:8], y)
	binary.LittleEndian.PutUint16(b[k:], '\\'|'"'<<8)
	binary.LittleEndian.PutUint64(b[k+2:], load64(t, 0))
	// special's constants as values, read once: the compiler writes a
	// constant again at each use in the loop, five instructions a word.
	low7, ctl, quote, back, high := specialWords[0], specialWords[1], specialWords[2], specialWords[3], specialWords[4]
	for w := 8; w < 48; w += 8 {
		x := load64(t, w&56)
		binary.LittleEndian.PutUint64(b[k+2+w&56:], x)
		if m := specialWith(x, low7, ctl, quote, back, high); m != 0 {
			e := (w + bits.TrailingZeros64(m)>>3) & 63
			if t[e] != '"' {
				return -1, n
			}
			binary.LittleEndian.PutUint16(b[k+2+e:], '\\'|'"'<<8)
			return open + 1 + e, n + k + e + 4
		}
	}
	return -1, n
}

// specialWords are special's constants, read rather than folded so
// that a loop keeps them in registers (see putLong).
var specialWords = [5]uint64{lo * 0x7f, lo * (0x80 - 0x20), lo * '"', lo * '\\', hi}

// putWindow writes at n of buf the plain string whose opening quote is at
// open of d, of c bytes (fewer than 48), and the text before it, k bytes
// (fewer than eight, no control byte) at the start of y, as quoteString
// writes its usual string: within windows of d and buf whose offsets,
// masked (no-ops), the compiler bounds, so that no load or store is
// checked. Small enough to be inlined where document reads such a string;
// its caller checks that d holds 64 bytes after open and buf 80 from n.
func putWindow(buf []byte, n int, d string, y uint64, k, open, c int) int {
	k, c = k&7, c&63
	b := (*[80]byte)(buf[n : n+80])
	t := d[open+1 : open+65]
	binary.LittleEndian.PutUint64(b[:8], y)
	binary.LittleEndian.PutUint16(b[k:], '\\'|'"'<<8)
	for w := 0; w < c; w += 8 {
		binary.LittleEndian.PutUint64(b[k+2+w&56:], load64(t, w&56))
	}
	binary.LittleEndian.PutUint16(b[k+2+c:], '\\'|'"'<<8)
	return n + k + c + 4
}

// quoteString writes the string whose quotes are at open and end of d, and
// the text before it from last, into buf from n, and returns where the
// writing ends. The usual string, after fewer than sixteen bytes of
// structure and without escapes, away from d's end, takes a store or two
// per eight bytes and no call; any other goes through a quoter. (A string
// after a number and the end of an object, `:19.99},{"name"`, took that
// way about 280 instructions.)
func quoteString(buf []byte, n int, d string, last, open, end int, escaped bool) int {
	if k, c := open-last, end-open-1; k < 8 && c < 48 && !escaped && open+65 <= len(d) && n+80 <= len(buf) {
		// The usual case (a member name, a doc, a namespace: fewer than
		// 48 bytes) within windows of d and buf whose offsets, masked
		// (no-ops: k < 8, c < 48, w a multiple of 8 below 48), the
		// compiler bounds, so that no load or store is checked.
		if y := load64(d, last); other(y, 0)&lowBytes(k) == 0 {
			k, c := k&7, c&63
			b := (*[80]byte)(buf[n : n+80])
			t := d[open+1 : open+65]
			binary.LittleEndian.PutUint64(b[:8], y)
			binary.LittleEndian.PutUint16(b[k:], '\\'|'"'<<8)
			for w := 0; w < c; w += 8 {
				binary.LittleEndian.PutUint64(b[k+2+w&56:], load64(t, w&56))
			}
			binary.LittleEndian.PutUint16(b[k+2+c:], '\\'|'"'<<8)
			return n + k + c + 4
		}
	}
	if k, c := open-last, end-open-1; k >= 8 && k < 16 && c < 48 && !escaped && open+65 <= len(d) && n+88 <= len(buf) {
		// After more structure (`:19.99},{`), in two words: as above.
		if y0, y1 := load64(d, last), load64(d, last+8); other(y0, 0)|other(y1, 0)&lowBytes(k-8) == 0 {
			k, c := k&15, c&63
			b := (*[88]byte)(buf[n : n+88])
			t := d[open+1 : open+65]
			binary.LittleEndian.PutUint64(b[:8], y0)
			binary.LittleEndian.PutUint64(b[8:16], y1)
			binary.LittleEndian.PutUint16(b[k:], '\\'|'"'<<8)
			for w := 0; w < c; w += 8 {
				binary.LittleEndian.PutUint64(b[k+2+w&56:], load64(t, w&56))
			}
			binary.LittleEndian.PutUint16(b[k+2+c:], '\\'|'"'<<8)
			return n + k + c + 4
		}
	}
	if k := open - last; k < 8 && end+8 <= len(d) && !escaped {
		if x := load64(d, last); other(x, 0)&lowBytes(k) == 0 {
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
	q := quoter{buf: buf, n: n, last: last}
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

// lowBytes returns the mask of the low k bytes of a word, for k from 0 to
// 7 (its callers check k < 8; the mask tells the compiler, which then
// shifts without a check for a negative or too large count).
func lowBytes(k int) uint64 {
	return 1<<(8*(uint(k)&7)) - 1
}
