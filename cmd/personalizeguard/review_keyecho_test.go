package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestReviewScanNamedObjectKeyNotEchoed (review, low): a key named on the
// command line was printed as given (sources[].source, its report's
// resource, the errors on stderr), where the same key listed under a prefix
// is masked; so was a prefix holding an e-mail address. Every source is
// shown by a name that masks what the detector finds in it.
func TestReviewScanNamedObjectKeyNotEchoed(t *testing.T) {
	tests := []struct {
		name string
		args []string
		deny string // an S3 operation personalizetest refuses
		want int
	}{
		{"json", []string{"scan", "-format", "json", "s3://$BUCKET/named/jane.doe@example.com.csv"}, "", exitOK},
		{"table", []string{"scan", "s3://$BUCKET/named/jane.doe@example.com.csv"}, "", exitOK},
		{"table, read denied", []string{"scan", "s3://$BUCKET/named/jane.doe@example.com.csv"}, "GetObject", exitError},
		{"json, head denied", []string{"scan", "-format", "json", "s3://$BUCKET/named/jane.doe@example.com.csv"}, "HeadObject", exitError},
		{"table, a prefix", []string{"scan", "s3://$BUCKET/named/jane.doe@example.com/"}, "", exitError},
		{"json, a prefix", []string{"scan", "-format", "json", "s3://$BUCKET/named/jane.doe@example.com/"}, "", exitError},
		{"percent-encoded", []string{"scan", "s3://$BUCKET/named/jane.doe%40example.com.csv"}, "", exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newS3Env(t)
			if tt.deny != "" {
				e.srv.Deny(personalizetest.ServiceS3, tt.deny)
			}
			code := e.run(tt.args...)
			out := e.output(true)
			type outcome struct {
				Code   int
				Echoed bool
			}
			got := outcome{code, strings.Contains(out, "jane.doe") || strings.Contains(out, "example.com")}
			if diff := cmp.Diff(outcome{tt.want, false}, got); diff != "" {
				t.Errorf("(-want +got):\n%s\n%s", diff, out)
			}
		})
	}
}

// TestReviewScanFileNameNotEchoed: the same for local files, whose name or
// directory holds an e-mail address, scanned, dirty, missing or malformed.
func TestReviewScanFileNameNotEchoed(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"dirty, table", []string{"scan", "$DIR/jane.doe@example.com.csv"}, exitFindings},
		{"dirty, json", []string{"scan", "-format", "json", "$DIR/jane.doe@example.com.csv"}, exitFindings},
		{"in a directory", []string{"scan", "$DIR/jane.doe@example.com/clean.csv"}, exitOK},
		{"missing", []string{"scan", "$DIR/john.roe@example.com.csv"}, exitError},
		{"malformed", []string{"scan", "-format", "json", "$DIR/jane.doe@example.com/broken.csv"}, exitError},
		{"schema missing", []string{"scan", "-schema", "$DIR/jane.doe@example.com/schema.json", "$DIR/clean.csv"}, exitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.write(t, "jane.doe@example.com.csv", dirtyCSV, 0o600)
			if err := os.Mkdir(filepath.Join(e.dir, "jane.doe@example.com"), 0o700); err != nil {
				t.Fatal(err)
			}
			e.write(t, "jane.doe@example.com/clean.csv", cleanCSV, 0o600)
			e.write(t, "jane.doe@example.com/broken.csv", brokenCSV, 0o600)
			code := e.run(tt.args...)
			out := e.output(true)
			type outcome struct {
				Code   int
				Echoed bool
			}
			got := outcome{code, strings.Contains(out, "example.com")}
			if diff := cmp.Diff(outcome{tt.want, false}, got); diff != "" {
				t.Errorf("(-want +got):\n%s\n%s", diff, out)
			}
		})
	}
}
