package dataplane

import (
	"strings"
	"testing"

	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// testKeyBytes is a fixed test key that reads as random to NewKey: 32
// distinct byte values from seed on.
func testKeyBytes(seed byte) []byte {
	raw := make([]byte, pseudonym.KeySize)
	for i := range raw {
		raw[i] = seed + byte(i)*37
	}
	return raw
}

// TestIsPseudonymIsParse holds isPseudonym to pseudonym.Parse: pseudonyms
// of the shortest and longest key versions, the same cut or grown by a
// character, and strings of every length around the bounds.
func TestIsPseudonymIsParse(t *testing.T) {
	var inputs []string
	for _, version := range []uint32{1, 42, 4294967295} {
		key, err := pseudonym.NewKey(version, testKeyBytes(9))
		if err != nil {
			t.Fatal(err)
		}
		p, err := pseudonym.New(key)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"jane.doe@example.com", "customer-0001"} {
			u, err := p.UserID(id)
			if err != nil {
				t.Fatal(err)
			}
			s, err := p.SessionID(id)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, u, s, u[:len(u)-1], u+"a", "x"+u[1:], s+s)
		}
	}
	for n := range pseudonym.MaxLen + 3 {
		inputs = append(inputs, strings.Repeat("a", n), "pu1_"+strings.Repeat("a", max(n-4, 0)))
	}
	for _, s := range inputs {
		_, err := pseudonym.Parse(s)
		if got, want := isPseudonym(s), err == nil; got != want {
			t.Errorf("isPseudonym(%q) = %v, Parse says %v", s, got, want)
		}
	}
}

// FuzzIsPseudonym: isPseudonym agrees with pseudonym.Parse on any string.
func FuzzIsPseudonym(f *testing.F) {
	for _, s := range []string{"", "pu1_", "pu1_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ps4294967295_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := pseudonym.Parse(s)
		if got, want := isPseudonym(s), err == nil; got != want {
			t.Fatalf("isPseudonym(%q) = %v, Parse says %v", s, got, want)
		}
	})
}
