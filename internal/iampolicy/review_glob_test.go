package iampolicy

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// globRegexp is the reference reading of an IAM pattern: '*' is any run of
// bytes, '?' any one byte, everything else itself. lit reads the 2012-10-17
// ${*}, ${?} and ${$} as the characters.
func globRegexp(p string, lit bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for i := 0; i < len(p); i++ {
		if lit && i+3 < len(p) && p[i] == '$' && p[i+1] == '{' && p[i+3] == '}' && strings.IndexByte("*?$", p[i+2]) >= 0 {
			b.WriteString(regexp.QuoteMeta(p[i+2 : i+3]))
			i += 3
			continue
		}
		switch p[i] {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

// randIAMString draws from the bytes that matter to IAM patterns and ARNs.
func randIAMString(rng *rand.Rand, max int) string {
	const alphabet = "ab*?${}:/"
	b := make([]byte, rng.IntN(max+1))
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// TestGlobReference: Glob agrees with the regexp reading of the pattern
// on random patterns and strings, both holding '*' and '?' (a '*' in s is
// a character like any other, matched by a '*' or '?' of p).
func TestGlobReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		p, s := randIAMString(rng, 8), randIAMString(rng, 10)
		if rng.IntN(2) == 0 && len(p) > 0 {
			s = strings.NewReplacer("*", "ab", "?", "b").Replace(p) // a likely match
		}
		if got, want := Glob(p, s, false), globRegexp(p, false).MatchString(s); got != want {
			t.Fatalf("Glob(%q, %q) = %v, want %v", p, s, got, want)
		}
	}
}

func FuzzGlobReference(f *testing.F) {
	for _, s := range [][2]string{{"a*b", "a*xb"}, {"b/*", "b/*"}, {"*?*", "*"}, {"a:*:c", "a:b:x:c"}, {"${*}", "${x}"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		// Policies are JSON and S3 keys UTF-8: invalid text is out of scope.
		if len(p) > 64 || len(s) > 256 || !utf8.ValidString(p) || !utf8.ValidString(s) {
			return
		}
		if got, want := Glob(p, s, false), globRegexp(p, false).MatchString(s); got != want {
			t.Fatalf("Glob(%q, %q) = %v, want %v", p, s, got, want)
		}
	})
}

// TestGlobFold: action names compare without case, resources with.
func TestGlobFold(t *testing.T) {
	tests := []struct {
		p, s       string
		fold, want bool
	}{
		{"s3:Get*", "S3:GETOBJECT", true, true},
		{"kms:decrypt", "kms:Decrypt", true, true},
		{"arn:aws:s3:::b/Data/*", "arn:aws:s3:::b/data/x", false, false},
		{"arn:aws:s3:::b/data/?", "arn:aws:s3:::b/data/X", false, true},
	}
	for _, tt := range tests {
		if got := Glob(tt.p, tt.s, tt.fold); got != tt.want {
			t.Errorf("Glob(%q, %q, %v) = %v, want %v", tt.p, tt.s, tt.fold, got, tt.want)
		}
	}
}

// TestResourceLiteralReference: a 2012-10-17 Resource pattern without a
// real policy variable decides like the regexp reading with the escapes as
// characters, for Resource and NotResource alike.
func TestResourceLiteralReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	escapes := []string{"${*}", "${?}", "${$}", "*", "?", "a", "b", "$", "{", "}", "/"}
	for range 10000 {
		var pb strings.Builder
		for range rng.IntN(6) {
			pb.WriteString(escapes[rng.IntN(len(escapes))])
		}
		p := pb.String()
		s := randIAMString(rng, 8)
		if rng.IntN(2) == 0 {
			s = strings.NewReplacer("${*}", "*", "${?}", "?", "${$}", "$", "*", "a*", "?", "b").Replace(p)
		}
		if hasRealVariable(p) {
			continue
		}
		want := no
		if globRegexp(p, true).MatchString(s) {
			want = yes
		}
		st := Statement{Resource: Values{p}}
		if got := st.matchResource(s, Version2012, false); got != want {
			t.Fatalf("Resource %q on %q = %v, want %v", p, s, got, want)
		}
		st = Statement{NotResource: Values{p}}
		if got := st.matchResource(s, Version2012, false); got != yes-want+no {
			t.Fatalf("NotResource %q on %q = %v, want %v", p, s, got, yes-want+no)
		}
	}
}

// hasRealVariable: "${" not part of ${*}, ${?} or ${$}.
func hasRealVariable(p string) bool {
	return strings.Contains(strings.NewReplacer("${*}", "", "${?}", "", "${$}", "").Replace(p), "${")
}

// TestResourceIsPrefixReference: with ResourceIsPrefix a Resource pattern
// applies to "P*" exactly when it matches P followed by any string, and a
// NotResource pattern exactly when it matches none of them, checked here
// over every suffix of up to four characters, one of them foreign to the
// patterns ('z'). Four suffice for patterns of four tokens after "b/": a
// suffix that defeats "every key" need only outrun the fixed-width tokens
// after the last '*', and one that completes a pattern need only supply a
// character per token. MatchResource reports both.
func TestResourceIsPrefixReference(t *testing.T) {
	var suffixes []string
	var grow func(string)
	grow = func(w string) {
		suffixes = append(suffixes, w)
		if len(w) < 4 {
			for _, c := range []string{"a", "/", "*", "?", "z"} {
				grow(w + c)
			}
		}
	}
	grow("")
	rng := rand.New(rand.NewPCG(5, 6))
	toks := []string{"*", "?", "a", "/", "${*}", "${?}"}
	for range 500 {
		var pb strings.Builder
		for range rng.IntN(5) {
			pb.WriteString(toks[rng.IntN(len(toks))])
		}
		p := "arn:aws:s3:::b/" + pb.String()
		prefix := "arn:aws:s3:::b/" + randIAMString(rng, 2)
		for _, version := range []string{Version2012, "2008-10-17"} {
			re := globRegexp(p, version == Version2012)
			all, some := true, false
			for _, w := range suffixes {
				m := re.MatchString(prefix + w)
				all = all && m
				some = some || m
			}
			d := &Document{Version: version, Statement: []Statement{{Effect: Allow, Principal: &Principal{AWS: Values{"*"}},
				Action: Values{"s3:GetObject"}, Resource: Values{p}}}}
			if version != Version2012 && strings.Contains(p, "${") {
				// Outside 2012-10-17 "${" is text the suffixes lack, and
				// the evaluator stays uncertain about it.
				continue
			}
			if gotAll, gotSome := d.MatchResource(p, prefix+"*", true); gotAll != all || gotSome != some {
				t.Fatalf("version %s: MatchResource(%q, %q) = %v, %v, want %v, %v", version, p, prefix+"*", gotAll, gotSome, all, some)
			}
			req := Request{Actor: Anyone(), Action: "s3:GetObject", Resource: prefix + "*", ResourceIsPrefix: true}
			if got := d.Evaluate(req); (got.Decision == Allowed) != all {
				t.Fatalf("version %s: Resource %q on every key of %q: %v, want allowed %v", version, p, prefix+"*", got.Decision, all)
			}
			d.Statement[0].Resource, d.Statement[0].NotResource = nil, d.Statement[0].Resource
			if got := d.Evaluate(req); (got.Decision == Allowed) != !some {
				t.Fatalf("version %s: NotResource %q on every key of %q: %v, want allowed %v", version, p, prefix+"*", got.Decision, !some)
			}
		}
	}
}

// TestResourceVariableNotMatchedAsText: IAM substitutes a 2012-10-17
// policy variable before it matches, so a resource holding the variable's
// own text ("${aws:username}", which an S3 key may) is not matched for sure:
// the statement may or may not apply. In 2008-10-17 there are no variables
// and the text is matched as such.
func TestResourceVariableNotMatchedAsText(t *testing.T) {
	const (
		pattern  = "arn:aws:s3:::b/${aws:username}/*"
		resource = "arn:aws:s3:::b/${aws:username}/x"
	)
	tests := []struct {
		name      string
		version   string
		effect    Effect
		not       bool
		want      Decision
		uncertain bool
	}{
		{"deny", Version2012, Deny, false, NotAllowed, true},
		{"allow", Version2012, Allow, false, NotAllowed, true},
		{"deny NotResource", Version2012, Deny, true, NotAllowed, true},
		{"allow NotResource", Version2012, Allow, true, NotAllowed, true},
		{"deny 2008", "2008-10-17", Deny, false, Denied, false},
		{"allow 2008", "2008-10-17", Allow, false, Allowed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := Statement{Effect: tt.effect, Principal: &Principal{AWS: Values{"*"}}, Action: Values{"s3:GetObject"}, Resource: Values{pattern}}
			if tt.not {
				st.Resource, st.NotResource = nil, st.Resource
			}
			d := &Document{Version: tt.version, Statement: []Statement{st}}
			got := d.Evaluate(Request{Actor: Anyone(), Action: "s3:GetObject", Resource: resource})
			if got.Decision != tt.want || got.Uncertain != tt.uncertain {
				t.Errorf("%s %s on %s = %v uncertain %v, want %v uncertain %v", tt.effect, pattern, resource, got.Decision, got.Uncertain, tt.want, tt.uncertain)
			}
		})
	}
}

