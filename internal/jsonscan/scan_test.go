package jsonscan

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// tokens scans doc to the end and returns "kind:text" per token.
func tokens(doc string) ([]string, error) {
	var s Scanner
	s.Reset(doc)
	var out []string
	for {
		k, err := s.Next()
		if err != nil {
			return out, err
		}
		if k == End {
			return out, nil
		}
		text := s.Raw()
		if k == Key || k == String {
			text = s.Text()
		}
		out = append(out, k.String()+":"+text)
	}
}

func TestScanner(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"scalar string", `"a"`, []string{"string:a"}},
		{"number forms", `[0,-1,1.5,2e10,-3.25E-2]`, []string{"begin-array:[", "number:0", "number:-1", "number:1.5", "number:2e10", "number:-3.25E-2", "end-array:]"}},
		{"literals", ` [true , false,null] `, []string{"begin-array:[", "literal:true", "literal:false", "literal:null", "end-array:]"}},
		{"object", `{"a":{"b":[]},"c":{}}`, []string{"begin-object:{", "key:a", "begin-object:{", "key:b", "begin-array:[", "end-array:]", "end-object:}", "key:c", "begin-object:{", "end-object:}", "end-object:}"}},
		{"escapes decode", `"\u0040\"\\\/\n\t\ud83d\ude00"`, []string{"string:@\"\\/\n\t😀"}},
		{"utf-8 kept", `{"ключ":"значение"}`, []string{"begin-object:{", "key:ключ", "string:значение", "end-object:}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tokens(tt.doc)
			if err != nil {
				t.Fatalf("tokens(%q): %v", tt.doc, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("tokens(%q) mismatch (-want +got):\n%s", tt.doc, diff)
			}
		})
	}
}

func TestScannerRejects(t *testing.T) {
	for _, doc := range []string{
		``, ` `, `{`, `[`, `]`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{"a" 1}`, `{1:2}`,
		`"a" "b"`, `{} x`, `01`, `1.`, `.5`, `1e`, `-`, `+1`, `tru`, `nul`, `"\x"`, `"\u12"`, `"a` + "\n" + `"`,
		"\"\xff\"", `"abc`, `[` + strings.Repeat(`[`, MaxDepth) + strings.Repeat(`]`, MaxDepth+1), `NaN`, `{"a":1}}`,
		// Surrogate halves alone, or in the wrong order: readers disagree on
		// what they spell (see surrogateEscape).
		`"\ud800x"`, `"\udc00"`, `"\ud800"`, `"\ud800\u0041"`, `"\udc00\ud800"`, `"\ud800\ud800"`, `{"\udbff":1}`, `"jane.doe\ud800@example.com"`,
	} {
		if _, err := tokens(doc); err == nil {
			t.Errorf("tokens(%q) = nil error, want a syntax error", doc)
		}
	}
}

func TestSyntaxErrorNeverQuotesInput(t *testing.T) {
	const secret = "jane.doe@example.com"
	_, err := tokens(`{"` + secret + `" ` + secret + `}`)
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("error %v: want an error without the input", err)
	}
}

func TestSkip(t *testing.T) {
	var s Scanner
	s.Reset(`{"a":{"x":[1,{"y":2}]},"b":3}`)
	mustNext := func(want Kind) {
		t.Helper()
		k, err := s.Next()
		if err != nil || k != want {
			t.Fatalf("Next() = %v, %v; want %v", k, err, want)
		}
	}
	mustNext(BeginObject)
	mustNext(Key)
	k, _ := s.Next()
	if err := s.Skip(k); err != nil {
		t.Fatal(err)
	}
	mustNext(Key)
	if got := s.Raw(); got != "b" {
		t.Fatalf("after Skip the key is %q, want b", got)
	}
}

