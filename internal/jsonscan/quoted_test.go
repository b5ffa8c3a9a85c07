package jsonscan

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	smithyjson "github.com/aws/smithy-go/encoding/json"
	"github.com/google/go-cmp/cmp"
)

// quoteRef is what DocumentQuoted writes, a byte at a time: a backslash
// before each quote and backslash, tab, newline and carriage return as
// \t, \n and \r, every other byte as it is.
func quoteRef(data string) string {
	var b strings.Builder
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// smithyQuoted is data as the SDK's JSON encoder writes it in a request
// body, without the quotes around it.
func smithyQuoted(data string) string {
	e := smithyjson.NewEncoder()
	e.Value.String(data)
	s := e.String()
	return s[1 : len(s)-1]
}

// visitsOf runs read on data and records what it visits, as documentRef
// does.
func visitsOf(read func(visit func(string, bool) bool) bool) (bool, []string) {
	var got []string
	ok := read(func(s string, number bool) bool {
		if number {
			got = append(got, "n:"+s)
		} else {
			got = append(got, "s:"+s)
		}
		return true
	})
	return ok, got
}

// checkDocumentQuoted holds DocumentQuoted to Document (the same verdict
// and visits) and, on a document, its writing to quoteRef, to the SDK's
// encoder (where that escapes nothing else) and to the Scanner: the
// writing in quotes is one string whose text is data. A dirty buffer
// changes nothing.
func checkDocumentQuoted(t *testing.T, data string) {
	t.Helper()
	checkQuotedOld(t, data)
	wantOK, wantVisits := visitsOf(func(v func(string, bool) bool) bool { return DocumentDefaults(data, v, nil) })
	for _, dst := range [][]byte{nil, bytes.Repeat([]byte{'"'}, 3*len(data)+40), make([]byte, 0, 5)} {
		var q Quoted
		gotOK, gotVisits := visitsOf(func(v func(string, bool) bool) bool {
			var ok bool
			q, _, ok = DocumentQuotedDefaults(dst, data, v, nil)
			return ok
		})
		if gotOK != wantOK {
			t.Fatalf("DocumentQuoted(%q) = %v, Document says %v", data, gotOK, wantOK)
		}
		if diff := cmp.Diff(wantVisits, gotVisits); diff != "" {
			t.Fatalf("DocumentQuoted(%q) visits (-want +got):\n%s", data, diff)
		}
		if !gotOK {
			if q.raw != nil {
				t.Fatalf("DocumentQuoted(%q) = false with a writing", data)
			}
			continue
		}
		raw := string(q.raw)
		if want := quoteRef(data); raw != want {
			t.Fatalf("DocumentQuoted(%q) wrote %q, want %q", data, raw, want)
		}
		if !strings.ContainsAny(data, "\u2028\u2029") {
			if want := smithyQuoted(data); raw != want {
				t.Fatalf("DocumentQuoted(%q) wrote %q, the SDK's encoder %q", data, raw, want)
			}
		}
		if q.escaped != strings.Contains(raw, `\`) {
			t.Fatalf("DocumentQuoted(%q): escaped %v for %q", data, q.escaped, raw)
		}
		var s Scanner
		s.Reset(`"` + raw + `"`)
		if k, err := s.Next(); err != nil || k != String || s.Raw() != raw || s.Text() != data || s.Escaped() != q.escaped {
			t.Fatalf("the writing of %q does not read back as one string of it: %v, %v", data, k, err)
		}
		if k, err := s.Next(); err != nil || k != End {
			t.Fatalf("the writing of %q is more than one string: %v, %v", data, k, err)
		}
	}
}

func quotedDocs() []string {
	docs := []string{
		`{}`, `[]`, `""`, `"a"`, `1`, `true`, `null`, `-0.5e3`,
		`{"type":"record","name":"Items","fields":[{"name":"ITEM_ID","type":"string"}]}`,
		"{\n\t\"type\" : \"record\",\r\n  \"fields\" : [ ]\n}\n",
		`{"doc":"caf\u00e9 \"quoted\" back\\slash \/ \n\t","k":"é😀"}`,
		`{"a":"` + strings.Repeat("x", 7) + `","bbbbbbbb":"` + strings.Repeat("y", 8) + `","c":"` + strings.Repeat("z", 9) + `"}`,
		`{"a":1,"a":2}`, `[1 2]`, `{"a":}`, "\"\xff\"", `{"k":"v"} x`, "\"a\x01\"",
		`{"line":"` + "\u2028" + `"}`,
		`[` + strings.Repeat(`"",`, 20) + `"end"]`,
	}
	var long strings.Builder
	long.WriteString(`{"type":"record","name":"Items","fields":[`)
	for i := range 200 {
		if i > 0 {
			long.WriteString(",")
		}
		long.WriteString(`{"name":"ATTR_` + strconv.Itoa(i) + `","type":["null","string"],"default":null,"doc":"attribute ` + strconv.Itoa(i) + ` of the storefront","size":` + strconv.Itoa(i*7) + `}`)
	}
	long.WriteString(`]}`)
	docs = append(docs, long.String())
	// Strings past the first eight bytes, up to and past the words
	// plainEnd looks at, with a byte that needs a look anywhere in them.
	for n := 0; n < 60; n += 3 {
		for _, x := range []string{"", `\"`, `\\`, "é", "\x01", `\u0041`} {
			for _, at := range []int{0, n / 2, n} {
				str := strings.Repeat("p", at) + x + strings.Repeat("q", n-at)
				docs = append(docs, `{"`+str+`":"`+str+`"}`, `["`+str+`"]`)
			}
		}
	}
	// Every length of text before a string and of a string, for the
	// eight-byte stores.
	for k := range 10 {
		for c := range 10 {
			docs = append(docs, `[`+strings.Repeat(" ", k)+`"`+strings.Repeat("s", c)+`",`+strings.Repeat("1", k+1)+`,"`+strings.Repeat("t", c)+`", {`+strings.Repeat(" ", k)+`"`+strings.Repeat("k", c)+`":0}]`)
		}
	}
	// Every length of text between strings and of strings, at every
	// offset from the document's end, for the eight-byte stores.
	for n := range 18 {
		for _, tail := range []string{"", " ", "\n", "   \t"} {
			docs = append(docs,
				`{"k":`+strings.Repeat(" ", n)+`"`+strings.Repeat("v", n)+`"}`+tail,
				`[`+strings.Repeat("1,", n)+`"`+strings.Repeat("w", n)+`"]`+tail,
				`["`+strings.Repeat("a", n)+`\"`+strings.Repeat("b", n)+`"]`+tail)
		}
	}
	return docs
}

func TestDocumentQuoted(t *testing.T) {
	for _, doc := range quotedDocs() {
		checkDocument(t, doc) // Document itself against the loop over Next
		checkDocumentQuoted(t, doc)
	}
}

func FuzzDocumentQuoted(f *testing.F) {
	for _, doc := range quotedDocs() {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) { checkDocumentQuoted(t, doc) })
}

