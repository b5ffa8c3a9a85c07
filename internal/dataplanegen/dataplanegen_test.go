package dataplanegen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
)

// TestNoRuleStops: a string member without a rule stops the generator
// rather than being passed unchecked.
func TestNoRuleStops(t *testing.T) {
	tests := []struct {
		name, model, drop string
		typeMember        bool
	}{
		{"runtime item ID", apimodel.PersonalizeRuntime, "ItemID", false},
		{"events session ID", apimodel.PersonalizeEvents, "sessionId", true},
	}
	for _, tt := range tests {
		m := rules
		if tt.typeMember {
			m = stringTypeRules
		}
		saved := m[tt.drop]
		delete(m, tt.drop)
		_, _, err := Generate(tt.model, "p")
		m[tt.drop] = saved
		if err == nil || !strings.Contains(err.Error(), "no rule") {
			t.Errorf("%s: Generate without a rule for %s = %v, want a no-rule error", tt.name, tt.drop, err)
		}
	}
}

// TestStale: files as Generate writes them are current; a changed rule in
// the golden listing is not.
func TestStale(t *testing.T) {
	dir := t.TempDir()
	src, golden, err := Generate(apimodel.PersonalizeRuntime, "p")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "testdata"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, path), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("table_gen.go", src)
	write("testdata/fields.golden", golden)
	if stale, err := Stale(dir, apimodel.PersonalizeRuntime, "p"); err != nil || len(stale) != 0 {
		t.Fatalf("Stale on fresh files = %v, %v; want none", stale, err)
	}
	write("testdata/fields.golden", bytes.Replace(golden, []byte("user-id"), []byte("text"), 1))
	stale, err := Stale(dir, apimodel.PersonalizeRuntime, "p")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{filepath.Join("testdata", "fields.golden")}, stale); diff != "" {
		t.Errorf("Stale mismatch (-want +got):\n%s", diff)
	}
}

// TestRequestLineStops: an operation whose request line is not a fixed
// method and path (labels, a query, no method) stops the generator: the
// wire gate holds the path as written in the table, and would refuse
// every call of such an operation.
func TestRequestLineStops(t *testing.T) {
	tests := []struct {
		method, uri string
		ok          bool
	}{
		{"POST", "/recommendations", true},
		{"POST", "/", true},
		{"POST", "/campaigns/{campaignArn}", false},
		{"POST", "/recommendations?x=1", false},
		{"POST", "/caf%C3%A9", false},
		{"", "/recommendations", false},
		{"POST", "", false},
		{"POST", "recommendations", false},
	}
	for _, tt := range tests {
		if err := checkRequestLine("Op", tt.method, tt.uri); (err == nil) != tt.ok {
			t.Errorf("checkRequestLine(%q, %q) = %v, want ok %v", tt.method, tt.uri, err, tt.ok)
		}
	}
}

// TestRequestLinesFromTheModel: every operation's generated request line
// is the model's http trait, method and requestUri.
func TestRequestLinesFromTheModel(t *testing.T) {
	for _, name := range []string{apimodel.PersonalizeRuntime, apimodel.PersonalizeEvents} {
		m, err := apimodel.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		src, _, err := Generate(name, "p")
		if err != nil {
			t.Fatal(err)
		}
		for _, op := range m.OperationNames() {
			o := m.Operations[op]
			line := fmt.Sprintf("%q: {Method: %q, Path: %q},", op, o.HTTPMethod, o.RequestURI)
			if !bytes.Contains(bytes.Join(bytes.Fields(src), nil), bytes.Join(bytes.Fields([]byte(line)), nil)) {
				t.Errorf("%s: the table has no line %s", name, line)
			}
		}
	}
}
