package jsontext

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// TestEachNamedTextDeep: below the sixteen levels the walk keeps on its
// stack, a value still gets the name it stands under and every ancestor
// (red18: "ssn" at depth 17 was dropped, and an array's element after an
// object in it took the object's last member's name).
func TestEachNamedTextDeep(t *testing.T) {
	wrap := func(n int, inner string) string {
		return strings.Repeat(`{"a":`, n) + inner + strings.Repeat(`}`, n)
	}
	type text struct {
		Name      string
		Ancestors []string
		S         string
	}
	as := func(n int) []string { return strings.Split(strings.Repeat("a ", n), " ")[:n] }
	tests := []struct {
		name, doc string
		want      text // the last text the walk gives
	}{
		{"depth 3", wrap(1, `{"ssn":{"value":"1"}}`), text{"value", append([]string{"x"}, append(as(1), "ssn")...), "1"}},
		{"depth 20", wrap(18, `{"ssn":{"value":"1"}}`), text{"value", append([]string{"x"}, append(as(18), "ssn")...), "1"}},
		{"array after an object, depth 20", wrap(18, `{"ssn":[{"k":"v"},"1"]}`), text{"ssn", append([]string{"x"}, append(as(18), "ssn")...), "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sc jsonscan.Scanner
			sc.Reset(tt.doc)
			k, err := sc.Next()
			if err != nil {
				t.Fatal(err)
			}
			var got text
			err = EachNamedDataText(&sc, k, "x", func(name string, ancestors []string, s string) error {
				got = text{name, append([]string(nil), ancestors...), s}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("last text (-want +got):\n%s", diff)
			}
		})
	}
}
