package sensitive

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// cardAtRunEnd is cardAt as it was, before runOf: every group read to its
// end by runEnd.
func cardAtRunEnd(s string, p, e0 int) int {
	n := e0 - p
	if e0 < len(s) && (s[e0] == '.' || s[e0]|0x20 == 'e') && jsonCardShape(s, e0, n) {
		if e := cardNumberAt(s, p); e >= 0 {
			return e
		}
	}
	if n != 4 {
		if n < 13 || n > 19 || !plainStartOK(s, p) || !plainEndOK(s, e0) {
			return -1
		}
		if n >= 17 && !cardKeywordBefore(s, p) {
			return -1
		}
		if cardValid(s, p, e0) {
			return e0
		}
		return -1
	}
	if len(s)-e0 < 10 || !groupedStartOK(s, p) || midSequence(s, p) {
		return -1
	}
	if s[e0] == '=' {
		return cardAtEqRef(s, p, e0)
	}
	var ends, lens [5]int
	ends[0], lens[0] = e0, 4
	k, total := 1, 4
	for i := e0; k < len(ends); k++ {
		j := sepEnd(s, i)
		if j == i || j >= len(s) || !isDigit(s[j]) {
			if j == i && j < len(s) && s[j] == '=' {
				if c := cardAtEqRef(s, p, e0); c >= 0 {
					return c
				}
			}
			break
		}
		e := runEnd(s, j)
		n := e - j
		if n > 6 || total+n > 19 {
			break
		}
		ends[k], lens[k] = e, n
		total += n
		i = e
		if n != 4 && !(k == 1 && n == 6) {
			k++
			break
		}
	}
	for m := k; m >= 2; m-- {
		if !cardGrouping(lens[:m]) || !groupedEndOK(s, ends[m-1]) {
			continue
		}
		if cardValid(s, p, ends[m-1]) {
			return ends[m-1]
		}
	}
	return -1
}

// joinedNumberRe matches a number of digit groups joined by a lone '=' or
// a run of up to three separators, and joinedGroupRe its groups.
var joinedNumberRe, joinedGroupRe = regexp.MustCompile(`^[0-9]+(?:(?:=|[ \t/:+._-]{1,3})[0-9]+)*`), regexp.MustCompile(`[0-9]+`)

// cardAtEqRef is cardAtEq by joinedNumberRe: of the number joined so from
// p, which may not go on from a digit or, but after a card keyword, a name
// before p, the longest first two to five groups that hold an '=' join,
// are a card grouping and a valid card and stand apart (groupedStartOK,
// asked by the caller, and groupedEndOK; no '=' after them).
func cardAtEqRef(s string, p, e0 int) int {
	if p >= 1 && s[p-1] == '=' && (p >= 2 && isDigit(s[p-2]) || !cardKeywordBefore(s, p)) {
		return -1
	}
	m := joinedNumberRe.FindString(s[p:])
	groups := joinedGroupRe.FindAllStringIndex(m, 5)
	for k := len(groups); k >= 2; k-- {
		end := p + groups[k-1][1]
		lens := make([]int, k)
		for i, g := range groups[:k] {
			lens[i] = g[1] - g[0]
		}
		if !strings.Contains(s[p:end], "=") || (end+1 < len(s) && s[end] == '=' && isDigit(s[end+1])) ||
			!cardGrouping(lens) || !groupedEndOK(s, end) || !cardValid(s, p, end) || eqPairsRef(m, groups[:k]) && !cardWordBefore(s, p) {
			continue
		}
		return end
	}
	return -1
}

// eqPairsRef is eqPairs read from the joins of number's groups: a join with
// a blank between two joins that are a lone '='.
func eqPairsRef(number string, groups [][]int) bool {
	join := func(i int) string { return number[groups[i-1][1]:groups[i][0]] }
	for i := 2; i+1 < len(groups); i++ {
		if j := join(i); strings.ContainsAny(j, " \t") && join(i-1) == "=" && join(i+1) == "=" {
			return true
		}
	}
	return false
}

