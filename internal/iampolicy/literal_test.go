package iampolicy

import (
	"strings"
	"testing"
)

// TestEvaluateLiteralVariables: in a 2012-10-17 document ${*}, ${?} and ${$}
// are the characters themselves, so a Resource naming a key that holds them
// grants that key and nothing its wildcard reading would.
func TestEvaluateLiteralVariables(t *testing.T) {
	const role = "arn:aws:iam::111122223333:role/R"
	tests := []struct {
		name, version, pattern, resource string
		want                             Decision
		uncertain                        bool
	}{
		{"star literal", Version2012, "arn:aws:s3:::b/exports${*}/*", "arn:aws:s3:::b/exports*/part-0", Allowed, false},
		{"star not wildcard", Version2012, "arn:aws:s3:::b/exports${*}/*", "arn:aws:s3:::b/exportsX/part-0", NotAllowed, false},
		{"question literal", Version2012, "arn:aws:s3:::b/a${?}b", "arn:aws:s3:::b/a?b", Allowed, false},
		{"question not wildcard", Version2012, "arn:aws:s3:::b/a${?}b", "arn:aws:s3:::b/axb", NotAllowed, false},
		{"dollar literal", Version2012, "arn:aws:s3:::b/${$}{aws:username}/*", "arn:aws:s3:::b/${aws:username}/x", Allowed, false},
		{"dollar not a variable", Version2012, "arn:aws:s3:::b/${$}{aws:username}/*", "arn:aws:s3:::b/jane/x", NotAllowed, false},
		{"real variable stays unknown", Version2012, "arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/jane/x", NotAllowed, true},
		{"literal beside a variable", Version2012, "arn:aws:s3:::b/${*}${aws:username}", "arn:aws:s3:::b/x", NotAllowed, true},
		{"trailing wildcard still one", Version2012, "arn:aws:s3:::b/x${*}*", "arn:aws:s3:::b/x*yz", Allowed, false},
		// Without a version, policy variables do not exist: "${" is text,
		// and the package stays uncertain about it as before.
		{"no version", "", "arn:aws:s3:::b/exports${*}/*", "arn:aws:s3:::b/exports*/part-0", NotAllowed, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Document{Version: tt.version, Statement: []Statement{{Effect: Allow,
				Principal: &Principal{AWS: Values{role}}, Action: Values{"s3:GetObject"}, Resource: Values{tt.pattern}}}}
			got := d.Evaluate(Request{Actor: AWSPrincipal(role), Action: "s3:GetObject", Resource: tt.resource})
			if got.Decision != tt.want || got.Uncertain != tt.uncertain {
				t.Errorf("Evaluate(%s on %s) = %v uncertain %v, want %v uncertain %v", tt.pattern, tt.resource, got.Decision, got.Uncertain, tt.want, tt.uncertain)
			}
			// NotResource reads the pattern the same way.
			d.Statement[0].NotResource, d.Statement[0].Resource = d.Statement[0].Resource, nil
			got = d.Evaluate(Request{Actor: AWSPrincipal(role), Action: "s3:GetObject", Resource: tt.resource})
			want := map[Decision]Decision{Allowed: NotAllowed, NotAllowed: Allowed}[tt.want]
			if tt.uncertain {
				want = NotAllowed
			}
			if got.Decision != want {
				t.Errorf("NotResource %s on %s = %v, want %v", tt.pattern, tt.resource, got.Decision, want)
			}
		})
	}
}

// FuzzGlobTokens: a pattern without "${" reads the same through the
// literal-aware matcher as through Glob.
func FuzzGlobTokens(f *testing.F) {
	for _, s := range [][2]string{{"a*b", "a*xb"}, {"?", "x"}, {"a${*}b", "a*b"}, {"**?", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		variable := hasVariableText(p, true)
		if strings.Contains(p, "${") {
			globMatch(p, true, s) // must not panic
			coversPrefix(p, true, s)
			return
		}
		if variable {
			t.Fatalf("hasVariableText(%q) found a variable", p)
		}
		if got, want := globMatch(p, true, s), Glob(p, s, false); got != want {
			t.Fatalf("globMatch(%q, %q) = %v, Glob = %v", p, s, got, want)
		}
	})
}
