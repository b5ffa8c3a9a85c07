package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// nextSecretKeyOld is nextSecretKey before its probe eight bytes back:
// the look back reads every byte from the window's last.
func nextSecretKeyOld(s string, from int) (int, int) {
	i := from
	for i+secretLen <= len(s) {
		j := i + secretLen - 1
		if !is(s[j], cB64) {
			i = j + 1
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

// checkSecretKeyOld holds nextSecretKey to nextSecretKeyOld from every
// offset of s.
func checkSecretKeyOld(t *testing.T, s string) {
	t.Helper()
	for from := 0; from <= len(s); from++ {
		ws, we := nextSecretKeyOld(s, from)
		if gs, ge := nextSecretKey(s, from); gs != ws || ge != we {
			t.Fatalf("nextSecretKey(%q, %d) = %d, %d; the old look back says %d, %d", s, from, gs, ge, ws, we)
		}
	}
}

// secretKeyTexts are texts with runs of base64 of every length around a
// key's, at every distance from the keyword and from each other, with
// one byte that is not base64 anywhere in them.
func secretKeyTexts() []string {
	const key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	texts := []string{
		`aws_secret_access_key = ` + key,
		`{"SecretAccessKey":"` + key + `","x":1}`,
		`secret ` + key + `=`, `secret x` + key, `secret ` + key + `x`,
		`{"type":"record","name":"Items","fields":[{"name":"ATTR_1","doc":"catalogue attribute 1 of the storefront"}]}`,
	}
	for _, cut := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 38, 39} {
		for _, c := range []string{" ", "-", "=", "é", "\n", "_"} {
			texts = append(texts, "secret "+key[:cut]+c+key[cut:], "secret: "+key[:cut]+c+key+" tail")
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for range 300 {
		var b strings.Builder
		b.WriteString("secret ")
		for range 120 {
			if r.IntN(12) == 0 {
				b.WriteByte(" .\"_=:"[r.IntN(6)])
			} else {
				b.WriteByte(alphabet[r.IntN(len(alphabet))])
			}
		}
		texts = append(texts, b.String())
	}
	return texts
}

// checkSecretKeysOld is checkSecretKeyOld on each of texts; it returns
// how many of them hold a key, so that a caller can tell its texts test
// both answers.
func checkSecretKeysOld(t *testing.T, texts []string) (found int) {
	t.Helper()
	for _, s := range texts {
		checkSecretKeyOld(t, s)
		if i, _ := nextSecretKeyOld(s, 0); i >= 0 {
			found++
		}
	}
	return found
}

// TestSecretKeyMatchesOld holds nextSecretKey to its old look back.
func TestSecretKeyMatchesOld(t *testing.T) {
	found := checkSecretKeysOld(t, secretKeyTexts())
	if found == 0 || found == len(secretKeyTexts()) {
		t.Fatalf("%d of the %d texts hold a key: the test needs both kinds", found, len(secretKeyTexts()))
	}
}

// FuzzSecretKeyMatchesOld holds nextSecretKey to its old look back on any
// text.
func FuzzSecretKeyMatchesOld(f *testing.F) {
	for _, s := range secretKeyTexts()[:20] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkSecretKeyOld(t, s) })
}
