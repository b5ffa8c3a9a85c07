package personalize

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/internal/jsontext"
)

// FuzzMayHaveScalarDefault: the pre-check never says no to a document that
// holds a member "default" (however its key is spelled) whose string or
// number the join could make a finding of, as a reader decodes it: else a
// schema with such a default would not be read again after its field's name.
func FuzzMayHaveScalarDefault(f *testing.F) {
	for _, s := range []string{
		`{"name":"SSN","type":"string","default":"123456789"}`,
		`{"name":"A","default":19.99}`,
		`{"name":"A","default":4.5e15}`,
		`{"name":"A","default" : -123456}`,
		`{"name":"A","def\u0061ult":"123456"}`,
		`{"name":"A","default":"1\u00312345"}`,
		`{"doc":"default","default":null}`,
		`[{"default":{"default":"9999999"}}]`,
		`{"name":"A","default":"` + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" + `"}`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, anyValue bool) {
		if mayHaveScalarDefault(s, anyValue) || !referenceScalarDefault(s, anyValue) {
			return
		}
		t.Errorf("mayHaveScalarDefault(%q, %t) = false; the document has a default the join reads", s, anyValue)
	})
}

// FuzzSchemaDefaultsNoted: the clean read's note never says no to a
// clean document that holds a member "default" whose string or number the
// join could make a finding of (referenceScalarDefault), with and without
// the writing; and it says no to the seeds' usual schema.
func FuzzSchemaDefaultsNoted(f *testing.F) {
	for _, s := range []string{
		`{"name":"SSN","type":"string","default":"123456789"}`,
		`{"name":"A","default":19.99}`,
		`{"name":"A","default":4.5e15}`,
		`{"name":"A","default":0.00000000000000000000000000000000000000000045e50}`,
		`{"name":"A","default" : -123456}`,
		`{"name":"A","def\u0061ult":"123456"}`,
		`{"name":"A","default":"1\u00312345"}`,
		`{"doc":"default","default":null}`,
		`[{"default":{"default":"9999999"}}]`,
		`{"name":"A","default":"` + strings.Repeat("x", 41) + `"}`,
		`{"name":"A","default":"x"}`,
		schemaOfSize(2 << 10),
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	g := testGuard(f, Policy{})
	f.Fuzz(func(t *testing.T, s string, anyValue bool) {
		want := referenceScalarDefault(s, anyValue)
		for _, quoted := range []bool{false, true} {
			defaults := schemaDefaults{anyValue: anyValue}
			var clean bool
			if quoted {
				_, _, clean = cleanSchemaQuoted(nil, s, g.s.Detector, &defaults)
			} else {
				clean = cleanSchema(s, g.s.Detector, &defaults)
			}
			if clean && want && !defaults.matter {
				t.Fatalf("cleanSchema(%q), anyValue %t, quoted %t: no default noted; the document has one the join reads", s, anyValue, quoted)
			}
		}
	})
}

// TestSchemaDefaultsNoted: the benchmarks' schemas, whose defaults are
// null and 19.99, are not read again; one with a default of six digits
// is.
func TestSchemaDefaultsNoted(t *testing.T) {
	g := testGuard(t, Policy{})
	for _, tt := range []struct {
		schema string
		want   bool
	}{
		{schemaOfSize(10 << 10), false},
		{schemaOfSize(19 << 10), false},
		{strings.Replace(schemaOfSize(10<<10), `"default":19.99`, `"default":123456`, 1), true},
		{strings.Replace(schemaOfSize(10<<10), `"default":19.99`, `"default":1.5e7`, 1), true},
		{strings.Replace(schemaOfSize(10<<10), `"default":null`, `"default":"acct 123456"`, 1), true},
	} {
		defaults := schemaDefaults{}
		if !cleanSchema(tt.schema, g.s.Detector, &defaults) {
			t.Fatalf("cleanSchema(%.60q) = false", tt.schema)
		}
		if defaults.matter != tt.want {
			t.Errorf("cleanSchema(%.60q) noted %v, want %v", tt.schema, defaults.matter, tt.want)
		}
	}
}

// referenceScalarDefault reads s as checkSchemaDefaults does, token by
// token, and reports whether some member "default" holds a string or number
// that NameMatters in one of its forms (any at all when anyValue).
func referenceScalarDefault(s string, anyValue bool) bool {
	var sc jsonscan.Scanner
	sc.Reset(s)
	key := ""
	var digits [48]byte
	for {
		k, err := sc.Next()
		if err != nil || k == jsonscan.End {
			return false
		}
		switch {
		case k == jsonscan.Key:
			key = sc.Text()
			continue
		case key == "default" && k == jsonscan.String:
			if anyValue || jsontext.NameMatters(sc.Text()) {
				return true
			}
		case key == "default" && k == jsonscan.Number:
			if anyValue || jsontext.NameMatters(sc.Raw()) {
				return true
			}
			for _, form := range jsontext.NumberForms(sc.Raw(), &digits) {
				if jsontext.NameMatters(form) {
					return true
				}
			}
		}
		key = ""
	}
}

// TestReportOnlyEmptySchema: in report-only mode a schema that is not JSON
// is reported and the check goes on to the defaults, which an empty schema
// made panic (found by TestTypedWalkMatchesReflective).
func TestReportOnlyEmptySchema(t *testing.T) {
	logger, _ := jsonLogger()
	g := testGuard(t, Policy{InsecureReportOnly: true, Logger: logger})
	for _, s := range []string{"", "d", `default"`} {
		st := &callState{}
		ctx := withState(middleware.WithOperationName(context.Background(), "CreateSchema"), st)
		w := newWalkerState(g, ctx, st, false, "")
		err := w.check(ruleSchema, shapeAvroSchema, nil, s)
		w.release()
		var got []string
		for _, r := range st.reported {
			got = append(got, r.Rule)
		}
		if diff := cmp.Diff([]string{RuleSchemaJSON}, got); err != nil || diff != "" {
			t.Errorf("check(%q) = %v, reported (-want +got):\n%s", s, err, diff)
		}
	}
}
