package pseudonym

import (
	"strconv"
	"testing"
)

// appendPrefixReference is the prefix as appendID spelled it on every call
// before prefixes made it once per Pseudonymizer.
func appendPrefixReference(dst []byte, k Kind, version uint32) []byte {
	dst = append(dst, 'p', k.letter())
	dst = strconv.AppendUint(dst, uint64(version), 10)
	return append(dst, '_')
}

// TestPrefixesMatchReference holds prefixes to the reference for both kinds
// at the versions whose decimal forms differ in length, the largest
// included.
func TestPrefixesMatchReference(t *testing.T) {
	for _, v := range []uint32{1, 9, 10, 99, 100, 123456, 999999999, 1000000000, 1<<32 - 1} {
		got := prefixes(v)
		for _, k := range []Kind{User, Session} {
			if want := string(appendPrefixReference(nil, k, v)); got[k.index()] != want {
				t.Errorf("prefixes(%d)[%v] = %q, want %q", v, k, got[k.index()], want)
			}
		}
	}
}

// FuzzPrefixes: for any version and kind, the prefix made once is the
// reference's.
func FuzzPrefixes(f *testing.F) {
	f.Add(uint32(1), true)
	f.Add(uint32(1<<32-1), false)
	f.Fuzz(func(t *testing.T, v uint32, user bool) {
		k := Session
		if user {
			k = User
		}
		if got, want := prefixes(v)[k.index()], string(appendPrefixReference(nil, k, v)); got != want {
			t.Fatalf("prefixes(%d)[%v] = %q, want %q", v, k, got, want)
		}
	})
}
