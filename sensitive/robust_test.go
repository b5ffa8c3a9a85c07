package sensitive

import (
	"math/rand/v2"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestLargeAndHostileInput runs every pathological pattern of the benchmarks,
// plus random bytes, at 10 MiB (1 MiB with -short or -race): the scan must finish,
// without panicking, and its findings must be well-formed. A quadratic path
// would not finish within the test timeout at this size; the benchmarks show
// the per-byte cost staying flat from 64 KiB to 1 MiB.
func TestLargeAndHostileInput(t *testing.T) {
	size := 10 << 20
	if testing.Short() || raceEnabled {
		size = 1 << 20
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, size)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	inputs := map[string]string{"random-bytes": string(random)}
	for _, p := range pathological {
		inputs[p.name] = repeatTo(p.unit, size)
	}
	inputs["dense"] = denseText(size)
	d := Default()
	for name, s := range inputs {
		fs := d.Find(s)
		checkFindings(t, s, fs)
		if f, ok := d.First(s); ok != (len(fs) > 0) || (ok && f != fs[0]) {
			t.Errorf("%s: First disagrees with Find", name)
		}
		if name == "dense" || name == "random-bytes" {
			if d.Contains(d.Redact(s)) {
				t.Errorf("%s: redacted output still has findings", name)
			}
		}
	}
}

// TestBytesOutsideASCII checks that invalid UTF-8, NULs and non-ASCII letters
// end values instead of joining them, and that offsets stay byte offsets.
func TestBytesOutsideASCII(t *testing.T) {
	tests := []struct {
		text   string
		want   []Finding
		reason string
	}{
		{"\xff4111111111111111\xfe", []Finding{{CreditCard, 1, 17}}, "invalid UTF-8 around a card"},
		{"\x004111111111111111\x00", []Finding{{CreditCard, 1, 17}}, "NULs around a card"},
		{"é jane@example.com", []Finding{{Email, 3, 19}}, "offsets count bytes, not runes"},
		{"jané@example.com", []Finding{{Email, 0, 17}}, "an internationalised local part (RFC 6531)"},
		{"→jane@example.com", []Finding{{Email, 3, 19}}, "a symbol is not part of the local part"},
		{"josé.d jane@example.com", []Finding{{Email, 8, 24}}, "non-ASCII before an address"},
		{"４１１１１１１１１１１１１１１１", []Finding{{CreditCard, 0, 48}}, "full-width digits are digits"},
		{"\xc0\xaf\xc0\xaf", nil, "overlong encodings"},
	}
	for _, tc := range tests {
		got := Default().Find(tc.text)
		if len(got) != len(tc.want) {
			t.Errorf("%s: Find(%q) = %v, want %v", tc.reason, tc.text, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: Find(%q) = %v, want %v", tc.reason, tc.text, got, tc.want)
			}
		}
	}
}

// TestNormalizedView checks the normalised text and that every finding maps
// back to the exact bytes of the caller's text.
func TestNormalizedView(t *testing.T) {
	tests := []struct {
		src, want string
		reason    string
	}{
		{"plain ascii 4111", "plain ascii 4111", "nothing to change"},
		{"café 12", "café 12", "non-ASCII letters stay"},
		{"４１", "41", "full-width digits"},
		{"٤١ ۴۱ ४१ ৪১ ๔๑", "41 41 41 41 41", "Arabic-Indic, extended Arabic-Indic, Devanagari, Bengali, Thai digits"},
		{"𝟒𝟏", "41", "mathematical bold digits, outside the BMP"},
		{"a\u00a0b\u2009c\u3000d\u202fe", "a b c d e", "no-break, thin, ideographic, narrow no-break spaces"},
		{"4\u200b1\u200d1\u00ad1\ufeff", "4111", "zero-width space and joiner, soft hyphen, BOM dropped"},
		{"a＠b．c﹫d。e", "a@b.c@d.e", "full-width and small @ and full stops"},
		{"1‐2–3—4−5", "1-2-3-4-5", "hyphens, dashes and minus"},
		{"%40%2e%2E%34%20%41", "@..4 A", "escapes of value bytes"},
		{"%2F%3D%26%25%zz%4", "%2F%3D%26%25%zz%4", "escapes of delimiters, and broken escapes, stay"},
		{"\xff\xfe%", "\xff\xfe%", "invalid UTF-8 stays"},
	}
	for _, tc := range tests {
		v := newView(tc.src)
		if v.s != tc.want {
			t.Errorf("%s: newView(%q).s = %q, want %q", tc.reason, tc.src, v.s, tc.want)
			continue
		}
		// Every normalised byte maps to a source unit that normalises to it.
		for i := 0; i < len(v.s); i++ {
			o, e := v.orig(i), v.origEnd(i+1)
			if o < 0 || e > len(tc.src) || o >= e {
				t.Fatalf("%s: byte %d maps to [%d,%d) of %q", tc.reason, i, o, e, tc.src)
			}
			if got := newView(tc.src[o:e]).s; got != v.s[i:i+1] && v.s[i] < utf8.RuneSelf {
				t.Errorf("%s: byte %d (%q) maps to %q", tc.reason, i, v.s[i], tc.src[o:e])
			}
			if v.toNorm(o) != i {
				t.Errorf("%s: toNorm(%d) = %d, want %d", tc.reason, o, v.toNorm(o), i)
			}
		}
	}
}

// TestDigitValue checks the value of every Unicode decimal digit against
// its offset from the zero of its run: Unicode assigns them in runs of ten.
func TestDigitValue(t *testing.T) {
	n := 0
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		d, ok := digitValue(r)
		if ok != unicode.Is(unicode.Nd, r) {
			t.Fatalf("digitValue(%U) ok = %v, want %v", r, ok, !ok)
		}
		if !ok {
			continue
		}
		n++
		zero := r - rune(d)
		for k := rune(0); k < 10; k++ {
			if !unicode.Is(unicode.Nd, zero+k) {
				t.Fatalf("digitValue(%U) = %d, but %U is not a digit", r, d, zero+k)
			}
		}
	}
	if n < 600 {
		t.Errorf("only %d non-ASCII decimal digits", n)
	}
}

