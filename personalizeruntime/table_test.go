package personalizeruntime

import (
	"testing"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
	"github.com/personalizeguard/personalizeguard/internal/dataplanegen"
)

// TestGenerated regenerates the table and the golden listing from the
// model and compares them with the files in the tree: after a model or rule
// change, run go generate and review the golden file's diff.
func TestGenerated(t *testing.T) {
	stale, err := dataplanegen.Stale(".", apimodel.PersonalizeRuntime, "personalizeruntime")
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Errorf("not what go generate writes: %v", stale)
	}
}
