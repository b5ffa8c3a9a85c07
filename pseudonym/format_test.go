package pseudonym_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/pseudonym"
)

const mac32 = "xjnmkry3g7cywnkcgyjbyv3jdcksthpi"

func TestParse(t *testing.T) {
	tests := []struct {
		in     string
		want   pseudonym.Info
		ok     bool
		reason string
	}{
		{"pu1_" + mac32, pseudonym.Info{Kind: pseudonym.User, KeyVersion: 1}, true, "a user pseudonym"},
		{"ps7_" + mac32, pseudonym.Info{Kind: pseudonym.Session, KeyVersion: 7}, true, "a session pseudonym"},
		{"pu4294967295_" + mac32, pseudonym.Info{Kind: pseudonym.User, KeyVersion: 1<<32 - 1}, true, "the largest version"},
		{"pu10_" + mac32, pseudonym.Info{Kind: pseudonym.User, KeyVersion: 10}, true, "two digits"},
		{"pu1_" + strings.Repeat("a", 31) + "7", pseudonym.Info{Kind: pseudonym.User, KeyVersion: 1}, true, "every 32-character string of the alphabet is a MAC"},

		{"", pseudonym.Info{}, false, "empty"},
		{"customer-0001", pseudonym.Info{}, false, "a raw ID"},
		{"jane@example.com", pseudonym.Info{}, false, "an e-mail address"},
		{"pu0_" + mac32, pseudonym.Info{}, false, "version 0"},
		{"pu01_" + mac32, pseudonym.Info{}, false, "a leading zero: two spellings of one version"},
		{"pu4294967296_" + mac32, pseudonym.Info{}, false, "a version over 32 bits"},
		{"pu99999999999_" + mac32, pseudonym.Info{}, false, "11 digits: too long"},
		{"pu_" + mac32, pseudonym.Info{}, false, "no version"},
		{"pu+1_" + mac32, pseudonym.Info{}, false, "a sign"},
		{"px1_" + mac32, pseudonym.Info{}, false, "an unknown kind"},
		{"PU1_" + mac32, pseudonym.Info{}, false, "upper-case prefix"},
		{"pu1_" + strings.ToUpper(mac32), pseudonym.Info{}, false, "upper-case MAC"},
		{"pu1-" + mac32, pseudonym.Info{}, false, "another separator"},
		{"pu1_" + mac32[:31], pseudonym.Info{}, false, "a MAC one character short"},
		{"pu1_" + mac32 + "a", pseudonym.Info{}, false, "a MAC one character long"},
		{"pu1_" + mac32[:31] + "1", pseudonym.Info{}, false, "1 is not in the alphabet"},
		{"pu1_" + mac32[:31] + "=", pseudonym.Info{}, false, "padding"},
		{"pu1_" + mac32[:31] + "\xff", pseudonym.Info{}, false, "not UTF-8"},
		{" pu1_" + mac32, pseudonym.Info{}, false, "a leading space"},
	}
	for _, tt := range tests {
		got, err := pseudonym.Parse(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Parse(%q) mismatch (-want +got):\n%s", tt.reason, tt.in, diff)
		}
		var fe *pseudonym.FormatError
		if tt.ok != (err == nil) || !tt.ok && !errors.As(err, &fe) {
			t.Errorf("%s: Parse(%q) error = %v, want ok=%v or a *FormatError", tt.reason, tt.in, err, tt.ok)
		}
		if err != nil && len(tt.in) > 3 && strings.Contains(err.Error(), tt.in) {
			t.Errorf("%s: Parse error %q repeats its input", tt.reason, err)
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[pseudonym.Kind]string{pseudonym.User: "user", pseudonym.Session: "session", 0: "Kind(0)", 9: "Kind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", uint8(k), got, want)
		}
	}
}

// TestParseRoundTrip: Parse reads back the kind and version of what the
// Pseudonymizer makes.
func TestParseRoundTrip(t *testing.T) {
	for _, version := range []uint32{1, 9, 10, 99, 100, 65535, 1<<32 - 1} {
		p := newPseudonymizer(t, version, testKey(0))
		for _, kind := range []pseudonym.Kind{pseudonym.User, pseudonym.Session} {
			s, err := pseudonymOf(p, map[pseudonym.Kind]byte{pseudonym.User: 'u', pseudonym.Session: 's'}[kind], "id")
			if err != nil {
				t.Fatal(err)
			}
			got, err := pseudonym.Parse(s)
			want := pseudonym.Info{Kind: kind, KeyVersion: version}
			if diff := cmp.Diff(want, got); diff != "" || err != nil {
				t.Errorf("Parse(%q) = %v (-want +got):\n%s", s, err, diff)
			}
		}
	}
}
