package jsontext

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

func TestNumberForms(t *testing.T) {
	tests := []struct {
		raw  string
		want []string
	}{
		{"4111111111111111", nil}, // the raw text is read as it is
		{"4539703692581474.0", []string{"4539703692581474", "45397036925814740"}},
		{"4111111111111111e0", []string{"4111111111111111"}},
		{"0.4111111111111111", []string{"4111111111111111"}},
		{"4111111111111111e-16", []string{"4111111111111111"}},
		{"1234567", nil},                                          // shorter than any identifying number
		{"42e14", []string{"4200000000000000"}},                   // short, but its exponent makes it a card number
		{"4.2E+15", []string{"4200000000000000"}},                 // the same in seven characters
		{"1e5", []string{"100000"}},                               // read, though shorter than any identifying number
		{"1e999", nil},                                            // beyond any identifying number
		{"-3953814578718096702", []string{"3953814578718096702"}}, // the detector judges the digits
	}
	for _, tt := range tests {
		var buf [48]byte
		if diff := cmp.Diff(tt.want, NumberForms(tt.raw, &buf)); diff != "" {
			t.Errorf("NumberForms(%q) (-want +got):\n%s", tt.raw, diff)
		}
	}
}

// TestDataNumberForms: a number that is data is read as its integer
// digits, not its significant digits (see DataNumberForms).
func TestDataNumberForms(t *testing.T) {
	tests := []struct {
		raw  string
		want []string
	}{
		{"4111111111111111", nil},
		{"4539703692581474.0", []string{"4539703692581474"}},
		{"4.539703692581474e15", []string{"4539703692581474"}},
		{"0.4111111111111111", nil},   // a fraction: 0.41..., whatever its digits
		{"4111111111111111e-16", nil}, // the same
		{"0.3888888888888889", nil},   // 7/18
		{"12.100000000000001", []string{"12"}},
		{"42e14", []string{"4200000000000000"}},
		{"1234567", nil},
		// A float64 reader rounds (red18): the value's digits too.
		{"4539703692581473.99999999", []string{"4539703692581473", "4539703692581474"}},
		{"4539703692581473.5", []string{"4539703692581473", "4539703692581474"}}, // a tie, to even
		{"-45397036925814735e-1", []string{"4539703692581473", "4539703692581474"}},
		{"4111111111111110.99999999", []string{"4111111111111110", "4111111111111111"}},
		{"123456788.99999999999999", []string{"123456788", "123456789"}},
		{"4539703692581473.4", []string{"4539703692581473"}}, // rounds down
		{"123456788.999999", []string{"123456788"}},          // 15 digits: no reader reads 123456789
		{"1e400", nil}, // no integer digits past 40
	}
	for _, tt := range tests {
		var buf [48]byte
		if diff := cmp.Diff(tt.want, DataNumberForms(tt.raw, &buf)); diff != "" {
			t.Errorf("DataNumberForms(%q) (-want +got):\n%s", tt.raw, diff)
		}
	}
}

// TestDataNumbersFlagged measures what DataNumberForms is for: computed
// numbers, as a service's events carry them (a score in [0,1), a price
// times a rate, a score in [0,1000)), 100,000 of each written as JSON
// writes a float64, are flagged by the default detector read as their
// text and their forms. With significant digits (NumberForms) 2.73%, 0.74%
// and 2.60% of them were, each an event refused; as data, none may be.
func TestDataNumbersFlagged(t *testing.T) {
	det, err := sensitive.New()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, kind := range []string{"fraction", "price", "score"} {
		flagged := 0
		for range 100_000 {
			var f float64
			switch kind {
			case "fraction":
				f = r.Float64()
			case "price":
				f = float64(r.IntN(100_000)) / 100 * 1.1
			case "score":
				f = r.Float64() * 1000
			}
			raw := strconv.FormatFloat(f, 'g', -1, 64)
			var buf [48]byte
			for _, s := range append([]string{raw}, DataNumberForms(raw, &buf)...) {
				if _, ok := det.First(s); ok {
					flagged++
					break
				}
			}
		}
		if flagged != 0 {
			t.Errorf("%s: %d of 100,000 computed numbers flagged, want 0", kind, flagged)
		}
	}
}

func TestEachText(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
		err       error
	}{
		{"strings, names and numbers", `{"a":["x",{"b":4539703692581474.0}],"c":true}`,
			[]string{"a", "x", "b", "4539703692581474.0", "4539703692581474", "45397036925814740", "c"}, nil},
		{"escapes decoded", `{"\u0065mail":"jane\u0040example.com"}`, []string{"email", "jane@example.com"}, nil},
		{"a bare string", `"plain"`, []string{"plain"}, nil},
		{"not closed", `{"a":"x"`, []string{"a", "x"}, ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sc jsonscan.Scanner
			sc.Reset(tt.doc)
			k, err := sc.Next()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			err = EachText(&sc, k, func(s string) error { got = append(got, s); return nil })
			if !errors.Is(err, tt.err) {
				t.Errorf("EachText = %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("texts (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzEachText: any input either ends in ErrSyntax or is walked to its end,
// without a panic.
func FuzzEachText(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,"x",{"y":null}]`, `{"a":`, `"\ud800"`, `1e400`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var sc jsonscan.Scanner
		sc.Reset(doc)
		k, err := sc.Next()
		if err != nil {
			return
		}
		_ = EachText(&sc, k, func(string) error { return nil })
	})
}
