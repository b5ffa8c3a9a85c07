package personalize_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	guardkms "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed27DatasetGroupKeysAndRoles: injectKeys puts the configured role
// in on a path of its own and leaves the key and role rules to
// keyRoleRules; checkInput builds the configured key's input without
// parsing it, another key's through otherKeyInput; the KMS checker answers
// from its last input and class (00c6997, 7bced1f). On one warm client,
// CreateDatasetGroup calls alternate between the configured key (given by
// the caller in bytes of its own, or put in), a second key that is allowed
// and ready, a third that is allowed but grants Personalize nothing, each
// with the configured role, another or none: a memo that answered one
// key's or role's call with the last one's would pass the third key or
// put in the wrong role.
// Each call's outcome, and the key and role that reached AWS, are the
// rules' own.
func TestRed27DatasetGroupKeysAndRoles(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	good, err := guardkms.PersonalizeKeyPolicy(guardkms.KeyPolicyInput{RoleARN: personalizetest.RoleARN, AccountID: personalizetest.AccountID, Region: personalizetest.Region})
	if err != nil {
		t.Fatal(err)
	}
	const otherRole = "arn:aws:iam::" + personalizetest.AccountID + ":role/Red27Other"
	// The account may administer the key, Personalize may not use it.
	rootOnly := `{"Version":"2012-10-17","Statement":[{"Sid":"Red27RootOnly","Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::` + personalizetest.AccountID + `:root"},"Action":"kms:*","Resource":"*"}]}`
	second, third := createKey(t, e.srv, string(good)), createKey(t, e.srv, rootOnly)
	client, err := personalize.New(guardedConfig(e.srv), personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN,
		AllowedKMSKeyARNs: []string{second, third}, Logger: newAuditLogger(lockedBuilder{e.mu, e.audit})})
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		Rule, Field string
		Key, Role   string // as sent
	}
	configured, role := e.scene.KeyARN, e.scene.RoleARN
	tests := []struct {
		name      string
		key, role *string
		want      outcome
	}{
		{"nothing given: key and role put in", nil, nil, outcome{Key: configured, Role: role}},
		{"the configured key given, in bytes of its own", aws.String(strings.Clone(configured)), nil, outcome{Key: configured, Role: role}},
		{"the second key, the role put in", aws.String(second), nil, outcome{Key: second, Role: role}},
		{"the third key, which grants Personalize nothing", aws.String(third), nil, outcome{Rule: personalize.RuleKMSKeyNotReady, Field: "KmsKeyArn"}},
		{"the configured key with another role", aws.String(configured), aws.String(otherRole), outcome{Key: configured, Role: otherRole}},
		{"the third key with another role", aws.String(third), aws.String(otherRole), outcome{Rule: personalize.RuleKMSKeyNotReady, Field: "KmsKeyArn"}},
		{"the second key with another role", aws.String(second), aws.String(otherRole), outcome{Key: second, Role: otherRole}},
		{"a role, the key put in", nil, aws.String(role), outcome{Key: configured, Role: role}},
		{"an empty key, the key and role put in", aws.String(""), nil, outcome{Key: configured, Role: role}},
	}
	// Twice through, each call after another key's: the memos' hits and
	// misses both.
	for round := range 2 {
		for i, tt := range tests {
			e.srv.ResetRequests()
			_, err := client.CreateDatasetGroup(t.Context(), &sdk.CreateDatasetGroupInput{Name: aws.String(fmt.Sprintf("r27-keys-%d-%d", round, i)), KmsKeyArn: tt.key, RoleArn: tt.role})
			var got outcome
			var sg *personalize.SafeguardError
			switch {
			case errors.As(err, &sg):
				got.Rule, got.Field = sg.Rule, sg.Field
			case err != nil:
				t.Fatalf("round %d, %s: %v", round, tt.name, err)
			}
			for _, r := range e.srv.Requests() {
				if r.Service == personalizetest.ServicePersonalize {
					var body struct{ KmsKeyArn, RoleArn string }
					if err := json.Unmarshal(r.Body, &body); err != nil {
						t.Fatal(err)
					}
					got.Key, got.Role = body.KmsKeyArn, body.RoleArn
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("round %d, %s (-want +got):\n%s", round, tt.name, diff)
			}
		}
	}
}
