package personalizetest_test

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// policyDoc is just enough of an IAM policy document to check a scene.
type policyDoc struct {
	Statement []struct {
		Sid       string
		Effect    string
		Principal any
		Action    any
		Resource  any
		Condition map[string]map[string]any
	}
}

func parsePolicy(t *testing.T, text string) policyDoc {
	t.Helper()
	var doc policyDoc
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("policy is not JSON: %v", err)
	}
	return doc
}

func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}

func TestSeedScene(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	sc, err := s.SeedScene(ctx)
	if err != nil {
		t.Fatalf("SeedScene() = %v", err)
	}
	want := personalizetest.Scene{
		KeyARN:         sc.KeyARN,
		RoleARN:        personalizetest.RoleARN,
		Bucket:         "personalizetest-data",
		DataLocation:   "s3://personalizetest-data/interactions.csv",
		ExportLocation: "s3://personalizetest-data/export/",
	}
	if diff := cmp.Diff(want, sc); diff != "" {
		t.Errorf("SeedScene() mismatch (-want +got):\n%s", diff)
	}
	cfg := s.Config()
	km, s3c := kms.NewFromConfig(cfg), s3.NewFromConfig(cfg)

	t.Run("key", func(t *testing.T) {
		d, err := km.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &sc.KeyARN})
		if err != nil {
			t.Fatal(err)
		}
		if d.KeyMetadata.KeyState != "Enabled" || d.KeyMetadata.KeySpec != "SYMMETRIC_DEFAULT" || d.KeyMetadata.KeyManager != "CUSTOMER" {
			t.Errorf("key = %s %s %s, want an enabled symmetric customer managed key", d.KeyMetadata.KeyState, d.KeyMetadata.KeySpec, d.KeyMetadata.KeyManager)
		}
		rot, err := km.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: &sc.KeyARN})
		if err != nil || !rot.KeyRotationEnabled {
			t.Errorf("GetKeyRotationStatus = %v, %v; want rotation on", rot, err)
		}
		pol, err := km.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &sc.KeyARN, PolicyName: aws.String("default")})
		if err != nil {
			t.Fatal(err)
		}
		wantActions := []string{"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ListGrants"}
		grantees := map[string]bool{}
		for _, st := range parsePolicy(t, aws.ToString(pol.Policy)).Statement {
			p, _ := st.Principal.(map[string]any)
			for _, who := range append(strs(p["Service"]), strs(p["AWS"])...) {
				if who != "personalize.amazonaws.com" && who != sc.RoleARN {
					continue
				}
				acts := strs(st.Action)
				slices.Sort(acts)
				if diff := cmp.Diff(wantActions, acts); diff != "" || st.Effect != "Allow" {
					t.Errorf("statement for %s: effect %s, actions mismatch (-want +got):\n%s", who, st.Effect, diff)
				}
				grantees[who] = true
			}
		}
		if !grantees["personalize.amazonaws.com"] || !grantees[sc.RoleARN] {
			t.Errorf("key policy grants %v, want personalize.amazonaws.com and the role", grantees)
		}
	})

	t.Run("bucket", func(t *testing.T) {
		b := &sc.Bucket
		enc, err := s3c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
		if err != nil {
			t.Fatal(err)
		}
		def := enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault
		if def.SSEAlgorithm != "aws:kms" || aws.ToString(def.KMSMasterKeyID) != sc.KeyARN {
			t.Errorf("default encryption = %s %s, want aws:kms %s", def.SSEAlgorithm, aws.ToString(def.KMSMasterKeyID), sc.KeyARN)
		}
		pab, err := s3c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
		if err != nil {
			t.Fatal(err)
		}
		p := pab.PublicAccessBlockConfiguration
		if !aws.ToBool(p.BlockPublicAcls) || !aws.ToBool(p.IgnorePublicAcls) || !aws.ToBool(p.BlockPublicPolicy) || !aws.ToBool(p.RestrictPublicBuckets) {
			t.Errorf("public access block = %+v, want all four on", p)
		}
		own, err := s3c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
		if err != nil || own.OwnershipControls.Rules[0].ObjectOwnership != "BucketOwnerEnforced" {
			t.Errorf("ownership = %v, %v; want BucketOwnerEnforced", own, err)
		}
		pol, err := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
		if err != nil {
			t.Fatal(err)
		}
		resources := []string{"arn:aws:s3:::" + sc.Bucket, "arn:aws:s3:::" + sc.Bucket + "/*"}
		var tlsOnly, grant bool
		for _, st := range parsePolicy(t, aws.ToString(pol.Policy)).Statement {
			switch {
			case st.Effect == "Deny" && st.Condition["Bool"]["aws:SecureTransport"] == "false":
				tlsOnly = cmp.Equal(resources, strs(st.Resource)) && st.Principal == "*" && cmp.Equal([]string{"s3:*"}, strs(st.Action))
			case st.Effect == "Allow":
				p, _ := st.Principal.(map[string]any)
				acts := strs(st.Action)
				slices.Sort(acts)
				grant = p["Service"] == "personalize.amazonaws.com" && cmp.Equal([]string{"s3:GetObject", "s3:ListBucket", "s3:PutObject"}, acts) &&
					cmp.Equal(resources, strs(st.Resource)) && st.Condition["StringEquals"]["aws:SourceAccount"] == personalizetest.AccountID
			}
		}
		if !tlsOnly || !grant {
			t.Errorf("bucket policy: TLS-only deny %v, Personalize grant %v; want both", tlsOnly, grant)
		}
	})

	t.Run("object", func(t *testing.T) {
		head, err := s3c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &sc.Bucket, Key: aws.String("interactions.csv")})
		if err != nil {
			t.Fatal(err)
		}
		if head.ServerSideEncryption != "aws:kms" || aws.ToString(head.SSEKMSKeyId) != sc.KeyARN {
			t.Errorf("object encryption = %s %s, want aws:kms %s", head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId), sc.KeyARN)
		}
		get, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: &sc.Bucket, Key: aws.String("interactions.csv")})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(get.Body)
		get.Body.Close()
		if diff := cmp.Diff(personalizetest.InteractionsCSV, string(body)); diff != "" {
			t.Errorf("object content mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestSeedSceneOptions(t *testing.T) {
	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 3 })
	ctx := context.Background()
	first, err := s.SeedScene(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "scene-group" })
	if err != nil {
		t.Fatalf("second SeedScene() = %v", err)
	}
	named, err := s.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.Bucket = "my-bucket" })
	if err != nil {
		t.Fatalf("SeedScene with a bucket name = %v", err)
	}
	got := []string{first.Bucket, second.Bucket, named.Bucket, first.DatasetGroupARN, second.DatasetGroupARN}
	want := []string{"personalizetest-data", "personalizetest-data-2", "my-bucket", "", "arn:aws:personalize:us-east-1:111122223333:dataset-group/scene-group"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scenes mismatch (-want +got):\n%s", diff)
	}
	if first.KeyARN == second.KeyARN {
		t.Errorf("two scenes share a key")
	}
	d, err := personalize.NewFromConfig(s.Config()).DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: &second.DatasetGroupARN})
	if err != nil {
		t.Fatal(err)
	}
	g := d.DatasetGroup
	if aws.ToString(g.Status) != "ACTIVE" || aws.ToString(g.KmsKeyArn) != second.KeyARN || aws.ToString(g.RoleArn) != personalizetest.RoleARN {
		t.Errorf("dataset group = %s key %s role %s, want ACTIVE with the scene's key and role", aws.ToString(g.Status), aws.ToString(g.KmsKeyArn), aws.ToString(g.RoleArn))
	}
}

