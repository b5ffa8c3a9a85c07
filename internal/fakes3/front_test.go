package fakes3_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/fakes3"
)

const (
	keyARN      = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111"
	disabledARN = "arn:aws:kms:us-east-1:111122223333:key/22222222-2222-2222-2222-222222222222"
)

// testKeys stands in for the local KMS.
func testKeys(id string) (arn, state string, found bool) {
	switch id {
	case keyARN, "11111111-1111-1111-1111-111111111111", "alias/data":
		return keyARN, "Enabled", true
	case disabledARN:
		return disabledARN, "Disabled", true
	}
	return "", "", false
}

// newS3 serves a front handler over TLS, so that the SDK uses its TLS-only
// upload framing (aws-chunked with trailing checksums).
func newS3(t *testing.T) (*s3.Client, *fakes3.Handler, *httptest.Server) {
	t.Helper()
	h := fakes3.New(fakes3.Options{Keys: testKeys})
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	cfg := aws.Config{
		Region: fakes3.Region,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret", Source: "test"}, nil
		}),
		BaseEndpoint:     aws.String(srv.URL),
		HTTPClient:       srv.Client(),
		RetryMaxAttempts: 1,
		// config.LoadDefaultConfig's defaults: checksums on every upload.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
	return s3.NewFromConfig(cfg), h, srv
}

func createBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket(%s) = %v", name, err)
	}
}

func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

func httpStatus(err error) int {
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		return respErr.HTTPStatusCode()
	}
	return 0
}

// subresource describes one bucket subresource through the SDK.
type subresource struct {
	name     string
	notFound string
	put      func(ctx context.Context, c *s3.Client, bucket string) error
	get      func(ctx context.Context, c *s3.Client, bucket string) (any, error)
	del      func(ctx context.Context, c *s3.Client, bucket string) error
	want     any
}

const tlsPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

var subresources = []subresource{
	{
		name:     "encryption",
		notFound: "ServerSideEncryptionConfigurationNotFoundError",
		put: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: &b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
				Rules: []types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)},
					BucketKeyEnabled:                   aws.Bool(true),
				}},
			}})
			return err
		},
		get: func(ctx context.Context, c *s3.Client, b string) (any, error) {
			out, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: &b})
			if err != nil {
				return nil, err
			}
			r := out.ServerSideEncryptionConfiguration.Rules[0]
			return []string{string(r.ApplyServerSideEncryptionByDefault.SSEAlgorithm), aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID), boolText(r.BucketKeyEnabled)}, nil
		},
		del: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: &b})
			return err
		},
		want: []string{"aws:kms", keyARN, "true"},
	},
	{
		name:     "policy",
		notFound: "NoSuchBucketPolicy",
		put: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: &b, Policy: aws.String(tlsPolicy)})
			return err
		},
		get: func(ctx context.Context, c *s3.Client, b string) (any, error) {
			out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &b})
			if err != nil {
				return nil, err
			}
			return aws.ToString(out.Policy), nil
		},
		del: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: &b})
			return err
		},
		want: tlsPolicy,
	},
	{
		name:     "publicAccessBlock",
		notFound: "NoSuchPublicAccessBlockConfiguration",
		put: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &b, PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(false),
			}})
			return err
		},
		get: func(ctx context.Context, c *s3.Client, b string) (any, error) {
			out, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: &b})
			if err != nil {
				return nil, err
			}
			p := out.PublicAccessBlockConfiguration
			return []string{boolText(p.BlockPublicAcls), boolText(p.IgnorePublicAcls), boolText(p.BlockPublicPolicy), boolText(p.RestrictPublicBuckets)}, nil
		},
		del: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: &b})
			return err
		},
		want: []string{"true", "true", "true", "false"},
	},
	{
		name:     "ownershipControls",
		notFound: "OwnershipControlsNotFoundError",
		put: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: &b, OwnershipControls: &types.OwnershipControls{
				Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}},
			}})
			return err
		},
		get: func(ctx context.Context, c *s3.Client, b string) (any, error) {
			out, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: &b})
			if err != nil {
				return nil, err
			}
			return string(out.OwnershipControls.Rules[0].ObjectOwnership), nil
		},
		del: func(ctx context.Context, c *s3.Client, b string) error {
			_, err := c.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: &b})
			return err
		},
		want: "BucketOwnerEnforced",
	},
}

