// Package apimodel loads AWS service models in botocore's JSON format
// (service-2.json) into Go types, so emulators, validators and tests can be
// driven by what AWS publishes instead of hand-copied constraints.
//
// The models of Amazon Personalize's three APIs are embedded (see
// models/README.md); [Load] reads one of them and [Parse] reads any other.
//
// Only what validation and code generation need is kept: operations with
// their input, output and declared errors, and shapes with their type,
// members, required members, length or value bounds, pattern, enum values,
// sensitivity and list/map element shapes. Documentation is dropped.
package apimodel

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
)

// Names of the embedded models, for [Load].
const (
	Personalize        = "personalize-2018-05-22.json"
	PersonalizeEvents  = "personalize-events-2018-03-22.json"
	PersonalizeRuntime = "personalize-runtime-2018-05-22.json"
)

//go:embed models/*.json
var models embed.FS

// Shape types as the model spells them.
const (
	TypeStructure = "structure"
	TypeList      = "list"
	TypeMap       = "map"
	TypeString    = "string"
	TypeInteger   = "integer"
	TypeLong      = "long"
	TypeFloat     = "float"
	TypeDouble    = "double"
	TypeBoolean   = "boolean"
	TypeTimestamp = "timestamp"
	TypeBlob      = "blob"
)

// Model is one service model.
type Model struct {
	Metadata   Metadata
	Operations map[string]*Operation
	Shapes     map[string]*Shape
}

// Metadata is the part of a model's metadata that selects the protocol.
type Metadata struct {
	APIVersion     string `json:"apiVersion"`
	EndpointPrefix string `json:"endpointPrefix"`
	Protocol       string `json:"protocol"`
	JSONVersion    string `json:"jsonVersion"`
	ServiceID      string `json:"serviceId"`
	TargetPrefix   string `json:"targetPrefix"`
	SigningName    string `json:"signingName"`
}

// Operation is one API operation.
type Operation struct {
	Name string
	// Input and Output name shapes; Output is "" for operations that answer
	// nothing.
	Input, Output string
	// Errors are the exception shapes the operation declares, in model order.
	Errors []string
	// HTTPMethod and RequestURI route REST protocols.
	HTTPMethod, RequestURI string
}

// Ref is a reference from a structure member, list element or map key or
// value to a shape.
type Ref struct {
	Shape string
	// Location and LocationName place REST members (uri, querystring, header);
	// both are empty for body members.
	Location, LocationName string
	// JSONValue marks a string member carrying a JSON document.
	JSONValue bool
}

// Shape is one shape. Min and Max bound a string's or blob's length, a list's
// or map's size, or a number's value, as the model's min/max do for the type.
type Shape struct {
	Name     string
	Type     string
	Min, Max *float64
	// Pattern is the model's pattern, unanchored as AWS writes it; see
	// [CompilePattern].
	Pattern   string
	Enum      []string
	Sensitive bool
	Exception bool
	// Members and Required are set for structures; MemberNames lists the
	// members sorted by name, for deterministic walks.
	Members     map[string]Ref
	MemberNames []string
	Required    []string
	// Member is a list's element; Key and Value are a map's.
	Member, Key, Value *Ref
}

// IsRequired reports whether member is a required member of s.
func (s *Shape) IsRequired(member string) bool {
	for _, r := range s.Required {
		if r == member {
			return true
		}
	}
	return false
}

// Constrained reports whether the shape itself carries a constraint AWS
// validates: a bound, a pattern or an enum.
func (s *Shape) Constrained() bool {
	return s.Min != nil || s.Max != nil || s.Pattern != "" || len(s.Enum) > 0
}

// Load parses one of the embedded models, named by one of the constants.
func Load(name string) (*Model, error) {
	b, err := models.ReadFile("models/" + name)
	if err != nil {
		return nil, fmt.Errorf("apimodel: no embedded model %q", name)
	}
	return Parse(b)
}

