package personalize_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestSchemaWritingThroughSDK: the wire gate proves a serialized schema is
// the checked one by comparing bytes with the check's own writing of it.
// Through a guarded client, for schemas the SDK writes with every kind of
// escape (quotes, backslashes, white space between tokens, non-ASCII text,
// U+2028, which the SDK escapes and the writing does not, so the gate
// decodes instead), a clean schema reaches the emulated AWS as it was and
// describes back unchanged; and one changed after signing, an address in
// place of its doc, is refused at the wire and never sent.
func TestSchemaWritingThroughSDK(t *testing.T) {
	for i, schema := range []string{
		`{"type":"record","name":"Items","doc":"x","fields":[{"name":"ITEM_ID","type":"string"}]}`,
		"{\n\t\"type\": \"record\",\r\n\t\"name\": \"Items\",\"doc\":\"x\",\n\t\"fields\": [ {\"name\": \"ITEM_ID\", \"type\": \"string\"} ]\n}\n",
		`{"type":"record","name":"Items","doc":"x","fields":[{"name":"ITEM_ID","type":"string","x-note":"a \"quoted\" word, C:\\path, a\/b, caf\u00e9"}]}`,
		`{"type":"record","name":"Items","doc":"x","fields":[{"name":"ITEM_ID","type":"string","x-note":"café 😀 naïve"}]}`,
		`{"type":"record","name":"Items","doc":"x","fields":[{"name":"ITEM_ID","type":"string","x-note":"a` + "\u2028" + `b"}]}`,
	} {
		t.Run(fmt.Sprintf("spelling %d", i), func(t *testing.T) {
			e := newEnv(t, personalize.Policy{})
			name := fmt.Sprintf("writing-%d", i)
			out, err := e.client.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String(name), Schema: aws.String(schema)})
			if err != nil {
				t.Fatalf("CreateSchema of a clean schema: %v", err)
			}
			got, err := e.client.DescribeSchema(t.Context(), &sdk.DescribeSchemaInput{SchemaArn: out.SchemaArn})
			if err != nil || got.Schema == nil || aws.ToString(got.Schema.Schema) != schema {
				t.Fatalf("DescribeSchema = %v, %v; want the schema as sent", got, err)
			}

			e = newEnv(t, personalize.Policy{}) // a fresh record of what reached AWS
			changed := name + "-changed"
			_, err = e.client.CreateSchema(t.Context(), &sdk.CreateSchemaInput{Name: aws.String(changed), Schema: aws.String(schema)},
				rewriteAfterSigning(t, `\"doc\":\"x\"`, `\"doc\":\"`+canaryEmail+`\"`))
			e.requireRefused(t, err, "Schema.doc", "sensitive.email", canaryEmail)
			if e.srv.Seen(changed) {
				t.Errorf("the emulated AWS received the changed schema")
			}
		})
	}
}
