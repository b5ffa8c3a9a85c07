package personalize

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPassedNextIsPassedBeforesFirstTest holds walker.passedNext, the
// wire walk's test of a string member before it calls check, to
// passedBefore's first test: it answers true only for the entry at the
// cursor, under the member's very rule and shape, and then moves the
// cursor past it; never for the rules check settles before it asks
// passedBefore (a KMS key, an S3 location, an enum, a schema), never
// without a state, and never past the last entry.
func TestPassedNextIsPassedBeforesFirstTest(t *testing.T) {
	noted := []passedCheck{
		{ruleResourceName, shapeRoleArn, "movies"},
		{ruleKMSKey, shapeRoleArn, "arn:aws:kms:us-east-1:111122223333:key/k"},
		{ruleS3Location, shapeRoleArn, "s3://b/k"},
		{ruleEnum, shapeRoleArn, "ECOMMERCE"},
		{ruleSchema, shapeRoleArn, "{}"},
		{ruleTagKey, shapeRoleArn, "team"},
		{ruleTagValue, shapeUnknown, "recs"},
		{ruleTagValue, nil, "prod"},
	}
	type probe struct {
		at   int // the cursor before
		rule fieldRule
		sh   *shape
		s    string
	}
	type answer struct {
		Passed bool
		At     int // the cursor after
	}
	tests := []struct {
		name string
		p    probe
		want answer
	}{
		{"the entry at the cursor", probe{0, ruleResourceName, shapeRoleArn, "movies"}, answer{true, 1}},
		{"another text", probe{0, ruleResourceName, shapeRoleArn, "movie"}, answer{false, 0}},
		{"another rule", probe{0, ruleTagValue, shapeRoleArn, "movies"}, answer{false, 0}},
		{"another shape", probe{0, ruleResourceName, shapeUnknown, "movies"}, answer{false, 0}},
		{"a later entry", probe{0, ruleTagKey, shapeRoleArn, "team"}, answer{false, 0}},
		{"a KMS key at the cursor", probe{1, ruleKMSKey, shapeRoleArn, noted[1].s}, answer{false, 1}},
		{"an S3 location at the cursor", probe{2, ruleS3Location, shapeRoleArn, noted[2].s}, answer{false, 2}},
		{"an enum at the cursor", probe{3, ruleEnum, shapeRoleArn, noted[3].s}, answer{false, 3}},
		{"a schema at the cursor", probe{4, ruleSchema, shapeRoleArn, noted[4].s}, answer{false, 4}},
		{"a nil shape, which check reads as shapeUnknown", probe{6, ruleTagValue, nil, "recs"}, answer{true, 7}},
		{"a nil shape noted, which check never notes", probe{7, ruleTagValue, nil, "prod"}, answer{false, 7}},
		{"past the last entry", probe{8, ruleTagValue, shapeUnknown, "recs"}, answer{false, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &callState{passed: noted, passedAt: tt.p.at}
			w := &walker{st: st, wire: true}
			n := &node{rule: tt.p.rule, shape: tt.p.sh}
			got := answer{w.passedNext(n, tt.p.s), st.passedAt}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got.Passed {
				// What passedNext takes, passedBefore takes too.
				w2 := &walker{st: &callState{passed: noted}, wire: true}
				sh := n.shape
				if sh == nil {
					sh = shapeUnknown
				}
				if !w2.passedBefore(n.rule, sh, tt.p.s) {
					t.Error("passedNext took a string that passedBefore does not")
				}
			}
		})
	}
	w := &walker{wire: true}
	if w.passedNext(&node{rule: ruleResourceName, shape: shapeRoleArn}, "movies") {
		t.Error("a walk with no state took a string as passed")
	}
}
