package s3guard_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// These tests run the checks through the real S3 client against
// personalizetest's gofakes3 and front handler.

func seed(t *testing.T) (*personalizetest.Server, *s3.Client, personalizetest.Scene, s3guard.Requirements) {
	t.Helper()
	srv := personalizetest.New(t)
	sc, err := srv.SeedScene(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	req := s3guard.Requirements{
		Region:         personalizetest.Region,
		AccountID:      personalizetest.AccountID,
		AllowedKMSKeys: []string{sc.KeyARN},
	}
	return srv, s3.NewFromConfig(srv.Config()), sc, req
}

func TestIntegrationSceneIsClean(t *testing.T) {
	_, client, sc, req := seed(t)
	ctx := context.Background()
	for _, dir := range []s3guard.Direction{s3guard.Read, s3guard.Write} {
		r, err := s3guard.CheckBucket(ctx, client, sc.Bucket, dir, req)
		if err != nil {
			t.Fatalf("CheckBucket(%v) error = %v", dir, err)
		}
		if len(r.Findings) != 0 {
			t.Errorf("CheckBucket(%v) findings = %v, want none for the scene's bucket", dir, r.Findings)
		}
	}
	loc, err := s3guard.ParseLocation(sc.DataLocation)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s3guard.CheckObjects(ctx, client, loc, req)
	if err != nil || len(r.Findings) != 0 {
		t.Errorf("CheckObjects(%s) = %v, %v; want no findings", loc, r.Findings, err)
	}
	export, _ := s3guard.ParseLocation(sc.ExportLocation)
	r, err = s3guard.CheckObjects(ctx, client, export, req)
	if err != nil || !r.Has(s3guard.FindingSourceEmpty) {
		t.Errorf("CheckObjects(%s) = %v, %v; want %s", export, r.IDs(), err, s3guard.FindingSourceEmpty)
	}
}

func TestIntegrationConfigurations(t *testing.T) {
	srv, client, sc, req := seed(t)
	ctx := context.Background()
	kmsClient := kms.NewFromConfig(srv.Config())
	other, err := kmsClient.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	otherKey := aws.ToString(other.KeyMetadata.Arn)

	tests := []struct {
		name   string
		setup  func(t *testing.T, bucket string)
		dir    s3guard.Direction
		want   []string
		reason string
	}{
		{
			name:   "bare bucket",
			setup:  func(*testing.T, string) {},
			dir:    s3guard.Read,
			want:   []string{s3guard.FindingEncryptionMissing, s3guard.FindingPolicyMissing, s3guard.FindingPublicAccessBlockMissing, s3guard.FindingACLsEnabled},
			reason: "every not-found code is a finding, not an error",
		},
		{
			name: "SSE-S3, policy without TLS deny, partial PAB, ObjectWriter",
			setup: func(t *testing.T, b string) {
				must(t)(client.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
					Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256}}},
				}}))
				grantOnly := strings.Replace(sceneBucketPolicy(t, b), `"Effect": "Deny"`, `"Effect": "Allow"`, 1)
				grantOnly = strings.Replace(grantOnly, `"Principal": "*"`, `"Principal": {"AWS": "arn:aws:iam::111122223333:root"}`, 1)
				must(t)(client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &b, Policy: &grantOnly}))
				must(t)(client.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &b, PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
					BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(false),
				}}))
				must(t)(client.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: &b, OwnershipControls: &types.OwnershipControls{
					Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipObjectWriter}},
				}}))
			},
			dir:    s3guard.Read,
			want:   []string{s3guard.FindingEncryptionSSES3, s3guard.FindingTLSOnlyIncomplete, s3guard.FindingPublicAccessBlockIncomplete, s3guard.FindingACLsEnabled},
			reason: "each configuration read through the SDK and judged",
		},
		{
			name: "generated policy and another KMS key",
			setup: func(t *testing.T, b string) {
				policy, err := s3guard.PersonalizeBucketPolicy(s3guard.BucketPolicyInput{Bucket: b, Directions: []s3guard.Direction{s3guard.Write}, AccountID: personalizetest.AccountID})
				if err != nil {
					t.Fatal(err)
				}
				must(t)(client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &b, Policy: aws.String(string(policy))}))
				must(t)(client.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
					Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: &otherKey}}},
				}}))
			},
			dir:    s3guard.Write,
			want:   []string{s3guard.FindingEncryptionKeyNotAllowed, s3guard.FindingPublicAccessBlockMissing, s3guard.FindingACLsEnabled},
			reason: "the generated policy passes through a real PutBucketPolicy/GetBucketPolicy round trip",
		},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bucket := "s3guard-it-" + string(rune('a'+i))
			if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, bucket)
			r, err := s3guard.CheckBucket(ctx, client, bucket, tt.dir, req)
			if err != nil {
				t.Fatalf("CheckBucket() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, r.IDs()); diff != "" {
				t.Errorf("CheckBucket() IDs mismatch (-want +got) (%s):\n%s\n%v", tt.reason, diff, r.Findings)
			}
		})
	}

	t.Run("missing bucket", func(t *testing.T) {
		r, err := s3guard.CheckBucket(ctx, client, "s3guard-no-such-bucket", s3guard.Read, req)
		if err != nil || !cmp.Equal(r.IDs(), []string{s3guard.FindingBucketNotFound}) {
			t.Errorf("CheckBucket() = %v, %v; want only %s", r.IDs(), err, s3guard.FindingBucketNotFound)
		}
	})
	t.Run("other Region", func(t *testing.T) {
		b := "s3guard-it-eu"
		if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &b, CreateBucketConfiguration: &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraintEuWest1,
		}}); err != nil {
			t.Fatal(err)
		}
		r, err := s3guard.CheckBucket(ctx, client, b, s3guard.Read, req)
		if err != nil || !cmp.Equal(r.IDs(), []string{s3guard.FindingBucketRegionMismatch}) {
			t.Errorf("CheckBucket() = %v, %v; want only %s", r.IDs(), err, s3guard.FindingBucketRegionMismatch)
		}
	})
	t.Run("objects", func(t *testing.T) {
		put := func(key string, alg types.ServerSideEncryption, keyID *string) {
			t.Helper()
			must(t)(client.PutObject(ctx, &s3.PutObjectInput{Bucket: &sc.Bucket, Key: &key, Body: strings.NewReader("USER_ID,ITEM_ID,TIMESTAMP\n"),
				ServerSideEncryption: alg, SSEKMSKeyId: keyID}))
		}
		put("mixed/a.csv", types.ServerSideEncryptionAwsKms, &sc.KeyARN)
		put("mixed/b.csv", types.ServerSideEncryptionAes256, nil)
		put("mixed/c.csv", types.ServerSideEncryptionAwsKms, &otherKey)
		r, err := s3guard.CheckObjects(ctx, client, s3guard.Location{Bucket: sc.Bucket, Key: "mixed/"}, req)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{s3guard.FindingObjectSSES3, s3guard.FindingObjectKeyNotAllowed}, r.IDs()); diff != "" {
			t.Errorf("CheckObjects() IDs mismatch (-want +got):\n%s\n%v", diff, r.Findings)
		}
		r, err = s3guard.CheckObjects(ctx, client, s3guard.Location{Bucket: sc.Bucket, Key: "mixed/none.csv"}, req)
		if err != nil || !cmp.Equal(r.IDs(), []string{s3guard.FindingObjectNotFound}) {
			t.Errorf("CheckObjects(missing object) = %v, %v; want %s", r.IDs(), err, s3guard.FindingObjectNotFound)
		}
	})
}