// nextQuotedIsRef is what NextQuotedIs stands for: Next, then the token's
// kind and its raw text, only where a value starts at once.
func nextQuotedIsRef(s Scanner, q Quoted) (Scanner, bool) {
	atValue := s.state == stValue || s.state == stValueOrEnd
	k, err := s.Next()
	return s, q.raw != nil && atValue && err == nil && k == String && s.Raw() == string(q.raw)
}

// checkNextQuotedIs holds NextQuotedIs on s to nextQuotedIsRef: the same
// answer, on a match the same scanner after it and the text q was made
// from, on no match s as it was.
func checkNextQuotedIs(t *testing.T, s Scanner, q Quoted, text string) {
	t.Helper()
	refAfter, refOK := nextQuotedIsRef(s, q)
	got := s
	ok := got.NextQuotedIs(q)
	switch {
	case ok != refOK:
		t.Fatalf("NextQuotedIs(%q) at offset %d of %q = %v, Next+Raw says %v", q.raw, s.pos, s.data, ok, refOK)
	case ok && got != refAfter:
		t.Fatalf("NextQuotedIs(%q) at offset %d of %q left the scanner at %d (state %d), Next at %d (state %d)", q.raw, s.pos, s.data, got.pos, got.state, refAfter.pos, refAfter.state)
	case ok && got.Text() != text:
		t.Fatalf("NextQuotedIs(%q) matched at offset %d of %q, but the text is %q, not %q", q.raw, s.pos, s.data, got.Text(), text)
	case !ok && got != s:
		t.Fatalf("NextQuotedIs(%q) at offset %d of %q moved the scanner without a match", q.raw, s.pos, s.data)
	}
}

