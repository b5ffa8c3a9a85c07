package sensitive

import (
	"math"
	"math/bits"
	"strings"
)

// nextAccessKey finds an AWS access key ID: AKIA (long-term), ASIA
// (temporary), ABIA or ACCA followed by 16 base32 characters [A-Z2-7], not
// glued to other upper-case letters or digits.
func nextAccessKey(s string, from int) (int, int) {
	for i := from; i < len(s); {
		j := strings.IndexByte(s[i:], 'A')
		if j < 0 {
			break
		}
		q := i + j
		if accessKeyAt(s, q) {
			return q, q + 20
		}
		i = q + 1
	}
	return -1, -1
}

// keyGlue reports whether c next to a key ID makes it part of a longer
// upper-case token (a base32 blob, another ID). Lower-case letters are a
// glued word ("userAKIA…", "AKIA…secret") and do not hide the key.
func keyGlue(c byte) bool { return isUpper(c) || isDigit(c) }

func accessKeyAt(s string, q int) bool {
	if q+20 > len(s) {
		return false
	}
	// The prefix before the neighbours: most A's of a text start no key
	// ID ("ATTR_1", "Avro"), and it rules them out in one comparison.
	switch s[q : q+4] {
	case "AKIA", "ASIA", "ABIA", "ACCA":
	default:
		return false
	}
	if (q > 0 && keyGlue(s[q-1])) || (q+20 < len(s) && keyGlue(s[q+20])) {
		return false
	}
	var seen uint32 // the base32 characters of the body, as bits
	for i := q + 4; i < q+20; i++ {
		c := s[i]
		if !is(c, cBase32) {
			return false
		}
		if isUpper(c) {
			seen |= 1 << (c - 'A')
		} else {
			seen |= 1 << (c - '2' + 26)
		}
	}
	// A random body of 16 draws from 32 characters has about 12 distinct
	// ones; placeholders ("AKIAXXXXXXXXXXXXXXXX") have one or two.
	return bits.OnesCount32(seen) >= minKeyDistinct
}

// minKeyDistinct is the fewest distinct characters a key ID body may have.
const minKeyDistinct = 6

const (
	secretLen = 40
	// secretWindow is how far before a secret its keyword may stand:
	// `aws_secret_access_key = "` and `"SecretAccessKey": "` fit easily.
	secretWindow = 64
	// minSecretEntropy is the Shannon entropy, in bits per character, below
	// which a 40-character run is taken for words rather than a key. Random
	// base64 of this length averages 4.78 and falls below 4.3 about once in
	// 3,000; 40-character identifiers made of words measure 3.8–4.1.
	minSecretEntropy = 4.3
)

// nextSecretKey finds an AWS secret access key: exactly 40 base64 characters
// [A-Za-z0-9+/] with no base64 neighbour (and no '=' padding after), mixing
// upper case, lower case and a digit or '/' '+', of high entropy, with the
// keyword "secret" or an access key ID shortly before it on the same line.
//
// The scan looks at the last byte of each 40-byte window first and skips the
// whole window when it cannot be part of a run, then at the bytes eight
// and sixteen before it, so clean text costs a few comparisons per 40
// bytes.
func nextSecretKey(s string, from int) (int, int) {
	i := from
	for i+secretLen <= len(s) {
		j := i + secretLen - 1
		if !is(s[j], cB64) {
			i = j + 1
			continue
		}
		// Probes eight and sixteen bytes back: text of words has a byte
		// that is not base64 in most eight, and every window from i to it
		// holds that byte, so the walk moves past it without reading the
		// bytes between (each move stops short of the first window that
		// could be a run, as the byte-by-byte look back's does).
		if p := j - 8; !is(s[p], cB64) {
			i = p + 1
			continue
		}
		if p := j - 16; !is(s[p], cB64) {
			i = p + 1
			continue
		}
		k := j - 1
		for k >= i && is(s[k], cB64) {
			k--
		}
		if k >= i {
			i = k + 1
			continue
		}
		// s[i:i+40] is base64; it must be a whole run.
		e := i + secretLen
		if i > 0 && is(s[i-1], cB64) {
			for e < len(s) && is(s[e], cB64) {
				e++
			}
			i = e + 1
			continue
		}
		if e < len(s) && (is(s[e], cB64) || s[e] == '=') {
			for e < len(s) && (is(s[e], cB64) || s[e] == '=') {
				e++
			}
			i = e + 1
			continue
		}
		if secretLooksRandom(s[i:e]) && secretKeywordBefore(s, i) {
			return i, e
		}
		i = e + 1
	}
	return -1, -1
}