func boolText(b *bool) string {
	if b == nil {
		return "nil"
	}
	if *b {
		return "true"
	}
	return "false"
}

func TestSubresourceLifecycle(t *testing.T) {
	c, _, _ := newS3(t)
	ctx := context.Background()
	for _, sr := range subresources {
		t.Run(sr.name, func(t *testing.T) {
			bucket := strings.ToLower("life-" + sr.name)
			createBucket(t, c, bucket)

			_, err := sr.get(ctx, c, bucket)
			if got := errorCode(err); got != sr.notFound || httpStatus(err) != http.StatusNotFound {
				t.Fatalf("get on a bare bucket = %v (code %q, status %d), want 404 %s", err, got, httpStatus(err), sr.notFound)
			}
			if err := sr.put(ctx, c, bucket); err != nil {
				t.Fatalf("put = %v", err)
			}
			got, err := sr.get(ctx, c, bucket)
			if err != nil {
				t.Fatalf("get after put = %v", err)
			}
			if diff := cmp.Diff(sr.want, got); diff != "" {
				t.Errorf("get after put mismatch (-want +got):\n%s", diff)
			}
			if err := sr.del(ctx, c, bucket); err != nil {
				t.Fatalf("delete = %v", err)
			}
			if _, err := sr.get(ctx, c, bucket); errorCode(err) != sr.notFound {
				t.Errorf("get after delete = %v, want %s", err, sr.notFound)
			}
			// gofakes3 alone deletes the bucket on DELETE ?policy.
			if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket}); err != nil {
				t.Errorf("HeadBucket after deleting the %s = %v, want the bucket intact", sr.name, err)
			}
		})
	}
}

func TestSubresourcesOnMissingBucket(t *testing.T) {
	c, _, _ := newS3(t)
	ctx := context.Background()
	for _, sr := range subresources {
		t.Run(sr.name, func(t *testing.T) {
			calls := map[string]error{"put": sr.put(ctx, c, "absent"), "delete": sr.del(ctx, c, "absent")}
			_, calls["get"] = sr.get(ctx, c, "absent")
			for name, err := range calls {
				if errorCode(err) != "NoSuchBucket" || httpStatus(err) != http.StatusNotFound {
					t.Errorf("%s on a missing bucket = %v, want 404 NoSuchBucket", name, err)
				}
			}
			if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("absent")}); err == nil {
				t.Errorf("a subresource call created the missing bucket")
			}
		})
	}
}

func TestSubresourceValidation(t *testing.T) {
	c, _, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "valid")
	b := aws.String("valid")
	tests := []struct {
		reason string
		call   func() error
		want   string
	}{
		{"KMS key with AES256", func() error {
			_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
				Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256, KMSMasterKeyID: aws.String(keyARN)}}},
			}})
			return err
		}, "InvalidArgument"},
		{"unknown algorithm", func() error {
			_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
				Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: "ROT13"}}},
			}})
			return err
		}, "MalformedXML"},
		{"policy not JSON", func() error {
			_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String("allow everything")})
			return err
		}, "MalformedPolicy"},
		{"policy without statements", func() error {
			_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(`{"Version":"2012-10-17"}`)})
			return err
		}, "MalformedPolicy"},
		{"unknown ownership", func() error {
			_, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &types.OwnershipControls{
				Rules: []types.OwnershipControlsRule{{ObjectOwnership: "Anyone"}},
			}})
			return err
		}, "MalformedXML"},
		{"tagging is not implemented", func() error {
			_, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
			return err
		}, "NotImplemented"},
		{"object tagging is not implemented", func() error {
			_, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: aws.String("k")})
			return err
		}, "NotImplemented"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			if err := tt.call(); errorCode(err) != tt.want {
				t.Errorf("error = %v, want %s", err, tt.want)
			}
		})
	}
	if _, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b}); errorCode(err) != "ServerSideEncryptionConfigurationNotFoundError" {
		t.Errorf("a rejected PUT stored a configuration: GetBucketEncryption = %v", err)
	}
}