func TestIntegerDigits(t *testing.T) {
	tests := []struct {
		num  string
		want string
		ok   bool
	}{
		{"4539703692581474", "4539703692581474", true},
		{"4539703692581474.0", "4539703692581474", true},
		{"4539703692581474.75", "4539703692581474", true},
		{"4.539703692581474e15", "4539703692581474", true},
		{"4.539703692581474E+15", "4539703692581474", true},
		{"45397036925814740e-1", "4539703692581474", true},
		{"-912803456", "912803456", true},
		{"9.12803456e8", "912803456", true},
		{"1e3", "1000", true},
		{"0.5", "", false},
		{"0", "", false},
		{"-0.0e5", "", false},
		{"5e-1", "", false},
		{"1e41", "", false},
		{"1e99999999", "", false},
		{"0.0045e4", "45", true},
		// The bound is on the value's digits, not the zeros leading the
		// mantissa (red18).
		{"0.0000000000000000000000000004539703692581474e43", "4539703692581474", true},
		{"0.0000000000000000000000000000000000000000000001e47", "10", true},
		{"0.1e41", "", false},
	}
	for _, tt := range tests {
		got, ok := IntegerDigits(nil, tt.num)
		if string(got) != tt.want || ok != tt.ok {
			t.Errorf("IntegerDigits(%q) = %q, %v; want %q, %v", tt.num, got, ok, tt.want, tt.ok)
		}
	}
}

func TestAllocationFree(t *testing.T) {
	doc := `{"name":"movies","tags":[{"tagKey":"team","tagValue":"recs"}],"n":12.5e3,"ok":true}`
	allocs := testing.AllocsPerRun(100, func() {
		var s Scanner
		s.Reset(doc)
		for {
			k, err := s.Next()
			if err != nil || k == End {
				return
			}
			if k == String {
				_ = s.Text()
			}
		}
	})
	if allocs != 0 {
		t.Errorf("scanning allocates %v times per document, want 0 (strings without escapes are substrings)", allocs)
	}
}

// loneSurrogate reports whether doc holds a \u escape of a surrogate half
// that is not a high half followed at once by an escaped low half: a
// reference for the scanner's rule, by another method (escapes found by
// counting the backslashes before each "\u").
func loneSurrogate(doc string) bool {
	half := func(i int) (high, low bool) {
		if i+6 > len(doc) || doc[i] != '\\' || doc[i+1] != 'u' {
			return false, false
		}
		v, err := strconv.ParseUint(doc[i+2:i+6], 16, 32)
		if err != nil {
			return false, false
		}
		return v >= 0xd800 && v < 0xdc00, v >= 0xdc00 && v <= 0xdfff
	}
	for i := 0; i < len(doc); i++ {
		if doc[i] != '\\' {
			continue
		}
		// A backslash that starts an escape: i is past every escaped one.
		if high, low := half(i); low {
			return true
		} else if high {
			if _, nextLow := half(i + 6); !nextLow {
				return true
			}
			i += 11
			continue
		}
		i++ // the escaped character
	}
	return false
}

// FuzzScanner checks the scanner against encoding/json: the same documents
// are valid, strings decode to the same text, and errors never quote input.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"\u00e9\ud83d\ude00"`, `"\ud800"`, `"\\ud800"`, `"\ud83d\ude00\udc00"`, `[1e5,-0.5]`, `{"a":"b"} x`, "\"\xff\"", `[[[[]]]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		toks, err := tokens(doc)
		valid := json.Valid([]byte(doc))
		// The scanner is stricter than encoding/json in three ways, on
		// purpose: invalid UTF-8, nesting beyond MaxDepth and surrogate
		// halves alone.
		stricter := !utf8.ValidString(doc) || strings.Count(doc, "[")+strings.Count(doc, "{") > MaxDepth || loneSurrogate(doc)
		if err == nil && !valid || err != nil && valid && !stricter {
			t.Fatalf("tokens(%q) error %v, json.Valid = %v", doc, err, valid)
		}
		if err != nil {
			return
		}
		// Re-encode string tokens and compare with encoding/json's decoding.
		var want []string
		dec := json.NewDecoder(strings.NewReader(doc))
		for {
			tok, derr := dec.Token()
			if derr != nil {
				break
			}
			if s, ok := tok.(string); ok {
				want = append(want, s)
			}
		}
		var got []string
		for _, tk := range toks {
			if k, v, _ := strings.Cut(tk, ":"); k == "key" || k == "string" {
				got = append(got, v)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("strings of %q mismatch (-encoding/json +jsonscan):\n%s", doc, diff)
		}
	})
}

