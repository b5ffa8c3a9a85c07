package kms

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
)

func TestPersonalizeKeyPolicy(t *testing.T) {
	tests := []struct {
		name        string
		in          KeyPolicyInput
		wantRoot    string
		wantActions []string
		wantCond    map[string]map[string]iampolicy.Values
		reason      string
	}{
		{
			name:        "account from the role",
			in:          KeyPolicyInput{RoleARN: testRole, Region: "us-east-1"},
			wantRoot:    "arn:aws:iam::111122223333:root",
			wantActions: RequiredActions(false),
			wantCond: map[string]map[string]iampolicy.Values{
				"StringEquals": {"aws:SourceAccount": {"111122223333"}},
				"ArnLike":      {"aws:SourceArn": {"arn:aws:personalize:us-east-1:111122223333:*"}},
			},
			reason: "the confused-deputy conditions are on by default, for the role's account",
		},
		{
			name:        "explicit account, any Region, exports",
			in:          KeyPolicyInput{RoleARN: testRole, AccountID: "444455556666", Exports: true},
			wantRoot:    "arn:aws:iam::444455556666:root",
			wantActions: append(RequiredActions(false), ActionGenerateDataKeyWithoutPlaintext),
			wantCond: map[string]map[string]iampolicy.Values{
				"StringEquals": {"aws:SourceAccount": {"444455556666"}},
				"ArnLike":      {"aws:SourceArn": {"arn:aws:personalize:*:444455556666:*"}},
			},
			reason: "Exports adds GenerateDataKeyWithoutPlaintext; no Region means any",
		},
		{
			name:        "other partition",
			in:          KeyPolicyInput{RoleARN: "arn:aws-cn:iam::111122223333:role/R", Region: "cn-north-1"},
			wantRoot:    "arn:aws-cn:iam::111122223333:root",
			wantActions: RequiredActions(false),
			wantCond: map[string]map[string]iampolicy.Values{
				"StringEquals": {"aws:SourceAccount": {"111122223333"}},
				"ArnLike":      {"aws:SourceArn": {"arn:aws-cn:personalize:cn-north-1:111122223333:*"}},
			},
			reason: "ARNs follow the role's partition",
		},
		{
			name:        "insecure: no source conditions",
			in:          KeyPolicyInput{RoleARN: testRole, InsecureOmitSourceConditions: true},
			wantRoot:    "arn:aws:iam::111122223333:root",
			wantActions: RequiredActions(false),
			reason:      "the opt-out is explicit",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := PersonalizeKeyPolicy(tt.in)
			if err != nil {
				t.Fatalf("PersonalizeKeyPolicy: %v", err)
			}
			doc, err := iampolicy.Parse(b)
			if err != nil {
				t.Fatalf("generated policy does not parse: %v\n%s", err, b)
			}
			role := tt.in.RoleARN
			want := &iampolicy.Document{
				Version: iampolicy.Version2012,
				ID:      "personalize-dataset-group-key-policy",
				Statement: []iampolicy.Statement{
					{Sid: "AllowKeyAdministrationByTheAccount", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: iampolicy.Values{tt.wantRoot}},
						Action: iampolicy.Values{"kms:*"}, Resource: iampolicy.Values{"*"}},
					{Sid: "AllowPersonalizeToUseTheKey", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{Service: iampolicy.Values{iampolicy.PersonalizeService}},
						Action: tt.wantActions, Resource: iampolicy.Values{"*"}, Condition: tt.wantCond},
					{Sid: "AllowPersonalizeRoleToUseTheKey", Effect: iampolicy.Allow, Principal: &iampolicy.Principal{AWS: iampolicy.Values{role}},
						Action: tt.wantActions, Resource: iampolicy.Values{"*"}},
				},
			}
			if diff := cmp.Diff(want, doc); diff != "" {
				t.Errorf("PersonalizeKeyPolicy mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
			if pub := doc.PublicAllows(); len(pub) != 0 {
				t.Errorf("generated policy has public statements %v", pub)
			}

			stmts, err := PersonalizeKeyPolicyStatements(tt.in)
			if err != nil {
				t.Fatalf("PersonalizeKeyPolicyStatements: %v", err)
			}
			// The statements parse as the Statement list of a document and
			// equal the generated policy's last two.
			part, err := iampolicy.Parse([]byte(`{"Version":"2012-10-17","Statement":` + string(stmts) + `}`))
			if err != nil {
				t.Fatalf("statements do not parse: %v\n%s", err, stmts)
			}
			if diff := cmp.Diff(want.Statement[1:], part.Statement); diff != "" {
				t.Errorf("PersonalizeKeyPolicyStatements mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGeneratedPolicyPassesCheck(t *testing.T) {
	for _, exports := range []bool{false, true} {
		f := goodFake(t)
		f.policy = goodPolicy(t, exports)
		in := goodInput()
		in.Exports = exports
		rep, err := Check(context.Background(), f, in)
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		if len(rep.Findings) != 0 {
			t.Errorf("Check of the generated policy (exports=%v) found:\n%s", exports, table(rep))
		}
	}
	// Without the source conditions the check recommends them.
	b, err := PersonalizeKeyPolicy(KeyPolicyInput{RoleARN: testRole, InsecureOmitSourceConditions: true})
	if err != nil {
		t.Fatal(err)
	}
	f := goodFake(t)
	f.policy = string(b)
	rep, err := Check(context.Background(), f, goodInput())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{FindingServiceNoSource}, rep.IDs()); diff != "" {
		t.Errorf("Check of the insecure policy mismatch (-want +got):\n%s", diff)
	}
}

func TestKeyPolicyInputErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        KeyPolicyInput
		wantField string
		secret    string
	}{
		{"no role", KeyPolicyInput{}, "KeyPolicyInput.RoleARN", ""},
		{"user ARN", KeyPolicyInput{RoleARN: "arn:aws:iam::111122223333:user/mallory"}, "KeyPolicyInput.RoleARN", "mallory"},
		{"role with a quote", KeyPolicyInput{RoleARN: `arn:aws:iam::111122223333:role/x"}],"Statement":[{"Effect":"Allow`}, "KeyPolicyInput.RoleARN", "Statement"},
		{"bad account", KeyPolicyInput{RoleARN: testRole, AccountID: "1234-5678"}, "KeyPolicyInput.AccountID", "1234-5678"},
		{"bad Region", KeyPolicyInput{RoleARN: testRole, Region: "us-east-1*"}, "KeyPolicyInput.Region", "us-east-1*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, fn := range map[string]func(KeyPolicyInput) ([]byte, error){
				"PersonalizeKeyPolicy": PersonalizeKeyPolicy, "PersonalizeKeyPolicyStatements": PersonalizeKeyPolicyStatements,
			} {
				b, err := fn(tt.in)
				var ie *ArgumentError
				if !errors.As(err, &ie) || ie.Field != tt.wantField || b != nil {
					t.Fatalf("%s = %q, %v; want nil and an *ArgumentError for %s", name, b, err, tt.wantField)
				}
				if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
					t.Errorf("%s error %q repeats the value", name, err)
				}
			}
		})
	}
}

func TestRequiredActions(t *testing.T) {
	a := RequiredActions(false)
	a[0] = "changed"
	if got := RequiredActions(false); got[0] != ActionDecrypt {
		t.Errorf("RequiredActions shares its slice between calls")
	}
	if got := RequiredActions(true); !slices.Contains(got, ActionGenerateDataKeyWithoutPlaintext) || len(got) != 6 {
		t.Errorf("RequiredActions(true) = %v, want the five and GenerateDataKeyWithoutPlaintext", got)
	}
}
