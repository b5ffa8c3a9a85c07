package sensitive

import "math/bits"

// shortMax is the longest text shortClean reads: a name, a tag, a job's
// name. Below 64, so that a digit run never reaches the mask's top bit.
const shortMax = 63

// shortClean reports whether s, at most shortMax bytes, provably holds no
// finding of d, in one pass and without the scanner: the guards ask the
// detector about one new short name per call, with nothing in it, and
// between calls the SDK evicts the scanner's code, so what that answer
// costs is the cache lines it reads. False means only "not proven": the
// full scan decides.
//
// The proof is the scanner's own: anchorsIn's anchors for the kinds that
// have one (and secretLen for the secret key), and for the numeric kinds
// gated's tables, which generateNumeric reads every candidate through: a
// digit run that passes no gate starts no kind's value. A caller rule may
// match anything, and text that normalising may change is read as changed,
// so neither is proven here.
func shortClean(d *Detector, s string) bool {
	if len(s) > shortMax {
		return false
	}
	live := uint16(1<<numBuiltins - 1)
	if d != nil {
		if len(d.rules) > 0 {
			return false
		}
		live = d.liveKinds()
	}
	var seen uint16
	for i := 0; i < len(s); i++ {
		seen |= byteClass[s[i]]
	}
	// Every anchor ends the short path, live or not: names rarely have
	// one, and the scanner knows what a dead kind's anchor is worth.
	if seen&(cAt|cColon|cEq|cA|cNorm) != 0 || len(s) >= secretLen && live&(1<<bSecretKey) != 0 {
		return false
	}
	if seen&cDigit == 0 {
		return true
	}
	// The text between three zero bytes either side: 0 stands for the
	// bytes before and after the text, as in gated, and no run's look-
	// around needs a bounds test. Its digits are read a word at a time.
	var b [shortMax + 9]byte
	copy(b[3:], s)
	var m uint64
	for k := 0; k < len(s); k += 8 {
		m |= digitBits(load64b(b[(3+k)&63:])) << k // k < 63: the mask only spares a bounds check
	}
	// gAcctQual's runs are those atBefore finds an '@' before, and there
	// is none.
	want := gatesFor(live) &^ gAcctQual
	t := gateTabs
	for m != 0 {
		// The lowest run of ones in m, as in gated: it ends below bit 63,
		// so the carry never leaves the word. The run is b[i+3:j+3].
		low := m & -m
		x := m + low
		i, j := bits.TrailingZeros64(low), bits.TrailingZeros64(x)
		m &= x
		prev3, prev2, prev := b[i], b[i+1], b[i+2]
		pass := t[gPrev3][prev3] & t[gPrev2][prev2] & t[gPrev][prev] & t[gFirst][b[i+3]] &
			t[gNext][b[j+3]] & t[gNext2][b[j+4]] & t[gNext3][b[j+5]] & t[gLen][uint8(j-i)] & want
		if pass == 0 {
			continue
		}
		// gated's own tests of a run that passes a gate, which drop it:
		// the inside of a longer number, and a keyword's end that is none.
		if j-i < 13 && isDigit(prev2) && is(prev, cSep) && prev != ' ' && prev != '\t' {
			continue
		}
		if pass&accountGates != 0 && !accountEnding(pass, prev, prev2, prev3) {
			pass &^= accountGates
		}
		if pass != 0 {
			return false
		}
	}
	return true
}