func TestBucketLocation(t *testing.T) {
	c, _, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "home")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("away"), CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}}); err != nil {
		t.Fatalf("CreateBucket(eu-west-1) = %v", err)
	}
	tests := []struct {
		bucket, wantConstraint, wantRegion string
	}{
		{"home", "", "us-east-1"},
		{"away", "eu-west-1", "eu-west-1"},
	}
	for _, tt := range tests {
		loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &tt.bucket})
		if err != nil {
			t.Fatalf("GetBucketLocation(%s) = %v", tt.bucket, err)
		}
		if got := string(loc.LocationConstraint); got != tt.wantConstraint {
			t.Errorf("GetBucketLocation(%s) = %q, want %q", tt.bucket, got, tt.wantConstraint)
		}
		head, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &tt.bucket})
		if err != nil {
			t.Fatalf("HeadBucket(%s) = %v", tt.bucket, err)
		}
		if got := aws.ToString(head.BucketRegion); got != tt.wantRegion {
			t.Errorf("HeadBucket(%s).BucketRegion = %q, want %q", tt.bucket, got, tt.wantRegion)
		}
	}
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("named"), CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: "us-east-1"}})
	if errorCode(err) != "InvalidLocationConstraint" {
		t.Errorf("CreateBucket(LocationConstraint us-east-1) = %v, want InvalidLocationConstraint", err)
	}
	if _, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("absent")}); errorCode(err) != "NoSuchBucket" {
		t.Errorf("GetBucketLocation(absent) = %v, want NoSuchBucket", err)
	}
}

func TestObjectEncryption(t *testing.T) {
	c, h, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "bare")
	createBucket(t, c, "kms-default")
	if err := subresources[0].put(ctx, c, "kms-default"); err != nil {
		t.Fatalf("PutBucketEncryption = %v", err)
	}
	tests := []struct {
		reason        string
		bucket        string
		alg           types.ServerSideEncryption
		keyID         string
		wantAlg       types.ServerSideEncryption
		wantKey       string
		wantBucketKey bool
		wantErr       string
	}{
		{reason: "no encryption asked, bare bucket", bucket: "bare"},
		{reason: "SSE-S3", bucket: "bare", alg: types.ServerSideEncryptionAes256, wantAlg: types.ServerSideEncryptionAes256},
		{reason: "SSE-KMS by key ID reports the key ARN", bucket: "bare", alg: types.ServerSideEncryptionAwsKms, keyID: "11111111-1111-1111-1111-111111111111", wantAlg: types.ServerSideEncryptionAwsKms, wantKey: keyARN},
		{reason: "SSE-KMS by alias", bucket: "bare", alg: types.ServerSideEncryptionAwsKms, keyID: "alias/data", wantAlg: types.ServerSideEncryptionAwsKms, wantKey: keyARN},
		{reason: "bucket default applies", bucket: "kms-default", wantAlg: types.ServerSideEncryptionAwsKms, wantKey: keyARN, wantBucketKey: true},
		{reason: "explicit header beats the default", bucket: "kms-default", alg: types.ServerSideEncryptionAes256, wantAlg: types.ServerSideEncryptionAes256},
		{reason: "unknown key", bucket: "bare", alg: types.ServerSideEncryptionAwsKms, keyID: "alias/none", wantErr: "KMS.NotFoundException"},
		{reason: "disabled key", bucket: "bare", alg: types.ServerSideEncryptionAwsKms, keyID: disabledARN, wantErr: "KMS.DisabledException"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			key := aws.String("obj.csv")
			body := "USER_ID,ITEM_ID,TIMESTAMP\n" + tt.reason + "\n"
			in := &s3.PutObjectInput{Bucket: &tt.bucket, Key: key, Body: strings.NewReader(body), ServerSideEncryption: tt.alg}
			if tt.keyID != "" {
				in.SSEKMSKeyId = &tt.keyID
			}
			put, err := c.PutObject(ctx, in)
			if tt.wantErr != "" {
				if errorCode(err) != tt.wantErr {
					t.Fatalf("PutObject() = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("PutObject() = %v", err)
			}
			head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &tt.bucket, Key: key})
			if err != nil {
				t.Fatalf("HeadObject() = %v", err)
			}
			get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &tt.bucket, Key: key})
			if err != nil {
				t.Fatalf("GetObject() = %v", err)
			}
			got, _ := io.ReadAll(get.Body)
			get.Body.Close()
			if string(got) != body {
				t.Errorf("GetObject body = %q, want %q (aws-chunked framing must be removed)", got, body)
			}
			want := []string{string(tt.wantAlg), tt.wantKey, boolText(aws.Bool(tt.wantBucketKey))}
			for name, gotEnc := range map[string][]string{
				"PutObject":  {string(put.ServerSideEncryption), aws.ToString(put.SSEKMSKeyId), boolText(aws.Bool(aws.ToBool(put.BucketKeyEnabled)))},
				"HeadObject": {string(head.ServerSideEncryption), aws.ToString(head.SSEKMSKeyId), boolText(aws.Bool(aws.ToBool(head.BucketKeyEnabled)))},
				"GetObject":  {string(get.ServerSideEncryption), aws.ToString(get.SSEKMSKeyId), boolText(aws.Bool(aws.ToBool(get.BucketKeyEnabled)))},
			} {
				if diff := cmp.Diff(want, gotEnc); diff != "" {
					t.Errorf("%s encryption mismatch (-want +got):\n%s", name, diff)
				}
			}
			if diff := cmp.Diff(fakes3.Encryption{Algorithm: string(tt.wantAlg), KMSKeyID: tt.wantKey, BucketKeyEnabled: tt.wantBucketKey}, h.ObjectEncryption(tt.bucket, *key)); diff != "" {
				t.Errorf("ObjectEncryption mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOverwriteReplacesEncryption(t *testing.T) {
	c, _, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "over")
	put := func(alg types.ServerSideEncryption) {
		t.Helper()
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("over"), Key: aws.String("k"), Body: strings.NewReader("x"), ServerSideEncryption: alg, SSEKMSKeyId: map[bool]*string{true: aws.String(keyARN)}[alg == types.ServerSideEncryptionAwsKms]}); err != nil {
			t.Fatalf("PutObject(%s) = %v", alg, err)
		}
	}
	put(types.ServerSideEncryptionAwsKms)
	put("")
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("over"), Key: aws.String("k")})
	if err != nil {
		t.Fatalf("HeadObject() = %v", err)
	}
	if head.ServerSideEncryption != "" || head.SSEKMSKeyId != nil {
		t.Errorf("after an unencrypted overwrite HeadObject reports %q %v, want no encryption", head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId))
	}
}

