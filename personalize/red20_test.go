package personalize

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed20SpreadLevels: of a folder's listing, the folder's own files and
// those of its sub folders each get a share of the sample, the first and
// the last of each group among it, in listing order; a share one group
// cannot use goes to the other. (TestRed20ImportScanFolderLevels end to end.)
func TestRed20SpreadLevels(t *testing.T) {
	objs := func(keys ...string) []sourceObject {
		out := make([]sourceObject, len(keys))
		for i, k := range keys {
			out[i] = sourceObject{key: "f/" + k}
		}
		return out
	}
	first := func(int) int { return 0 }
	tests := []struct {
		name string
		in   []sourceObject
		n    int
		want []string
	}{
		{"fewer than n: all", objs("a/0", "b"), 8, []string{"a/0", "b"}},
		{"one level: spread", objs("0", "1", "2", "3", "4"), 2, []string{"0", "4"}},
		{"one file among sub folders", objs("a/0", "a/1", "m", "z/0", "z/1"), 2, []string{"a/0", "m"}},
		{"half and half", objs("a/0", "a/1", "a/2", "b", "c", "d", "z/0"), 4, []string{"a/0", "b", "d", "z/0"}},
		{"odd n: the folder's files get the larger half", objs("a/0", "a/1", "a/2", "b", "c", "d", "z/0"), 3, []string{"a/0", "b", "d"}},
		{"a small group leaves its share to the other", objs("a/0", "b", "c", "d", "e", "f"), 4, []string{"a/0", "b", "c", "f"}},
		{"one object: either level", objs("a/0", "b", "c"), 1, []string{"a/0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, o := range spreadLevels(tt.in, "f/", tt.n, first) {
				got = append(got, o.key[len("f/"):])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("spreadLevels(%d) mismatch (-want +got):\n%s", tt.n, diff)
			}
		})
	}
}
