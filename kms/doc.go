// Package kms checks that a customer managed KMS key is ready to encrypt an
// Amazon Personalize dataset group, and writes the key policy Personalize
// needs.
//
// A dataset group's key is fixed when the group is created. A key that is
// disabled, pending deletion, in another Region, not rotated, or whose policy
// does not let Personalize use it breaks imports, filters and recommendations
// later, or quietly weakens the encryption promise. [Check] finds these
// problems before the key is committed.
//
// # Key identifiers
//
// Personalize takes key ARNs only. [ParseKeyARN] parses one into a [KeyARN]
// and rejects aliases and bare key IDs with an [*IdentifierError] that says
// what was given (never the value itself); [Identify] tells the kinds apart,
// and [ResolveKeyARN] turns an alias or key ID into a key ARN with
// DescribeKey.
//
// # Checking a key
//
// [Check] takes a narrow client ([CheckAPIClient], which *kms.Client
// satisfies) and a [CheckInput], makes DescribeKey, GetKeyRotationStatus,
// GetKeyPolicy and ListGrants calls, and returns a posture.Report whose
// findings carry stable IDs (the Finding… constants), severities and
// remediations. The key policy is evaluated with the module's IAM policy
// evaluator for personalize.amazonaws.com and the service role and each of
// [RequiredActions]:
//
//   - an explicit Deny is a High finding;
//   - an Allow that depends on a condition the evaluator cannot decide is a
//     Medium finding naming the conditions; it is never taken as a pass;
//   - an Allow for the role that only names its account (the default key
//     policy) is a Low finding: the role's IAM policy, which the check
//     cannot see, must grant the actions too.
//
// A check that cannot run (access denied, throttled, unreachable) returns a
// [*CheckError] naming the permission the caller needs; it never passes.
// [Checker] fetches each key's answers once per TTL, in one flight that
// concurrent callers — even for different roles or dataset groups — join,
// and evaluates the key policy and grants once per role, account and export
// setting: a new dataset group costs only the aws:SourceArn tests its name
// goes through, on its resource part alone, without allocating
// (BenchmarkCheckerNewName; the README's Cost table).
//
// # Grants
//
// A grant to the role or to personalize.amazonaws.com counts as a key policy
// Allow for the operations it names (an explicit Deny in the key policy
// still wins); a grant whose encryption context or SourceArn constraint the
// check cannot decide makes the access uncertain, never allowed. No grant can
// give kms:ListGrants, so Personalize's ListGrants must come from the key
// policy. A grant to anyone else is a finding: High
// ([FindingGrantUnexpected]) when it lets the grantee decrypt, make data keys
// or create grants, Low otherwise. Without kms:ListGrants the check fails
// with a [*CheckError].
//
// # Writing the key policy
//
// [PersonalizeKeyPolicy] writes a complete key policy (the account's
// administration statement, a statement for personalize.amazonaws.com with
// aws:SourceAccount and aws:SourceArn conditions, and one for the role);
// [PersonalizeKeyPolicyStatements] writes just the two Personalize
// statements to add to an existing policy.
package kms