// cardMayStartRunEnd is cardMayStart as it was, its second group read by
// runEnd.
func cardMayStartRunEnd(s string, e, n int, grouped bool, g int, next byte) bool {
	switch {
	case n >= 13 && n <= 19:
		return true
	case n == 4 && grouped:
		if g2 := runEnd(s, g); g2-g == 4 || g2-g == 6 {
			if j := sepEnd(s, g2); j > g2 && j < len(s) && isDigit(s[j]) || g2+1 < len(s) && s[g2] == '=' && isDigit(s[g2+1]) {
				return true
			}
		}
	case n == 4 && next == '=':
		g := e + 1
		if g2 := runEnd(s, g); g2-g == 4 || g2-g == 6 {
			j := sepEnd(s, g2)
			return g2+1 < len(s) && s[g2] == '=' && isDigit(s[g2+1]) || j > g2 && j < len(s) && isDigit(s[j])
		}
	}
	return (next == '.' || next|0x20 == 'e') && jsonCardShape(s, e, n)
}

// checkCardAt holds cardAt and cardMayStart to their references at every
// digit run of s.
func checkCardAt(t *testing.T, s string) {
	t.Helper()
	for p := 0; p < len(s); p++ {
		if !isDigit(s[p]) || (p > 0 && isDigit(s[p-1])) {
			continue
		}
		e := runEnd(s, p)
		if got, want := cardAt(s, p, e), cardAtRunEnd(s, p, e); got != want {
			t.Fatalf("cardAt(%q, %d, %d) = %d, want %d", s, p, e, got, want)
		}
		next := byteAt(s, e)
		g := sepEnd(s, e)
		grouped := g > e && g < len(s) && isDigit(s[g])
		if got, want := cardMayStart(s, e, e-p, grouped, g, next), cardMayStartRunEnd(s, e, e-p, grouped, g, next); got != want {
			t.Fatalf("cardMayStart(%q, %d) = %v, want %v", s, p, got, want)
		}
	}
}

// TestCardAtMatchesReference holds cardAt and cardMayStart to the versions
// that read every group to its end, on groups of every length from one to
// twelve digits with every separator, at the end of the text and not, and
// on the pathological units.
func TestCardAtMatchesReference(t *testing.T) {
	for _, s := range []string{"4111 1111 1111 1111", "4111-1111-1111-1111 2025", "3782 822463 10005", "3056 930902 5904",
		"4111 1111111 1111 1111", "4111 111111111111", "card 4111 1111 1111 1", "4111 1111 1111 11111111", "4111 1111", "4111 111111",
		"4539=7036=9258=1474", "1=4539=7036=9258=1474", "4539=7036=9258=1474=1", "4539=7036 9258-1474", "3782=822463=10005",
		"x=4539=7036=9258=1474", "cc=4539=7036=9258=1474", "x = 4539=7036=9258=1474",
		"4539=7036-9258=1474", "4539 7036=9258=1474", "4539-7036-9258=1474 2025", "4539=7036 9258 1474=2025",
		"4539 7036=9258 1474 2025", "3782 822463=10005", "4539 = 7036=9258=1474", "4539=7036--9258=1474"} {
		checkCardAt(t, s)
	}
	for _, p := range pathological {
		checkCardAt(t, repeatTo(p.unit, 300))
	}
	r := rand.New(rand.NewPCG(16, 2026))
	cards := []string{"4111111111111111", "378282246310005", "30569309025904", "6011111111111117", "5500000000000004"}
	const seps = "  -./_:\t+x,=="
	for range 20000 {
		var b strings.Builder
		if r.IntN(3) == 0 {
			b.WriteString("card ")
		}
		digits := cards[r.IntN(len(cards))]
		for i := 0; i < len(digits); {
			n := min(1+r.IntN(12), len(digits)-i)
			if r.IntN(2) == 0 {
				n = min(4+2*r.IntN(2), len(digits)-i)
			}
			b.WriteString(digits[i : i+n])
			i += n
			for k := 1 + r.IntN(3); k > 0 && i < len(digits); k-- {
				b.WriteByte(seps[r.IntN(len(seps))])
			}
		}
		for k := r.IntN(3); k > 0; k-- {
			b.WriteByte(seps[r.IntN(len(seps))])
			b.WriteString(strings.Repeat("7", 1+r.IntN(9)))
		}
		checkCardAt(t, b.String())
	}
}

func FuzzCardAt(f *testing.F) {
	for _, s := range []string{"4111 1111 1111 1111", "3782 822463 10005", "4111 1111111 1111 1111", "4.111111111111111e15", "4111 1111",
		"4539=7036 9258=1474", "x 4539=7036 / 9258=1474=1", "4539=7036\t9258-1474"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1024 {
			t.Skip()
		}
		checkCardAt(t, s)
	})
}
