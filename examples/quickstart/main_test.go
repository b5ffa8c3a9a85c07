package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspersonalize "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/logging"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestQuickstart runs the README's main command in-process, so CI proves the
// whole protected flow works offline.
func TestQuickstart(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), &stdout, &stderr, nil); code != 0 {
		t.Fatalf("run = %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	got := stdout.String()
	for _, want := range []string{
		"audit: CreateDatasetGroup allowed [model.fields-checked, kms.key-injected, kms.role-injected, kms.key-ready]",
		"kms.dataset-group-key-verified, s3.bucket-posture-checked, s3.objects-checked]",
		"written with aws:kms",
		`input: Name "acct-[REDACTED:account-number]-movies"`,
		"refused: CreateDatasetGroup Name by sensitive.account-number",
		`input: Path "https://[REDACTED:url-credentials]@personalizetest-data.s3.amazonaws.com/export/"`,
		"refused: CreateDatasetExportJob JobOutput.S3DataDestination.Path by s3.location.credentials",
		"checked: no request carrying the value reached the endpoints",
		"refused: ListDatasetGroups (connection) by transport.tls-version",
		"refused: ListDatasetGroups (connection) by transport.https-only",
		"checked: the endpoint received 0 requests",
		"guard: personalizeguard: ClientLogMode request/response/signing dumps switched off",
		"ok: switched off: DescribeDatasetGroup ran and the SDK's logger received only the guard's warning",
		"Every safeguard behaved as designed.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "checked: the endpoint received 0 requests"); n != 2 {
		t.Errorf("%d steps say their endpoint received 0 requests, want 2 (TLS 1.1 and http)", n)
	}
	if strings.Contains(got, "UNEXPECTED") || stderr.Len() != 0 {
		t.Errorf("a step misbehaved:\n%s\nstderr:\n%s", got, stderr.String())
	}
	for _, secret := range []string{"12345678", "wJalrXUtnFEMI", "AKIAIOSFODNN7EXAMPLE"} {
		if strings.Contains(got, secret) {
			t.Errorf("output echoes %q", secret)
		}
	}
}

// TestQuickstartCommandLine covers what the command line and the
// environment can get wrong, and -h.
func TestQuickstartCommandLine(t *testing.T) {
	usage := []string{
		"Usage: quickstart [flags]",
		"Runs the whole Amazon Personalize flow through Personalize Guard",
		"-target where", "($PERSONALIZEGUARD_TARGET)", `(default "local")`,
		"-kms-key-arn key ARN", "PERSONALIZEGUARD_KMS_KEY_ARN",
		"-role-arn role ARN", "PERSONALIZEGUARD_ROLE_ARN",
		"-data location", "PERSONALIZEGUARD_DATA",
		"-export prefix", "PERSONALIZEGUARD_EXPORT",
		"AWS_REGION", "Exit status: 0",
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
		{name: "unknown flag", args: []string{"-region", "us-east-1"}, wantCode: 2,
			wantStderr: append([]string{"flag provided but not defined: -region"}, usage...),
			reason:     "a mistake prints the error and the usage on stderr, exit status 2 as package flag does"},
		{name: "argument", args: []string{"aws"}, wantCode: 2, wantStderr: []string{"quickstart takes no arguments, only flags (see -h)"},
			reason: "a stray argument would otherwise be ignored"},
		{name: "target from the environment", env: map[string]string{"PERSONALIZEGUARD_TARGET": "mars"}, wantCode: 2,
			wantStderr: []string{`-target "mars": want local or aws`}, reason: "PERSONALIZEGUARD_TARGET sets -target"},
		{name: "flag over environment", args: []string{"-target", "aws"}, env: map[string]string{"PERSONALIZEGUARD_TARGET": "mars"}, wantCode: 2,
			wantStderr: []string{"-target aws needs -kms-key-arn, -role-arn, -data and -export"}, reason: "a flag wins over its variable"},
		{name: "aws without a key", args: []string{"-target", "aws", "-role-arn", "arn:aws:iam::111122223333:role/R"}, wantCode: 2,
			wantStderr: []string{"-kms-key-arn"}, reason: "real resources are never created with a guessed key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, key := range []string{"PERSONALIZEGUARD_TARGET", "PERSONALIZEGUARD_KMS_KEY_ARN", "PERSONALIZEGUARD_ROLE_ARN", "PERSONALIZEGUARD_DATA", "PERSONALIZEGUARD_EXPORT"} {
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

// TestQuickstartAWSNeedsRegion: with no Region anywhere, -target aws says to
// set AWS_REGION before anything is loaded from the network or printed.
func TestQuickstartAWSNeedsRegion(t *testing.T) {
	clearAWSRegion(t)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), &stdout, &stderr, []string{"-target", "aws",
		"-kms-key-arn", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		"-role-arn", "arn:aws:iam::111122223333:role/R", "-data", "s3://b/i.csv", "-export", "s3://b/export/"})
	if code != 1 || stdout.Len() != 0 {
		t.Errorf("run without a Region = %d, stdout %q; want 1 and nothing on stdout", code, stdout.String())
	}
	if want := "quickstart: -target aws: no AWS Region is configured; set AWS_REGION (for example AWS_REGION=us-east-1)"; !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("stderr = %q, want it to start with %q", stderr.String(), want)
	}
}

// clearAWSRegion leaves the SDK's default config nowhere to find a Region,
// and no instance metadata to ask.
func clearAWSRegion(t *testing.T) {
	t.Helper()
	for key, v := range map[string]string{
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "", "AWS_DEFAULTS_MODE": "",
		"AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(key, v)
	}
}

func TestMasked(t *testing.T) {
	tests := []struct {
		in, want string
		reason   string
	}{
		{"acct-12345678-movies", `"acct-[REDACTED:account-number]-movies"`, "the digits go, the keyword and the rest stay"},
		{"https://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI-K7MDENG@b.s3.amazonaws.com/x/", `"https://[REDACTED:url-credentials]@b.s3.amazonaws.com/x/"`,
			"the whole userinfo goes, the URL's shape stays"},
		{"movies-2024", "(11 bytes, not shown)", "a value the detector does not flag is not shown at all"},
	}
	for _, tt := range tests {
		if got := masked(tt.in); got != tt.want {
			t.Errorf("masked(%q) = %s, want %s (%s)", tt.in, got, tt.want, tt.reason)
		}
	}
}

// TestIsDumpCatchesSDKDumps: the check that the log-mode step relies on
// recognises what the SDK logs when the guard is not there to stop it.
func TestIsDumpCatchesSDKDumps(t *testing.T) {
	srv := personalizetest.New(t)
	cfg := srv.Config()
	cfg.ClientLogMode = aws.LogRequestWithBody | aws.LogSigning
	var logged []string
	cfg.Logger = logging.LoggerFunc(func(_ logging.Classification, format string, v ...any) {
		logged = append(logged, fmt.Sprintf(format, v...))
	})
	const group = "dump-canary"
	_, _ = awspersonalize.NewFromConfig(cfg).DescribeDatasetGroup(context.Background(), &awspersonalize.DescribeDatasetGroupInput{
		DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/" + group)})
	var dumps int
	for _, l := range logged {
		if isDump(l, group) {
			dumps++
		}
	}
	if dumps < 2 {
		t.Errorf("isDump found %d dumps in the bare SDK's %d log lines, want the request and the signing dump:\n%s", dumps, len(logged), strings.Join(logged, "\n"))
	}
}
