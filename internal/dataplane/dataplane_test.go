package dataplane

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/callhold"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

var testAPI = &API{
	Operations: map[string]*Node{"Put": Struct(map[string]*Node{
		"properties": String(RuleProperties, 1, 32000),
		"ids":        List(String(RuleCatalogID, 1, 256), 0, 2),
	})},
	Catalogue:    map[string]bool{"Put": true},
	RequestLines: map[string]RequestLine{"Put": {Method: "POST", Path: "/put"}},
	Pseudonymize: func(params any, _ *IDs) (any, error) { return params, nil },
}

func testGuard(t testing.TB, p Policy) *Guard {
	t.Helper()
	g, err := NewGuard(aws.Config{Region: "us-east-1"}, p, testAPI)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// check runs the wire walk of body for operation Put and returns the
// refusal's field and rule, or "", "".
func check(g *Guard, body string) (field, rule string, err error) {
	ctx := middleware.WithOperationName(context.Background(), "Put")
	st := &callState{passes: stepIdentifiers}
	ctx = withState(ctx, st)
	err = g.checkBody(ctx, "Put", st, body)
	var sg *guarderr.SafeguardError
	if errors.As(err, &sg) {
		return sg.Field, sg.Rule, err
	}
	return "", "", err
}

// manyNames returns n properties "n0":1,"n1":1,... as they appear escaped
// in a request body.
func manyNames(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = `\"n` + strconv.Itoa(i) + `\":1`
	}
	return strings.Join(parts, ",")
}

func TestCheckBody(t *testing.T) {
	g := testGuard(t, Policy{InsecurePublicProperties: []string{"description"}})
	tests := []struct {
		name, body  string
		field, rule string
		reason      string
	}{
		{"clean", `{"properties":"{\"genre\":\"comedy\",\"price\":12.5}","ids":["a","b"]}`, "", "", "no identifying value"},
		{"e-mail in a property value", `{"properties":"{\"contact\":\"jane.doe@example.com\"}"}`, "Properties", "sensitive.email", "values are scanned"},
		{"card as a number", `{"properties":"{\"n\":4111111111111111}"}`, "Properties", "sensitive.credit-card", "numbers are scanned"},
		{"card as a short exponent", `{"properties":"{\"n\":42e14}"}`, "Properties", "sensitive.credit-card", "42e14 is 4200000000000000"},
		{"e-mail nested in an array", `{"properties":"{\"tags\":[\"x\",\"jane.doe@example.com\"]}"}`, "Properties", "sensitive.email", "nested values are scanned"},
		{"e-mail as a property name", `{"properties":"{\"jane.doe@example.com\":1}"}`, "Properties", "sensitive.email", "names are scanned"},
		{"public property", `{"properties":"{\"description\":\"call jane.doe@example.com\"}"}`, "", "", "InsecurePublicProperties are not scanned"},
		{"repeated property", `{"properties":"{\"a\":1,\"a\":2}"}`, "Properties", RulePropertiesJSON, "readers disagree on a repeated name"},
		{"many properties", `{"properties":"{` + manyNames(40) + `}"}`, "", "", "past the names kept on the stack"},
		{"repeated property among many", `{"properties":"{` + manyNames(40) + `,\"n0\":2}"}`, "Properties", RulePropertiesJSON, "a repeat is found among many names too"},
		{"repeated property past the stack", `{"properties":"{` + manyNames(40) + `,\"n39\":2}"}`, "Properties", RulePropertiesJSON, "and among those kept in the set"},
		{"not an object", `{"properties":"[1]"}`, "Properties", RulePropertiesJSON, "properties are one object"},
		{"trailing data", `{"properties":"{} {}"}`, "Properties", RulePropertiesJSON, "one object, nothing after"},
		{"too many IDs", `{"ids":["a","b","c"]}`, "Ids", guarderr.RuleFieldLength, "the model's list limit"},
		{"control character in an ID", `{"ids":["a\u0000"]}`, "Ids[0]", guarderr.RulePattern, "no catalogue ID has one"},
		{"unknown member", `{"extra":"x"}`, "(unknown member)", guarderr.RuleUnknownMember, "the table is the model"},
		{"repeated member", `{"ids":[],"ids":["x"]}`, "", guarderr.RuleBodyUnchecked, "readers disagree on a repeated member"},
		{"string where a list is", `{"ids":"a"}`, "", guarderr.RuleBodyUnchecked, "the model's shape"},
		{"two documents", `{}{}`, "", guarderr.RuleBodyUnchecked, "one document"},
	}
	for _, tt := range tests {
		field, rule, _ := check(g, tt.body)
		if diff := cmp.Diff([2]string{tt.field, tt.rule}, [2]string{field, rule}); diff != "" {
			t.Errorf("%s: checkBody(%s) field and rule mismatch (-want +got) (%s):\n%s", tt.name, tt.body, tt.reason, diff)
		}
	}
}

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name   string
		region string
		p      Policy
		field  string
	}{
		{"zero", "us-east-1", Policy{}, ""},
		{"TLS 1.3", "us-east-1", Policy{MinTLSVersion: tls.VersionTLS13}, ""},
		{"no Region", "", Policy{}, "aws.Config.Region"},
		{"TLS 1.1", "us-east-1", Policy{MinTLSVersion: tls.VersionTLS11}, "MinTLSVersion"},
		{"report-only without the audit log", "us-east-1", Policy{InsecureReportOnly: true, InsecureNoAuditLog: true}, "InsecureReportOnly"},
		{"a Logger with no audit log", "us-east-1", Policy{Logger: slog.Default(), InsecureNoAuditLog: true}, "InsecureNoAuditLog"},
		{"empty public property", "us-east-1", Policy{InsecurePublicProperties: []string{"b", ""}}, "InsecurePublicProperties[1]"},
		{"zero Pseudonymizer", "us-east-1", Policy{Pseudonymizer: &pseudonym.Pseudonymizer{}}, "Pseudonymizer"},
	}
	for _, tt := range tests {
		_, err := tt.p.validate(tt.region)
		var ce *guarderr.ConfigError
		got := ""
		if errors.As(err, &ce) {
			got = ce.Field
		} else if err != nil {
			t.Errorf("%s: validate = %v, want nil or *ConfigError", tt.name, err)
		}
		if got != tt.field {
			t.Errorf("%s: validate refused %q, want %q", tt.name, got, tt.field)
		}
	}
}

