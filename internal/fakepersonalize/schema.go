package fakepersonalize

import (
	"encoding/json"
	"strings"
)

type schema struct {
	meta
	domain string
	text   string
	fields []schemaField
}

// schemaField is one field of an Avro record schema.
type schemaField struct {
	name     string
	nullable bool
}

type createSchemaInput struct {
	Name   *string `json:"name"`
	Schema *string `json:"schema"`
	Domain string  `json:"domain"`
}

type schemaView struct {
	SchemaArn string `json:"schemaArn"`
	Name      string `json:"name"`
	Domain    string `json:"domain,omitempty"`
	Schema    string `json:"schema,omitempty"`
	// Schemas have no status.
	CreationDateTime    float64 `json:"creationDateTime"`
	LastUpdatedDateTime float64 `json:"lastUpdatedDateTime"`
}

func (sc *schema) view(withText bool) schemaView {
	v := schemaView{SchemaArn: sc.arn, Name: sc.name, Domain: sc.domain, CreationDateTime: epoch(sc.created), LastUpdatedDateTime: epoch(sc.updated)}
	if withText {
		v.Schema = sc.text
	}
	return v
}

// parseAvroSchema checks that text is an Avro record schema and returns its
// fields. Messages name the problem, not the text.
func parseAvroSchema(text string) ([]schemaField, *apiError) {
	var doc struct {
		Type   string `json:"type"`
		Name   string `json:"name"`
		Fields []struct {
			Name string          `json:"name"`
			Type json.RawMessage `json:"type"`
		} `json:"fields"`
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, invalidInput("The schema is not valid JSON")
	}
	if doc.Type != "record" || doc.Name == "" {
		return nil, invalidInput("The schema must be an Avro record with a name")
	}
	if len(doc.Fields) == 0 {
		return nil, invalidInput("The schema must declare at least one field")
	}
	seen := map[string]bool{}
	fields := make([]schemaField, 0, len(doc.Fields))
	for _, f := range doc.Fields {
		if f.Name == "" || len(f.Type) == 0 {
			return nil, invalidInput("Every schema field needs a name and a type")
		}
		if seen[f.Name] {
			return nil, invalidInput("The schema declares the field %s twice", f.Name)
		}
		seen[f.Name] = true
		var union []json.RawMessage
		nullable := false
		if json.Unmarshal(f.Type, &union) == nil {
			for _, t := range union {
				nullable = nullable || strings.TrimSpace(string(t)) == `"null"`
			}
		}
		fields = append(fields, schemaField{name: f.Name, nullable: nullable})
	}
	return fields, nil
}

func (s *Server) createSchema(in *createSchemaInput) (any, *apiError) {
	if in.Schema == nil {
		return nil, missing("schema")
	}
	fields, err := parseAvroSchema(*in.Schema)
	if err != nil {
		return nil, err
	}
	arn := s.arn("schema", *in.Name)
	if _, dup := s.schemas.get(arn); dup {
		return nil, alreadyExists(arn)
	}
	sc := &schema{meta: s.newMeta(arn, *in.Name, nil), domain: in.Domain, text: *in.Schema, fields: fields}
	sc.taggable = false
	s.schemas.put(sc)
	return struct {
		SchemaArn string `json:"schemaArn"`
	}{arn}, nil
}

func (s *Server) describeSchema(in *struct {
	SchemaArn *string `json:"schemaArn"`
}) (any, *apiError) {
	sc, err := describe(s, s.schemas, "schemaArn", in.SchemaArn)
	if err != nil {
		return nil, err
	}
	return struct {
		Schema schemaView `json:"schema"`
	}{sc.view(true)}, nil
}

func (s *Server) listSchemas(in *page) (any, *apiError) {
	items, next, err := paginate(s.schemas.list(nil), *in)
	if err != nil {
		return nil, err
	}
	out := make([]schemaView, 0, len(items))
	for _, sc := range items {
		out = append(out, sc.view(false))
	}
	return struct {
		Schemas   []schemaView `json:"schemas"`
		NextToken *string      `json:"nextToken,omitempty"`
	}{out, next}, nil
}

func (s *Server) deleteSchema(in *struct {
	SchemaArn *string `json:"schemaArn"`
}) (any, *apiError) {
	sc, err := lookup(s.schemas, "schemaArn", in.SchemaArn)
	if err != nil {
		return nil, err
	}
	if s.datasets.any(func(d *dataset) bool { return d.schemaArn == sc.arn }) {
		return nil, inUse("Schema %s is used by a dataset", sc.arn)
	}
	s.schemas.remove(sc.arn)
	return struct{}{}, nil
}
