package jsonscan

import (
	"strconv"
	"strings"
	"testing"
)

// nextStringIsRef is what NextStringIs replaces: Next, then the token's
// kind and decoded text. It returns the scanner after the token and whether
// the token is the string want. NextStringIs reads only where a value
// starts at once, not past a ':' or ',' Next would step over first.
func nextStringIsRef(s Scanner, want string) (Scanner, bool) {
	atValue := s.state == stValue || s.state == stValueOrEnd
	k, err := s.Next()
	return s, atValue && err == nil && k == String && s.Text() == want
}

// checkNextStringIs holds NextStringIs on s to nextStringIsRef: the same
// answer and, on a match, the same scanner after it; on no match, s as it
// was.
func checkNextStringIs(t *testing.T, s Scanner, want string) {
	t.Helper()
	refAfter, refOK := nextStringIsRef(s, want)
	got := s
	ok := got.NextStringIs(want)
	switch {
	case ok != refOK:
		t.Fatalf("NextStringIs(%q) at offset %d of %q = %v, Next+Text says %v", want, s.pos, s.data, ok, refOK)
	case ok && got != refAfter:
		t.Fatalf("NextStringIs(%q) at offset %d of %q left the scanner at %d (state %d), Next at %d (state %d)", want, s.pos, s.data, got.pos, got.state, refAfter.pos, refAfter.state)
	case !ok && got != s:
		t.Fatalf("NextStringIs(%q) at offset %d of %q moved the scanner without a match", want, s.pos, s.data)
	}
}

// eachPosition calls f with the scanner before each token of doc and the
// decoded text of that token (empty for non-strings), until the end or an
// error.
func eachPosition(doc string, f func(s Scanner, text string)) {
	var s Scanner
	s.Reset(doc)
	for {
		before := s
		k, err := s.Next()
		text := ""
		if err == nil && (k == String || k == Key) {
			text = s.Text()
		}
		f(before, text)
		if err != nil || k == End {
			return
		}
	}
}

// nearMisses are strings close to text: itself, longer, shorter, and one
// byte changed at each offset.
func nearMisses(text string) []string {
	out := []string{text, text + "x", "x" + text, "", `"`, `\`}
	if text != "" {
		out = append(out, text[:len(text)-1], text[1:])
	}
	for i := range len(text) {
		b := []byte(text)
		b[i] ^= 1
		out = append(out, string(b))
		b[i] ^= 1 ^ 0x80
		out = append(out, string(b))
	}
	return out
}

func TestNextStringIs(t *testing.T) {
	docs := []string{
		`"a"`, `""`, ` "x" `, `["a","b"]`, `{"k":"v","l":["w"]}`, `{"k":1}`, `[1,"1",true,null]`,
		`"` + strings.Repeat("abcdefgh", 5) + `"`,
		`{"schema":"{\"type\":\"record\",\"name\":\"Items\",\"fields\":[]}"}`,
		`"\u0040\"\\\/\n\t\b\f\r\ud83d\ude00 caf\u00e9 é 😀"`,
		`"\ud800x"`, `"\udc00"`, `"\ud800\u0041"`, `"\ud83d\ude0"`, `"\ud83d\uzzzz"`, `"\ud83d\u"`,
		"\"a\x01b\"", "\"\xff\"", "\"\xc3\"", "\"abcdefg\xc3\xa9hijklmnop\"", `"\x"`, `"abc`, `"abcdefghijkl`, `"abcdefghijkl\`,
		`["` + strings.Repeat("a", 7) + `\"` + strings.Repeat("b", 9) + `"]`,
	}
	for _, doc := range docs {
		eachPosition(doc, func(s Scanner, text string) {
			for _, want := range nearMisses(text) {
				checkNextStringIs(t, s, want)
			}
		})
	}
}

// TestNextStringIsByteAtEveryOffset puts each kind of byte NextStringIs must
// stop at in every position of the eight-byte words it reads at once.
func TestNextStringIsByteAtEveryOffset(t *testing.T) {
	for _, x := range []string{`\"`, `\\`, `\u0041`, `\n`, "\x01", " ", "\x7f", "é", "😀", "\xff", "\xc3", `"`} {
		for before := range 18 {
			for _, after := range []int{0, 1, 7, 8, 9} {
				doc := `["` + strings.Repeat("a", before) + x + strings.Repeat("b", after) + `",1]`
				eachPosition(doc, func(s Scanner, text string) {
					for _, want := range nearMisses(text) {
						checkNextStringIs(t, s, want)
					}
				})
			}
		}
	}
}

// FuzzNextStringIs holds NextStringIs to Next and Text at every token of
// any document, against the token's own text, near misses and other.
func FuzzNextStringIs(f *testing.F) {
	for _, s := range []string{`"a\"b"`, `["\ud83d\ude00x","é"]`, `{"k":"\u00e9\n"}`, `"\udc00"`, `{"schema":"{\"a\":1}"}`, "\"\xff\"", ` { "k" : "v" , "l" : [ 1 , "w" ] } `} {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, doc, other string) {
		eachPosition(doc, func(s Scanner, text string) {
			for _, want := range append(nearMisses(text), other, text+other) {
				checkNextStringIs(t, s, want)
			}
		})
	})
}

// BenchmarkNextStringIs reads a 10 KiB Avro schema as the SDK serializes it
// into CreateSchema's body and compares it with the schema the guard
// checked: fused, and as Next followed by rawEquals (the comparison before).
func BenchmarkNextStringIs(b *testing.B) {
	var schema strings.Builder
	schema.WriteString(`{"type":"record","name":"Items","namespace":"com.example.catalog","fields":[{"name":"ITEM_ID","type":"string"}`)
	for i := 0; schema.Len() < 10<<10; i++ {
		schema.WriteString(`,{"name":"ATTR_` + strconv.Itoa(i) + `","type":["null","string"],"default":null,"categorical":true,"doc":"catalogue attribute ` + strconv.Itoa(i) + ` of the storefront"}`)
	}
	schema.WriteString(`],"version":"1.0"}`)
	s := schema.String()
	body := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
	b.Run("fused", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var sc Scanner
			sc.Reset(body)
			if !sc.NextStringIs(s) {
				b.Fatal("no match")
			}
		}
	})
	b.Run("next+rawequals", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var sc Scanner
			sc.Reset(body)
			if k, err := sc.Next(); err != nil || k != String || !rawEquals(sc.Raw(), s) {
				b.Fatal("no match")
			}
		}
	})
}
