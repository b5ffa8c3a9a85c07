package personalizeevents

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/dataplanegen"
)

// TestGenerated regenerates the table and the golden listing from the
// model and diffs them with the files in the tree: run go generate after a
// model or rule change, and review the golden file's diff.
func TestGenerated(t *testing.T) {
	src, golden, err := dataplanegen.Generate("personalize-events-2018-03-22.json", "personalizeevents")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		path string
		want []byte
	}{{"table_gen.go", src}, {"testdata/fields.golden", golden}} {
		got, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(f.want), string(got)); diff != "" {
			t.Errorf("%s is not what go generate writes (-want +got):\n%s", f.path, diff)
		}
	}
}
