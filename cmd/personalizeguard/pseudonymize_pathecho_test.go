package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPseudonymizePathNotEchoed (review): pseudonymize printed a local path
// whole in its errors, though a segment of it held an address (an export
// named after a customer): a missing or malformed IN, a bad -sealed-key, a
// -key-file short, open to others, missing or holding text, and OUT in a
// missing directory. Each error masks the segment as shownName does.
func TestPseudonymizePathNotEchoed(t *testing.T) {
	const arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	const jane = "$DIR/jane.doe@example.com/"
	tests := []struct {
		name string
		args []string
	}{
		{"IN missing", []string{"-key-file", "$DIR/key.bin", "$DIR/john.roe@example.com.csv", "$DIR/out.csv"}},
		{"IN malformed", []string{"-key-file", "$DIR/key.bin", jane + "broken.csv", "$DIR/out.csv"}},
		{"IN malformed, -drop-flagged", []string{"-key-file", "$DIR/key.bin", "-drop-flagged", jane + "broken.csv", "$DIR/out.csv"}},
		{"-sealed-key not JSON", []string{"-sealed-key", jane + "sealed.json", "-kms-key-arn", arn, "$DIR/clean.csv", "$DIR/out.csv"}},
		{"-key-file short", []string{"-key-file", jane + "short.key", "$DIR/clean.csv", "$DIR/out.csv"}},
		{"-key-file open to others", []string{"-key-file", jane + "open.key", "$DIR/clean.csv", "$DIR/out.csv"}},
		{"-key-file missing", []string{"-key-file", jane + "missing.key", "$DIR/clean.csv", "$DIR/out.csv"}},
		{"-key-file holds text", []string{"-key-file", jane + "text.key", "$DIR/clean.csv", "$DIR/out.csv"}},
		{"OUT's directory missing", []string{"-key-file", "$DIR/key.bin", "$DIR/clean.csv", "$DIR/john.roe@example.com/out.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if err := os.Mkdir(filepath.Join(e.dir, "jane.doe@example.com"), 0o700); err != nil {
				t.Fatal(err)
			}
			e.write(t, "jane.doe@example.com/broken.csv", brokenCSV, 0o600)
			e.write(t, "jane.doe@example.com/sealed.json", "not JSON", 0o600)
			e.write(t, "jane.doe@example.com/short.key", "0123456789abcdef", 0o600)
			e.write(t, "jane.doe@example.com/open.key", testFileKey, 0o644)
			e.write(t, "jane.doe@example.com/text.key", "Tr0ub4dor&3-horse-battery-stapl\n", 0o600)
			code := e.run(append([]string{"pseudonymize"}, tt.args...)...)
			out := e.output(true)
			type outcome struct {
				Code    int
				Holding []string
			}
			want := outcome{Code: exitError}
			got := outcome{code, holding(out, []string{"jane.doe", "john.roe"})}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\noutput: %q", diff, out)
			}
		})
	}
}
