package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// secretKeywordBeforeRef is secretKeywordBefore as it was: the window's
// start found first (lineStartBeforeRef: the code then had a word-at-a-time
// form of it, which gave the same answers), then searched for "secret"
// (containsFold), then for an access key ID.
// TestSecretKeywordBeforeMatchesReference and FuzzSecretKeywordBefore hold
// secretKeywordBefore to it.
func secretKeywordBeforeRef(s string, a int) bool {
	i := lineStartBeforeRef(s, a, max(a-secretWindow, 0))
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

// lineStartBeforeRef is secretKeywordBeforeRef's look back for its
// window's start, a byte at a time: the offset after the last line break
// or bracket in s[lo:a], or lo if there is none.
func lineStartBeforeRef(s string, a, lo int) int {
	i := a
	for i > lo {
		c := s[i-1]
		if c == '\n' || c == '\r' || c == '[' || c == ']' {
			break
		}
		i--
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
