package datascan

import (
	"math/rand/v2"
	"testing"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestIssuerMemo holds the memo to sensitive.CardIssuer on every six-digit
// prefix at every length it takes, in an order that fills the memo from
// prefixes at both ends of each hundred, past the numbers it leaves to
// CardIssuer.
func TestIssuerMemo(t *testing.T) {
	for n := 14; n <= 19; n++ {
		var m issuerMemo // the first numbers go to CardIssuer itself
		b := make([]byte, n)
		for i := range b {
			b[i] = '0'
		}
		for _, order := range []string{"up", "down"} {
			for j := range 1000000 {
				p6 := j
				if order == "down" {
					p6 = 999999 - j
				}
				// Vary the digits after the prefix too: they must not matter.
				for k, q := 5, p6; k >= 0; k, q = k-1, q/10 {
					b[k] = byte('0' + q%10)
				}
				b[n-1] = byte('0' + j%10)
				if got, want := m.cardIssuer(b), sensitive.CardIssuer(string(b)); got != want {
					t.Fatalf("%d digits, prefix %06d (%s): memo says %v, CardIssuer %v", n, p6, order, got, want)
				}
			}
			m = issuerMemo{asked: issuerDirect}
		}
	}
}

// TestNoIssuerNoCard holds the scanner's other shortcut to the detector's
// answers: a 17–19-digit number without a card network's prefix is not given
// to the detector, which takes no such number for a card even after a
// keyword.
func TestNoIssuerNoCard(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	d := sensitive.Default()
	tried := 0
	for tried < 20000 {
		n := 17 + rng.IntN(3)
		s := randomDigits(rng, n-1)
		s += luhnDigit(s)
		if sensitive.CardIssuer(s) {
			continue
		}
		tried++
		for _, f := range d.Find("card " + s) {
			if f.Kind == sensitive.CreditCard {
				t.Fatalf("the detector finds a card in a %d-digit number without an issuer prefix; the scanner would miss it", n)
			}
		}
	}
}
