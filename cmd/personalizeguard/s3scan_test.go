package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/datascan"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// s3Env is a personalizetest server with a dirty scene, five clean objects
// under clean/ and one under a key holding an e-mail address, and a command
// whose AWS configuration comes from the environment, pointed at the server
// by AWS_ENDPOINT_URL and AWS_CA_BUNDLE as a user would point it.
type s3Env struct {
	*env
	srv   *personalizetest.Server
	scene personalizetest.Scene
	// cleanBytes is the size of the clean/ objects together.
	cleanBytes int64
}

// cleanObjects are the clean/ prefix's objects, in listing order.
var cleanObjects = []string{"clean/part-0.csv", "clean/part-1.csv", "clean/part-2.csv", "clean/part-3.csv", "clean/part-4.csv"}

func newS3Env(t *testing.T, optFns ...func(*personalizetest.Options)) *s3Env {
	t.Helper()
	ctx := context.Background()
	srv := personalizetest.New(t, optFns...)
	scene, err := srv.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.Dirty = true })
	if err != nil {
		t.Fatal(err)
	}
	e := &s3Env{env: newEnv(t), srv: srv, scene: scene}
	client := s3.NewFromConfig(srv.Config())
	put := func(key, body string) {
		t.Helper()
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &scene.Bucket, Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	for i, key := range cleanObjects {
		body := personalizetest.InteractionsCSV + fmt.Sprintf("user-%d,item-%d,1700009999\n", 10+i, i)
		put(key, body)
		e.cleanBytes += int64(len(body))
	}
	put("clean/folder/", "") // a folder marker: not a file of the dataset
	put("empty/", "")        // a prefix of nothing but a marker
	put("named/jane.doe@example.com.csv", personalizetest.InteractionsCSV)

	e.write(t, "ca.pem", string(srv.CACertPEM()), 0o644)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL":            srv.URL(),
		"AWS_CA_BUNDLE":               filepath.Join(e.dir, "ca.pem"),
		"AWS_REGION":                  personalizetest.Region,
		"AWS_ACCESS_KEY_ID":           personalizetest.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":       personalizetest.SecretAccessKey,
		"AWS_SESSION_TOKEN":           "",
		"AWS_PROFILE":                 "",
		"AWS_MAX_ATTEMPTS":            "1",
		"AWS_CONFIG_FILE":             filepath.Join(e.dir, "no-config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(e.dir, "no-credentials"),
	} {
		t.Setenv(k, v)
	}
	e.cmd.awsConfig = loadAWSConfig
	e.cmd.s3PageSize = 2 // five objects and a marker take three pages
	srv.ResetRequests()
	return e
}

func (e *s3Env) run(args ...string) int {
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "$BUCKET", e.scene.Bucket)
	}
	return e.env.run(args...)
}

// s3Secrets are values of the scene's dirty objects and of a key.
var s3Secrets = []string{"alice.smith", "bob.jones", "example.org", "4242", "5105", "jane.doe"}

