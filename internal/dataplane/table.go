package dataplane

import (
	"maps"
	"slices"
	"strconv"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// Rule is what the guard does with one string member of a data-plane
// request. Each API package describes its operations with these, from the
// API model (see the golden file in its testdata).
type Rule uint8

const (
	RuleNone       Rule = iota // not a string: numbers, timestamps (checked as JSON only)
	RuleUserID                 // a user ID: pseudonymised with a Pseudonymizer, else refused when identifying
	RuleSessionID              // a session ID: as RuleUserID, in the session domain
	RuleCatalogID              // an item or action ID: scanned and pattern-checked, never rewritten
	RuleARN                    // a Personalize ARN: pattern-checked, its resource part scanned
	RuleToken                  // an ID the service issued (tracking ID, recommendation ID): pattern-checked
	RuleAttribute              // a context or filter key: the model's [A-Za-z0-9_]+ pattern
	RuleName                   // a promotion name: the model's name pattern
	RuleText                   // free-form text: scanned
	RuleProperties             // properties JSON: one object, scanned value by value
)

var ruleInfo = [...]struct{ name, ident string }{
	{"none", "RuleNone"}, {"user-id", "RuleUserID"}, {"session-id", "RuleSessionID"}, {"catalog-id", "RuleCatalogID"},
	{"arn", "RuleARN"}, {"token", "RuleToken"}, {"attribute-name", "RuleAttribute"}, {"name", "RuleName"},
	{"text", "RuleText"}, {"properties-json", "RuleProperties"},
}

// String names the rule as the golden files list it.
func (r Rule) String() string { return ruleInfo[r].name }

// Ident is the rule's identifier in this package, for generated code.
func (r Rule) Ident() string { return ruleInfo[r].ident }

// Node describes one member of a request as the model defines it. A Node
// is not changed once made.
type Node struct {
	Rule     Rule
	Min, Max int              // length limits in characters (Max 0: none); for lists and maps, entries
	Members  map[string]*Node // a structure's members, by JSON name
	Elem     *Node            // a list's elements, a map's values
	Key      *Node            // a map's keys
	// names and kids are Members as two slices, sorted by name, made by
	// Struct: the APIs' structures have at most ten members, and comparing
	// a name with each costs less than hashing it for the map, on every
	// member of every call.
	names []string
	kids  []*Node
	// keys are names as the scanner compares them where they are written
	// as they are (jsonscan.NextKeyIn); nil when a name needs an escape.
	keys []jsonscan.PlainKey
}

// String returns a string member with rule r and the model's length limits.
func String(r Rule, min, max int) *Node { return &Node{Rule: r, Min: min, Max: max} }

// Scalar is a number, boolean or timestamp member.
var Scalar = &Node{}

// Struct returns a structure of the given members.
func Struct(members map[string]*Node) *Node {
	n := &Node{Members: members}
	if len(members) <= maxScannedMembers {
		n.names = slices.Sorted(maps.Keys(members))
		for _, name := range n.names {
			n.kids = append(n.kids, members[name])
			if k, ok := jsonscan.NewPlainKey(name); ok {
				n.keys = append(n.keys, k)
			}
		}
		if len(n.keys) != len(n.names) {
			n.keys = nil
		}
	}
	return n
}

// maxScannedMembers bounds the structures whose members are found by
// comparing names (see Node.names); larger ones use the map.
const maxScannedMembers = 16

// member returns the member of structure n named name, or nil: n.Members[name].
func (n *Node) member(name string) *Node {
	if n.names == nil {
		return n.Members[name] // a Node not made by Struct, or a large one
	}
	for i, m := range n.names {
		if m == name {
			return n.kids[i]
		}
	}
	return nil
}

// List returns a list of elem with at most max elements (0: no limit).
func List(elem *Node, min, max int) *Node { return &Node{Elem: elem, Min: min, Max: max} }

// Map returns a map from key to value with at most max entries.
func Map(key, value *Node, max int) *Node { return &Node{Key: key, Elem: value, Max: max} }

func (n *Node) isList() bool   { return n.Elem != nil && n.Key == nil }
func (n *Node) isMap() bool    { return n.Key != nil }
func (n *Node) isStruct() bool { return n.Members != nil }
func (n *Node) isString() bool { return n.Rule != RuleNone }

// Path names an identifier for an error: Field alone ("UserId"), or Field
// of element Index of List ("Users[2].UserId"). It is built only when an
// error needs it.
type Path struct {
	List  string
	Index int
	Field string
}

func (p Path) String() string {
	if p.List == "" {
		return p.Field
	}
	return p.List + "[" + strconv.Itoa(p.Index) + "]." + p.Field
}
