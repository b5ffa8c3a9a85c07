package kms

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
)

// The KMS actions Personalize needs on a dataset group's key, per AWS's
// "Giving Amazon Personalize permission to use your AWS KMS key".
const (
	ActionDecrypt                         = "kms:Decrypt"
	ActionGenerateDataKey                 = "kms:GenerateDataKey"
	ActionDescribeKey                     = "kms:DescribeKey"
	ActionCreateGrant                     = "kms:CreateGrant"
	ActionListGrants                      = "kms:ListGrants"
	ActionGenerateDataKeyWithoutPlaintext = "kms:GenerateDataKeyWithoutPlaintext"
)

// RequiredActions returns the actions the key policy must allow both
// Personalize principals: the five every KMS-encrypted dataset group needs,
// plus kms:GenerateDataKeyWithoutPlaintext when its data is exported.
func RequiredActions(exports bool) []string {
	a := []string{ActionDecrypt, ActionGenerateDataKey, ActionDescribeKey, ActionCreateGrant, ActionListGrants}
	if exports {
		a = append(a, ActionGenerateDataKeyWithoutPlaintext)
	}
	return a
}

// KeyPolicyInput describes the key policy [PersonalizeKeyPolicy] writes.
// The zero value of every optional field is the safe choice.
type KeyPolicyInput struct {
	// RoleARN is the Personalize service role (the RoleArn given to
	// CreateDatasetGroup); required.
	RoleARN string
	// AccountID is the account that owns the key and the dataset groups.
	// Empty means the role's account: IAM lets a caller pass only its own
	// account's roles, so the dataset groups live there.
	AccountID string
	// Region is the Region of the key and the dataset groups; it narrows
	// the aws:SourceArn condition. Empty means any Region.
	Region string
	// Exports adds kms:GenerateDataKeyWithoutPlaintext, which dataset export
	// jobs of a KMS-encrypted dataset group need.
	Exports bool
	// InsecureOmitSourceConditions leaves the aws:SourceAccount and
	// aws:SourceArn conditions off the service statement. Without them any
	// account's Personalize resources can make Personalize use the key on
	// their behalf (the confused-deputy problem); only set it if a
	// condition breaks a workload, and put them back once it is understood.
	InsecureOmitSourceConditions bool
}

func (in KeyPolicyInput) resolve() (partition, account string, err error) {
	if in.RoleARN == "" {
		return "", "", &ArgumentError{Field: "KeyPolicyInput.RoleARN", Reason: "is required"}
	}
	if !validRoleARN(in.RoleARN) {
		return "", "", &ArgumentError{Field: "KeyPolicyInput.RoleARN", Reason: "is not an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)"}
	}
	a, _ := awsarn.Split(in.RoleARN)
	account = a.Account
	if in.AccountID != "" {
		if !awsarn.Account(in.AccountID) {
			return "", "", &ArgumentError{Field: "KeyPolicyInput.AccountID", Reason: "is not 12 digits"}
		}
		account = in.AccountID
	}
	if in.Region != "" && !awsarn.Region(in.Region) {
		return "", "", &ArgumentError{Field: "KeyPolicyInput.Region", Reason: "is not a Region name"}
	}
	return a.Partition, account, nil
}

// PersonalizeKeyPolicy returns a complete key policy for a Personalize
// dataset group's customer managed key: the account's administration
// statement, a statement for personalize.amazonaws.com (with confused-deputy
// conditions) and one for the service role, each allowing
// [RequiredActions]. The JSON is indented, ready for `aws kms create-key
// --policy file://…`, Terraform or CloudFormation.
func PersonalizeKeyPolicy(in KeyPolicyInput) ([]byte, error) {
	partition, account, err := in.resolve()
	if err != nil {
		return nil, err
	}
	doc := &iampolicy.Document{
		Version: iampolicy.Version2012,
		ID:      "personalize-dataset-group-key-policy",
		Statement: append([]iampolicy.Statement{{
			// Without this statement the account could not manage the key
			// (or change this policy) through IAM: KMS refuses a policy that
			// locks its author out unless told to bypass the safety check,
			// and a locked key can only be recovered by AWS Support.
			Sid:       "AllowKeyAdministrationByTheAccount",
			Effect:    iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values{"arn:" + partition + ":iam::" + account + ":root"}},
			Action:    iampolicy.Values{"kms:*"},
			Resource:  iampolicy.Values{"*"},
		}}, personalizeStatements(in, partition, account)...),
	}
	return doc.JSON()
}

// PersonalizeKeyPolicyStatements returns only the two statements Personalize
// needs, as an indented JSON list, to paste into an existing key policy's
// Statement list.
func PersonalizeKeyPolicyStatements(in KeyPolicyInput) ([]byte, error) {
	partition, account, err := in.resolve()
	if err != nil {
		return nil, err
	}
	return encodeStatements(personalizeStatements(in, partition, account), "  ")
}

func personalizeStatements(in KeyPolicyInput, partition, account string) []iampolicy.Statement {
	return []iampolicy.Statement{serviceStatement(in, partition, account), roleStatement(in)}
}

func serviceStatement(in KeyPolicyInput, partition, account string) iampolicy.Statement {
	s := iampolicy.Statement{
		Sid:       "AllowPersonalizeToUseTheKey",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: iampolicy.Values{iampolicy.PersonalizeService}},
		Action:    RequiredActions(in.Exports),
		Resource:  iampolicy.Values{"*"},
	}
	if !in.InsecureOmitSourceConditions {
		region := in.Region
		if region == "" {
			region = "*"
		}
		s.Condition = map[string]map[string]iampolicy.Values{
			"StringEquals": {"aws:SourceAccount": {account}},
			"ArnLike":      {"aws:SourceArn": {"arn:" + partition + ":personalize:" + region + ":" + account + ":*"}},
		}
	}
	return s
}

func roleStatement(in KeyPolicyInput) iampolicy.Statement {
	return iampolicy.Statement{
		Sid:       "AllowPersonalizeRoleToUseTheKey",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{AWS: iampolicy.Values{in.RoleARN}},
		Action:    RequiredActions(in.Exports),
		Resource:  iampolicy.Values{"*"},
	}
}

// encodeStatements writes statements the way iampolicy's Document.JSON does:
// no HTML escaping (ARNs and conditions stay readable), indent as given
// ("" for one line).
func encodeStatements(stmts []iampolicy.Statement, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	var v any = stmts
	if len(stmts) == 1 && indent == "" {
		v = stmts[0]
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// encodeJSON encodes v on one line without HTML escaping.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// statementRemedy is the one-line statement a finding's remediation quotes.
func statementRemedy(s iampolicy.Statement) string {
	b, err := encodeStatements([]iampolicy.Statement{s}, "")
	if err != nil {
		return "the statement that kms.PersonalizeKeyPolicyStatements writes"
	}
	return strings.TrimSpace(string(b))
}