func TestMultipartUploadEncryption(t *testing.T) {
	c, _, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "multi")
	b, k := aws.String("multi"), aws.String("big.csv")
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k, ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(keyARN)})
	if err != nil {
		t.Fatalf("CreateMultipartUpload() = %v", err)
	}
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("only part")})
	if err != nil {
		t.Fatalf("UploadPart() = %v", err)
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{
		Parts: []types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1), ChecksumCRC32: part.ChecksumCRC32}},
	}})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload() = %v", err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: k})
	if err != nil {
		t.Fatalf("HeadObject() = %v", err)
	}
	if head.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(head.SSEKMSKeyId) != keyARN {
		t.Errorf("HeadObject = %q %q, want aws:kms %s", head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId), keyARN)
	}
}

func TestDeleteForgetsState(t *testing.T) {
	c, h, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "gone")
	if err := subresources[0].put(ctx, c, "gone"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "b"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("gone"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("gone"), Key: aws.String("a")}); err != nil {
		t.Fatalf("DeleteObject() = %v", err)
	}
	if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("gone"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("b")}}}}); err != nil {
		t.Fatalf("DeleteObjects() = %v", err)
	}
	for _, k := range []string{"a", "b"} {
		if enc := h.ObjectEncryption("gone", k); enc != (fakes3.Encryption{}) {
			t.Errorf("ObjectEncryption(%s) after delete = %+v, want none", k, enc)
		}
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("gone")}); err != nil {
		t.Fatalf("DeleteBucket() = %v", err)
	}
	createBucket(t, c, "gone")
	if _, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("gone")}); errorCode(err) != "ServerSideEncryptionConfigurationNotFoundError" {
		t.Errorf("a re-created bucket inherited its predecessor's encryption: %v", err)
	}
}

