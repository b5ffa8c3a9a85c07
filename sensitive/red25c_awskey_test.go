package sensitive

import (
	"math/bits"
	"strings"
	"testing"
)

// accessKeyAtOld is accessKeyAt before fc28da4: the neighbours tested
// before the prefix.
func accessKeyAtOld(s string, q int) bool {
	if q+20 > len(s) || (q > 0 && keyGlue(s[q-1])) || (q+20 < len(s) && keyGlue(s[q+20])) {
		return false
	}
	switch s[q : q+4] {
	case "AKIA", "ASIA", "ABIA", "ACCA":
	default:
		return false
	}
	var seen uint32
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
	return bits.OnesCount32(seen) >= minKeyDistinct
}

// red25cKeyTexts puts an access key ID and a secret key, and near misses
// of each, at every offset of a text and after every kind of neighbour:
// the text's start and end, punctuation, glue, base64 runs, a keyword
// at every distance.
func red25cKeyTexts() []string {
	const id = "AKIAQ7RZ2XK5M3LNPW4V"
	const secret = "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"
	items := []string{
		id, "ASIAQ7RZ2XK5M3LNPW4V", "ABIAQ7RZ2XK5M3LNPW4V", "ACCAQ7RZ2XK5M3LNPW4V",
		"AKIAXXXXXXXXXXXXXXXX", "AKIAQ7RZ2XK5M3LNPW4", "AKIAQ7RZ2XK5M3LNPW4V2", "AKIAq7RZ2XK5M3LNPW4V", "AKIAQ7RZ2XK5M3LNPW41",
		"secret " + secret, "secret=" + secret, `"SecretAccessKey":"` + secret + `"`, id + " " + secret,
		"secret " + secret + "=", "secret " + secret + "A", "secret A" + secret, "secret " + secret[:39],
		"secret " + strings.Repeat("Ab1/", 10), "secret_key: " + secret[:20] + "\x00" + secret[20:],
	}
	fills := []string{"", " ", "x", "Z", "9", "=", "/", "+", ",", `"`, ":", "\n", "é", "ATTR_1 ", "AAAA", "secret ",
		"wJalrXUtnFEMI", strings.Repeat("b", 8), strings.Repeat("QUJD", 4), strings.Repeat(" word", 3)}
	var texts []string
	for _, it := range items {
		for _, pre := range fills {
			for _, post := range fills {
				texts = append(texts, pre+it+post)
			}
		}
		// Every offset and alignment: padding of 0 to 47 bytes of
		// base64-free text before, and of base64 text before.
		for n := 0; n < 48; n++ {
			texts = append(texts, strings.Repeat(".", n)+it, strings.Repeat("a", n)+" "+it+strings.Repeat("b", n%9))
		}
	}
	return texts
}

// TestRed25cAccessKeyAtMatchesOld: accessKeyAt's reordered tests answer
// as the old order did at every offset of texts with key IDs at every
// offset and next to every kind of byte, and some of those hold a key.
func TestRed25cAccessKeyAtMatchesOld(t *testing.T) {
	found := 0
	for _, s := range red25cKeyTexts() {
		for q := 0; q < len(s); q++ {
			got, want := accessKeyAt(s, q), accessKeyAtOld(s, q)
			if got != want {
				t.Fatalf("accessKeyAt(%q, %d) = %v, the old order says %v", s, q, got, want)
			}
			if got {
				found++
			}
		}
	}
	if found == 0 {
		t.Fatal("no text holds a key ID: the test asserts nothing")
	}
}

// TestRed25cSecretKeyOffsets holds nextSecretKey's probes to the old look
// back on the same texts, and the detector finds a key in some and none in
// the near misses it should refuse to take.
func TestRed25cSecretKeyOffsets(t *testing.T) {
	if checkSecretKeysOld(t, red25cKeyTexts()) == 0 {
		t.Fatal("no text holds a secret key: the test asserts nothing")
	}
	d := Default()
	for _, miss := range []string{
		"secret q8Zr2Lm9Xw4Tn7Vb1Kc6Hd3Jf0Gs5Pa+Ye/Ui8Oz=", // padding after: a longer blob
		"secret q8Zr2Lm9Xw4Tn7Vb1Kc6Hd3Jf0Gs5Pa+Ye/Ui8OzA", // 41 bytes
		"secret q8Zr2Lm9Xw4Tn7Vb1Kc6Hd3Jf0Gs5Pa+Ye/Ui8O",   // 39 bytes
	} {
		if f, ok := d.First(miss); ok && f.Kind == AWSSecretKey {
			t.Errorf("First(a near miss of %d bytes) found a secret key", len(miss))
		}
	}
	for n := 0; n < 48; n++ {
		s := "aws_secret_access_key = " + strings.Repeat("x", n%3) + " q8Zr2Lm9Xw4Tn7Vb1Kc6Hd3Jf0Gs5Pa+Ye/Ui8Oz"
		if f, ok := d.First(strings.Repeat("- ", n) + s); !ok || f.Kind != AWSSecretKey {
			t.Errorf("First(a secret key after %d bytes) = %v, %v; want an aws-secret-key", 2*n, f.Kind, ok)
		}
	}
}
