package personalize

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// red25cSecret is a secret access key of random base64 (not the SDK
// documentation's example).
const red25cSecret = "q8Zr2Lm9Xw4Tn7Vb1Kc6Hd3Jf0Gs5Pa+Ye/Ui8Oz"

// red25cDefaults are default values a careless or hostile caller writes:
// strings, numbers with signs, decimals and exponents, escaped digits,
// secret keys, and near misses of each.
var red25cDefaults = []string{
	`"123456789"`, `"12345"`, `"1\u00323456789"`, `"\u0031\u0032\u0033\u0034\u0035\u0036\u0037\u0038\u0039"`,
	`"gold 912803456"`, `"912-80-3456"`, `"１２３４５６７８９"`,
	`912803456`, `-912803456`, `912803456.0`, `9.12803456e8`, `9.12803456E+8`, `912803.456e3`,
	`0.912803456e9`, `91280345600e-2`, `4.539703692581474e15`, `4539703692581473.99999999`, `1e5`, `12345`, `-0.5`,
	`"` + red25cSecret + `"`, `"` + red25cSecret[:39] + `"`, `"q8Zr2Lm9Xw4Tn7Vb1Kc6Hd3Jf0Gs5Pa\u002bYe/Ui8Oz"`,
	`"AKIAQ7RZ2XK5M3LNPW4V"`, `"x"`, `""`, `null`, `false`, `{"a":"123456789"}`, `["123456789"]`,
}

// red25cNames are field names the detector takes for a keyword (in any
// case) and one it does not.
var red25cNames = []string{`"SSN"`, `"ssn"`, `"ACCOUNT_NUMBER"`, `"aws_secret_access_key"`, `"employee_id"`, `"S\u0053N"`, `"PRICE"`}

// red25cSchemas spells a field holding name and def in every way the
// clean read's note takes a different path for: the key "default"
// plain, escaped anywhere, after whitespace and control bytes, the
// default before the name, in a nested record, a union, an array's items,
// after a harmless default in another field, near the deepest nesting the
// reader takes, and after 8 to 15 bytes of structure.
func red25cSchemas(name, def string) []string {
	fields := []string{
		`"name":` + name + `,"type":"string","default":` + def,
		`"default":` + def + `,"type":"string","name":` + name,
		`"name":` + name + `,"d\u0065fault":` + def,
		`"name":` + name + `,"\u0064efault":` + def,
		`"name":` + name + `,"defaul\u0074":` + def,
		`"name":` + name + `,"\u0064\u0065\u0066\u0061\u0075\u006c\u0074":` + def,
		`"name":` + name + ",\"default\"\t:\r\n" + def,
		`"name":` + name + `,"default" :` + def + ` `,
		"\"name\"\n:\t" + name + " ,\n\t\"default\":" + def,
		`"name":"A","type":{"type":"record","name":"P","fields":[{"name":` + name + `,"type":"string","default":` + def + `}]}`,
		`"name":"A","type":["null",{"type":"record","name":"P","fields":[{"default":` + def + `,"name":` + name + `}]}]`,
		`"name":"A","type":{"type":"array","items":{"type":"record","name":"P","fields":[{"name":` + name + `,"default":` + def + `}]}}`,
		`"name":"B","default":19.99},{"name":` + name + `,"default":` + def,
		`"name":"B","default":1.5,"x":[1.25,2.5]},{"name":` + name + `,"default":` + def,
		`"name":"B","default":null},{"name":` + name + `,"aliases":[1,2,3],"default":` + def,
		`"name":"B","doc":"default","default":"default"},{"name":` + name + `,"default":` + def,
		`"name":` + name + `,"doc":"` + strings.Repeat("long doc ", 8) + `","default":` + def,
		`"name":` + name + `,"default_value_of_the_field":1,"default":` + def,
	}
	var out []string
	for _, f := range fields {
		out = append(out, `{"type":"record","name":"Users","fields":[{"name":"USER_ID","type":"string"},{`+f+`}],"version":"1.0"}`)
	}
	// The default's object at every depth up to the reader's limit.
	for _, depth := range []int{1, 2, 62, 63, 64, 65} {
		out = append(out, strings.Repeat("[", depth-1)+`{"name":`+name+`,"default":`+def+`}`+strings.Repeat("]", depth-1))
	}
	return out
}

// red25cGuards are a guard with the default detector and one with a
// caller rule (every default is then read after its name).
func red25cGuards(t testing.TB) []*Guard {
	det, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "employee-id", Pattern: regexp.MustCompile(`(?i)employee_id\W+\d{5}\b`)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	return []*Guard{testGuard(t, Policy{}), testGuard(t, Policy{Detector: det})}
}

// red25cSkipSound reports whether the clean read of s, with and without
// the writing, let checkSchemaDefaults skip a join that finds something
// (the finding's error, nil when none) and whether the join finds one.
func red25cSkipSound(t testing.TB, g *Guard, s string) (finds bool) {
	t.Helper()
	st := &callState{}
	ctx := withState(middleware.WithOperationName(context.Background(), "CreateSchema"), st)
	w := newWalkerState(g, ctx, st, false, "")
	err := w.checkSchemaDefaults(s, false)
	w.release()
	for _, quoted := range []bool{false, true} {
		defaults := schemaDefaults{anyValue: g.keywords.HasRules()}
		var clean bool
		if quoted {
			_, _, clean = cleanSchemaQuoted(nil, s, g.s.Detector, &defaults)
		} else {
			clean = cleanSchema(s, g.s.Detector, &defaults)
		}
		if clean && !defaults.matter && err != nil {
			t.Errorf("the clean read (quoted %t, rules %t) noted no default that matters in %q; the join finds %v", quoted, g.keywords.HasRules(), s, err)
		}
	}
	return err != nil
}

// TestRed25cSchemaDefaultsSkipSound: for every hostile spelling of a
// field's default, a clean read that notes no default that matters
// (checkSchemaDefaults' noneMatter) is one whose join finds nothing. The
// join finds something in many of them, so the test holds the note where
// it must say yes.
func TestRed25cSchemaDefaultsSkipSound(t *testing.T) {
	finds, total := 0, 0
	for _, g := range red25cGuards(t) {
		for _, name := range red25cNames {
			for _, def := range red25cDefaults {
				for _, s := range red25cSchemas(name, def) {
					total++
					if red25cSkipSound(t, g, s) {
						finds++
					}
				}
			}
		}
	}
	if finds < total/10 || finds == total {
		t.Fatalf("the join finds something in %d of %d schemas: the test needs many of both kinds", finds, total)
	}
}

// FuzzRed25cSchemaDefaultsSkipSound: the same on any text, with the real
// join (checkSchemaDefaults itself) as the reference, not a model of it.
func FuzzRed25cSchemaDefaultsSkipSound(f *testing.F) {
	for i, def := range red25cDefaults {
		for _, s := range red25cSchemas(red25cNames[i%len(red25cNames)], def) {
			f.Add(s)
		}
	}
	gs := red25cGuards(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, g := range gs {
			red25cSkipSound(t, g, s)
		}
	})
}
