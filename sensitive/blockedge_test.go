package sensitive

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFindValuesAtBlockEdges places values that the digit-run walk, the
// e-mail and the secret-key look-ups decide on in their first bytes at
// every offset of a 64-byte block (and of the next), at the text's start
// and at its end. gated reads the runs inside a block from one slice and
// those at a block's or the text's edges on another path, and drops runs
// after an account keyword and groups inside a sequence before returning
// them: a value must be found the same wherever it falls.
func TestFindValuesAtBlockEdges(t *testing.T) {
	type span struct {
		Kind       Kind
		Start, End int // in text
	}
	tests := []struct {
		name, text string
		want       []span
	}{
		{"card-plain", "4111111111111111", []span{{CreditCard, 0, 16}}},
		{"card-grouped", "4111 1111 1111 1111", []span{{CreditCard, 0, 19}}},
		{"card-nbsp", "4111\u00a01111\u00a01111\u00a01111", []span{{CreditCard, 0, 22}}},
		{"card-after-iban", "DE89 3704 0044 0532 0130 00 4111 1111 1111 1111", []span{{IBAN, 0, 27}, {CreditCard, 28, 47}}},
		{"card-after-phone", "+1 415 555 0132, 4111-1111-1111-1111", []span{{Phone, 0, 15}, {CreditCard, 17, 36}}},
		{"iban-spaced", "GB82 WEST 1234 5698 7654 32", []span{{IBAN, 0, 27}}},
		{"ssn", "123-45-6789", []span{{SSN, 0, 11}}},
		{"phone-paren", "(415) 555-0132", []span{{Phone, 0, 14}}},
		{"acct-hash-colon", "acct #: 912803456", []span{{AccountNumber, 8, 17}}},
		{"account-no-is", "account no. is: 912803456", []span{{AccountNumber, 16, 25}}},
		{"account-glued", "account912803456", []span{{AccountNumber, 7, 16}}},
		{"acct-colon-glued", "acct:912803456", []span{{AccountNumber, 5, 14}}},
		{"email-one-letter-labels", "a@b.co", []span{{Email, 0, 6}}},
		{"email-fullwidth-at", "a\uff20b.co", []span{{Email, 0, 8}}},
		{"secret-keyword-first", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", []span{{AWSSecretKey, 22, 62}}},
		{"secret-upper", "SECRET wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", []span{{AWSSecretKey, 7, 47}}},
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for pad := range 140 {
				for _, tail := range []string{"", "\n" + strings.Repeat("z", 70)} {
					// The value at offset 0 when pad is 0, and at the
					// text's end when tail is empty.
					head := ""
					if pad > 0 {
						head = strings.Repeat("z", pad-1) + "\n"
					}
					for _, lead := range []string{"", "7"} {
						// The walk starts a block at a digit: after "7",
						// the value's runs fall at every offset of the
						// block that starts there.
						h := head
						if lead != "" {
							if pad < 2 {
								continue
							}
							h = lead + head[1:]
						}
						var want []Finding
						for _, w := range tt.want {
							want = append(want, Finding{Kind: w.Kind, Start: pad + w.Start, End: pad + w.End})
						}
						if diff := cmp.Diff(want, d.Find(h+tt.text+tail)); diff != "" {
							t.Fatalf("Find(%q) mismatch (-want +got):\n%s", h+tt.text+tail, diff)
						}
					}
				}
			}
		})
	}
}