func TestScanS3ExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		deny   string // an S3 operation personalizetest answers with AccessDenied
		want   int
		stdout string // a substring
		stderr string // a substring
	}{
		{name: "clean prefix", args: []string{"scan", "s3://$BUCKET/clean/"}, want: exitOK,
			stdout: "s3://$BUCKET/clean/: 5 objects, 25 rows"},
		{name: "clean object", args: []string{"scan", "s3://$BUCKET/interactions.csv"}, want: exitOK, stdout: "s3://$BUCKET/interactions.csv: 4 rows"},
		{name: "dirty prefix", args: []string{"scan", "s3://$BUCKET/dirty/"}, want: exitFindings, stdout: "datascan.identifier.email"},
		{name: "dirty items", args: []string{"scan", "s3://$BUCKET/dirty/items.csv"}, want: exitFindings, stdout: "datascan.column.credit-card"},
		{name: "dirty among clean, with a file", args: []string{"scan", "$DIR/clean.csv", "s3://$BUCKET/clean/", "s3://$BUCKET/dirty/interactions.csv"},
			want: exitFindings},
		{name: "whole bucket", args: []string{"scan", "s3://$BUCKET"}, want: exitFindings, stdout: "s3://$BUCKET: 9 objects"},
		{name: "key holding an e-mail address", args: []string{"scan", "s3://$BUCKET/named/"}, want: exitOK,
			stdout: "s3://$BUCKET/(object 1 of the listing: its key holds an identifying value)"},
		{name: "listing denied", args: []string{"scan", "s3://$BUCKET/clean/"}, deny: "ListObjectsV2", want: exitError,
			stderr: "access denied: ListObjectsV2 needs s3:ListBucket on arn:aws:s3:::$BUCKET"},
		{name: "read denied", args: []string{"scan", "s3://$BUCKET/clean/"}, deny: "GetObject", want: exitError,
			stderr: "access denied: GetObject needs s3:GetObject"},
		{name: "read denied beats findings", args: []string{"scan", "s3://$BUCKET/dirty/", "s3://$BUCKET/clean/"}, deny: "GetObject", want: exitError,
			stderr: "5 of 5 objects not scanned"},
		{name: "head denied", args: []string{"scan", "s3://$BUCKET/interactions.csv"}, deny: "HeadObject", want: exitError,
			stderr: "access denied: HeadObject needs s3:GetObject"},
		{name: "no such object", args: []string{"scan", "s3://$BUCKET/nope.csv"}, want: exitError, stderr: "HeadObject"},
		{name: "no such bucket", args: []string{"scan", "s3://personalizetest-nope/"}, want: exitError, stderr: "ListObjectsV2"},
		{name: "nothing under the prefix", args: []string{"scan", "s3://$BUCKET/empty/"}, want: exitError, stderr: "no object under the prefix"},
		{name: "schema does not fit", args: []string{"scan", "-schema", "$DIR/schema.json", "s3://$BUCKET/dirty/items.csv"}, want: exitError, stderr: "schema"},
		{name: "credentials in the location", args: []string{"scan", "s3://AKIAIOSFODNN7EXAMPLE@$BUCKET/x.csv"}, want: exitUsage, stderr: "argument 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newS3Env(t)
			if tt.deny != "" {
				e.srv.Deny(personalizetest.ServiceS3, tt.deny)
			}
			got := e.run(tt.args...)
			if got != tt.want {
				t.Errorf("run(%q) = %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.args, got, tt.want, &e.stdout, &e.stderr)
			}
			stdout, stderr := strings.ReplaceAll(tt.stdout, "$BUCKET", e.scene.Bucket), strings.ReplaceAll(tt.stderr, "$BUCKET", e.scene.Bucket)
			if !strings.Contains(e.stdout.String(), stdout) {
				t.Errorf("stdout does not hold %q:\n%s", stdout, &e.stdout)
			}
			if !strings.Contains(e.stderr.String(), stderr) {
				t.Errorf("stderr does not hold %q:\n%s", stderr, &e.stderr)
			}
			for _, s := range holding(e.output(true), s3Secrets) {
				t.Errorf("the output holds %q, part of a value", s)
			}
			for _, r := range e.srv.Requests() {
				if r.Service == personalizetest.ServiceS3 && r.Operation != "ListObjectsV2" && r.Operation != "HeadObject" && r.Operation != "GetObject" {
					t.Errorf("scan called S3 %s; it only lists and reads", r.Operation)
				}
				if r.TLSVersion < tls.VersionTLS12 {
					t.Errorf("%s went over TLS %#x", r.Operation, r.TLSVersion)
				}
			}
		})
	}
}

