package sensitive

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDroppedControls: a C0 control other than the layout ones (tab, line
// feed, vertical tab, form feed, carriage return) is no part of a value and
// no separator: a value it splits is found whole, the control inside its
// span and the ones before and after it outside. The layout controls still
// split what they split, and text with a control and no value stays clean.
func TestDroppedControls(t *testing.T) {
	tests := []struct {
		name, text string
		want       []Finding
	}{
		{"e-mail split by NUL", "jane.doe\x00@example.com", []Finding{{Email, 0, 21}}},
		{"card split by NULs", "4111\x001111\x001111\x001111", []Finding{{CreditCard, 0, 19}}},
		{"card split by NULs in one group, after a card keyword", "card 4\x001\x001\x001111111111111", []Finding{{CreditCard, 5, 24}}},
		{"grouped card with a NUL beside a space", "4111 \x001111 1111 1111", []Finding{{CreditCard, 0, 20}}},
		{"SSN split by SOH and ESC", "123-4\x015-67\x1b89", []Finding{{SSN, 0, 13}}},
		{"account keyword split by a unit separator", "ac\x1fct 912803456", []Finding{{AccountNumber, 6, 15}}},
		{"phone split by backspace", "+44 20 7946\x08 0958", []Finding{{Phone, 0, 17}}},
		{"access key split by DC1", "AKIAIOSF\x11ODNN7EXAMPLE", []Finding{{AWSAccessKey, 0, 21}}},
		{"controls around a card stay outside it", "\x00\x01" + "4111111111111111" + "\x02\x00", []Finding{{CreditCard, 2, 18}}},
		{"controls around an e-mail", "\x00jane@example.com\x00", []Finding{{Email, 1, 17}}},
		{"NULs only", strings.Repeat("\x00", 100), nil},
		// Near misses: the layout controls split values, and joining what
		// a control split must still pass every kind's test.
		{"card split by line feeds", "4111\n1111\n1111\n1111", nil},
		{"card split by carriage returns", "4111\r1111\r1111\r1111", nil},
		{"card split by form feeds and vertical tabs", "4111\f1111\v1111\f1111", nil},
		{"e-mail split by a line feed", "jane.doe\n@example.com", nil},
		{"two IDs split by a NUL fail Luhn", "4111111\x00111111112", nil},
		{"an ID and a version split by a NUL", "build 1234\x005.6", nil},
		{"hashed ID split by a NUL", "5012345678\x00901234567", nil},
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

// controlsFree is s with every byte that normalisation may change or drop
// removed: text whose view is itself.
func controlsFree(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; byteClass[c]&cNorm == 0 {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// withControls inserts dropped controls into base before the bytes whose
// bit in mask is set (mask repeats every 64 bytes), and returns the text
// and, for each byte of base, its offset in it.
func withControls(base string, mask uint64, ctl string) (string, []int) {
	var b strings.Builder
	at := make([]int, 0, len(base)+1)
	for i := 0; i < len(base); i++ {
		if mask>>(i%64)&1 != 0 {
			b.WriteByte(ctl[i%len(ctl)])
		}
		at = append(at, b.Len())
		b.WriteByte(base[i])
	}
	return b.String(), at
}

// checkDroppedControls holds Find of a text with dropped controls to its
// definition: Find of the text without them, each finding widened to the
// source of its first and last byte, except a card whose digits the
// controls split off its grouping with no card keyword before it
// (splitCardRef). Such a card is not found, and what else may start inside
// it then is not defined here: only the findings before it are compared.
func checkDroppedControls(t *testing.T, base string, mask uint64, ctl string) {
	t.Helper()
	s, at := withControls(base, mask, ctl)
	var want []Finding
	refused := -1
	for _, f := range Default().Find(base) {
		g := Finding{f.Kind, at[f.Start], at[f.End-1] + 1}
		if f.Kind == CreditCard && !splitCardRef(base, f.Start, f.End, mask) {
			refused = g.Start
			break
		}
		want = append(want, g)
	}
	got := Default().Find(s)
	if refused >= 0 {
		for i, g := range got {
			if g.Kind == CreditCard && g.Start == refused {
				t.Fatalf("Find(%q) = %v: the card at %d is split off its grouping", s, got, refused)
			}
			if g.Start >= refused {
				got = append([]Finding(nil), got[:i]...)
				break
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Find(%q) against Find(%q) (-want +got):\n%s", s, base, diff)
	}
}

// splitCardRef is splitCardOK's definition for the card base[a:b] with
// controls inserted before the bytes mask marks (as withControls does): no
// control inside it, or the digit groups that its other bytes and the
// controls break it into are a card's grouping, or a card keyword stands
// before it.
func splitCardRef(base string, a, b int, mask uint64) bool {
	split := false
	var lens []int
	run := 0
	for i := a; i < b; i++ {
		ctl := i > a && mask>>(i%64)&1 != 0
		split = split || ctl
		if ctl || !isDigit(base[i]) {
			if run > 0 {
				lens = append(lens, run)
			}
			run = 0
		}
		if isDigit(base[i]) {
			run++
		}
	}
	if run > 0 {
		lens = append(lens, run)
	}
	return !split || cardGrouping(lens) || cardKeywordBefore(base, a)
}

// droppedControls are the controls normalisation drops.
const droppedControls = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"

// TestDroppedControlsMatchDefinition checks checkDroppedControls on the
// corpus lines and on random texts of values and separators, with controls
// in random places.
func TestDroppedControlsMatchDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2026))
	var texts []string
	for _, cl := range readCorpus(t) {
		texts = append(texts, controlsFree(cl.text))
	}
	pieces := []string{"4111 1111 1111 1111", "jane.doe@example.com", "acct 912803456", "+44 20 7946 0958",
		"123-45-6789", "DE89 3704 0044 0532 0130 00", "AKIAIOSFODNN7EXAMPLE", "4111", "1111", " ", "-", "=", "@",
		"example.com", "912803456", "20", "0958", "45", "6789", "ssn", "\n", "x"}
	for range 3000 {
		var b strings.Builder
		for range 1 + r.IntN(16) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	found := 0
	for _, base := range texts {
		if len(Default().Find(base)) > 0 {
			found++
		}
		checkDroppedControls(t, base, r.Uint64()&r.Uint64(), droppedControls[r.IntN(len(droppedControls)):])
	}
	if found < len(texts)/4 {
		t.Errorf("only %d of %d texts have a finding: the test compares too few", found, len(texts))
	}
}

func FuzzDroppedControls(f *testing.F) {
	f.Add("jane.doe@example.com 4111 1111 1111 1111", uint64(0x0101), uint8(0))
	f.Add("acct 912803456 123-45-6789", uint64(0xffff), uint8(3))
	f.Fuzz(func(t *testing.T, s string, mask uint64, c uint8) {
		if len(s) > 512 {
			t.Skip()
		}
		checkDroppedControls(t, controlsFree(s), mask, droppedControls[int(c)%len(droppedControls):])
	})
}
