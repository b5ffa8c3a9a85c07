package personalize

import (
	"strings"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/internal/jsontext"
)

// checkSchemaDefaults reads each Avro field's default again after the
// field's name ("SSN = 123456789"), as the guard reads a tag's value after
// its key (scanPair): the detector finds an account number, a bare SSN or a
// secret key only after its keyword, and a field named for what it holds
// gives the keyword. The detector has read the schema's raw text already,
// where the name and the default stand apart. A schema with no default that
// the join could make a finding of, the usual one, is not read again:
// noneMatter says the clean read saw none (schemaDefaults); else a search
// for `"default"` (mayHaveScalarDefault) decides.
func (w *walker) checkSchemaDefaults(s string, noneMatter bool) error {
	if noneMatter || !mayHaveScalarDefault(s, w.g.keywords.HasRules()) {
		return nil
	}
	// Per open object: its "name" and "default" as read so far (a field's
	// members come in any order, so the pair is read when it closes).
	type field struct {
		name, def string
		defAt     int  // the default's offset in s
		number    bool // def is a number's raw text
	}
	var open [jsonscan.MaxDepth + 1]field
	var sc jsonscan.Scanner
	sc.Reset(s)
	var key string // the key of the value read next; "" for an array's element
	var digits [48]byte
	for {
		k, err := sc.Next()
		if err != nil {
			return nil // checkSchema has refused a schema it cannot read
		}
		d := sc.Depth()
		switch k {
		case jsonscan.End:
			return nil
		case jsonscan.BeginObject:
			open[d] = field{}
		case jsonscan.Key:
			key = sc.Text()
		case jsonscan.String, jsonscan.Number:
			if d == 0 || key == "" {
				break // a value in an array, or the document itself
			}
			switch {
			case key == "name" && k == jsonscan.String:
				open[d].name = sc.Text()
			case key == "default":
				open[d].def, open[d].defAt, open[d].number = sc.Text(), sc.Offset(), k == jsonscan.Number
				if open[d].number {
					open[d].def = sc.Raw()
				}
			}
		case jsonscan.EndObject:
			f := &open[d+1]
			if err := w.checkSchemaDefault(s, f.name, f.def, f.defAt, f.number, &digits); err != nil {
				return err
			}
		}
		if k != jsonscan.Key {
			key = "" // the next value's key, if it has one, is not read yet
		}
	}
}

// checkSchemaDefault checks one field's default def (at offset at of s)
// after the field's name, and each of a number's forms (jsontext.NumberForms).
func (w *walker) checkSchemaDefault(s, name, def string, at int, number bool, digits *[48]byte) error {
	if name == "" || def == "" {
		return nil
	}
	if err := w.checkNamedDefault(s, name, def, at); err != nil || !number {
		return err
	}
	for _, form := range jsontext.NumberForms(def, digits) {
		if err := w.checkNamedDefault(s, name, form, at); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) checkNamedDefault(s, name, value string, at int) error {
	return jsontext.EachNamed(w.g.keywords, name, value, func(text string) error {
		if f, found := w.g.identifying(text, false); found {
			// Named by where the default stands, never by the field's
			// name, which the caller chose and which may itself be data.
			loc := schemaWalker{w: w, base: w.path(), at: at}
			return w.failAt(loc.locate(s), RuleSensitivePrefix+string(f.Kind), sensitiveReason)
		}
		return nil
	})
}

// schemaDefaults notes, from the clean read of a schema
// (jsonscan.DocumentDefaults), whether a member "default" holds a string
// or number the join of checkSchemaDefaults may make a finding of: one
// that jsontext.NameMatters, in one of its forms for a number, or any at
// all when anyValue (a detector with caller rules). The usual schema's
// defaults are null, false or short numbers (19.99).
type schemaDefaults struct {
	anyValue bool
	matter   bool
}

// note returns the clean read's call for each default; none for no sd.
func (sd *schemaDefaults) note() func(value string, number bool) {
	if sd == nil {
		return nil
	}
	return func(value string, number bool) {
		if !sd.matter && defaultMatters(value, number, sd.anyValue) {
			sd.matter = true
		}
	}
}

// defaultMatters reports whether the join may make a finding of a default
// value: checkSchemaDefault's forms, each tested as checkNamedDefault's
// jsontext.EachNamed tests a value.
func defaultMatters(value string, number, anyValue bool) bool {
	if anyValue || jsontext.NameMatters(value) {
		return true
	}
	if number {
		var digits [48]byte
		for _, form := range jsontext.NumberForms(value, &digits) {
			if jsontext.NameMatters(form) {
				return true
			}
		}
	}
	return false
}

// mayHaveScalarDefault reports whether s may hold a member "default" whose
// value the join can make a finding of: a key spelled `"default"` before a
// string or a number of six digits or forty bytes (jsontext.NameMatters; any
// value at all when anyValue, for a detector with caller rules), a number
// with an exponent (its integer form has more digits than its text), or any
// escape, which could spell the key or the digits otherwise
// ("def\u0061ult"). A schema's defaults are mostly null, false or short
// numbers (19.99): such a schema is not read again.
func mayHaveScalarDefault(s string, anyValue bool) bool {
	if strings.Contains(s, `\`) {
		return true
	}
	// Searched from its 'd': a search from the '"' stops at every string.
	const key = `default"`
	if len(s) <= len(key) {
		// Too short to hold the key; and the search below starts at 1,
		// past the end of "" (a report-only check reaches here with a
		// schema that is not JSON at all).
		return false
	}
	for i := 1; ; {
		j := strings.Index(s[i:], key)
		if j < 0 {
			return false
		}
		i += j + len(key)
		if s[i-len(key)-1] != '"' {
			continue // "isdefault", not "default"
		}
		k := skipJSONSpace(s, i)
		if k == len(s) || s[k] != ':' {
			continue // a string value "default", not a key
		}
		k = skipJSONSpace(s, k+1)
		var value string
		switch {
		case k == len(s):
			return false
		case s[k] == '"':
			end := strings.IndexByte(s[k+1:], '"') // no escape in s: the string's end
			if end < 0 {
				return false
			}
			value = s[k+1 : k+1+end]
		case s[k] == '-' || '0' <= s[k] && s[k] <= '9':
			end := k + 1
		number:
			for ; end < len(s); end++ {
				switch c := s[end]; {
				case c == 'e' || c == 'E':
					return true
				case c != '.' && c != '+' && c != '-' && (c < '0' || c > '9'):
					break number
				}
			}
			value = s[k:end]
		default:
			continue // null, true, false, an object or an array
		}
		if anyValue || jsontext.NameMatters(value) {
			return true
		}
	}
}

func skipJSONSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}
