package s3guard

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

// TestCheckObjectKeys: the keys of the checked objects are each reported
// once, "" standing for aws/s3; objects under SSE-S3, SSE-C or none add
// none; the cached answer reports the same keys without another S3 call,
// appended to the caller's buffer, whose writes do not reach the cache.
func TestCheckObjectKeys(t *testing.T) {
	kmsObj := func(key string) *fakeObject { return &fakeObject{alg: types.ServerSideEncryptionAwsKms, key: key} }
	tests := []struct {
		name    string
		loc     Location
		objects map[string]*fakeObject
		want    []string
	}{
		{"object, allowed key", Location{Bucket: testBucket, Key: "in/a.csv"}, map[string]*fakeObject{"in/a.csv": kmsObj(allowedKey)}, []string{allowedKey}},
		{"object, SSE-S3", Location{Bucket: testBucket, Key: "in/a.csv"}, map[string]*fakeObject{"in/a.csv": {alg: types.ServerSideEncryptionAes256}}, nil},
		{"object, SSE-C", Location{Bucket: testBucket, Key: "in/a.csv"}, map[string]*fakeObject{"in/a.csv": {alg: types.ServerSideEncryptionAwsKms, key: otherKey, ssec: true}}, nil},
		{"object, aws/s3", Location{Bucket: testBucket, Key: "in/a.csv"}, map[string]*fakeObject{"in/a.csv": kmsObj("")}, []string{""}},
		{"prefix, two keys and DSSE", Location{Bucket: testBucket, Key: "in/"}, map[string]*fakeObject{
			"in/a.csv": kmsObj(allowedKey), "in/b.csv": kmsObj(otherKey), "in/c.csv": kmsObj(allowedKey),
			"in/d.csv": {alg: types.ServerSideEncryptionAwsKmsDsse, key: otherKey}, "in/e.csv": {},
		}, []string{allowedKey, otherKey}},
		{"prefix, empty", Location{Bucket: testBucket, Key: "in/"}, map[string]*fakeObject{"other/a.csv": kmsObj(allowedKey)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeS3{objects: headOutputs(tt.objects)}
			c := NewChecker(fake, testReq())
			for i := range 2 {
				buf := []string{"kept"}
				_, got, err := c.CheckObjectKeys(context.Background(), tt.loc, nil, buf)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(append([]string{"kept"}, tt.want...), got); diff != "" {
					t.Errorf("call %d: keys appended to the buffer (-want +got):\n%s", i, diff)
				}
				// The caller owns what it was given: writing to it cannot
				// change what the cache answers the next call.
				for j := range got {
					got[j] = "MUTATED"
				}
			}
			if n := fake.count("HeadObject"); n > len(tt.objects) {
				t.Errorf("HeadObject called %d times for %d objects: the second check was not cached", n, len(tt.objects))
			}
		})
	}
}

// TestDefaultKMSKey: the bucket's default key as S3 names it, with whether
// the default is KMS at all.
func TestDefaultKMSKey(t *testing.T) {
	type result struct {
		Key   string
		IsKMS bool
	}
	tests := []struct {
		name string
		enc  *types.ServerSideEncryptionConfiguration
		want result
	}{
		{"SSE-KMS", sseKMS(otherKey), result{otherKey, true}},
		{"aws/s3", sseAlg(types.ServerSideEncryptionAwsKms), result{"", true}},
		{"DSSE-KMS", &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{
			SSEAlgorithm: types.ServerSideEncryptionAwsKmsDsse, KMSMasterKeyID: aws.String(allowedKey)}}}}, result{allowedKey, true}},
		{"SSE-S3", sseAlg(types.ServerSideEncryptionAes256), result{}},
		{"none", nil, result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := goodBucket()
			fake.encryption = tt.enc
			c := NewChecker(fake, testReq())
			var got result
			var err error
			got.Key, got.IsKMS, err = c.DefaultKMSKey(context.Background(), testBucket)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestDefaultKMSKeyFailure: a bucket that cannot be read is an error, not
// a bucket without a key.
func TestDefaultKMSKeyFailure(t *testing.T) {
	fake := goodBucket()
	fake.errs = map[string]error{"GetBucketEncryption": apiError("GetBucketEncryption", 403, "AccessDenied", nil)}
	c := NewChecker(fake, testReq())
	if _, _, err := c.DefaultKMSKey(context.Background(), testBucket); err == nil {
		t.Fatal("DefaultKMSKey with GetBucketEncryption denied: nil error, want the check's")
	}
}
