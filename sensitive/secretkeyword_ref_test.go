package sensitive

import (
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
)

// secretKeywordBeforeRef is secretKeywordBefore as it was: the window's
// start found first (lineStartBefore), then searched for "secret"
// (containsFold), then for an access key ID. TestSecretKeywordBeforeMatchesReference
// and FuzzSecretKeywordBefore hold secretKeywordBefore to it.
func secretKeywordBeforeRef(s string, a int) bool {
	i := lineStartBefore(s, a, max(a-secretWindow, 0))
	w := s[i:a]
	if containsFold(w, "secret") {
		return true
	}
	for k := 0; k+20 <= len(w); k++ {
		if w[k] == 'A' && accessKeyAt(s, i+k) {
			return true
		}
	}
	return false
}

// lineStartBefore is secretKeywordBeforeRef's look back for the window's
// start, kept with it; parsers_ref_test.go holds it to lineStartBeforeRef.
// It returns the offset after the last line break or bracket in s[lo:a],
// or lo if there is none. Eight bytes at a time from the end: the window
// is most of a line long.
func lineStartBefore(s string, a, lo int) int {
	i := a
	for ; i-8 >= lo; i -= 8 {
		x := load64(s, i-8)
		if m := zeroBytes(x^('\n'*byteOnes)) | zeroBytes(x^('\r'*byteOnes)) | zeroBytes(x^('['*byteOnes)) | zeroBytes(x^(']'*byteOnes)); m != 0 {
			// The highest marked byte is the last stop.
			return i - 8 + (63-bits.LeadingZeros64(m))>>3 + 1
		}
	}
	for ; i > lo; i-- {
		if c := s[i-1]; c == '\n' || c == '\r' || c == '[' || c == ']' {
			break
		}
	}
	return i
}

// checkSecretKeywordSame compares the two at every offset of s.
func checkSecretKeywordSame(t *testing.T, s string) {
	t.Helper()
	for a := 0; a <= len(s); a++ {
		if got, want := secretKeywordBefore(s, a), secretKeywordBeforeRef(s, a); got != want {
			t.Fatalf("secretKeywordBefore(%q, %d) = %v; the reference %v", s, a, got, want)
		}
	}
}

// TestSecretKeywordBeforeMatchesReference compares the two on the corpus,
// the benchmark texts, the pathological units and random mixes of the
// keyword, its pieces, line stops and access key IDs at every distance.
func TestSecretKeywordBeforeMatchesReference(t *testing.T) {
	for _, cl := range readCorpus(t) {
		checkSecretKeywordSame(t, cl.text)
	}
	checkSecretKeywordSame(t, denseText(4<<10))
	for _, p := range pathological {
		checkSecretKeywordSame(t, repeatTo(p.unit, 200))
	}
	pieces := []string{"secret", "SECRET", "Secret", "secre", "ecret", "s", "S", "t", "x", "_", " ", "=", "\n", "\r",
		"[", "]", "AKIAIOSFODNN7EXAMPLE", "AKIA", "aws_secret_access_key=", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		strings.Repeat("y", 7), strings.Repeat("z", 9)}
	r := rand.New(rand.NewPCG(12, 2026))
	for range 4000 {
		var b strings.Builder
		for k := r.IntN(30); k > 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		checkSecretKeywordSame(t, b.String())
	}
}

func FuzzSecretKeywordBefore(f *testing.F) {
	seedFromCorpus(f)
	f.Add(denseText(600))
	f.Add("[secret]\nsecret x" + strings.Repeat("a", 70))
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1024 {
			t.Skip()
		}
		checkSecretKeywordSame(t, s)
	})
}
