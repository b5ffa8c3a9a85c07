package jsontext

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// TestReview11NameAfterNestedValue: an array's elements stand under the
// array's name, also those after an object inside it; EachNamedText kept
// the object's last member name past its end, so in
// {"acct":[{"a":"b"},"912803456"]} the number was read as "a = 912803456".
func TestReview11NameAfterNestedValue(t *testing.T) {
	tests := []struct {
		doc  string
		want []string // "name|text"
	}{
		{`{"acct":[{"a":"b"},"912803456"]}`, []string{"<given|acct", "<acct<given|a", "a<acct<given|b", "acct<given|912803456"}},
		// Every ancestor, the middle ones too (red14): z after y, x and the
		// name the document was given.
		{`{"x":{"y":{"z":1}},"w":[[{"v":2}],3]}`, []string{"<given|x", "<x<given|y", "<y<x<given|z", "z<y<x<given|1", "<given|w", "<w<given|v", "v<w<given|2", "w<given|3"}},
		{`["s",{"k":"v"},"t"]`, []string{"given|s", "<given|k", "k<given|v", "given|t"}},
		{`{"ssn":{"value":"123456789"}}`, []string{"<given|ssn", "<ssn<given|value", "value<ssn<given|123456789"}},
		// A member name after the names its object stands under (red18).
		{`{"ssn":{"123456789":true}}`, []string{"<given|ssn", "<ssn<given|123456789"}},
	}
	for _, tt := range tests {
		var sc jsonscan.Scanner
		sc.Reset(tt.doc)
		k, err := sc.Next()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := EachNamedText(&sc, k, "given", func(name string, ancestors []string, s string) error {
			got = append(got, withAncestors(name, ancestors)+"|"+s)
			return nil
		}); err != nil {
			t.Errorf("EachNamedText(%q) = %v", tt.doc, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("EachNamedText(%q) mismatch (-want +got):\n%s", tt.doc, diff)
		}
	}
}
