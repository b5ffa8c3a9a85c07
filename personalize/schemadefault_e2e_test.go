package personalize_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// usersSchema is a Users schema whose second field is field, a JSON
// object's members without its braces.
func usersSchema(field string) string {
	return `{"type":"record","name":"Users","namespace":"com.amazonaws.personalize.schema","fields":[` +
		`{"name":"USER_ID","type":"string"},{` + field + `}],"version":"1.0"}`
}

// TestSchemaDefaultAfterFieldName: an Avro field's default is read after the
// field's name, in any member order and spelling, at the Initialize check
// and at the wire gate; the refusal names where the default stands, never
// the value or the field's name, and nothing reaches the endpoint. A name
// that is no keyword, or a default that is no string or number, goes out.
func TestSchemaDefaultAfterFieldName(t *testing.T) {
	tests := []struct {
		name   string
		field  string
		canary string // must not reach the endpoint when refused
		want   *personalize.SafeguardError
	}{
		{"an SSN under its name", `"name":"SSN","type":"string","categorical":true,"default":"123456789"`, "123456789",
			&personalize.SafeguardError{Operation: "CreateSchema", Field: "Schema.fields[1].default", Rule: "sensitive.ssn"}},
		{"the default before the name", `"default":"123456789","type":"string","name":"SSN"`, "123456789",
			&personalize.SafeguardError{Operation: "CreateSchema", Field: "Schema.fields[1].default", Rule: "sensitive.ssn"}},
		{"an account number as a JSON number", `"name":"ACCOUNT_NUMBER","type":"long","default":912803456`, "912803456",
			&personalize.SafeguardError{Operation: "CreateSchema", Field: "Schema.fields[1].default", Rule: "sensitive.account-number"}},
		{"an account number as a decimal", `"name":"ACCOUNT_NUMBER","type":"double","default":912803456.0`, "912803456",
			&personalize.SafeguardError{Operation: "CreateSchema", Field: "Schema.fields[1].default", Rule: "sensitive.account-number"}},
		{"an escaped key", `"name":"SSN","type":"string","def\u0061ult":"123456789"`, "123456789",
			&personalize.SafeguardError{Operation: "CreateSchema", Field: "Schema.fields[1].default", Rule: "sensitive.ssn"}},
		{"an escaped name", `"name":"SS\u004e","type":"string","default":"123456789"`, "123456789",
			&personalize.SafeguardError{Operation: "CreateSchema", Field: "Schema.fields[1].default", Rule: "sensitive.ssn"}},
		{"spaces around the colon", `"name":"SSN","type":"string","default" :  "123456789"`, "123456789",
			&personalize.SafeguardError{Operation: "CreateSchema", Field: "Schema.fields[1].default", Rule: "sensitive.ssn"}},
		{"a nested record's field", `"name":"PROFILE","type":{"type":"record","name":"P","fields":[{"name":"SSN","type":"string","default":"123456789"}]}`, "123456789",
			&personalize.SafeguardError{Operation: "CreateSchema", Field: "Schema.fields[1].type.fields[0].default", Rule: "sensitive.ssn"}},
		{"a number after other text", `"name":"ACCOUNT","type":"string","default":"gold 912803456"`, "912803456",
			&personalize.SafeguardError{Operation: "CreateSchema", Field: "Schema.fields[1].default", Rule: "sensitive.account-number"}},
		{"a name that is no keyword", `"name":"PRICE_CENTS","type":"long","default":123456789`, "", nil},
		{"a null default", `"name":"SSN","type":["null","string"],"default":null`, "", nil},
		{"a boolean default", `"name":"SSN_VERIFIED","type":"boolean","default":false`, "", nil},
		{"the word default as a value", `"name":"SSN","type":"string","doc":"default"`, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkSchemaFieldBothPlaces(t, tt.field, tt.want, tt.canary) })
	}
}

// checkSchemaFieldBothPlaces sends a users schema with field added through
// a guarded client twice and checks each outcome with checkSchemaRefusal:
// at the Initialize check (the caller's own schema), and at the wire gate
// (a hook that writes the schema after the Initialize check read a clean
// one).
func checkSchemaFieldBothPlaces(t *testing.T, field string, want *personalize.SafeguardError, canary string) {
	t.Helper()
	schema := usersSchema(field)
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	_, err := e.client.CreateSchema(context.Background(), &sdk.CreateSchemaInput{Name: aws.String("users"), Schema: aws.String(schema)})
	checkSchemaRefusal(t, "Initialize", e, err, want, canary)

	e = newEnvWith(t, personalize.Policy{}, func(cfg *aws.Config) {
		cfg.Interceptors.AddBeforeSerialization(interceptor(func(_ context.Context, in *smithyhttp.InterceptorContext) error {
			in.Input.(*sdk.CreateSchemaInput).Schema = aws.String(schema)
			return nil
		}))
	})
	_, err = e.client.CreateSchema(context.Background(), &sdk.CreateSchemaInput{Name: aws.String("users"),
		Schema: aws.String(usersSchema(`"name":"AGE","type":"int"`))})
	checkSchemaRefusal(t, "wire gate", e, err, want, canary)
}

func checkSchemaRefusal(t *testing.T, where string, e *env, err error, want *personalize.SafeguardError, canary string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Errorf("%s: CreateSchema = %v, want no error", where, err)
		}
		return
	}
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) {
		t.Fatalf("%s: CreateSchema = %v, want a *SafeguardError", where, err)
	}
	got := &personalize.SafeguardError{Operation: sg.Operation, Field: sg.Field, Rule: sg.Rule}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: refusal (-want +got):\n%s", where, diff)
	}
	if e.srv.Seen(canary) || slices.Contains(e.personalizeCalls(), "CreateSchema") {
		t.Errorf("%s: the refused CreateSchema reached the endpoint", where)
	}
	for _, leak := range []string{canary, "SSN", "ACCOUNT_NUMBER"} {
		if strings.Contains(err.Error(), leak) || strings.Contains(e.auditLog(), leak) {
			t.Errorf("%s: the error or the audit log holds %q: %v", where, leak, err)
		}
	}
}
