// Package iampolicy parses, evaluates and writes IAM policy documents: the key
// policies that package kms checks and the bucket policies that package s3guard
// checks. It is the module's only policy parser.
//
// Evaluation is deliberately conservative. It answers one question at a time
// ("does this document allow this principal this action on this resource, in
// this request context?") and says when the answer depends on a condition it
// could not evaluate, instead of assuming the condition passes.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// MaxDocumentSize bounds what Parse accepts. AWS caps key policies at 32 KiB
// and bucket policies at 20 KiB; anything far larger is not a real policy.
const MaxDocumentSize = 1 << 20

// PersonalizeService is the service principal Amazon Personalize acts as
// when it reads and writes S3 and uses KMS keys.
const PersonalizeService = "personalize.amazonaws.com"

// Version2012 is the current policy language version.
const Version2012 = "2012-10-17"

// Effect is "Allow" or "Deny".
type Effect string

// Effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version,omitempty"`
	ID        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement of a Document. Exactly one of Principal and
// NotPrincipal, of Action and NotAction, and of Resource and NotResource is
// set in a valid resource policy.
type Statement struct {
	Sid          string     `json:"Sid,omitempty"`
	Effect       Effect     `json:"Effect"`
	Principal    *Principal `json:"Principal,omitempty"`
	NotPrincipal *Principal `json:"NotPrincipal,omitempty"`
	Action       Values     `json:"Action,omitempty"`
	NotAction    Values     `json:"NotAction,omitempty"`
	Resource     Values     `json:"Resource,omitempty"`
	NotResource  Values     `json:"NotResource,omitempty"`
	// Condition maps an operator ("StringEquals", "BoolIfExists", ...) to
	// condition keys and their values.
	Condition map[string]map[string]Values `json:"Condition,omitempty"`
}

// Values is a policy element that the grammar allows as a single string or a
// list. Booleans and numbers, which condition blocks often carry unquoted, are
// kept in their JSON text form ("false", "1.2").
type Values []string

// UnmarshalJSON accepts a string, a number, a boolean or a list of those.
func (v *Values) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		out := make(Values, 0, len(raw))
		for _, r := range raw {
			s, err := scalar(r)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		*v = out
		return nil
	}
	s, err := scalar(b)
	if err != nil {
		return err
	}
	*v = Values{s}
	return nil
}

func scalar(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", errors.New("empty value")
	}
	switch b[0] {
	case '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case 't', 'f':
		var x bool
		if err := json.Unmarshal(b, &x); err != nil {
			return "", err
		}
		return strconv.FormatBool(x), nil
	case 'n':
		return "", errors.New("null is not a policy value")
	case '{', '[':
		return "", errors.New("expected a string, number or boolean")
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return "", err
		}
		return n.String(), nil
	}
}

// MarshalJSON writes a single value as a string and several as a list, which is
// how people write policies by hand.
func (v Values) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return json.Marshal(v[0])
	}
	return json.Marshal([]string(v))
}

// Principal is the Principal (or NotPrincipal) element. Any is the bare "*"
// form; {"AWS": "*"} is kept as AWS: ["*"], which IAM treats the same way.
type Principal struct {
	Any           bool
	AWS           Values
	Service       Values
	Federated     Values
	CanonicalUser Values
}

// Public reports whether p names every principal.
func (p *Principal) Public() bool {
	if p == nil {
		return false
	}
	if p.Any {
		return true
	}
	for _, v := range p.AWS {
		if v == "*" {
			return true
		}
	}
	return false
}

type principalJSON struct {
	AWS           Values `json:"AWS,omitempty"`
	Service       Values `json:"Service,omitempty"`
	Federated     Values `json:"Federated,omitempty"`
	CanonicalUser Values `json:"CanonicalUser,omitempty"`
}

