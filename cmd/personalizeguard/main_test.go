package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/datascan"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

const (
	cleanCSV = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n" +
		"-3953814578718096702,5521339841007652318,1700000000,click\n" +
		"8812739912,-1,1700000060,purchase\n"
	dirtyCSV = "USER_ID,ITEM_ID,TIMESTAMP,NOTES\n" +
		"jane.doe@example.com,i1,1700000000,ok\n" +
		"u2,i2,1700000060,\"pay with 4111 1111 1111 1111\"\n"
	brokenCSV = "USER_ID,ITEM_ID\nu1,i1\nu2\n"
)

// secrets are the values of dirtyCSV that no output may hold.
var secrets = []string{"jane.doe", "example.com", "4111"}

// testFileKey is the key file's 32 bytes: fixed, so that runs compare,
// and random-looking, as pseudonym.NewKey asks of a key.
var testFileKey = func() string {
	k := sha256.Sum256([]byte("personalizeguard CLI test key"))
	return string(k[:])
}()

// env is a directory of inputs and a command that writes to buffers.
type env struct {
	dir            string
	stdout, stderr bytes.Buffer
	cmd            *command
}

// output is what the command printed to standard output, and to standard
// error too with stderr, with the temporary directory's name, which holds
// random digits ("4111" among them now and then), written $DIR.
func (e *env) output(stderr bool) string {
	out := e.stdout.String()
	if stderr {
		out += e.stderr.String()
	}
	return strings.ReplaceAll(out, e.dir, "$DIR")
}

// holding returns the values that output holds.
func holding(output string, values []string) []string {
	var out []string
	for _, v := range values {
		if strings.Contains(output, v) {
			out = append(out, v)
		}
	}
	return out
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{dir: t.TempDir()}
	e.cmd = &command{stdout: &e.stdout, stderr: &e.stderr, awsConfig: func(context.Context, string) (aws.Config, error) {
		t.Fatal("the command loaded an AWS config it did not need")
		return aws.Config{}, nil
	}}
	for name, content := range map[string]string{"clean.csv": cleanCSV, "dirty.csv": dirtyCSV, "broken.csv": brokenCSV,
		"items.csv": "ITEM_ID,GENRE\njane.doe@example.com,drama\n"} {
		e.write(t, name, content, 0o644)
	}
	e.write(t, "key.bin", testFileKey, 0o600)
	e.write(t, "open.key", testFileKey, 0o644)
	e.write(t, "short.key", strings.Repeat("k", 16), 0o600)
	e.write(t, "schema.json", `{"type":"record","name":"I","fields":[{"name":"USER_ID","type":"string"},
		{"name":"ITEM_ID","type":"string"},{"name":"TIMESTAMP","type":"long"},{"name":"EVENT_TYPE","type":"string"}]}`, 0o644)
	return e
}

