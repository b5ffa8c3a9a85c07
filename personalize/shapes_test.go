package personalize

import (
	"reflect"
	"regexp"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
)

// TestTableMatchesSDK binds the generated table to the pinned SDK's types:
// it describes every operation of the client and every exported field of
// every input structure (so nothing is refused as unknown in normal use),
// and its enums are the SDK's.
func TestTableMatchesSDK(t *testing.T) {
	table := boundTable(t)
	var fields int
	var visit func(op, path string, n *node, ty reflect.Type)
	visit = func(op, path string, n *node, ty reflect.Type) {
		for ty.Kind() == reflect.Pointer {
			ty = ty.Elem()
		}
		switch n.kind {
		case kindStruct:
			for _, i := range n.unknown {
				t.Errorf("%s %s.%s: the SDK has a field the table does not describe", op, path, ty.Field(i).Name)
			}
			for _, f := range n.fields {
				fields++
				visit(op, path+"."+f.name, f, ty.Field(f.index).Type)
			}
		case kindSlice:
			visit(op, path+"[]", n.elem, ty.Elem())
		case kindMap:
			if n.elem != nil {
				visit(op, path+"{}", n.elem, ty.Elem())
			}
		case kindString:
			if ty.PkgPath() == "" {
				return
			}
			m, _ := ty.MethodByName("Values")
			vs := m.Func.Call([]reflect.Value{reflect.Zero(ty)})[0]
			var want []string
			for i := range vs.Len() {
				want = append(want, vs.Index(i).String())
			}
			slices.Sort(want)
			if diff := cmp.Diff(want, n.enum); diff != "" {
				t.Errorf("%s %s: enum values (-SDK +table):\n%s", op, path, diff)
			}
		}
	}
	for _, op := range operations(t) {
		bop, ok := table[op.name]
		if !ok {
			t.Errorf("the table does not describe %s", op.name)
			continue
		}
		visit(op.name, "", bop.input, op.in)
	}
	if fields < 300 {
		t.Errorf("bound %d members, want every member of every input", fields)
	}
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
			n := utf8.RuneCountInString(s) // the model counts characters
			want := res[sh].MatchString(s) && n >= sh.min && (sh.max == 0 || n <= sh.max)
			if got := sh.fits(s); got != want {
				t.Errorf("%s.fits(%q) = %v, the model's pattern and length say %v", sh.name, s, got, want)
			}
		}
	})
}
