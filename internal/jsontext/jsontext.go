// Package jsontext reads the text a JSON value carries — every string,
// every member name, every number in each form a reader may take it in —
// so that every guard hands the detector the same strings for the same
// JSON.
package jsontext

import (
	"errors"
	"strings"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// ErrSyntax is returned when the value is not well-formed JSON.
var ErrSyntax = errors.New("jsontext: not one JSON value")

// EachText calls text with every string and member name of the value whose
// first token k was just read from sc, and with every number's raw text and
// its NumberForms, and leaves sc after the value. It stops at text's first
// error.
func EachText(sc *jsonscan.Scanner, k jsonscan.Kind, text func(string) error) error {
	depth := sc.Depth()
	if k == jsonscan.BeginObject || k == jsonscan.BeginArray {
		depth--
	}
	for {
		switch k {
		case jsonscan.String, jsonscan.Key:
			if err := text(sc.Text()); err != nil {
				return err
			}
		case jsonscan.Number:
			if err := text(sc.Raw()); err != nil {
				return err
			}
			var buf [48]byte
			for _, digits := range NumberForms(sc.Raw(), &buf) {
				if err := text(digits); err != nil {
					return err
				}
			}
		}
		if sc.Depth() == depth {
			return nil
		}
		var err error
		if k, err = sc.Next(); err != nil {
			return ErrSyntax
		}
	}
}

// NumberForms returns the forms of a JSON number a reader may take for an
// identifying value, beyond its raw text: its integer digits
// (4539703692581474.0) and its significant digits (0.4111111111111111,
// 4111111111111111e-16).
func NumberForms(raw string, buf *[48]byte) []string {
	if len(raw) < 8 && strings.IndexByte(raw, 'e') < 0 && strings.IndexByte(raw, 'E') < 0 {
		// Shorter than any identifying number, and no exponent to make it
		// longer (42e14 is a card number).
		return nil
	}
	var out []string
	if n, ok := jsonscan.IntegerDigits(buf[:0], raw); ok && string(n) != raw {
		out = append(out, string(n))
	}
	if n := jsonscan.Significand(buf[:0], raw); len(n) >= 8 && string(n) != raw && (len(out) == 0 || string(n) != out[0]) {
		out = append(out, string(n))
	}
	return out
}
