package sensitive

import (
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// gatedRef is runWalk.gated as it was before the runs inside a block were
// read from one slice of known length: one loop for every run, the bytes
// around each loaded with their own bounds checks, the eight gate tables
// apart, and the inside of a longer number tested before the tables.
// TestGatedMatchesReference and FuzzGated hold gated to it.
func (w *runWalk) gatedRef(s string, want uint32) (p, e int, pass uint32) {
	for {
		if p, e = w.nextRunRef(s); p < 0 {
			return -1, -1, 0
		}
		if pass, _, _, _, _ = runGatesRef(s, p, e, want); pass != 0 {
			return p, e, pass
		}
	}
}

// nextRunRef is the old step of gatedRef and walkQueuedRef to the next run
// of digits [p, e) of s, or p = -1 at the end of the text.
func (w *runWalk) nextRunRef(s string) (p, e int) {
	if w.m == 0 {
		q := indexDigit(s, w.base+64)
		if q < 0 {
			return -1, -1
		}
		w.base, w.m = q, digitMask(s, q)
	}
	low := w.m & -w.m
	x := w.m + low
	p = w.base + bits.TrailingZeros64(low)
	if x != 0 {
		e = w.base + bits.TrailingZeros64(x)
		w.m &= x
	} else {
		e = runEnd(s, w.base+64)
		w.base, w.m = e-64, 0
	}
	return p, e
}

// runGatesRef is the old test of one run [p, e) of s against the gate
// tables, which gatedRef and walkQueuedRef share: the gates of want the
// run passes, 0 for the inside of a longer number, and the bytes before
// and after the run that the kinds' own tests read.
func runGatesRef(s string, p, e int, want uint32) (pass uint32, prev3, prev2, prev, next byte) {
	n := e - p
	var next2, next3 byte
	if p >= 3 {
		prev, prev2, prev3 = s[p-1], s[p-2], s[p-3]
	} else {
		prev3, prev2, prev = byteAt(s, p-3), byteAt(s, p-2), byteAt(s, p-1)
	}
	if e+3 <= len(s) {
		next3, next2, next = s[e+2], s[e+1], s[e]
	} else {
		next, next2, next3 = byteAt(s, e), byteAt(s, e+1), byteAt(s, e+2)
	}
	if n < 13 && isDigit(prev2) && is(prev, cSep) && prev != ' ' && prev != '\t' {
		return 0, prev3, prev2, prev, next
	}
	pass = gatePrev[prev] & gateNext[next] & gateLen[min(uint(n), maxGateLen)] & gateFirst[s[p]] &
		gatePrev2[prev2] & gateNext2[next2] & gatePrev3[prev3] & gateNext3[next3] & want
	return pass, prev3, prev2, prev, next
}

// gatedWants are the gate sets the walks ask for: every kind's, each
// kind's alone, and a few mixes.
var gatedWants = []uint32{
	gatesFor(numericKinds), cardGates, ssnGates, ibanGates, phoneGates, accountGates,
	cardGates | accountGates, phoneGates | ssnGates, gatesFor(numericKinds &^ (1 << bCard)),
}

// gatedRefKept is gatedRef followed by two of the kinds' first tests as
// generateNumeric made them: the account test's look at the bytes before
// the run, and the card's at a group of four inside a sequence. A run
// loses the gates of a test it fails, and is skipped if it passes no other
// gate.
func (w *runWalk) gatedRefKept(s string, want uint32) (p, e int, pass uint32) {
	for {
		p, e, pass = w.gatedRef(s, want)
		if p < 0 {
			return p, e, pass
		}
		prev3, prev2, prev, next := byteAt(s, p-3), byteAt(s, p-2), byteAt(s, p-1), byteAt(s, e)
		if pass&accountGates != 0 && !(pass&accountGluedGates != 0 && accountFinals.end(prev, prev2) ||
			pass&accountGapGates != 0 && (accountFinals.end(prev2, prev3) || is(prev2, cGap))) {
			pass &^= accountGates &^ gAcctQual
		}
		if pass&gAcctQual != 0 {
			// The word before the gap byte, however long, after an '@'.
			w := strings.TrimRightFunc(s[:p-1], func(r rune) bool { return r < 0x80 && isAlnum(byte(r)) })
			if p-1-len(w) > maxQualifier || !strings.HasSuffix(w, "@") {
				pass &^= gAcctQual
			}
		}
		if pass&gGrouped4 != 0 && (prev == ' ' || prev == '\t') && next != '.' && next|0x20 != 'e' && midSequence(s, p) {
			pass &^= cardGates
		}
		if pass != 0 {
			return p, e, pass
		}
	}
}

// checkGatedSame walks s from each offset in froms with gated and
// gatedRefKept for every set in gatedWants, and fails on the first
// difference in a run, its gates or the walk's position.
func checkGatedSame(t *testing.T, s string, froms []int) {
	t.Helper()
	for _, from := range froms {
		i := from
		if i > 0 && i < len(s) && isDigit(s[i-1]) {
			i = runEnd(s, i)
		}
		for _, want := range gatedWants {
			got := runWalk{base: i, m: digitMask(s, i)}
			ref := got
			for {
				p, e, pass := got.gated(s, want)
				rp, re, rpass := ref.gatedRefKept(s, want)
				if p != rp || e != re || pass != rpass || got != ref {
					t.Fatalf("input %q from %d, gates %b: gated gave [%d,%d) %b at %+v; the reference [%d,%d) %b at %+v",
						s, from, want, p, e, pass, got, rp, re, rpass, ref)
				}
				if p < 0 {
					break
				}
			}
		}
	}
}

// TestGatedMatchesReference compares gated with gatedRefKept on the corpus, the
// benchmark texts, the pathological units, runs at every place in and
// across a block, and random strings over numericAlphabet.
func TestGatedMatchesReference(t *testing.T) {
	for _, cl := range readCorpus(t) {
		checkGatedSame(t, cl.text, []int{0, 1, 2, 3})
		if v := newView(cl.text); v.s != cl.text {
			checkGatedSame(t, v.s, []int{0})
		}
	}
	for _, s := range []string{cleanText(t, 64<<10), proseText(t, 16<<10), denseText(16 << 10)} {
		checkGatedSame(t, s, someOffsets(s))
	}
	for _, p := range pathological {
		s := newView(repeatTo(p.unit, 700)).s
		checkGatedSame(t, s, []int{0, 1, 2, 3, 64, 65})
	}
	for n := 1; n <= 140; n++ {
		for _, at := range []int{0, 1, 2, 3, 4, 7, 8, 55, 56, 60, 61, 62, 63, 64, 65, 66, 67, 127, 128} {
			for _, around := range []string{"x", " ", "-", "+", ".", "acct ", "1-", "DE"} {
				s := strings.Repeat(around, at) + strings.Repeat("4", n) + around + "12"
				checkGatedSame(t, s, []int{0, 1, at, at + 1, at + n})
				checkGatedSame(t, s[:len(s)-2], []int{0})
			}
		}
	}
	r := rand.New(rand.NewPCG(8, 2026))
	for range 2000 {
		var b strings.Builder
		for k := r.IntN(300); k > 0; k-- {
			b.WriteByte(numericAlphabet[r.IntN(len(numericAlphabet))])
		}
		s := b.String()
		checkGatedSame(t, s, []int{0, 1, 2, 3, 4, r.IntN(len(s) + 1)})
	}
}

func FuzzGated(f *testing.F) {
	seedFromCorpus(f)
	for _, p := range pathological {
		f.Add(repeatTo(p.unit, 150))
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			t.Skip()
		}
		checkGatedSame(t, s, []int{0, 1, 2, 3, 4, len(s) / 2})
	})
}

// TestAccountLastMatchesEndings holds the two lookups of accountEnding to
// accountFinals.end for every pair of bytes.
func TestAccountLastMatchesEndings(t *testing.T) {
	for last := range 256 {
		for before := range 256 {
			l, b := byte(last), byte(before)
			if got, want := accountLast[l]&letterBits[b] != 0, accountFinals.end(l, b); got != want {
				t.Fatalf("ending %q%q: the tables say %v, accountFinals.end %v", b, l, got, want)
			}
		}
	}
}