func (e *env) write(t *testing.T, name, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(e.dir, name), []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(e.dir, name), mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func (e *env) run(args ...string) int {
	e.stdout.Reset()
	e.stderr.Reset()
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "$DIR", e.dir)
	}
	return e.cmd.run(context.Background(), args)
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		want   int
		stdout string // a substring
		stderr string // a substring
	}{
		{name: "no command", args: nil, want: exitUsage, stderr: "Usage:"},
		{name: "unknown command", args: []string{"audit-everything"}, want: exitUsage, stderr: "unknown command"},
		{name: "help", args: []string{"help"}, want: exitOK, stdout: "Usage:"},
		{name: "scan -h", args: []string{"scan", "-h"}, want: exitOK, stdout: "-format"},
		{name: "scan: bad flag", args: []string{"scan", "-colour", "$DIR/clean.csv"}, want: exitUsage, stderr: "-colour"},
		{name: "scan: no file", args: []string{"scan"}, want: exitUsage, stderr: "no FILE"},
		{name: "scan: bad format", args: []string{"scan", "-format", "xml", "$DIR/clean.csv"}, want: exitUsage, stderr: "table or json"},
		{name: "scan: bad s3 location", args: []string{"scan", "$DIR/clean.csv", "s3://Bad_Bucket/prefix/"}, want: exitUsage, stderr: "argument 2"},
		{name: "scan: clean", args: []string{"scan", "$DIR/clean.csv"}, want: exitOK, stdout: "clean"},
		{name: "scan: clean with schema", args: []string{"scan", "-schema", "$DIR/schema.json", "$DIR/clean.csv"}, want: exitOK},
		{name: "scan: dirty", args: []string{"scan", "$DIR/dirty.csv"}, want: exitFindings, stdout: "datascan.identifier.email"},
		{name: "scan: dirty among clean", args: []string{"scan", "$DIR/clean.csv", "$DIR/dirty.csv", "$DIR/clean.csv"}, want: exitFindings},
		{name: "scan: malformed", args: []string{"scan", "$DIR/clean.csv", "$DIR/broken.csv"}, want: exitError, stderr: "row 3"},
		{name: "scan: malformed beats dirty", args: []string{"scan", "$DIR/dirty.csv", "$DIR/broken.csv"}, want: exitError},
		{name: "scan: missing file", args: []string{"scan", "$DIR/nope.csv"}, want: exitError, stderr: "nope.csv"},
		{name: "scan: schema does not fit", args: []string{"scan", "-schema", "$DIR/schema.json", "$DIR/dirty.csv"}, want: exitError, stderr: "schema"},
		{name: "scan: bad schema file", args: []string{"scan", "-schema", "$DIR/clean.csv", "$DIR/clean.csv"}, want: exitError, stderr: "schema"},

		{name: "pseudonymize -h", args: []string{"pseudonymize", "-h"}, want: exitOK, stdout: "-sealed-key"},
		{name: "pseudonymize: no key", args: []string{"pseudonymize", "$DIR/clean.csv", "$DIR/out.csv"}, want: exitUsage, stderr: "exactly one"},
		{name: "pseudonymize: two keys", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "-sealed-key", "$DIR/s.json",
			"-kms-key-arn", "arn:aws:kms:us-east-1:111122223333:key/x", "$DIR/clean.csv", "$DIR/out.csv"}, want: exitUsage, stderr: "exactly one"},
		{name: "pseudonymize: sealed without ARN", args: []string{"pseudonymize", "-sealed-key", "$DIR/s.json", "$DIR/clean.csv", "$DIR/out.csv"},
			want: exitUsage, stderr: "-kms-key-arn"},
		{name: "pseudonymize: version 0", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "-key-version", "0", "$DIR/clean.csv", "$DIR/out.csv"},
			want: exitUsage, stderr: "-key-version"},
		{name: "pseudonymize: one argument", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "$DIR/clean.csv"}, want: exitUsage},
		{name: "pseudonymize: in place", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "$DIR/clean.csv", "$DIR/./clean.csv"},
			want: exitUsage, stderr: "same file"},
		{name: "pseudonymize: key readable by others", args: []string{"pseudonymize", "-key-file", "$DIR/open.key", "$DIR/clean.csv", "$DIR/out.csv"},
			want: exitError, stderr: "chmod 600"},
		{name: "pseudonymize: short key", args: []string{"pseudonymize", "-key-file", "$DIR/short.key", "$DIR/clean.csv", "$DIR/out.csv"},
			want: exitError, stderr: "32 raw bytes"},
		{name: "pseudonymize: refused", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "$DIR/dirty.csv", "$DIR/out.csv"},
			want: exitFindings, stderr: "-drop NOTES"},
		{name: "pseudonymize: refused item IDs", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "-drop-flagged",
			"$DIR/items.csv", "$DIR/out.csv"}, want: exitFindings, stderr: "catalogue IDs"},
		{name: "pseudonymize: malformed", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "$DIR/broken.csv", "$DIR/out.csv"},
			want: exitError, stderr: "row 3"},
		{name: "pseudonymize: clean", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "$DIR/clean.csv", "$DIR/out.csv"},
			want: exitOK, stdout: "pseudonymised USER_ID with key version 1"},
		{name: "pseudonymize: drop flagged", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "-key-version", "7", "-drop-flagged",
			"$DIR/dirty.csv", "$DIR/out.csv"}, want: exitOK, stdout: "key version 7; dropped NOTES"},
		{name: "pseudonymize: drop named", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "-drop", "NOTES, TIMESTAMP",
			"$DIR/dirty.csv", "$DIR/out.csv"}, want: exitOK, stdout: "dropped TIMESTAMP, NOTES"},
		{name: "pseudonymize: drop unknown", args: []string{"pseudonymize", "-key-file", "$DIR/key.bin", "-drop", "NOTE",
			"$DIR/dirty.csv", "$DIR/out.csv"}, want: exitError, stderr: "Options.Drop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if got := e.run(tt.args...); got != tt.want {
				t.Errorf("run(%q) = %d, want %d\nstdout:\n%s\nstderr:\n%s", tt.args, got, tt.want, &e.stdout, &e.stderr)
			}
			if !strings.Contains(e.stdout.String(), tt.stdout) {
				t.Errorf("stdout does not hold %q:\n%s", tt.stdout, &e.stdout)
			}
			if !strings.Contains(e.stderr.String(), tt.stderr) {
				t.Errorf("stderr does not hold %q:\n%s", tt.stderr, &e.stderr)
			}
			for _, s := range holding(e.output(true), secrets) {
				t.Errorf("the output holds %q, part of a value", s)
			}
			_, err := os.Stat(filepath.Join(e.dir, "out.csv"))
			if wrote := err == nil; wrote != (tt.want == exitOK && tt.args[0] == "pseudonymize" && tt.args[1] != "-h") {
				t.Errorf("out.csv written: %v", wrote)
			}
			if leftovers, _ := filepath.Glob(filepath.Join(e.dir, ".out.csv.*")); len(leftovers) > 0 {
				t.Errorf("temporary files left behind: %q", leftovers)
			}
		})
	}
}

