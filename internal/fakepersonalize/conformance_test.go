package fakepersonalize_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestConformance drives every operation of the service model through the
// real SDK client against the emulator. For every constrained position an
// input can reach (string lengths and patterns, enums, number ranges, list
// and map sizes, list elements, map keys and values, at any depth) it sends
// one value just past each limit and one at it; for every required member it
// sends the request without it, client-side validation switched off; for
// every operation that declares ResourceNotFoundException it names resources
// that do not exist. Every answer must be an error the operation declares.
//
// The expectations come from the model, not from the emulator's table: a
// value past a limit is InvalidInputException (the operation's validation
// error) naming the member as AWS does, a value at a limit is not refused
// for that member, and no message repeats a value sent.
func TestConformance(t *testing.T) {
	m, err := apimodel.Load(apimodel.Personalize)
	if err != nil {
		t.Fatal(err)
	}
	srv := personalizetest.New(t)
	scene, err := srv.SeedScene(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r := &conformance{t: t, m: m, scene: scene, skips: map[string]bool{}, client: reflect.ValueOf(personalize.NewFromConfig(srv.Config(), func(o *personalize.Options) {
		o.RetryMaxAttempts = 1
	}))}
	for _, name := range m.OperationNames() {
		before := r.requests
		r.operation(name)
		if r.requests == before {
			t.Errorf("%s: no request sent", name)
		}
	}
	t.Logf("conformance: %d operations, %d constrained positions, %d required members, %d not-found checks, %d requests, %d limits without a valid value of that length (skipped), %d mismatches",
		len(m.Operations), r.positions, r.required, r.notFound, r.requests, r.skipped, r.mismatches)
	t.Logf("limits without a valid value (the pattern forbids that length): %v", keys(r.skips))
	if len(m.Operations) != 71 {
		t.Errorf("the model has %d operations, want 71", len(m.Operations))
	}
	if r.positions < 250 {
		t.Errorf("tested %d constrained positions, want at least 250 (did the walk stop early?)", r.positions)
	}
}

type conformance struct {
	t      *testing.T
	m      *apimodel.Model
	scene  personalizetest.Scene
	client reflect.Value

	positions, required, notFound, requests, skipped, mismatches int
	skips                                                        map[string]bool // limits no valid value reaches, by shape
}

// mapValue marks a model map in a request tree (structures are
// map[string]any, lists []any).
type mapValue map[string]any

// outcome is one expectation about an answer.
type outcome struct {
	code string // "" accepts any answer that is not a validation error naming path
	path string // AWS's member path
	null bool   // a "Value null at" message
	sent string // a value that must not appear in the message
}

func (r *conformance) mismatch(op, what string, format string, args ...any) {
	r.t.Helper()
	r.mismatches++
	r.t.Errorf("%s %s: %s", op, what, fmt.Sprintf(format, args...))
}

func (r *conformance) operation(name string) {
	op := r.m.Operations[name]
	input := r.m.Shapes[op.Input]
	validationErr := "InvalidInputException"
	if !contains(op.Errors, validationErr) {
		validationErr = "InvalidNextTokenException"
	}
	r.m.Walk(op.Input, func(p apimodel.Path, s *apimodel.Shape) bool {
		if len(p) == 0 {
			return true
		}
		if last := p[len(p)-1]; last.Kind == apimodel.StepMember && last.Required {
			r.required++
			doc := r.baseline(input)
			if r.set(doc, input, p, nil) {
				r.call(name, "without "+awsPath(p), doc, true, outcome{code: validationErr, path: awsPath(p), null: true})
			}
		}
		if !s.Constrained() {
			return true
		}
		r.positions++
		for _, c := range r.cases(s) {
			doc := r.baseline(input)
			if !r.set(doc, input, p, c.value) {
				continue
			}
			want := outcome{path: awsPath(p)}
			// A refused value is never repeated; a sensitive one never at all.
			// (Identifiers of resources, such as ARNs, are named when not found.)
			if str, ok := c.value.(string); ok && len(str) >= 8 && (c.past || s.Sensitive) {
				want.sent = str
			}
			if c.past {
				want.code = validationErr
				// Too many tags has its own error where the operation declares it.
				if typ, ok := tooMany[s.Name]; ok && contains(op.Errors, typ) && strings.Contains(c.what, "above max") {
					want.code = typ
				}
			}
			r.call(name, awsPath(p)+" "+c.what, doc, false, want)
		}
		return true
	})
	if contains(op.Errors, "ResourceNotFoundException") {
		r.notFound++
		doc := r.baseline(input)
		for _, mn := range input.MemberNames {
			if input.Members[mn].Shape == "Arn" {
				doc[mn] = "arn:aws:personalize:us-east-1:111122223333:nothing/" + mn
			}
		}
		r.call(name, "naming resources that do not exist", doc, false, outcome{code: "ResourceNotFoundException"})
	}
}

var tooMany = map[string]string{"Tags": "TooManyTagsException", "TagKeys": "TooManyTagKeysException"}

// limitCase is one value to send at a position.
type limitCase struct {
	what  string
	value any
	past  bool // the value breaks the constraint
}

// cases lists the values at and just past each of s's limits.
func (r *conformance) cases(s *apimodel.Shape) []limitCase {
	var out []limitCase
	switch s.Type {
	case apimodel.TypeString:
		lo, hi := 0, 1<<20
		if s.Min != nil {
			lo = int(*s.Min)
		}
		if s.Max != nil {
			hi = int(*s.Max)
		}
		at := func(what string, n int) {
			if v, ok := r.sample(s, n); ok {
				out = append(out, limitCase{what, v, false})
			} else {
				r.skipped++
				r.skips[fmt.Sprintf("%s %s", s.Name, what)] = true
			}
		}
		past := func(what string, n int) {
			v, ok := r.sample(s, n)
			if !ok {
				v = strings.Repeat("a", n)
			}
			out = append(out, limitCase{what, v, true})
		}
		if s.Min != nil && lo > 0 {
			at(fmt.Sprintf("length %d (min)", lo), lo)
			past(fmt.Sprintf("length %d (below min)", lo-1), lo-1)
		}
		if s.Max != nil {
			at(fmt.Sprintf("length %d (max)", hi), hi)
			past(fmt.Sprintf("length %d (above max)", hi+1), hi+1)
		}
		if s.Pattern != "" {
			re := mustPattern(r.t, s.Pattern)
			n := max(lo, 1)
			for _, bad := range []string{strings.Repeat("!", n), strings.Repeat("é", n), strings.Repeat(" ", n)} {
				if !re.MatchString(bad) && n <= hi {
					out = append(out, limitCase{"breaking the pattern", bad, true})
					break
				}
			}
		}
		if len(s.Enum) > 0 {
			out = append(out, limitCase{"outside the enum", "NOT_A_MEMBER_OF_THE_ENUM", true})
			for _, e := range s.Enum {
				out = append(out, limitCase{"enum value " + e, e, false})
			}
		}
	case apimodel.TypeInteger, apimodel.TypeLong:
		if s.Min != nil {
			out = append(out, limitCase{"at min", int64(*s.Min), false}, limitCase{"below min", int64(*s.Min) - 1, true})
		}
		if s.Max != nil {
			out = append(out, limitCase{"at max", int64(*s.Max), false}, limitCase{"above max", int64(*s.Max) + 1, true})
		}
	case apimodel.TypeDouble, apimodel.TypeFloat:
		if s.Min != nil {
			out = append(out, limitCase{"at min", *s.Min, false}, limitCase{"below min", *s.Min - 0.25, true})
		}
		if s.Max != nil {
			out = append(out, limitCase{"at max", *s.Max, false}, limitCase{"above max", *s.Max + 0.25, true})
		}
	case apimodel.TypeList, apimodel.TypeMap:
		if s.Min != nil && *s.Min > 0 {
			out = append(out, limitCase{fmt.Sprintf("size %d (min)", int(*s.Min)), r.collection(s, int(*s.Min)), false},
				limitCase{fmt.Sprintf("size %d (below min)", int(*s.Min)-1), r.collection(s, int(*s.Min)-1), true})
		}
		if s.Max != nil {
			out = append(out, limitCase{fmt.Sprintf("size %d (max)", int(*s.Max)), r.collection(s, int(*s.Max)), false},
				limitCase{fmt.Sprintf("size %d (above max)", int(*s.Max)+1), r.collection(s, int(*s.Max)+1), true})
		}
	}
	return out
}

// collection returns a list or map of n valid elements (map keys distinct).
func (r *conformance) collection(s *apimodel.Shape, n int) any {
	if s.Type == apimodel.TypeList {
		list := make([]any, n)
		for i := range list {
			list[i] = r.valid(r.m.Shapes[s.Member.Shape])
		}
		return list
	}
	key := r.m.Shapes[s.Key.Shape]
	out := mapValue{}
	for i := 0; len(out) < n; i++ {
		k, ok := r.keyN(key, i)
		if !ok {
			r.t.Fatalf("map %s: no %d distinct valid keys", s.Name, n)
		}
		out[k] = r.valid(r.m.Shapes[s.Value.Shape])
	}
	return out
}

// keyN returns the i-th distinct valid map key.
func (r *conformance) keyN(key *apimodel.Shape, i int) (string, bool) {
	if len(key.Enum) > 0 {
		if i < len(key.Enum) {
			return key.Enum[i], true
		}
		return "", false
	}
	return r.sample(key, i+1)
}

// templates build strings of any length that match the model's patterns:
// prefix + fill... + suffix. A new pattern no template matches fails the
// test, so the table grows with the model.
var templates = []struct{ prefix, fill, suffix string }{
	{"", "a", ""},
	{"arn:aws:personalize:us-east-1:111122223333:x/", "a", ""},
	{"arn:aws:kms:us-east-1:111122223333:key/", "a", ""},
	{"arn:aws:iam::111122223333:role/", "a", ""},
	{"s3://", "a", ""},
	{"rate(", "1", " days)"},
}

var patterns = map[string]*regexp.Regexp{}

func mustPattern(t *testing.T, p string) *regexp.Regexp {
	if re, ok := patterns[p]; ok {
		return re
	}
	re, err := apimodel.CompilePattern(p)
	if err != nil {
		t.Fatal(err)
	}
	patterns[p] = re
	return re
}

// sample returns a string of n characters that satisfies s's pattern.
func (r *conformance) sample(s *apimodel.Shape, n int) (string, bool) {
	if n < 0 {
		return "", false
	}
	if s.Pattern == "" {
		return strings.Repeat("a", n), true
	}
	re := mustPattern(r.t, s.Pattern)
	for _, tp := range templates {
		k := n - len(tp.prefix) - len(tp.suffix)
		if k < 0 {
			continue
		}
		if v := tp.prefix + strings.Repeat(tp.fill, k) + tp.suffix; re.MatchString(v) {
			return v, true
		}
	}
	return "", false
}

// valid returns a small valid value of s: required members only, one
// element per required list.
func (r *conformance) valid(s *apimodel.Shape) any {
	switch s.Type {
	case apimodel.TypeStructure:
		return r.baseline(s)
	case apimodel.TypeList:
		return r.collection(s, max(1, minOf(s)))
	case apimodel.TypeMap:
		return r.collection(s, minOf(s))
	case apimodel.TypeString:
		switch s.Name { // resources the scene has, so semantic checks pass
		case "S3Location":
			return "s3://" + r.scene.Bucket + "/conformance"
		case "RoleArn":
			return r.scene.RoleARN
		case "KmsKeyArn":
			return r.scene.KeyARN
		}
		if len(s.Enum) > 0 {
			return s.Enum[0]
		}
		hi := 1 << 10
		if s.Max != nil {
			hi = int(*s.Max)
		}
		for n := max(1, minOf(s)); n <= hi; n++ {
			if v, ok := r.sample(s, n); ok {
				return v
			}
		}
		r.t.Fatalf("shape %s: no template matches pattern %q; add one to templates", s.Name, s.Pattern)
	case apimodel.TypeInteger, apimodel.TypeLong:
		return int64(within(s, 1))
	case apimodel.TypeDouble, apimodel.TypeFloat:
		return within(s, 0.5)
	case apimodel.TypeBoolean:
		return true
	}
	r.t.Fatalf("shape %s: type %s has no sample value", s.Name, s.Type)
	return nil
}

func minOf(s *apimodel.Shape) int {
	if s.Min != nil {
		return int(*s.Min)
	}
	return 0
}

// within returns v moved into s's range.
func within(s *apimodel.Shape, v float64) float64 {
	if s.Min != nil && v < *s.Min {
		v = *s.Min
	}
	if s.Max != nil && v > *s.Max {
		v = *s.Max
	}
	return v
}

// semantic are values for members whose model shape admits values the
// service refuses for reasons the model cannot express (a dataset type is
// a pattern in the model, a filter expression free text).
var semantic = map[string]string{
	"datasetType":      "Interactions",
	"filterExpression": `INCLUDE ItemID WHERE Items.GENRE IN ("x")`,
}

// baseline returns a valid structure: its required members, and any S3
// location it has (optional in the model, needed by the service).
func (r *conformance) baseline(s *apimodel.Shape) map[string]any {
	doc := map[string]any{}
	for _, mn := range s.MemberNames {
		shape := r.m.Shapes[s.Members[mn].Shape]
		switch v, ok := semantic[mn]; {
		case !s.IsRequired(mn) && shape.Name != "S3Location":
		case ok:
			doc[mn] = v
		default:
			doc[mn] = r.valid(shape)
		}
	}
	return doc
}

// set puts v at path p below doc (deleting the member when v is nil),
// creating valid parents on the way. It reports false when the path cannot
// be reached with one value changed.
func (r *conformance) set(doc map[string]any, root *apimodel.Shape, p apimodel.Path, v any) bool {
	var node any = doc
	s := root
	for i, st := range p {
		last := i == len(p)-1
		switch st.Kind {
		case apimodel.StepMember:
			obj := node.(map[string]any)
			child := r.m.Shapes[s.Members[st.Name].Shape]
			if last {
				if v == nil {
					delete(obj, st.Name)
				} else {
					obj[st.Name] = v
				}
				return true
			}
			if _, ok := obj[st.Name]; !ok {
				obj[st.Name] = r.valid(child)
			}
			node, s = obj[st.Name], child
		case apimodel.StepElement:
			list := node.([]any)
			child := r.m.Shapes[s.Member.Shape]
			if last {
				list[0] = v
				return true
			}
			node, s = list[0], child
		case apimodel.StepKey, apimodel.StepValue:
			obj := node.(mapValue)
			for k := range obj {
				delete(obj, k)
			}
			key, value := r.m.Shapes[s.Key.Shape], r.m.Shapes[s.Value.Shape]
			k, _ := r.keyN(key, 0)
			if st.Kind == apimodel.StepKey {
				if !last {
					return false
				}
				ks, ok := v.(string)
				if !ok {
					return false
				}
				obj[ks] = r.valid(value)
				return true
			}
			if last {
				obj[k] = v
				return true
			}
			obj[k] = r.valid(value)
			node, s = obj[k], value
		}
	}
	return false
}

// awsPath renders p as AWS names members in validation messages: list
// elements as ".1.member", map keys and values as the map itself.
func awsPath(p apimodel.Path) string {
	var parts []string
	for _, st := range p {
		switch st.Kind {
		case apimodel.StepMember:
			parts = append(parts, st.Name)
		case apimodel.StepElement:
			parts = append(parts, "1", "member")
		}
	}
	return strings.Join(parts, ".")
}

// call sends doc through the SDK's operation method and checks the answer.
func (r *conformance) call(op, what string, doc map[string]any, noClientValidation bool, want outcome) {
	r.t.Helper()
	method := r.client.MethodByName(op)
	in := reflect.New(method.Type().In(1).Elem())
	if err := fill(in.Elem(), doc); err != nil {
		r.t.Fatalf("%s %s: building the SDK input: %v", op, what, err)
	}
	optFns := []reflect.Value{}
	if noClientValidation {
		optFns = append(optFns, reflect.ValueOf(func(o *personalize.Options) {
			o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
				_, err := s.Initialize.Remove("OperationInputValidation")
				return err
			})
		}))
	}
	r.requests++
	res := method.Call(append([]reflect.Value{reflect.ValueOf(context.Background()), in}, optFns...))
	err, _ := res[1].Interface().(error)
	var apiErr smithy.APIError
	if err != nil && !errors.As(err, &apiErr) {
		r.mismatch(op, what, "error %v is not an API error", err)
		return
	}
	if apiErr != nil && !contains(r.m.Operations[op].Errors, apiErr.ErrorCode()) {
		r.mismatch(op, what, "answered %s, which the operation does not declare", apiErr.ErrorCode())
		return
	}
	if apiErr != nil && want.sent != "" && strings.Contains(apiErr.ErrorMessage(), want.sent) {
		r.mismatch(op, what, "the message repeats the value sent")
	}
	naming := "Value at '" + want.path + "' failed to satisfy constraint"
	if want.null {
		naming = "Value null at '" + want.path + "' failed to satisfy constraint"
	}
	switch {
	case want.code == "":
		if apiErr != nil && want.path != "" && strings.Contains(apiErr.ErrorMessage(), naming) {
			r.mismatch(op, what, "refused a value at the limit: %s", apiErr.ErrorMessage())
		}
	case apiErr == nil:
		r.mismatch(op, what, "succeeded, want %s", want.code)
	case apiErr.ErrorCode() != want.code:
		r.mismatch(op, what, "answered %s (%s), want %s", apiErr.ErrorCode(), apiErr.ErrorMessage(), want.code)
	case want.path != "" && !strings.Contains(apiErr.ErrorMessage(), naming):
		r.mismatch(op, what, "message %q does not name %q", apiErr.ErrorMessage(), want.path)
	}
}

