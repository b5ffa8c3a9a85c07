package personalize

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// finding is what a schema check refused, without the reason.
type finding struct{ Rule, Field string }

// manyKeys is an object with n distinct custom keys, and then extra.
func manyKeys(n int, extra string) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"I","fields":[]`)
	for i := range n {
		b.WriteString(`,"k` + strconv.Itoa(i) + `":1`)
	}
	return b.String() + extra + "}"
}

// TestSchemaCheckFields checks where the schema walk places its findings:
// the walk records key offsets and names path segments only on failure,
// and keeps the open objects' keys in a fixed buffer that can overflow.
func TestSchemaCheckFields(t *testing.T) {
	const email = "jane.doe@example.com"
	tests := []struct {
		name   string
		schema string
		want   *finding
		reason string
	}{
		{"field named like a keyword", `{"type":"record","name":"I","fields":[{"name":"type","type":"string","default":"` + email + `"}]}`,
			&finding{"sensitive.email", "Schema.fields[0].default"}, "a field called type is the caller's; its default is read"},
		{"doc of a later field", `{"type":"record","name":"I","fields":[{"name":"A","type":"string"},{"name":"B","type":"string","doc":"ask ` + email + `"}]}`,
			&finding{"sensitive.email", "Schema.fields[1].doc"}, "docs reach the logs"},
		{"enum symbol", `{"type":"enum","name":"E","symbols":["A","` + email + `"]}`,
			&finding{"sensitive.email", "Schema.symbols[1]"}, "symbols are read like any string"},
		{"nested in a union", `{"type":["null",{"type":"array","items":"string","doc":"` + email + `"}]}`,
			&finding{"sensitive.email", "Schema.type[1].doc"}, "the path follows arrays and objects"},
		{"escaped keyword key", `{"type":"record","name":"I","d\u006fc":"owner ` + email + `","fields":[]}`,
			&finding{"sensitive.email", "Schema.doc"}, "an escaped key is named by its decoded text"},
		{"escaped custom key", `{"type":"record","name":"I","x-\u0061cct-12345678":1,"fields":[]}`,
			&finding{"sensitive.account-number", "Schema.*"}, "a key is read decoded, and shown as *"},
		{"escaped duplicate key", `{"type":"record","name":"I","n\u0061me":"J","fields":[]}`,
			&finding{RuleSchemaJSON, "Schema.name"}, "keys are compared decoded"},
		{"same key in sibling objects", `{"type":"record","name":"I","fields":[{"name":"A","type":"string"},{"name":"B","type":"string"}]}`,
			nil, "each object has its own keys"},
		{"key again after a nested object", `{"a":{"b":1},"b":2}`, nil, "a closed object's keys are forgotten"},
		{"duplicate after a nested object", `{"a":{"b":1},"a":2}`, &finding{RuleSchemaJSON, "Schema.*"}, "the outer object's keys are kept"},
		{"many keys", manyKeys(100, ""), nil, "more keys than the walk's buffer"},
		{"duplicate beyond the buffer", manyKeys(100, `,"k3":2`), &finding{RuleSchemaJSON, "Schema.*"}, "the buffer grows; nothing is forgotten"},
		{"card in a custom number", `{"type":"record","name":"I","fields":[],"x-weight":4111111111111111e-16}`,
			&finding{"sensitive.credit-card", "Schema.*"}, "a number's significant digits are read"},
	}
	g := testGuard(t, Policy{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := runInitialize(t, g.stepByID(IDFieldContent), "CreateSchema", &sdk.CreateSchemaInput{Name: aws.String("items"), Schema: aws.String(tt.schema)})
			var got *finding
			if sg := (*SafeguardError)(nil); errors.As(err, &sg) {
				got = &finding{sg.Rule, sg.Field}
			} else if err != nil {
				t.Fatalf("content check = %v, want a SafeguardError or none", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("content check mismatch (-want +got):\n%s\n(%s)", diff, tt.reason)
			}
			if err != nil && containsAnyOf(err.Error(), email, "12345678", "4111111111111111") {
				t.Errorf("error %q echoes the value", err)
			}
		})
	}
}

// TestSchemaCheckReportOnly checks that in report-only mode the walk goes on
// past a finding: decoded text during the walk, then the raw text, then a
// repeated key.
func TestSchemaCheckReportOnly(t *testing.T) {
	logger, _ := jsonLogger()
	g := testGuard(t, Policy{InsecureReportOnly: true, Logger: logger})
	schema := `{"type":"record","name":"I","doc":"jane.doe@example.com","name":"J","fields":[{"name":"A","type":"string","d\u006fc":"\u0061cct-12345678"}]}`
	ctx, st := newStateCtx()
	if _, err := runInitializeNextCtx(ctx, g.stepByID(IDFieldContent), "CreateSchema", &sdk.CreateSchemaInput{Name: aws.String("items"), Schema: aws.String(schema)}); err != nil {
		t.Fatalf("report-only content check = %v, want none", err)
	}
	var got []finding
	for _, r := range st.reported {
		got = append(got, finding{r.Rule, r.Field})
	}
	want := []finding{{"sensitive.account-number", "Schema.fields[0].doc"}, {"sensitive.email", "Schema.doc"}, {RuleSchemaJSON, "Schema.name"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reported mismatch (-want +got):\n%s", diff)
	}
}

// walkFinds reports whether the path-keeping schema walk finds anything in
// s, as the check without cleanSchema would.
func walkFinds(g *Guard, s string) bool {
	w := newWalkerState(g, middleware.WithOperationName(context.Background(), "CreateSchema"), nil, false, "")
	defer w.release()
	sw := schemaWalker{w: w, base: "Schema", at: -1}
	return sw.run(s) != nil || sw.dup != ""
}

// FuzzCleanSchema checks that cleanSchema, which lets a schema skip the
// path-keeping walk, agrees with that walk on every document: a schema it
// passes would have passed the walk, and one it refuses is walked again.
func FuzzCleanSchema(f *testing.F) {
	for _, s := range []string{
		`{"type":"record","name":"I","fields":[{"name":"A","type":["null","string"],"default":null,"doc":"x"}]}`,
		`{"type":"record","name":"I","name":"J"}`,
		`{"a":{"b":1},"a":2}`,
		`{"a":{"b":1},"b":2}`,
		`{"d\u006fc":"\u0061cct-12345678"}`,
		`{"x":4.539703692581474e15,"y":0.4111111111111111}`,
		`{"type":"enum","symbols":["A","B"]} x`,
		`[[[[{"":1,"":2}]]]]`,
	} {
		f.Add(s)
	}
	g := testGuard(f, Policy{})
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := cleanSchema(s, g.s.Detector, nil), !walkFinds(g, s); got != want {
			t.Fatalf("cleanSchema(%q) = %v, want %v (the walk's verdict)", s, got, want)
		}
	})
}