func TestSignificand(t *testing.T) {
	tests := []struct{ num, want string }{
		{"0.4111111111111111", "4111111111111111"},
		{"4111111111111111e-16", "4111111111111111"},
		{"-4111111111111111E-20", "4111111111111111"},
		{"4539703692581474.0", "45397036925814740"},
		{"0", ""},
		{"0.0045", "45"},
		{"19.99", "1999"},
	}
	for _, tt := range tests {
		if got := string(Significand(nil, tt.num)); got != tt.want {
			t.Errorf("Significand(%q) = %q, want %q", tt.num, got, tt.want)
		}
	}
}

// BenchmarkScanner tokenizes a 10 KiB Avro schema, as CreateSchema's check
// does, reading every string's text.
func BenchmarkScanner(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"type":"record","name":"Items","namespace":"com.example.catalog","fields":[{"name":"ITEM_ID","type":"string"}`)
	for i := 0; sb.Len() < 10<<10; i++ {
		sb.WriteString(`,{"name":"ATTR_` + strconv.Itoa(i) + `","type":["null","string"],"default":null,"categorical":true,"doc":"catalogue attribute of the storefront"}`)
		if i%5 == 0 {
			sb.WriteString(`,{"name":"PRICE","type":"double","default":19.99}`)
		}
	}
	sb.WriteString(`],"version":"1.0"}`)
	doc := sb.String()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		var s Scanner
		s.Reset(doc)
		for {
			k, err := s.Next()
			if err != nil {
				b.Fatal(err)
			}
			if k == End {
				break
			}
			if k == String || k == Key {
				_ = s.Text()
			}
		}
	}
}

// TestStringByteAtEveryOffset puts each kind of byte a string scan must stop
// at in every position of the eight-byte words the scanner reads at once,
// and checks validity and decoded text against encoding/json.
func TestStringByteAtEveryOffset(t *testing.T) {
	for _, x := range []string{`\"`, `\\`, `\u0041`, "\x01", "\x1f", " ", "\x7f", "é", "😀", "\xff", "\xc3", `"`} {
		for before := range 18 {
			for _, after := range []int{0, 1, 7, 8, 9} {
				doc := `"` + strings.Repeat("a", before) + x + strings.Repeat("b", after) + `"`
				var want string
				werr := json.Unmarshal([]byte(doc), &want)
				toks, err := tokens(doc)
				// encoding/json replaces invalid UTF-8; the scanner refuses it.
				if !utf8.ValidString(doc) {
					if err == nil {
						t.Errorf("tokens(%q) = nil error, want one for invalid UTF-8", doc)
					}
					continue
				}
				if (err != nil) != (werr != nil) {
					t.Errorf("tokens(%q) error %v, encoding/json error %v", doc, err, werr)
					continue
				}
				if err != nil {
					continue
				}
				if diff := cmp.Diff([]string{"string:" + want}, toks); diff != "" {
					t.Errorf("tokens(%q) mismatch (-want +got):\n%s", doc, diff)
				}
			}
		}
	}
}

// TestNextRepeatsError checks that after an error Next returns it again,
// as documented, whichever part of the scanner found it.
func TestNextRepeatsError(t *testing.T) {
	for _, doc := range []string{`{"a" 1}`, `["\x"]`, "[\"a\x01\"]", "[\"\xff\"]", `[1.]`, `[tru]`, `{"a":1} x`, `["abc`} {
		var s Scanner
		s.Reset(doc)
		var first error
		for k := Invalid; first == nil; {
			if k, first = s.Next(); k == End {
				t.Fatalf("tokens(%q): no error", doc)
			}
		}
		_, again := s.Next()
		if diff := cmp.Diff(first, again); diff != "" {
			t.Errorf("Next after %q's error mismatch (-first +again):\n%s", doc, diff)
		}
	}
}