// TestGlobQuestionIsOneCharacter: '?' is one character, which in an S3 key
// (UTF-8) may take several bytes, in Glob and in the "every key" reading.
func TestGlobQuestionIsOneCharacter(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"arn:aws:s3:::b/?.csv", "arn:aws:s3:::b/é.csv", true},
		{"arn:aws:s3:::b/??.csv", "arn:aws:s3:::b/é.csv", false},
		{"arn:aws:s3:::b/*?", "arn:aws:s3:::b/日本", true},
		{"arn:aws:s3:::b/*?本", "arn:aws:s3:::b/日本", true},
		{"arn:aws:s3:::b/???", "arn:aws:s3:::b/日本", false},
	}
	for _, tt := range tests {
		if got := Glob(tt.p, tt.s, false); got != tt.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tt.p, tt.s, got, tt.want)
		}
	}
	// "*?" after the prefix "é" covers every key: the '?' takes the last
	// character, é itself when nothing follows.
	d := &Document{Version: Version2012, Statement: []Statement{{Effect: Allow, Principal: &Principal{AWS: Values{"*"}},
		Action: Values{"s3:GetObject"}, Resource: Values{"arn:aws:s3:::b/*?"}}}}
	if got := d.Evaluate(Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/é*", ResourceIsPrefix: true}); got.Decision != Allowed {
		t.Errorf("b/*? on every key under b/é = %v, want allowed", got.Decision)
	}
}

