// Package fakeiam is an in-memory AWS IAM for tests: it serves the read
// operations an account audit makes, in the AWS query protocol (a
// form-encoded POST with Action and Version=2010-05-08, XML answers), as the
// SDK's service/iam client serializes and reads them.
//
// # What it serves
//
// GetAccountSummary (the SummaryMap, AccountMFAEnabled from
// [Server.SetAccountMFA]), GetRole, ListRolePolicies, GetRolePolicy,
// ListAttachedRolePolicies, GetPolicy and GetPolicyVersion, over roles and
// the customer and AWS managed policies set with [Server.PutRole] (an AWS
// managed policy exists once a role attaches it, with the document the
// test gives). Policy documents
// are answered URL-encoded (RFC 3986), as IAM answers them: a reader must
// unescape AssumeRolePolicyDocument, PolicyDocument and Document before
// parsing them. The List operations paginate with Marker, IsTruncated and
// MaxItems (1 to 1000, default 100).
//
// Errors are IAM's: NoSuchEntity (HTTP 404) for a role, inline policy,
// policy or version that does not exist, ValidationError (400) for a
// parameter IAM's model refuses, InvalidInput (400) for a malformed policy
// ARN or Marker, InvalidAction (400) for an operation it does not serve.
//
// # What it does not do
//
// No write operations over the wire, no users, groups or instance profiles,
// no policy evaluation: documents are stored and
// answered, never enforced. A managed policy starts at version v1; each
// change of its document adds the next version and makes it the default
// (IAM keeps five), so DefaultVersionId is not always v1.
package fakeiam
