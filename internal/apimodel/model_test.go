package apimodel_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
)

func load(t testing.TB, name string) *apimodel.Model {
	t.Helper()
	m, err := apimodel.Load(name)
	if err != nil {
		t.Fatalf("Load(%s) = %v", name, err)
	}
	return m
}

// TestCounts pins the facts models/README.md states, so a model update that
// changes them is noticed.
func TestCounts(t *testing.T) {
	tests := []struct {
		model              string
		operations         int
		inputStringMembers int
		protocol           string
	}{
		{apimodel.Personalize, 71, 226, "json"},
		{apimodel.PersonalizeEvents, 5, -1, "rest-json"},
		{apimodel.PersonalizeRuntime, 3, -1, "rest-json"},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			m := load(t, tt.model)
			if got := len(m.Operations); got != tt.operations {
				t.Errorf("operations = %d, want %d", got, tt.operations)
			}
			if m.Metadata.Protocol != tt.protocol {
				t.Errorf("protocol = %q, want %q", m.Metadata.Protocol, tt.protocol)
			}
			if tt.inputStringMembers < 0 {
				return
			}
			strs := 0
			for _, name := range m.OperationNames() {
				m.Walk(m.Operations[name].Input, func(p apimodel.Path, s *apimodel.Shape) bool {
					if s.Type == apimodel.TypeString {
						strs++
					}
					return true
				})
			}
			if strs != tt.inputStringMembers {
				t.Errorf("string members reachable from inputs = %d, want %d", strs, tt.inputStringMembers)
			}
		})
	}
}

func TestControlPlaneShapes(t *testing.T) {
	m := load(t, apimodel.Personalize)
	if got := m.Metadata.TargetPrefix; got != "AmazonPersonalize" {
		t.Errorf("target prefix = %q", got)
	}
	op := m.Operations["UntagResource"]
	want := &apimodel.Operation{Name: "UntagResource", Input: "UntagResourceRequest", Output: "UntagResourceResponse",
		Errors:     []string{"InvalidInputException", "ResourceNotFoundException", "TooManyTagKeysException", "ResourceInUseException"},
		HTTPMethod: "POST", RequestURI: "/"}
	if diff := cmp.Diff(want, op); diff != "" {
		t.Errorf("UntagResource mismatch (-want +got):\n%s", diff)
	}
	name := m.Shapes["Name"]
	if name.Type != apimodel.TypeString || *name.Min != 1 || *name.Max != 63 || name.Pattern == "" {
		t.Errorf("Name shape = %+v", name)
	}
	if !m.Shapes["TagKey"].Sensitive || m.Shapes["Name"].Sensitive {
		t.Errorf("sensitivity of TagKey/Name wrong")
	}
	if got := m.Shapes["CreateSolutionRequest"].Required; !cmp.Equal(got, []string{"name", "datasetGroupArn"}) {
		t.Errorf("CreateSolutionRequest required = %v", got)
	}
	if got := m.Shapes["Domain"].Enum; !cmp.Equal(got, []string{"ECOMMERCE", "VIDEO_ON_DEMAND"}) {
		t.Errorf("Domain enum = %v", got)
	}
	if s := m.Shapes["HyperParameters"]; s.Key.Shape != "ParameterName" || s.Value.Shape != "ParameterValue" {
		t.Errorf("HyperParameters key/value = %v/%v", s.Key, s.Value)
	}
	if s := m.Shapes["TagKeys"]; s.Member.Shape != "TagKey" || *s.Max != 200 {
		t.Errorf("TagKeys = %+v", s)
	}
	if !m.Shapes["InvalidInputException"].Exception {
		t.Errorf("InvalidInputException is not marked as an exception")
	}
}

func TestWalkPaths(t *testing.T) {
	m := load(t, apimodel.Personalize)
	var got []string
	m.Walk("UntagResourceRequest", func(p apimodel.Path, s *apimodel.Shape) bool {
		got = append(got, p.String()+" "+s.Name)
		return true
	})
	want := []string{" UntagResourceRequest", "resourceArn Arn", "tagKeys TagKeys", "tagKeys[] TagKey"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Walk(UntagResourceRequest) mismatch (-want +got):\n%s", diff)
	}
	found := false
	m.Walk("CreateSolutionRequest", func(p apimodel.Path, s *apimodel.Shape) bool {
		if p.String() == "solutionConfig.algorithmHyperParameters{value}" {
			found = s.Name == "ParameterValue"
		}
		return true
	})
	if !found {
		t.Errorf("Walk(CreateSolutionRequest) did not reach solutionConfig.algorithmHyperParameters{value}")
	}
}

// TestEveryPatternCompiles compiles every pattern of the three models as
// anchored RE2.
func TestEveryPatternCompiles(t *testing.T) {
	n := 0
	for _, name := range []string{apimodel.Personalize, apimodel.PersonalizeEvents, apimodel.PersonalizeRuntime} {
		m := load(t, name)
		for _, sn := range m.ShapeNames() {
			s := m.Shapes[sn]
			if s.Pattern == "" {
				continue
			}
			n++
			if _, err := apimodel.CompilePattern(s.Pattern); err != nil {
				t.Errorf("%s: shape %s: %v", name, sn, err)
			}
		}
	}
	if n < 14 {
		t.Errorf("compiled %d patterns, want at least 14", n)
	}
}

