package s3guard

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
)

func TestPersonalizeBucketPolicyPassesItsOwnCheck(t *testing.T) {
	req := testReq()
	tests := []struct {
		name   string
		in     BucketPolicyInput
		checks []Direction
		want   []string
		reason string
	}{
		{
			name:   "read",
			in:     BucketPolicyInput{Bucket: testBucket, Directions: []Direction{Read}, AccountID: testAcct},
			checks: []Direction{Read},
			reason: "imports and data deletion",
		},
		{
			name:   "write",
			in:     BucketPolicyInput{Bucket: testBucket, Directions: []Direction{Write}, AccountID: testAcct},
			checks: []Direction{Write},
			reason: "exports and metric attribution",
		},
		{
			name:   "batch",
			in:     BucketPolicyInput{Bucket: testBucket, Directions: []Direction{Read, Write, Read}, AccountID: testAcct},
			checks: []Direction{Read, Write},
			reason: "batch jobs read and write; repeated directions are harmless",
		},
		{
			name:   "read policy, write job",
			in:     BucketPolicyInput{Bucket: testBucket, Directions: []Direction{Read}, AccountID: testAcct},
			checks: []Direction{Write},
			want:   []string{FindingGrantMissing},
			reason: "the generator grants no more than asked",
		},
		{
			name:   "with source ARN",
			in:     BucketPolicyInput{Bucket: testBucket, Directions: []Direction{Read}, AccountID: testAcct, SourceARN: "arn:aws:personalize:us-east-1:111122223333:*"},
			checks: []Direction{Read},
			want:   []string{FindingGrantSourceUnverified},
			reason: "aws:SourceArn is known only when the job runs: a Low note",
		},
		{
			name:   "TLS deny omitted",
			in:     BucketPolicyInput{Bucket: testBucket, Directions: []Direction{Read}, AccountID: testAcct, InsecureOmitTLSDeny: true},
			checks: []Direction{Read},
			want:   []string{FindingTLSOnlyMissing},
			reason: "the Insecure opt-out does what it says",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := PersonalizeBucketPolicy(tt.in)
			if err != nil {
				t.Fatalf("PersonalizeBucketPolicy() error = %v", err)
			}
			if !json.Valid(out) {
				t.Fatalf("PersonalizeBucketPolicy() is not valid JSON:\n%s", out)
			}
			doc, err := iampolicy.Parse(out)
			if err != nil {
				t.Fatalf("iampolicy.Parse(generated) = %v", err)
			}
			for _, d := range tt.checks {
				got := policyFindings(doc, newScope(testBucket, req.Region, d), &req)
				if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
					t.Errorf("findings for %v mismatch (-want +got) (%s):\n%s", d, tt.reason, diff)
				}
			}
		})
	}
}

func TestPersonalizeBucketPolicyGolden(t *testing.T) {
	got, err := PersonalizeBucketPolicy(BucketPolicyInput{Bucket: "amzn-personalize-data", Directions: []Direction{Write, Read}, AccountID: testAcct, Partition: "aws-cn"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PersonalizeS3Access",
      "Effect": "Allow",
      "Principal": {
        "Service": "personalize.amazonaws.com"
      },
      "Action": [
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject"
      ],
      "Resource": [
        "arn:aws-cn:s3:::amzn-personalize-data",
        "arn:aws-cn:s3:::amzn-personalize-data/*"
      ],
      "Condition": {
        "StringEquals": {
          "aws:SourceAccount": "111122223333"
        }
      }
    },
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": [
        "arn:aws-cn:s3:::amzn-personalize-data",
        "arn:aws-cn:s3:::amzn-personalize-data/*"
      ],
      "Condition": {
        "Bool": {
          "aws:SecureTransport": "false"
        }
      }
    }
  ]
}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("PersonalizeBucketPolicy() mismatch (-want +got):\n%s", diff)
	}
}

