package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
)

// TestGeneratedTableIsCurrent regenerates rules_gen.go in memory and fails
// when the committed file differs, so a model update without a
// regeneration (or a hand edit) is caught.
func TestGeneratedTableIsCurrent(t *testing.T) {
	for _, tc := range []struct {
		file string
		tab  table
	}{
		{"rules_gen.go", table{model: apimodel.Personalize}},
		{"events_rules_gen.go", table{model: apimodel.PersonalizeEvents, prefix: "events"}},
		{"runtime_rules_gen.go", table{model: apimodel.PersonalizeRuntime, prefix: "runtime"}},
	} {
		t.Run(tc.file, func(t *testing.T) { checkCurrent(t, tc.file, tc.tab) })
	}
}

func checkCurrent(t *testing.T, file string, tab table) {
	m, err := apimodel.Load(tab.model)
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(m, tab)
	if err != nil {
		t.Fatalf("generate() = %v", err)
	}
	got, err := os.ReadFile("../" + file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
		for i := range max(len(wl), len(gl)) {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Fatalf("%s is stale at line %d; run go generate ./internal/fakepersonalize\n-want %s\n+got  %s", file, i+1, w, g)
			}
		}
	}
}

func TestGenerateRejectsUnknownTypes(t *testing.T) {
	m, err := apimodel.Parse([]byte(`{"operations":{"Op":{"input":{"shape":"In"}}},"shapes":{"In":{"type":"structure","members":{"d":{"shape":"D"}}},"D":{"type":"document"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := generate(m, table{model: "test.json"}); err == nil || !strings.Contains(err.Error(), `"document"`) {
		t.Errorf("generate(document member) = %v, want an error naming the type", err)
	}
}

func TestGenerateRejectsBoundMembers(t *testing.T) {
	m, err := apimodel.Parse([]byte(`{"metadata":{"protocol":"rest-json"},"operations":{"Op":{"http":{"method":"GET","requestUri":"/x/{id}"},"input":{"shape":"In"}}},` +
		`"shapes":{"In":{"type":"structure","members":{"id":{"shape":"S","location":"uri","locationName":"id"}}},"S":{"type":"string"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := generate(m, table{model: "test.json", prefix: "test"}); err == nil || !strings.Contains(err.Error(), "In.id") {
		t.Errorf("generate(uri member) = %v, want an error naming the member", err)
	}
}