func TestAnchoredPattern(t *testing.T) {
	tests := []struct {
		reason, pattern string
		match, reject   []string
	}{
		{"a leading ^ without $ still binds the end", `^[a-zA-Z0-9][a-zA-Z0-9\-_]*`, []string{"a", "a-b_c"}, []string{"", "a!", "-a"}},
		{"a bare search pattern binds both ends", `arn:([a-z\d-]+):personalize:.*:.*:.+`,
			[]string{"arn:aws:personalize:us-east-1:111122223333:x"}, []string{"xarn:aws:personalize:::x", "arn:aws:kms:::x"}},
		{"alternation is grouped before anchoring", `(s3|http|https)://.+`, []string{"s3://b/k"}, []string{"ftp://s3://b"}},
		{`\p{ASCII} outside a class`, `\p{ASCII}{0,3}`, []string{"", "abc", "\x00\x7f"}, []string{"abcd", "é"}},
		{`\p{ASCII} inside a class`, `[\p{ASCII}é]+`, []string{"aé"}, []string{"ü"}},
		{"a literal ] opening a class", `[]a]+`, []string{"]a"}, []string{"b"}},
		{"an escaped ] inside a class", `[\]a]+`, []string{"]a"}, []string{"b"}},
		{"repeats beyond RE2's 1000 are split", `\p{ASCII}{0,1500}`, []string{strings.Repeat("a", 1500)}, []string{strings.Repeat("a", 1501)}},
		{"a group repeated beyond 1000", `(ab){1001}x`, []string{strings.Repeat("ab", 1001) + "x"}, []string{strings.Repeat("ab", 1000) + "x"}},
		{"an open-ended repeat beyond 1000", `a{1200,}`, []string{strings.Repeat("a", 1300)}, []string{strings.Repeat("a", 1199)}},
		{"Unicode classes RE2 knows pass through", `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`, []string{"Ünïcode 1", ""}, []string{"a!b"}},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			re, err := apimodel.CompilePattern(tt.pattern)
			if err != nil {
				t.Fatalf("CompilePattern(%q) = %v", tt.pattern, err)
			}
			for _, s := range tt.match {
				if !re.MatchString(s) {
					t.Errorf("CompilePattern(%q) rejects %q, want a match", tt.pattern, s)
				}
			}
			for _, s := range tt.reject {
				if re.MatchString(s) {
					t.Errorf("CompilePattern(%q) matches %q, want a rejection", tt.pattern, s)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ reason, doc, want string }{
		{"not JSON", `{`, "parse model"},
		{"unknown input shape", `{"operations":{"Op":{"input":{"shape":"Nope"}}},"shapes":{}}`, `unknown shape "Nope"`},
		{"unknown member shape", `{"shapes":{"S":{"type":"structure","members":{"a":{"shape":"Nope"}}}}}`, `unknown shape "Nope"`},
		{"required member missing", `{"shapes":{"S":{"type":"structure","members":{},"required":["a"]}}}`, `unknown member "a"`},
		{"list without element", `{"shapes":{"L":{"type":"list"}}}`, "lacks its element"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			_, err := apimodel.Parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%s) = %v, want an error containing %q", tt.doc, err, tt.want)
			}
		})
	}
	if _, err := apimodel.Load("nope.json"); err == nil {
		t.Errorf("Load(nope.json) succeeded")
	}
}

// FuzzAnchoredPattern checks that anchoring never breaks a pattern RE2
// accepts and that the result never matches more than a full match.
func FuzzAnchoredPattern(f *testing.F) {
	for _, seed := range []string{`^[a-z]*`, `\p{ASCII}{0,1500}`, `[]a]`, `a|b`, `[\]]`, `(x)`, `\\p{ASCII}`} {
		f.Add(seed, "ab")
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		plain, err := regexp.Compile(pattern)
		anchored := apimodel.AnchoredPattern(pattern)
		if err != nil || strings.Contains(pattern, `{ASCII}`) {
			return
		}
		re, err := regexp.Compile(anchored)
		if err != nil {
			t.Fatalf("AnchoredPattern(%q) = %q does not compile: %v", pattern, anchored, err)
		}
		if re.MatchString(s) {
			if loc := plain.FindStringIndex(s); loc == nil {
				t.Errorf("anchored %q matches %q but the pattern finds nothing", anchored, s)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"operations":{},"shapes":{}}`))
	f.Add([]byte(`{"shapes":{"S":{"type":"map","key":{"shape":"S"},"value":{"shape":"S"}}}}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := apimodel.Parse(doc)
		if err != nil {
			return
		}
		for _, name := range m.ShapeNames() {
			m.Walk(name, func(apimodel.Path, *apimodel.Shape) bool { return true })
		}
	})
}

// TestModelsMatchShared: the copies in models/ are the steering repository's
// shared/models, byte for byte, when that folder sits beside the checkout
// (as it does for developers and CI).
func TestModelsMatchShared(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared", "models")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no shared/models beside the checkout: %v", err)
	}
	for _, name := range []string{apimodel.Personalize, "personalize-events-2018-03-22.json", "personalize-runtime-2018-05-22.json"} {
		want, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("models", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, got) {
			t.Errorf("models/%s differs from shared/models/%s: copy it again", name, name)
		}
	}
}
