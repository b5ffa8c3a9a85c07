package s3guard

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

// FuzzListObjects: whatever pages an endpoint answers with, ListObjects
// either returns a listing that keeps its rules (every key under the
// prefix and listed once, Objects exactly the data entries among Keys) or
// refuses it with a *ListingError built from fixed strings only, so no key
// can reach the message. Pages are separated by a blank line, keys by a
// line break; a key's length picks its size (a multiple of 5: unknown).
func FuzzListObjects(f *testing.F) {
	for _, s := range []string{
		"data/a.csv\ndata/b.csv",
		"data/\ndata/_SUCCESS\ndata/a.csv\n\ndata/b.csv",
		"data/a.csv\n\nother/jane.doe@example.com.csv",
		"data/a.csv\n\ndata/a.csv",
		"data/a.csv\n\n\n\ndata/b/",
		"\ndata/x",
	} {
		f.Add("data/", s, 0)
		f.Add("", s, 2)
	}
	rules := []string{RuleListingOutsidePrefix, RuleListingDuplicateKey, RuleListingMalformed, RuleListingPagination}
	reasons := []string{reasonOutsidePrefix, reasonDuplicateKey, reasonNoKey, reasonNegativeSize, reasonNoToken, reasonRepeatedToken, reasonUntruncated}
	f.Fuzz(func(t *testing.T, prefix, data string, maxObjects int) {
		loc := Location{Bucket: testBucket, Key: prefix}
		if !loc.IsPrefix() || loc.Validate() != nil || maxObjects < 0 {
			return
		}
		var pages [][]types.Object
		for _, page := range strings.Split(data, "\n\n") {
			var objs []types.Object
			for _, key := range strings.Split(page, "\n") {
				size := int64(len(key) % 3)
				if len(key)%5 == 0 {
					size = -1 // left out
				}
				objs = append(objs, entry(key, size))
			}
			pages = append(pages, objs)
		}
		list := func() (Listing, error) {
			return ListObjects(context.Background(), &pagedS3{pages: paged(pages...)}, loc, func(o *ListOptions) { o.MaxObjects = maxObjects })
		}
		l, err := list()
		l2, err2 := list()
		if diff := cmp.Diff(listedOf(l), listedOf(l2)); diff != "" || (err == nil) != (err2 == nil) {
			t.Fatalf("ListObjects is not deterministic: %v, %v\n%s", err, err2, diff)
		}
		if err != nil {
			var le *ListingError
			if !errors.As(err, &le) || !slices.Contains(rules, le.Rule) || !slices.Contains(reasons, le.Reason) ||
				err.Error() != "s3guard: inconsistent listing ("+le.Rule+"): "+le.Reason {
				t.Fatalf("ListObjects error %q is not a *ListingError of fixed strings", err)
			}
			return
		}
		// Keys are the entries read, in order: a prefix of all of them.
		var entries []types.Object
		for _, p := range pages {
			entries = append(entries, p...)
		}
		if len(l.Keys) > len(entries) {
			t.Fatalf("%d keys from %d entries", len(l.Keys), len(entries))
		}
		seen := map[string]bool{}
		var want []string
		for i, k := range l.Keys {
			if k != *entries[i].Key || !strings.HasPrefix(k, prefix) || seen[k] || k == "" {
				t.Fatalf("ListObjects kept key %q at %d: not the entry listed, outside %q, empty or listed twice", k, i, prefix)
			}
			seen[k] = true
			if isData(k, entries[i].Size) {
				want = append(want, k)
			}
		}
		var got []string
		for _, o := range l.Objects {
			got = append(got, o.Key)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Objects are not the data entries among Keys (-want +got):\n%s", diff)
		}
		if maxObjects > 0 && len(got) > maxObjects {
			t.Fatalf("%d objects, want at most %d", len(got), maxObjects)
		}
	})
}
