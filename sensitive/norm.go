package sensitive

import (
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Values are written to evade detectors: full-width or Arabic-Indic digits,
// no-break and ideographic spaces, zero-width characters or soft hyphens
// between digits, full-width '@' and '.', percent-escapes ("jane%40example.com").
// Rather than teach every kind these forms, the scanner reads a normalised
// copy of such input in which each of them is its ASCII equivalent (or
// nothing), and maps offsets back. Input without any of them — almost all
// input — is read in place: the check is one pass that looks at eight bytes
// per step and allocates nothing.

// view is the text the built-in kinds read and how its offsets map back to
// the caller's text.
type view struct {
	s   string // what the built-in kinds read
	src string // the caller's text
	// marks[k] is the caller's offset of normalised byte k*markEvery; nil
	// when s is src. Offsets between marks are recomputed by reading the
	// source units forward, at most markEvery of them plus dropped ones.
	marks []int32
}

// markEvery spaces the offset marks: a map of four bytes per sixteen bytes
// of text, allocated once, against a short re-read per mapped offset (only
// findings' ends and scan restarts are mapped).
const markEvery = 16

func newView(src string) view {
	if !needsNormalizing(src) {
		return view{s: src, src: src}
	}
	return normalize(src)
}

// orig maps normalised offset i (0 <= i <= len(v.s)) to the caller's
// offset of the source unit that produced byte i.
func (v *view) orig(i int) int {
	if v.marks == nil {
		return i
	}
	if i >= len(v.s) {
		return len(v.src)
	}
	k := i / markEvery
	o := int(v.marks[k])
	for j := k * markEvery; j < i; j++ {
		o = v.nextUnit(o)
	}
	return o
}

// nextUnit returns where the source unit after the one at o that produces
// a byte starts, skipping dropped units.
func (v *view) nextUnit(o int) int {
	o += srcWidth(v.src, o)
	for o < len(v.src) {
		w, out, changed := normUnit(v.src, o, bmpMap())
		if !changed || out != 0 {
			break
		}
		o += w
	}
	return o
}

// srcWidth is the length of the source unit at o that produces one byte:
// unchanged text, ASCII or not, maps byte for byte.
func srcWidth(src string, o int) int {
	w, _, changed := normUnit(src, o, bmpMap())
	if !changed {
		return 1
	}
	return w
}

// origEnd maps the exclusive end e of a normalised span: the end of the
// source of its last byte, so a finding never swallows what follows it.
func (v *view) origEnd(e int) int {
	if v.marks == nil || e == 0 {
		return v.orig(e)
	}
	o := v.orig(e - 1)
	return o + srcWidth(v.src, o)
}

// toNorm returns the first normalised offset whose source starts at or after
// the caller's offset o.
func (v *view) toNorm(o int) int {
	if v.marks == nil {
		return o
	}
	return sort.Search(len(v.s), func(i int) bool { return v.orig(i) >= o })
}

// needsNormalizing reports whether s holds a byte sequence that normalize
// would change. It looks for '%' with the vectorised byte search, and for
// non-ASCII bytes and dropped controls 64 bytes a step, so text that needs
// nothing costs a small fraction of a scan.
func needsNormalizing(s string) bool {
	for i := 0; ; i++ {
		j := strings.IndexByte(s[i:], '%')
		if j < 0 {
			break
		}
		i += j
		if _, ok := percentAt(s, i); ok {
			return true
		}
	}
	i := nextNormByte(s, 0)
	if i == len(s) {
		return false
	}
	t := bmpMap()
	for i < len(s) {
		switch c := s[i]; {
		case c < utf8.RuneSelf:
			if droppedControl(c) {
				return true
			}
			i = nextNormByte(s, i+1)
		case c < 0xc2 || c > 0xf4:
			i++ // a byte that starts no UTF-8 sequence: decoding it would only say so
		default:
			r, n := decodeRune(s, i)
			if r != utf8.RuneError || n > 1 {
				if _, ok := mapDecoded(r, t); ok {
					return true
				}
			}
			i += n
		}
	}
	return false
}

// droppedControl reports whether normalisation removes ASCII byte c: a C0
// control other than the five that lay text out (tab, line feed, vertical
// tab, form feed, carriage return), or DEL. NUL and its like are no part of
// any value, and readers that drop them (C strings, databases, log
// sanitisers) join what they split: "jane.doe\x00@example.com" is an
// address once the NUL is gone. The layout controls split values on
// purpose: a line break between two numbers does not make them one.
func droppedControl(c byte) bool { return c < 0x20 && c-'\t' > '\r'-'\t' || c == 0x7f }

// nextNormByte returns the index of the first byte at or after i that is a
// dropped control or may start a rune that normalisation changes (0xa0 or
// above: UTF-8 lead bytes start at 0xc2), or len(s). '%' is searched for
// apart, with the vectorised byte search.
func nextNormByte(s string, i int) int {
	// The filter of 64 bytes a step never misses: subtracting 0x20 from a
	// byte below it borrows and sets its high bit, and leaves the high bit
	// of one of 0xa0 or above; adding one to DEL sets its high bit. A
	// borrow marks only the byte above a marked one (or unmarks one of 0xa0
	// above a marked one), a carry (out of 0xff, itself marked) only the
	// byte above too. The filter costs a subtraction a word more than the
	// search for non-ASCII bytes it replaced, and DEL's addition and OR one
	// more: see filterNorm.
	for ; i+64 <= len(s); i += 64 {
		b := s[i : i+64]
		if (filterNorm(load64(b, 0))|filterNorm(load64(b, 8))|filterNorm(load64(b, 16))|filterNorm(load64(b, 24))|
			filterNorm(load64(b, 32))|filterNorm(load64(b, 40))|filterNorm(load64(b, 48))|filterNorm(load64(b, 56)))&byteHighs == 0 {
			continue
		}
		// The layout controls pass the filter too, and text of lines
		// has one every few blocks: the words the filter marks are read
		// exactly, the block's other words at the filter's cost alone.
		if j := blockStop(b); j < 64 {
			return i + j
		}
	}
	for ; i+8 <= len(s); i += 8 {
		if m := normMarks(load64(s, i)); m != 0 {
			return i + firstMarked(m)
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c >= 0xa0 || droppedControl(c) {
			return i
		}
	}
	return i
}

// blockStop returns the index of the first byte nextNormByte stops at in
// the block b of 64 bytes, or 64. It is unrolled: a block of text with a
// line break in it costs eight filters and one exact test.
func blockStop(b string) int {
	b = b[:64]
	if v := load64(b, 0); filterNorm(v)&byteHighs != 0 {
		if m := normMarks(v); m != 0 {
			return 0 + firstMarked(m)
		}
	}
	if v := load64(b, 8); filterNorm(v)&byteHighs != 0 {
		if m := normMarks(v); m != 0 {
			return 8 + firstMarked(m)
		}
	}
	if v := load64(b, 16); filterNorm(v)&byteHighs != 0 {
		if m := normMarks(v); m != 0 {
			return 16 + firstMarked(m)
		}
	}
	if v := load64(b, 24); filterNorm(v)&byteHighs != 0 {
		if m := normMarks(v); m != 0 {
			return 24 + firstMarked(m)
		}
	}
	if v := load64(b, 32); filterNorm(v)&byteHighs != 0 {
		if m := normMarks(v); m != 0 {
			return 32 + firstMarked(m)
		}
	}
	if v := load64(b, 40); filterNorm(v)&byteHighs != 0 {
		if m := normMarks(v); m != 0 {
			return 40 + firstMarked(m)
		}
	}
	if v := load64(b, 48); filterNorm(v)&byteHighs != 0 {
		if m := normMarks(v); m != 0 {
			return 48 + firstMarked(m)
		}
	}
	if v := load64(b, 56); filterNorm(v)&byteHighs != 0 {
		if m := normMarks(v); m != 0 {
			return 56 + firstMarked(m)
		}
	}
	return 64
}

// filterNorm is nextNormByte's filter of a word: the high bit of a byte
// below 0x20 or of 0xa0 and above (the subtraction), or of DEL (the
// addition, which marks every byte of 0x7f and above).
func filterNorm(v uint64) uint64 { return (v - byteOnes*0x20) | (v + byteOnes) }

// normMarks marks exactly the bytes of v that nextNormByte stops at: with
// each byte's high bit set before the subtractions, no borrow leaves its
// byte, and a high bit that stays set says the byte's low seven bits are at
// least the constant. DEL is the byte whose XOR with 0x7f is zero, tested
// on the low seven bits so that no carry leaves a byte either.
func normMarks(v uint64) uint64 {
	h := v | byteHighs
	ge09, ge0e, ge20 := h-byteOnes*0x09, h-byteOnes*0x0e, h-byteOnes*0x20
	x := v ^ byteOnes*0x7f
	del := ^((x&^byteHighs + byteOnes*0x7f) | x)
	return ((^ge09|ge0e&^ge20)&^v | ge20&v | del) & byteHighs
}

// decodeRune is utf8.DecodeRuneInString(s[i:]) with the two-byte forms
// (Latin, Greek, Cyrillic, Arabic, Hebrew letters and digits, no-break
// space, soft hyphen) decoded inline: they are most of the non-ASCII text
// that reaches normalisation.
func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c >= 0xc2 && c <= 0xdf && i+1 < len(s) && s[i+1]&0xc0 == 0x80 {
		return rune(c&0x1f)<<6 | rune(s[i+1]&0x3f), 2
	}
	return utf8.DecodeRuneInString(s[i:])
}

// byteOnes has a one in each byte of a word and byteHighs each byte's high
// bit: the constants of the word-at-a-time tests (load64).
const (
	byteOnes  = 0x0101010101010101
	byteHighs = 0x8080808080808080
)

// load64 reads eight bytes of s at i, little-endian; the compiler makes it
// one load.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// normalize builds the normalised view of s in one pass. The text is never
// longer than s, so it and the offset marks are each allocated once.
func normalize(s string) view {
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
		if byteClass[c]&cNorm == 0 {
			// Copy a run of plain ASCII at once, with its marks.
			j := i + 1
			for j < len(s) && byteClass[s[j]]&cNorm == 0 {
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
		} else if c >= 0xe0 && c <= 0xef && i+2 < len(s) && valid3(c, s[i+1], s[i+2]) {
			// Three-byte runes, inline too: full-width forms, zero-width
			// characters, the ideographic space, Indic digits.
			w = 3
			m := t[rune(c&0x0f)<<12|rune(s[i+1]&0x3f)<<6|rune(s[i+2]&0x3f)]
			out, ch = m&^mapDrop, m != mapKeep
		} else if c < 0x20 || c == 0x7f {
			// Dropped controls (cNorm marks no other byte below 0x20),
			// a run at once, eight bytes a step.
			for i++; i+8 <= len(s); i += 8 {
				if v := load64(s, i); v&byteHighs != 0 || normMarks(v) != byteHighs {
					break // a byte that is no dropped control
				}
			}
			for ; i < len(s) && droppedControl(s[i]); i++ {
			}
			changed = true
			continue
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

// valid3 reports whether lead byte c (0xe0–0xef) and c1, c2 are a UTF-8
// sequence utf8.DecodeRuneInString accepts: no overlong form (after 0xe0,
// c1 is at least 0xa0) and no surrogate (after 0xed, c1 is below 0xa0).
func valid3(c, c1, c2 byte) bool {
	lo, hi := byte(0x80), byte(0xbf)
	switch c {
	case 0xe0:
		lo = 0xa0
	case 0xed:
		hi = 0x9f
	}
	return c1 >= lo && c1 <= hi && c2&0xc0 == 0x80
}

// normUnit reads the unit at s[i]: its width, the ASCII byte it becomes (0
// when dropped) and whether it changes; unchanged units are a byte, or a
// whole rune when it is not ASCII. t is bmpMap().
func normUnit(s string, i int, t *runeTable) (w int, out byte, changed bool) {
	c := s[i]
	switch {
	case c == '%':
		if b, ok := percentAt(s, i); ok {
			return 3, b, true
		}
	case c < 0x20 || c == 0x7f:
		if droppedControl(c) {
			return 1, 0, true
		}
	case c >= utf8.RuneSelf:
		r, n := decodeRune(s, i)
		if r == utf8.RuneError && n <= 1 {
			return 1, 0, false
		}
		b, ok := mapDecoded(r, t)
		return n, b, ok
	}
	return 1, c, false
}

// percentAt decodes the escape "%XX" at s[i] when it encodes a byte that can
// be part of a value: a letter, a digit, or one of "@.-+_ ". Escapes of
// delimiters ("%26", "%3D", "%2F") stay as they are, so a URL keeps its
// structure.
func percentAt(s string, i int) (byte, bool) {
	if i+2 >= len(s) {
		return 0, false
	}
	// Two lookups and a third: text of escapes ("%40%2E%34…") decodes one
	// at every three bytes, and the tests of hex digits and of the
	// decoded byte were a dozen branches.
	h, l := hexValue[s[i+1]], hexValue[s[i+2]]
	if h|l > 0xf {
		return 0, false
	}
	if b := h<<4 | l; percentKeeps[b] {
		return b, true
	}
	return 0, false
}

// hexValue holds each byte's value as a hex digit, or 0xff; percentKeeps
// marks the bytes percentAt decodes: letters, digits and "@.-+_ ". Both are
// read-only tables, filled at initialisation.
var hexValue, percentKeeps = func() (hv [256]byte, keeps [256]bool) {
	for c := range hv {
		b := byte(c)
		switch {
		case isDigit(b):
			hv[c] = b - '0'
		case (b|0x20)-'a' < 6:
			hv[c] = (b | 0x20) - 'a' + 10
		default:
			hv[c] = 0xff
		}
		keeps[c] = isAlnum(b) || strings.IndexByte("@.-+_ ", b) >= 0
	}
	return
}()

// mapDecoded returns the ASCII byte that rune r stands for, 0 for a rune
// that is dropped (a format character), and false for a rune that is kept
// as it is. t is bmpMap().
func mapDecoded(r rune, t *runeTable) (byte, bool) {
	if r > 0xffff {
		return classifyRune(r)
	}
	switch m := t[r]; m {
	case mapKeep:
		return 0, false
	case mapDrop:
		return 0, true
	default:
		return m, true
	}
}

// runeTable maps each rune of the Basic Multilingual Plane to mapKeep,
// mapDrop or its ASCII byte.
type runeTable = [1 << 16]byte

const (
	mapKeep = 0    // the rune stays as it is
	mapDrop = 0x80 // the rune is removed
)

// bmpMap is classifyRune for the Basic Multilingual Plane as a table, built
// on first use (only input with non-ASCII bytes needs it): one load instead
// of three binary searches of Unicode tables per rune.
var bmpMap = sync.OnceValue(func() *runeTable {
	var t runeTable
	for r := rune(utf8.RuneSelf); r <= 0xffff; r++ {
		switch b, ok := classifyRune(r); {
		case !ok:
			t[r] = mapKeep
		case b == 0:
			t[r] = mapDrop
		default:
			t[r] = b
		}
	}
	return &t
})

// classifyRune decides, for one rune, what mapDecoded returns.
func classifyRune(r rune) (byte, bool) {
	switch {
	case r >= 0xff01 && r <= 0xff5e: // full-width forms of ASCII '!'..'~'
		return byte(r - 0xfee0), true
	case r == 0x3002, r == 0xff61, r == 0xfe52, r == 0x2024: // ideographic, half-width, small full stops
		return '.', true
	case r == 0xfe6b: // small commercial at
		return '@', true
	case r >= 0x2010 && r <= 0x2015, r == 0x2212, r == 0xfe58, r == 0xfe63: // hyphens, dashes, minus
		return '-', true
	case unicode.Is(unicode.Zs, r): // no-break, thin, ideographic and other spaces
		return ' ', true
	case unicode.Is(unicode.Cf, r): // zero-width space and joiners, soft hyphen, bidi marks
		return 0, true
	case r >= 0x80 && r <= 0x9f && r != 0x85:
		// C1 controls, dropped as the C0 ones are (droppedControl); NEL
		// is a line break and splits as line feed does.
		return 0, true
	}
	if d, ok := digitValue(r); ok {
		return '0' + d, true
	}
	if d, ok := compatDigit(r); ok {
		return '0' + d, true
	}
	return 0, false
}

// compatDigit returns the value of a digit that is no decimal digit (Unicode
// No) but whose compatibility form (NFKC) is one ASCII digit: superscripts,
// subscripts and circled digits. A log indexer that normalises text, and
// any reader, reads ⁴¹¹¹ as 4111 (review of the detector: a card written in
// superscripts passed in a tag). These thirty runes are all of them: every
// rune of Unicode run through golang.org/x/text/unicode/norm's NFKC (v0.37.0)
// outside Nd gives one ASCII digit for these and no other
// (TestCompatibilityDigits lists them). A circled 10 and the like, whose
// form is two digits, are not among them.
func compatDigit(r rune) (byte, bool) {
	switch {
	case r == 0xb9: // ¹
		return 1, true
	case r == 0xb2, r == 0xb3: // ², ³
		return byte(r - 0xb0), true
	case r == 0x2070, r >= 0x2074 && r <= 0x2079: // ⁰, ⁴–⁹
		return byte(r - 0x2070), true
	case r >= 0x2080 && r <= 0x2089: // ₀–₉
		return byte(r - 0x2080), true
	case r >= 0x2460 && r <= 0x2468: // ①–⑨
		return byte(r - 0x2460 + 1), true
	case r == 0x24ea: // ⓪
		return 0, true
	}
	return 0, false
}

// digitValue returns the value of a decimal digit (Unicode Nd). Unicode
// assigns Nd characters only in contiguous runs of ten, from 0 to 9, so the
// value is the distance from the start of the run modulo ten; the runs of
// the table are merged runs of ten.
func digitValue(r rune) (byte, bool) {
	t := unicode.Nd
	if r <= 0xffff {
		k := sort.Search(len(t.R16), func(k int) bool { return rune(t.R16[k].Hi) >= r })
		if k < len(t.R16) && rune(t.R16[k].Lo) <= r && t.R16[k].Stride == 1 {
			return byte((r - rune(t.R16[k].Lo)) % 10), true
		}
		return 0, false
	}
	k := sort.Search(len(t.R32), func(k int) bool { return rune(t.R32[k].Hi) >= r })
	if k < len(t.R32) && rune(t.R32[k].Lo) <= r && t.R32[k].Stride == 1 {
		return byte((r - rune(t.R32[k].Lo)) % 10), true
	}
	return 0, false
}
