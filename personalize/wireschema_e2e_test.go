package personalize_test

// CreateSchema's schema at the wire gate, end to end: a hook after the
// guard's checks rewrites the serialized schema. The gate passes it without
// reading it again only when it decodes to the very schema the Initialize
// check read; any other spelling is checked in full or refused as a body
// the guard cannot read.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// wireSchema is a clean Avro schema with the characters JSON may spell in
// more than one way: quotes, a solidus, a two-byte and a four-byte
// character.
const wireSchema = `{"type":"record","name":"Interactions","namespace":"com.amazonaws.personalize.schema","doc":"catalogue / café 😀",` +
	`"fields":[{"name":"USER_ID","type":"string"},{"name":"ITEM_ID","type":"string"},{"name":"TIMESTAMP","type":"long"}],"version":"1.0"}`

// quoteJSON writes s as a JSON string literal, spelling each character as
// spell returns it ("" for the plain spelling).
func quoteJSON(s string, spell func(r rune) string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if e := spell(r); e != "" {
			b.WriteString(e)
			continue
		}
		switch r {
		case '"', '\\':
			b.WriteString(`\` + string(r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func plainSpelling(rune) string { return "" }

// uEscape spells r as \u escapes: a surrogate pair above the BMP.
func uEscape(r rune) string {
	if r > 0xFFFF {
		r -= 0x10000
		return fmt.Sprintf(`\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// schemaValue returns where the string value of body's schema member
// starts and ends, quotes included. The SDK writes the body compactly.
func schemaValue(t *testing.T, body string) (start, end int) {
	t.Helper()
	i := strings.Index(body, `"schema":"`)
	if i < 0 {
		t.Fatalf("no schema member in the body as sent")
	}
	start = i + len(`"schema":`)
	for j := start + 1; j < len(body); j++ {
		switch body[j] {
		case '\\':
			j++
		case '"':
			return start, j + 1
		}
	}
	t.Fatalf("the schema's string does not end in the body as sent")
	return 0, 0
}

// TestWireSchemaSpellings: a hook respells or changes the schema after the
// checks. Spellings of the checked schema go out; anything else is checked
// as the schema it now is (an e-mail in it refused, named by its field, not
// echoed), and a body the guard cannot read as one JSON document with one
// schema member is refused as such.
func TestWireSchemaSpellings(t *testing.T) {
	const email = "jane.doe@example.com"
	// value returns the new schema value's JSON text; body, when set,
	// changes the whole body instead.
	respell := func(spell func(rune) string) func(string) string {
		return func(string) string { return quoteJSON(wireSchema, spell) }
	}
	withDoc := func(doc string) string { return strings.Replace(wireSchema, "catalogue", doc, 1) }
	tests := []struct {
		name  string
		value func(sent string) string
		body  func(body, value string) string
		want  *wireFinding // nil: the request goes out
	}{
		{name: "as the SDK writes it", value: func(sent string) string { return sent }},
		{name: "quotes as \\u0022", value: respell(func(r rune) string {
			if r == '"' {
				return `\u0022`
			}
			return ""
		})},
		{name: "solidus as \\/", value: respell(func(r rune) string {
			if r == '/' {
				return `\/`
			}
			return ""
		})},
		{name: "é as \\u00E9", value: respell(func(r rune) string {
			if r == 'é' {
				return `\u00E9`
			}
			return ""
		})},
		{name: "emoji as a surrogate pair", value: respell(func(r rune) string {
			if r > 0xFFFF {
				return uEscape(r)
			}
			return ""
		})},
		{name: "every character as \\u", value: respell(uEscape)},
		{name: "white space around the value", body: func(body, value string) string {
			return strings.Replace(body, `"schema":`+value, `"schema" :`+"\n\t "+value+" ", 1)
		}},
		{name: "an e-mail spelled with \\u0040", value: func(string) string {
			return strings.Replace(quoteJSON(withDoc("catalogue jane.doe@example.com"), plainSpelling), "@", `\u0040`, 1)
		}, want: &wireFinding{"sensitive.email", "Schema.doc"}},
		{name: "an e-mail escaped inside the schema", value: func(string) string {
			return quoteJSON(withDoc(`catalogue jane.doe\u0040example.com`), plainSpelling)
		}, want: &wireFinding{"sensitive.email", "Schema.doc"}},
		{name: "an e-mail behind white space before the value", body: func(body, value string) string {
			return strings.Replace(body, `"schema":`+value, `"schema": `+quoteJSON(withDoc("catalogue "+email), plainSpelling), 1)
		}, want: &wireFinding{"sensitive.email", "Schema.doc"}},
		{name: "NUL in a string of the schema", value: func(string) string {
			return quoteJSON(withDoc("catalogue\x00"), func(r rune) string {
				if r == 0 {
					return `\u0000`
				}
				return ""
			})
		}, want: &wireFinding{personalize.RuleSchemaJSON, "Schema.doc"}},
		{name: "invalid UTF-8", value: func(sent string) string { return strings.Replace(sent, "é", "\xe9", 1) },
			want: &wireFinding{personalize.RuleBodyUnchecked, ""}},
		{name: "overlong solidus", value: func(sent string) string { return strings.Replace(sent, "/", "\xc0\xaf", 1) },
			want: &wireFinding{personalize.RuleBodyUnchecked, ""}},
		{name: "surrogates encoded as UTF-8 (CESU-8)", value: func(sent string) string { return strings.Replace(sent, "😀", "\xed\xa0\xbd\xed\xb8\x80", 1) },
			want: &wireFinding{personalize.RuleBodyUnchecked, ""}},
		{name: "raw control character", value: func(sent string) string { return strings.Replace(sent, "catalogue", "catalogue\x01", 1) },
			want: &wireFinding{personalize.RuleBodyUnchecked, ""}},
		{name: "truncated escape at the end", value: func(sent string) string { return strings.TrimSuffix(sent, `"`) + `\u00"` },
			want: &wireFinding{personalize.RuleBodyUnchecked, ""}},
		{name: "truncated surrogate pair", value: func(sent string) string {
			return strings.Replace(sent, "😀", `\ud83d\ude0`, 1)
		}, want: &wireFinding{personalize.RuleBodyUnchecked, ""}},
		{name: "a lone surrogate inside an e-mail", value: func(string) string {
			// Read as U+FFFD it is no e-mail; a reader that drops the half
			// reads jane.doe@example.com.
			return strings.Replace(quoteJSON(withDoc("catalogue "+email), plainSpelling), "@", `\ud800@`, 1)
		}, want: &wireFinding{personalize.RuleBodyUnchecked, ""}},
		{name: "a low surrogate before its high one", value: func(sent string) string {
			return strings.Replace(sent, "😀", `\ude00\ud83d`, 1)
		}, want: &wireFinding{personalize.RuleBodyUnchecked, ""}},
		{name: "unterminated", value: func(sent string) string { return strings.TrimSuffix(sent, `"`) },
			want: &wireFinding{personalize.RuleBodyUnchecked, ""}},
		{name: "ends one byte early", value: func(string) string { return quoteJSON(strings.TrimSuffix(wireSchema, "}"), plainSpelling) },
			want: &wireFinding{personalize.RuleSchemaJSON, "Schema.*"}}, // where it stops: in "version"
		{name: "a document after the schema", value: func(string) string {
			return quoteJSON(wireSchema+`{"doc":"`+email+`"}`, plainSpelling)
		}, want: &wireFinding{personalize.RuleSchemaJSON, "Schema"}},
		{name: "a second schema member", body: func(body, value string) string {
			return strings.Replace(body, `"schema":`+value, `"schema":`+value+`,"schema":`+quoteJSON(withDoc(email), plainSpelling), 1)
		}, want: &wireFinding{personalize.RuleBodyUnchecked, "Schema"}},
		{name: "the checked schema twice", body: func(body, value string) string {
			return strings.Replace(body, `"schema":`+value, `"schema":`+value+`,"schema":`+value, 1)
		}, want: &wireFinding{personalize.RuleBodyUnchecked, "Schema"}},
		{name: "a second member spelled Schema", body: func(body, value string) string {
			return strings.Replace(body, `"schema":`+value, `"schema":`+value+`,"Schema":`+quoteJSON(withDoc(email), plainSpelling), 1)
		}, want: &wireFinding{personalize.RuleBodyUnchecked, "Schema"}},
		{name: "a second member spelled sch\\u0065ma", body: func(body, value string) string {
			return strings.Replace(body, `"schema":`+value, `"schema":`+value+`,"sch\u0065ma":`+quoteJSON(withDoc(email), plainSpelling), 1)
		}, want: &wireFinding{personalize.RuleBodyUnchecked, "Schema"}},
		{name: "text after the body", body: func(body, _ string) string { return body + `{"schema":"` + email + `"}` },
			want: &wireFinding{personalize.RuleBodyUnchecked, ""}},
		{name: "the schema inside an array", value: func(string) string { return "[" + quoteJSON(withDoc(email), plainSpelling) + "]" },
			want: &wireFinding{"sensitive.email", "Schema"}},
		{name: "an empty schema", value: func(string) string { return `""` },
			want: &wireFinding{personalize.RuleSchemaJSON, "Schema"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{})
			name := fmt.Sprintf("respelled-%d", i)
			// A per-call Build middleware: after the guard's Initialize
			// checks, before signing.
			var sent string
			rewrite := func(o *sdk.Options) {
				o.APIOptions = append(o.APIOptions, rewriteBody("CreateSchema", func(body string) string {
					start, end := schemaValue(t, body)
					if tt.body != nil {
						sent = tt.body(body, body[start:end])
					} else {
						sent = body[:start] + tt.value(body[start:end]) + body[end:]
					}
					return sent
				}))
			}
			_, err := e.client.CreateSchema(context.Background(), &sdk.CreateSchemaInput{Name: aws.String(name), Schema: aws.String(wireSchema)}, rewrite)
			if tt.want == nil {
				var sg *personalize.SafeguardError
				if errors.As(err, &sg) {
					t.Fatalf("CreateSchema refused a spelling of the checked schema: %v", err)
				}
				if err != nil {
					t.Fatalf("CreateSchema = %v", err)
				}
				var got []string
				for _, r := range e.srv.Requests() {
					if r.Operation == "CreateSchema" {
						got = append(got, string(r.Body))
					}
				}
				if diff := cmp.Diff([]string{sent}, got); diff != "" {
					t.Errorf("CreateSchema bodies received mismatch (-want +got):\n%s", diff)
				}
				return
			}
			sg := e.requireRefused(t, err, tt.want.Field, tt.want.Rule, email)
			if diff := cmp.Diff(tt.want, &wireFinding{sg.Rule, sg.Field}); diff != "" {
				t.Errorf("refusal mismatch (-want +got):\n%s", diff)
			}
			if e.srv.Seen(name) {
				t.Errorf("the emulated AWS received the refused request")
			}
			if !utf8.ValidString(err.Error()) {
				t.Errorf("error %q is not valid UTF-8", err)
			}
		})
	}
}

// wireFinding is where and why the guard refused a call.
type wireFinding struct{ Rule, Field string }

// TestSchemaContentThroughSDK: the schema check through a guarded client,
// on what its one-pass clean check (jsonscan.Document) must not let
// through: identifying numbers in any number form, identifying text behind
// escapes, keys repeated under another spelling, and JSON that is not one
// document. A refusal names the field, never the value, and sends nothing;
// a schema the check passes reaches the emulated AWS.
func TestSchemaContentThroughSDK(t *testing.T) {
	const (
		card  = "4539703692581474"
		email = "jane.doe@example.com"
	)
	record := func(extra string) string {
		return `{"type":"record","name":"Items","fields":[{"name":"ITEM_ID","type":"string"}]` + extra + `}`
	}
	withDefault := func(v string) string {
		return `{"type":"record","name":"Items","fields":[{"name":"PRICE","type":"double","default":` + v + `}]}`
	}
	tests := []struct {
		name   string
		schema string
		want   *wireFinding // nil: passed to AWS
	}{
		{"card as an integer", withDefault(card), &wireFinding{"sensitive.credit-card", "Schema.fields[0].default"}},
		{"card with a fraction", withDefault(card + ".0"), &wireFinding{"sensitive.credit-card", "Schema.fields[0].default"}},
		{"card negative", withDefault("-" + card), &wireFinding{"sensitive.credit-card", "Schema.fields[0].default"}},
		{"card in exponent form", withDefault("4.539703692581474e15"), &wireFinding{"sensitive.credit-card", "Schema.fields[0].default"}},
		{"card in upper exponent form", withDefault("4.539703692581474E+15"), &wireFinding{"sensitive.credit-card", "Schema.fields[0].default"}},
		{"card with a negative exponent", withDefault("45397036925814740e-1"), &wireFinding{"sensitive.credit-card", "Schema.fields[0].default"}},
		{"card as a fraction", withDefault("0." + card), &wireFinding{"sensitive.credit-card", "Schema.fields[0].default"}},
		{"card as digits moved by the exponent", withDefault("453970369258147.4e1"), &wireFinding{"sensitive.credit-card", "Schema.fields[0].default"}},
		{"card in a short exponent form", withDefault("42e14"), &wireFinding{"sensitive.credit-card", "Schema.fields[0].default"}},
		{"card in seven characters", withDefault("4.2E+15"), &wireFinding{"sensitive.credit-card", "Schema.fields[0].default"}},
		{"card in a custom attribute", record(`,"x-weight":4.539703692581474e15`), &wireFinding{"sensitive.credit-card", "Schema.*"}},
		{"e-mail behind \\u0040", record(`,"doc":"jane.doe\u0040example.com"`), &wireFinding{"sensitive.email", "Schema.doc"}},
		{"e-mail behind escapes of every letter", record(`,"doc":"\u006a\u0061\u006e\u0065.doe@example.com"`), &wireFinding{"sensitive.email", "Schema.doc"}},
		{"e-mail as an escaped key", record(`,"jane.doe\u0040example.com":1`), &wireFinding{"sensitive.email", "Schema.*"}},
		{"e-mail in an enum symbol", `{"type":"enum","name":"E","symbols":["A","jane.doe\u0040example.com"]}`, &wireFinding{"sensitive.email", "Schema.symbols[1]"}},
		{"name again as na\\u006de", record(`,"na\u006de":"Other"`), &wireFinding{personalize.RuleSchemaJSON, "Schema.name"}},
		{"name again fully escaped", record(`,"\u006e\u0061\u006d\u0065":"Other"`), &wireFinding{personalize.RuleSchemaJSON, "Schema.name"}},
		{"a field's name again", `{"type":"record","name":"Items","fields":[{"name":"ITEM_ID","type":"string","n\u0061me":"USER_ID"}]}`,
			&wireFinding{personalize.RuleSchemaJSON, "Schema.fields[0].name"}},
		{"a huge exponent", withDefault("1e999"), nil},
		{"minus zero", withDefault("-0"), nil},
		{"a leading zero", withDefault("01"), &wireFinding{personalize.RuleSchemaJSON, "Schema.fields[0].default"}},
		{"NaN", withDefault("NaN"), &wireFinding{personalize.RuleSchemaJSON, "Schema.fields[0].default"}},
		{"Infinity", withDefault("-Infinity"), &wireFinding{personalize.RuleSchemaJSON, "Schema.fields[0].default"}},
		{"a trailing comma in an array", `{"type":"record","name":"Items","fields":[{"name":"ITEM_ID","type":"string"},]}`,
			&wireFinding{personalize.RuleSchemaJSON, "Schema.fields[0]"}}, // where it stops: after fields[0]
		{"a trailing comma in an object", record(`,`), &wireFinding{personalize.RuleSchemaJSON, "Schema.fields"}},
		{"an empty schema", "", &wireFinding{personalize.RuleSchemaJSON, "Schema"}},
		{"white space only", " \n\t", &wireFinding{personalize.RuleSchemaJSON, "Schema"}},
		{"a second document", record("") + `{"doc":"` + email + `"}`, &wireFinding{personalize.RuleSchemaJSON, "Schema"}},
		{"64 levels", record(`,"x-deep":` + strings.Repeat("[", 63) + strings.Repeat("]", 63)), nil},
		{"65 levels", record(`,"x-deep":` + strings.Repeat("[", 64) + strings.Repeat("]", 64)), &wireFinding{personalize.RuleSchemaJSON, "Schema.*" + strings.Repeat("[0]", 63)}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{})
			name := fmt.Sprintf("content-%d", i)
			_, err := e.client.CreateSchema(context.Background(), &sdk.CreateSchemaInput{Name: aws.String(name), Schema: aws.String(tt.schema)})
			if tt.want == nil {
				var sg *personalize.SafeguardError
				if errors.As(err, &sg) {
					t.Fatalf("CreateSchema refused a clean schema: %v", err)
				}
				if !e.srv.Seen(name) {
					t.Errorf("the emulated AWS did not receive the schema (error %v)", err)
				}
				return
			}
			sg := e.requireRefused(t, err, tt.want.Field, tt.want.Rule, card, email)
			if diff := cmp.Diff(tt.want, &wireFinding{sg.Rule, sg.Field}); diff != "" {
				t.Errorf("refusal mismatch (-want +got):\n%s", diff)
			}
			if e.srv.Seen(name) {
				t.Errorf("the emulated AWS received the refused request")
			}
		})
	}
}
