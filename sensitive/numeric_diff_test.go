package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// numericSets are the kind sets generateNumeric is asked for: all numeric
// kinds at the start of a scan, one kind after a finding of it (or an
// allow-listed value), and a few pairs.
var numericSets = []uint16{
	numericKinds, 1 << bCard, 1 << bSSN, 1 << bIBAN, 1 << bPhone, 1 << bAccount,
	1<<bCard | 1<<bAccount, 1<<bPhone | 1<<bSSN, numericKinds &^ (1 << bCard), letteredKinds,
}

// checkNumericSame runs generateNumeric and generateNumericRef on s from
// the offsets in froms, for every set in numericSets, and fails on the
// first difference in the candidates or in the kinds left live.
func checkNumericSame(t *testing.T, s string, froms []int) {
	t.Helper()
	for _, from := range froms {
		for _, set := range numericSets {
			var got, want scanner
			got.s, want.s = s, s
			got.live, want.live = numericKinds, numericKinds
			for i := range got.cands {
				got.cands[i].start, want.cands[i].start = stale, stale
			}
			got.generateNumeric(set, from)
			want.generateNumericRef(set, from)
			if got.live != want.live || got.cands != want.cands {
				t.Fatalf("input %q from %d, kinds %09b: generateNumeric left live %09b, candidates %v; the reference %09b, %v",
					s, from, set, got.live, got.cands, want.live, want.cands)
			}
		}
	}
}

// everyOffset returns 0 … len(s)+1: the scan may ask from past the end.
func everyOffset(s string) []int {
	froms := make([]int, 0, len(s)+2)
	for i := 0; i <= len(s)+1; i++ {
		froms = append(froms, i)
	}
	return froms
}

// someOffsets returns offsets spread over a long s: its start, both sides
// of a few block boundaries and a stride through the rest.
func someOffsets(s string) []int {
	froms := []int{0, 1, 63, 64, 65, len(s) - 1, len(s)}
	for i := 7; i < len(s); i += len(s)/61 + 1 {
		froms = append(froms, i)
	}
	return froms
}

// TestGenerateNumericMatchesReference compares the block-mask, table-gated
// walk over the digit runs with the run-by-run walk it replaced, on the
// corpus (raw and normalised), the benchmark texts, the pathological units
// and digit runs of every length at every offset of a block.
func TestGenerateNumericMatchesReference(t *testing.T) {
	for _, cl := range readCorpus(t) {
		checkNumericSame(t, cl.text, everyOffset(cl.text))
		if v := newView(cl.text); v.s != cl.text {
			checkNumericSame(t, v.s, everyOffset(v.s))
		}
	}
	for _, s := range []string{cleanText(t, 64<<10), proseText(t, 16<<10), denseText(16 << 10)} {
		checkNumericSame(t, s, someOffsets(s))
	}
	for _, p := range pathological {
		s := newView(repeatTo(p.unit, 700)).s
		checkNumericSame(t, s, everyOffset(s))
	}
	// Runs that end inside a block, at its last byte, and past it.
	for n := 1; n <= 140; n++ {
		for _, at := range []int{0, 1, 7, 8, 55, 56, 62, 63, 64, 65, 127, 128} {
			for _, around := range []string{"x", " ", "-", "+", ".", "acct "} {
				s := strings.Repeat(around, at) + strings.Repeat("4", n) + around + "12"
				checkNumericSame(t, s, []int{0, 1, at, at + 1, at + n})
			}
		}
	}
}

// numericAlphabet holds the bytes every numeric gate and parser looks at:
// digits, separators, letters that start keywords, IBAN country codes and
// exponents, the bytes before phones, and '@' before a keyword's qualifier.
const numericAlphabet = "0123456789012345678901234567890123456789 -./:+_\t(),#=\"eEaAcCtTDEGBNOxX\n@"

// TestGenerateNumericRandom compares the two walks on random strings over
// numericAlphabet, and on random mixes of realistic number fragments.
func TestGenerateNumericRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2026))
	n := 3000
	if testing.Short() {
		n = 300
	}
	frags := []string{"4111 1111 1111 1111", "4111111111111111", "123-45-6789", "123456789", "+44 20 7946 0958",
		"(212) 555-0187", "212-555-0187", "020 7946 0958", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432",
		"acct-12345678", "account number is 912803456", "4.111111111111111e15", "912803456.0", "2024-11-28",
		"1732800000123", "9fceb02d0ae598e95dc970b74767f19372d61af8", "f47ac10b-58cc-4372-a567-0e02b2c3d479",
		"111122223333", "v1.2.3", "0.42", "-3953814578718096702", "ssn ", "card ", " ", "-", "/", "x", "\n",
		"+1 ", "+1(800)FLOWERS", "+1 650 GOO OGLE", "+1-800-FLOWERS", "++1", "+44(0)20 7946 0958", "+4915112345678",
		"+1 (212) 555-0187", "+12", "+1234567 8", "+12345678 9", "(", ")", "+",
		"4111 ", "4111\t", "4111  ", "4111 \t ", "4111    ", "0411 ", "4111.", "4111e", "ab12 ", "RS35 2600 0560 1001 6113 70",
		"5500 0000 0000 0004", "3782 822463 10005", "4111 1111 1111 1111 2025", "\t",
		"4111.111111111111e12", "1234 4111.111111111111e12", "1234 4111.111111111111", "1234 4111e12",
		"acct 912 803 456", "ACCOUNT_NUMBER = 912 803 456", "acct 12 34 56 78 90", "account 1 234 567", "12 ", "acct ",
		"acct@bank ", "acct@bank=", "account@b2\t", "jane@bank ", "@x ", "acct@bank=912803456", "acct@bank 912 803 456"}
	for range n {
		var b strings.Builder
		if r.IntN(2) == 0 {
			for k := r.IntN(200); k > 0; k-- {
				b.WriteByte(numericAlphabet[r.IntN(len(numericAlphabet))])
			}
		} else {
			for k := r.IntN(12); k > 0; k-- {
				b.WriteString(frags[r.IntN(len(frags))])
				if r.IntN(3) == 0 {
					b.WriteByte(numericAlphabet[r.IntN(len(numericAlphabet))])
				}
			}
		}
		s := b.String()
		checkNumericSame(t, s, everyOffset(s))
	}
}

func FuzzGenerateNumeric(f *testing.F) {
	seedFromCorpus(f)
	for _, p := range pathological {
		f.Add(repeatTo(p.unit, 150))
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2048 {
			t.Skip()
		}
		checkNumericSame(t, s, everyOffset(s))
		if v := newView(s); v.s != s {
			checkNumericSame(t, v.s, everyOffset(v.s))
		}
	})
}