// UnmarshalJSON accepts "*" or a map of principal types.
func (p *Principal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s != "*" {
			return errors.New(`a principal string must be "*"`)
		}
		*p = Principal{Any: true}
		return nil
	}
	var m map[string]Values
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	var out Principal
	for k, v := range m {
		switch k {
		case "AWS":
			out.AWS = v
		case "Service":
			out.Service = v
		case "Federated":
			out.Federated = v
		case "CanonicalUser":
			out.CanonicalUser = v
		default:
			return fmt.Errorf("unknown principal type %q", k)
		}
	}
	*p = out
	return nil
}

// MarshalJSON writes "*" for Any and a map otherwise.
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Any {
		return []byte(`"*"`), nil
	}
	return json.Marshal(principalJSON{AWS: p.AWS, Service: p.Service, Federated: p.Federated, CanonicalUser: p.CanonicalUser})
}

// ParseError says why a document could not be parsed. It never quotes the
// document.
type ParseError struct {
	// Statement is the index of the offending statement, or -1.
	Statement int
	Reason    string
	Err       error
}

func (e *ParseError) Error() string {
	if e.Statement >= 0 {
		return fmt.Sprintf("iampolicy: statement %d: %s", e.Statement, e.Reason)
	}
	return "iampolicy: " + e.Reason
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse decodes and validates a policy document. The Statement element may be
// a single object or a list.
func Parse(data []byte) (*Document, error) {
	if len(data) > MaxDocumentSize {
		return nil, &ParseError{Statement: -1, Reason: fmt.Sprintf("document is %d bytes, more than %d", len(data), MaxDocumentSize)}
	}
	var raw struct {
		Version   string          `json:"Version"`
		ID        string          `json:"Id"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, &ParseError{Statement: -1, Reason: "not a JSON policy object", Err: sanitize(err)}
	}
	doc := &Document{Version: raw.Version, ID: raw.ID}
	st := bytes.TrimSpace(raw.Statement)
	switch {
	case len(st) == 0 || bytes.Equal(st, []byte("null")):
		return nil, &ParseError{Statement: -1, Reason: "document has no Statement"}
	case st[0] == '{':
		var s Statement
		if err := json.Unmarshal(st, &s); err != nil {
			return nil, &ParseError{Statement: 0, Reason: "malformed statement", Err: sanitize(err)}
		}
		doc.Statement = []Statement{s}
	case st[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(st, &list); err != nil {
			return nil, &ParseError{Statement: -1, Reason: "malformed Statement list", Err: sanitize(err)}
		}
		for i, r := range list {
			var s Statement
			if err := json.Unmarshal(r, &s); err != nil {
				return nil, &ParseError{Statement: i, Reason: "malformed statement", Err: sanitize(err)}
			}
			doc.Statement = append(doc.Statement, s)
		}
	default:
		return nil, &ParseError{Statement: -1, Reason: "Statement must be an object or a list"}
	}
	for i := range doc.Statement {
		if err := doc.Statement[i].validate(); err != nil {
			return nil, &ParseError{Statement: i, Reason: err.Error()}
		}
	}
	return doc, nil
}

// sanitize drops the detail of encoding/json errors, which can quote parts of
// the input.
func sanitize(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("JSON syntax error at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("wrong JSON type at byte %d", te.Offset)
	}
	return errors.New("invalid JSON")
}

func (s *Statement) validate() error {
	switch s.Effect {
	case Allow, Deny:
	default:
		return errors.New(`the Effect must be "Allow" or "Deny"`)
	}
	if (s.Action == nil) == (s.NotAction == nil) {
		return errors.New("exactly one of Action and NotAction is required")
	}
	if s.Resource != nil && s.NotResource != nil {
		return errors.New("the Resource and NotResource elements are mutually exclusive")
	}
	if s.Principal != nil && s.NotPrincipal != nil {
		return errors.New("the Principal and NotPrincipal elements are mutually exclusive")
	}
	return nil
}

// JSON encodes d with two-space indentation, ready to paste into a console,
// Terraform or CloudFormation.
func (d *Document) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