// secretKeywordBefore looks back up to secretWindow bytes, stopping at a line
// break or a bracket (so a redaction marker never serves as a keyword), for
// "secret" in any case or for an access key ID that the secret is paired with.
//
// The look back for "secret" and for the window's start is one walk, eight
// bytes at a time from the secret back: the keyword usually stands a few
// bytes before it ("aws_secret_access_key="), and is then found in the
// first words, where finding the line's start and searching the window
// read it all. TestSecretKeywordBeforeMatchesReference holds the answers
// to secretKeywordBeforeRef's, which did that.
func secretKeywordBefore(s string, a int) bool {
	lo := max(a-secretWindow, 0)
	i := a // the window's start once the walk ends: s[i:a] has no stop
	for ; i-8 >= lo; i -= 8 {
		x := load64(s, i-8)
		// The bytes that may start the keyword: 's' or 'S'.
		starts := zeroBytes(x | 0x20*byteOnes ^ 's'*byteOnes)
		stops := zeroBytes(x^'\n'*byteOnes) | zeroBytes(x^'\r'*byteOnes) | zeroBytes(x^'['*byteOnes) | zeroBytes(x^']'*byteOnes)
		if stops != 0 {
			// Only the starts after the last stop are in the window.
			hi := 63 - bits.LeadingZeros64(stops)
			starts &= ^uint64(0) << (hi + 1)
		}
		for ; starts != 0; starts &= starts - 1 {
			if j := i - 8 + firstMarked(starts); j+6 <= a && hasSuffixFold(s, j+6, "secret") {
				return true
			}
		}
		if stops != 0 {
			i = i - 8 + (63-bits.LeadingZeros64(stops))>>3 + 1
			return accessKeyIn(s, i, a)
		}
	}
	for ; i > lo; i-- {
		c := s[i-1]
		if c == '\n' || c == '\r' || c == '[' || c == ']' {
			break
		}
		if c|0x20 == 's' && i+5 <= a && hasSuffixFold(s, i+5, "secret") {
			return true
		}
	}
	return accessKeyIn(s, i, a)
}

// accessKeyIn reports whether an access key ID stands in s[i:a].
func accessKeyIn(s string, i, a int) bool {
	for k := i; k+20 <= a; k++ {
		if s[k] == 'A' && accessKeyAt(s, k) {
			return true
		}
	}
	return false
}

// zeroBytes marks, with its high bit, exactly the bytes of x that are zero.
func zeroBytes(x uint64) uint64 { return nonZeroBytes(x) ^ byteHighs }

// secretLooksRandom requires upper and lower case, a digit or '/' '+', and
// Shannon entropy of at least minSecretEntropy bits per character, which
// rules out hex digests (one case), words and paths.
func secretLooksRandom(v string) bool {
	// The character mix first, with a table and no branch per byte: hex
	// digests, which have no capitals, are most of the 40-character runs
	// of ordinary text.
	var mix uint8
	for i := 0; i < len(v); i++ {
		mix |= caseMix[v[i]]
	}
	if mix != mixUpper|mixLower|mixOther {
		return false
	}
	return entropyEnough(v)
}

