package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestAuditExitStatus runs the offline audit on each scene: the exit status
// is 1 exactly when a finding blocks, as a pipeline gate needs.
func TestAuditExitStatus(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
		notWant  []string
		reason   string
	}{
		{
			name: "both pairs", args: nil, wantCode: exitBlocking,
			want: []string{
				"kms.key arn:aws:kms:us-east-1:111122223333:key/",
				"s3.bucket personalizetest-data: ready, no findings",
				"s3.bucket personalizetest-defaults: NOT READY",
				"kms.rotation-disabled",
				"s3.default-encryption-missing",
				"s3.public-access-block-missing",
				`"id": "s3.bucket-policy-missing"`,
				`"findings": []`,
			},
			reason: "the default pair has blocking findings, so the demo exits as a gate would",
		},
		{
			name: "protected pair", args: []string{"-scene", "protected"}, wantCode: exitReady,
			want:    []string{"s3.bucket personalizetest-data: ready, no findings", `"findings": []`},
			notWant: []string{"personalizetest-defaults", "NOT READY"},
			reason:  "a key and bucket set up as AWS asks have no blocking finding",
		},
		{
			name: "default pair", args: []string{"-scene", "defaults"}, wantCode: exitBlocking,
			want:    []string{"s3.bucket personalizetest-defaults: NOT READY", "kms.rotation-disabled"},
			notWant: []string{"personalizetest-data"},
			reason:  "a key and bucket left at their defaults block",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), &stdout, &stderr, tt.args)
			if code != tt.wantCode || stderr.Len() != 0 {
				t.Errorf("run(%q) = %d, stderr %q; want %d and no stderr (%s)", tt.args, code, stderr.String(), tt.wantCode, tt.reason)
			}
			got := stdout.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("output holds %q:\n%s", w, got)
				}
			}
		})
	}
}

// TestAuditCommandLine covers what the command line and the environment can
// get wrong, and -h.
func TestAuditCommandLine(t *testing.T) {
	usage := []string{
		"Usage: audit [flags]",
		"Checks a KMS key and an S3 bucket the way Personalize Guard does",
		"-target where", "($PERSONALIZEGUARD_TARGET)", `(default "local")`,
		"-kms-key-arn key ARN", "($PERSONALIZEGUARD_KMS_KEY_ARN)",
		"-role-arn role ARN", "($PERSONALIZEGUARD_ROLE_ARN)",
		"-bucket bucket", "($PERSONALIZEGUARD_BUCKET)",
		"-scene which", "-write",
		"AWS_REGION", "Exit status: 0 when no finding blocks, 1 when one does",
	}
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		wantCode   int
		wantStdout []string
		wantStderr []string
		reason     string
	}{
		{name: "-h", args: []string{"-h"}, wantCode: 0, wantStdout: usage,
			reason: "asking for help is not an error; the usage goes to stdout"},
		{name: "-help", args: []string{"-help"}, wantCode: 0, wantStdout: usage,
			reason: "package flag treats -help as -h"},
		{name: "unknown flag", args: []string{"-key", "k"}, wantCode: exitError,
			wantStderr: append([]string{"flag provided but not defined: -key"}, usage...),
			reason:     "a mistake prints the error and the usage on stderr"},
		{name: "argument", args: []string{"my-bucket"}, wantCode: exitError, wantStderr: []string{"audit takes no arguments, only flags (see -h)"},
			reason: "a stray argument would otherwise be ignored"},
		{name: "unknown scene", args: []string{"-scene", "weak"}, wantCode: exitError,
			wantStderr: []string{`-scene "weak": want protected, defaults or both`}, reason: "a typo must not audit something else"},
		{name: "aws without a key", args: []string{"-target", "aws", "-bucket", "b"}, wantCode: exitError,
			wantStderr: []string{"-kms-key-arn"}, reason: "the audit needs a key, a role and a bucket"},
		{name: "target from the environment", env: map[string]string{"PERSONALIZEGUARD_TARGET": "mars"}, wantCode: exitError,
			wantStderr: []string{`-target "mars": want local or aws`}, reason: "PERSONALIZEGUARD_TARGET sets -target"},
		{name: "flag over environment", args: []string{"-target", "aws"}, env: map[string]string{"PERSONALIZEGUARD_TARGET": "mars", "PERSONALIZEGUARD_BUCKET": "b"},
			wantCode: exitError, wantStderr: []string{"-target aws needs -kms-key-arn, -role-arn and -bucket"}, reason: "a flag wins over its variable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, key := range []string{"PERSONALIZEGUARD_TARGET", "PERSONALIZEGUARD_KMS_KEY_ARN", "PERSONALIZEGUARD_ROLE_ARN", "PERSONALIZEGUARD_BUCKET"} {
				t.Setenv(key, tt.env[key])
			}
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

// TestAuditAWSNeedsRegion: with no Region anywhere, -target aws says to set
// AWS_REGION before anything is loaded from the network or printed.
func TestAuditAWSNeedsRegion(t *testing.T) {
	for key, v := range map[string]string{
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "", "AWS_DEFAULTS_MODE": "",
		"AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(key, v)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), &stdout, &stderr, []string{"-target", "aws",
		"-kms-key-arn", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"-role-arn", "arn:aws:iam::111122223333:role/R", "-bucket", "my-bucket"})
	if code != exitError || stdout.Len() != 0 {
		t.Errorf("run without a Region = %d, stdout %q; want %d and nothing on stdout", code, stdout.String(), exitError)
	}
	if want := "audit: -target aws: no AWS Region is configured; set AWS_REGION (for example AWS_REGION=us-east-1)"; !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("stderr = %q, want it to start with %q", stderr.String(), want)
	}
}
