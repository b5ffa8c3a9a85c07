package jsontext

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// FuzzDataNumberForms: whatever way a JSON number is written, the integer
// digits of the float64 a reader parses it to are among what the walks
// read of it, its raw text or its DataNumberForms, for every value of
// eight digits or more that a float64 holds exactly as an integer (below
// 2^53; above it no float64 reader sees a card's digits exact). red18: a
// number of sixteen digits or more rounds up to the next integer.
func FuzzDataNumberForms(f *testing.F) {
	for _, s := range []string{"4539703692581474.0", "4539703692581473.99999999", "45397036925814735e-1",
		"0.0000000000000000000000000004539703692581474e43", "123456788.99999999999999", "-4.539703692581474E+15", "1e7"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var sc jsonscan.Scanner
		sc.Reset(raw)
		if k, err := sc.Next(); err != nil || k != jsonscan.Number {
			return
		}
		if k, err := sc.Next(); err != nil || k != jsonscan.End {
			return
		}
		v, err := strconv.ParseFloat(raw, 64)
		if v = math.Abs(v); err != nil || v < 1e7 || v >= 1<<53 {
			return
		}
		want, _, _ := strings.Cut(strconv.FormatFloat(math.Trunc(v), 'f', -1, 64), ".")
		var buf [48]byte
		forms := DataNumberForms(raw, &buf)
		if want != raw && !slices.Contains(forms, want) {
			t.Fatalf("DataNumberForms(%q) = %q: no %s, the value a reader reads", raw, forms, want)
		}
	})
}
