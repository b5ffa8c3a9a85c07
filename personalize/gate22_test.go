package personalize

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPassedNextIsPassedBeforesFirstTest holds walker.passedNext and
// passedLast, the wire walk's tests of a string member before it calls
// check, to passedBefore's first test and a test of the last entry: it answers true
// only for the entry at the cursor, which it moves past, or the last
// entry, which leaves the cursor where it was, under the member's very
// rule and shape; never for the rules check settles before it asks
// passedBefore (a KMS key, an S3 location, an enum, a schema), never
// without a state, and never for an entry between the two.
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
		{ruleARN, shapeRoleArn, "arn:aws:iam::111122223333:role/r"},
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
		{"a KMS key at the cursor", probe{1, ruleKMSKey, shapeRoleArn, noted[1].s}, answer{false, 1}},
		{"an S3 location at the cursor", probe{2, ruleS3Location, shapeRoleArn, noted[2].s}, answer{false, 2}},
		{"an enum at the cursor", probe{3, ruleEnum, shapeRoleArn, noted[3].s}, answer{false, 3}},
		{"a schema at the cursor", probe{4, ruleSchema, shapeRoleArn, noted[4].s}, answer{false, 4}},
		{"a nil shape, which check reads as shapeUnknown", probe{6, ruleTagValue, nil, "recs"}, answer{true, 7}},
		{"a nil shape noted, which check never notes", probe{7, ruleTagValue, nil, "prod"}, answer{false, 7}},
		{"the cursor past the last entry", probe{9, ruleTagValue, shapeUnknown, "recs"}, answer{false, 9}},
		{"the last entry, the cursor before it", probe{0, ruleARN, shapeRoleArn, noted[8].s}, answer{true, 0}},
		{"the last entry, the cursor past it", probe{9, ruleARN, shapeRoleArn, noted[8].s}, answer{true, 9}},
		{"the last entry at the cursor", probe{8, ruleARN, shapeRoleArn, noted[8].s}, answer{true, 9}},
		{"the last entry's text under another rule", probe{0, ruleTagValue, shapeRoleArn, noted[8].s}, answer{false, 0}},
		{"the last entry's text under another shape", probe{0, ruleARN, shapeUnknown, noted[8].s}, answer{false, 0}},
		{"an entry between the cursor and the last", probe{0, ruleTagKey, shapeRoleArn, "team"}, answer{false, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &callState{passed: noted}
			w := &walker{st: st, wire: true, passedAt: tt.p.at}
			n := &node{rule: tt.p.rule, shape: tt.p.sh}
			got := answer{w.passedNext(n, tt.p.s) || w.passedLast(n, tt.p.s), w.passedAt}
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
	n := &node{rule: ruleResourceName, shape: shapeRoleArn}
	w := &walker{wire: true}
	if w.passedNext(n, "movies") || w.passedLast(n, "movies") {
		t.Error("a walk with no state took a string as passed")
	}
}

// TestPassable: passable's bit test says, for every rule, whether check
// reaches its passedBefore under it (the rules settled before it are
// enum, schema, S3 location and KMS key).
func TestPassable(t *testing.T) {
	var got, want []bool
	for r := range fieldRule(len(ruleNames)) {
		got = append(got, passable(r))
		want = append(want, r != ruleEnum && r != ruleSchema && r != ruleS3Location && r != ruleKMSKey)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("passable by rule (-want +got):\n%s", diff)
	}
}