// FuzzProperties: any properties text is accepted or refused with a rule,
// the field and a fixed reason, the same way twice, without a panic.
func FuzzProperties(f *testing.F) {
	for _, seed := range []string{`{}`, `{"a":"b"}`, `{"a":[1,{"b":"jane@example.com"}]}`, `{"a":1,"a":2}`, `[`, `{"description":"x"}`, `{"n":4.111111111111111e15}`} {
		f.Add(seed)
	}
	g := testGuard(f, Policy{InsecurePublicProperties: []string{"description"}})
	reasons := map[string]bool{sensitiveReason: true, "is not one JSON object with unique property names": true}
	f.Fuzz(func(t *testing.T, props string) {
		ctx := middleware.WithOperationName(context.Background(), "Put")
		w := &walker{g: g, ctx: ctx, op: "Put", st: &callState{}, catalogue: g.api.Catalogue["Put"]}
		w.push(segment{name: "Properties", index: -1})
		err1 := w.checkProperties(props)
		err2 := w.checkProperties(props)
		if (err1 == nil) != (err2 == nil) || err1 != nil && err1.Error() != err2.Error() {
			t.Fatalf("not deterministic: %v, then %v", err1, err2)
		}
		if err1 == nil {
			return
		}
		var sg *guarderr.SafeguardError
		if !errors.As(err1, &sg) || sg.Field != "Properties" || !reasons[sg.Reason] ||
			sg.Rule != RulePropertiesJSON && !strings.HasPrefix(sg.Rule, guarderr.RuleSensitivePrefix) {
			t.Fatalf("refusal %#v is not a rule, the field and a fixed reason", err1)
		}
	})
}

// TestCleanMemoNeverPassesAnIdentifyingValue: values the detector found
// clean are remembered; an identifying value never is, however often it
// comes.
func TestCleanMemoNeverPassesAnIdentifyingValue(t *testing.T) {
	g := testGuard(t, Policy{})
	clean := `{"properties":"{\"device\":\"mobile\"}","ids":["item-1"]}`
	dirty := `{"properties":"{\"device\":\"jane.doe@example.com\"}","ids":["item-1"]}`
	for i := range 3 {
		if _, rule, _ := check(g, clean); rule != "" {
			t.Fatalf("call %d: clean body refused with %s", i, rule)
		}
		if _, rule, _ := check(g, dirty); rule != "sensitive.email" {
			t.Fatalf("call %d: body with an e-mail: rule %q, want sensitive.email", i, rule)
		}
	}
	if !g.clean.Has("mobile") || g.clean.Has("jane.doe@example.com") {
		t.Errorf("memo: mobile %v, e-mail %v; want true, false", g.clean.Has("mobile"), g.clean.Has("jane.doe@example.com"))
	}
}

