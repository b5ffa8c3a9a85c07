package datascan

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Role is what a column holds for Personalize, which decides what a finding
// in it means and what the rewriter does with it.
type Role string

// Roles. User and Session columns are the ones [Rewrite] pseudonymises.
const (
	RoleUser        Role = "user-id"     // USER_ID
	RoleSession     Role = "session-id"  // SESSION_ID
	RoleItem        Role = "item-id"     // ITEM_ID, ACTION_ID, IMPRESSION: a catalogue's IDs, not a person's
	RoleEventType   Role = "event-type"  // EVENT_TYPE
	RoleTimestamp   Role = "timestamp"   // TIMESTAMP, CREATION_TIMESTAMP, ACTION_EXPIRATION_TIMESTAMP
	RoleCategorical Role = "categorical" // a string field with "categorical": true, or a boolean
	RoleTextual     Role = "textual"     // a string field with "textual": true
	RoleNumeric     Role = "numeric"     // int, long, float, double
	RoleString      Role = "string"      // any other string, or a header column with no schema
)

// Identifier reports whether the column names a person (USER_ID, SESSION_ID):
// identifying values there are the reason to pseudonymise, elsewhere the
// reason to drop the column.
func (r Role) Identifier() bool { return r == RoleUser || r == RoleSession }

// number reports whether Personalize reads the column's values as numbers
// (int, long, float, double, the timestamps), not as the text written.
func (r Role) number() bool { return r == RoleNumeric || r == RoleTimestamp }

// Schema is the part of a Personalize dataset schema that the scanner needs:
// each field's name and role.
type Schema struct {
	Fields []Field
}

// Field is one field of a Schema.
type Field struct {
	Name string
	Role Role
}

// SchemaError reports an Avro schema that ParseSchema cannot read, or a
// header that does not match the schema. It names fields by number, never
// by name (a name can hold a value), and never holds data.
type SchemaError struct {
	Reason string
}

func (e *SchemaError) Error() string { return "datascan: schema: " + e.Reason }

// ParseSchema reads a Personalize dataset schema: an Avro record whose fields
// are USER_ID, ITEM_ID, SESSION_ID, EVENT_TYPE, TIMESTAMP and the dataset's
// own fields, string fields optionally marked "categorical" or "textual",
// types optionally in a union with "null".
func ParseSchema(avro []byte) (*Schema, error) {
	var rec struct {
		Type   string `json:"type"`
		Fields []struct {
			Name        string          `json:"name"`
			Type        json.RawMessage `json:"type"`
			Categorical bool            `json:"categorical"`
			Textual     bool            `json:"textual"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(avro, &rec); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, &SchemaError{Reason: fmt.Sprintf("not JSON (syntax error at byte %d)", se.Offset)}
		}
		return nil, &SchemaError{Reason: "not an Avro record schema"}
	}
	if rec.Type != "record" || len(rec.Fields) == 0 {
		return nil, &SchemaError{Reason: `not an Avro record: "type" must be "record" with at least one field`}
	}
	s := &Schema{Fields: make([]Field, 0, len(rec.Fields))}
	seen := map[string]int{}
	for i, f := range rec.Fields {
		if !avroName(f.Name) {
			return nil, &SchemaError{Reason: fmt.Sprintf("field %d has no valid Avro name", i+1)}
		}
		// Fields by number only: a name can hold a value ("acct_912803456").
		if j, ok := seen[f.Name]; ok {
			return nil, &SchemaError{Reason: fmt.Sprintf("field %d has the name of field %d", i+1, j+1)}
		}
		seen[f.Name] = i
		typ, err := avroType(f.Type)
		if err != nil {
			return nil, &SchemaError{Reason: fmt.Sprintf("field %d: %v", i+1, err)}
		}
		s.Fields = append(s.Fields, Field{Name: f.Name, Role: schemaRole(f.Name, typ, f.Categorical, f.Textual)})
	}
	return s, nil
}

// avroType returns the one non-null type of a field: "string", ["null",
// "long"], {"type": "string"}.
func avroType(raw json.RawMessage) (string, error) {
	var name string
	if json.Unmarshal(raw, &name) == nil {
		return name, nil
	}
	var union []json.RawMessage
	if json.Unmarshal(raw, &union) == nil {
		typ := ""
		for _, u := range union {
			t, err := avroType(u)
			if err != nil {
				return "", err
			}
			if t == "null" {
				continue
			}
			if typ != "" {
				return "", errors.New("a union of more than one non-null type")
			}
			typ = t
		}
		if typ == "" {
			return "", errors.New("a union with no non-null type")
		}
		return typ, nil
	}
	var obj struct {
		Type json.RawMessage `json:"type"`
	}
	if json.Unmarshal(raw, &obj) == nil && len(obj.Type) > 0 {
		return avroType(obj.Type)
	}
	return "", errors.New("no type")
}

func schemaRole(name, typ string, categorical, textual bool) Role {
	if r, ok := reservedRole(name); ok {
		return r
	}
	switch typ {
	case "int", "long", "float", "double":
		return RoleNumeric
	case "boolean":
		return RoleCategorical
	}
	switch {
	case textual:
		return RoleTextual
	case categorical:
		return RoleCategorical
	}
	return RoleString
}

// reservedRole knows Personalize's reserved field names. Case is ignored
// because a header written by hand is as likely to say user_id.
func reservedRole(name string) (Role, bool) {
	switch strings.ToUpper(name) {
	case "USER_ID":
		return RoleUser, true
	case "SESSION_ID":
		return RoleSession, true
	case "ITEM_ID", "ACTION_ID", "IMPRESSION": // IMPRESSION: item IDs joined by '|'
		return RoleItem, true
	case "EVENT_TYPE":
		return RoleEventType, true
	case "TIMESTAMP", "CREATION_TIMESTAMP", "ACTION_EXPIRATION_TIMESTAMP":
		return RoleTimestamp, true
	case "EVENT_VALUE":
		return RoleNumeric, true
	}
	return "", false
}

// avroName reports whether s is an Avro name: [A-Za-z_][A-Za-z0-9_]*.
// Requiring it of header cells means a file without a header is refused
// instead of having its first row printed as column names.
func avroName(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// columns maps a header to roles: through the schema when there is one, by
// Personalize's reserved names otherwise. A header column the schema does not
// have is an error, as it is for Personalize's import.
func (s *Schema) columns(header []string) ([]Role, error) {
	roles := make([]Role, len(header))
	for i, name := range header {
		if s == nil {
			r, ok := reservedRole(name)
			if !ok {
				r = RoleString
			}
			roles[i] = r
			continue
		}
		found := false
		for _, f := range s.Fields {
			if strings.EqualFold(f.Name, name) {
				roles[i], found = f.Role, true
				break
			}
		}
		if !found {
			// By number only: without the header, this row would be data.
			return nil, &SchemaError{Reason: fmt.Sprintf("header column %d is not a field of the schema (is the header missing?)", i+1)}
		}
	}
	return roles, nil
}
