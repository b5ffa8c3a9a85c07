package jsontext

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

func TestNamed(t *testing.T) {
	secret := "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	tests := []struct {
		name, value string
		rules       bool
		want        string
		ok          bool
		reason      string
	}{
		{"acct", "912803456", false, "acct = 912803456", true, "nine digits: an account number after its keyword"},
		{"ssn", "123456789", false, "ssn = 123456789", true, "an SSN"},
		{"acct", "123456", false, "acct = 123456", true, "six digits: the shortest account number"},
		{"acct", "12345", false, "", false, "five digits are no account number, card, SSN or phone"},
		{"qty", "12.34-5", false, "", false, "five digits among other bytes"},
		{"SSN", "１２３４５６７８９", false, "SSN = １２３４５６７８９", true, "full-width digits, which the detector reads as digits"},
		{"aws_secret_access_key", secret, false, "aws_secret_access_key = " + secret, true, "forty bytes: a secret key, which may hold no digit"},
		{"", "912803456", false, "", false, "no name: the value alone was scanned"},
		{"genres", "comedy", false, "", false, "no digits: nothing a keyword makes identifying"},
		{"orderId", "912803456", false, "", false, "no keyword: the digits are what they are alone"},
		{"timestamp", "1732800000", false, "", false, "no keyword"},
		{"account", "No. 912803456", false, "account = No. 912803456", true, "a value that goes on where the keyword leaves off (review11)"},
		{"employee_id", "40417", true, "employee_id = 40417", true, "a detector with caller rules may match any value (review11)"},
		{"employee_id", "", true, "", false, "an empty value adds nothing to its name"},
	}
	plain, rules := sensitive.Default(), withRules(t)
	for _, tt := range tests {
		k := plain
		if tt.rules {
			k = rules
		}
		got, ok := Named(k, tt.name, tt.value)
		if diff := cmp.Diff(struct {
			Text string
			OK   bool
		}{tt.want, tt.ok}, struct {
			Text string
			OK   bool
		}{got, ok}); diff != "" {
			t.Errorf("Named(%q, %q) mismatch (-want +got): %s\n%s", tt.name, tt.value, tt.reason, diff)
		}
	}
}

