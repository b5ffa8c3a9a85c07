package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// schemelessNameBeforeRef is schemelessNameBefore read off its definition:
// some name of schemelessParams, in any ASCII case, ends at eq and follows
// '?', '&' or '#'.
func schemelessNameBeforeRef(s string, eq int) bool {
	for _, name := range strings.Fields(schemelessParams) {
		k := eq - len(name)
		if k >= 1 && eq <= len(s) && strings.EqualFold(s[k:eq], name) && strings.ContainsRune("?&#", rune(s[k-1])) {
			return true
		}
	}
	return false
}

// TestSchemelessNameBeforeMatchesReference holds the look-back's shortcuts
// (the names' lengths and last letters) to the definition, at every offset
// of random query strings built from the names, their prefixes and
// suffixes, delimiters and runs of '='.
func TestSchemelessNameBeforeMatchesReference(t *testing.T) {
	names := strings.Fields(schemelessParams)
	frags := []string{"?", "&", "#", "=", "==", "a", "E", "l", "N", "-", "x", "/"}
	for _, n := range names {
		frags = append(frags, n, strings.ToUpper(n), n[:len(n)-1], n[1:], "?"+n+"=", "&"+strings.ToUpper(n[:1])+n[1:]+"=v")
	}
	r := rand.New(rand.NewPCG(16, 2026))
	rounds := 3000
	if testing.Short() {
		rounds = 300
	}
	for range rounds {
		var b strings.Builder
		for k := r.IntN(30); k > 0; k-- {
			b.WriteString(frags[r.IntN(len(frags))])
		}
		s := b.String()
		for eq := 0; eq <= len(s); eq++ {
			if got, want := schemelessNameBefore(s, eq), schemelessNameBeforeRef(s, eq); got != want {
				t.Fatalf("schemelessNameBefore(%q, %d) = %v, want %v", s, eq, got, want)
			}
		}
	}
	// Every name at the start of a query, in both cases.
	for _, n := range names {
		for _, s := range []string{"?" + n + "=v", "x&" + strings.ToUpper(n) + "=v"} {
			eq := strings.IndexByte(s, '=')
			if !schemelessNameBefore(s, eq) {
				t.Errorf("schemelessNameBefore(%q, %d) = false, want true", s, eq)
			}
		}
	}
}

func FuzzSchemelessNameBefore(f *testing.F) {
	for _, s := range []string{"?X-Amz-Signature=a&", "====", "&x-amz-security-tokex=", "?x-goog-credential=v#X-GOOG-SIGNATURE=w"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for eq := 0; eq <= len(s); eq++ {
			if got, want := schemelessNameBefore(s, eq), schemelessNameBeforeRef(s, eq); got != want {
				t.Fatalf("schemelessNameBefore(%q, %d) = %v, want %v", s, eq, got, want)
			}
		}
	})
}
