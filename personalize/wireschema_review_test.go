package personalize

import (
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// reviewChecked is a schema the Initialize check is taken to have read. It
// holds an e-mail, so the gate's full check refuses it and its shortcut
// lets it through: the two tell apart which one ran. It holds the
// characters JSON spells in more than one way.
const reviewChecked = `{"type":"record","name":"Items","doc":"owner jane.doe@example.com / café 😀 ` + "\uFFFD" + `","fields":[]}`

// gateOutcome is the wire gate's verdict on body with st.schema = checked:
// the rule and field of its refusal, or "" for none.
func gateOutcome(t *testing.T, g *Guard, body, checked string) [2]string {
	t.Helper()
	ctx, st := newStateCtx()
	ctx = middleware.WithOperationName(ctx, "CreateSchema")
	st.schema = checked
	err := g.checkBody(ctx, "CreateSchema", body)
	if err == nil {
		return [2]string{}
	}
	sg, ok := err.(*SafeguardError)
	if !ok {
		t.Fatalf("checkBody = %v, want a *SafeguardError or nil", err)
	}
	if strings.Contains(sg.Error(), "jane.doe") {
		t.Fatalf("checkBody's error %q echoes the schema", sg)
	}
	return [2]string{sg.Rule, sg.Field}
}

// schemaDecodesTo reports whether body's schema member, read the way the
// gate reads every other string (Next, then Text), is the string want.
func schemaDecodesTo(body, want string) bool {
	var sc jsonscan.Scanner
	sc.Reset(body)
	if k, err := sc.Next(); err != nil || k != jsonscan.BeginObject {
		return false
	}
	for {
		k, err := sc.Next()
		if err != nil || k != jsonscan.Key {
			return false
		}
		if strings.EqualFold(sc.Text(), "schema") {
			k, err := sc.Next()
			return err == nil && k == jsonscan.String && sc.Text() == want
		}
		if k, err = sc.Next(); err != nil || sc.Skip(k) != nil {
			return false
		}
	}
}

// checkShortcut holds the gate to its promise on body: unless the schema
// member decodes to the checked schema, the verdict is the one the gate
// gives with no schema checked before (the full check); and when it does,
// the schema alone is not refused.
func checkShortcut(t *testing.T, g *Guard, body string) {
	t.Helper()
	with, without := gateOutcome(t, g, body, reviewChecked), gateOutcome(t, g, body, "")
	if !schemaDecodesTo(body, reviewChecked) {
		if diff := cmp.Diff(without, with); diff != "" {
			t.Fatalf("gate on %q: the checked schema changed the verdict on a body that does not carry it (-full check +with it):\n%s", body, diff)
		}
		return
	}
	if with == [2]string{"sensitive.email", "Schema.doc"} {
		t.Fatalf("gate on %q: the checked schema, respelled, was checked again", body)
	}
}

// reviewSpellings are schema values: respellings of reviewChecked and
// near misses.
func reviewSpellings() []string {
	plain := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(reviewChecked) + `"`
	r := strings.NewReplacer
	return []string{
		plain,
		r(`\"`, `\u0022`).Replace(plain),
		r("/", `\/`).Replace(plain),
		r("é", `\u00e9`).Replace(plain),
		r("😀", `\ud83d\ude00`).Replace(plain),
		r("😀", `\uD83D\uDE00`).Replace(plain),
		r("\uFFFD", `\ufffd`).Replace(plain),
		r("@", `\u0040`).Replace(plain),
		// Near misses: each reads differently, or not at all.
		r("jane", `\u006bane`).Replace(plain),
		r("é", `\u00e8`).Replace(plain),
		r("😀", `\ud83d\ude01`).Replace(plain),
		r("😀", `\ud83d`).Replace(plain),
		r("😀", `\ude00\ud83d`).Replace(plain),
		r("😀", `\ud83d\u0041`).Replace(plain),
		r("😀", `\ud83d\ude0`).Replace(plain),
		r("😀", `\ud83d\uzzzz`).Replace(plain),
		r("é", "\xe9").Replace(plain),
		r("é", "\xc3").Replace(plain),
		r("/", "\xc0\xaf").Replace(plain),
		r("😀", "\xed\xa0\xbd\xed\xb8\x80").Replace(plain),
		r("owner", "owner\x00").Replace(plain),
		r("owner", `owner\u0000`).Replace(plain),
		r(`"fields`, `"fields\u0000`).Replace(plain),
		r(`\"`, `\x`).Replace(plain),
		strings.TrimSuffix(plain, `"`),
		strings.TrimSuffix(plain, `"`) + `\`,
		strings.TrimSuffix(plain, `"`) + `\u00"`,
		strings.TrimSuffix(plain, `}"`) + `"`,
		strings.TrimSuffix(plain, `"`) + ` "`,
		strings.TrimSuffix(plain, `"`) + `\u0020"`,
		`"` + plain,
		` ` + plain + ` `,
		"\t\n" + plain,
		plain + `,"schema":` + plain,
		plain + `,"Schema":"{}"`,
		plain + `,"sch\u0065ma":"{}"`,
		plain + `} `,
		plain + `}{`,
		`[` + plain + `]`,
		`""`, `null`, `1`, `{}`,
	}
}

// TestWireSchemaShortcutOnlyForTheCheckedSchema runs checkShortcut on
// respellings of the checked schema and near misses, with the schema
// member first and last, and with white space before its colon.
func TestWireSchemaShortcutOnlyForTheCheckedSchema(t *testing.T) {
	g := testGuard(t, Policy{})
	// The first eight are respellings: the gate passes them, where the full
	// check refuses them (so the comparisons below can tell).
	for _, v := range reviewSpellings()[:8] {
		body := `{"name":"items","schema":` + v + `}`
		got := [2][2]string{gateOutcome(t, g, body, reviewChecked), gateOutcome(t, g, body, "")}
		if diff := cmp.Diff([2][2]string{{}, {"sensitive.email", "Schema.doc"}}, got); diff != "" {
			t.Errorf("gate on %q with and without the checked schema mismatch (-want +got):\n%s", body, diff)
		}
	}
	for _, v := range reviewSpellings() {
		for _, body := range []string{
			`{"name":"items","schema":` + v + `}`,
			`{"schema":` + v + `,"name":"items"}`,
			`{"name":"items","schema" :` + v + `}`,
		} {
			checkShortcut(t, g, body)
		}
	}
}

// FuzzWireSchemaShortcut is TestWireSchemaShortcutOnlyForTheCheckedSchema
// on any schema value and any body around it.
func FuzzWireSchemaShortcut(f *testing.F) {
	for _, v := range reviewSpellings() {
		f.Add(v, `{"name":"items","schema":%s}`)
	}
	g := testGuard(f, Policy{})
	f.Fuzz(func(t *testing.T, value, frame string) {
		if !strings.Contains(frame, "%s") {
			return
		}
		checkShortcut(t, g, strings.Replace(frame, "%s", value, 1))
	})
}
