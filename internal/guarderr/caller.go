package guarderr

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
)

// CheckCaller asks c who the credentials creds returns now stand for,
// through m, the memo of creds (see [callerid.Memo]; nil for none), which
// spares hashing the access key ID again while it passed and its answer
// holds. It returns their access key ID, which the wire gate holds the
// request's signature to, and the refusal of op when there must be one: the
// AWS account's root user (RuleRootCredentials), or credentials that cannot
// be checked (RuleIdentityCheckFailed: the check fails closed). whose names
// the credentials in the reasons ("the credentials", or whose reads they
// sign). No refusal names the key, nor the account: the root error, which
// does, is not wrapped.
func CheckCaller(ctx context.Context, op string, c *callerid.Checker, creds aws.CredentialsProvider, whose string, m *callerid.Memo) (string, *SafeguardError) {
	if creds != nil {
		got, err := creds.Retrieve(ctx)
		if err == nil {
			if _, err = c.CheckMemo(ctx, got, m); err == nil {
				return got.AccessKeyID, nil
			}
			return got.AccessKeyID, callerRefused(op, whose, err)
		}
		return "", retrieveFailed(op, whose, err)
	}
	return "", callerMissing(op, whose)
}

// callerMissing, retrieveFailed and callerRefused are CheckCaller's
// refusals, apart from it and not inlined, so that the pass every call
// takes runs through a few contiguous instructions.
//
//go:noinline
func callerMissing(op, whose string) *SafeguardError {
	return &SafeguardError{Operation: op, Rule: RuleIdentityCheckFailed,
		Reason: whose + " are missing, so the guard cannot tell who signs"}
}

//go:noinline
func retrieveFailed(op, whose string, err error) *SafeguardError {
	return &SafeguardError{Operation: op, Rule: RuleIdentityCheckFailed,
		Reason: whose + " could not be retrieved, so the guard cannot tell who signs", Err: err}
}

//go:noinline
func callerRefused(op, whose string, err error) *SafeguardError {
	var root *callerid.RootCredentialsError // on the heap for errors.As: only on a refusal
	if errors.As(err, &root) {
		return &SafeguardError{Operation: op, Rule: RuleRootCredentials,
			Reason: whose + " are the AWS account's root user's, which has every permission and cannot be limited by IAM; use an IAM role (or user) with only the permissions Personalize needs"}
	}
	return &SafeguardError{Operation: op, Rule: RuleIdentityCheckFailed,
		Reason: "who " + whose + " stand for could not be checked (STS GetCallerIdentity), so the guard refuses the call", Err: err}
}
