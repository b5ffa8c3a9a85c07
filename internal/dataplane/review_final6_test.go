package dataplane

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
)

// TestReviewFinal6LoneSurrogate: the data-plane wire gate refuses a body
// with a lone surrogate half, in the body itself or in the properties
// document inside it, and echoes nothing of it; a valid pair passes.
func TestReviewFinal6LoneSurrogate(t *testing.T) {
	g := testGuard(t, Policy{InsecurePublicProperties: []string{"description"}})
	tests := []struct {
		name, body  string
		field, rule string
	}{
		{"pair in an ID", `{"ids":["a\ud83d\ude00"]}`, "", ""},
		{"lone high in an ID", `{"ids":["jane.doe\ud800@example.com"]}`, "", guarderr.RuleBodyUnchecked},
		{"lone low in a member name", `{"id\udc00s":["a"]}`, "", guarderr.RuleBodyUnchecked},
		{"high then escaped backslash u", `{"ids":["a\ud800\\udc00"]}`, "", guarderr.RuleBodyUnchecked},
		{"pair across two IDs", `{"ids":["a\ud800","\udc00b"]}`, "", guarderr.RuleBodyUnchecked},
		{"pair in properties", `{"properties":"{\"genre\":\"x\\ud83d\\ude00\"}"}`, "", ""},
		{"lone half in a property value", `{"properties":"{\"contact\":\"jane.doe\\ud800@example.com\"}"}`, "Properties", RulePropertiesJSON},
		{"lone half in a public property", `{"properties":"{\"description\":\"jane.doe\\ud800@example.com\"}"}`, "Properties", RulePropertiesJSON},
		{"lone half in a property name", `{"properties":"{\"jane.doe\\udc00@example.com\":1}"}`, "Properties", RulePropertiesJSON},
		{"short input", `{"ids":["\ud800\u`, "", guarderr.RuleBodyUnchecked},
	}
	for _, tt := range tests {
		field, rule, err := check(g, tt.body)
		if diff := cmp.Diff([2]string{tt.field, tt.rule}, [2]string{field, rule}); diff != "" {
			t.Errorf("%s: checkBody(%s) (-want +got):\n%s", tt.name, tt.body, diff)
		}
		if err != nil {
			for _, leak := range []string{"jane", "example", "d800", "dc00"} {
				if strings.Contains(strings.ToLower(err.Error()), leak) {
					t.Errorf("%s: error echoes %q: %v", tt.name, leak, err)
				}
			}
		}
	}
}
