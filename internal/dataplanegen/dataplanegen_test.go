package dataplanegen

import (
	"bytes"
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
