package personalize_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	guardkms "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed22ReportOnlyCallerValues (no defect): bd655d1 refuses, in
// report-only mode too, a KMS key or S3 location a hook changed after the
// checks. A report-only caller's own values that the checks refuse (a key
// of another account, not allow-listed, an alias; a location outside the
// allow-lists) must still go out, as report-only promises: the wire check
// finds each at the member the Initialize checks recorded it at. The
// emulator then fails the job (the key or bucket is not usable there).
func TestRed22ReportOnlyCallerValues(t *testing.T) {
	solution := "arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":solution/movies/1"
	other := "arn:aws:kms:" + personalizetest.Region + ":999999999999:key/11111111-2222-3333-4444-555555555555"
	good, err := guardkms.PersonalizeKeyPolicy(guardkms.KeyPolicyInput{RoleARN: personalizetest.RoleARN, AccountID: personalizetest.AccountID, Region: personalizetest.Region})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, in, out, inPath, outPath string }{
		{"other-account input key", other, "", "", ""},
		{"other-account output key", "", other, "", ""},
		{"alias input key", "alias/x", "", "", ""},
		{"input outside allow-list", "", "", "s3://elsewhere-bucket/x.json", ""},
		{"output outside allow-list", "", "", "", "s3://elsewhere-bucket/out/"},
		{"same other key both", other, other, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scene := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "red22" })
			e := &red21Env{env: scene, second: createKey(t, scene.srv, string(good))}
			e.putEncrypted(t, "red22/users.json", `{"userId":"u1"}`+"\n")
			e.audit.Reset()
			e.srv.ResetRequests()
			client, err := personalize.New(guardedConfig(e.srv), personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN,
				AllowedKMSKeyARNs: []string{e.second}, InsecureReportOnly: true, Logger: newAuditLogger(lockedBuilder{e.mu, e.audit})})
			if err != nil {
				t.Fatal(err)
			}
			in, out := aws.String(e.second), aws.String(e.second)
			if tc.in != "" {
				in = aws.String(tc.in)
			}
			if tc.out != "" {
				out = aws.String(tc.out)
			}
			inPath, outPath := "s3://"+e.scene.Bucket+"/red22/users.json", e.scene.ExportLocation
			if tc.inPath != "" {
				inPath = tc.inPath
			}
			if tc.outPath != "" {
				outPath = tc.outPath
			}
			_, err = client.CreateBatchSegmentJob(context.Background(), &sdk.CreateBatchSegmentJobInput{
				JobName: aws.String("red22"), RoleArn: aws.String(e.scene.RoleARN), SolutionVersionArn: aws.String(solution),
				JobInput:  &types.BatchSegmentJobInput{S3DataSource: &types.S3DataConfig{Path: aws.String(inPath), KmsKeyArn: in}},
				JobOutput: &types.BatchSegmentJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(outPath), KmsKeyArn: out}},
			})
			got := red17Result(t, e.env, err)
			got.Rule, _, _ = strings.Cut(got.Rule, ":")
			want := red17Outcome{Rule: "not a refusal", Sent: []string{"CreateBatchSegmentJob"}, Audit: []string{"CreateBatchSegmentJob failed "}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
