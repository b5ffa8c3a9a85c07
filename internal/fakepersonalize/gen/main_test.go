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
	m, err := apimodel.Load(apimodel.Personalize)
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(m)
	if err != nil {
		t.Fatalf("generate() = %v", err)
	}
	got, err := os.ReadFile("../rules_gen.go")
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
				t.Fatalf("rules_gen.go is stale at line %d; run go generate ./internal/fakepersonalize\n-want %s\n+got  %s", i+1, w, g)
			}
		}
	}
}

func TestGenerateRejectsUnknownTypes(t *testing.T) {
	m, err := apimodel.Parse([]byte(`{"operations":{"Op":{"input":{"shape":"In"}}},"shapes":{"In":{"type":"structure","members":{"d":{"shape":"D"}}},"D":{"type":"document"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := generate(m); err == nil || !strings.Contains(err.Error(), `"document"`) {
		t.Errorf("generate(document member) = %v, want an error naming the type", err)
	}
}
