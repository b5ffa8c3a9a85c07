package personalizetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/personalizeguard/personalizeguard/internal/fakepersonalize"
	guardkms "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// RoleARN is the Personalize service role a [Scene] uses. No IAM is
// emulated: the ARN only has to be well formed and named in the policies.
const RoleARN = "arn:aws:iam::" + AccountID + ":role/PersonalizeTestServiceRole"

// InteractionsSchema is an Avro schema for an Interactions dataset that
// matches [InteractionsCSV].
const InteractionsSchema = `{"type":"record","name":"Interactions","namespace":"com.amazonaws.personalize.schema",` +
	`"fields":[{"name":"USER_ID","type":"string"},{"name":"ITEM_ID","type":"string"},{"name":"TIMESTAMP","type":"long"}],"version":"1.0"}`

// InteractionsCSV is the object a [Scene] uploads: a few interactions with
// nothing sensitive in them.
const InteractionsCSV = "USER_ID,ITEM_ID,TIMESTAMP\n" +
	"user-1,item-1,1700000000\n" +
	"user-1,item-2,1700000100\n" +
	"user-2,item-1,1700000200\n" +
	"user-3,item-3,1700000300\n"

// Scene is a ready-made, well-protected setting for Personalize: a KMS key
// and a bucket as AWS's data-protection guidance asks for them.
type Scene struct {
	// KeyARN is a symmetric customer managed key with rotation on, whose key
	// policy grants personalize.amazonaws.com and RoleARN kms:Decrypt,
	// kms:GenerateDataKey, kms:DescribeKey, kms:CreateGrant, kms:ListGrants
	// and kms:GenerateDataKeyWithoutPlaintext.
	KeyARN string
	// RoleARN is [RoleARN].
	RoleARN string
	// Bucket has default SSE-KMS encryption with KeyARN (bucket key on), a
	// policy that denies every request without TLS and grants
	// personalize.amazonaws.com s3:GetObject, s3:ListBucket and s3:PutObject
	// for this account only (aws:SourceAccount), all four public access block
	// settings, and object ownership BucketOwnerEnforced.
	Bucket string
	// DataLocation is s3://Bucket/interactions.csv, holding [InteractionsCSV]
	// encrypted with KeyARN.
	DataLocation string
	// ExportLocation is s3://Bucket/export/, for export and batch jobs.
	ExportLocation string
	// DatasetGroupARN is an ACTIVE dataset group encrypted with KeyARN and
	// RoleARN, when [SceneOptions].DatasetGroup asked for one; otherwise "".
	DatasetGroupARN string
}

// SceneOptions configure [Server.SeedScene], set by functions as [Options]
// are.
type SceneOptions struct {
	// Bucket names the scene's bucket. By default the first scene of a
	// Server uses "personalizetest-data", later ones "personalizetest-data-N".
	Bucket string
	// DatasetGroup, when set, also creates a dataset group of that name,
	// encrypted with the scene's key and role, and waits until it is ACTIVE.
	DatasetGroup string
}

// keyPolicy is the key policy a [Scene] puts on its key: what
// kms.PersonalizeKeyPolicy writes for [RoleARN], exports included.
func keyPolicy() (string, error) {
	b, err := guardkms.PersonalizeKeyPolicy(guardkms.KeyPolicyInput{RoleARN: RoleARN, AccountID: AccountID, Region: Region, Exports: true})
	return string(b), err
}

// bucketPolicy is the bucket policy a [Scene] puts on bucket: what
// s3guard.PersonalizeBucketPolicy writes for reading and writing, with the
// TLS-only deny.
func bucketPolicy(bucket string) (string, error) {
	b, err := s3guard.PersonalizeBucketPolicy(s3guard.BucketPolicyInput{Bucket: bucket,
		Directions: []s3guard.Direction{s3guard.Read, s3guard.Write}, AccountID: AccountID})
	return string(b), err
}