// quotedOf returns the writing of the document text, which must be one.
func quotedOf(t *testing.T, text string) Quoted {
	t.Helper()
	q, _, ok := DocumentQuotedDefaults(nil, text, func(string, bool) bool { return true }, nil)
	if !ok {
		t.Fatalf("%q is not a document", text)
	}
	return q
}

// bodiesAround puts the writing of text in request bodies, as it is and
// changed, and the other tokens around it.
func bodiesAround(raw string) []string {
	out := []string{
		`"` + raw + `"`, `{"schema":"` + raw + `"}`, `{"name":"n","schema": "` + raw + `" ,"x":1}`,
		`["` + raw + `",1]`, `["` + raw + `x"]`, `["x` + raw + `"]`, `["` + raw + `]`, `["` + raw, `"` + raw + `\"`,
	}
	if raw != "" {
		out = append(out, `["`+raw[:len(raw)-1]+`"]`, `["`+raw[1:]+`"]`)
	}
	return out
}

func TestNextQuotedIs(t *testing.T) {
	for _, text := range []string{`{"type":"record","fields":[]}`, `"x"`, `{"doc":"a\"b\\c\n"}`, "[\n1\t]", `1`} {
		q := quotedOf(t, text)
		for _, body := range bodiesAround(string(q.raw)) {
			eachPosition(body, func(s Scanner, _ string) {
				checkNextQuotedIs(t, s, q, text)
				checkNextQuotedIs(t, s, Quoted{}, text)
			})
		}
	}
}

// FuzzNextQuotedIs holds NextQuotedIs to Next and Raw at every token of
// any body, for the writing of any document.
func FuzzNextQuotedIs(f *testing.F) {
	f.Add(`{"a":"b"}`, `{"schema":"{\"a\":\"b\"}"}`)
	f.Add(`[1,2]`, `["[1,2]"]`)
	f.Fuzz(func(t *testing.T, text, body string) {
		q, _, ok := DocumentQuotedDefaults(nil, text, func(string, bool) bool { return true }, nil)
		if !ok {
			return
		}
		for _, b := range append(bodiesAround(string(q.raw)), body) {
			eachPosition(b, func(s Scanner, _ string) { checkNextQuotedIs(t, s, q, text) })
		}
	})
}

// BenchmarkDocumentQuoted is BenchmarkDocument's schema read by
// DocumentQuoted, which also writes it as the SDK serializes it (compare
// BenchmarkDocument/Document), and found again in a body by NextQuotedIs.
func BenchmarkDocumentQuoted(b *testing.B) {
	doc := benchSchema()
	visit := func(string, bool) bool { return true }
	b.Run("DocumentQuoted", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			_, buf, _ = DocumentQuotedDefaults(buf, doc, visit, nil)
		}
	})
	q, _, _ := DocumentQuotedDefaults(nil, doc, visit, nil)
	body := `{"name":"items","schema":"` + string(q.raw) + `"}`
	b.Run("NextQuotedIs", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var s Scanner
			s.Reset(body)
			for range 4 { // {, "name", "items", "schema"
				s.Next()
			}
			if !s.NextQuotedIs(q) {
				b.Fatal("no match")
			}
		}
	})
}