func TestIntegrationDeniedFailsClosed(t *testing.T) {
	srv, client, sc, req := seed(t)
	ctx := context.Background()
	for _, tt := range []struct{ op, permission string }{
		{"GetBucketPolicy", "s3:GetBucketPolicy"},
		{"GetBucketLocation", "s3:GetBucketLocation"},
		{"GetBucketEncryption", "s3:GetEncryptionConfiguration"},
		{"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
		{"GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"},
	} {
		t.Run(tt.op, func(t *testing.T) {
			srv.Deny(personalizetest.ServiceS3, tt.op)
			defer srv.Allow(personalizetest.ServiceS3, tt.op)
			r, err := s3guard.CheckBucket(ctx, client, sc.Bucket, s3guard.Read, req)
			var ce *s3guard.CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("CheckBucket() = %v, %v; want a *CheckError", r.IDs(), err)
			}
			if ce.Operation != tt.op || ce.Permission != tt.permission || ce.Resource != sc.Bucket || !ce.AccessDenied() {
				t.Errorf("CheckError = %+v, want a denied %s needing %s", ce, tt.op, tt.permission)
			}
			if !strings.Contains(err.Error(), "lacks "+tt.permission) {
				t.Errorf("message %q does not name the missing permission", err)
			}
		})
	}
	t.Run("HeadObject", func(t *testing.T) {
		srv.Deny(personalizetest.ServiceS3, "HeadObject")
		defer srv.Allow(personalizetest.ServiceS3, "HeadObject")
		loc, _ := s3guard.ParseLocation(sc.DataLocation)
		_, err := s3guard.CheckObjects(ctx, client, loc, req)
		var ce *s3guard.CheckError
		if !errors.As(err, &ce) || ce.Permission != "s3:GetObject" || !ce.AccessDenied() {
			t.Errorf("CheckObjects() error = %v, want a denied *CheckError needing s3:GetObject", err)
		}
	})
}