// SeedScene creates a [Scene] through the real SDK clients against the
// Server itself, so its requests appear in the request log (call
// [Server.ResetRequests] afterwards to start clean) and [Server.Deny] applies
// to them.
func (s *Server) SeedScene(ctx context.Context, optFns ...func(*SceneOptions)) (Scene, error) {
	n := s.scenes.Add(1)
	o := SceneOptions{Bucket: "personalizetest-data"}
	if n > 1 {
		o.Bucket += "-" + strconv.Itoa(int(n))
	}
	for _, opt := range optFns {
		opt(&o)
	}
	cfg := s.Config()
	kmsClient, s3Client := kms.NewFromConfig(cfg), s3.NewFromConfig(cfg)
	fail := func(step string, err error) (Scene, error) {
		return Scene{}, fmt.Errorf("personalizetest: seed scene: %s: %w", step, err)
	}

	keyPol, err := keyPolicy()
	if err != nil {
		return fail("write key policy", err)
	}
	bucketPol, err := bucketPolicy(o.Bucket)
	if err != nil {
		return fail("write bucket policy", err)
	}
	key, err := kmsClient.CreateKey(ctx, &kms.CreateKeyInput{
		Description: aws.String("personalizetest scene key"),
		KeySpec:     kmstypes.KeySpecSymmetricDefault,
		KeyUsage:    kmstypes.KeyUsageTypeEncryptDecrypt,
		Policy:      aws.String(keyPol),
	})
	if err != nil {
		return fail("create key", err)
	}
	sc := Scene{
		KeyARN:         aws.ToString(key.KeyMetadata.Arn),
		RoleARN:        RoleARN,
		Bucket:         o.Bucket,
		DataLocation:   "s3://" + o.Bucket + "/interactions.csv",
		ExportLocation: "s3://" + o.Bucket + "/export/",
	}
	if _, err := kmsClient.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &sc.KeyARN}); err != nil {
		return fail("enable key rotation", err)
	}

	b := &sc.Bucket
	steps := []struct {
		name string
		call func() error
	}{
		{"create bucket", func() error { _, err := s3Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); return err }},
		{"block public access", func() error {
			_, err := s3Client.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
			}})
			return err
		}},
		{"enforce bucket ownership", func() error {
			_, err := s3Client.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &s3types.OwnershipControls{
				Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}},
			}})
			return err
		}},
		{"set default encryption", func() error {
			_, err := s3Client.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
				Rules: []s3types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: &sc.KeyARN},
					BucketKeyEnabled:                   aws.Bool(true),
				}},
			}})
			return err
		}},
		{"put bucket policy", func() error {
			_, err := s3Client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(bucketPol)})
			return err
		}},
		{"upload interactions", func() error {
			_, err := s3Client.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("interactions.csv"), Body: strings.NewReader(InteractionsCSV),
				ContentType: aws.String("text/csv"), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: &sc.KeyARN})
			return err
		}},
	}
	for _, st := range steps {
		if err := st.call(); err != nil {
			return fail(st.name, err)
		}
	}

	if o.DatasetGroup != "" {
		pz := personalize.NewFromConfig(cfg)
		out, err := pz.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: &o.DatasetGroup, KmsKeyArn: &sc.KeyARN, RoleArn: &sc.RoleARN})
		if err != nil {
			return fail("create dataset group", err)
		}
		sc.DatasetGroupARN = aws.ToString(out.DatasetGroupArn)
		if err := waitActive(ctx, func(ctx context.Context) (string, string, error) {
			d, err := pz.DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: &sc.DatasetGroupARN})
			if err != nil {
				return "", "", err
			}
			return aws.ToString(d.DatasetGroup.Status), aws.ToString(d.DatasetGroup.FailureReason), nil
		}); err != nil {
			return fail("wait for the dataset group", err)
		}
	}
	return sc, nil
}

// waitActive polls describe until the status is ACTIVE. Status moves on
// Describe calls, not on time, so it polls without sleeping but gives up
// after a bounded number of calls.
func waitActive(ctx context.Context, describe func(context.Context) (status, reason string, err error)) error {
	for range 64 {
		status, reason, err := describe(ctx)
		switch {
		case err != nil:
			return err
		case status == "ACTIVE":
			return nil
		case strings.HasSuffix(status, "FAILED"):
			return errors.New(status + ": " + reason)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return errors.New("still not ACTIVE after 64 Describe calls")
}

// ExportObjectKey returns where a dataset export job writes its CSV: the
// bucket of outputPath (s3://bucket/prefix/) and the key
// "prefix/<jobName>/<dataset type, lower case>_part_00000.csv".
func ExportObjectKey(outputPath, jobName, datasetType string) (bucket, key string) {
	rest := strings.TrimPrefix(outputPath, "s3://")
	bucket, prefix, _ := strings.Cut(rest, "/")
	return bucket, fakepersonalize.ExportObjectKey(prefix, jobName, datasetType)
}

// BatchOutputKey returns where a batch inference job writes the results for
// the input file inputPath (s3://bucket/dir/file): the bucket of outputPath
// and the key "prefix/<file>.out".
func BatchOutputKey(outputPath, inputPath string) (bucket, key string) {
	bucket, prefix, _ := strings.Cut(strings.TrimPrefix(outputPath, "s3://"), "/")
	_, inKey, _ := strings.Cut(strings.TrimPrefix(inputPath, "s3://"), "/")
	return bucket, fakepersonalize.BatchOutputKey(prefix, inKey)
}
