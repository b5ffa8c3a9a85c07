package kms

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/posture"
)

// ReportCheck is the Check field of the reports [Check] returns.
const ReportCheck = "kms.key"

// Finding IDs of [Check]. They are stable: tools and allow-lists key on them.
const (
	FindingKeyNotFound         = "kms.key-not-found"        // High
	FindingKeyDisabled         = "kms.key-disabled"         // High
	FindingKeyPendingDeletion  = "kms.key-pending-deletion" // Critical, Security Hub KMS.3
	FindingKeyPendingImport    = "kms.key-pending-import"   // High
	FindingKeyUnavailable      = "kms.key-unavailable"      // High
	FindingKeyNotEnabled       = "kms.key-not-enabled"      // High: Creating, Updating, or a state this package does not know
	FindingKeyNotSymmetric     = "kms.key-not-symmetric"    // High
	FindingKeyAWSManaged       = "kms.key-aws-managed"      // High
	FindingKeyWrongRegion      = "kms.key-wrong-region"     // High
	FindingRotationDisabled    = "kms.rotation-disabled"    // Medium, Security Hub KMS.4
	FindingRotationUnsupported = "kms.rotation-unsupported" // Low
	FindingPolicyUnparsable    = "kms.policy-unparsable"    // High
	FindingPolicyPublic        = "kms.policy-public"        // Critical, Security Hub KMS.5
	// FindingPolicyForeignAccount: the key policy lets another account's
	// principals decrypt, create data keys, grant or rewrite the policy.
	FindingPolicyForeignAccount = "kms.policy-foreign-account" // High

	FindingServiceNotAllowed = "kms.policy-service-not-allowed"         // High
	FindingServiceDenied     = "kms.policy-service-denied"              // High
	FindingServiceUncertain  = "kms.policy-service-uncertain"           // Medium
	FindingServiceNoSource   = "kms.policy-service-no-source-condition" // Low
	FindingRoleNotAllowed    = "kms.policy-role-not-allowed"            // High
	FindingRoleDenied        = "kms.policy-role-denied"                 // High
	FindingRoleUncertain     = "kms.policy-role-uncertain"              // Medium
	FindingRoleViaIAM        = "kms.policy-role-via-iam"                // Low

	FindingGrantUnexpected          = "kms.grant-unexpected-principal"            // High: the grantee can decrypt or grant on
	FindingGrantUnexpectedNoDecrypt = "kms.grant-unexpected-principal-no-decrypt" // Low: the grantee can neither decrypt nor grant on
)

// CheckInput says which key to check, for which role, where.
type CheckInput struct {
	// KeyARN is the key the dataset group is (to be) encrypted with;
	// required, and a key ARN: Personalize takes no aliases (see
	// [ResolveKeyARN]).
	KeyARN string
	// RoleARN is the Personalize service role; required.
	RoleARN string
	// Region is where the dataset group lives: the Personalize client's
	// Region; required. The KMS client must be for the same Region.
	Region string
	// Exports also requires kms:GenerateDataKeyWithoutPlaintext, which
	// exports of a KMS-encrypted dataset group need.
	Exports bool
	// AccountID is the account that owns the dataset groups. When set,
	// Personalize's requests are evaluated with it as aws:SourceAccount, so
	// confused-deputy conditions on it can be decided; when empty, such
	// conditions are reported as not evaluated. Optional.
	AccountID string
	// SourceARN is the ARN Personalize acts for, as aws:SourceArn: the
	// dataset group's, arn:<partition>:personalize:<region>:<account>:dataset-group/<name>.
	// When empty, conditions on aws:SourceArn are reported as not evaluated.
	// Optional.
	SourceARN string
}

