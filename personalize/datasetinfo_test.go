package personalize

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/kms"
)

// TestDatasetInfoCachedAfterChecks: a dataset ARN that fails the guard's
// checks is refused without a lookup, every time (a refusal is never
// cached, so the cache's hits, which skip the checks, hold only values
// that passed them); one that passes is described once and then served
// from the cache. The group's key is parsed once, when described, as
// checkGroupKey used to parse it on each call.
func TestDatasetInfoCachedAfterChecks(t *testing.T) {
	const good = "arn:aws:personalize:" + testRegion + ":" + testAccount + ":dataset/movies/INTERACTIONS"
	for _, tt := range []struct {
		name, dataset, groupKey string
		wantRule                string // of both calls; "" for none
		wantDescribes           int32  // after both calls
	}{
		{"passes", good, testKeyARN, "", 2},
		{"passes, alias key", good, "alias/personalize", "", 2},
		{"passes, no key", good, "", "", 2},
		{"identifying value", "arn:aws:personalize:" + testRegion + ":" + testAccount + ":dataset/jane.doe@example.com/INTERACTIONS", testKeyARN,
			RuleDatasetGroupLookup, 0},
		{"bad account", "arn:aws:personalize:" + testRegion + ":1234:dataset/movies/INTERACTIONS", testKeyARN, RuleDatasetGroupLookup, 0},
		{"bad region", "arn:aws:personalize:us_east_1:" + testAccount + ":dataset/movies/INTERACTIONS", testKeyARN, RuleDatasetGroupLookup, 0},
		{"no arn", "dataset/movies/INTERACTIONS", testKeyARN, RuleDatasetGroupLookup, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			desc := &countingDescriber{key: tt.groupKey}
			g := testGuard(t, Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN, KMSClient: newHealthyKMS(t), S3Client: nopS3{},
				PersonalizeClient: desc, InsecureSkipImportScan: true})
			wantKeyARN := ""
			if k, err := kms.ParseKeyARN(tt.groupKey); err == nil {
				wantKeyARN = k.String()
			}
			for call := range 2 {
				info, ok, err := g.datasetInfo(context.Background(), nil, tt.dataset)
				rule := ""
				if sg := (*SafeguardError)(nil); errors.As(err, &sg) {
					rule = sg.Rule
				}
				if diff := cmp.Diff(tt.wantRule, rule); diff != "" {
					t.Errorf("call %d: rule (-want +got):\n%s", call, diff)
				}
				if ok != (tt.wantRule == "") {
					t.Errorf("call %d: ok = %v", call, ok)
				}
				if ok {
					// What checkGroupKey now takes from the cache instead of
					// parsing on every call.
					// The source is written out as the key check would join it
					// (arn:aws:personalize:<region>:<role's account>:dataset-group/<name>).
					want := [4]string{wantKeyARN, groupKind, "movies",
						"arn:aws:personalize:" + testRegion + ":" + testAccount + ":dataset-group/movies"}
					got := [4]string{info.groupKeyARN, info.groupKind, info.groupName, info.groupSource}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("call %d: groupKeyARN, groupKind, groupName, groupSource (-want +got):\n%s", call, diff)
					}
				}
			}
			if got := desc.calls.Load(); got != tt.wantDescribes {
				t.Errorf("describe calls = %d, want %d", got, tt.wantDescribes)
			}
		})
	}
}
