package fakepersonalize

//go:generate go run ./gen -o rules_gen.go
//go:generate go run ./gen -model personalize-events-2018-03-22.json -prefix events -o events_rules_gen.go
//go:generate go run ./gen -model personalize-runtime-2018-05-22.json -prefix runtime -o runtime_rules_gen.go

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The validation rules live in rules_gen.go (control plane),
// events_rules_gen.go and runtime_rules_gen.go (data plane), generated from
// the service models by ./gen: one shape per model shape an input can reach
// and, per operation, its input shape and declared errors. This file reads
// them.

type shapeKind uint8

const (
	kindStructure shapeKind = iota + 1
	kindList
	kindMap
	kindString
	kindInteger // integer and long
	kindDouble  // float and double
	kindBoolean
	kindTimestamp
	kindBlob
)

// shape is one model shape. min and max bound a string's length (in
// characters), a list's or map's size, or a number's value.
type shape struct {
	name           string
	kind           shapeKind
	min, max       float64
	hasMin, hasMax bool
	pattern        string         // as the model writes it, for messages
	re             *regexp.Regexp // the pattern anchored, see apimodel.AnchoredPattern
	enum           []string
	members        []member // structures, sorted by name
	elem           *shape   // lists
	key, value     *shape   // maps
}

type member struct {
	name     string
	shape    *shape
	required bool
}

// operation is what the model says about one operation.
type operation struct {
	input  *shape
	errors []string // declared exception shapes, in model order
	// method and path route the REST-JSON data-plane operations; both are
	// "" for the control plane, which routes by X-Amz-Target.
	method, path string
}

// declares reports whether op may answer an error of type typ.
func (op operation) declares(typ string) bool {
	for _, e := range op.errors {
		if e == typ {
			return true
		}
	}
	return false
}

// validationError is the type of error op answers for input that breaks
// the model's constraints: InvalidInputException, which 69 of the 71
// operations declare. ListDatasetGroups and ListSchemas declare only
// InvalidNextTokenException, and their only constrained members are the
// pagination ones, so they answer that: an error the SDK can type.
func (op operation) validationError() string {
	for _, typ := range []string{"InvalidInputException", "InvalidNextTokenException"} {
		if op.declares(typ) {
			return typ
		}
	}
	return "InvalidInputException"
}

// tooManyErrors are the dedicated errors for a tag list over its size limit,
// answered instead of InvalidInputException where the operation declares them.
var tooManyErrors = map[string]string{"Tags": "TooManyTagsException", "TagKeys": "TooManyTagKeysException"}

// violation is one broken constraint: where, and which constraint. It never
// holds the value.
type violation struct {
	path, constraint string
	null             bool   // a required member is absent
	shape            string // the shape whose constraint broke
}

func (v violation) String() string {
	if v.null {
		return "Value null at '" + v.path + "' failed to satisfy constraint: " + v.constraint
	}
	return "Value at '" + v.path + "' failed to satisfy constraint: " + v.constraint
}

// typeError is a member whose JSON type does not match its shape.
type typeError struct{ path string }

// validateInput checks a request body against op's input shape and answers
// as AWS does: all violations in one message, member paths as AWS writes
// them ("tags.1.member.tagKey"), never the values.
func validateInput(op operation, body []byte) *apiError {
	var doc any = map[string]any{}
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil {
			return serializationError("")
		}
	}
	var vs []violation
	if te := op.input.check("", doc, &vs); te != nil {
		return serializationError(te.path)
	}
	if len(vs) == 0 {
		return nil
	}
	for _, v := range vs {
		if typ, ok := tooManyErrors[v.shape]; ok && op.declares(typ) && strings.Contains(v.constraint, "less than or equal") {
			return &apiError{typ, "1 validation error detected: " + v.String()}
		}
	}
	msgs := make([]string, len(vs))
	for i, v := range vs {
		msgs[i] = v.String()
	}
	plural := "s"
	if len(vs) == 1 {
		plural = ""
	}
	return &apiError{op.validationError(), fmt.Sprintf("%d validation error%s detected: %s", len(vs), plural, strings.Join(msgs, "; "))}
}

