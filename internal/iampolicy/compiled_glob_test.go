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

// arnSplit cuts s after its fifth colon, or reports that it has fewer.
func arnSplit(s string) (head, rest string, ok bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			if n++; n == 5 {
				return s[:i+1], s[i+1:], true
			}
		}
	}
	return "", "", false
}

// checkARNValueMatcher fails t when the split matcher for (op, want)
// disagrees with ValueMatch on got.
func checkARNValueMatcher(t *testing.T, op, want, got string) {
	t.Helper()
	head, resource, ok := ARNValueMatcher(op, want)
	if !ok {
		return
	}
	match, vok := ValueMatch(op, want, got)
	if !vok {
		t.Fatalf("ARNValueMatcher(%q, %q) ok where ValueMatch is not", op, want)
	}
	h, r, split := arnSplit(got)
	if !split {
		if match {
			t.Fatalf("ValueMatch(%q, %q, %q) matched a value with fewer than five colons", op, want, got)
		}
		return
	}
	if got := head(h) && resource(r); got != match {
		t.Fatalf("ARNValueMatcher(%q, %q) on %q|%q = %v, ValueMatch says %v", op, want, h, r, got, match)
	}
}

// TestARNValueMatcher: the split matcher answers as ValueMatch for every
// ARN operator form, and is not offered for the others.
func TestARNValueMatcher(t *testing.T) {
	ops := map[string]bool{
		"ArnLike": true, "ArnEquals": true, "ArnNotLike": true, "ArnNotEqualsIfExists": true, "ForAnyValue:ArnLike": true,
		"StringLike": false, "StringEquals": false, "Null": false, "ArnLikeX": false,
	}
	for op, wantOK := range ops {
		for _, want := range []string{
			"arn:aws:personalize:us-east-1:111122223333:*",
			"arn:aws:personalize:*:111122223333:dataset-group/*",
			"arn:*:personalize:us-east-?:*:*",
			"arn:aws:personalize:us-east-1:111122223333:dataset-group/m?vies",
			"arn:aws:personalize:us-east-1:111122223333:dataset-group/${*}",
			"arn:aws:personalize:us-east-1:111122223333", "*", "",
		} {
			for _, got := range []string{
				"arn:aws:personalize:us-east-1:111122223333:dataset-group/movies",
				"arn:aws:personalize:us-east-1:111122223333:dataset-group/${*}",
				"arn:aws:personalize:us-east-1:111122223333:dataset-group/a:b",
				"arn:aws:personalize:us-west-2:111122223333:dataset-group/movies",
				"arn:aws:personalize:us-east-1:444455556666:dataset-group/movies",
				"arn:aws:personalize:us-east-1:111122223333:", "arn:aws:personalize:us-east-1:111122223333", "",
			} {
				checkARNValueMatcher(t, op, want, got)
			}
		}
		if _, _, ok := ARNValueMatcher(op, "*"); ok != wantOK {
			t.Errorf("ARNValueMatcher(%q) ok = %v, want %v", op, ok, wantOK)
		}
	}
}

func FuzzARNValueMatcher(f *testing.F) {
	f.Add("ArnLike", "arn:aws:personalize:us-east-1:111122223333:*", "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies")
	f.Add("ArnEquals", "arn:*:personalize:*:*:a:b", "arn:aws:personalize:us-east-1:1:a:b")
	f.Add("ArnNotLike", "a:b:c:d:e:f?", "a:b:c:d:e:f日")
	f.Fuzz(func(t *testing.T, op, want, got string) {
		checkARNValueMatcher(t, op, want, got)
	})
}
