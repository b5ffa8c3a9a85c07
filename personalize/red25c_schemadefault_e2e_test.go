package personalize_test

import (
	"testing"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed25cSchemaDefaultSpellings: the defaults the clean schema read
// notes (the join of a field's name and default is made only when one of
// them may make a finding), written the ways that read takes apart: the
// key escaped wholly or at either end, the value with escaped digits, a
// number with an exponent or a sign, a secret key, the default before the
// name so that the raw text holds no keyword before it, a union's record,
// and a field after a harmless default and 8-15 bytes of structure
// (`:19.99},{`). Each is refused at the Initialize check and at the wire
// gate, by where the default stands, and nothing reaches the endpoint.
func TestRed25cSchemaDefaultSpellings(t *testing.T) {
	const secret = "q8Zr2Lm9Xw4Tn7Vb1Kc6Hd3Jf0Gs5Pa+Ye/Ui8Oz" // random base64, no documented example
	refusal := func(field, rule string) *personalize.SafeguardError {
		return &personalize.SafeguardError{Operation: "CreateSchema", Field: field, Rule: rule}
	}
	const at = "Schema.fields[1].default"
	tests := []struct {
		name   string
		field  string
		canary string
		want   *personalize.SafeguardError
	}{
		{"the key escaped wholly, before the name", `"\u0064\u0065\u0066\u0061\u0075\u006c\u0074":"123456789","type":"string","name":"SSN"`, "123456789",
			refusal(at, "sensitive.ssn")},
		{"the key escaped at its start", `"\u0064efault":"123456789","type":"string","name":"SSN"`, "123456789",
			refusal(at, "sensitive.ssn")},
		{"the key escaped at its end", `"defaul\u0074":"123456789","type":"string","name":"SSN"`, "123456789",
			refusal(at, "sensitive.ssn")},
		{"escaped digits", `"default":"1\u00323456789","type":"string","name":"SSN"`, "3456789",
			refusal(at, "sensitive.ssn")},
		{"a lower-case name", `"default":"123456789","type":"string","name":"ssn"`, "123456789",
			refusal(at, "sensitive.ssn")},
		{"an exponent", `"default":9.12803456e8,"type":"long","name":"ACCOUNT_NUMBER"`, "912803456",
			refusal(at, "sensitive.account-number")},
		{"an upper-case exponent with a sign", `"default":9.12803456E+8,"type":"long","name":"ACCOUNT_NUMBER"`, "912803456",
			refusal(at, "sensitive.account-number")},
		{"a fraction's exponent", `"default":912803.456e3,"type":"long","name":"ACCOUNT_NUMBER"`, "912803456",
			refusal(at, "sensitive.account-number")},
		{"control bytes around the colon", "\"default\"\t:\r\n\"123456789\",\"type\":\"string\",\"name\":\"SSN\"", "123456789",
			refusal(at, "sensitive.ssn")},
		{"a secret key before its name", `"default":"` + secret + `","type":"string","name":"aws_secret_access_key"`, secret,
			refusal(at, "sensitive.aws-secret-key")},
		{"a union's record", `"name":"P","type":["null",{"type":"record","name":"P","fields":[{"default":"123456789","name":"SSN"}]}]`, "123456789",
			refusal("Schema.fields[1].type[1].fields[0].default", "sensitive.ssn")},
		{"after a price and 8-15 bytes of structure", `"name":"PRICE","type":"double","default":19.99},{"default":"123456789","name":"SSN"`, "123456789",
			refusal("Schema.fields[2].default", "sensitive.ssn")},
		{"after a field whose doc and default are the word default", `"name":"B","type":"string","doc":"default","default":"default"},{"default":"123456789","name":"SSN"`, "123456789",
			refusal("Schema.fields[2].default", "sensitive.ssn")},
		{"a short number is no account", `"default":12345,"type":"long","name":"ACCOUNT_NUMBER"`, "", nil},
		// The canary with its punctuation: "1e5" alone turns up in a
		// request's hex signature now and then.
		{"a short exponent of six digits", `"default":1e5,"type":"long","name":"ACCOUNT_NUMBER"`, ":1e5,",
			refusal(at, "sensitive.account-number")},
		{"a short exponent of five digits is no account", `"default":1e4,"type":"long","name":"ACCOUNT_NUMBER"`, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkSchemaFieldBothPlaces(t, tt.field, tt.want, tt.canary) })
	}
}
