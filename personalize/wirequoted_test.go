package personalize

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// TestWireSchemaQuotedShortcut holds the gate's byte comparison with the
// schema as the Initialize check wrote it (jsonscan.NextQuotedIs) to the
// decoding comparison alone (NextStringIs, TestWireSchemaShortcut): for
// every spelling, the same verdict with and without the writing. The
// checked schema carries an email, so a gate that checks the value again
// refuses it; pretty-printed, escaped and plain schemas alike.
func TestWireSchemaQuotedShortcut(t *testing.T) {
	g := testGuard(t, Policy{})
	for _, checked := range []string{
		`{"type":"record","name":"Items","doc":"owner jane.doe@example.com <ops> & \u00e9 \"q\" \\ \/","fields":[]}`,
		"{\n\t\"type\": \"record\",\r\n\t\"doc\": \"owner jane.doe@example.com\"\n}",
	} {
		q, _, ok := jsonscan.DocumentQuotedDefaults(nil, checked, func(string, bool) bool { return true }, nil)
		if !ok {
			t.Fatalf("%q is not a document", checked)
		}
		enc, _ := json.Marshal(checked)
		smithy := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(checked) + `"`
		// The SDK's spelling is the writing: the gate compares bytes.
		var sc jsonscan.Scanner
		sc.Reset(`[` + smithy + `]`)
		if k, err := sc.Next(); err != nil || k != jsonscan.BeginArray || !sc.NextQuotedIs(q) {
			t.Fatalf("the SDK's spelling of %q is not its writing", checked)
		}
		for _, value := range []string{
			smithy, string(enc), strings.ReplaceAll(smithy, `\"`, `\u0022`), strings.Replace(smithy, "jane", "john", 1),
			strings.TrimSuffix(smithy, `"`) + ` "`, strings.TrimSuffix(smithy, `}"`) + `"`, strings.TrimSuffix(smithy, `"`),
			strings.Replace(smithy, `\"`, `\x`, 1), smithy[:len(smithy)-2] + `\"`, `12`,
		} {
			body := `{"name":"items","schema":` + value + `}`
			var rules [2]string
			for i, quoted := range []jsonscan.Quoted{{}, q} {
				ctx, st := newStateCtx()
				ctx = middleware.WithOperationName(ctx, "CreateSchema")
				st.schema, st.schemaQuoted = checked, quoted
				if err := g.checkBody(ctx, "CreateSchema", body); err != nil {
					sg, ok := err.(*SafeguardError)
					if !ok {
						t.Fatalf("checkBody = %v, want a *SafeguardError or nil", err)
					}
					rules[i] = sg.Rule
				}
			}
			if rules[0] != rules[1] {
				t.Errorf("checkBody(schema %.60q): rule %q with the writing, %q without", value, rules[1], rules[0])
			}
		}
	}
}