// withRules is a detector with a caller rule.
func withRules(t testing.TB) *sensitive.Detector {
	d, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "employee-id", Pattern: regexp.MustCompile(`employee_id = \d{5}`)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// FuzzNamed: Named joins without changing either part, and skips only
// values with fewer than six digit bytes and under forty bytes, or under
// names the detector takes for no keyword; with caller rules only empty
// ones.
func FuzzNamed(f *testing.F) {
	f.Add("acct", "912803456")
	f.Add("", "x")
	f.Add("SSN", "１２３")
	d, rules := sensitive.Default(), withRules(f)
	f.Fuzz(func(t *testing.T, name, value string) {
		if got, ok := Named(rules, name, value); ok != (name != "" && value != "") || ok && got != name+NameSep+value {
			t.Fatalf("Named(rules, %q, %q) = %q, %v", name, value, got, ok)
		}
		got, ok := Named(d, name, value)
		if !ok {
			if got != "" {
				t.Fatalf("Named(%q, %q) = %q, false; want no text", name, value, got)
			}
			digits := 0
			for i := 0; i < len(value); i++ {
				if c := value[i]; c >= '0' && c <= '9' || c >= 0x80 {
					digits++
				}
			}
			if name != "" && (len(value) >= 40 || digits >= 6) && d.IsKeyword(name) {
				t.Fatalf("Named(%q, %q) skipped a value with %d digit bytes, %d bytes", name, value, digits, len(value))
			}
			return
		}
		if !strings.HasPrefix(got, name+NameSep) || !strings.HasSuffix(got, value) || len(got) != len(name)+len(NameSep)+len(value) {
			t.Fatalf("Named(%q, %q) = %q", name, value, got)
		}
	})
}

// withAncestors writes name and the ancestors a value is read after
// besides it, nearest first: "name<parent<grandparent".
func withAncestors(name string, ancestors []string) string {
	_ = eachAncestor(name, ancestors, func(a string) error { name += "<" + a; return nil })
	return name
}

func TestEachNamedText(t *testing.T) {
	tests := []struct {
		value  string
		want   []string // "name|text"
		reason string
	}{
		{`"912803456"`, []string{"acct|912803456"}, "the value itself, under the name given"},
		{`{"acct":"912803456","plan":"gold"}`, []string{"<acct|acct", "acct|912803456", "<acct|plan", "plan<acct|gold"}, "inside an object, each value under its member's name, and the name the object stands under when it differs"},
		{`["a",{"ssn":123456789},"b"]`, []string{"acct|a", "<acct|ssn", "ssn<acct|123456789", "acct|b"}, "after an object, the array's name again (review11: not the object's last member name)"},
		{`{"value":"123456789"}`, []string{"<acct|value", "value<acct|123456789"}, "a member's value with the name its object stands under (review11)"},
		{`42`, []string{"acct|42"}, "a short number has no other form"},
		{`9.12803456e8`, []string{"acct|9.12803456e8", "acct|912803456"}, "a number and its forms"},
		{`true`, nil, "a literal has no text"},
	}
	for _, tt := range tests {
		var sc jsonscan.Scanner
		sc.Reset(tt.value)
		k, err := sc.Next()
		if err != nil {
			t.Fatalf("%s: %v", tt.value, err)
		}
		var got []string
		if err := EachNamedText(&sc, k, "acct", func(name string, ancestors []string, s string) error {
			got = append(got, withAncestors(name, ancestors)+"|"+s)
			return nil
		}); err != nil {
			t.Errorf("EachNamedText(%s) = %v", tt.value, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("EachNamedText(%s) mismatch (-want +got): %s\n%s", tt.value, tt.reason, diff)
		}
	}
}

// FuzzEachNamedText: EachNamedText gives the texts EachText gives, in the
// same order, each name one of the document's member names (or the one
// given), and leaves the scanner where EachText does.
func FuzzEachNamedText(f *testing.F) {
	f.Add(`{"acct":"912803456","a":[1,{"b":2e8}]}`)
	f.Add(`["x",{"\u0061":"y"}]`)
	f.Add(`{"a":`)
	f.Fuzz(func(t *testing.T, doc string) {
		var a, b jsonscan.Scanner
		a.Reset(doc)
		b.Reset(doc)
		ka, errA := a.Next()
		kb, errB := b.Next()
		if errA != nil || errB != nil || ka != kb {
			return
		}
		var plain, named []string
		errPlain := EachText(&a, ka, func(s string) error { plain = append(plain, s); return nil })
		keys := map[string]bool{"given": true}
		errNamed := EachNamedText(&b, kb, "given", func(name string, ancestors []string, s string) error {
			for _, a := range ancestors {
				if a != "" && !keys[a] {
					t.Fatalf("EachNamedText(%q) gave the ancestor %q, no member name read before", doc, a)
				}
			}
			if name == "" {
				keys[s] = true // a member name, or a value under the member name ""
			} else if !keys[name] {
				t.Fatalf("EachNamedText(%q) gave the name %q, ancestors %q, not member names read before", doc, name, ancestors)
			}
			named = append(named, s)
			return nil
		})
		if (errPlain == nil) != (errNamed == nil) {
			t.Fatalf("EachText(%q) = %v, EachNamedText = %v", doc, errPlain, errNamed)
		}
		if diff := cmp.Diff(plain, named); diff != "" {
			t.Fatalf("EachNamedText(%q) texts mismatch (-EachText +EachNamedText):\n%s", doc, diff)
		}
		if a.Offset() != b.Offset() || a.Depth() != b.Depth() {
			t.Fatalf("EachNamedText(%q) left the scanner elsewhere", doc)
		}
	})
}
