package datascan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed12SchemaErrorsNameFieldsByNumber (red12 defect): a schema's field
// name can hold an identifying value ("acct_912803456", "ssn_123456789"), as
// a header's can; ParseSchema's errors named the field, so the CLI's
// -schema error printed it. They name it by number, as the header's do.
func TestRed12SchemaErrorsNameFieldsByNumber(t *testing.T) {
	tests := []struct {
		name, schema, want string
	}{
		{"field twice", `{"type":"record","fields":[{"name":"acct_912803456","type":"string"},{"name":"acct_912803456","type":"string"}]}`,
			"datascan: schema: field 2 has the name of field 1"},
		{"no type", `{"type":"record","fields":[{"name":"ssn_123456789"}]}`,
			"datascan: schema: field 1: no type"},
		{"two-type union", `{"type":"record","fields":[{"name":"USER_ID","type":"string"},{"name":"card_4111111111111111","type":["int","string"]}]}`,
			"datascan: schema: field 2: a union of more than one non-null type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSchema([]byte(tt.schema))
			got := "<nil>"
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseSchema error (-want +got):\n%s", diff)
			}
			for _, v := range []string{"912803456", "123456789", "4111111111111111"} {
				if strings.Contains(got, v) {
					t.Errorf("error holds %q", v)
				}
			}
		})
	}
}