func (in CheckInput) validate() (KeyARN, error) {
	if in.KeyARN == "" {
		return KeyARN{}, &ArgumentError{Field: "CheckInput.KeyARN", Reason: "is required"}
	}
	key, err := ParseKeyARN(in.KeyARN)
	if err != nil {
		return KeyARN{}, &ArgumentError{Field: "CheckInput.KeyARN", Reason: "is not a key ARN", Err: err}
	}
	switch {
	case in.RoleARN == "":
		return KeyARN{}, &ArgumentError{Field: "CheckInput.RoleARN", Reason: "is required"}
	case !validRoleARN(in.RoleARN):
		return KeyARN{}, &ArgumentError{Field: "CheckInput.RoleARN", Reason: "is not an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)"}
	case in.Region == "":
		return KeyARN{}, &ArgumentError{Field: "CheckInput.Region", Reason: "is required"}
	case !awsarn.Region(in.Region):
		return KeyARN{}, &ArgumentError{Field: "CheckInput.Region", Reason: "is not a Region name"}
	case in.AccountID != "" && !awsarn.Account(in.AccountID):
		return KeyARN{}, &ArgumentError{Field: "CheckInput.AccountID", Reason: "is not 12 digits"}
	}
	return key, in.validateSource()
}

// validateSource checks SourceARN, the one field that changes with every
// resource a caller creates.
func (in CheckInput) validateSource() error {
	if in.SourceARN != "" && !sourceARNValid(in.SourceARN, in.AccountID) {
		a, ok := awsarn.Split(in.SourceARN)
		if !ok || len(in.SourceARN) > maxIdentifierLength || a.Service != "personalize" || !awsarn.Partition(a.Partition) ||
			!awsarn.Region(a.Region) || !awsarn.Account(a.Account) || a.Resource == "" {
			return &ArgumentError{Field: "CheckInput.SourceARN", Reason: "is not a Personalize ARN (arn:<partition>:personalize:<region>:<12-digit account>:<resource>)"}
		}
		if in.AccountID != "" && a.Account != in.AccountID {
			return &ArgumentError{Field: "CheckInput.SourceARN", Reason: "names another account than CheckInput.AccountID"}
		}
	}
	return nil
}

// sourceARNValid is validateSource's success path in one pass: true only
// for a SourceARN that validateSource accepts. Anything else goes the long
// way, which also says what is wrong.
func sourceARNValid(s, account string) bool {
	if len(s) > maxIdentifierLength || !strings.HasPrefix(s, "arn:") {
		return false
	}
	p := partitionEnd(s, len("arn:"))
	if p < 0 || !strings.HasPrefix(s[p:], ":personalize:") {
		return false
	}
	r := regionEnd(s, p+len(":personalize:"))
	if r < 0 || len(s) <= r+14 || s[r] != ':' || s[r+13] != ':' || !digits12(s[r+1:r+13]) {
		return false // the resource, after the fifth colon, must not be empty
	}
	return account == "" || s[r+1:r+13] == account
}

// Check reports whether the key can encrypt a Personalize dataset group
// safely: that it exists, is Enabled, symmetric, customer managed and in the
// expected Region, rotates, is not public, that its key policy or grants
// allow personalize.amazonaws.com and the role [RequiredActions], and that
// no grant lets anyone else use it. Every problem is a finding in the
// report; see the Finding… constants.
//
// A grant to the role (or a session of it), or to personalize.amazonaws.com
// (or its Regional form), counts as the key policy's Allow does for the
// operations it names, unless the key policy explicitly denies them; a grant
// with an encryption context constraint, or with a SourceArn constraint the
// input cannot decide, makes the access uncertain rather than allowed. No
// grant can give kms:ListGrants, so that one always comes from the key
// policy. A grant to any other principal is a finding: High when it lets the
// grantee decrypt, create data keys or create grants, Low otherwise.
//
// Check makes DescribeKey, GetKeyRotationStatus, GetKeyPolicy and ListGrants
// calls (one ListGrants per 100 grants). It returns an error only when the
// check cannot run: an [*ArgumentError] before any call, or a [*CheckError]
// when a call fails (access denied, throttled past the retries,
// unreachable). It never returns a partial report with a nil error.
func Check(ctx context.Context, c CheckAPIClient, in CheckInput) (posture.Report, error) {
	key, err := in.validate()
	if err != nil {
		return posture.Report{}, err
	}
	if c == nil {
		return posture.Report{}, &ArgumentError{Field: "client", Reason: "is nil"}
	}
	f, err := fetchKey(ctx, c, key, in.Region)
	if err != nil {
		return posture.Report{}, err
	}
	return evaluate(f, in), nil
}