func TestSeedSceneFailsClosed(t *testing.T) {
	s := personalizetest.New(t)
	s.Deny(personalizetest.ServiceS3, "PutBucketPolicy")
	_, err := s.SeedScene(context.Background())
	if err == nil || !strings.Contains(err.Error(), "put bucket policy") {
		t.Errorf("SeedScene() with PutBucketPolicy denied = %v, want an error naming the step", err)
	}
}

func TestObjectKeys(t *testing.T) {
	tests := []struct {
		reason              string
		call                func() (string, string)
		wantBucket, wantKey string
	}{
		{"export under a folder", func() (string, string) {
			return personalizetest.ExportObjectKey("s3://b/export/", "job", "Interactions")
		}, "b", "export/job/interactions_part_00000.csv"},
		{"export without trailing slash", func() (string, string) { return personalizetest.ExportObjectKey("s3://b/export", "job", "ITEMS") }, "b", "export/job/items_part_00000.csv"},
		{"export at the bucket root", func() (string, string) { return personalizetest.ExportObjectKey("s3://b/", "job", "Users") }, "b", "job/users_part_00000.csv"},
		{"batch output", func() (string, string) {
			return personalizetest.BatchOutputKey("s3://out/results/", "s3://in/dir/users.json")
		}, "out", "results/users.json.out"},
	}
	for _, tt := range tests {
		if b, k := tt.call(); b != tt.wantBucket || k != tt.wantKey {
			t.Errorf("%s: got %s %s, want %s %s", tt.reason, b, k, tt.wantBucket, tt.wantKey)
		}
	}
}