func serializationError(path string) *apiError {
	if path == "" {
		return &apiError{"SerializationException", "The request body could not be parsed as this operation's input."}
	}
	return &apiError{"SerializationException", "The value at '" + path + "' has the wrong JSON type for this operation's input."}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// check validates v (decoded with UseNumber) against s at path, appending
// violations; a JSON type mismatch stops the walk.
func (s *shape) check(path string, v any, vs *[]violation) *typeError {
	bad := func(constraint string) {
		*vs = append(*vs, violation{path: path, constraint: constraint, shape: s.name})
	}
	switch s.kind {
	case kindStructure:
		obj, ok := v.(map[string]any)
		if !ok {
			return &typeError{path}
		}
		for _, m := range s.members {
			mv, present := obj[m.name]
			if !present || mv == nil {
				if m.required {
					*vs = append(*vs, violation{path: join(path, m.name), constraint: "Member must not be null", null: true, shape: m.shape.name})
				}
				continue
			}
			if te := m.shape.check(join(path, m.name), mv, vs); te != nil {
				return te
			}
		}
	case kindList:
		list, ok := v.([]any)
		if !ok {
			return &typeError{path}
		}
		s.checkLength(len(list), bad)
		for i, e := range list {
			p := path + "." + strconv.Itoa(i+1) + ".member"
			if e == nil {
				*vs = append(*vs, violation{path: p, constraint: "Member must not be null", null: true, shape: s.elem.name})
				continue
			}
			if te := s.elem.check(p, e, vs); te != nil {
				return te
			}
		}
	case kindMap:
		obj, ok := v.(map[string]any)
		if !ok {
			return &typeError{path}
		}
		s.checkLength(len(obj), bad)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var inner []violation
			if te := s.key.check(path, k, &inner); te != nil {
				return te
			}
			for _, iv := range inner {
				iv.constraint = "Map keys must satisfy constraint: [" + iv.constraint + "]"
				*vs = append(*vs, iv)
			}
			inner = inner[:0]
			if obj[k] == nil {
				inner = append(inner, violation{path: path, constraint: "Member must not be null", shape: s.value.name})
			} else if te := s.value.check(path, obj[k], &inner); te != nil {
				return te
			}
			for _, iv := range inner {
				iv.constraint = "Map value must satisfy constraint: [" + iv.constraint + "]"
				*vs = append(*vs, iv)
			}
		}
	case kindString:
		str, ok := v.(string)
		if !ok {
			return &typeError{path}
		}
		s.checkLength(utf8.RuneCountInString(str), bad)
		if s.re != nil && !s.re.MatchString(str) {
			bad("Member must satisfy regular expression pattern: " + s.pattern)
		}
		if len(s.enum) > 0 && !s.inEnum(str) {
			bad("Member must satisfy enum value set: [" + strings.Join(s.enum, ", ") + "]")
		}
	case kindInteger, kindDouble:
		num, ok := v.(json.Number)
		if !ok {
			return &typeError{path}
		}
		var f float64
		if s.kind == kindInteger {
			n, err := strconv.ParseInt(string(num), 10, 64)
			if err != nil {
				return &typeError{path}
			}
			f = float64(n)
		} else {
			var err error
			if f, err = num.Float64(); err != nil {
				return &typeError{path}
			}
		}
		if s.hasMin && f < s.min {
			bad("Member must have value greater than or equal to " + formatBound(s.min))
		}
		if s.hasMax && f > s.max {
			bad("Member must have value less than or equal to " + formatBound(s.max))
		}
	case kindBoolean:
		if _, ok := v.(bool); !ok {
			return &typeError{path}
		}
	case kindTimestamp:
		if _, ok := v.(json.Number); !ok {
			return &typeError{path}
		}
	case kindBlob:
		if _, ok := v.(string); !ok {
			return &typeError{path}
		}
	}
	return nil
}

// checkLength bounds a string's length or a list's or map's size; AWS words
// both as a length.
func (s *shape) checkLength(n int, bad func(string)) {
	if s.hasMin && float64(n) < s.min {
		bad("Member must have length greater than or equal to " + formatBound(s.min))
	}
	if s.hasMax && float64(n) > s.max {
		bad("Member must have length less than or equal to " + formatBound(s.max))
	}
}

func (s *shape) inEnum(v string) bool {
	for _, e := range s.enum {
		if e == v {
			return true
		}
	}
	return false
}

func formatBound(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
