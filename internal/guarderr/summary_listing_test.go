package guarderr

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// TestSummaryS3Listing: a listing s3guard refuses is no permission or
// reachability problem: the summary (all that SafeguardError.Error shows
// of it) names the listing rule, not s3:ListBucket, so the operator looks
// at the proxy or store in the way rather than at IAM.
func TestSummaryS3Listing(t *testing.T) {
	listErr := func(err error) error {
		return &s3guard.CheckError{Operation: "ListObjectsV2", Permission: "s3:ListBucket", Resource: "amzn-personalize-data", Err: err}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a key outside the prefix", listErr(&s3guard.ListingError{Rule: s3guard.RuleListingOutsidePrefix, Reason: "fixed"}),
			"S3 ListObjectsV2 returned a listing S3 does not give (" + s3guard.RuleListingOutsidePrefix + "): a proxy or an S3-compatible store answered"},
		{"a pagination that cannot end", listErr(&s3guard.ListingError{Rule: s3guard.RuleListingPagination, Reason: "fixed"}),
			"S3 ListObjectsV2 returned a listing S3 does not give (" + s3guard.RuleListingPagination + "): a proxy or an S3-compatible store answered"},
		{"unreachable, as before", listErr(context.DeadlineExceeded),
			"S3 ListObjectsV2 failed; the guard needs s3:ListBucket and a reachable S3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Summary(tt.err)); diff != "" {
				t.Errorf("Summary(%v) mismatch (-want +got):\n%s", tt.err, diff)
			}
		})
	}
}