func TestScanJSON(t *testing.T) {
	e := newEnv(t)
	if got := e.run("scan", "-format", "json", "-parallel", "2", "$DIR/dirty.csv", "$DIR/clean.csv", "$DIR/broken.csv"); got != exitError {
		t.Fatalf("exit status %d, want %d; stderr:\n%s", got, exitError, &e.stderr)
	}
	var out scanOutput
	if err := json.Unmarshal(e.stdout.Bytes(), &out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, &e.stdout)
	}
	type summary struct {
		File     string
		Verdicts []datascan.Verdict
		IDs      []string
		Error    bool
	}
	var got []summary
	for _, f := range out.Files {
		s := summary{File: filepath.Base(f.File), Error: f.Error != ""}
		if f.Report != nil {
			for _, c := range f.Report.Columns {
				s.Verdicts = append(s.Verdicts, c.Verdict)
			}
			s.IDs = f.Findings.IDs()
		}
		got = append(got, s)
	}
	want := []summary{
		{File: "dirty.csv", Verdicts: []datascan.Verdict{"pseudonymize", "clean", "clean", "identifying"},
			IDs: []string{"datascan.identifier.email", "datascan.column.credit-card"}},
		{File: "clean.csv", Verdicts: []datascan.Verdict{"clean", "clean", "clean", "clean"}, IDs: []string{}},
		{File: "broken.csv", Error: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON output mismatch (-want +got):\n%s", diff)
	}
	if !out.Blocking {
		t.Error(`"blocking" is false`)
	}
	for _, s := range holding(e.output(false), secrets) {
		t.Errorf("the JSON output holds %q, part of a value", s)
	}
}

