package kms

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/google/go-cmp/cmp"
)

const (
	testKeyID  = "1234abcd-12ab-34cd-56ef-1234567890ab"
	testMRKID  = "mrk-1234abcd12ab34cd56ef1234567890ab"
	testKeyARN = "arn:aws:kms:us-east-1:111122223333:key/" + testKeyID
)

func TestParseKeyARN(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    KeyARN
		wantErr *IdentifierError
		reason  string
	}{
		{
			name:   "aws",
			in:     testKeyARN,
			want:   KeyARN{Partition: "aws", Region: "us-east-1", AccountID: "111122223333", KeyID: testKeyID},
			reason: "the common case",
		},
		{
			name:   "aws-cn",
			in:     "arn:aws-cn:kms:cn-north-1:111122223333:key/" + testKeyID,
			want:   KeyARN{Partition: "aws-cn", Region: "cn-north-1", AccountID: "111122223333", KeyID: testKeyID},
			reason: "China partition",
		},
		{
			name:   "aws-us-gov",
			in:     "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/" + testKeyID,
			want:   KeyARN{Partition: "aws-us-gov", Region: "us-gov-west-1", AccountID: "111122223333", KeyID: testKeyID},
			reason: "GovCloud: a partition and a Region with three parts",
		},
		{
			name:   "aws-iso-b",
			in:     "arn:aws-iso-b:kms:us-isob-east-1:111122223333:key/" + testKeyID,
			want:   KeyARN{Partition: "aws-iso-b", Region: "us-isob-east-1", AccountID: "111122223333", KeyID: testKeyID},
			reason: "partitions are not hard-coded",
		},
		{
			name:   "multi-Region key",
			in:     "arn:aws:kms:eu-west-1:111122223333:key/" + testMRKID,
			want:   KeyARN{Partition: "aws", Region: "eu-west-1", AccountID: "111122223333", KeyID: testMRKID},
			reason: "an mrk- key ARN is a key ARN",
		},
		{
			name:    "alias ARN",
			in:      "arn:aws:kms:us-east-1:111122223333:alias/personalize",
			wantErr: &IdentifierError{Given: AliasARNKind},
			reason:  "Personalize takes no aliases",
		},
		{
			name:    "alias name",
			in:      "alias/personalize",
			wantErr: &IdentifierError{Given: AliasNameKind},
			reason:  "an alias name must be resolved first",
		},
		{
			name:    "bare key ID",
			in:      testKeyID,
			wantErr: &IdentifierError{Given: KeyIDKind},
			reason:  "a key ID must be resolved first",
		},
		{
			name:    "bare mrk key ID",
			in:      testMRKID,
			wantErr: &IdentifierError{Given: KeyIDKind},
			reason:  "a multi-Region key ID too",
		},
		{"empty", "", KeyARN{}, &IdentifierError{Problem: problemEmpty}, "nothing given"},
		{"garbage", "hello world", KeyARN{}, &IdentifierError{Problem: problemNotARN}, "not an identifier at all"},
		{"too long", "arn:aws:kms:us-east-1:111122223333:key/" + strings.Repeat("a", 3000), KeyARN{}, &IdentifierError{Problem: problemTooLong}, "KMS caps identifiers at 2048 bytes"},
		{"short ARN", "arn:aws:kms:us-east-1", KeyARN{}, &IdentifierError{Problem: problemParts}, "fewer than six parts"},
		{"s3 ARN", "arn:aws:s3:::bucket", KeyARN{}, &IdentifierError{Problem: problemService}, "another service's ARN"},
		{"bad partition", "arn:azure:kms:us-east-1:111122223333:key/" + testKeyID, KeyARN{}, &IdentifierError{Problem: problemPartition}, "not an AWS partition"},
		{"upper-case partition", "arn:AWS:kms:us-east-1:111122223333:key/" + testKeyID, KeyARN{}, &IdentifierError{Problem: problemPartition}, "partitions are lower case"},
		{"no Region", "arn:aws:kms::111122223333:key/" + testKeyID, KeyARN{}, &IdentifierError{Problem: problemRegion}, "a key lives in a Region"},
		{"bad Region", "arn:aws:kms:useast1:111122223333:key/" + testKeyID, KeyARN{}, &IdentifierError{Problem: problemRegion}, "a Region ends in -<digits>"},
		{"short account", "arn:aws:kms:us-east-1:11112222333:key/" + testKeyID, KeyARN{}, &IdentifierError{Problem: problemAccount}, "eleven digits"},
		{"letters in account", "arn:aws:kms:us-east-1:11112222333x:key/" + testKeyID, KeyARN{}, &IdentifierError{Problem: problemAccount}, "not digits"},
		{"no key prefix", "arn:aws:kms:us-east-1:111122223333:" + testKeyID, KeyARN{}, &IdentifierError{Problem: problemResource}, "resource must be key/<id>"},
		{"bad key ID", "arn:aws:kms:us-east-1:111122223333:key/not-a-key", KeyARN{}, &IdentifierError{Problem: problemKeyID}, "neither a UUID nor mrk-"},
		{"short mrk", "arn:aws:kms:us-east-1:111122223333:key/mrk-1234", KeyARN{}, &IdentifierError{Problem: problemKeyID}, "mrk- needs 32 hex digits"},
		{"trailing space", testKeyARN + " ", KeyARN{}, &IdentifierError{Problem: problemKeyID}, "no trimming: the value must be exact"},
		{"bad alias ARN", "arn:aws:kms:us-east-1:111122223333:alias/", KeyARN{}, &IdentifierError{Problem: problemResource}, "an alias ARN without a name is nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKeyARN(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseKeyARN(%q) mismatch (-want +got) (%s):\n%s", tt.in, tt.reason, diff)
			}
			var gotErr *IdentifierError
			if err != nil && !errors.As(err, &gotErr) {
				t.Fatalf("ParseKeyARN(%q) error %T is not an *IdentifierError", tt.in, err)
			}
			if diff := cmp.Diff(tt.wantErr, gotErr); diff != "" {
				t.Errorf("ParseKeyARN(%q) error mismatch (-want +got) (%s):\n%s", tt.in, tt.reason, diff)
			}
			if err == nil {
				if s := got.String(); s != tt.in {
					t.Errorf("ParseKeyARN(%q).String() = %q, want the input back", tt.in, s)
				}
				return
			}
			if tt.in != "" && strings.Contains(err.Error(), tt.in) {
				t.Errorf("ParseKeyARN error %q repeats the input", err)
			}
			if !strings.Contains(err.Error(), keyARNForm) {
				t.Errorf("ParseKeyARN error %q does not say what is needed", err)
			}
		})
	}
}