func TestPersonalizeBucketPolicyErrors(t *testing.T) {
	good := BucketPolicyInput{Bucket: testBucket, Directions: []Direction{Read}, AccountID: testAcct}
	tests := []struct {
		name  string
		edit  func(*BucketPolicyInput)
		field string
	}{
		{"bad bucket", func(in *BucketPolicyInput) { in.Bucket = "Bad_Bucket" }, ""},
		{"no directions", func(in *BucketPolicyInput) { in.Directions = nil }, "BucketPolicyInput.Directions"},
		{"bad direction", func(in *BucketPolicyInput) { in.Directions = []Direction{Read, 0} }, "BucketPolicyInput.Directions[1]"},
		{"no account", func(in *BucketPolicyInput) { in.AccountID = "" }, "BucketPolicyInput.AccountID"},
		{"bad account", func(in *BucketPolicyInput) { in.AccountID = "hunter2hunter" }, "BucketPolicyInput.AccountID"},
		{"bad partition", func(in *BucketPolicyInput) { in.Partition = "azure" }, "BucketPolicyInput.Partition"},
		{"partition with an empty part", func(in *BucketPolicyInput) { in.Partition = "aws-" }, "BucketPolicyInput.Partition"},
		{"partition in capitals", func(in *BucketPolicyInput) { in.Partition = "AWS-CN" }, "BucketPolicyInput.Partition"},
		{"partition with an ARN separator", func(in *BucketPolicyInput) { in.Partition = "aws:s3" }, "BucketPolicyInput.Partition"},
		{"source ARN of another service", func(in *BucketPolicyInput) { in.SourceARN = "arn:aws:s3:::hunter2" }, "BucketPolicyInput.SourceARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.edit(&in)
			out, err := PersonalizeBucketPolicy(in)
			if err == nil {
				t.Fatalf("PersonalizeBucketPolicy() = %s, want an error", out)
			}
			var ae *ArgumentError
			var le *LocationError
			switch {
			case tt.field == "" && !errors.As(err, &le):
				t.Errorf("error = %v, want *LocationError", err)
			case tt.field != "" && (!errors.As(err, &ae) || ae.Field != tt.field):
				t.Errorf("error = %v, want *ArgumentError for %s", err, tt.field)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q echoes the value", err)
			}
		})
	}
}

func TestTLSOnlyStatement(t *testing.T) {
	out, err := TLSOnlyStatement(testBucket)
	if err != nil {
		t.Fatal(err)
	}
	var st iampolicy.Statement
	if err := json.Unmarshal(out, &st); err != nil {
		t.Fatalf("TLSOnlyStatement() is not a statement: %v\n%s", err, out)
	}
	// Pasted into a policy with the Personalize grant, it satisfies the TLS
	// check, and does not lock Personalize out.
	doc, err := iampolicy.Parse([]byte(policyOf(string(out), stGrantRead)))
	if err != nil {
		t.Fatal(err)
	}
	req := testReq()
	if got := policyFindings(doc, newScope(testBucket, req.Region, Read), &req); len(got) != 0 {
		t.Errorf("policy with TLSOnlyStatement has findings %v", got)
	}
	if _, err := TLSOnlyStatement("-bad"); err == nil {
		t.Error("TLSOnlyStatement accepted an invalid bucket name")
	}
}

// TestPersonalizeBucketPolicyPartitions: every partition shape names the
// bucket in that partition, including ones newer than this release.
func TestPersonalizeBucketPolicyPartitions(t *testing.T) {
	for _, partition := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso-b", "aws-eusc"} {
		out, err := PersonalizeBucketPolicy(BucketPolicyInput{Bucket: testBucket, Directions: []Direction{Read}, AccountID: testAcct, Partition: partition})
		if err != nil {
			t.Fatalf("PersonalizeBucketPolicy(Partition %q): %v", partition, err)
		}
		if want := `"arn:` + partition + `:s3:::` + testBucket + `"`; !strings.Contains(string(out), want) {
			t.Errorf("PersonalizeBucketPolicy(Partition %q) lacks %s:\n%s", partition, want, out)
		}
	}
}
