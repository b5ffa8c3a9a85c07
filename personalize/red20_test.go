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

// TestRed20ScanShares: the import scan's byte budget, split over the
// sampled objects: evenly when they are large, and what a small object
// cannot use to the larger ones (TestRed20ImportScanSmallObjectsShare end
// to end).
func TestRed20ScanShares(t *testing.T) {
	const k = 64 << 10 // minObjectScanBytes
	sized := func(sizes ...int64) []sourceObject {
		out := make([]sourceObject, len(sizes))
		for i, s := range sizes {
			out[i] = sourceObject{size: s}
		}
		return out
	}
	tests := []struct {
		name   string
		objs   []sourceObject
		budget int64
		want   []int64
	}{
		{"large objects: even", sized(100<<20, 100<<20, 100<<20, 100<<20), 8 << 20, []int64{2 << 20, 2 << 20, 2 << 20, 2 << 20}},
		{"small objects leave their share", sized(100, 100<<20, 200), 8 << 20, []int64{100, 8<<20 - 300, 200}},
		{"two large share what the small leave", sized(50<<20, 1<<20, 50<<20, 1<<20), 8 << 20, []int64{3 << 20, 1 << 20, 3 << 20, 1 << 20}},
		{"at least 64 KiB each", sized(100<<20, 100<<20, 100<<20), 96 << 10, []int64{k, k, k}},
		{"an unknown size counts as large", sized(-1, 100), 1 << 20, []int64{1<<20 - 100, 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, scanShares(tt.objs, tt.budget)); diff != "" {
				t.Errorf("scanShares mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