// keyCheck is one evaluation of a key's facts for one input.
type keyCheck struct {
	in     CheckInput
	f      *keyFacts
	key    KeyARN
	arn    string
	report posture.Report
	// The grants to the role (or its sessions) and to anyone else, split
	// once, since each is consulted per action.
	roleGrants, otherGrants []types.GrantListEntry
}

func (k *keyCheck) add(id string, sev posture.Severity, msg, remedy, control string) {
	k.report.Add(posture.Finding{ID: id, Severity: sev, Resource: k.arn, Message: msg, Remediation: remedy, Control: control})
}

// cli formats an AWS CLI command on the key, in the key's Region.
func (k *keyCheck) cli(cmd string) string {
	return "`aws kms " + cmd + " --key-id " + k.arn + " --region " + k.key.Region + "`"
}

// evaluate judges in against what KMS said about its key. It makes no call
// and changes nothing in f, so any number of evaluations can share f.
func evaluate(f *keyFacts, in CheckInput) posture.Report {
	k := keyCheck{in: in, f: f, key: f.key, arn: f.arn, report: posture.Report{Check: ReportCheck, Resource: f.arn}}
	switch {
	case f.wrongRegion:
		k.wrongRegion()
	case f.notFound:
		k.add(FindingKeyNotFound, posture.High,
			"The key does not exist in "+k.key.Region+" (or not in this account's view of it); Personalize cannot use it.",
			"Check the key ARN and Region, or create a key: `aws kms create-key --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT --region "+k.key.Region+"`.", "")
	default:
		k.metadata()
		k.rotation()
		k.policy()
	}
	return k.report
}

func (k *keyCheck) metadata() {
	md := k.f.md
	k.state(md)
	if !isSymmetric(md) {
		k.notSymmetric(md)
	}
	if md.KeyManager == types.KeyManagerTypeAws {
		k.add(FindingKeyAWSManaged, posture.High,
			"The key is AWS managed; its policy cannot be changed to let Personalize use it.",
			"Use a customer managed key: `aws kms create-key --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT --region "+k.key.Region+"`, with the policy kms.PersonalizeKeyPolicy writes.", "")
	}
}

func (k *keyCheck) wrongRegion() {
	remedy := "Use a symmetric customer managed key in " + k.in.Region + "."
	if k.key.MultiRegion() {
		remedy = "Use the key's replica in " + k.in.Region + ", " + k.key.InRegion(k.in.Region).String() +
			", creating it if needed with " + k.cli("replicate-key --replica-region "+k.in.Region) + "."
	}
	k.add(FindingKeyWrongRegion, posture.High,
		"The key is in "+k.key.Region+" but the dataset group is in "+k.in.Region+"; Personalize needs a key in the same Region.",
		remedy, "")
}

func pendingDeletion(s types.KeyState) bool {
	return s == types.KeyStatePendingDeletion || s == types.KeyStatePendingReplicaDeletion
}

