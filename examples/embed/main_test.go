package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestEmbedDemo(t *testing.T) {
	var out, stderr bytes.Buffer
	if code := run(context.Background(), &out, &stderr, nil); code != 0 || stderr.Len() != 0 {
		t.Fatalf("run = %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out.String(), stderr.String())
	}
	got := out.String()
	for _, want := range []string{
		`-> 201 {"datasetGroupArn":"arn:aws:personalize:us-east-1:111122223333:dataset-group/movies-eu"}`,
		`-> 422 {"error":"request refused","field":"Name","reason":`,
		`"rule":"sensitive.account-number"}`,
		`"field":"Tags[0].TagValue"`,
		`"rule":"sensitive.email"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// The answers and the service's log never carry the values; only the
	// demo's own request lines do.
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "POST ") {
			continue
		}
		if strings.Contains(line, "12345678") || strings.Contains(line, "jane.doe") {
			t.Errorf("line echoes a value: %s", line)
		}
	}
}

// TestEmbedCommandLine covers -h and the mistakes the command line can hold.
func TestEmbedCommandLine(t *testing.T) {
	usage := []string{
		"Usage: embed [flags]",
		"Runs an HTTP service that creates Personalize dataset groups through\nPersonalize Guard",
		"none reads a PERSONALIZEGUARD_* variable",
		"-listen address", "Exit status: 0",
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
		reason     string
	}{
		{name: "-h", args: []string{"-h"}, wantCode: 0, wantStdout: usage,
			reason: "asking for help is not an error; the usage goes to stdout"},
		{name: "-help", args: []string{"-help"}, wantCode: 0, wantStdout: usage,
			reason: "package flag treats -help as -h"},
		{name: "unknown flag", args: []string{"-port", "8080"}, wantCode: 2,
			wantStderr: append([]string{"flag provided but not defined: -port"}, usage...),
			reason:     "a mistake prints the error and the usage on stderr, exit status 2 as package flag does"},
		{name: "argument", args: []string{"127.0.0.1:8080"}, wantCode: 2, wantStderr: []string{"embed takes no arguments, only flags (see -h)"},
			reason: "an address without -listen would otherwise run the demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), &stdout, &stderr, tt.args)
			if code != tt.wantCode {
				t.Errorf("run(%q) = %d, want %d (%s)\nstdout:\n%s\nstderr:\n%s", tt.args, code, tt.wantCode, tt.reason, stdout.String(), stderr.String())
			}
			checkOutput(t, "stdout", stdout.String(), tt.wantStdout)
			checkOutput(t, "stderr", stderr.String(), tt.wantStderr)
		})
	}
}

// checkOutput checks that out holds every line of want, and is empty when
// want is.
func checkOutput(t *testing.T, name, out string, want []string) {
	t.Helper()
	if len(want) == 0 && out != "" {
		t.Errorf("%s = %q, want nothing", name, out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", name, w, out)
		}
	}
}

// TestEmbedListenStopsOnInterrupt: with -listen the service serves until
// the context ends (an interrupt in main), then exits 0.
func TestEmbedListenStopsOnInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The interrupt comes once the service says it is serving.
	stdout := &cancelOnWrite{cancel: cancel}
	var stderr bytes.Buffer
	if code := run(ctx, stdout, &stderr, []string{"-listen", "127.0.0.1:0"}); code != 0 || stderr.Len() != 0 {
		t.Errorf("run -listen = %d, stderr %q; want 0 and nothing", code, stderr.String())
	}
	checkOutput(t, "stdout", stdout.String(), []string{"serving on http://127.0.0.1:", "interrupt to stop"})
}

// cancelOnWrite records what is written and calls cancel on the first
// write that says the service is serving.
type cancelOnWrite struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("interrupt to stop")) {
		defer c.cancel()
	}
	return c.Buffer.Write(p)
}