func TestChecksumMismatch(t *testing.T) {
	_, _, srv := newS3(t)
	do := func(method, path string, body string, hdr map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	do(http.MethodPut, "/sums", "", nil).Body.Close()
	tests := []struct {
		reason   string
		body     string
		hdr      map[string]string
		wantCode int
		wantBody string
	}{
		{"trailing checksum matches", "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
			map[string]string{"Content-Encoding": "aws-chunked", "X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "X-Amz-Decoded-Content-Length": "5", "X-Amz-Trailer": "x-amz-checksum-crc32"}, 200, ""},
		{"trailing checksum differs", "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n",
			map[string]string{"Content-Encoding": "aws-chunked", "X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "X-Amz-Decoded-Content-Length": "5"}, 400, "BadDigest"},
		{"header checksum differs", "hello", map[string]string{"X-Amz-Checksum-Sha256": "AAAA"}, 400, "BadDigest"},
		{"decoded length lies", "5\r\nhello\r\n0\r\n\r\n",
			map[string]string{"Content-Encoding": "aws-chunked", "X-Amz-Content-Sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "X-Amz-Decoded-Content-Length": "6"}, 400, "IncompleteBody"},
		{"broken framing", "zz\r\nhello", map[string]string{"Content-Encoding": "aws-chunked"}, 400, "IncompleteBody"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			resp := do(http.MethodPut, "/sums/k", tt.body, tt.hdr)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantCode || !bytes.Contains(b, []byte(tt.wantBody)) {
				t.Errorf("PUT = %d %s, want %d containing %q", resp.StatusCode, b, tt.wantCode, tt.wantBody)
			}
		})
	}
}

func TestInProcessAPI(t *testing.T) {
	c, h, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "data")
	if err := subresources[0].put(ctx, c, "data"); err != nil {
		t.Fatal(err)
	}
	if !h.BucketExists("data") || h.BucketExists("absent") {
		t.Errorf("BucketExists disagrees with CreateBucket")
	}
	if err := h.PutObject("data", "out/a.csv", []byte("a"), ""); err != nil {
		t.Fatalf("PutObject(default encryption) = %v", err)
	}
	if err := h.PutObject("data", "out/b.csv", []byte("b"), "alias/data"); err != nil {
		t.Fatalf("PutObject(alias) = %v", err)
	}
	if got, want := h.ObjectEncryption("data", "out/a.csv"), (fakes3.Encryption{Algorithm: "aws:kms", KMSKeyID: keyARN, BucketKeyEnabled: true}); got != want {
		t.Errorf("ObjectEncryption(default) = %+v, want %+v", got, want)
	}
	if got, want := h.ObjectEncryption("data", "out/b.csv"), (fakes3.Encryption{Algorithm: "aws:kms", KMSKeyID: keyARN}); got != want {
		t.Errorf("ObjectEncryption(alias) = %+v, want %+v", got, want)
	}
	keys, err := h.ListObjects("data", "out/")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"out/a.csv", "out/b.csv"}, keys); diff != "" {
		t.Errorf("ListObjects mismatch (-want +got):\n%s", diff)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("data"), Key: aws.String("out/b.csv")})
	if err != nil || aws.ToString(head.SSEKMSKeyId) != keyARN {
		t.Errorf("HeadObject of an in-process object = %v, %v; want SSE-KMS with %s", head, err, keyARN)
	}
	got, err := h.GetObject("data", "out/a.csv")
	if err != nil || string(got) != "a" {
		t.Errorf("GetObject() = %q, %v; want \"a\"", got, err)
	}
	errTests := []struct {
		reason string
		err    error
		want   error
	}{
		{"get from a missing bucket", func() error { _, err := h.GetObject("absent", "k"); return err }(), fakes3.ErrNoSuchBucket},
		{"get a missing key", func() error { _, err := h.GetObject("data", "none"); return err }(), fakes3.ErrNoSuchKey},
		{"list a missing bucket", func() error { _, err := h.ListObjects("absent", ""); return err }(), fakes3.ErrNoSuchBucket},
		{"put into a missing bucket", h.PutObject("absent", "k", nil, ""), fakes3.ErrNoSuchBucket},
	}
	for _, tt := range errTests {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: error = %v, want %v", tt.reason, tt.err, tt.want)
		}
	}
	if err := h.PutObject("data", "k", nil, "alias/none"); err == nil || !strings.Contains(err.Error(), "KMS.NotFoundException") {
		t.Errorf("PutObject(unknown key) = %v, want KMS.NotFoundException", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	c, h, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "busy")
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := aws.String(strings.Repeat("k", i+1))
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("busy"), Key: key, Body: strings.NewReader("x"), ServerSideEncryption: types.ServerSideEncryptionAes256}); err != nil {
				t.Error(err)
			}
			if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("busy"), Key: key}); err != nil {
				t.Error(err)
			}
			if err := subresources[i%len(subresources)].put(ctx, c, "busy"); err != nil {
				t.Error(err)
			}
			_ = h.PutObject("busy", "in-process", []byte("y"), "")
		}()
	}
	wg.Wait()
}

