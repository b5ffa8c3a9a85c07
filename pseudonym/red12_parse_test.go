package pseudonym_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// TestRed12ParseHostile (red12): strings shaped almost like a pseudonym.
// Parse refuses each with a *FormatError that repeats none of the input,
// and never panics; the one pseudonym per (key version, ID) holds: a
// version written with a leading zero, a sign or past 2^32-1 is not a
// second spelling of a valid one.
func TestRed12ParseHostile(t *testing.T) {
	p, err := pseudonym.New(mustKey(t, 7))
	if err != nil {
		t.Fatal(err)
	}
	good, err := p.UserID("jane.doe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	mac := good[len("pu7_"):]
	tests := []string{
		"", "p", "pu", "pu_", "pu7", "pu7_", "pu0_" + mac, "pu07_" + mac, "pu+7_" + mac, "pu-7_" + mac, "pu 7_" + mac,
		"pu4294967296_" + mac, "pu99999999999_" + mac, "pu7_" + mac[:len(mac)-1], "pu7_" + mac + "a", "pu7_" + strings.ToUpper(mac),
		"PU7_" + mac, "px7_" + mac, "pu7-" + mac, "pu7_" + mac[:len(mac)-1] + "=", "pu7_" + mac[:len(mac)-1] + "1",
		"pu7_" + mac[:len(mac)-1] + "\x00", "pu7_" + mac[:len(mac)-1] + "\u00e9", " " + good, good + " ", good + "\n",
		"pu\u0667_" + mac, strings.Repeat("p", 1<<20), "pu7_" + strings.Repeat("a", 1<<16),
	}
	for i, in := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			info, err := pseudonym.Parse(in)
			var fe *pseudonym.FormatError
			type outcome struct {
				FormatError bool
				Echoes      bool
			}
			got := outcome{err != nil && asFormat(err, &fe), false}
			if err != nil && len(in) > 3 {
				got.Echoes = strings.Contains(err.Error(), mac[:8]) || strings.Contains(err.Error(), in)
			}
			if diff := cmp.Diff(outcome{true, false}, got); diff != "" {
				t.Errorf("Parse(%.60q) = %+v, %v (-want +got):\n%s", in, info, err, diff)
			}
		})
	}
}

func asFormat(err error, fe **pseudonym.FormatError) bool {
	f, ok := err.(*pseudonym.FormatError)
	*fe = f
	return ok
}

func mustKey(t *testing.T, version uint32) *pseudonym.Key {
	t.Helper()
	raw := make([]byte, pseudonym.KeySize)
	for i := range raw {
		raw[i] = byte(i*7 + 1)
	}
	k, err := pseudonym.NewKey(version, raw)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRed12KeyVersionsNeverCollide (red12): the same key bytes under two
// versions, or one ID as a user and as a session, give pseudonyms that
// differ in their MAC, not only in their prefix, so that stripping or
// rewriting the prefix links nothing.
func TestRed12KeyVersionsNeverCollide(t *testing.T) {
	mac := func(s string) string { return s[strings.IndexByte(s, '_')+1:] }
	seen := map[string]string{}
	for _, v := range []uint32{1, 2, 11, 12, 111, 4294967295} {
		p, err := pseudonym.New(mustKey(t, v))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"jane.doe@example.com", "1", "11", "u1"} {
			u, err := p.UserID(id)
			if err != nil {
				t.Fatal(err)
			}
			s, err := p.SessionID(id)
			if err != nil {
				t.Fatal(err)
			}
			for _, ps := range []string{u, s} {
				what := fmt.Sprintf("version %d, %q, %s", v, id, ps[:2])
				if prev, ok := seen[mac(ps)]; ok {
					t.Errorf("%s has the MAC of %s", what, prev)
				}
				seen[mac(ps)] = what
			}
		}
	}
	if diff := cmp.Diff(6*4*2, len(seen)); diff != "" {
		t.Errorf("distinct MACs (-want +got):\n%s", diff)
	}
}
