package s3guard

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/awserr"
	"github.com/personalizeguard/personalizeguard/posture"
)

func TestCheckBucket(t *testing.T) {
	tests := []struct {
		name   string
		fake   func(*fakeS3)
		dir    Direction
		req    func(*Requirements)
		want   []string
		wantIn []string
		calls  string
		reason string
	}{
		{
			name:   "good bucket, read",
			dir:    Read,
			calls:  "GetBucketEncryption=1 GetBucketLocation=1 GetBucketOwnershipControls=1 GetBucketPolicy=1 GetPublicAccessBlock=1",
			reason: "every check passes in one round of five calls",
		},
		{
			name:   "good bucket, write",
			dir:    Write,
			reason: "the policy grants both directions",
		},
		{
			name:   "no such bucket",
			fake:   func(f *fakeS3) { f.noBucket = true },
			dir:    Read,
			want:   []string{FindingBucketNotFound},
			calls:  "GetBucketLocation=1",
			reason: "a missing bucket is Critical and stops the check",
		},
		{
			name: "bucket deleted between calls",
			fake: func(f *fakeS3) {
				f.errs = map[string]error{"GetBucketPolicy": apiError("GetBucketPolicy", 404, codeNoSuchBucket, nil)}
			},
			dir:    Read,
			want:   []string{FindingBucketNotFound},
			reason: "NoSuchBucket from any call is the same finding",
		},
		{
			name:   "other Region",
			fake:   func(f *fakeS3) { f.location = "eu-west-1" },
			dir:    Read,
			want:   []string{FindingBucketRegionMismatch},
			wantIn: []string{"is in eu-west-1, not in us-east-1", "were not run"},
			calls:  "GetBucketLocation=1",
			reason: "Personalize cannot use it, and S3 would redirect the other calls",
		},
		{
			name:   "legacy EU",
			fake:   func(f *fakeS3) { f.location = "EU" },
			dir:    Read,
			req:    func(r *Requirements) { r.Region = "eu-west-1"; r.AllowedKMSKeys = nil },
			want:   nil,
			reason: `"EU" is eu-west-1`,
		},
		{
			name:   "empty constraint means us-east-1",
			fake:   func(f *fakeS3) { f.location = "" },
			dir:    Read,
			req:    func(r *Requirements) { r.Region = "us-east-2" },
			want:   []string{FindingBucketRegionMismatch},
			wantIn: []string{"is in us-east-1"},
			reason: "GetBucketLocation answers empty for us-east-1",
		},
		{
			name: "redirect names the Region",
			fake: func(f *fakeS3) {
				f.errs = map[string]error{"GetBucketLocation": apiError("GetBucketLocation", 301, "PermanentRedirect", http.Header{"X-Amz-Bucket-Region": {"ap-south-1"}})}
			},
			dir:    Read,
			want:   []string{FindingBucketRegionMismatch},
			wantIn: []string{"is in ap-south-1"},
			reason: "asked in the wrong Region, S3 redirects and names the right one",
		},
		{
			name:   "no default encryption",
			fake:   func(f *fakeS3) { f.encryption = nil },
			dir:    Read,
			want:   []string{FindingEncryptionMissing},
			reason: "ServerSideEncryptionConfigurationNotFoundError is a finding",
		},
		{
			name:   "SSE-S3 with keys required",
			fake:   func(f *fakeS3) { f.encryption = sseAlg(types.ServerSideEncryptionAes256) },
			dir:    Read,
			want:   []string{FindingEncryptionSSES3},
			reason: "Medium when a KMS key is expected",
		},
		{
			name:   "SSE-S3 allowed explicitly",
			fake:   func(f *fakeS3) { f.encryption = sseAlg(types.ServerSideEncryptionAes256) },
			req:    func(r *Requirements) { r.InsecureAllowSSES3 = true },
			dir:    Read,
			reason: "InsecureAllowSSES3 accepts it",
		},
		{
			name:   "SSE-S3 with no keys configured",
			fake:   func(f *fakeS3) { f.encryption = sseAlg(types.ServerSideEncryptionAes256) },
			req:    func(r *Requirements) { r.AllowedKMSKeys = nil },
			dir:    Read,
			reason: "AWS's default is acceptable when no key is required",
		},
		{
			name:   "other KMS key",
			fake:   func(f *fakeS3) { f.encryption = sseKMS(otherKey) },
			dir:    Read,
			want:   []string{FindingEncryptionKeyNotAllowed},
			wantIn: []string{otherKey},
			reason: "a key outside the allowed set",
		},
		{
			name:   "other KMS key, any key accepted",
			fake:   func(f *fakeS3) { f.encryption = sseKMS(otherKey) },
			req:    func(r *Requirements) { r.AllowedKMSKeys = nil },
			dir:    Read,
			reason: "no allowed set: any KMS key",
		},
		{
			name:   "allowed key by bare key ID",
			fake:   func(f *fakeS3) { f.encryption = sseKMS("1234abcd-12ab-34cd-56ef-1234567890ab") },
			dir:    Read,
			reason: "S3 may store the key ID rather than the ARN",
		},
		{
			name:   "alias",
			fake:   func(f *fakeS3) { f.encryption = sseKMS("alias/personalize") },
			dir:    Read,
			want:   []string{FindingEncryptionKeyUnverified},
			reason: "an alias cannot be matched without KMS",
		},
		{
			name:   "AWS managed key",
			fake:   func(f *fakeS3) { f.encryption = sseAlg(types.ServerSideEncryptionAwsKms) },
			dir:    Read,
			want:   []string{FindingEncryptionKeyNotAllowed},
			wantIn: []string{"aws/s3"},
			reason: "aws:kms without a key ID is the AWS managed key",
		},
		{
			name: "DSSE-KMS with allowed key",
			fake: func(f *fakeS3) {
				f.encryption = sseKMS(allowedKey)
				f.encryption.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm = types.ServerSideEncryptionAwsKmsDsse
			},
			dir:    Read,
			reason: "DSSE-KMS counts as KMS",
		},
		{
			name:   "no bucket policy",
			fake:   func(f *fakeS3) { f.policy = "" },
			dir:    Read,
			want:   []string{FindingPolicyMissing},
			reason: "NoSuchBucketPolicy is a finding",
		},
		{
			name:   "unparseable policy",
			fake:   func(f *fakeS3) { f.policy = `{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:*"}]}` },
			dir:    Read,
			want:   []string{FindingPolicyUnparsable},
			wantIn: []string{"statement 0"},
			reason: "what cannot be parsed cannot pass",
		},
		{
			name:   "no public access block",
			fake:   func(f *fakeS3) { f.pab = nil },
			dir:    Read,
			want:   []string{FindingPublicAccessBlockMissing},
			reason: "NoSuchPublicAccessBlockConfiguration is a finding",
		},
		{
			name: "public access block partly off",
			fake: func(f *fakeS3) {
				f.pab = fullPAB()
				f.pab.RestrictPublicBuckets = aws.Bool(false)
				f.pab.IgnorePublicAcls = nil
			},
			dir:    Read,
			want:   []string{FindingPublicAccessBlockIncomplete},
			wantIn: []string{"IgnorePublicAcls, RestrictPublicBuckets"},
			reason: "all four flags are required; a missing flag is off",
		},
		{
			name:   "no ownership controls",
			fake:   func(f *fakeS3) { f.ownership = "" },
			dir:    Read,
			want:   []string{FindingACLsEnabled},
			reason: "OwnershipControlsNotFoundError means ACLs are on",
		},
		{
			name:   "ObjectWriter",
			fake:   func(f *fakeS3) { f.ownership = types.ObjectOwnershipObjectWriter },
			dir:    Read,
			want:   []string{FindingACLsEnabled},
			wantIn: []string{"ObjectWriter"},
			reason: "only BucketOwnerEnforced disables ACLs",
		},
		{
			name: "everything wrong",
			fake: func(f *fakeS3) {
				*f = fakeS3{policy: policyOf(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-personalize-data/*"}`)}
			},
			dir: Read,
			want: []string{FindingEncryptionMissing, FindingPolicyPublic, FindingTLSOnlyMissing, FindingGrantMissing, FindingConfusedDeputy,
				FindingPublicAccessBlockMissing, FindingACLsEnabled},
			reason: "every finding in a fixed order",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := goodBucket()
			if tt.fake != nil {
				tt.fake(fake)
			}
			req := testReq()
			if tt.req != nil {
				tt.req(&req)
			}
			got, err := CheckBucket(context.Background(), fake, testBucket, tt.dir, req)
			if err != nil {
				t.Fatalf("CheckBucket() error = %v (%s)", err, tt.reason)
			}
			if diff := cmp.Diff(tt.want, ids(got.Findings)); diff != "" {
				t.Errorf("CheckBucket() IDs mismatch (-want +got) (%s):\n%s\n%v", tt.reason, diff, got.Findings)
			}
			if got.Check != "s3.bucket" || got.Resource != testBucket {
				t.Errorf("CheckBucket() report is for %q/%q, want s3.bucket/%s", got.Check, got.Resource, testBucket)
			}
			assertFindings(t, got.Findings, tt.wantIn)
			if tt.calls != "" {
				if diff := cmp.Diff(tt.calls, fake.callLog()); diff != "" {
					t.Errorf("S3 calls mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestCheckBucketFailsClosed(t *testing.T) {
	tests := []struct {
		op, permission string
		err            error
		denied         bool
	}{
		{"GetBucketLocation", "s3:GetBucketLocation", apiError("GetBucketLocation", 403, "AccessDenied", nil), true},
		{"GetBucketEncryption", "s3:GetEncryptionConfiguration", apiError("GetBucketEncryption", 403, "AccessDenied", nil), true},
		{"GetBucketPolicy", "s3:GetBucketPolicy", apiError("GetBucketPolicy", 403, "AccessDenied", nil), true},
		{"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", apiError("GetPublicAccessBlock", 403, "AccessDenied", nil), true},
		{"GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", apiError("GetBucketOwnershipControls", 403, "AccessDenied", nil), true},
		{"GetBucketPolicy", "s3:GetBucketPolicy", apiError("GetBucketPolicy", 500, "InternalError", nil), false},
		{"GetBucketPolicy", "s3:GetBucketPolicy", errors.New("dial tcp: connection refused"), false},
		{"GetBucketLocation", "s3:GetBucketLocation", context.DeadlineExceeded, false},
	}
	for _, tt := range tests {
		t.Run(tt.op+"/"+awserr.Cause(tt.err), func(t *testing.T) {
			fake := goodBucket()
			fake.errs = map[string]error{tt.op: tt.err}
			got, err := CheckBucket(context.Background(), fake, testBucket, Read, testReq())
			if err == nil {
				t.Fatalf("CheckBucket() = %v, nil; want a *CheckError", got.IDs())
			}
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("CheckBucket() error %T, want *CheckError", err)
			}
			want := CheckError{Operation: tt.op, Permission: tt.permission, Resource: testBucket, Err: tt.err}
			if diff := cmp.Diff(want, *ce, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
				t.Errorf("CheckError mismatch (-want +got):\n%s", diff)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("errors.Is(err, cause) = false; Unwrap must reach the SDK error")
			}
			if ce.AccessDenied() != tt.denied {
				t.Errorf("AccessDenied() = %v, want %v", ce.AccessDenied(), tt.denied)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.permission) || !strings.Contains(msg, tt.op) {
				t.Errorf("message %q does not name %s and %s", msg, tt.op, tt.permission)
			}
			if tt.denied && !strings.Contains(msg, "lacks "+tt.permission) {
				t.Errorf("message %q does not say which permission the caller lacks", msg)
			}
		})
	}
}

func TestCheckBucketRejectsBeforeIO(t *testing.T) {
	tests := []struct {
		name   string
		bucket string
		dir    Direction
		req    Requirements
		field  string
	}{
		{"no Region", testBucket, Read, Requirements{}, "Requirements.Region"},
		{"bad Region", testBucket, Read, Requirements{Region: "Mars"}, "Requirements.Region"},
		{"bad account", testBucket, Read, Requirements{Region: "us-east-1", AccountID: "1234"}, "Requirements.AccountID"},
		{"bad trusted account", testBucket, Read, Requirements{Region: "us-east-1", AccountID: testAcct, TrustedAccountIDs: []string{testAcct, "1234"}}, "Requirements.TrustedAccountIDs[1]"},
		{"alias as allowed key", testBucket, Read, Requirements{Region: "us-east-1", AllowedKMSKeys: []string{allowedKey, "alias/x"}}, "Requirements.AllowedKMSKeys[1]"},
		{"zero direction", testBucket, 0, testReq(), "dir"},
		{"bad bucket", "Bad_Bucket", Read, testReq(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := goodBucket()
			_, err := CheckBucket(context.Background(), fake, tt.bucket, tt.dir, tt.req)
			if err == nil {
				t.Fatal("CheckBucket() error = nil, want an argument error")
			}
			var ae *ArgumentError
			var le *LocationError
			switch {
			case tt.field != "" && (!errors.As(err, &ae) || ae.Field != tt.field):
				t.Errorf("CheckBucket() error = %v, want *ArgumentError for %s", err, tt.field)
			case tt.field == "" && !errors.As(err, &le):
				t.Errorf("CheckBucket() error = %v, want *LocationError", err)
			}
			if log := fake.callLog(); log != "" {
				t.Errorf("S3 was called before the arguments were checked: %s", log)
			}
		})
	}
}

func TestCheckLocation(t *testing.T) {
	fake := goodBucket()
	fake.policy = policyOf(stSecurityHubTLS, stPrefixGet, stPrefixList)
	req := testReq()
	tests := []struct {
		loc  Location
		want []string
	}{
		{Location{testBucket, "imports/"}, nil},
		{Location{testBucket, "imports/users.csv"}, nil},
		{Location{testBucket, "other/users.csv"}, []string{FindingGrantMissing}},
	}
	for _, tt := range tests {
		got, err := CheckLocation(context.Background(), fake, tt.loc, Read, req)
		if err != nil {
			t.Fatalf("CheckLocation(%v) error = %v", tt.loc, err)
		}
		if diff := cmp.Diff(tt.want, ids(got.Findings)); diff != "" {
			t.Errorf("CheckLocation(%v) IDs mismatch (-want +got):\n%s", tt.loc, diff)
		}
		for _, f := range got.Findings {
			if f.Resource != tt.loc.String() {
				t.Errorf("grant finding resource = %q, want the location %q", f.Resource, tt.loc)
			}
		}
	}
	if _, err := CheckLocation(context.Background(), fake, Location{testBucket, "a\nb"}, Read, req); err == nil {
		t.Error("CheckLocation with a control character in the key succeeded")
	}
}

func TestCheckObjects(t *testing.T) {
	kms := func(key string) *fakeObject { return &fakeObject{alg: types.ServerSideEncryptionAwsKms, key: key} }
	sses3 := &fakeObject{alg: types.ServerSideEncryptionAes256}
	plain := &fakeObject{}
	tests := []struct {
		name    string
		objects map[string]*fakeObject
		loc     Location
		req     func(*Requirements)
		want    []string
		wantIn  []string
		calls   string
		reason  string
	}{
		{
			name:    "one object, allowed key",
			objects: map[string]*fakeObject{"in/users.csv": kms(allowedKey)},
			loc:     Location{testBucket, "in/users.csv"},
			calls:   "HeadObject=1",
			reason:  "an object is checked with one HeadObject",
		},
		{
			name:    "one object, other key",
			objects: map[string]*fakeObject{"in/users.csv": kms(otherKey)},
			loc:     Location{testBucket, "in/users.csv"},
			want:    []string{FindingObjectKeyNotAllowed},
			wantIn:  []string{"Object s3://amzn-personalize-data/in/users.csv is encrypted with KMS key " + otherKey},
			reason:  "a key outside the allowed set",
		},
		{
			name:    "one object, SSE-S3",
			objects: map[string]*fakeObject{"in/users.csv": sses3},
			loc:     Location{testBucket, "in/users.csv"},
			want:    []string{FindingObjectSSES3},
			reason:  "Medium when a KMS key is expected",
		},
		{
			name:    "one object, SSE-S3 accepted",
			objects: map[string]*fakeObject{"in/users.csv": sses3},
			loc:     Location{testBucket, "in/users.csv"},
			req:     func(r *Requirements) { r.AllowedKMSKeys = nil },
			reason:  "SSE-S3 is fine without an allowed set",
		},
		{
			name:    "one object, unencrypted",
			objects: map[string]*fakeObject{"in/users.csv": plain},
			loc:     Location{testBucket, "in/users.csv"},
			req:     func(r *Requirements) { r.AllowedKMSKeys = nil },
			want:    []string{FindingObjectUnencrypted},
			reason:  "objects written before 2023 may be unencrypted",
		},
		{
			name:    "one object, SSE-C",
			objects: map[string]*fakeObject{"in/users.csv": {ssec: true}},
			loc:     Location{testBucket, "in/users.csv"},
			want:    []string{FindingObjectSSEC},
			reason:  "Personalize cannot read customer-key objects",
		},
		{
			name:    "one object, missing",
			objects: map[string]*fakeObject{"in/users.csv": kms(allowedKey)},
			loc:     Location{testBucket, "in/items.csv"},
			want:    []string{FindingObjectNotFound},
			reason:  "the import would fail",
		},
		{
			name:    "empty prefix",
			objects: map[string]*fakeObject{"in/": plain, "other/x.csv": kms(allowedKey)},
			loc:     Location{testBucket, "in/"},
			want:    []string{FindingSourceEmpty},
			calls:   "ListObjectsV2=1",
			reason:  "a folder marker is not data",
		},
		{
			name: "prefix, mixed",
			objects: map[string]*fakeObject{
				"in/":      plain,
				"in/a.csv": kms(allowedKey), "in/b.csv": plain, "in/c.csv": kms(otherKey), "in/d.csv": plain, "in/e.csv": sses3,
			},
			loc:    Location{testBucket, "in/"},
			want:   []string{FindingObjectUnencrypted, FindingObjectKeyNotAllowed, FindingObjectSSES3},
			wantIn: []string{"2 of 5 sampled objects (for example s3://amzn-personalize-data/in/b.csv) carry no server-side encryption", "1 of 5 sampled objects (for example s3://amzn-personalize-data/in/c.csv) is encrypted"},
			calls:  "HeadObject=5 ListObjectsV2=1",
			reason: "one finding per problem, naming the first object",
		},
		{
			name:    "whole bucket",
			objects: map[string]*fakeObject{"a.csv": kms(allowedKey)},
			loc:     Location{testBucket, ""},
			calls:   "HeadObject=1 ListObjectsV2=1",
			reason:  "the whole bucket is a prefix",
		},
		{
			name:    "markers before the data",
			objects: withMarkers(map[string]*fakeObject{"in/x.csv": kms(allowedKey)}, 50),
			loc:     Location{testBucket, "in/"},
			calls:   "HeadObject=1 ListObjectsV2=3",
			reason:  "folder markers are skipped across pages",
		},
		{
			name:    "only markers within the bound",
			objects: withMarkers(map[string]*fakeObject{"in/x.csv": plain}, 200),
			loc:     Location{testBucket, "in/"},
			want:    []string{FindingSourceUnsampled},
			calls:   "ListObjectsV2=5",
			reason:  "the listing is bounded; what it did not reach is not called empty, nor passed",
		},
		{
			name:    "sample is bounded",
			objects: manyObjects(50, kms(allowedKey)),
			loc:     Location{testBucket, "in/"},
			calls:   "HeadObject=10 ListObjectsV2=1",
			reason:  "at most DefaultObjectSample objects are read",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeS3{objects: headOutputs(tt.objects)}
			req := testReq()
			if tt.req != nil {
				tt.req(&req)
			}
			got, err := CheckObjects(context.Background(), fake, tt.loc, req)
			if err != nil {
				t.Fatalf("CheckObjects() error = %v (%s)", err, tt.reason)
			}
			if diff := cmp.Diff(tt.want, ids(got.Findings)); diff != "" {
				t.Errorf("CheckObjects() IDs mismatch (-want +got) (%s):\n%s\n%v", tt.reason, diff, got.Findings)
			}
			assertFindings(t, got.Findings, tt.wantIn)
			if got.Check != "s3.objects" || got.Resource != tt.loc.String() {
				t.Errorf("report is for %s %s, want s3.objects %s", got.Check, got.Resource, tt.loc)
			}
			if tt.calls != "" {
				if diff := cmp.Diff(tt.calls, fake.callLog()); diff != "" {
					t.Errorf("S3 calls mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestCheckObjectsFailsClosed(t *testing.T) {
	tests := []struct {
		name, op, permission string
		loc                  Location
	}{
		{"head denied", "HeadObject", "s3:GetObject", Location{testBucket, "in/a.csv"}},
		{"list denied", "ListObjectsV2", "s3:ListBucket", Location{testBucket, "in/"}},
		{"sampled head denied", "HeadObject", "s3:GetObject", Location{testBucket, "in/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeS3{objects: headOutputs(map[string]*fakeObject{"in/a.csv": {}}), errs: map[string]error{tt.op: apiError(tt.op, 403, "Forbidden", nil)}}
			_, err := CheckObjects(context.Background(), fake, tt.loc, testReq())
			var ce *CheckError
			if !errors.As(err, &ce) || ce.Operation != tt.op || ce.Permission != tt.permission || !ce.AccessDenied() {
				t.Fatalf("CheckObjects() error = %v, want a denied *CheckError for %s", err, tt.op)
			}
		})
	}
	fake := &fakeS3{noBucket: true}
	got, err := CheckObjects(context.Background(), fake, Location{testBucket, "in/"}, testReq())
	if err != nil || !got.Has(FindingBucketNotFound) {
		t.Errorf("CheckObjects on a missing bucket = %v, %v; want %s", got.IDs(), err, FindingBucketNotFound)
	}
}

func TestReportsValidate(t *testing.T) {
	// Every report a check produces must be displayable.
	fake := &fakeS3{}
	r, err := CheckBucket(context.Background(), fake, testBucket, Write, testReq())
	if err != nil {
		t.Fatal(err)
	}
	assertFindings(t, r.Findings, nil)
	if r.Passed(posture.Medium) {
		t.Error("a bucket with nothing configured passed")
	}
}
