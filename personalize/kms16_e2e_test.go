package personalize_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	guardkms "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// kms16Sid is in the policy of the key that does not let Personalize in: a
// refusal must not echo the key policy.
const kms16Sid = "kms16RootOnlyCanary"

// createKey makes a rotating customer managed key with policy in the
// emulator, straight (not through the guard), and returns its ARN.
func createKey(t *testing.T, srv *personalizetest.Server, policy string) string {
	t.Helper()
	ctx := context.Background()
	c := awskms.NewFromConfig(srv.Config())
	out, err := c.CreateKey(ctx, &awskms.CreateKeyInput{KeySpec: kmstypes.KeySpecSymmetricDefault, KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt, Policy: aws.String(policy)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.KeyMetadata.Arn)
	if _, err := c.EnableKeyRotation(ctx, &awskms.EnableKeyRotationInput{KeyId: &arn}); err != nil {
		t.Fatal(err)
	}
	return arn
}

// optional is nil for "", as S3 takes no key for aws/s3.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// TestKMS16DataKeyPolicy: the key an import's objects are encrypted with
// (or a batch inference or data deletion job's input objects), or an
// export's output bucket encrypts with by default, is held to the key
// readiness check for the job's role when it is not the dataset group's:
// a key whose policy does not let Personalize and the role use it is
// refused before the job is sent, naming the rule and the field only; one
// that does goes through; and a key whose policy cannot be read is refused.
func TestKMS16DataKeyPolicy(t *testing.T) {
	good, err := guardkms.PersonalizeKeyPolicy(guardkms.KeyPolicyInput{RoleARN: personalizetest.RoleARN, AccountID: personalizetest.AccountID, Region: personalizetest.Region})
	if err != nil {
		t.Fatal(err)
	}
	// The account may administer the key, Personalize may not use it.
	rootOnly := `{"Version":"2012-10-17","Statement":[{"Sid":"` + kms16Sid + `","Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::` + personalizetest.AccountID + `:root"},"Action":"kms:*","Resource":"*"}]}`

	const (
		importField = "DataSource.DataLocation"
		exportField = "JobOutput.S3DataDestination.Path"
		batchField  = "JobInput.S3DataSource.Path"
	)
	const (
		notReady    = personalize.RuleKMSKeyNotReady
		checkFailed = personalize.RuleKMSCheckFailed
		keyARN      = personalize.RuleKMSKeyARN
	)
	tests := []struct {
		name   string
		export bool
		job    string // "batch" or "deletion" for those jobs' input objects; "" for an import or an export
		key    string // "group", "good", "root-only" or "aws/s3": the data's key
		// form names the key in the bucket's default encryption: "" for its
		// ARN, "id" for its key ID, "alias" for an alias.
		form string
		// open configures no key and allows none: every KMS key passes the
		// allow-lists, aws/s3 included.
		open bool
		deny string // a KMS operation the emulator denies once the group's key is checked
		rule string // "" for a job the guard sends
	}{
		{name: "import, group's key", key: "group"},
		{name: "import, key granting Personalize and the role", key: "good"},
		{name: "import, key granting only the account", key: "root-only", rule: notReady},
		{name: "import, policy of the objects' key unreadable", key: "good", deny: "GetKeyPolicy", rule: checkFailed},
		{name: "import, objects' key undescribable", key: "good", deny: "DescribeKey", rule: checkFailed},
		{name: "import, aws/s3", key: "aws/s3", open: true, rule: notReady},
		{name: "export, group's key", export: true, key: "group"},
		{name: "export, default key granting Personalize and the role", export: true, key: "good"},
		{name: "export, default key granting only the account", export: true, key: "root-only", rule: notReady},
		{name: "export, policy of the default key unreadable", export: true, key: "good", deny: "GetKeyPolicy", rule: checkFailed},
		{name: "export, default key aws/s3", export: true, key: "aws/s3", open: true, rule: notReady},
		// S3 takes a key ID or an alias too: an allowed key's ID is that
		// key; anything else cannot be checked.
		{name: "export, granting key by its ID", export: true, key: "good", form: "id"},
		{name: "export, root-only key by its ID", export: true, key: "root-only", form: "id", rule: notReady},
		{name: "export, key by an ID no key allowed", export: true, key: "good", form: "id", open: true, rule: keyARN},
		{name: "export, key by an alias", export: true, key: "good", form: "alias", open: true, rule: keyARN},
		{name: "batch inference, group's key", job: "batch", key: "group"},
		{name: "batch inference, key granting Personalize and the role", job: "batch", key: "good"},
		{name: "batch inference, key granting only the account", job: "batch", key: "root-only", rule: notReady},
		{name: "batch inference, policy of the objects' key unreadable", job: "batch", key: "good", deny: "GetKeyPolicy", rule: checkFailed},
		{name: "batch inference, aws/s3", job: "batch", key: "aws/s3", open: true, rule: notReady},
		{name: "data deletion, key granting Personalize and the role", job: "deletion", key: "good"},
		{name: "data deletion, key granting only the account", job: "deletion", key: "root-only", rule: notReady},
		{name: "data deletion, aws/s3", job: "deletion", key: "aws/s3", open: true, rule: notReady},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
			ctx := context.Background()
			datasetARN, err := createDatasetAndSchema(ctx, sdk.NewFromConfig(e.srv.Config()), "movies")
			if err != nil {
				t.Fatal(err)
			}
			keys := map[string]string{"group": e.scene.KeyARN, "good": createKey(t, e.srv, string(good)), "root-only": createKey(t, e.srv, rootOnly)}
			key := keys[tt.key]
			named := key
			switch tt.form {
			case "id":
				named = key[strings.LastIndex(key, "/")+1:]
			case "alias":
				named = "alias/kms16"
			}
			p := personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN,
				AllowedKMSKeyARNs: []string{keys["good"], keys["root-only"]}, Logger: newAuditLogger(lockedBuilder{e.mu, e.audit})}
			if tt.open {
				p = personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true, Logger: p.Logger}
			}
			client, err := personalize.New(guardedConfig(e.srv), p)
			if err != nil {
				t.Fatal(err)
			}

			// A second bucket, safe as the scene's, for the export's output.
			out, err := e.srv.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.Bucket = "kms16-output" })
			if err != nil {
				t.Fatal(err)
			}
			s3c := s3.NewFromConfig(e.srv.Config())
			if _, err := s3c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(out.Bucket),
				ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: optional(named)},
					BucketKeyEnabled:                   aws.Bool(true),
				}}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(e.scene.Bucket), Key: aws.String("kms16/interactions.csv"),
				Body: strings.NewReader(personalizetest.InteractionsCSV), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: optional(key)}); err != nil {
				t.Fatal(err)
			}

			send := func(job string) error {
				dataLocation := aws.String("s3://" + e.scene.Bucket + "/kms16/interactions.csv")
				switch tt.job {
				case "batch":
					_, err := client.CreateBatchInferenceJob(ctx, &sdk.CreateBatchInferenceJobInput{
						JobName: aws.String(job), RoleArn: aws.String(e.scene.RoleARN),
						SolutionVersionArn: aws.String("arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":solution/kms16/1"),
						JobInput:           &types.BatchInferenceJobInput{S3DataSource: &types.S3DataConfig{Path: dataLocation}},
						JobOutput:          &types.BatchInferenceJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(out.ExportLocation)}},
					})
					return err
				case "deletion":
					_, err := client.CreateDataDeletionJob(ctx, &sdk.CreateDataDeletionJobInput{
						JobName: aws.String(job), RoleArn: aws.String(e.scene.RoleARN), DatasetGroupArn: aws.String(e.scene.DatasetGroupARN),
						DataSource: &types.DataSource{DataLocation: dataLocation},
					})
					return err
				}
				if tt.export {
					_, err := client.CreateDatasetExportJob(ctx, &sdk.CreateDatasetExportJobInput{
						JobName: aws.String(job), DatasetArn: aws.String(datasetARN), RoleArn: aws.String(e.scene.RoleARN),
						JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(out.ExportLocation)}},
					})
					return err
				}
				in := importInput(e, job)
				in.DataSource.DataLocation = dataLocation
				_, err := client.CreateDatasetImportJob(ctx, in)
				return err
			}
			if tt.deny != "" {
				// The group's key is checked, and cached, first: only the
				// data's key is left to read when KMS refuses.
				in := importInput(e, "warm")
				if _, err := client.CreateDatasetImportJob(ctx, in); err != nil {
					var sg *personalize.SafeguardError
					if errors.As(err, &sg) {
						t.Fatalf("warm-up import refused: %v", err)
					}
				}
				e.srv.Deny(personalizetest.ServiceKMS, tt.deny)
			}
			e.srv.ResetRequests()
			err = send("kms16")

			type result struct {
				Rule, Field string
				Reached     bool
			}
			want := result{Rule: tt.rule, Field: importField, Reached: tt.rule == ""}
			switch {
			case tt.export:
				want.Field = exportField
			case tt.job == "batch":
				want.Field = batchField
			}
			if tt.rule == "" {
				want.Field = ""
			}
			var got result
			var sg *personalize.SafeguardError
			if errors.As(err, &sg) {
				got.Rule, got.Field = sg.Rule, sg.Field
			}
			for _, op := range e.personalizeCalls() {
				got.Reached = got.Reached || op == "CreateDatasetImportJob" || op == "CreateDatasetExportJob" || op == "CreateBatchInferenceJob" || op == "CreateDataDeletionJob"
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s(err = %v)", diff, err)
			}
			if sg == nil {
				return
			}
			for _, c := range []string{kms16Sid, key, named, "kms:*"} {
				if c == "" {
					continue
				}
				if strings.Contains(err.Error(), c) || strings.Contains(e.auditLog(), c) {
					t.Errorf("the refusal or its audit event echoes %q: %v", c, err)
				}
			}
		})
	}
}
