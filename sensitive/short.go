package sensitive

import "math/bits"

// shortMax is the longest text shortClean reads: a name, a tag, a job's
// name. A secret key needs secretLen bytes, so no shorter text holds one,
// and a digit run in it never reaches the mask's top bit.
const shortMax = secretLen - 1

// shortGates are the gates of every numeric kind but gAcctQual, whose runs
// are those atBefore finds an '@' before: shortClean reads none with an '@'.
const shortGates = cardGates | ssnGates | ibanGates | phoneGates | accountGates&^gAcctQual

// shortClean reports whether s, at most shortMax bytes, provably holds no
// finding of d, in one pass and without the scanner: the guards ask the
// detector about one new short name per call, with nothing in it, and
// between calls the SDK evicts the scanner's code, so what that answer
// costs is the cache lines and branches it reads. False means only "not
// proven": the full scan decides. The rare cases are apart, so that the
// path of a clean name is a few contiguous lines.
//
// The proof is the scanner's own: anchorsIn's anchors for the kinds that
// have one (for the access key, its own generator), and for the numeric
// kinds gated's tables, which generateNumeric reads every candidate
// through: a digit run that passes no gate starts no kind's value. A caller
// rule may match anything, and text that normalising may change is read
// as changed, so neither is proven here.
func shortClean(d *Detector, s string) bool {
	if len(s) > shortMax {
		return false
	}
	want := shortGates
	if d != nil {
		if len(d.rules) > 0 {
			return false
		}
		if live := d.liveKinds(); live&numericKinds != numericKinds {
			want = shortGatesFor(live)
		}
	}
	// The text between three zero bytes either side: 0 stands for the
	// bytes before and after the text, as in gated, and no run's look-
	// around needs a bounds test.
	var b [72]byte
	var seen uint16
	for i := 0; i < len(s); i++ {
		c := s[i]
		b[i+3] = c
		seen |= byteClass[c]
	}
	// Every anchor but 'A' ends the short path, live or not: names rarely
	// have one, and the scanner knows what a dead kind's anchor is worth.
	if seen&(cAt|cColon|cEq|cNorm) != 0 || seen&cA != 0 && len(s) >= accessKeyLen && shortAccessKey(d, s) {
		return false
	}
	if seen&cDigit == 0 {
		return true
	}
	var m uint64
	for k := 0; k < len(s); k += 8 {
		m |= digitBits(load64b(b[(3+k)&63:])) << uint(k) // k < 40: the mask only spares a bounds check
	}
	t := gateTabs
	for m != 0 {
		// The lowest run of ones in m, as in gated: it ends below bit 63,
		// so the carry never leaves the word. The run is b[i+3:j+3].
		low := m & -m
		x := m + low
		i, j := bits.TrailingZeros64(low), bits.TrailingZeros64(x)
		m &= x
		pass := t[gPrev3][b[i]] & t[gPrev2][b[i+1]] & t[gPrev][b[i+2]] & t[gFirst][b[i+3]] &
			t[gNext][b[j+3]] & t[gNext2][b[j+4]] & t[gNext3][b[j+5]] & t[gLen][uint8(j-i)] & want
		if pass != 0 && shortRunPasses(pass, b[i], b[i+1], b[i+2], j-i) {
			return false
		}
	}
	return true
}

// provedClean reports whether shortClean proves s clean, s being short
// enough for it to read (the length tested here first, so that a longer
// text's scan does not pay for the call), and holds the answer to the full
// scan in a sensitive_shortcheck build. First and AppendFind (and through
// them Contains, Find and Redact) return nothing when it says so.
func provedClean(d *Detector, s string) bool {
	if len(s) > shortMax || !shortClean(d, s) {
		return false
	}
	if shortCheck {
		mustFindNothing(d, s)
	}
	return true
}

// shortGatesFor is shortGates for the kinds in live: a detector built
// with Options.Kinds, apart from shortClean's path.
//
//go:noinline
func shortGatesFor(live uint16) uint32 { return gatesFor(live) &^ gAcctQual }

// accessKeyLen is the length of an access key ID.
const accessKeyLen = 20

// shortAccessKey reports whether d may find an access key ID in s, which has
// an 'A' (in most upper-case words, "INTERACTIONS", "ARN"): its own
// generator answers, apart from shortClean's path.
//
//go:noinline
func shortAccessKey(d *Detector, s string) bool {
	if d != nil && d.liveKinds()&(1<<bAccessKey) == 0 {
		return false
	}
	p, _ := nextAccessKey(s, 0)
	return p >= 0
}

// shortRunPasses reports whether a digit run of n bytes after prev3,
// prev2, prev, that passes the gates pass of gated's tables, passes
// gated's own tests too, which drop the inside of a longer number and a
// keyword's end that is none. Apart from shortClean's path: few runs in
// names pass a gate.
//
//go:noinline
func shortRunPasses(pass uint32, prev3, prev2, prev byte, n int) bool {
	if n < 13 && isDigit(prev2) && is(prev, cSep) && prev != ' ' && prev != '\t' {
		return false
	}
	if pass&accountGates != 0 && !accountEnding(pass, prev, prev2, prev3) {
		pass &^= accountGates
	}
	return pass != 0
}
