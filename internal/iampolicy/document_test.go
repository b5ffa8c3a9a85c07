package iampolicy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseForms(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		want   *Document
		reason string
	}{
		{
			name:   "single statement object",
			doc:    `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			want:   &Document{Version: Version2012, Statement: []Statement{{Effect: Allow, Principal: &Principal{Any: true}, Action: Values{"s3:GetObject"}, Resource: Values{"arn:aws:s3:::b/*"}}}},
			reason: "the grammar allows Statement as an object",
		},
		{
			name: "principal map with string and list",
			doc:  `{"Statement":[{"Sid":"a","Effect":"Deny","Principal":{"AWS":"*","Service":["personalize.amazonaws.com"]},"NotAction":["kms:*"],"NotResource":"x"}]}`,
			want: &Document{Statement: []Statement{{Sid: "a", Effect: Deny, Principal: &Principal{AWS: Values{"*"}, Service: Values{"personalize.amazonaws.com"}},
				NotAction: Values{"kms:*"}, NotResource: Values{"x"}}}},
			reason: "Principal values may be a string or a list; NotAction and NotResource are kept apart",
		},
		{
			name: "unquoted condition values",
			doc:  `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":1.2}}}]}`,
			want: &Document{Statement: []Statement{{Effect: Deny, Principal: &Principal{Any: true}, Action: Values{"s3:*"}, Resource: Values{"*"},
				Condition: map[string]map[string]Values{"Bool": {"aws:SecureTransport": {"false"}}, "NumericLessThan": {"s3:TlsVersion": {"1.2"}}}}}},
			reason: "real policies write booleans and numbers without quotes",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatalf("Parse: %v (%s)", err, tt.reason)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const secret = "AKIAIOSFODNN7EXAMPLE"
	tests := []struct {
		name, doc string
		wantStmt  int
	}{
		{"not json", "{" + secret, -1},
		{"no statement", `{"Version":"2012-10-17"}`, -1},
		{"statement is a string", `{"Statement":"` + secret + `"}`, -1},
		{"bad effect", `{"Statement":[{"Effect":"` + secret + `","Principal":"*","Action":"x"}]}`, 0},
		{"no action", `{"Statement":[{"Effect":"Allow","Principal":"*"}]}`, 0},
		{"both action forms", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"a","NotAction":"b"}]}`, 0},
		{"principal string not star", `{"Statement":[{"Effect":"Allow","Principal":"` + secret + `","Action":"a"}]}`, 0},
		{"unknown principal type", `{"Statement":[{"Effect":"Allow","Principal":{"` + secret + `":"x"},"Action":"a"}]}`, 0},
		{"null value", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":null,"NotAction":[null]}]}`, 0},
		{"second statement bad", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"a"},{"Effect":"Allow","Principal":"*","Action":{"x":"` + secret + `"}}]}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) error = %v, want *ParseError", tt.name, err)
			}
			if pe.Statement != tt.wantStmt {
				t.Errorf("ParseError.Statement = %d, want %d", pe.Statement, tt.wantStmt)
			}
			if strings.Contains(err.Error(), secret) || (pe.Err != nil && strings.Contains(pe.Err.Error(), secret)) {
				t.Errorf("error %q echoes the input", err)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	in := &Document{Version: Version2012, Statement: []Statement{{
		Sid: "AllowPersonalize", Effect: Allow,
		Principal: &Principal{Service: Values{"personalize.amazonaws.com"}},
		Action:    Values{"kms:Decrypt", "kms:GenerateDataKey"}, Resource: Values{"*"},
		Condition: map[string]map[string]Values{"StringEquals": {"aws:SourceAccount": {"111122223333"}}},
	}, {Effect: Deny, Principal: &Principal{Any: true}, Action: Values{"s3:*"}, Resource: Values{"*"}}}}
	b, err := in.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) || !strings.Contains(string(b), `"Principal": "*"`) || !strings.Contains(string(b), `"Resource": "*"`) {
		t.Errorf("JSON() = %s; want valid JSON with single values as strings", b)
	}
	out, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}}`,
		`{"Statement":[{"Effect":"Deny","Principal":{"AWS":["*"]},"NotAction":"kms:*","Condition":{"Bool":{"aws:SecureTransport":false}}}]}`,
		`{"Statement":[]}`, `[]`, `null`, `{"Statement":[{"Condition":{"a":{"b":[1,true,"x"]}}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := Parse(b)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if len(b) >= 8 && strings.Contains(err.Error(), string(b)) {
				t.Fatalf("error echoes input")
			}
			return
		}
		// Whatever parses must evaluate and re-encode without panicking.
		doc.Evaluate(Request{Actor: Anyone(), Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k",
			Context: map[string][]string{"aws:SecureTransport": {"false"}}, Absent: []string{"aws:SourceVpce"}})
		doc.Evaluate(Request{Actor: Service("personalize.amazonaws.com"), Action: "kms:Decrypt", Resource: "*"})
		doc.PublicAllows()
		if _, err := doc.JSON(); err != nil {
			t.Fatalf("JSON() of a parsed document: %v", err)
		}
	})
}
