package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReviewKeyFilePassphraseRefused: a 32-byte passphrase is refused as a
// -key-file however it was saved, and the message says why without
// printing it.
func TestReviewKeyFilePassphraseRefused(t *testing.T) {
	for name, key := range map[string]string{
		"echo of a passphrase":      "Tr0ub4dor&3-horse-battery-stapl\n",
		"passphrase, CRLF":          "Tr0ub4dor&3-horse-battery-stap\r\n",
		"passphrase with an umlaut": "Passwort-für-die-Pseudonyme-202",
		// Review: text not in UTF-8 was taken as a key.
		"Windows-1252, CRLF": "Passwort-f\xfcr-die-Pseudonyme-22\r\n",
		"C string":           "Tr0ub4dor&3-horse-battery-stapl\x00",
		// Windows PowerShell 5.1: "sunflowerjack" > key.bin.
		"UTF-16LE with a BOM": "\xff\xfes\x00u\x00n\x00f\x00l\x00o\x00w\x00e\x00r\x00j\x00a\x00c\x00k\x00\r\x00\n\x00",
	} {
		t.Run(name, func(t *testing.T) {
			if len(key) != 32 {
				t.Fatalf("the key is %d bytes", len(key))
			}
			e := newEnv(t)
			kf := filepath.Join(e.dir, "pass.key")
			if err := os.WriteFile(kf, []byte(key), 0o600); err != nil {
				t.Fatal(err)
			}
			if code := e.run("pseudonymize", "-key-file", kf, "$DIR/clean.csv", "$DIR/out.csv"); code != exitError {
				t.Errorf("a 32-byte passphrase as -key-file: exit %d, want %d (refused)\nstdout: %s\nstderr: %s", code, exitError, &e.stdout, &e.stderr)
			}
			if !strings.Contains(e.stderr.String(), "the key file holds text") {
				t.Errorf("stderr = %q, want it to say the key file holds text", &e.stderr)
			}
			for _, part := range []string{"Tr0ub4dor", "horse", "Passwort", "Pseudonyme", "s\x00u\x00n", "sunflower"} {
				if strings.Contains(e.output(true), part) {
					t.Errorf("the output holds %q of the passphrase: %s", part, e.output(true))
				}
			}
			if _, err := os.Stat(filepath.Join(e.dir, "out.csv")); !os.IsNotExist(err) {
				t.Errorf("OUT was written (stat: %v)", err)
			}
		})
	}
}
