package sensitive

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// normalizeRef is normalize as it was: only two-byte runes decoded inline,
// the others by normUnit.
func normalizeRef(s string) view {
	if len(s) > math.MaxInt32 {
		return view{s: s, src: s} // offsets would not fit the marks; read the input as it is
	}
	// A Builder hands its bytes over as the string without a copy.
	var buf strings.Builder
	buf.Grow(len(s))
	marks := make([]int32, 0, len(s)/markEvery+1)
	changed := false
	t := bmpMap()
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && c != '%' && !droppedControl(c) {
			// Copy a run of plain ASCII at once, with its marks.
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && s[j] != '%' && !droppedControl(s[j]) {
				j++
			}
			start := buf.Len()
			buf.WriteString(s[i:j])
			for m := (start + markEvery - 1) / markEvery * markEvery; m < buf.Len(); m += markEvery {
				marks = append(marks, int32(i+m-start))
			}
			i = j
			continue
		}
		var w int
		var out byte
		var ch bool
		if c >= 0xc2 && c <= 0xdf && i+1 < len(s) && s[i+1]&0xc0 == 0x80 {
			// Two-byte runes, inline: digits and spaces of most scripts.
			w = 2
			m := t[rune(c&0x1f)<<6|rune(s[i+1]&0x3f)]
			out, ch = m&^mapDrop, m != mapKeep
		} else {
			w, out, ch = normUnit(s, i, t)
		}
		if !ch {
			w, out = 1, c // unchanged: copy byte by byte
		}
		if ch && out == 0 {
			changed = true
			i += w // dropped
			continue
		}
		if buf.Len()%markEvery == 0 {
			marks = append(marks, int32(i))
		}
		buf.WriteByte(out)
		changed = changed || ch
		i += w
	}
	if !changed {
		return view{s: s, src: s}
	}
	return view{s: buf.String(), src: s, marks: marks}
}

func checkNormalize(t *testing.T, s string) bool {
	t.Helper()
	got, want := normalize(s), normalizeRef(s)
	if got.s != want.s || got.src != want.src {
		t.Fatalf("normalize(%q) = %q; the reference says %q", s, got.s, want.s)
	}
	if diff := cmp.Diff(want.marks, got.marks); diff != "" {
		t.Fatalf("normalize(%q) marks differ (-want +got):\n%s", s, diff)
	}
	return got.marks != nil
}

// TestNormalizeMatchesReference holds normalize, which decodes three-byte
// runes inline, to the code that left them to normUnit: every three-byte
// sequence a lead byte of 0xe0–0xef starts, valid or not (overlong forms,
// surrogates, truncated), among ASCII and escapes; and random text of the
// runes normalisation maps, keeps or cannot decode.
func TestNormalizeMatchesReference(t *testing.T) {
	for c := 0xe0; c <= 0xef; c++ {
		for c1 := 0x70; c1 <= 0xc1; c1++ {
			for _, c2 := range []byte{0x7f, 0x80, 0x8b, 0x90, 0x94, 0xa0, 0xbf, 0xc0} {
				seq := string([]byte{byte(c), byte(c1), c2})
				checkNormalize(t, "4"+seq+"1")
				checkNormalize(t, seq)
				checkNormalize(t, seq[:2])
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 2026))
	pieces := []string{"4", "1111", " ", "\uff14", "\uff11", "\u200b", "\u3000", "\u0966", "\u00a0", "\u0664",
		"\uff20", "\uff0e", "\u2010", "\ufeff", "\u4e2d", "\U0001d7ce", "%40", "%2E", "%zz", "\xe0\x80\x80",
		"\xed\xa0\x80", "\xef\xbf", "\xe2", "\xff", "a@b.c", strings.Repeat("x", 17)}
	changed := 0
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		if checkNormalize(t, b.String()) {
			changed++
		}
	}
	if changed < 5000 {
		t.Errorf("only %d random texts changed: the test compares too few normalised views", changed)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"\uff14\uff11\uff11\uff11", "4\u200b1", "\u3000", "\xe0\x80\x80", "\xed\xa0\x80", "%40%2E%34"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1024 {
			t.Skip()
		}
		checkNormalize(t, s)
	})
}