// TestSpecial checks the eight-byte test against the byte-by-byte rule for
// every byte value in every position, next to the bytes most likely to
// disturb it.
func TestSpecial(t *testing.T) {
	isSpecial := func(c byte, high bool) bool { return c == '"' || c == '\\' || c < 0x20 || high && c >= 0x80 }
	for _, high := range []bool{true, false} {
		mask := uint64(0)
		if high {
			mask = hi
		}
		for _, fill := range []byte{'a', 0x00, 0x1f, 0x20, '"', '\\', 0x7f, 0x80, 0xa2, 0xdc, 0xff} {
			for pos := range 8 {
				for c := range 256 {
					var w [8]byte
					for i := range w {
						w[i] = fill
					}
					w[pos] = byte(c)
					var want uint64
					for i, b := range w {
						if isSpecial(b, high) {
							want |= 0x80 << (8 * i)
						}
					}
					if got := specialOld(load64(string(w[:]), 0), mask); got != want {
						t.Fatalf("specialOld(%q, high %v) = %#x, want %#x", w, high, got, want)
					}
					if got := special(load64(string(w[:]), 0)); high && got != want {
						t.Fatalf("special(%q) = %#x, want %#x", w, got, want)
					}
				}
			}
		}
	}
}

// TestRawEquals: rawEquals(raw, s) is Unescape(raw) == s, for every kind of
// escape, surrogate pairs and lone surrogates included, and for strings
// that differ at, before and after an escape or in length.
func TestRawEquals(t *testing.T) {
	raws := []string{
		``, `plain`, `a\"b`, `\\`, `\/`, `\b\f\n\r\t`, `\u00e9`, `caf\u00e9!`, `\ud83d\ude00`, `x\ud83dy`, `\udc00`,
		`{\"type\":\"record\",\"name\":\"Items\"}`, `\u0041\u0042`, `tail\"`,
	}
	for _, raw := range raws {
		dec := string(Unescape(nil, raw))
		candidates := []string{dec, dec + "x", "x" + dec, strings.TrimSuffix(dec, dec[max(0, len(dec)-1):]), raw, ""}
		for i := range len(dec) {
			b := []byte(dec)
			b[i] ^= 1
			candidates = append(candidates, string(b))
		}
		for _, s := range candidates {
			if got, want := rawEquals(raw, s), dec == s; got != want {
				t.Errorf("rawEquals(%q, %q) = %v, want %v", raw, s, got, want)
			}
		}
	}
}

// FuzzRawEquals holds rawEquals to Unescape on the strings of any JSON
// document the Scanner accepts, against the decoded string itself and
// against near misses.
func FuzzRawEquals(f *testing.F) {
	for _, s := range []string{`"a\"b"`, `"\ud83d\ude00x"`, `"\u00e9\n"`, `"\udc00"`, `{"k\\":"v\/"}`} {
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, doc, other string) {
		var sc Scanner
		sc.Reset(doc)
		for {
			k, err := sc.Next()
			if err != nil || k == End {
				return
			}
			if k != String && k != Key {
				continue
			}
			raw := sc.Raw()
			dec := string(Unescape(nil, raw))
			for _, s := range []string{dec, other, dec + other, strings.TrimSuffix(dec, other)} {
				if got, want := rawEquals(raw, s), dec == s; got != want {
					t.Fatalf("rawEquals(%q, %q) = %v, want %v", raw, s, got, want)
				}
			}
		}
	})
}