// Parse reads a botocore-format service model and checks that every shape
// it references exists.
func Parse(data []byte) (*Model, error) {
	var raw struct {
		Metadata   Metadata `json:"metadata"`
		Operations map[string]struct {
			HTTP struct {
				Method     string `json:"method"`
				RequestURI string `json:"requestUri"`
			} `json:"http"`
			Input  *rawRef  `json:"input"`
			Output *rawRef  `json:"output"`
			Errors []rawRef `json:"errors"`
		} `json:"operations"`
		Shapes map[string]struct {
			Type      string            `json:"type"`
			Min       *float64          `json:"min"`
			Max       *float64          `json:"max"`
			Pattern   string            `json:"pattern"`
			Enum      []string          `json:"enum"`
			Sensitive bool              `json:"sensitive"`
			Exception bool              `json:"exception"`
			Members   map[string]rawRef `json:"members"`
			Required  []string          `json:"required"`
			Member    *rawRef           `json:"member"`
			Key       *rawRef           `json:"key"`
			Value     *rawRef           `json:"value"`
		} `json:"shapes"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("apimodel: parse model: %w", err)
	}
	m := &Model{Metadata: raw.Metadata, Operations: map[string]*Operation{}, Shapes: map[string]*Shape{}}
	for name, rs := range raw.Shapes {
		s := &Shape{Name: name, Type: rs.Type, Min: rs.Min, Max: rs.Max, Pattern: rs.Pattern, Enum: rs.Enum,
			Sensitive: rs.Sensitive, Exception: rs.Exception, Required: rs.Required,
			Member: rs.Member.ref(), Key: rs.Key.ref(), Value: rs.Value.ref()}
		if rs.Members != nil {
			s.Members = map[string]Ref{}
			for mn, r := range rs.Members {
				s.Members[mn] = *r.ref()
				s.MemberNames = append(s.MemberNames, mn)
			}
			sort.Strings(s.MemberNames)
		}
		m.Shapes[name] = s
	}
	for name, ro := range raw.Operations {
		op := &Operation{Name: name, HTTPMethod: ro.HTTP.Method, RequestURI: ro.HTTP.RequestURI}
		if ro.Input != nil {
			op.Input = ro.Input.Shape
		}
		if ro.Output != nil {
			op.Output = ro.Output.Shape
		}
		for _, e := range ro.Errors {
			op.Errors = append(op.Errors, e.Shape)
		}
		m.Operations[name] = op
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

type rawRef struct {
	Shape        string `json:"shape"`
	Location     string `json:"location"`
	LocationName string `json:"locationName"`
	JSONValue    bool   `json:"jsonvalue"`
}

func (r *rawRef) ref() *Ref {
	if r == nil {
		return nil
	}
	return &Ref{Shape: r.Shape, Location: r.Location, LocationName: r.LocationName, JSONValue: r.JSONValue}
}

// check verifies that references resolve and that each structure's
// required members exist, so users of the model can index without checks.
func (m *Model) check() error {
	exists := func(where, shape string) error {
		if _, ok := m.Shapes[shape]; !ok {
			return fmt.Errorf("apimodel: %s refers to unknown shape %q", where, shape)
		}
		return nil
	}
	for _, name := range m.OperationNames() {
		op := m.Operations[name]
		for _, s := range append([]string{op.Input, op.Output}, op.Errors...) {
			if s == "" {
				continue
			}
			if err := exists("operation "+name, s); err != nil {
				return err
			}
		}
	}
	for name, s := range m.Shapes {
		for _, mn := range s.MemberNames {
			if err := exists(name+"."+mn, s.Members[mn].Shape); err != nil {
				return err
			}
		}
		for _, r := range []*Ref{s.Member, s.Key, s.Value} {
			if r != nil {
				if err := exists(name, r.Shape); err != nil {
					return err
				}
			}
		}
		for _, req := range s.Required {
			if _, ok := s.Members[req]; !ok {
				return fmt.Errorf("apimodel: %s requires unknown member %q", name, req)
			}
		}
		if s.Type == TypeList && s.Member == nil || s.Type == TypeMap && (s.Key == nil || s.Value == nil) {
			return fmt.Errorf("apimodel: %s %s lacks its element shapes", s.Type, name)
		}
	}
	return nil
}

// OperationNames returns the operations' names, sorted.
func (m *Model) OperationNames() []string {
	names := make([]string, 0, len(m.Operations))
	for n := range m.Operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ShapeNames returns the shapes' names, sorted.
func (m *Model) ShapeNames() []string {
	names := make([]string, 0, len(m.Shapes))
	for n := range m.Shapes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
