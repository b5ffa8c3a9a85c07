package jsontext

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNamed(t *testing.T) {
	secret := "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	tests := []struct {
		name, value string
		want        string
		ok          bool
		reason      string
	}{
		{"acct", "912803456", "acct is 912803456", true, "nine digits: an account number after its keyword"},
		{"ssn", "123456789", "ssn is 123456789", true, "an SSN"},
		{"acct", "123456", "acct is 123456", true, "six digits: the shortest account number"},
		{"acct", "12345", "", false, "five digits are no account number, card, SSN or phone"},
		{"qty", "12.34-5", "", false, "five digits among other bytes"},
		{"SSN", "１２３４５６７８９", "SSN is １２３４５６７８９", true, "full-width digits, which the detector reads as digits"},
		{"aws_secret_access_key", secret, "aws_secret_access_key is " + secret, true, "forty bytes: a secret key, which may hold no digit"},
		{"", "912803456", "", false, "no name: the value alone was scanned"},
		{"genres", "comedy", "", false, "no digits: nothing a keyword makes identifying"},
	}
	for _, tt := range tests {
		got, ok := Named(tt.name, tt.value)
		if diff := cmp.Diff(struct {
			Text string
			OK   bool
		}{tt.want, tt.ok}, struct {
			Text string
			OK   bool
		}{got, ok}); diff != "" {
			t.Errorf("Named(%q, %q) mismatch (-want +got): %s\n%s", tt.name, tt.value, tt.reason, diff)
		}
	}
}

// FuzzNamed: Named joins without changing either part, and skips only
// values with fewer than six digit bytes and under forty bytes.
func FuzzNamed(f *testing.F) {
	f.Add("acct", "912803456")
	f.Add("", "x")
	f.Add("SSN", "１２３")
	f.Fuzz(func(t *testing.T, name, value string) {
		got, ok := Named(name, value)
		if !ok {
			if got != "" {
				t.Fatalf("Named(%q, %q) = %q, false; want no text", name, value, got)
			}
			digits := 0
			for i := 0; i < len(value); i++ {
				if c := value[i]; c >= '0' && c <= '9' || c >= 0x80 {
					digits++
				}
			}
			if name != "" && (len(value) >= 40 || digits >= 6) {
				t.Fatalf("Named(%q, %q) skipped a value with %d digit bytes, %d bytes", name, value, digits, len(value))
			}
			return
		}
		if !strings.HasPrefix(got, name+" is ") || !strings.HasSuffix(got, value) || len(got) != len(name)+4+len(value) {
			t.Fatalf("Named(%q, %q) = %q", name, value, got)
		}
	})
}
