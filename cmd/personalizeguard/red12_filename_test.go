package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed12ScanFileNameControlChars (red12 defect): scan takes file names
// from a shell glob over a directory someone else filled; a name holding
// terminal control sequences ("\x1b]0;...\x07", "\x1b[2J", a CR that
// rewrites the line) was printed raw in the table, its findings and its
// errors, where S3 keys are quoted. No output holds a control character.
func TestRed12ScanFileNameControlChars(t *testing.T) {
	names := []string{"a\x1b]0;owned\x07.csv", "b\x1b[2J.csv", "c\rclean: 0 rows.csv", "d\u202eelif.csv"}
	for _, format := range []string{"table", "json"} {
		for _, exists := range []bool{true, false} {
			for _, name := range names {
				t.Run(format+"/"+strings.ToValidUTF8(strings.Map(printableOr, name), "?")+map[bool]string{true: "", false: "/missing"}[exists], func(t *testing.T) {
					e := newEnv(t)
					path := filepath.Join(e.dir, name)
					if exists {
						if err := os.WriteFile(path, []byte(dirtyCSV), 0o600); err != nil {
							t.Skip("file system refuses the name:", err)
						}
					}
					code := e.run("scan", "-format", format, path)
					out := e.stdout.String() + e.stderr.String()
					var bad []string
					for _, r := range out {
						if r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || r == '\u202e') {
							bad = append(bad, string(r))
						}
					}
					want := exitFindings
					if !exists {
						want = exitError
					}
					type outcome struct {
						Code    int
						Control []string
					}
					if diff := cmp.Diff(outcome{want, nil}, outcome{code, bad}); diff != "" {
						t.Errorf("(-want +got):\n%s\n%q", diff, out)
					}
				})
			}
		}
	}
}

func printableOr(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return '?'
	}
	return r
}

// TestRed12PseudonymizeFileNameControlChars: the same for pseudonymize's
// IN, OUT and -schema, and scan's -schema, present or missing.
func TestRed12PseudonymizeFileNameControlChars(t *testing.T) {
	const evil = "x\x1b]0;owned\x07\r.csv"
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"IN and OUT", []string{"pseudonymize", "-key-file", "$DIR/key.bin", "$DIR/in" + evil, "$DIR/out" + evil}, exitOK},
		{"IN missing", []string{"pseudonymize", "-key-file", "$DIR/key.bin", "$DIR/missing" + evil, "$DIR/out.csv"}, exitError},
		{"IN malformed", []string{"pseudonymize", "-key-file", "$DIR/key.bin", "$DIR/broken" + evil, "$DIR/out.csv"}, exitError},
		{"-schema missing", []string{"pseudonymize", "-key-file", "$DIR/key.bin", "-schema", "$DIR/s" + evil, "$DIR/in" + evil, "$DIR/out.csv"}, exitError},
		{"scan -schema missing", []string{"scan", "-schema", "$DIR/s" + evil, "$DIR/in" + evil}, exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if err := os.WriteFile(filepath.Join(e.dir, "in"+evil), []byte(cleanCSV), 0o600); err != nil {
				t.Skip("file system refuses the name:", err)
			}
			if err := os.WriteFile(filepath.Join(e.dir, "broken"+evil), []byte(brokenCSV), 0o600); err != nil {
				t.Fatal(err)
			}
			code := e.run(tt.args...)
			out := e.stdout.String() + e.stderr.String()
			var bad []string
			for _, r := range out {
				if r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f) {
					bad = append(bad, string(r))
				}
			}
			type outcome struct {
				Code    int
				Control []string
			}
			if diff := cmp.Diff(outcome{tt.want, nil}, outcome{code, bad}); diff != "" {
				t.Errorf("(-want +got):\n%s\n%q", diff, out)
			}
		})
	}
}