// entropyEnough reports whether entropy(v) >= minSecretEntropy. For a value
// of secretLen bytes it first sums, byte by byte, each byte's share of its
// value's term (secretByteTerms): two passes over the bytes and no pass
// over the 128 counts. That sum differs from entropy's, which adds the
// terms in the order of the byte values, only by rounding, below 1e-13 for
// 40 terms of at most 0.53 each: a sum farther than 1e-9 from the threshold
// decides as entropy's would, and one closer is left to entropy.
// TestEntropyEnoughMatchesReference holds the answers to entropy's.
func entropyEnough(v string) bool {
	if len(v) != secretLen {
		return entropy(v) >= minSecretEntropy
	}
	var counts [128]uint8
	for i := 0; i < len(v); i++ {
		counts[v[i]&0x7f]++
	}
	// Four sums, so that the additions do not wait on each other.
	var h0, h1, h2, h3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		h0 -= secretByteTerms[counts[v[i]&0x7f]&63]
		h1 -= secretByteTerms[counts[v[i+1]&0x7f]&63]
		h2 -= secretByteTerms[counts[v[i+2]&0x7f]&63]
		h3 -= secretByteTerms[counts[v[i+3]&0x7f]&63]
	}
	for ; i < len(v); i++ {
		h0 -= secretByteTerms[counts[v[i]&0x7f]&63]
	}
	h := (h0 + h1) + (h2 + h3)
	if math.Abs(h-minSecretEntropy) > 1e-9 {
		return h >= minSecretEntropy
	}
	return entropy(v) >= minSecretEntropy
}

const (
	mixUpper uint8 = 1 << iota
	mixLower
	mixOther
)

// caseMix classifies a byte as a capital, a small letter or anything else.
// It is a read-only table, filled once at package initialisation.
var caseMix = func() (t [256]uint8) {
	for c := range t {
		switch b := byte(c); {
		case isUpper(b):
			t[c] = mixUpper
		case isLower(b):
			t[c] = mixLower
		default:
			t[c] = mixOther
		}
	}
	return t
}()

// entropy returns the Shannon entropy, in bits per character, of v's bytes
// (taken modulo 128). The terms are summed in the order of the byte values,
// one per distinct byte, found from a set of the bytes seen rather than by
// reading all 128 counts: the sum, rounded the same at each step, is the
// same float64 as the formula's (TestEntropyMatchesReference).
func entropy(v string) float64 {
	var counts [128]uint8
	for i := 0; i < len(v); i++ {
		counts[v[i]&0x7f]++
	}
	n := len(v)
	h := 0.0
	for w := 0; w < len(counts); w += 8 {
		// The byte values that occur in this word of counts, one bit
		// each, found eight at a time (most counts are zero).
		x := load64b(counts[w : w+8])
		for m := nonZeroBytes(x); m != 0; m &= m - 1 {
			c := uint8(x >> (bits.TrailingZeros64(m) &^ 7))
			if n == secretLen && int(c) <= secretLen {
				h -= secretTerms[c] // the same product, computed once
				continue
			}
			p := float64(c) / float64(n)
			h -= float64(p * math.Log2(p)) // rounded, as the table's terms are
		}
	}
	return h
}

// nonZeroBytes marks, with its high bit, each byte of x that is not zero.
func nonZeroBytes(x uint64) uint64 {
	// The low seven bits of a byte, plus 0x7f, carry into its high bit
	// unless they are all zero; the high bit itself is or-ed in.
	const lows = 0x7f7f7f7f7f7f7f7f
	return ((x & lows) + lows | x) &^ lows
}

// load64b is load64 for a byte slice of eight bytes.
func load64b(b []byte) uint64 {
	b = b[:8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// secretTerms holds entropy's term p·log2(p) for each count c of a
// secretLen-character value, p = c/secretLen: each 40-character run that
// looks random would otherwise take a logarithm per distinct character,
// the largest cost of text dense with secret keys. It is a read-only table,
// filled once at package initialisation.
var secretTerms = func() (t [secretLen + 1]float64) {
	for c := 1; c <= secretLen; c++ {
		p := float64(c) / float64(secretLen)
		t[c] = float64(p * math.Log2(p))
	}
	return t
}()

// secretByteTerms holds, for each count c, secretTerms[c]/c: the share of
// each of the c bytes of a value in its term (64 entries, so that a count
// masked to six bits needs no bounds check). It is a read-only table,
// filled once at package initialisation.
var secretByteTerms = func() (t [64]float64) {
	for c := 1; c <= secretLen; c++ {
		t[c] = secretTerms[c] / float64(c)
	}
	return t
}()
