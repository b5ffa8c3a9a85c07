package personalizeevents_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// nest puts inner under n levels of {"a":...}.
func nest(n int, inner string) string {
	return strings.Repeat(`{"a":`, n) + inner + strings.Repeat(`}`, n)
}

// TestRed18DeepPropertyNames: a value is read after the name of every
// member holding it however deep the member stands, not only within the
// first 16 levels of the properties document; and an array's elements after
// an object in it are read under the array's name at any depth. (The
// service refuses a nested document, but only once it has it.)
func TestRed18DeepPropertyNames(t *testing.T) {
	tests := []struct{ name, props string }{
		{"shallow", `{"x":{"ssn":{"value":"123456789"}}}`},
		{"name at depth 15", `{"x":` + nest(13, `{"ssn":{"value":"123456789"}}`) + `}`},
		{"name at depth 17", `{"x":` + nest(16, `{"ssn":{"value":"123456789"}}`) + `}`},
		{"name at depth 40", `{"x":` + nest(40, `{"ssn":{"value":"123456789"}}`) + `}`},
		{"array element after an object, shallow", `{"ssn":[{"k":"v"},"123456789"]}`},
		{"array element after an object, depth 20", `{"x":` + nest(20, `{"ssn":[{"k":"v"},"123456789"]}`) + `}`},
		{"a member name under the keyword", `{"ssn":{"123456789":true}}`},
		{"a member name under the keyword, deeper", `{"x":{"ssn":{"a":{"123456789":1}}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, got, _ := putProperties(t, tt.props)
			// Any other error is the fake service's, after the body went out.
			if diff := cmp.Diff([]any{"sensitive.ssn", false}, []any{got, s.Seen("123456789")}); diff != "" {
				t.Errorf("PutEvents with properties %.60s...: [rule, sent] (-want +got):\n%s", tt.props, diff)
			}
		})
	}
}