// TestScanS3JSON checks the JSON output of a file, a clean prefix listed in
// three pages and a dirty prefix: every object is one of "files", and each
// prefix's merged report is one of "sources".
func TestScanS3JSON(t *testing.T) {
	e := newS3Env(t)
	if got := e.run("scan", "-format", "json", "-parallel", "3", "$DIR/clean.csv", "s3://$BUCKET/clean/", "s3://$BUCKET/dirty/"); got != exitFindings {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", got, exitFindings, &e.stderr)
	}
	var out scanOutput
	if err := json.Unmarshal(e.stdout.Bytes(), &out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, &e.stdout)
	}
	type file struct {
		File     string
		Rows     int64
		Verdicts []datascan.Verdict
		IDs      []string
	}
	type source struct {
		Source   string
		Objects  int
		Rows     int64
		Bytes    int64
		Verdicts []datascan.Verdict
		Kinds    []map[string]int64
	}
	var gotFiles []file
	for _, f := range out.Files {
		if f.Error != "" {
			t.Fatalf("%s: %s", f.File, f.Error)
		}
		g := file{File: strings.TrimPrefix(f.File, e.dir+"/"), Rows: f.Report.Rows, IDs: f.Findings.IDs()}
		for _, c := range f.Report.Columns {
			g.Verdicts = append(g.Verdicts, c.Verdict)
		}
		gotFiles = append(gotFiles, g)
	}
	var gotSources []source
	for _, s := range out.Sources {
		if s.Error != "" || s.Report == nil {
			t.Fatalf("%s: no report (%s)", s.Source, s.Error)
		}
		g := source{Source: s.Source, Objects: s.Objects, Rows: s.Report.Rows, Bytes: s.Report.Bytes}
		for _, c := range s.Report.Columns {
			g.Verdicts = append(g.Verdicts, c.Verdict)
			kinds := map[string]int64{}
			for k, n := range c.Kinds {
				kinds[string(k)] = n
			}
			g.Kinds = append(g.Kinds, kinds)
		}
		gotSources = append(gotSources, g)
	}

	b := "s3://" + e.scene.Bucket + "/"
	clean := []datascan.Verdict{"clean", "clean", "clean"}
	wantFiles := []file{{File: "clean.csv", Rows: 2, Verdicts: []datascan.Verdict{"clean", "clean", "clean", "clean"}, IDs: []string{}}}
	for _, key := range cleanObjects {
		wantFiles = append(wantFiles, file{File: b + key, Rows: 5, Verdicts: clean, IDs: []string{}})
	}
	wantFiles = append(wantFiles,
		file{File: b + "dirty/interactions.csv", Rows: 4, Verdicts: []datascan.Verdict{"pseudonymize", "clean", "clean"},
			IDs: []string{"datascan.identifier.email"}},
		file{File: b + "dirty/items.csv", Rows: 4, Verdicts: []datascan.Verdict{"clean", "identifying"},
			IDs: []string{"datascan.column.credit-card"}})
	none := map[string]int64{}
	wantSources := []source{
		{Source: b + "clean/", Objects: 5, Rows: 25, Bytes: e.cleanBytes, Verdicts: clean, Kinds: []map[string]int64{none, none, none}},
		{Source: b + "dirty/", Objects: 2, Rows: 8, Bytes: int64(len(personalizetest.DirtyInteractionsCSV) + len(personalizetest.DirtyItemsCSV)),
			Verdicts: []datascan.Verdict{"pseudonymize", "clean", "clean", "identifying"},
			Kinds:    []map[string]int64{{"email": 4}, none, none, {"credit-card": 4}}},
	}
	if diff := cmp.Diff(wantFiles, gotFiles); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantSources, gotSources); diff != "" {
		t.Errorf("sources mismatch (-want +got):\n%s", diff)
	}
	if !out.Blocking {
		t.Error(`"blocking" is false`)
	}
	for _, s := range holding(e.output(false), s3Secrets) {
		t.Errorf("the JSON output holds %q, part of a value", s)
	}
	var pages int
	for _, r := range e.srv.Requests() {
		if r.Operation == "ListObjectsV2" {
			pages++
		}
	}
	// clean/ holds five objects and a marker, two a page; dirty/ two. The
	// emulator, as S3 may, marks a full last page truncated and answers one
	// more, empty.
	if pages < 4 {
		t.Errorf("%d ListObjectsV2 pages, want at least 4", pages)
	}
}

