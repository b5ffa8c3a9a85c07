package personalize_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
)

// rewriteAfterSigning is a per-call option adding a Finalize middleware, after
// signing, that replaces old with new in the serialized body.
func rewriteAfterSigning(t *testing.T, old, new string) func(*sdk.Options) {
	return func(o *sdk.Options) {
		o.APIOptions = append(o.APIOptions, dataplanetest.RewriteBodyAfterSigning(t, old, new))
	}
}

// TestSchemaEscapedBackslashSmuggling: a hook after signing ends a string of
// the CreateSchema body, or of the Avro schema inside it, with an escaped
// backslash, so that the quote after it closes the string and an e-mail
// address follows in a member of its own. A scanner that read `\\"` as a
// backslash and an escaped quote would take the address for part of the
// string. At every word offset of the escape the call is refused and the
// address never leaves.
func TestSchemaEscapedBackslashSmuggling(t *testing.T) {
	const schema = `{"type":"record","name":"Interactions","namespace":"com.amazonaws.personalize.schema","doc":"x",` +
		`"fields":[{"name":"USER_ID","type":"string"},{"name":"ITEM_ID","type":"string"},{"name":"TIMESTAMP","type":"long"}],"version":"1.0"}`
	for pad := 0; pad < 18; pad++ {
		p := strings.Repeat("p", pad)
		for _, tt := range []struct {
			name, old, new, field, rule string
		}{
			{
				name: "in the schema's doc",
				old:  `\"doc\":\"x\"`, new: `\"doc\":\"x` + p + `\\\\\",\"x-owner\":\"` + canaryEmail + `\"`,
				field: "Schema.*", rule: "sensitive.email",
			},
			{
				name: "after an escaped quote in the schema's doc",
				old:  `\"doc\":\"x\"`, new: `\"doc\":\"\\\"` + p + `\\\\\",\"x-owner\":\"` + canaryEmail + `\"`,
				field: "Schema.*", rule: "sensitive.email",
			},
			{
				name: "in the schema's name",
				old:  `"name":"s"`, new: `"name":"s` + p + `\\","x-owner":"` + canaryEmail + `"`,
				// The name read is s…\\, which no name pattern allows.
				field: "Name", rule: "model.name-pattern",
			},
		} {
			t.Run(tt.name, func(t *testing.T) {
				e := newEnv(t, personalize.Policy{})
				_, err := e.client.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String("s"), Schema: aws.String(schema)},
					rewriteAfterSigning(t, tt.old, tt.new))
				e.requireRefused(t, err, tt.field, tt.rule, canaryEmail)
			})
		}
	}
}
