package iampolicy

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValueMatch(t *testing.T) {
	const dg = "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"
	tests := []struct {
		op, want, got string
		match, ok     bool
		reason        string
	}{
		{"StringEquals", dg, dg, true, true, "equal strings"},
		{"StringEquals", dg, dg + "2", false, true, "StringEquals is exact"},
		{"StringEqualsIgnoreCase", "ARN:AWS:personalize:us-east-1:111122223333:dataset-group/MOVIES", dg, true, true, "case folded"},
		{"ForAnyValue:StringLike", "*:dataset-group/m*", dg, true, true, "set prefix dropped, glob"},
		{"StringNotLikeIfExists", "*:dataset-group/x*", dg, false, true, "the match, not the negated outcome"},
		{"ArnLike", "arn:aws:personalize:*:111122223333:*", dg, true, true, "wildcards per component"},
		{"ArnLike", "arn:aws:personalize:*:111122223333", dg, false, true, "five components do not match six"},
		{"ArnLike", "arn:*:111122223333:*", dg, false, true, "a wildcard does not span colons"},
		{"ArnEquals", "arn:aws:s3:::b/a:b:c", "arn:aws:s3:::b/a:b:c", true, true, "the resource keeps its colons"},
		{"ArnEquals", "arn:aws:s3:::b/a:*", "arn:aws:s3:::b/a:b:c", true, true, "a wildcard in the resource spans its colons"},
		{"ArnLike", "arn:aws:s3:::b", "arn:aws:s3::", false, true, "a value with too few components"},
		{"Null", "true", dg, false, false, "Null does not compare values"},
		{"BinaryEquals", "eA==", dg, false, false, "an operator Evaluate does not know"},
	}
	for _, tt := range tests {
		match, ok := ValueMatch(tt.op, tt.want, tt.got)
		if match != tt.match || ok != tt.ok {
			t.Errorf("ValueMatch(%q, %q, %q) = %v, %v, want %v, %v (%s)", tt.op, tt.want, tt.got, match, ok, tt.match, tt.ok, tt.reason)
		}
		// ValueMatcher, built once for (op, want), answers alike.
		m, ok := ValueMatcher(tt.op, tt.want)
		if ok != tt.ok || ok && m(tt.got) != tt.match {
			t.Errorf("ValueMatcher(%q, %q) on %q disagrees with ValueMatch (%s)", tt.op, tt.want, tt.got, tt.reason)
		}
	}
}

// FuzzValueMatcher: a matcher built once answers as ValueMatch does on
// every value.
func FuzzValueMatcher(f *testing.F) {
	const dg = "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"
	for _, op := range []string{"ArnLike", "ArnNotEquals", "StringLike", "StringEquals", "ForAnyValue:StringEqualsIgnoreCase", "ArnEqualsIfExists"} {
		f.Add(op, "arn:aws:personalize:*:111122223333:*", dg)
		f.Add(op, "arn:aws:s3:::b/a:*", "arn:aws:s3:::b/a:b:c")
		f.Add(op, "arn:*", "arn:aws")
	}
	f.Fuzz(func(t *testing.T, op, want, got string) {
		match, ok := ValueMatch(op, want, got)
		m, mok := ValueMatcher(op, want)
		if mok != ok || ok && m(got) != match {
			t.Errorf("ValueMatcher(%q, %q)(%q) disagrees with ValueMatch = %v, %v", op, want, got, match, ok)
		}
	})
}

func BenchmarkValueMatchArn(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if m, _ := ValueMatch("ArnLike", "arn:aws:personalize:us-east-1:111122223333:*", "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"); !m {
			b.Fatal("no match")
		}
	}
}

func TestValueConditions(t *testing.T) {
	st := Statement{Condition: map[string]map[string]Values{
		"ArnLike":      {"aws:SourceArn": {"arn:aws:personalize:*:111122223333:*"}, "aws:SourceAccount": {"111122223333"}},
		"StringEquals": {"AWS:SOURCEARN": {"arn:a", "arn:b"}},
		"Null":         {"aws:SourceArn": {"false"}},
		"NoSuchOp":     {"aws:SourceArn": {"arn:c"}},
	}}
	type cond struct{ Op, Want string }
	var got []cond
	for op, want := range st.ValueConditions("aws:SourceArn") {
		got = append(got, cond{op, want})
	}
	slices.SortFunc(got, func(a, b cond) int { return strings.Compare(a.Op+a.Want, b.Op+b.Want) })
	want := []cond{
		{"ArnLike", "arn:aws:personalize:*:111122223333:*"},
		{"StringEquals", "arn:a"},
		{"StringEquals", "arn:b"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ValueConditions(aws:SourceArn) mismatch (-want +got), key case-folded, Null and unknown operators skipped:\n%s", diff)
	}
	for range st.ValueConditions("aws:SourceArn") {
		break // stopping early must not panic
	}
}