// TestPseudonymizeMatchesDataPlane checks that the file's pseudonyms are the
// ones pseudonym.Pseudonymizer gives the data-plane clients, with a raw key
// file and with a key sealed under the in-process KMS.
func TestPseudonymizeMatchesDataPlane(t *testing.T) {
	ctx := context.Background()
	srv := personalizetest.New(t)
	client := kms.NewFromConfig(srv.Config())
	created, err := client.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(created.KeyMetadata.Arn)
	sealed, err := pseudonym.GenerateKey(ctx, client, arn, 4)
	if err != nil {
		t.Fatal(err)
	}
	sealedJSON, err := json.Marshal(sealed)
	if err != nil {
		t.Fatal(err)
	}
	sealedKey, err := pseudonym.LoadKey(ctx, client, arn, 4, sealed)
	if err != nil {
		t.Fatal(err)
	}
	fileKey, err := pseudonym.NewKey(1, []byte(testFileKey))
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name string
		args []string
		key  *pseudonym.Key
	}{
		{name: "key file", args: []string{"-key-file", "$DIR/key.bin"}, key: fileKey},
		{name: "sealed key", args: []string{"-sealed-key", "$DIR/sealed.json", "-kms-key-arn", arn, "-key-version", "4"}, key: sealedKey},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.write(t, "sealed.json", string(sealedJSON), 0o644)
			e.cmd.awsConfig = func(context.Context, string) (aws.Config, error) { return srv.Config(), nil }
			args := append(append([]string{"pseudonymize"}, tt.args...), "-drop-flagged", "$DIR/dirty.csv", "$DIR/out.csv")
			if got := e.run(args...); got != exitOK {
				t.Fatalf("exit status %d; stderr:\n%s", got, &e.stderr)
			}
			p, err := pseudonym.New(tt.key)
			if err != nil {
				t.Fatal(err)
			}
			jane, _ := p.UserID("jane.doe@example.com")
			u2, _ := p.UserID("u2")
			want := "USER_ID,ITEM_ID,TIMESTAMP\n" + jane + ",i1,1700000000\n" + u2 + ",i2,1700000060\n"
			got, err := os.ReadFile(filepath.Join(e.dir, "out.csv"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("out.csv mismatch (-want +got):\n%s", diff)
			}
			if st, err := os.Stat(filepath.Join(e.dir, "out.csv")); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("out.csv mode = %v (%v), want 0600", st.Mode().Perm(), err)
			}
		})
	}

	t.Run("sealed key of another version", func(t *testing.T) {
		e := newEnv(t)
		e.write(t, "sealed.json", string(sealedJSON), 0o644)
		e.cmd.awsConfig = func(context.Context, string) (aws.Config, error) { return srv.Config(), nil }
		srv.ResetRequests()
		if got := e.run("pseudonymize", "-sealed-key", "$DIR/sealed.json", "-kms-key-arn", arn, "$DIR/clean.csv", "$DIR/out.csv"); got != exitError {
			t.Fatalf("exit status %d, want %d (the configured version is 1, the sealed key's 4); stderr:\n%s", got, exitError, &e.stderr)
		}
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests reached KMS, want 0: the version is checked first", n)
		}
	})

	t.Run("wrong KMS key", func(t *testing.T) {
		e := newEnv(t)
		e.write(t, "sealed.json", string(sealedJSON), 0o644)
		e.cmd.awsConfig = func(context.Context, string) (aws.Config, error) { return srv.Config(), nil }
		other, err := client.CreateKey(ctx, &kms.CreateKeyInput{})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.run("pseudonymize", "-sealed-key", "$DIR/sealed.json", "-kms-key-arn", aws.ToString(other.KeyMetadata.Arn),
			"$DIR/clean.csv", "$DIR/out.csv"); got != exitError {
			t.Fatalf("exit status %d, want %d; stderr:\n%s", got, exitError, &e.stderr)
		}
	})
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		bytes, total, rows int64
		elapsed            time.Duration
		want               string
	}{
		{0, 0, 0, 0, "0 B, 0 rows"},
		{300e6, 1200e6, 5123456, 2 * time.Second, "300.0 MB of 1.2 GB (25%), 5,123,456 rows, 150.0 MB/s, 6s left"},
		{1500, 0, 12, time.Second, "1.5 kB, 12 rows, 1.5 kB/s"},
	}
	for _, tt := range tests {
		if got := progressLine(tt.bytes, tt.total, tt.rows, tt.elapsed); got != tt.want {
			t.Errorf("progressLine(%d, %d, %d, %v) = %q, want %q", tt.bytes, tt.total, tt.rows, tt.elapsed, got, tt.want)
		}
	}
}

// TestProgressOnTerminalOnly: a buffer or a regular file is not a terminal,
// so no progress line reaches logs; on a terminal the line is redrawn in
// place and cleared at the end.
func TestProgressOnTerminalOnly(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&bytes.Buffer{}) {
		t.Error("isTerminal is true for a regular file or a buffer")
	}
	if p := (&command{stderr: f}).newProgress([]int64{5e6}); p != nil {
		t.Error("newProgress drew on a file")
	}

	var stderr bytes.Buffer
	p := (&command{stderr: &stderr, progress: true}).newProgress([]int64{5e6})
	p.update(0, datascan.Progress{Bytes: 2e6, Rows: 10})
	p.update(0, datascan.Progress{Bytes: 3e6, Rows: 20}) // within the interval: not drawn
	p.done()
	if got := stderr.String(); !strings.HasPrefix(got, "\r\x1b[K2.0 MB of 5.0 MB (40%), 10 rows") || !strings.HasSuffix(got, "\r\x1b[K") ||
		strings.Count(got, "rows") != 1 {
		t.Errorf("progress output = %q", got)
	}
}