func (k *keyCheck) state(md *types.KeyMetadata) {
	switch s := md.KeyState; {
	case s == types.KeyStateEnabled:
	case s == types.KeyStateDisabled:
		k.add(FindingKeyDisabled, posture.High,
			"The key is disabled; Personalize cannot encrypt or decrypt with it.",
			"Enable it: "+k.cli("enable-key")+".", "")
	case pendingDeletion(s):
		when := ""
		if md.DeletionDate != nil {
			when = " on " + md.DeletionDate.UTC().Format("2006-01-02")
		}
		k.add(FindingKeyPendingDeletion, posture.Critical,
			"The key is scheduled for deletion"+when+"; once deleted, data encrypted with it cannot be recovered.",
			"Cancel the deletion and re-enable the key: "+k.cli("cancel-key-deletion")+", then "+k.cli("enable-key")+".",
			"Security Hub KMS.3")
	case s == types.KeyStatePendingImport:
		k.add(FindingKeyPendingImport, posture.High,
			"The key has no key material yet (PendingImport); Personalize cannot use it.",
			"Import its key material: "+k.cli("get-parameters-for-import --wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_4096")+
				", then `aws kms import-key-material`.", "")
	case s == types.KeyStateUnavailable:
		remedy := "Reconnect the key's custom key store"
		if id := aws.ToString(md.CustomKeyStoreId); id != "" {
			remedy += ": `aws kms connect-custom-key-store --custom-key-store-id " + id + " --region " + k.key.Region + "`"
		}
		k.add(FindingKeyUnavailable, posture.High,
			"The key is unavailable (its custom key store is disconnected); Personalize cannot use it.", remedy+".", "")
	default:
		state := string(s)
		if state == "" || !isIdentifier(state) {
			state = "unknown"
		}
		k.add(FindingKeyNotEnabled, posture.High,
			"The key is in state "+state+", not Enabled; Personalize cannot use it now.",
			"Wait until the key is Enabled (`aws kms describe-key`), then check again.", "")
	}
}

// keySpec returns the key's spec, from the deprecated field when only it is set.
func keySpec(md *types.KeyMetadata) string {
	if md.KeySpec != "" {
		return string(md.KeySpec)
	}
	//lint:ignore SA1019 older KMS answers (and emulators) carry only the deprecated field
	return string(md.CustomerMasterKeySpec)
}

func isSymmetric(md *types.KeyMetadata) bool {
	return keySpec(md) == string(types.KeySpecSymmetricDefault) && md.KeyUsage == types.KeyUsageTypeEncryptDecrypt
}

func (k *keyCheck) notSymmetric(md *types.KeyMetadata) {
	spec, usage := keySpec(md), string(md.KeyUsage)
	if !isIdentifier(spec) {
		spec = "unknown"
	}
	if !isIdentifier(usage) {
		usage = "unknown"
	}
	k.add(FindingKeyNotSymmetric, posture.High,
		"The key is "+spec+" for "+usage+"; Personalize needs a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT).",
		"Use a symmetric encryption key: `aws kms create-key --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT --region "+k.key.Region+"`.", "")
}

