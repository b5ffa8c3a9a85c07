package personalize

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// oldSchemaShortcut is the wire gate's schema shortcut before NextStringIs:
// the string scanned by Next, then compared with the checked schema as it
// decodes (its escapes read by the RawEquals of the time, which decoded as
// Text does). It
// reports whether the gate took the shortcut, and whether the body's first
// member value was a readable string at all.
func oldSchemaShortcut(value, checked string) (shortcut, readable bool) {
	var sc jsonscan.Scanner
	sc.Reset(value)
	k, err := sc.Next()
	if err != nil || k != jsonscan.String {
		return false, false
	}
	return sc.Text() == checked, true
}

// TestWireSchemaShortcut holds the wire gate's schema shortcut to the old
// one (oldSchemaShortcut): the checked schema carries an email, so a gate
// that checks the value again refuses it, and one that takes the shortcut
// lets it through. The shortcut must be taken for every spelling of the
// checked schema and for nothing else.
func TestWireSchemaShortcut(t *testing.T) {
	g := testGuard(t, Policy{})
	checked := `{"type":"record","name":"Items","doc":"owner jane.doe@example.com <ops> & \u00e9","fields":[]}`
	goJSON, _ := json.Marshal(checked) // \u003c, \u003e, \u0026 for <, >, &
	smithy := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(checked) + `"`
	unicodeQuotes := strings.ReplaceAll(smithy, `\"`, `\u0022`)
	changed := strings.Replace(smithy, "jane", "john", 1)
	for _, tt := range []struct {
		name  string
		value string
	}{
		{"as the SDK writes it", smithy},
		{"as encoding/json writes it", string(goJSON)},
		{"quotes as \\u0022", unicodeQuotes},
		{"changed after the check", changed},
		{"one byte longer", strings.TrimSuffix(smithy, `"`) + ` "`},
		{"one byte shorter", strings.TrimSuffix(smithy, `}"`) + `"`},
		{"a bad escape", strings.Replace(smithy, `\"`, `\x`, 1)},
		{"unterminated", strings.TrimSuffix(smithy, `"`)},
		{"a number", `12`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, st := newStateCtx()
			ctx = middleware.WithOperationName(ctx, "CreateSchema")
			st.schema = checked
			err := g.checkBody(ctx, "CreateSchema", `{"name":"items","schema":`+tt.value+`}`)
			shortcut, readable := oldSchemaShortcut(tt.value, checked)
			var wantRule string
			switch {
			case !readable && strings.HasPrefix(tt.value, `"`):
				wantRule = RuleBodyUnchecked // a string the gate cannot read
			case !readable:
				// Not a string: read as unknown text, and a clean number
				// passes, as before.
			case !shortcut:
				wantRule = "sensitive.email" // checked again, in full
			}
			var gotRule string
			if sg, ok := err.(*SafeguardError); ok {
				gotRule = sg.Rule
			} else if err != nil {
				t.Fatalf("checkBody = %v, want a *SafeguardError or nil", err)
			}
			if gotRule != wantRule {
				t.Errorf("checkBody(schema %s) rule = %q, want %q (old shortcut %v)", tt.name, gotRule, wantRule, shortcut)
			}
		})
	}
}
