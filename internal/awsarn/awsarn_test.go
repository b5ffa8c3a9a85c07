package awsarn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in     string
		want   Parts
		wantOK bool
	}{
		{"arn:aws:kms:us-east-1:111122223333:key/k", Parts{"aws", "kms", "us-east-1", "111122223333", "key/k"}, true},
		{"arn:aws:s3:::bucket/a:b", Parts{"aws", "s3", "", "", "bucket/a:b"}, true},
		{"arn:aws:iam::111122223333:role/r", Parts{"aws", "iam", "", "111122223333", "role/r"}, true},
		{"arn:aws:kms:us-east-1:111122223333", Parts{}, false},
		{"ARN:aws:kms:us-east-1:111122223333:key/k", Parts{}, false},
		{"", Parts{}, false},
	}
	for _, tt := range tests {
		got, ok := Split(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" || ok != tt.wantOK {
			t.Errorf("Split(%q) ok = %v, want %v; parts (-want +got):\n%s", tt.in, ok, tt.wantOK, diff)
		}
	}
}

func TestShapes(t *testing.T) {
	tests := []struct {
		check func(string) bool
		name  string
		in    string
		want  bool
	}{
		{Partition, "Partition", "aws", true},
		{Partition, "Partition", "aws-cn", true},
		{Partition, "Partition", "aws-us-gov", true},
		{Partition, "Partition", "aws-iso-b", true},
		{Partition, "Partition", "aws-eusc", true},
		{Partition, "Partition", "aws-", false},
		{Partition, "Partition", "aws--cn", false},
		{Partition, "Partition", "aws-CN", false},
		{Partition, "Partition", "awscn", false},
		{Partition, "Partition", "", false},
		{Region, "Region", "us-east-1", true},
		{Region, "Region", "us-gov-west-1", true},
		{Region, "Region", "eu-isoe-west-1", true},
		{Region, "Region", "eusc-de-east-1", true},
		{Region, "Region", "local-1", false},
		{Region, "Region", "website-us-east-1", false},
		{Region, "Region", "u-east-1", false},
		{Region, "Region", "us-east-", false},
		{Region, "Region", "us-east-1a", false},
		{Region, "Region", "US-east-1", false},
		{Region, "Region", "us--east-1", false},
		{Region, "Region", "-east-1", false},
		{Region, "Region", strings.Repeat("a-", 16) + "1", false},
		{Region, "Region", "", false},
		{Account, "Account", "111122223333", true},
		{Account, "Account", "11112222333", false},
		{Account, "Account", "1111222233334", false},
		{Account, "Account", "11112222333x", false},
	}
	for _, tt := range tests {
		if got := tt.check(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestRoleAccount(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"arn:aws:iam::111122223333:role/PersonalizeRole", "111122223333", true},
		{"arn:aws:iam::111122223333:role/service-role/Personalize+Role=,.@-_", "111122223333", true},
		{"arn:aws-cn:iam::444455556666:role/service-role/personalize", "444455556666", true},
		{"arn:aws:iam::111122223333:user/bob", "", false},
		{"arn:aws:iam:us-east-1:111122223333:role/x", "", false},
		{"arn:aws:iam::11112222333:role/x", "", false},
		{"arn:aws:iam::111122223333:role/", "", false},
		{"arn:aws:iam::111122223333:role/path/", "", false},
		{"arn:aws:iam::111122223333:role/has space", "", false},
		{"arn:aws:sts::111122223333:assumed-role/x/y", "", false},
		{"arn:aws:iam::111122223333:role/" + strings.Repeat("r", MaxLength), "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := RoleAccount(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("RoleAccount(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

// FuzzSplit checks that Split and RoleAccount never panic and that what they
// accept round-trips: the parts rebuild the input, a role's account is one
// of them.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::111122223333:role/r", "arn:aws:kms:us-east-1:111122223333:key/k", "arn:::::", "arn:a:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := Split(s)
		if ok {
			if got := "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource; got != s {
				t.Fatalf("Split(%q) parts rebuild %q", s, got)
			}
		}
		if acct, ok := RoleAccount(s); ok && (!Account(acct) || acct != a.Account) {
			t.Fatalf("RoleAccount(%q) = %q, not the ARN's account", s, acct)
		}
	})
}