// isIdentifier reports whether an enum value from KMS is safe to print:
// KMS enums are upper-case words with underscores.
func isIdentifier(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func (k *keyCheck) rotation() {
	switch k.f.rotation {
	case rotationUnsupported:
		// Keys with imported material or in a custom key store cannot
		// rotate automatically.
		k.add(FindingRotationUnsupported, posture.Low,
			"The key cannot rotate automatically (imported key material or a custom key store).",
			"Rotate it on your own schedule, or use a key with KMS-generated material: `aws kms create-key --region "+k.key.Region+"`.",
			"Security Hub KMS.4")
	case rotationOff:
		k.add(FindingRotationDisabled, posture.Medium,
			"Automatic rotation of the key's material is off.",
			"Turn it on: "+k.cli("enable-key-rotation")+".", "Security Hub KMS.4")
	}
}

func (k *keyCheck) policy() {
	k.sortGrants()
	k.grantExposure()
	doc := k.f.doc
	if doc == nil {
		k.add(FindingPolicyUnparsable, posture.High,
			"The key policy could not be evaluated ("+k.f.policyProblem+"), so nothing says Personalize may use the key.",
			"Rewrite the key policy in the IAM policy grammar, starting from kms.PersonalizeKeyPolicy's output.", "")
		return
	}
	public := k.f.public
	if len(public) > 0 {
		k.add(FindingPolicyPublic, posture.Critical,
			statementList(public)+" of the key policy "+verb(len(public), "allows", "allow")+" every principal without a condition that restricts the caller.",
			"Name specific principals there, or add a condition on kms:CallerAccount or aws:PrincipalOrgID; then "+
				k.cli("put-key-policy --policy-name default --policy file://policy.json")+".",
			"Security Hub KMS.5")
	}
	if foreign := doc.ForeignAllows(k.trustedAccounts(), revealingActions...); len(foreign) > 0 {
		k.add(FindingPolicyForeignAccount, posture.High,
			statementList(foreign)+" of the key policy "+verb(len(foreign), "lets", "let")+
				" a principal of another account decrypt with the key, create data keys, grant itself more or rewrite the policy; data encrypted for Personalize is exposed to it.",
			"Remove the other account's principals from "+verb(len(foreign), "that statement", "those statements")+
				", or give it no more than Encrypt and DescribeKey; then "+k.cli("put-key-policy --policy-name default --policy file://policy.json")+".",
			"")
	}
	k.grants(doc, k.service(), public)
	k.grants(doc, k.role(), nil)
}

// revealingActions are the key policy's counterpart of revealing grant
// operations: what lets a principal obtain plaintext, give itself more
// grants or rewrite the policy.
var revealingActions = []string{"kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:GenerateDataKeyPair",
	"kms:CreateGrant", "kms:PutKeyPolicy"}

// trustedAccounts are the accounts whose principals a key policy may name:
// the key's own and the ones the input names, Personalize's and the role's
// (a key in another account than the dataset group's is shared with that
// account on purpose). Not the SourceARN's: the resource is Personalize's,
// in its account, and a Checker reuses a report for every SourceARN that
// passes the same tests (inputClass), whatever account it names, so a
// report must not depend on that account.
func (k *keyCheck) trustedAccounts() []string {
	out := []string{k.key.AccountID}
	add := func(account string) {
		if account != "" && !slices.Contains(out, account) {
			out = append(out, account)
		}
	}
	add(k.in.AccountID)
	if a, ok := awsarn.Split(k.in.RoleARN); ok {
		add(a.Account)
	}
	return out
}

// statementList names statements by their place in the policy, "Statement[2]",
// rather than by Sid, which is free text.
func statementList(idx []int) string {
	parts := make([]string, len(idx))
	for i, n := range idx {
		parts[i] = "Statement[" + strconv.Itoa(n) + "]"
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// principal is one of the two callers Personalize uses.
type principal struct {
	name    string // how messages name it
	service bool
	req     iampolicy.Request // Action filled in per evaluation
	remedy  iampolicy.Statement

	notAllowed, denied, uncertain, viaIAM string
}

func (k *keyCheck) policyInput() (KeyPolicyInput, string, string) {
	account := k.in.AccountID
	if account == "" {
		account = k.key.AccountID
	}
	return KeyPolicyInput{RoleARN: k.in.RoleARN, AccountID: account, Region: k.key.Region, Exports: k.in.Exports}, k.key.Partition, account
}

// service describes personalize.amazonaws.com's requests. What it knows:
// KMS is HTTPS only; a service principal carries aws:PrincipalIsAWSService
// and aws:PrincipalServiceName; Personalize does not call through a VPC
// endpoint and, as a service principal, has no organization. The source
// account and ARN are known only when the input gives them. kms:CallerAccount
// and kms:ViaService are left unknown: AWS does not document them for
// service-principal calls, so conditions on them are reported, not guessed.
func (k *keyCheck) service() principal {
	ctx := map[string][]string{
		"aws:SecureTransport":       {"true"},
		"aws:PrincipalIsAWSService": {"true"},
		"aws:PrincipalServiceName":  {iampolicy.PersonalizeService},
	}
	if k.in.AccountID != "" {
		ctx["aws:SourceAccount"] = []string{k.in.AccountID}
	}
	if k.in.SourceARN != "" {
		ctx["aws:SourceArn"] = []string{k.in.SourceARN}
	}
	in, partition, account := k.policyInput()
	return principal{
		name:    iampolicy.PersonalizeService,
		service: true,
		req: iampolicy.Request{
			Actor: iampolicy.Service(iampolicy.PersonalizeService), Resource: k.arn, Context: ctx,
			Absent: []string{"aws:SourceVpc", "aws:SourceVpce", "aws:VpcSourceIp", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths"},
		},
		remedy:     serviceStatement(in, partition, account),
		notAllowed: FindingServiceNotAllowed, denied: FindingServiceDenied, uncertain: FindingServiceUncertain,
	}
}

// role describes the service role's requests: an assumed-role session of
// RoleARN, whose account is kms:CallerAccount and aws:PrincipalAccount.
// kms:ViaService, kms:GrantIsForAWSResource and aws:SourceAccount are left
// unknown: they depend on how Personalize calls with the role.
func (k *keyCheck) role() principal {
	a, _ := awsarn.Split(k.in.RoleARN)
	in, _, _ := k.policyInput()
	return principal{
		name: "the role " + k.in.RoleARN,
		req: iampolicy.Request{
			Actor: iampolicy.AWSPrincipal(k.in.RoleARN), Resource: k.arn,
			Context: map[string][]string{
				"aws:SecureTransport":       {"true"},
				"aws:PrincipalArn":          {k.in.RoleARN},
				"aws:PrincipalAccount":      {a.Account},
				"kms:CallerAccount":         {a.Account},
				"aws:PrincipalType":         {"AssumedRole"},
				"aws:PrincipalIsAWSService": {"false"},
			},
			Absent: []string{"aws:PrincipalServiceName"},
		},
		remedy:     roleStatement(in),
		notAllowed: FindingRoleNotAllowed, denied: FindingRoleDenied, uncertain: FindingRoleUncertain, viaIAM: FindingRoleViaIAM,
	}
}

// grants evaluates every required action for p and adds one finding per
// kind of shortfall, listing the actions.
func (k *keyCheck) grants(doc *iampolicy.Document, p principal, public []int) {
	var (
		notAllowed, denied, uncertain, viaIAM []string
		denies, viaStmts, allows              []int
		conds                                 []string
	)
	for _, action := range RequiredActions(k.in.Exports) {
		req := p.req
		req.Action = action
		res := doc.Evaluate(req)
		granted, grantConds := k.grantAccess(p, action)
		switch {
		case res.Decision == iampolicy.Denied:
			denied = append(denied, action)
			denies = append(denies, res.Denies...)
		case granted && !res.MaybeDenied && (res.Uncertain || res.Decision == iampolicy.NotAllowed || res.ViaAccount):
			// A grant gives the principal the action directly: neither the
			// policy's conditions nor IAM need to allow it. A statement that
			// allows it outright is still checked below for source conditions.
			// A Deny that may apply overrides grants too, so it stays uncertain.
		case res.Decision == iampolicy.NotAllowed && len(grantConds) > 0:
			uncertain = append(uncertain, action)
			conds = append(conds, grantConds...)
		case res.Uncertain:
			uncertain = append(uncertain, action)
			conds = append(conds, res.Unevaluated...)
		case res.Decision == iampolicy.NotAllowed:
			notAllowed = append(notAllowed, action)
		case res.ViaAccount:
			viaIAM = append(viaIAM, action)
			viaStmts = append(viaStmts, res.Allows...)
		default:
			allows = append(allows, res.Allows...)
		}
	}
	remedy := statementRemedy(p.remedy)
	if len(denied) > 0 {
		k.add(p.denied, posture.High,
			"The key policy explicitly denies "+p.name+" "+strings.Join(denied, ", ")+" ("+statementList(sortedSet(denies))+"); Personalize would fail.",
			"Narrow the Deny so that it does not cover "+p.name+".", "")
	}
	if len(notAllowed) > 0 {
		k.add(p.notAllowed, posture.High,
			"The key policy does not allow "+p.name+" "+strings.Join(notAllowed, ", ")+"; Personalize would fail.",
			"Add this statement to the key policy: "+remedy, "")
	}
	if len(uncertain) > 0 {
		conds = sortedSet(conds)
		source := "the key policy allows "
		if slices.ContainsFunc(conds, func(c string) bool { return strings.HasPrefix(c, "Grant[") }) {
			source = "the key policy or its grants allow "
		}
		k.add(p.uncertain, posture.Medium,
			"Whether "+source+p.name+" "+strings.Join(uncertain, ", ")+" depends on conditions the guard cannot evaluate ("+
				printable(strings.Join(conds, "; "))+"); it does not assume they hold.",
			k.uncertainRemedy(conds, remedy), "")
	}
	if len(viaIAM) > 0 && p.viaIAM != "" {
		k.add(p.viaIAM, posture.Low,
			"The key policy lets "+p.name+" use "+strings.Join(viaIAM, ", ")+" only through the account ("+statementList(sortedSet(viaStmts))+
				"), so the role's IAM policy must allow them too; the guard cannot see IAM policies.",
			"Make sure the role's IAM policy allows these actions on the key, or name the role in the key policy: "+remedy, "")
	}
	if p.service {
		k.sourceConditions(doc, sortedSet(allows), public)
	}
}

func (k *keyCheck) uncertainRemedy(conds []string, remedy string) string {
	var hints []string
	for _, c := range conds {
		_, key, _ := strings.Cut(c, " ")
		switch {
		case strings.EqualFold(key, "aws:SourceAccount") && k.in.AccountID == "":
			hints = append(hints, "set CheckInput.AccountID")
		case strings.EqualFold(key, "aws:SourceArn") && k.in.SourceARN == "":
			hints = append(hints, "set CheckInput.SourceARN")
		}
	}
	const confirm = "confirm the conditions hold for Personalize's requests and accept this finding, or allow the actions without them: "
	if len(hints) > 0 {
		return "To let the guard decide, " + strings.Join(sortedSet(hints), " and ") + ". Otherwise " + confirm + remedy
	}
	return "Either " + confirm + remedy
}

// sourceConditions flags statements that let the service use the key for
// any account's resources.
func (k *keyCheck) sourceConditions(doc *iampolicy.Document, allows, public []int) {
	var open []int
	for _, i := range allows {
		if !slices.Contains(public, i) && !hasSourceCondition(&doc.Statement[i]) {
			open = append(open, i)
		}
	}
	if len(open) == 0 {
		return
	}
	in, partition, account := k.policyInput()
	hint := "aws:SourceAccount and aws:SourceArn conditions"
	if b, err := encodeJSON(serviceStatement(in, partition, account).Condition); err == nil {
		hint = `"Condition": ` + string(b)
	}
	k.add(FindingServiceNoSource, posture.Low,
		statementList(open)+" "+verb(len(open), "lets", "let")+" "+iampolicy.PersonalizeService+" use the key without an aws:SourceAccount or aws:SourceArn condition, so another account's Personalize resources could use it (confused deputy).",
		"Add "+hint+" to "+statementList(open)+".", "")
}

// hasSourceCondition reports whether s limits the accounts whose resources
// the service may act for: a positive operator on a source key whose every
// value fixes the account (iampolicy.FixedCondition).
func hasSourceCondition(s *iampolicy.Statement) bool {
	return s.FixesCaller("aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths")
}

func sortedSet[T interface{ ~int | ~string }](s []T) []T {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// printable keeps policy-supplied names (condition operators and keys) from
// breaking a one-line message: control characters become '?', and the text
// is capped.
func printable(s string) string {
	const max = 512
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= max {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}