// TestRangedGetChecksum: a whole-object GET carries the object's checksum,
// which the SDK validates; a ranged GET carries none, as on S3, so the SDK
// does not check a range against the whole object's checksum.
func TestRangedGetChecksum(t *testing.T) {
	c, _, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "ranged")
	body := strings.Repeat("0123456789", 100)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ranged"), Key: aws.String("k"), Body: strings.NewReader(body)}); err != nil {
		t.Fatalf("PutObject() = %v", err)
	}
	tests := []struct {
		name, rng, want string
		checksum        bool
	}{
		{"whole object", "", body, true},
		{"first bytes", "bytes=0-9", body[:10], false},
		{"middle", "bytes=100-199", body[100:200], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.GetObjectInput{Bucket: aws.String("ranged"), Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled}
			if tt.rng != "" {
				in.Range = aws.String(tt.rng)
			}
			out, err := c.GetObject(ctx, in)
			if err != nil {
				t.Fatalf("GetObject(%q) = %v", tt.rng, err)
			}
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil {
				t.Fatalf("GetObject(%q) body: %v", tt.rng, err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("GetObject(%q) body mismatch (-want +got):\n%s", tt.rng, diff)
			}
			if has := out.ChecksumCRC32 != nil || out.ChecksumCRC32C != nil || out.ChecksumSHA256 != nil || out.ChecksumSHA1 != nil || out.ChecksumCRC64NVME != nil; has != tt.checksum {
				t.Errorf("GetObject(%q) carries a checksum = %v, want %v", tt.rng, has, tt.checksum)
			}
		})
	}
}

// TestIfMatch: a read with If-Match is served only while the object's ETag
// is one it names, as S3 does; otherwise 412 PreconditionFailed, for GET and
// HEAD alike. A missing object stays NoSuchKey.
func TestIfMatch(t *testing.T) {
	c, _, _ := newS3(t)
	ctx := context.Background()
	createBucket(t, c, "cond")
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("cond"), Key: aws.String("k"), Body: strings.NewReader("first")})
	if err != nil {
		t.Fatalf("PutObject() = %v", err)
	}
	etag := aws.ToString(put.ETag)
	tests := []struct {
		name, key, ifMatch string
		wantCode           string // "" for success
	}{
		{"the object's ETag", "k", etag, ""},
		{"any of a list", "k", `"0123", ` + etag, ""},
		{"star", "k", "*", ""},
		{"another ETag", "k", `"d41d8cd98f00b204e9800998ecf8427e"`, "PreconditionFailed"},
		{"missing object", "absent", etag, "NoSuchKey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, getErr := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("cond"), Key: aws.String(tt.key), IfMatch: aws.String(tt.ifMatch)})
			_, headErr := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("cond"), Key: aws.String(tt.key), IfMatch: aws.String(tt.ifMatch)})
			for op, err := range map[string]error{"GetObject": getErr, "HeadObject": headErr} {
				got := ""
				var ae smithy.APIError
				if errors.As(err, &ae) {
					got = ae.ErrorCode()
				} else if err != nil {
					got = err.Error()
				}
				want := tt.wantCode
				if op == "HeadObject" && want != "" {
					// A HEAD answer has no body: the SDK names the error by
					// its status.
					want = map[string]string{"PreconditionFailed": "PreconditionFailed", "NoSuchKey": "NotFound"}[want]
				}
				if got != want {
					t.Errorf("%s If-Match %s: error code %q, want %q", op, tt.ifMatch, got, want)
				}
			}
		})
	}
	// The object replaced: the old ETag no longer reads it.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("cond"), Key: aws.String("k"), Body: strings.NewReader("second")}); err != nil {
		t.Fatalf("PutObject() = %v", err)
	}
	var ae smithy.APIError
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("cond"), Key: aws.String("k"), IfMatch: aws.String(etag)}); !errors.As(err, &ae) || ae.ErrorCode() != "PreconditionFailed" {
		t.Errorf("GetObject with the replaced object's ETag = %v, want PreconditionFailed", err)
	}
}
