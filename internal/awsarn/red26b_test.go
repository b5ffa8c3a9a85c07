package awsarn

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed26bMatchOldEdges holds the one-pass Split and Region to the old
// ones on empty parts, extra and trailing colons, resources holding '/'
// and ':', and Regions one byte off the shape.
func TestRed26bMatchOldEdges(t *testing.T) {
	for _, s := range []string{
		"arn::::", "arn:::::", "arn::::::", "arn:aws::::", "arn:aws:personalize:::", "arn:aws:personalize:us-east-1::",
		"arn:aws:personalize:us-east-1:111122223333:", "arn:aws:personalize:us-east-1:111122223333:dataset/g/INTERACTIONS",
		"arn:aws:personalize:us-east-1:111122223333:dataset/g:x/INTERACTIONS", "arn:aws:personalize:us-east-1:111122223333::",
		"arn:aws:s3:::bucket/key:with:colons", "arn:aws:iam::111122223333:role/a/b:c", "arn:aws:personalize:us-east-1:111122223333",
		"arn:aws:personalize:us-east-1", "arn:aws:personalize:us-east-1:", "arn:aws:personalize", "arn:aws:personalize:",
		"arn:aws:kms:us-east-1:111122223333:key/", "arn:aws:kms:us-east-1:111122223333:/", ":arn:aws:a:b:c:d", "arn::a:b:c:d",
		"ab-c-1", "abcd-e-1", "abcde-f-1", "a-b-1", "ab-1", "ab--1", "ab-c-", "ab-c-x", "ab-c-1-", "ab-c-1x", "ab-c1",
		"ab-C-1", "ab-c-1\x00", "-ab-c-1", "ab-c--d-1", "ab-c-d-1", "ab-c-d-e-f-g-h-i-j-k-l-m-n-o-1", "ab-c-01",
	} {
		if diff := cmp.Diff(answersOf(s, true), answersOf(s, false)); diff != "" {
			t.Errorf("%q: new differs from old (-want +got):\n%s", s, diff)
		}
	}
}
