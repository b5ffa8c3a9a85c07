package jsonscan

import (
	"bytes"
	"math/bits"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// documentFused is document as it was at 655df2b (before the changes
// TestDocumentMatchesFused holds it to): Document that, with a quoter's
// buffer qb (see newQuoter), also writes data as a JSON string's content
// into it up to the last string: it returns how much it wrote and where in
// data that ends.
func documentFused(data string, qb []byte, visit func(s string, number bool) bool) (qn, ql int, ok bool) {
	return documentWalkRef(data, qb, visit, putShort, quoteString)
}

// documentWalkRef is the loop of the reference walks, documentFused and
// documentOld (quoted_old_test.go): the two differ only in the writing
// functions they call.
func documentWalkRef(data string, qb []byte, visit func(s string, number bool) bool,
	putShort func(buf []byte, n int, y, x uint64, k, c int) int,
	quoteString func(buf []byte, n int, d string, last, open, end int, escaped bool) int) (qn, ql int, ok bool) {
	d := data
	i, depth := 0, 0
	var stack [MaxDepth]byte // '{' or '[' per open container
	// The keys of the open objects: start[depth] is where the innermost
	// one's begin, seen[depth] a one-word filter of them, so that most
	// keys are not compared at all.
	var start [MaxDepth + 1]int32
	var seen [MaxDepth + 1]uint64
	var keyBuf [32]string
	keys := keyBuf[:0]

value:
	if i < len(d) && d[i] <= ' ' {
		i = skipSpace(d, i)
	}
	if i >= len(d) {
		return 0, 0, false
	}
	switch c := d[i]; c {
	case '"':
		// Most strings are settled by their first eight bytes: those
		// hold the closing quote and nothing else to look at.
		if j := i + 1; j+8 <= len(d) {
			x := load64(d, j)
			if m := specialOld(x, hi); m != 0 {
				if e := j + bits.TrailingZeros64(m)>>3; d[e] == '"' {
					if qb != nil {
						if k := i - ql; k < 8 && ql+8 <= len(d) && other(load64(d, ql), 0)&lowBytes(k) == 0 {
							qn = putShort(qb, qn, load64(d, ql), x, k, e-j)
						} else {
							qn = quoteString(qb, qn, d, ql, i, e, false)
						}
						ql = e + 1
					}
					i = e + 1
					goto after
				}
			} else if e := plainEnd(d, j+8); e >= 0 {
				if qb != nil {
					qn, ql = quoteString(qb, qn, d, ql, i, e, false), e+1
				}
				i = e + 1
				goto after
			}
		}
		end, escaped, err := stringEnd(d, i)
		if err != nil || escaped && !visit(decode(d[i+1:end]), false) {
			return 0, 0, false
		}
		if qb != nil {
			qn, ql = quoteString(qb, qn, d, ql, i, end, escaped), end+1
		}
		i = end + 1
		goto after
	case '{', '[':
		if depth == MaxDepth {
			return 0, 0, false
		}
		stack[depth] = c
		depth++
		if i++; i < len(d) && d[i] <= ' ' {
			i = skipSpace(d, i)
		}
		if c == '{' {
			start[depth], seen[depth] = int32(len(keys)), 0
			if i < len(d) && d[i] == '}' {
				keys = keys[:start[depth]]
				depth--
				i++
				goto after
			}
			goto key
		}
		if i < len(d) && d[i] == ']' {
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
		return 0, 0, false
	case 'f':
		if len(d)-i >= 5 && d[i:i+5] == "false" {
			i += 5
			goto after
		}
		return 0, 0, false
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		end, err := numberEnd(d, i)
		if err != nil || !visit(d[i:end], true) {
			return 0, 0, false
		}
		i = end
		goto after
	}
	return 0, 0, false

key:
	if i < len(d) && d[i] <= ' ' {
		i = skipSpace(d, i)
	}
	if i >= len(d) || d[i] != '"' {
		return 0, 0, false
	}
	{
		end, escaped := -1, false
		var x uint64 // the key's first eight bytes, when they hold all of it
		if j := i + 1; j+8 <= len(d) {
			x = load64(d, j)
			if m := specialOld(x, hi); m == 0 {
				end = plainEnd(d, j+8)
				x = 0
			} else if e := j + bits.TrailingZeros64(m)>>3; d[e] == '"' {
				end = e
			}
		}
		short := x != 0 && end >= 0 // x holds the key
		if end < 0 {
			var err error
			if end, escaped, err = stringEnd(d, i); err != nil {
				return 0, 0, false
			}
		}
		key := d[i+1 : end]
		if escaped {
			key = decode(key)
			if !visit(key, false) {
				return 0, 0, false
			}
		}
		bit := uint64(1) << (keyHash(key) & 63)
		if seen[depth]&bit != 0 && hasKey(keys[start[depth]:], key) {
			return 0, 0, false
		}
		seen[depth] |= bit
		keys = append(keys, key)
		if qb != nil {
			if k := i - ql; short && k < 8 && ql+8 <= len(d) && other(load64(d, ql), 0)&lowBytes(k) == 0 {
				qn = putShort(qb, qn, load64(d, ql), x, k, end-i-1)
			} else {
				qn = quoteString(qb, qn, d, ql, i, end, escaped)
			}
			ql = end + 1
		}
		i = end + 1
	}
	if i < len(d) && d[i] == ':' {
		i++
		goto value
	}
	if i = skipSpace(d, i); i < len(d) && d[i] == ':' {
		i++
		goto value
	}
	return 0, 0, false

after:
	if i < len(d) && d[i] <= ' ' {
		i = skipSpace(d, i)
	}
	if depth == 0 {
		return qn, ql, i == len(d)
	}
	if i >= len(d) {
		return 0, 0, false
	}
	switch c, top := d[i], stack[depth-1]; {
	case c == ',':
		i++
		if top == '{' {
			goto key
		}
		goto value
	case c == '}' && top == '{':
		keys = keys[:start[depth]]
		fallthrough
	case c == ']' && top == '[':
		depth--
		i++
		goto after
	}
	return 0, 0, false
}

// documentWriting is document with documentFused's signature: the
// writing into qb (none when nil) and where it ends.
func documentWriting(data string, qb []byte, visit func(string, bool) bool) (qn, ql int, ok bool) {
	if qb == nil {
		return 0, 0, document(data, nil, visit, nil)
	}
	q := quoter{buf: qb}
	if !document(data, &q, visit, nil) {
		return 0, 0, false
	}
	return q.n, q.last, true
}

// hasKey reports whether keys holds key (documentFused's test, kept
// with it). Most keys of an object differ in
// length or first byte, which it compares before the text.
func hasKey(keys []string, key string) bool {
	for _, k := range keys {
		if len(k) == len(key) && (len(k) == 0 || k[0] == key[0]) && k == key {
			return true
		}
	}
	return false
}

// checkDocumentFused holds document to documentFused on data: the same
// verdict, visits and writing, with and without a writing buffer, and
// with a visit that refuses each text in turn.
func checkDocumentFused(t *testing.T, data string) {
	t.Helper()
	type result struct {
		OK     bool
		Visits []string
		QN, QL int
		Raw    string
	}
	run := func(read func(string, []byte, func(string, bool) bool) (int, int, bool), write bool) result {
		var qb []byte
		if write {
			qb = newQuoter(bytes.Repeat([]byte{'\\'}, 3), len(data)).buf
		}
		var r result
		r.OK, r.Visits = visitsOf(func(v func(string, bool) bool) bool {
			var ok bool
			r.QN, r.QL, ok = read(data, qb, v)
			return ok
		})
		switch {
		case !r.OK:
			r.QN, r.QL = 0, 0 // what the writing holds is not used
		case write:
			r.Raw = string(qb[:r.QN])
		}
		return r
	}
	for _, write := range []bool{false, true} {
		want := run(documentFused, write)
		if diff := cmp.Diff(want, run(documentWriting, write)); diff != "" {
			t.Fatalf("document(%q), writing %v, against documentFused (-want +got):\n%s", data, write, diff)
		}
		for k := range want.Visits {
			refuse := func(read func(string, []byte, func(string, bool) bool) (int, int, bool)) (bool, int) {
				calls := 0
				_, _, ok := read(data, nil, func(string, bool) bool { calls++; return calls <= k })
				return ok, calls
			}
			wantOK, wantCalls := refuse(documentFused)
			if gotOK, gotCalls := refuse(documentWriting); gotOK != wantOK || gotCalls != wantCalls {
				t.Fatalf("document(%q) refusing visit %d = %v after %d visits, documentFused %v after %d", data, k+1, gotOK, gotCalls, wantOK, wantCalls)
			}
		}
	}
}

// TestDocumentMatchesFused holds document to documentFused on the
// documents of the other tests, on schemas pretty-printed with every kind
// of white space around every token, and on every prefix of a schema.
func TestDocumentMatchesFused(t *testing.T) {
	docs := append(quotedDocs(), benchSchema(), `{"a":1,"b":2,"a":3}`, `{"x": "y" ,"z"  :  [ "w" , 1 ] }`)
	schema := `{"type":"record","name":"Items","namespace":"com.example","fields":[{"name":"ITEM_ID","type":"string","doc":"the item's identifier, a catalogue key"},{"name":"PRICE","type":["null","double"],"default":null},{"name":"TAGS","type":{"type":"array","items":"string"}}],"version":"1.0"}`
	for _, space := range []string{" ", "\t", "\n", "\r\n", " \t "} {
		var b bytes.Buffer
		inString := false // the schema has no escapes
		for i := 0; i < len(schema); i++ {
			switch c := schema[i]; {
			case c == '"':
				inString = !inString
				b.WriteByte(c)
			case !inString && strings.IndexByte("{[,:}]", c) >= 0:
				b.WriteString(space)
				b.WriteByte(c)
				b.WriteString(space)
			default:
				b.WriteByte(c)
			}
		}
		if !DocumentDefaults(b.String(), func(string, bool) bool { return true }, nil) {
			t.Fatalf("the schema spaced with %q does not read", space)
		}
		docs = append(docs, b.String())
	}
	for n := range len(schema) + 1 {
		docs = append(docs, schema[:n], schema[:n]+` `)
	}
	// Keys and values of every length around the writing's limits (8 and
	// 48 bytes), after structure of every length around its limit (8
	// bytes), near the document's end and away from it.
	for _, gap := range []string{``, ` `, `[`, `[null,`, `[null,true,`, `    `, `      `, `       `, `        `, "\n", "[\t",
		// Structure of eight to sixteen bytes, with and without a control
		// byte in either word (quoteString's second way).
		`[1.5,2.25,`, `[null,true,false,`, `[1234567890123,`, "[null,true,\t", "[\nnull,true,", "[null, true ,false\r,", `[ 1 , 2 , 3 , 4 ,`} {
		for n := 0; n <= 66; n++ {
			text := strings.Repeat("x", n)
			for _, tail := range []string{`}`, `,"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz":1}`} {
				docs = append(docs, `{"`+text+`":`+gap+`"`+text+`"`+strings.Repeat("]", strings.Count(gap, "["))+tail)
			}
		}
	}
	for _, doc := range docs {
		checkDocumentFused(t, doc)
	}
}

// FuzzDocumentMatchesFused holds document to documentFused on any input.
func FuzzDocumentMatchesFused(f *testing.F) {
	for _, doc := range quotedDocs() {
		f.Add(doc)
	}
	f.Add("{\"a\" :\t\"b\",\n\"c\":[1 , \"d\"]}\r\n")
	f.Fuzz(func(t *testing.T, doc string) { checkDocumentFused(t, doc) })
}