// fill sets an SDK input value from a request tree. SDK field names are the
// model's member names with the first letter upper-cased.
func fill(dst reflect.Value, v any) error {
	switch dst.Kind() {
	case reflect.Pointer:
		p := reflect.New(dst.Type().Elem())
		if err := fill(p.Elem(), v); err != nil {
			return err
		}
		dst.Set(p)
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s needs a structure, have %T", dst.Type(), v)
		}
		names := make([]string, 0, len(obj))
		for k := range obj {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			rs := []rune(k)
			rs[0] = unicode.ToUpper(rs[0])
			f := dst.FieldByName(string(rs))
			if !f.IsValid() {
				return fmt.Errorf("%s has no field for member %s", dst.Type(), k)
			}
			if err := fill(f, obj[k]); err != nil {
				return fmt.Errorf("%s.%s: %w", dst.Type(), k, err)
			}
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s needs a list, have %T", dst.Type(), v)
		}
		sl := reflect.MakeSlice(dst.Type(), len(list), len(list))
		for i, e := range list {
			if err := fill(sl.Index(i), e); err != nil {
				return err
			}
		}
		dst.Set(sl)
	case reflect.Map:
		obj, ok := v.(mapValue)
		if !ok {
			return fmt.Errorf("%s needs a map, have %T", dst.Type(), v)
		}
		mp := reflect.MakeMapWithSize(dst.Type(), len(obj))
		for k, e := range obj {
			ev := reflect.New(dst.Type().Elem()).Elem()
			if err := fill(ev, e); err != nil {
				return err
			}
			mp.SetMapIndex(reflect.ValueOf(k).Convert(dst.Type().Key()), ev)
		}
		dst.Set(mp)
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s needs a string, have %T", dst.Type(), v)
		}
		dst.SetString(s)
	case reflect.Int32, reflect.Int64:
		n, ok := v.(int64)
		if !ok {
			return fmt.Errorf("%s needs an integer, have %T", dst.Type(), v)
		}
		dst.SetInt(n)
	case reflect.Float64, reflect.Float32:
		f, ok := v.(float64)
		if !ok {
			return fmt.Errorf("%s needs a number, have %T", dst.Type(), v)
		}
		dst.SetFloat(f)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%s needs a boolean, have %T", dst.Type(), v)
		}
		dst.SetBool(b)
	default:
		return fmt.Errorf("cannot fill %s", dst.Type())
	}
	return nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
