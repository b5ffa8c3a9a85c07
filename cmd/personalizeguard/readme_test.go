package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadmeSynopsisFlags checks every flag README.md gives in a
// "personalizeguard COMMAND ..." synopsis line against that command's -h,
// so that the README's synopses cannot name a flag the command lacks.
func TestReadmeSynopsisFlags(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lineRE := regexp.MustCompile(`(?m)^personalizeguard (scan|pseudonymize|audit|policy key|policy bucket|policy role)\b(.*(?:\n {20,}.*)*)`)
	flagRE := regexp.MustCompile(`(?:^|[\s\[(|])(-[a-z][a-z-]*)`)
	var missing []string
	checked := 0
	for _, m := range lineRE.FindAllStringSubmatch(string(b), -1) {
		cmdArgs := append(strings.Fields(m[1]), "-h")
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), cmdArgs, &stdout, &stderr); code != 0 {
			t.Fatalf("%q = %d, want 0\n%s", cmdArgs, code, stderr.String())
		}
		synopsis := strings.SplitN(m[2], "#", 2)[0] // a trailing comment is prose
		for _, f := range flagRE.FindAllStringSubmatch(synopsis, -1) {
			checked++
			if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(f[1]) + `\b`).MatchString(stdout.String()) {
				missing = append(missing, m[1]+" "+f[1])
			}
		}
	}
	if checked < 20 {
		t.Fatalf("checked only %d flags in README.md's synopses; the extraction is broken", checked)
	}
	if diff := cmp.Diff([]string(nil), missing); diff != "" {
		t.Errorf("README.md's synopses name flags the command lacks (-want +got):\n%s", diff)
	}
}