func TestIdentifierErrorMessages(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"arn:aws:kms:us-east-1:111122223333:alias/x", "kms: the key identifier is an alias ARN; a key ARN (arn:<partition>:kms:<region>:<12-digit account>:key/<id>) is needed: resolve it to one with DescribeKey (kms.ResolveKeyARN)"},
		{"alias/x", "kms: the key identifier is an alias name; a key ARN (arn:<partition>:kms:<region>:<12-digit account>:key/<id>) is needed: resolve it to one with DescribeKey (kms.ResolveKeyARN)"},
		{testKeyID, "kms: the key identifier is a bare key ID; a key ARN (arn:<partition>:kms:<region>:<12-digit account>:key/<id>) is needed: resolve it to one with DescribeKey (kms.ResolveKeyARN)"},
		{"s3://bucket", "kms: the key identifier is not a KMS identifier (it is not an ARN); a key ARN (arn:<partition>:kms:<region>:<12-digit account>:key/<id>) is needed"},
		{"arn:aws:kms:us-east-1:1:key/" + testKeyID, "kms: the key identifier is not a KMS identifier (the account is not 12 digits); a key ARN (arn:<partition>:kms:<region>:<12-digit account>:key/<id>) is needed"},
	}
	for _, tt := range tests {
		_, err := ParseKeyARN(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseKeyARN(%q) error = %v\nwant %s", tt.in, err, tt.want)
		}
	}
}

