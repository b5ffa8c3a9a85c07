package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed12PseudonymizeOutNotAFile (red12 defect): OUT is written to a
// temporary file and renamed over, so an OUT that is a symlink, a FIFO or a
// device was replaced by a regular file rather than written through: run as
// root, "pseudonymize ... in.csv /dev/null" (or /dev/stdout, a link) would
// replace the system's /dev/null with the dataset. An OUT that exists and
// is not a regular file is refused before anything is read or written.
func TestRed12PseudonymizeOutNotAFile(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, dir, out string)
	}{
		{"symlink to a file", func(t *testing.T, dir, out string) {
			if err := os.WriteFile(filepath.Join(dir, "target.csv"), []byte("keep\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(dir, "target.csv"), out); err != nil {
				t.Fatal(err)
			}
		}},
		{"dangling symlink", func(t *testing.T, dir, out string) {
			if err := os.Symlink(filepath.Join(dir, "nowhere"), out); err != nil {
				t.Fatal(err)
			}
		}},
		{"FIFO", func(t *testing.T, _, out string) {
			if err := syscall.Mkfifo(out, 0o600); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}},
		{"directory", func(t *testing.T, _, out string) {
			if err := os.Mkdir(out, 0o700); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			out := filepath.Join(e.dir, "out.csv")
			tt.make(t, e.dir, out)
			before, err := os.Lstat(out)
			if err != nil {
				t.Fatal(err)
			}
			code := e.run("pseudonymize", "-key-file", "$DIR/key.bin", "$DIR/clean.csv", out)
			after, err := os.Lstat(out)
			type outcome struct {
				Code      int
				Unchanged bool
			}
			got := outcome{code, err == nil && after.Mode() == before.Mode() && os.SameFile(before, after)}
			if diff := cmp.Diff(outcome{exitUsage, true}, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nstderr: %s", diff, &e.stderr)
			}
			if b, err := os.ReadFile(filepath.Join(e.dir, "target.csv")); err == nil && string(b) != "keep\n" {
				t.Errorf("the link's target was written: %q", b)
			}
			if leftovers, _ := filepath.Glob(filepath.Join(e.dir, ".out.csv.*")); len(leftovers) > 0 {
				t.Errorf("temporary files left behind: %q", leftovers)
			}
		})
	}
}