func TestIntegrationChecker(t *testing.T) {
	srv, client, sc, req := seed(t)
	ctx := context.Background()
	c := s3guard.NewChecker(client, req)

	srv.Deny(personalizetest.ServiceS3, "GetBucketPolicy")
	if _, err := c.CheckBucket(ctx, sc.Bucket, s3guard.Read); err == nil {
		t.Fatal("CheckBucket() with GetBucketPolicy denied succeeded")
	}
	srv.Allow(personalizetest.ServiceS3, "GetBucketPolicy")
	srv.ResetRequests()

	var wg sync.WaitGroup
	reports := make([]posture.Report, 50)
	errs := make([]error, 50)
	for i := range reports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dir := s3guard.Read
			if i%2 == 1 {
				dir = s3guard.Write
			}
			reports[i], errs[i] = c.CheckBucket(ctx, sc.Bucket, dir)
		}()
	}
	wg.Wait()
	for i := range reports {
		if errs[i] != nil || len(reports[i].Findings) != 0 {
			t.Fatalf("caller %d: %v, %v", i, reports[i].IDs(), errs[i])
		}
	}
	// The failure was not cached, and the 50 callers made one round.
	counts := map[string]int{}
	for _, r := range srv.Requests() {
		counts[r.Operation]++
	}
	want := map[string]int{"GetBucketLocation": 1, "GetBucketEncryption": 1, "GetBucketPolicy": 1, "GetPublicAccessBlock": 1, "GetBucketOwnershipControls": 1}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("S3 requests mismatch (-want +got):\n%s", diff)
	}
}

// must fails the test on the error of an SDK call.
func must(t *testing.T) func(any, error) {
	return func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

// sceneBucketPolicy is the bucket policy of personalizetest's scene for b.
func sceneBucketPolicy(t *testing.T, b string) string {
	t.Helper()
	p, err := s3guard.PersonalizeBucketPolicy(s3guard.BucketPolicyInput{Bucket: b,
		Directions: []s3guard.Direction{s3guard.Read, s3guard.Write}, AccountID: personalizetest.AccountID})
	if err != nil {
		t.Fatal(err)
	}
	return string(p)
}