// TestNoAllocationWithoutNormalizing checks that text needing no
// normalisation — ASCII, and non-ASCII letters — is scanned in place.
func TestNoAllocationWithoutNormalizing(t *testing.T) {
	for _, s := range []string{"movie-recs 12.5% of 2024, 100%", "Café Zürich, naïve résumé, 東京 2024"} {
		if needsNormalizing(s) {
			t.Errorf("needsNormalizing(%q) = true, want false", s)
		}
		if n := testing.AllocsPerRun(100, func() { Default().First(s) }); n != 0 {
			t.Errorf("First(%q) allocates %v times, want 0", s, n)
		}
	}
}

func TestNeedsNormalizing(t *testing.T) {
	tests := []struct {
		s      string
		want   bool
		reason string
	}{
		{"plain ascii 4111", false, "ASCII without '%'"},
		{"\xff\xfe\xff\xfe", false, "bytes that start no UTF-8 sequence are left as they are"},
		{"\x80\xbf", false, "lone continuation bytes"},
		{"\xc0\xaf", false, "an overlong encoding is invalid, not a '/'"},
		{"a\xf5\x80\x80\x80b", false, "a lead byte beyond U+10FFFF"},
		{"\xff4\u00a0", true, "an invalid byte, then a no-break space"},
		{"\xfe\uff14", true, "an invalid byte, then a full-width digit"},
		{"%40", true, "a percent-escape"},
	}
	for _, tc := range tests {
		if got := needsNormalizing(tc.s); got != tc.want {
			t.Errorf("%s: needsNormalizing(%q) = %v, want %v", tc.reason, tc.s, got, tc.want)
		}
	}
}
