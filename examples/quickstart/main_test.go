package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
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
		// README: personalizetest serves all seven services the run uses.
		"(Personalize, S3, KMS, STS, and for the audit IAM, CloudTrail and Macie, over TLS); nothing leaves this machine.",
		"audit: CreateDatasetGroup allowed [model.fields-checked, kms.key-injected, kms.role-injected, identity.caller-checked, kms.key-ready]",
		"kms.dataset-group-key-verified, s3.bucket-posture-checked, s3.objects-checked, datascan.import-scanned]",
		"written with aws:kms",
		`input: Name "acct-[REDACTED:account-number]-movies"`,
		"refused: CreateDatasetGroup Name by sensitive.account-number",
		`input: Path "https://[REDACTED:url-credentials]@personalizetest-data.s3.amazonaws.com/export/"`,
		"refused: CreateDatasetExportJob JobOutput.S3DataDestination.Path by s3.location.credentials",
		"checked: no request carrying the value reached the endpoints",
		"refused: ListDatasetGroups (connection) by transport.tls-version",
		"refused: ListDatasetGroups (connection) by transport.https-only",
		"checked: the endpoint received 0 requests",
		"warning: personalizeguard: ClientLogMode request/response/signing dumps switched off",
		"ok: switched off: DescribeDatasetGroup ran and the SDK's logger received only the guard's warning",
		"audit: CreateSolution allowed [model.fields-checked, identity.caller-checked]",
		"audit: CreateEventTracker allowed [model.fields-checked, identity.caller-checked]",
		"ok: solution version, campaign arn:aws:personalize:us-east-1:111122223333:campaign/quickstart-movies-for-you and event tracker ACTIVE",
		`stored: {"version":1,"kmsKeyArn":"arn:aws:kms:us-east-1:111122223333:key/`,
		"ok: loaded back (what a service does at start-up) with kms:Decrypt under the configured key and version: pseudonym.Key{Version: 1, Bytes: [REDACTED]}",
		`input: UserId "[REDACTED:email]", sent as pu1_`,
		"audit: GetRecommendations allowed [model.fields-checked, pseudonym.user-id, identity.caller-checked]",
		"ok: recommended item-1 item-2 item-3\n", // a user new to the campaign: by popularity
		"checked: the endpoints received the pseudonym, never the e-mail address",
		"Five requests the guard refuses before they are sent",
		"5. Import interactions from s3://personalizetest-data/dirty/interactions.csv, whose USER_IDs are customers' e-mail addresses",
		"refused: CreateDatasetImportJob DataSource.DataLocation by datascan.identifier.email",
		"checked: the guard read the file from S3 and scanned it against the dataset's schema: the user-id column holds raw email values in 4 of 4 rows",
		"; Personalize received no import request",
		"14. Send the customer's view of item-1 (events client, same Policy)",
		"audit: PutEvents allowed [model.fields-checked, pseudonym.user-id, pseudonym.session-id, identity.caller-checked]",
		"ok: sent as UserId pu1_",
		"checked: the endpoints received both pseudonyms, never the e-mail address or the session ID",
		"ok: recommended item-2 item-3\n",
		"checked: item-1, now seen, is left out: the event and the request carried the same pseudonym",
		"refused: GetRecommendations UserId by sensitive.email",
		"input: EventList[0].Properties `{\"paymentCard\":\"[REDACTED:credit-card]\"}`",
		"refused: PutEvents EventList[0].Properties by sensitive.credit-card",
		"18. Audit an account set up as AWS's page asks",
		"   ok: no finding; ",
		"finding: critical audit.identity.root-mfa-disabled on account 111122223333 (Security Hub IAM.9)",
		"finding: medium audit.cloudtrail.not-logging on arn:aws:cloudtrail:us-east-1:111122223333:trail/personalizetest-trail",
		"finding: high audit.resource.tag-identifying on arn:aws:personalize:us-east-1:111122223333:dataset-group/quickstart-untracked\n",
		"ok: exactly these four findings; the report names the tagged resource, never the tag's value",
		"Every safeguard behaved as designed.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "checked: the endpoint received 0 requests"); n != 2 {
		t.Errorf("%d steps say their endpoint received 0 requests, want 2 (TLS 1.1 and http)", n)
	}
	if n := strings.Count(got, "checked: no request carrying the value reached the endpoints"); n != 4 {
		t.Errorf("%d refusals checked that their value was not sent, want 4 (name, URL, e-mail, card)", n)
	}
	// The pseudonym printed is the customer's, and the same in every step.
	if n := len(regexp.MustCompile(`pu1_[a-z2-7]{32}`).FindAllString(got, -1)); n != 2 {
		t.Errorf("the output shows the user pseudonym %d times, want 2 (recommendation and event)", n)
	}
	if ids := regexp.MustCompile(`pu1_[a-z2-7]{32}`).FindAllString(got, -1); len(ids) == 2 && ids[0] != ids[1] {
		t.Errorf("the customer has two pseudonyms, %s and %s", ids[0], ids[1])
	}
	if strings.Contains(got, "UNEXPECTED") || stderr.Len() != 0 {
		t.Errorf("a step misbehaved:\n%s\nstderr:\n%s", got, stderr.String())
	}
	for _, secret := range []string{"12345678", "wJalrXUtnFEMI", "AKIAIOSFODNN7EXAMPLE", customerEmail, customerCard, webSession, auditOwner} {
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
		"-campaign-arn ARN", "PERSONALIZEGUARD_CAMPAIGN_ARN",
		"-tracking-id ID", "PERSONALIZEGUARD_TRACKING_ID",
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
		{name: "aws with a campaign and no tracker", args: []string{"-target", "aws", "-kms-key-arn", "arn:aws:kms:us-east-1:111122223333:key/k",
			"-role-arn", "arn:aws:iam::111122223333:role/R", "-data", "s3://b/i.csv", "-export", "s3://b/export/",
			"-campaign-arn", "arn:aws:personalize:us-east-1:111122223333:campaign/c"}, wantCode: 2,
			wantStderr: []string{"-campaign-arn and -tracking-id go together"}, reason: "half a data plane is a mistake, not a reason to skip it"},
		{name: "aws without a key", args: []string{"-target", "aws", "-role-arn", "arn:aws:iam::111122223333:role/R"}, wantCode: 2,
			wantStderr: []string{"-kms-key-arn"}, reason: "real resources are never created with a guessed key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, key := range []string{"PERSONALIZEGUARD_TARGET", "PERSONALIZEGUARD_KMS_KEY_ARN", "PERSONALIZEGUARD_ROLE_ARN", "PERSONALIZEGUARD_DATA",
				"PERSONALIZEGUARD_EXPORT", "PERSONALIZEGUARD_CAMPAIGN_ARN", "PERSONALIZEGUARD_TRACKING_ID"} {
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
		{`{"paymentCard":"4111 1111 1111 1111"}`, "`{\"paymentCard\":\"[REDACTED:credit-card]\"}`", "JSON is shown between backquotes, unescaped"},
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

// TestDataPlaneAgainstAWSNeedsACampaign: against AWS without -campaign-arn
// and -tracking-id, the data-plane steps say they are skipped and why, and
// run nothing.
func TestDataPlaneAgainstAWSNeedsACampaign(t *testing.T) {
	var out bytes.Buffer
	st := &steps{w: &out, n: 9}
	ran, err := st.dataPlane(context.Background(), setup{keyARN: "arn:aws:kms:us-east-1:111122223333:key/k"}, nil, nil, "g")
	if ran || err != nil || st.n != 9 || st.failed != 0 {
		t.Errorf("dataPlane without a campaign = %v, %v after %d steps, %d failed; want false, nil, no step run", ran, err, st.n-9, st.failed)
	}
	if !strings.Contains(out.String(), skippedOnAWS) {
		t.Errorf("output lacks the reason for skipping:\n%s", out.String())
	}
}

// TestDataPlaneOnAGivenCampaign runs the data-plane steps as -target aws
// does with -campaign-arn and -tracking-id: on a campaign it did not create,
// with no access to the endpoint's request log. The endpoint here is
// personalizetest, so the test can check what the program cannot.
func TestDataPlaneOnAGivenCampaign(t *testing.T) {
	ctx := context.Background()
	srv := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	sc, err := srv.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	st := &steps{w: &out}
	ran, err := st.dataPlane(ctx, setup{cfg: srv.Config(), keyARN: sc.KeyARN, campaignARN: sc.CampaignARN, trackingID: sc.TrackingID}, nil, nil, "")
	got := out.String()
	if !ran || err != nil || st.failed != 0 || st.n != 6 {
		t.Fatalf("dataPlane = %v, %v after %d steps, %d failed; want true, nil, 6 steps, none failed:\n%s", ran, err, st.n, st.failed, got)
	}
	for _, want := range []string{
		"ok: recommended item-1 item-2 item-3 item-4 item-7\n", // by popularity (RecommendationsCSV), five asked for
		"3. Send the customer's view of item-1",
		"refused: GetRecommendations UserId by sensitive.email",
		"refused: PutEvents EventList[0].Properties by sensitive.credit-card",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "checked:") {
		t.Errorf("against an endpoint it cannot inspect, the program claims a check:\n%s", got)
	}
	for _, v := range []string{customerEmail, customerCard, webSession} {
		if srv.Seen(v) {
			t.Errorf("the endpoint received %q", v)
		}
	}
}

// TestAccountAuditAgainstAWSIsSkipped: with -target aws the quickstart does
// not read the whole account; it says which command does.
func TestAccountAuditAgainstAWSIsSkipped(t *testing.T) {
	var out bytes.Buffer
	st := &steps{w: &out, n: 17}
	if err := st.accountAudit(context.Background(), setup{}); err != nil || st.failed != 0 || st.n != 18 {
		t.Errorf("accountAudit against AWS = %v, %d failed, %d steps; want nil, 0, one step", err, st.failed, st.n-17)
	}
	if !strings.Contains(out.String(), skippedAuditOnAWS) {
		t.Errorf("output lacks the reason for skipping:\n%s", out.String())
	}
}
