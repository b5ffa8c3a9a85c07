package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
)

// TestTableUpToDate regenerates personalize/table_gen.go in memory and fails
// on any difference, so a model or generator change without a regeneration
// fails CI.
func TestTableUpToDate(t *testing.T) {
	m, err := apimodel.Load(apimodel.Personalize)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generate(m, apimodel.Personalize, "personalize")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../personalize/table_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("personalize/table_gen.go is stale (-committed +generated); run go generate ./personalize:\n%s", diff)
	}
}

// TestUnknownPatternStopsGenerator: a model pattern the guard has no
// matcher for is an error, never a field passed unchecked.
func TestUnknownPatternStopsGenerator(t *testing.T) {
	m, err := apimodel.Load(apimodel.Personalize)
	if err != nil {
		t.Fatal(err)
	}
	m.Shapes["Name"].Pattern = `^[a-z]+$`
	if _, err := Generate(m, apimodel.Personalize, "personalize"); err == nil || !strings.Contains(err.Error(), "no matcher") {
		t.Errorf("Generate with an unknown pattern = %v, want an error naming the missing matcher", err)
	}
}

// TestKebab: resource types are the ARN forms of operation names.
func TestKebab(t *testing.T) {
	for in, want := range map[string]string{"DatasetGroup": "dataset-group", "BatchInferenceJob": "batch-inference-job", "MetricAttribution": "metric-attribution"} {
		if got := kebab(in); got != want {
			t.Errorf("kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWalksUpToDate regenerates personalize/walk_gen.go in memory and fails
// on any difference: the typed walks must be those of this model and SDK.
func TestWalksUpToDate(t *testing.T) {
	m, err := apimodel.Load(apimodel.Personalize)
	if err != nil {
		t.Fatal(err)
	}
	got, err := GenerateWalks(m, apimodel.Personalize, "personalize")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../personalize/walk_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("personalize/walk_gen.go is stale (-committed +generated); run go generate ./personalize:\n%s", diff)
	}
}
