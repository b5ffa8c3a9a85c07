package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// TestListS3Rules: scan lists with s3guard.ListObjects, under the rules the
// guard's import scan follows: an empty object (a folder marker) is no
// object, one with bytes is scanned whatever its key ("empty objects such
// as folder and _SUCCESS markers aside", README), nothing but markers is
// "no object", and a refused listing is s3guard's *ListingError, which
// never names a key.
func TestListS3Rules(t *testing.T) {
	loc := s3guardLocation(t, "s3://bucket-a/data/")
	// result is a listing's keys, or its error: the rule of a
	// *s3guard.ListingError, else the message.
	type result struct {
		Keys []string
		Err  string
	}
	tests := []struct {
		name  string
		pages [][]string
		sizes map[string]int64 // 10 bytes unless named
		// maxKeys is -max-keys; 0 lists without a bound.
		maxKeys int
		want    result
	}{
		{name: "keys ending in / with bytes", pages: [][]string{{"data/", "data/sub/", "data/a.csv"}}, want: result{Keys: []string{"data/", "data/sub/", "data/a.csv"}}},
		{name: "only folder markers", pages: [][]string{{"data/", "data/sub/"}}, sizes: map[string]int64{"data/": 0, "data/sub/": 0},
			want: result{Err: "no object under the prefix"}},
		{name: "a key outside the prefix", pages: [][]string{{"data/a.csv", "exports/jane.doe@example.com.csv"}},
			want: result{Err: s3guard.RuleListingOutsidePrefix}},
		{name: "a key twice", pages: [][]string{{"data/jane.doe@example.com.csv"}, {"data/jane.doe@example.com.csv"}},
			want: result{Err: s3guard.RuleListingDuplicateKey}},
		{name: "as many keys as -max-keys", pages: [][]string{{"data/a.csv", "data/b.csv"}}, maxKeys: 2,
			want: result{Keys: []string{"data/a.csv", "data/b.csv"}}},
		{name: "more keys than -max-keys", pages: [][]string{{"data/a.csv", "data/jane.doe@example.com.csv"}, {"data/c.csv"}}, maxKeys: 2,
			want: result{Err: "the prefix holds more than 2 keys (-max-keys); scan narrower prefixes or raise -max-keys"}},
		{name: "more keys than -max-keys on a later page", pages: [][]string{{"data/a.csv"}, {"data/b.csv", "data/c.csv"}, {"data/d.csv"}}, maxKeys: 2,
			want: result{Err: "the prefix holds more than 2 keys (-max-keys); scan narrower prefixes or raise -max-keys"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := listS3(t.Context(), &pagesS3{pages: tt.pages, sizes: tt.sizes}, loc, 0, tt.maxKeys)
			var got result
			for _, o := range objs {
				got.Keys = append(got.Keys, o.key)
			}
			var le *s3guard.ListingError
			switch {
			case errors.As(err, &le):
				got.Err = le.Rule
			case err != nil:
				got.Err = err.Error()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("listS3(%v) mismatch (-want +got):\n%s", loc, diff)
			}
			if err != nil && strings.Contains(err.Error(), "jane.doe") {
				t.Errorf("listS3 error %q names a key", err)
			}
		})
	}
}
