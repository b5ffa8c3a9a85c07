package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"
)

// TestRed12SideFilesBounded (red12 defect): -schema and -sealed-key name
// small files (Personalize's schemas are at most 20,000 characters; a sealed
// key is a few hundred bytes), yet the command read them whole, whatever
// their size: -schema /dev/zero, or a mistyped path to a dataset, grew its
// memory without bound. Each is refused as too large, with exit status 3,
// after reading a bounded prefix.
func TestRed12SideFilesBounded(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: 256 MiB of zeros that take no disk.
	if err := f.Truncate(256 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	in := filepath.Join(dir, "in.csv")
	if err := os.WriteFile(in, []byte("USER_ID,ITEM_ID\nu1,i1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noAWS := func(context.Context, string) (aws.Config, error) {
		return aws.Config{}, errors.New("no AWS in this test")
	}
	tests := []struct {
		name string
		args []string
	}{
		{"scan -schema", []string{"scan", "-schema", big, in}},
		{"pseudonymize -schema", []string{"pseudonymize", "-key-file", big, "-schema", big, in, filepath.Join(dir, "out.csv")}},
		{"pseudonymize -sealed-key", []string{"pseudonymize", "-sealed-key", big, "-kms-key-arn",
			"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", in, filepath.Join(dir, "out.csv")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			c := &command{stdout: &stdout, stderr: &stderr, awsConfig: noAWS}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			code := c.run(context.Background(), tt.args)
			runtime.ReadMemStats(&after)
			type outcome struct {
				Code      int
				Allocated bool // more than 32 MiB allocated
			}
			got := outcome{code, after.TotalAlloc-before.TotalAlloc > 32<<20}
			if diff := cmp.Diff(outcome{exitError, false}, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nallocated %d MiB\nstderr: %s", diff, (after.TotalAlloc-before.TotalAlloc)>>20, &stderr)
			}
		})
	}
}
