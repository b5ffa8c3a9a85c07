package callerid

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		arn    string
		want   Caller
		ok     bool
		reason string
	}{
		{"arn:aws:iam::111122223333:root", Caller{Root, "aws", "111122223333"}, true, "the root user"},
		{"arn:aws-cn:iam::111122223333:root", Caller{Root, "aws-cn", "111122223333"}, true, "root in another partition"},
		{"arn:aws-us-gov:iam::111122223333:root", Caller{Root, "aws-us-gov", "111122223333"}, true, "root in GovCloud"},
		{"arn:aws:iam::111122223333:user/alice", Caller{User, "aws", "111122223333"}, true, "an IAM user"},
		{"arn:aws:iam::111122223333:user/division/team/alice+ops@x.com", Caller{User, "aws", "111122223333"}, true, "a user with a path and IAM's punctuation"},
		{"arn:aws:sts::111122223333:assumed-role/PersonalizeApp/session-1", Caller{AssumedRole, "aws", "111122223333"}, true, "a role session"},
		{"arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123/alice@example.com", Caller{AssumedRole, "aws", "111122223333"}, true, "an IAM Identity Center session"},
		{"arn:aws:sts::111122223333:federated-user/bob", Caller{FederatedUser, "aws", "111122223333"}, true, "a federated user"},

		{"arn:aws:iam::111122223333:root/", Caller{}, false, "root with a trailing slash is no principal"},
		{"arn:aws:iam::111122223333:Root", Caller{}, false, "resource types are case-sensitive"},
		{"arn:aws:sts::111122223333:root", Caller{}, false, "root lives in iam"},
		{"arn:aws:iam:us-east-1:111122223333:root", Caller{}, false, "IAM ARNs have no Region"},
		{"arn:aws:iam::11112222333:root", Caller{}, false, "the account is 12 digits"},
		{"arn:aws:iam::111122223333:role/PersonalizeApp", Caller{}, false, "GetCallerIdentity names sessions, not roles"},
		{"arn:aws:iam::111122223333:user/", Caller{}, false, "a user needs a name"},
		{"arn:aws:iam::111122223333:user/team//alice", Caller{}, false, "no empty path segment"},
		{"arn:aws:iam::111122223333:user/al ice", Caller{}, false, "no space in a name"},
		{"arn:aws:sts::111122223333:assumed-role/PersonalizeApp", Caller{}, false, "a session needs a session name"},
		{"arn:aws:sts::111122223333:assumed-role/PersonalizeApp/s/x", Caller{}, false, "a session name has no slash"},
		{"arn:aws:sts::111122223333:assumed-role//s", Caller{}, false, "a session needs a role"},
		{"arn:aws:sts::111122223333:federated-user/", Caller{}, false, "a federated user needs a name"},
		{"arn:aws:s3:::bucket", Caller{}, false, "not a principal"},
		{"arn:amazon:iam::111122223333:root", Caller{}, false, "an unknown partition"},
		{"arn:aws:iam::111122223333", Caller{}, false, "too few fields"},
		{"", Caller{}, false, "empty"},
		{"arn:aws:iam::111122223333:user/" + strings.Repeat("a", awsarn.MaxLength), Caller{}, false, "too long"},
	}
	for _, tc := range tests {
		got, ok := Classify(tc.arn)
		if ok != tc.ok {
			t.Errorf("Classify(%q) ok = %v, want %v (%s)", tc.arn, ok, tc.ok, tc.reason)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Classify(%q) mismatch (-want +got) (%s):\n%s", tc.arn, tc.reason, diff)
		}
	}
}

func TestKindString(t *testing.T) {
	got := []string{Unknown.String(), Root.String(), User.String(), AssumedRole.String(), FederatedUser.String(), Kind(200).String()}
	want := []string{"unknown", "root", "user", "assumed-role", "federated-user", "unknown"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Kind.String() mismatch (-want +got):\n%s", diff)
	}
	if got, want := (Caller{Root, "aws", "111122223333"}).String(), "root of account 111122223333"; got != want {
		t.Errorf("Caller.String() = %q, want %q", got, want)
	}
}

// FuzzClassify: no panic; deterministic; a classified ARN has a valid
// partition and account taken from the input, a known kind, and is root
// exactly when its resource is "root"; the description never carries the
// principal's name.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::111122223333:root",
		"arn:aws:iam::111122223333:user/path/alice",
		"arn:aws:sts::111122223333:assumed-role/r/s",
		"arn:aws:sts::111122223333:federated-user/bob",
		"arn:aws-cn:iam::111122223333:root/",
		"arn:aws:iam:::root",
		"arn::::",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		got, ok := Classify(arn)
		if again, ok2 := Classify(arn); again != got || ok2 != ok {
			t.Fatalf("Classify(%q) is not deterministic", arn)
		}
		if !ok {
			if got != (Caller{}) {
				t.Fatalf("Classify(%q) = %v, false; want the zero Caller", arn, got)
			}
			return
		}
		parts, split := awsarn.Split(arn)
		if !split || parts.Account != got.Account || parts.Partition != got.Partition || !awsarn.Account(got.Account) || !awsarn.Partition(got.Partition) {
			t.Fatalf("Classify(%q) = %+v: partition or account not the input's", arn, got)
		}
		if got.Kind == Unknown {
			t.Fatalf("Classify(%q) = Unknown, true", arn)
		}
		if (got.Kind == Root) != (parts.Service == "iam" && parts.Resource == "root") {
			t.Fatalf("Classify(%q) kind = %v", arn, got.Kind)
		}
		if s := got.String(); strings.Contains(s, parts.Resource) && got.Kind != Root {
			t.Fatalf("Caller.String() = %q carries the principal's name", s)
		}
	})
}