// FuzzCheckBody: any body is accepted or refused with a known rule and a
// fixed reason, the same way twice, without a panic; a refusal never
// carries the body.
func FuzzCheckBody(f *testing.F) {
	for _, seed := range []string{`{}`, `{"properties":"{\"a\":1}","ids":["x"]}`, `{"ids":["a","b","c"]}`, `{"extra":1}`, `[`, `{"ids":[1]}`, `{"properties":"{\"jane@example.com\":1}"}`} {
		f.Add(seed)
	}
	g := testGuard(f, Policy{InsecurePublicProperties: []string{"description"}})
	f.Fuzz(func(t *testing.T, body string) {
		_, rule1, err1 := check(g, body)
		_, rule2, err2 := check(g, body)
		if rule1 != rule2 || (err1 == nil) != (err2 == nil) {
			t.Fatalf("not deterministic: %v, then %v", err1, err2)
		}
		if err1 == nil {
			return
		}
		var sg *guarderr.SafeguardError
		if !errors.As(err1, &sg) {
			t.Fatalf("refusal %v is not a *SafeguardError", err1)
		}
		if len(body) > 2 && (strings.Contains(sg.Field, body) || strings.Contains(sg.Reason, body)) {
			t.Fatalf("refusal %q carries the body", err1)
		}
	})
}

// TestEmptyIdentifier: an empty userId is no identifier, with or without a
// Pseudonymizer; the model's length rule is what refuses it where the API
// needs one.
func TestEmptyIdentifier(t *testing.T) {
	api := &API{Operations: map[string]*Node{"Put": Struct(map[string]*Node{"userId": String(RuleUserID, 0, 256), "sessionId": String(RuleSessionID, 1, 256)})}}
	key, err := pseudonym.NewKey(1, testKeyBytes(7))
	if err != nil {
		t.Fatal(err)
	}
	p, err := pseudonym.New(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, policy := range []Policy{{}, {Pseudonymizer: p}} {
		g, err := NewGuard(aws.Config{Region: "us-east-1"}, policy, api)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ body, rule string }{
			{`{"userId":""}`, ""},
			{`{"sessionId":""}`, guarderr.RuleFieldLength},
		} {
			if _, rule, _ := check(g, tt.body); rule != tt.rule {
				t.Errorf("pseudonymizer %v: checkBody(%s) rule = %q, want %q", policy.Pseudonymizer != nil, tt.body, rule, tt.rule)
			}
		}
	}
}

// TestPropertiesMemo: a properties document that passed is taken as passed
// when it comes again, in the same member of the same kind of operation
// only; a refused one, or one report-only mode reported, is checked again on
// every call and refused or reported every time.
func TestPropertiesMemo(t *testing.T) {
	props := String(RuleProperties, 1, 32000)
	api := &API{
		Operations: map[string]*Node{
			"PutItems":  Struct(map[string]*Node{"properties": props}),
			"PutEvents": Struct(map[string]*Node{"properties": props}), // the same member, not a catalogue's
		},
		Catalogue:    map[string]bool{"PutItems": true},
		Pseudonymize: testAPI.Pseudonymize,
	}
	const (
		clean  = `{"properties":"{\"device\":\"mobile\"}"}`
		public = `{"properties":"{\"description\":\"call jane.doe@example.com\"}"}` // public in the catalogue only
		dirty  = `{"properties":"{\"contact\":\"jane.doe@example.com\"}"}`
	)
	type call struct{ op, body string }
	calls := []call{{"PutItems", clean}, {"PutItems", public}, {"PutEvents", public}, {"PutEvents", dirty}, {"PutItems", dirty}}
	run := func(g *Guard) (rules []string, reported int) {
		for range 3 {
			for _, c := range calls {
				ctx := middleware.WithOperationName(context.Background(), c.op)
				st := &callState{passes: stepIdentifiers}
				ctx = withState(ctx, st)
				err := g.checkBody(ctx, c.op, st, c.body)
				var sg *guarderr.SafeguardError
				rule := "pass"
				if errors.As(err, &sg) {
					rule = sg.Rule
				}
				rules = append(rules, c.op+" "+rule)
				reported += len(st.reported)
			}
		}
		return rules, reported
	}
	var want []string
	for range 3 {
		want = append(want, "PutItems pass", "PutItems pass", "PutEvents sensitive.email", "PutEvents sensitive.email", "PutItems sensitive.email")
	}
	newGuard := func(p Policy) *Guard {
		g, err := NewGuard(aws.Config{Region: "us-east-1"}, p, api)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	got, _ := run(newGuard(Policy{InsecurePublicProperties: []string{"description"}}))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	// Report-only mode lets the calls through and reports each of the
	// three refusals on each of the three rounds.
	_, reported := run(newGuard(Policy{InsecurePublicProperties: []string{"description"}, InsecureReportOnly: true, Logger: slog.New(slog.DiscardHandler)}))
	if reported != 9 {
		t.Errorf("report-only mode reported %d refusals, want 9 (3 a round)", reported)
	}
}

// withState returns ctx with st as its call's state, as the audit step
// holds it.
func withState(ctx context.Context, st *callState) context.Context {
	return middleware.WithStackValue(ctx, stateKey{}, callhold.New(st))
}
