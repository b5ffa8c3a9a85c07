package personalize_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	guardkms "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// foreignAccount is the other account the foreign-account tests share a
// bucket or a key with.
const foreignAccount = "444455556666"

// Grantees of those tests: the other account's root, and Personalize
// acting for the other account.
var (
	foreignRoot        = grantee{principal: map[string]any{"AWS": "arn:aws:iam::" + foreignAccount + ":root"}}
	foreignPersonalize = grantee{principal: map[string]any{"Service": "personalize.amazonaws.com"},
		condition: map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": foreignAccount}}}
)

// grantee is the principal of a statement a test adds to a policy, and the
// condition that goes with it (nil for none).
type grantee struct {
	principal, condition map[string]any
}

// statement returns an Allow of actions on resource to g.
func (g grantee) statement(actions []string, resource any) map[string]any {
	st := map[string]any{"Sid": "PartnerAccess", "Effect": "Allow", "Principal": g.principal, "Action": actions, "Resource": resource}
	if g.condition != nil {
		st["Condition"] = g.condition
	}
	return st
}

// TestSafeguardBucketSharedWithAnotherAccount is the bucket policy's
// foreign-account finding end to end: the scene's bucket policy, as
// s3guard.PersonalizeBucketPolicy writes it, with one statement added that
// grants a principal of another account, or Personalize acting for another
// account, an action on the bucket. A grant that exposes the data (reading,
// listing or writing the objects) refuses the import before it is sent,
// naming the finding and not the other account; one that does not (the
// bucket's location) lets the import go out.
func TestSafeguardBucketSharedWithAnotherAccount(t *testing.T) {
	for _, tt := range []struct {
		name         string
		to           grantee
		action       string
		wantFindings []string // nil: the import goes through
	}{
		{"objects read by another account", foreignRoot, "s3:GetObject", []string{s3guard.FindingPolicyForeignAccount}},
		{"objects written by another account", foreignRoot, "s3:PutObject", []string{s3guard.FindingPolicyForeignAccount}},
		{"bucket listed by another account", foreignRoot, "s3:ListBucket", []string{s3guard.FindingPolicyForeignAccount}},
		{"objects read by another account's Personalize", foreignPersonalize, "s3:GetObject", []string{s3guard.FindingPolicyForeignAccount}},
		{"bucket located by another account", foreignRoot, "s3:GetBucketLocation", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
			ctx := context.Background()
			ds, err := createDatasetAndSchema(ctx, e.client, "movies")
			if err != nil {
				t.Fatal(err)
			}
			waitActiveDataset(t, e.client, ds)
			shareBucket(t, e, tt.to, tt.action)
			e.srv.ResetRequests()

			_, err = e.client.CreateDatasetImportJob(ctx, importInput(e, "import-1"))
			if tt.wantFindings == nil {
				if err != nil {
					t.Fatalf("import with %s granted to another account = %v, want it sent", tt.action, err)
				}
				// The guard's own Describe calls go out too.
				sent := 0
				for _, op := range e.personalizeCalls() {
					if op == "CreateDatasetImportJob" {
						sent++
					}
				}
				if sent != 1 {
					t.Errorf("Personalize received CreateDatasetImportJob %d times, want once", sent)
				}
				return
			}
			sg := e.requireRefused(t, err, "DataSource.DataLocation", personalize.RuleBucketPosture, foreignAccount)
			if diff := cmp.Diff(tt.wantFindings, findingIDs(sg)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// shareBucket adds to the scene's bucket policy a statement that allows to
// action on the bucket and its objects, through S3 itself (not through the
// guard).
func shareBucket(t *testing.T, e *env, to grantee, action string) {
	t.Helper()
	ctx := context.Background()
	s3c := s3.NewFromConfig(e.srv.Config())
	out, err := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(e.scene.Bucket)})
	if err != nil {
		t.Fatal(err)
	}
	bucketARN := "arn:aws:s3:::" + e.scene.Bucket
	policy := withStatement(t, aws.ToString(out.Policy), to.statement([]string{action}, []string{bucketARN, bucketARN + "/*"}))
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(e.scene.Bucket), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
}

// TestSafeguardKeySharedWithAnotherAccount is the key policy's
// foreign-account finding end to end: the scene's key policy, as
// kms.PersonalizeKeyPolicy writes it, with one statement added for a
// principal of another account, or for Personalize acting for another
// account. One that lets it decrypt or grant itself more refuses the
// dataset group before it is sent, naming the finding and not the account;
// one that only lets it encrypt lets the call out.
func TestSafeguardKeySharedWithAnotherAccount(t *testing.T) {
	for _, tt := range []struct {
		name    string
		to      grantee
		actions []string
		refused bool
	}{
		{"decrypt", foreignRoot, []string{"kms:Decrypt"}, true},
		{"grants", foreignRoot, []string{"kms:CreateGrant"}, true},
		{"another account's Personalize", foreignPersonalize, []string{"kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"}, true},
		{"encrypt and describe", foreignRoot, []string{"kms:Encrypt", "kms:DescribeKey"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
			ctx := context.Background()
			shareKey(t, e, tt.to, tt.actions)
			e.srv.ResetRequests()

			_, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies")})
			if !tt.refused {
				if err != nil {
					t.Fatalf("CreateDatasetGroup with %v granted to another account = %v, want it sent", tt.actions, err)
				}
				if diff := cmp.Diff([]string{"CreateDatasetGroup"}, e.personalizeCalls()); diff != "" {
					t.Errorf("Personalize calls (-want +got):\n%s", diff)
				}
				return
			}
			sg := e.requireRefused(t, err, "KmsKeyArn", personalize.RuleKMSKeyNotReady, foreignAccount)
			if diff := cmp.Diff([]string{guardkms.FindingPolicyForeignAccount}, findingIDs(sg)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// shareKey adds to the scene's key policy a statement that allows to
// actions on the key, through KMS itself (not through the guard).
func shareKey(t *testing.T, e *env, to grantee, actions []string) {
	t.Helper()
	ctx := context.Background()
	kc := awskms.NewFromConfig(e.srv.Config())
	out, err := kc.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: aws.String(e.scene.KeyARN), PolicyName: aws.String("default")})
	if err != nil {
		t.Fatal(err)
	}
	policy := withStatement(t, aws.ToString(out.Policy), to.statement(actions, "*"))
	if _, err := kc.PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: aws.String(e.scene.KeyARN), PolicyName: aws.String("default"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
}

// withStatement returns policy with statement added to its Statement list.
func withStatement(t *testing.T, policy string, statement map[string]any) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		t.Fatal(err)
	}
	statements, ok := doc["Statement"].([]any)
	if !ok {
		t.Fatalf("the policy has no Statement list: %s", policy)
	}
	doc["Statement"] = append(statements, statement)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBucketAccountIsTheRoles: with the key in one account and the role in
// another, the bucket check takes the role's account for the one that runs
// Personalize, as the key check does: the bucket policy
// s3guard.PersonalizeBucketPolicy writes for the role's account passes,
// and so does a grant of the objects to another role of that account or
// to the key's account, which the key check trusts too; a grant to a third
// account is reported.
func TestBucketAccountIsTheRoles(t *testing.T) {
	const runAccount, thirdAccount = "444455556666", "777788889999"
	role := "arn:aws:iam::" + runAccount + ":role/PersonalizeRole"
	for _, tt := range []struct {
		name      string
		principal string // granted s3:GetObject besides the policy's own statements; "" for none
		refused   bool
	}{
		{"the policy written for the role's account", "", false},
		{"another role of the role's account", "arn:aws:iam::" + runAccount + ":role/Analytics", false},
		{"the key's account", "arn:aws:iam::" + personalizetest.AccountID + ":root", false},
		{"a third account", "arn:aws:iam::" + thirdAccount + ":root", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t, personalize.Policy{})
			keyPolicy, err := guardkms.PersonalizeKeyPolicy(guardkms.KeyPolicyInput{RoleARN: role, AccountID: runAccount, Region: personalizetest.Region, Exports: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := awskms.NewFromConfig(e.srv.Config()).PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: aws.String(e.scene.KeyARN),
				PolicyName: aws.String("default"), Policy: aws.String(string(keyPolicy))}); err != nil {
				t.Fatal(err)
			}
			bucketPolicy, err := s3guard.PersonalizeBucketPolicy(s3guard.BucketPolicyInput{Bucket: e.scene.Bucket,
				Directions: []s3guard.Direction{s3guard.Read, s3guard.Write}, AccountID: runAccount})
			if err != nil {
				t.Fatal(err)
			}
			policy := string(bucketPolicy)
			if tt.principal != "" {
				policy = withStatement(t, policy, map[string]any{
					"Effect":    "Allow",
					"Principal": map[string]any{"AWS": tt.principal},
					"Action":    "s3:GetObject",
					"Resource":  "arn:aws:s3:::" + e.scene.Bucket + "/*",
				})
			}
			if _, err := s3.NewFromConfig(e.srv.Config()).PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(e.scene.Bucket), Policy: aws.String(policy)}); err != nil {
				t.Fatal(err)
			}
			e.client, err = personalize.New(guardedConfig(e.srv), personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: role, Logger: newAuditLogger(lockedBuilder{e.mu, e.audit})})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.client.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: aws.String("movies")}); err != nil {
				t.Fatalf("CreateDatasetGroup with the key policy written for the role's account = %v", err)
			}
			waitActiveGroup(t, e.client, "movies")
			ds, err := createDatasetAndSchema(ctx, e.client, "movies")
			if err != nil {
				t.Fatal(err)
			}
			waitActiveDataset(t, e.client, ds)
			e.srv.ResetRequests()

			in := importInput(e, "import-1")
			in.RoleArn = aws.String(role)
			_, err = e.client.CreateDatasetImportJob(ctx, in)
			if !tt.refused {
				var sg *personalize.SafeguardError
				if errors.As(err, &sg) {
					t.Fatalf("import refused by %s, findings %v; want it sent", sg.Rule, findingIDs(sg))
				}
				if !slices.Contains(e.personalizeCalls(), "CreateDatasetImportJob") {
					t.Errorf("the import was not sent (%v)", err)
				}
				return
			}
			sg := e.requireRefused(t, err, "DataSource.DataLocation", personalize.RuleBucketPosture, thirdAccount)
			if diff := cmp.Diff([]string{s3guard.FindingPolicyForeignAccount}, findingIDs(sg)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// findingIDs returns the IDs of sg's findings, in order.
func findingIDs(sg *personalize.SafeguardError) []string {
	var ids []string
	for _, f := range sg.Findings {
		ids = append(ids, f.ID)
	}
	return ids
}