func TestIdentify(t *testing.T) {
	tests := []struct {
		in   string
		want IdentifierKind
	}{
		{testKeyARN, KeyARNKind},
		{"arn:aws:kms:eu-west-1:111122223333:key/" + testMRKID, KeyARNKind},
		{"arn:aws-cn:kms:cn-north-1:111122223333:alias/my/key_name-1", AliasARNKind},
		{"alias/aws/personalize", AliasNameKind},
		{testKeyID, KeyIDKind},
		{strings.ToUpper(testKeyID), KeyIDKind},
		{testMRKID, KeyIDKind},
		{"", UnknownKind},
		{"alias/", UnknownKind},
		{"alias/has space", UnknownKind},
		{"arn:aws:kms:us-east-1:111122223333:key/nope", UnknownKind},
		{"arn:aws:kms:us-east-1:111122223333:alias/a b", UnknownKind},
		{"arn:aws:iam::111122223333:role/x", UnknownKind},
		{"1234abcd-12ab-34cd-56ef-1234567890a", UnknownKind},
		{"1234abcd_12ab-34cd-56ef-1234567890ab", UnknownKind},
		{"mrk-1234abcd12ab34cd56ef1234567890ag", UnknownKind},
	}
	for _, tt := range tests {
		if got := Identify(tt.in); got != tt.want {
			t.Errorf("Identify(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestKeyARNMethods(t *testing.T) {
	k, err := ParseKeyARN("arn:aws:kms:eu-west-1:111122223333:key/" + testMRKID)
	if err != nil {
		t.Fatal(err)
	}
	if !k.MultiRegion() {
		t.Errorf("%v.MultiRegion() = false, want true", k)
	}
	if got, want := k.InRegion("us-east-1").String(), "arn:aws:kms:us-east-1:111122223333:key/"+testMRKID; got != want {
		t.Errorf("InRegion = %q, want %q", got, want)
	}
	if k.Region != "eu-west-1" {
		t.Errorf("InRegion changed its receiver")
	}
	if s := (KeyARN{}).String(); s != "" {
		t.Errorf("zero KeyARN String() = %q, want empty", s)
	}
	single, _ := ParseKeyARN(testKeyARN)
	if single.MultiRegion() {
		t.Errorf("%v.MultiRegion() = true, want false", single)
	}
}

// describeOnly is a DescribeKeyAPIClient that answers from a map and counts
// calls.
type describeOnly struct {
	arns  map[string]string
	calls int
}

func (d *describeOnly) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	d.calls++
	arn, ok := d.arns[aws.ToString(in.KeyId)]
	if !ok {
		return nil, &types.NotFoundException{Message: aws.String("not found")}
	}
	return &kms.DescribeKeyOutput{KeyMetadata: &types.KeyMetadata{Arn: aws.String(arn), KeyId: aws.String(testKeyID)}}, nil
}

func TestResolveKeyARN(t *testing.T) {
	want, _ := ParseKeyARN(testKeyARN)
	tests := []struct {
		name      string
		id        string
		want      KeyARN
		wantCalls int
		wantErr   any
		reason    string
	}{
		{"key ARN", testKeyARN, want, 0, nil, "a key ARN needs no call"},
		{"alias name", "alias/personalize", want, 1, nil, "aliases resolve through DescribeKey"},
		{"alias ARN", "arn:aws:kms:us-east-1:111122223333:alias/personalize", want, 1, nil, "alias ARNs too"},
		{"key ID", testKeyID, want, 1, nil, "and bare key IDs"},
		{"unknown alias", "alias/missing", KeyARN{}, 1, new(*CheckError), "a missing alias is an error: there is no report to hold a finding"},
		{"garbage", "not a key", KeyARN{}, 0, new(*IdentifierError), "garbage is rejected before I/O"},
		{"bad answer", "alias/bad", KeyARN{}, 1, new(*CheckError), "an answer without a key ARN fails closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &describeOnly{arns: map[string]string{
				"alias/personalize": testKeyARN,
				"arn:aws:kms:us-east-1:111122223333:alias/personalize": testKeyARN,
				testKeyID:   testKeyARN,
				"alias/bad": "arn:aws:kms:us-east-1:111122223333:alias/bad",
			}}
			got, err := ResolveKeyARN(context.Background(), c, tt.id)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ResolveKeyARN mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
			if c.calls != tt.wantCalls {
				t.Errorf("ResolveKeyARN made %d DescribeKey calls, want %d (%s)", c.calls, tt.wantCalls, tt.reason)
			}
			switch target := tt.wantErr.(type) {
			case nil:
				if err != nil {
					t.Errorf("ResolveKeyARN error = %v, want nil", err)
				}
			case **CheckError:
				if !errors.As(err, target) {
					t.Errorf("ResolveKeyARN error = %v, want a *CheckError (%s)", err, tt.reason)
				}
			case **IdentifierError:
				if !errors.As(err, target) {
					t.Errorf("ResolveKeyARN error = %v, want an *IdentifierError (%s)", err, tt.reason)
				}
			}
		})
	}
}
