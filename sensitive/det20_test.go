package sensitive

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDet20DEL: DEL (0x7f) is no part of a value, as the C0 controls are
// not: a reader that drops it joins what it split (red19). Layout controls
// still split; text with DELs and no value stays clean.
func TestDet20DEL(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"e-mail split by DEL", "jane.doe\x7f@example.com", []Finding{{Email, 0, 21}}},
		{"card split by DELs", "4111\x7f1111\x7f1111\x7f1111", []Finding{{CreditCard, 0, 19}}},
		{"account keyword split by DEL", "ac\x7fct 912803456", []Finding{{AccountNumber, 6, 15}}},
		{"DELs around an e-mail stay outside it", "\x7fjane@example.com\x7f\x7f", []Finding{{Email, 1, 17}}},
		{"DEL and NUL mixed", "4111\x7f\x001111\x00\x7f1111\x7f1111", []Finding{{CreditCard, 0, 21}}},
		{"a run of DELs", "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", nil},
		{"DEL beside a line feed still splits", "4111\x7f\n1111\n1111\n1111", nil},
		{"DEL in plain text", "press \x7f to delete", nil},
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, d.Find(tt.text)); diff != "" {
				t.Errorf("Find(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestDet20ControlSplitCards: a dropped control (C0, DEL, C1) inside a
// card's digits is read through where it breaks the card's groups, or
// after a card keyword; elsewhere it ends one number and starts another
// (red19's NUL- and SOH-joined ID pairs). Values of other kinds read
// through controls anywhere, as before.
func TestDet20ControlSplitCards(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"grouped by NULs", "4111\x001111\x001111\x001111", []Finding{{CreditCard, 0, 19}}},
		{"grouped by DELs", "4111\x7f1111\x7f1111\x7f1111", []Finding{{CreditCard, 0, 19}}},
		{"grouped by a C1 control", "4111\u009b1111\u009b1111\u009b1111", []Finding{{CreditCard, 0, 22}}},
		{"a NUL beside a space", "4111 \x001111 1111 1111", []Finding{{CreditCard, 0, 20}}},
		{"a NUL beside a dash", "4111-1111\x00-1111-1111", []Finding{{CreditCard, 0, 20}}},
		{"Amex grouped 4-6-5 by NULs", "3782\x00822463\x0010005", []Finding{{CreditCard, 0, 17}}},
		{"last group short", "4111\x001111\x001111\x00111\x001", nil},
		{"a NUL inside a plain card, after a card keyword", "card 4111111\x00111111111", []Finding{{CreditCard, 5, 22}}},
		{"NULs inside a group, after a card keyword", "visa: 4\x001\x001\x001111111111111", []Finding{{CreditCard, 6, 25}}},
		{"a zero-width space splits no group", "4111111\u200b111111111", []Finding{{CreditCard, 0, 19}}},
		{"a NUL after the card", "4111111111111111\x00", []Finding{{CreditCard, 0, 16}}},
		// Near misses: a control inside a group, no card keyword.
		{"two IDs joined by a NUL", "id 2368349\x00605919151", nil},
		{"two numbers joined by SOH", "41234568\x0145678901", nil},
		{"two numbers joined by DEL", "41234568\x7f45678901", nil},
		{"two numbers joined by a C1 control", "41234568\u008145678901", nil},
		{"a NUL inside a plain card", "4111111\x00111111111", nil},
		{"NULs inside a group", "4\x001\x001\x001111111111111", nil},
		{"a NUL inside a group of a grouped card", "41\x0011 1111 1111 1111", nil},
		// Other kinds still read through a control anywhere.
		{"e-mail split by a NUL", "jane.doe\x00@example.com", []Finding{{Email, 0, 21}}},
		{"SSN split by SOH and ESC", "123-4\x015-67\x1b89", []Finding{{SSN, 0, 13}}},
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, d.Find(tt.text)); diff != "" {
				t.Errorf("Find(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestDet20EqualsChains: a chain of digit groups joined by '=' that starts
// after a name and '=' is a config line's values, not a card, unless a card
// keyword names it (red19: 4.3% of "x=6750=6618=1975=5701"-like lines passed
// the checksum and an issuer). A tag's value, which the guard reads as
// "key = value", is still found.
func TestDet20EqualsChains(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"a config line", "x=6750=6618=1975=5701", nil},
		{"a config line whose values pass Luhn", "x=4539=7036=9258=1474", nil},
		{"after a card keyword and '='", "card=4539=7036=9258=1474", []Finding{{CreditCard, 5, 24}}},
		{"after cc and '='", "cc=4539=7036=9258=1474", []Finding{{CreditCard, 3, 22}}},
		{"a tag's value", "note = 4539=7036=9258=1474", []Finding{{CreditCard, 7, 26}}},
		{"alone", "4539=7036=9258=1474", []Finding{{CreditCard, 0, 19}}},
		{"inside a longer number", "1=4539=7036=9258=1474", nil},
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, d.Find(tt.text)); diff != "" {
				t.Errorf("Find(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestDet20MixedEquals: a card whose groups mix a lone '=' with the usual
// separators is read as one joined by either alone (red19), with their
// rules: the longest grouping before a blank, no '=' continuing it, not a
// chain after a name and '='.
func TestDet20MixedEquals(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"'=' and '-'", "4539=7036-9258=1474", []Finding{{CreditCard, 0, 19}}},
		{"'=' after a space", "4539 7036=9258=1474", []Finding{{CreditCard, 0, 19}}},
		{"'=' last", "4539-7036-9258=1474", []Finding{{CreditCard, 0, 19}}},
		{"Amex, '=' and a space", "3782 822463=10005", []Finding{{CreditCard, 0, 17}}},
		{"then a number after a blank", "4539=7036-9258=1474 2025", []Finding{{CreditCard, 0, 19}}},
		{"in a tag's value", "note = 4539=7036 9258 1474", []Finding{{CreditCard, 7, 26}}},
		{"an '=' after the card is another field", "4111 1111 1111 1111=2025", []Finding{{CreditCard, 0, 19}}},
		// Near misses.
		{"a longer number", "4539=7036-9258=1474=2025", nil},
		{"Luhn fails", "4539=7036-9258=1475", nil},
		{"a name joined to its value", "4539 = 7036-9258-1474", nil},
		{"equals signs in a run", "4539==7036-9258-1474", nil},
		{"a chain after a name and '='", "x=4539-7036=9258-1474", nil},
		{"groups of three", "453=970=369=258=147", nil},
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, d.Find(tt.text)); diff != "" {
				t.Errorf("Find(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// det20Card is a random 16-digit Visa number that passes Luhn.
func det20Card(r *rand.Rand) string {
	d := make([]byte, 16)
	d[0] = 4
	for i := 1; i < 15; i++ {
		d[i] = byte(r.IntN(10))
	}
	sum := 0
	for i := 14; i >= 0; i-- {
		v := int(d[i])
		if (14-i)%2 == 0 {
			v = int(luhnDoubled[v])
		}
		sum += v
	}
	d[15] = byte((10 - sum%10) % 10)
	for i := range d {
		d[i] += '0'
	}
	return string(d)
}

// det20Grouped joins a 16-digit card's groups of four with sep.
func det20Grouped(c, sep string) string {
	return c[:4] + sep + c[4:8] + sep + c[8:12] + sep + c[12:]
}

// TestDet20Recall: the miss forms det20 takes, generated (N = 5000 each,
// seed PCG(20, 21)), each found every time: a card grouped by NULs, DELs
// or a C1 control, one with a NUL beside each space, one a NUL splits
// anywhere after a card keyword, '='-chains in a tag's value or after a
// card keyword and '=', and '=' mixed with other separators.
func TestDet20Recall(t *testing.T) {
	const n = 5000
	d := Default()
	r := rand.New(rand.NewPCG(20, 21))
	atRandom := func(c string) string { k := 1 + r.IntN(len(c)-1); return c[:k] + "\x00" + c[k:] }
	tests := []struct {
		name string
		gen  func() string
	}{
		{"grouped by NULs", func() string { return det20Grouped(det20Card(r), "\x00") }},
		{"grouped by DELs", func() string { return det20Grouped(det20Card(r), "\x7f") }},
		{"grouped by a C1 control", func() string { return det20Grouped(det20Card(r), "\u009b") }},
		{"a NUL beside each space", func() string { return det20Grouped(det20Card(r), " \x00") }},
		{"a NUL anywhere, after a card keyword", func() string { return "card number " + atRandom(det20Card(r)) }},
		{"'='-chain in a tag's value", func() string { return "note = " + det20Grouped(det20Card(r), "=") }},
		{"'='-chain after cc and '='", func() string { return "cc=" + det20Grouped(det20Card(r), "=") }},
		{"'=' mixed with '-' and blanks", func() string {
			c := det20Card(r)
			return c[:4] + "=" + c[4:8] + []string{"-", " ", "="}[r.IntN(3)] + c[8:12] + "-" + c[12:]
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			missed := 0
			for range n {
				s := tt.gen()
				if fs := d.Find(s); len(fs) != 1 || fs[0].Kind != CreditCard {
					if missed++; missed == 1 {
						t.Logf("first miss: %q", s)
					}
				}
			}
			if missed > 0 {
				t.Errorf("recall %.4f over %d cards, want 1", 1-float64(missed)/n, n)
			}
		})
	}
}

// TestDet20Unfixed: what det20 leaves, measured. A card that one NUL (or
// another control) splits at a place that is no group break, with no card
// keyword before it, is not found: recall 0 on such generated cards (N =
// 5000, seed PCG(20, 22)), where taking them is taking every ID pair whose
// digits pass (1.5–4.3%, TestRed19FalsePositiveDefects before det20).
func TestDet20Unfixed(t *testing.T) {
	t.Skip("defect (low, recall kept for precision): a card one control splits off its groups, with no card keyword, is not found (recall 0.0000, N = 5000); the ID pairs it would take are 1.5–4.3%")
	const n = 5000
	d := Default()
	r := rand.New(rand.NewPCG(20, 22))
	missed := 0
	for range n {
		c := det20Card(r)
		k := 1 + r.IntN(len(c)-1)
		if len(d.Find(c[:k]+"\x00"+c[k:])) == 0 {
			missed++
		}
	}
	if missed > 0 {
		t.Errorf("recall %.4f over %d cards, want 1", 1-float64(missed)/n, n)
	}
}

// TestDet20QualifiedKeywordOneGap: an account keyword qualified by '@' and
// a word ("acct@bank", a tag's key or a column) names a number set apart
// from it by one gap byte, as it did one after " = " or ": " (red19).
func TestDet20QualifiedKeywordOneGap(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"a space", "acct@bank 912803456", []Finding{{AccountNumber, 10, 19}}},
		{"an equals sign", "acct@bank=912803456", []Finding{{AccountNumber, 10, 19}}},
		{"a tab, a qualifier with digits", "account@bank2\t12345678", []Finding{{AccountNumber, 14, 22}}},
		{"after other text", "moved to ACCT@Chase 0012345678 today", []Finding{{AccountNumber, 20, 30}}},
		{"still after two gap bytes", "acct@bank: 912803456", []Finding{{AccountNumber, 11, 20}}},
		// Near misses: no account keyword before '@', a domain rather than
		// a word, another word between, or too few digits.
		{"a person's address", "jane@bank 912803456", nil},
		{"an e-mail address, then a number", "acct@bank.com 912803456", []Finding{{Email, 0, 13}}},
		{"another word between", "acct@bank order 912803456", nil},
		{"five digits", "acct@bank 91280", nil},
		{"an '@' too far back", "acct@bankofamericanationalassoc 912803456", nil},
		{"a version after an e-mail", "from acc@host v 912803456", nil},
		// Left (doc.go Limits): groups after one gap byte, and a run after
		// a qualifier's digit and ':'.
		{"groups after one gap byte", "acct@bank=912 803 456", nil},
		{"a qualifier's digit, then ':'", "acct@bank2:12345678", nil},
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, d.Find(tt.text)); diff != "" {
				t.Errorf("Find(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestDet20QualifiedFalsePositives: generated clean text with an '@', a
// word and one gap byte before a number (N = 20000 each, seed PCG(20,
// 23)): mail and chat handles, then an order or ticket number of 6–12
// digits (a bare 13–15-digit one passes as a card at the checksum's rate,
// 0.0005, whatever stands before it). The rule reads only a keyword before
// the '@' (acct, account, acc as a word): measured 0 for each.
func TestDet20QualifiedFalsePositives(t *testing.T) {
	const n = 20000
	d := Default()
	r := rand.New(rand.NewPCG(20, 23))
	users := []string{"jane", "support", "billing", "sales", "ops", "noreply", "team", "admin", "accountmgr", "acctg"}
	hosts := []string{"bank", "shop", "corp", "mail1", "chase", "host", "db2"}
	tests := []struct {
		name string
		gen  func() string
	}{
		{"handle, then a number", func() string {
			return users[r.IntN(len(users))] + "@" + hosts[r.IntN(len(hosts))] + " " + red19Num(r, 6+r.IntN(7))
		}},
		{"handle, '=' and a number", func() string {
			return users[r.IntN(len(users))] + "@" + hosts[r.IntN(len(hosts))] + "=" + red19Num(r, 6+r.IntN(7))
		}},
		{"account handle, a word, then an order number", func() string {
			return "acct@" + hosts[r.IntN(len(hosts))] + " order " + red19Num(r, 6+r.IntN(7))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := red19Rate(d, n, tt.gen); got > 0 {
				t.Errorf("false-positive rate %.4f over %d texts, want 0", got, n)
			}
		})
	}
}

// TestDet20MixedEqualsRate: random digit groups (N = 20000, seed PCG(20,
// 25)) joined by '=' mixed with '-' are flagged exactly when the same
// groups joined by spaces are: mixing '=' in adds no false positive beyond
// the grouping's own rate (measured 0.0393, the checksum's tenth of the
// groups an issuer range holds).
func TestDet20MixedEqualsRate(t *testing.T) {
	const n = 20000
	d := Default()
	r := rand.New(rand.NewPCG(20, 25))
	flagged, differ := 0, 0
	for range n {
		g := [4]string{red19Num(r, 4), red19Num(r, 4), red19Num(r, 4), red19Num(r, 4)}
		mixed := d.Contains(g[0] + "=" + g[1] + "-" + g[2] + "=" + g[3])
		if mixed {
			flagged++
		}
		if mixed != d.Contains(g[0]+" "+g[1]+" "+g[2]+" "+g[3]) {
			differ++
		}
	}
	t.Logf("mixed joins flagged %.4f", float64(flagged)/n)
	if differ != 0 {
		t.Errorf("%d of %d groupings flagged joined one way and not the other", differ, n)
	}
}