// TestScanS3Transport: the command sends only over https, at TLS 1.2 or
// later, whatever the environment says.
func TestScanS3Transport(t *testing.T) {
	t.Run("http endpoint", func(t *testing.T) {
		e := newS3Env(t)
		t.Setenv("AWS_ENDPOINT_URL", strings.Replace(e.srv.URL(), "https://", "http://", 1))
		if got := e.run("scan", "s3://$BUCKET/clean/"); got != exitError || !strings.Contains(e.stderr.String(), "https") {
			t.Errorf("exit status %d, want %d with an https error; stderr:\n%s", got, exitError, &e.stderr)
		}
		if n := len(e.srv.Requests()); n != 0 {
			t.Errorf("%d requests reached the server", n)
		}
	})
	t.Run("TLS 1.1 endpoint", func(t *testing.T) {
		e := newS3Env(t)
		old := personalizetest.New(t, func(o *personalizetest.Options) {
			o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS10, tls.VersionTLS11
		})
		e.write(t, "old-ca.pem", string(old.CACertPEM()), 0o644)
		t.Setenv("AWS_ENDPOINT_URL", old.URL())
		t.Setenv("AWS_CA_BUNDLE", filepath.Join(e.dir, "old-ca.pem"))
		if got := e.run("scan", "s3://$BUCKET/clean/"); got != exitError || !strings.Contains(e.stderr.String(), "TLS 1.2") {
			t.Errorf("exit status %d, want %d with a TLS error; stderr:\n%s", got, exitError, &e.stderr)
		}
		if n := len(old.Requests()); n != 0 {
			t.Errorf("%d requests reached the TLS 1.1 server", n)
		}
	})
}

// TestScanS3Progress: on a terminal, the line's total is the listing's.
func TestScanS3Progress(t *testing.T) {
	e := newS3Env(t)
	var stderr bytes.Buffer
	e.cmd.stderr, e.cmd.progress = &stderr, true
	if got := e.run("scan", "-parallel", "1", "s3://$BUCKET/clean/"); got != exitOK {
		t.Fatalf("exit status %d; stderr:\n%s", got, &stderr)
	}
	if want := " of " + size(e.cleanBytes) + " ("; !strings.Contains(stderr.String(), want) {
		t.Errorf("progress output %q does not hold %q", stderr.String(), want)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "out.csv")); err == nil {
		t.Error("scan wrote a file")
	}
}

// TestScanS3MaxKeys: a prefix listed past -max-keys is an error (exit
// status 3) and nothing of it is scanned: a scan of the first part of what
// an import reads would pass what it never saw.
func TestScanS3MaxKeys(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		want   int
		stderr string
	}{
		{name: "within the bound", args: []string{"scan", "-max-keys", "6", "s3://$BUCKET/clean/"}, want: exitOK},
		{name: "past the bound", args: []string{"scan", "-max-keys", "3", "s3://$BUCKET/clean/"}, want: exitError,
			stderr: "s3://$BUCKET/clean/: the prefix holds more than 3 keys (-max-keys)"},
		{name: "no bound", args: []string{"scan", "-max-keys", "0", "s3://$BUCKET/clean/"}, want: exitUsage, stderr: "-max-keys must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newS3Env(t)
			e.cmd.s3PageSize = 2 // clean/ holds 6 keys: three pages
			if got := e.run(tt.args...); got != tt.want {
				t.Errorf("run(%q) = %d, want %d\nstderr:\n%s", tt.args, got, tt.want, &e.stderr)
			}
			if want := strings.ReplaceAll(tt.stderr, "$BUCKET", e.scene.Bucket); !strings.Contains(e.stderr.String(), want) {
				t.Errorf("stderr does not hold %q:\n%s", want, &e.stderr)
			}
			for _, r := range e.srv.Requests() {
				if tt.want != exitOK && r.Operation == "GetObject" {
					t.Errorf("an object was read although the listing was refused")
				}
			}
		})
	}
}
