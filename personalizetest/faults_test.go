package personalizetest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

func apiError(err error) (code string, status int) {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	var respErr *awshttp.ResponseError
	if errors.As(err, &respErr) {
		status = respErr.HTTPStatusCode()
	}
	return code, status
}

func TestDeny(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	cfg := s.Config()
	pz, km, s3c := personalize.NewFromConfig(cfg), kms.NewFromConfig(cfg), s3.NewFromConfig(cfg)
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("denied")}); err != nil {
		t.Fatal(err)
	}
	policy, err := s3guard.PersonalizeBucketPolicy(s3guard.BucketPolicyInput{Bucket: "denied",
		Directions: []s3guard.Direction{s3guard.Read, s3guard.Write}, AccountID: personalizetest.AccountID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("denied"), Policy: aws.String(string(policy))}); err != nil {
		t.Fatal(err)
	}
	key, err := km.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		service, operation string
		call               func() error
		wantCode           string
		wantStatus         int
	}{
		{personalizetest.ServicePersonalize, "ListDatasetGroups", func() error {
			_, err := pz.ListDatasetGroups(ctx, &personalize.ListDatasetGroupsInput{})
			return err
		}, "AccessDeniedException", http.StatusBadRequest},
		{personalizetest.ServiceKMS, "DescribeKey", func() error {
			_, err := km.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: key.KeyMetadata.Arn})
			return err
		}, "AccessDeniedException", http.StatusBadRequest},
		{personalizetest.ServiceS3, "GetBucketPolicy", func() error {
			_, err := s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("denied")})
			return err
		}, "AccessDenied", http.StatusForbidden},
		// HEAD answers have no body; the SDK names the error from the status.
		{personalizetest.ServiceS3, "HeadBucket", func() error {
			_, err := s3c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("denied")})
			return err
		}, "Forbidden", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.service+" "+tt.operation, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatalf("before Deny: %v", err)
			}
			s.Deny(tt.service, tt.operation)
			s.ResetRequests()
			code, status := apiError(tt.call())
			if code != tt.wantCode || status != tt.wantStatus {
				t.Errorf("denied call = %s %d, want %s %d", code, status, tt.wantCode, tt.wantStatus)
			}
			if reqs := s.Requests(); len(reqs) != 1 || reqs[0].Operation != tt.operation {
				t.Errorf("a denied request must still be logged once; log = %v", operations(s))
			}
			s.Allow(tt.service, tt.operation)
			if err := tt.call(); err != nil {
				t.Errorf("after Allow: %v", err)
			}
		})
	}
}

func TestDenyEveryOperation(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := s3.NewFromConfig(s.Config())
	s.Deny("S3", personalizetest.AnyOperation) // service names are case-insensitive
	if code, _ := apiError(func() error {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("never")})
		return err
	}()); code != "AccessDenied" {
		t.Errorf("CreateBucket under Deny(s3, *) = %q, want AccessDenied", code)
	}
	// Other services are unaffected, and the denied call changed nothing.
	if _, err := kms.NewFromConfig(s.Config()).ListKeys(ctx, &kms.ListKeysInput{}); err != nil {
		t.Errorf("KMS under Deny(s3, *) = %v", err)
	}
	s.Allow(personalizetest.ServiceS3, personalizetest.AnyOperation)
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("never")}); err == nil {
		t.Errorf("a denied CreateBucket created the bucket")
	}
}
