package personalize

import (
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
)

func loadModel(t testing.TB) *apimodel.Model {
	t.Helper()
	m, err := apimodel.Load(apimodel.Personalize)
	if err != nil {
		t.Fatalf("the API model: %v", err)
	}
	return m
}

// TestShapesMatchModel walks every input of the official model and checks
// that the guard's plan knows every string member under the model's member
// name, with the model's length, pattern and enum: the hand-written shape
// table and the SDK's Go types agree with the model.
func TestShapesMatchModel(t *testing.T) {
	m := loadModel(t)
	g := testGuard(t, Policy{})
	var checked int
	var walk func(op, path, shapeName string, n *node, key bool)
	walk = func(op, path, shapeName string, n *node, key bool) {
		ms := *m.Shapes[shapeName]
		for n != nil && n.kind == kindPtr {
			n = n.elem
		}
		switch ms.Type {
		case "structure":
			if n == nil || n.kind != kindStruct {
				if hasStrings(m, shapeName, map[string]bool{}) {
					t.Errorf("%s %s: the plan has no structure for %s", op, path, shapeName)
				}
				return
			}
			for name, mem := range ms.Members {
				child := n.byMember[name]
				if child == nil {
					if hasStrings(m, mem.Shape, map[string]bool{}) {
						t.Errorf("%s %s.%s: member missing from the plan", op, path, name)
					}
					continue
				}
				walk(op, path+"."+name, mem.Shape, child, false)
			}
		case "list":
			if n != nil && n.kind == kindSlice {
				walk(op, path+"[]", ms.Member.Shape, n.elem, false)
			}
		case "map":
			if n == nil || n.kind != kindMap {
				t.Errorf("%s %s: the plan has no map", op, path)
				return
			}
			checkString(t, op, path+"{key}", *m.Shapes[ms.Key.Shape], ms.Key.Shape, n.keyRule, n.keyShape, n.keyEnum)
			checked++
			if m.Shapes[ms.Value.Shape].Type != "double" {
				walk(op, path+"{value}", ms.Value.Shape, n.elem, false)
			}
		case "string":
			if n == nil || n.kind != kindString {
				t.Errorf("%s %s: the plan has no string", op, path)
				return
			}
			checked++
			checkString(t, op, path, ms, shapeName, n.rule, n.shape, n.enum)
		}
	}
	for name, op := range m.Operations {
		in, ok := g.inputs[name]
		if !ok {
			t.Errorf("operation %s is not on the SDK client", name)
			continue
		}
		walk(name, "", op.Input, g.plans.get(in), false)
	}
	// models/README.md: 226 input string members (maps count their keys).
	if checked < 226 {
		t.Errorf("checked %d string members, want the model's 226 at least", checked)
	}
}

func checkString(t *testing.T, op, path string, ms apimodel.Shape, shapeName string, rule fieldRule, sh *shape, enum []string) {
	t.Helper()
	if len(ms.Enum) > 0 {
		want := slices.Sorted(slices.Values(ms.Enum))
		if rule != ruleEnum || !slices.Equal(want, enum) {
			t.Errorf("%s %s: rule %v values %v, want the enum %v", op, path, rule, enum, want)
		}
		return
	}
	if sh == nil {
		t.Errorf("%s %s: no shape, want %s", op, path, shapeName)
		return
	}
	type limits struct {
		Name     string
		Min, Max int
		Pattern  string
	}
	want := limits{Name: shapeName, Pattern: ms.Pattern}
	if ms.Min != nil {
		want.Min = int(*ms.Min)
	}
	if ms.Max != nil {
		want.Max = int(*ms.Max)
	}
	if diff := cmp.Diff(want, limits{sh.name, sh.min, sh.max, sh.pattern}); diff != "" {
		t.Errorf("%s %s: shape mismatch (-model +guard):\n%s", op, path, diff)
	}
}

// hasStrings reports whether a model shape holds strings anywhere.
func hasStrings(m *apimodel.Model, name string, seen map[string]bool) bool {
	if seen[name] {
		return false
	}
	seen[name] = true
	s := m.Shapes[name]
	switch s.Type {
	case "string":
		return true
	case "list":
		return hasStrings(m, s.Member.Shape, seen)
	case "map":
		return true
	case "structure":
		for _, mem := range s.Members {
			if hasStrings(m, mem.Shape, seen) {
				return true
			}
		}
	}
	return false
}

// modelRegexp compiles a model pattern for RE2, anchored.
func modelRegexp(t testing.TB, p string) *regexp.Regexp {
	re, err := apimodel.CompilePattern(p)
	if err != nil {
		t.Fatal(err)
	}
	return re
}

var patternedShapes = []*shape{shapeArn, shapeRoleArn, shapeKmsKeyArn, shapeName, shapeTagKey, shapeTagValue,
	shapeNextToken, shapeColumnName, shapeDatasetType, shapeSchedulingExpression}

// FuzzShapeMatchers checks each hand-written matcher against the model's
// own pattern compiled by regexp.
func FuzzShapeMatchers(f *testing.F) {
	for _, s := range []string{
		"arn:aws:personalize:us-east-1:111122223333:dataset-group/movies", "arn:aws:personalize:::x", "arn:aws:personalize:a:b:",
		"arn:aws:iam::111122223333:role/PersonalizeRole", "arn:aws:iam::111122223333:role/", "arn:aws-cn:iam::111122223333:role//a",
		"arn:aws:kms:us-east-1:111122223333:key/1234abcd", "arn:aws-us-gov:kms:x:111122223333:key/", "arn:aws:kms:x:11112222333:key/a",
		"movies-2024_11", "-movies", "team:recs", "aws:x", "rate(7 days)", "rate(1 day)", "rate(x days)", "USER_ID", "_x9",
		"Interactions", "a\nb", "arn:aws:personalize:x\n:y:z", "ünïcode", "\x80",
	} {
		f.Add(s)
	}
	res := make(map[*shape]*regexp.Regexp)
	for _, sh := range patternedShapes {
		res[sh] = modelRegexp(f, sh.pattern)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, sh := range patternedShapes {
			n := length(s)
			want := res[sh].MatchString(s) && n >= sh.min && (sh.max == 0 || n <= sh.max)
			if got := sh.fits(s); got != want {
				t.Errorf("%s.fits(%q) = %v, the model's pattern and length say %v", sh.name, s, got, want)
			}
		}
	})
}
