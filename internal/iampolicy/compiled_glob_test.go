package iampolicy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompileGlob pins the shape each pattern compiles to, and that the
// compiled matcher answers as the walk does on values on both sides of it.
func TestCompileGlob(t *testing.T) {
	const dg = "arn:aws:personalize:us-east-1:111122223333:dataset-group/"
	tests := []struct {
		pattern string
		kind    globKind
		lit     string
		values  []string
	}{
		{"", globExact, "", []string{"", "a", "*"}},
		{"movies", globExact, "movies", []string{"movies", "movie", "moviesX", "MOVIES", ""}},
		{"*", globAny, "", []string{"", "x", "\xff", "日本"}},
		{"***", globAny, "", []string{"", "abc"}},
		{dg + "*", globPrefix, dg, []string{dg, dg + "x", dg[:len(dg)-1], "x" + dg}},
		{"prod-**", globPrefix, "prod-", []string{"prod-", "prod-1", "prod", "xprod-1"}},
		{"*/movies", globSuffix, "/movies", []string{"/movies", "dg/movies", "dg/movies2", "movies"}},
		{"*:dataset-group/*", globContains, ":dataset-group/", []string{dg, "x:dataset-group/", "dataset-group/x"}},
		{"日*", globPrefix, "日", []string{"日本", "日", "\xe6\x97", "本"}},
		// A '?' matches one character, not one byte: never a shortcut.
		{"m?vies", globWalk, "", []string{"movies", "m日vies", "mvies", "mooves"}},
		{"*?", globWalk, "", []string{"", "a", "日"}},
		{"a?*", globWalk, "", []string{"a", "ab", "a日x"}},
		// '*' between literals needs the walk.
		{"a*b", globWalk, "", []string{"ab", "axxb", "ba", "a"}},
		{"*a*b*", globWalk, "", []string{"ab", "xaxbx", "ba"}},
		// Condition values have no policy variables: ${*} is '$', '{', a
		// wildcard and '}'.
		{"${*}", globWalk, "", []string{"${*}", "${x}", "${}", "$x}", "*"}},
		{"x${*}", globWalk, "", []string{"x${}", "x${a}", "x*"}},
		{"${?}", globWalk, "", []string{"${?}", "${a}", "${日}", "${ab}"}},
	}
	for _, tt := range tests {
		g := compileGlob(tt.pattern)
		if diff := cmp.Diff(compiledGlob{kind: tt.kind, lit: tt.lit, pattern: tt.pattern}, g, cmp.AllowUnexported(compiledGlob{})); diff != "" {
			t.Errorf("compileGlob(%q) mismatch (-want +got):\n%s", tt.pattern, diff)
		}
		for _, v := range tt.values {
			if got, want := g.match(v), globBytes(tt.pattern, v); got != want {
				t.Errorf("compileGlob(%q).match(%q) = %v, globBytes says %v", tt.pattern, v, got, want)
			}
		}
	}
}

// FuzzCompileGlob: a compiled pattern matches exactly what Glob matches.
func FuzzCompileGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"*", ""}, {"", ""}, {"abc*", "abcd"}, {"*abc", "xabc"}, {"*abc*", "xabcx"}, {"a*b", "ab"},
		{"m?vies", "m日vies"}, {"${*}", "${x}"}, {"${?}", "${?}"}, {"**a**", "a"}, {"日*", "\xe6\x97"},
		{"*\xff", "a\xff"}, {"?*", "\xff"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		g := compileGlob(p)
		if got, want := g.match(s), Glob(p, s, false); got != want {
			t.Fatalf("compileGlob(%q).match(%q) = %v, Glob says %v", p, s, got, want)
		}
	})
}

// TestValueMatcherGlobEdges runs ValueMatcher and ValueMatch over ARN and
// string patterns whose components hit every compiled shape, including
// ones that must not match (another account or Region, a wildcard that
// would have to span a colon).
func TestValueMatcherGlobEdges(t *testing.T) {
	wants := []string{
		"arn:aws:personalize:us-east-1:111122223333:*",
		"arn:aws:personalize:*:111122223333:*",
		"arn:aws:personalize:us-east-?:111122223333:dataset-group/*",
		"arn:*:personalize:*:*:dataset-group/prod-*",
		"arn:aws:personalize:us-east-1:111122223333:dataset-group/${*}",
		"arn:aws:personalize:us-east-1:111122223333:dataset-group/m?vies",
		"arn:aws:personalize:us-east-1:111122223333:*/movies",
		"arn:aws:personalize:us-east-1:111122223333",
		"*", "", "*:dataset-group/*", "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies",
	}
	gots := []string{
		"arn:aws:personalize:us-east-1:111122223333:dataset-group/movies",
		"arn:aws:personalize:us-east-1:111122223333:dataset-group/m日vies",
		"arn:aws:personalize:us-east-1:111122223333:dataset-group/${*}",
		"arn:aws:personalize:us-east-1:111122223333:dataset-group/${x}",
		"arn:aws:personalize:us-east-1:111122223333:dataset-group/prod-1",
		"arn:aws:personalize:us-west-2:111122223333:dataset-group/movies",
		"arn:aws:personalize:us-east-1:444455556666:dataset-group/movies",
		"arn:aws-cn:personalize:cn-north-1:111122223333:dataset-group/prod-1",
		"arn:aws:personalize:us-east-1:111122223333:solution/movies",
		"arn:aws:personalize:us-east-1:111122223333:dataset-group/a:b",
		"arn:aws:personalize:us-east-1:111122223333", "", "*",
	}
	for _, op := range []string{"ArnLike", "ArnEquals", "ArnNotLike", "StringLike", "StringNotLikeIfExists", "StringEquals", "ForAnyValue:StringLike"} {
		for _, want := range wants {
			m, ok := ValueMatcher(op, want)
			if !ok {
				t.Fatalf("ValueMatcher(%q, %q) not ok", op, want)
			}
			for _, got := range gots {
				if w, _ := ValueMatch(op, want, got); m(got) != w {
					t.Errorf("ValueMatcher(%q, %q)(%q) = %v, ValueMatch says %v", op, want, got, m(got), w)
				}
			}
		}
	}
}