// FuzzResourcePrefix: the "every key" reading agrees with plain matching
// on the keys it speaks for: a pattern that covers every key matches the
// prefix followed by anything, one that matches none matches no such key,
// and covering implies matching some.
func FuzzResourcePrefix(f *testing.F) {
	for _, s := range [][3]string{{"b/*?", "b/?", "x"}, {"b/${*}", "b/", ""}, {"b/a*", "b/", "a"}, {"b/?*", "b/é", "日"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, p, prefix, suffix string) {
		if len(p) > 64 || len(prefix) > 64 || len(suffix) > 64 || !utf8.ValidString(p) || !utf8.ValidString(prefix) || !utf8.ValidString(suffix) {
			return
		}
		d := &Document{Version: Version2012}
		all, some := d.MatchResource(p, prefix+"*", true)
		if hasVariableText(p, true) {
			if all || some {
				t.Fatalf("MatchResource(%q, %q) = %v, %v for a pattern with a variable", p, prefix+"*", all, some)
			}
			return
		}
		m := globMatch(p, true, prefix+suffix)
		switch {
		case all && !some:
			t.Fatalf("MatchResource(%q, %q): all without some", p, prefix+"*")
		case all && !m:
			t.Fatalf("%q covers every key under %q but not %q", p, prefix, prefix+suffix)
		case !some && m:
			t.Fatalf("%q matches no key under %q but matches %q", p, prefix, prefix+suffix)
		}
	})
}
