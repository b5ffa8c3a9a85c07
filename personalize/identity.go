package personalize

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
)

// GetCallerIdentityAPIClient is what the guard needs from STS to tell who
// the client's credentials stand for. *sts.Client satisfies it.
type GetCallerIdentityAPIClient = callerid.GetCallerIdentityAPIClient

// checksCaller reports whether the guard refuses the account's root
// credentials (PersonalizeGuard:CallerIdentity).
func (s *settings) checksCaller() bool {
	return !s.InsecureSkipPostureChecks && !s.InsecureAllowRootCredentials
}

// newCallerChecker returns the guard's identity checker, asking STS through
// the Policy's client or one built from own, the hardened config.
func (g *Guard) newCallerChecker(own aws.Config) *callerid.Checker {
	c := g.s.STSClient
	if c == nil {
		c = sts.NewFromConfig(own)
	}
	return callerid.NewChecker(c, func(o *callerid.Options) {
		o.TTL, o.MaxEntries, o.FailureBackoff = g.s.CheckTTL, g.s.CheckCacheEntries, g.s.CheckFailureBackoff
	})
}

// postureFor returns the posture steps of one client: the identity check of
// the client's credentials provider first, then the guard's. bound is false
// for the steps of [Guard.AddMiddleware] on a client the guard did not
// build, whose provider it does not know: its wire gate refuses every call
// of such a client, so there the identity step only marks that it ran.
func (g *Guard) postureFor(creds aws.CredentialsProvider, bound bool) []*step {
	if !g.s.checksCaller() {
		return g.posture
	}
	h := func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		if err := g.checkCaller(ctx, creds); err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
		return next.HandleInitialize(ctx, in)
	}
	if !bound {
		h = func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(ctx, in)
		}
	}
	return append([]*step{{id: IDCallerIdentity, g: g, stage: stageCallerIdentity, handle: h}}, g.posture...)
}

// checkCaller (PersonalizeGuard:CallerIdentity) refuses the AWS account's
// root credentials, and fails closed when it cannot tell whose the
// credentials are. It checks what creds, the client's provider, returns
// now; the wire gate then holds the request to be signed with that access
// key (see [wireGate.CheckSigner]). Neither error names the key.
func (g *Guard) checkCaller(ctx context.Context, creds aws.CredentialsProvider) error {
	op := middleware.GetOperationName(ctx)
	if creds == nil {
		return g.violation(ctx, &SafeguardError{Operation: op, Rule: RuleIdentityCheckFailed,
			Reason: "the client has no credentials, so the guard cannot tell who signs"})
	}
	c, err := creds.Retrieve(ctx)
	if err != nil {
		return g.violation(ctx, &SafeguardError{Operation: op, Rule: RuleIdentityCheckFailed,
			Reason: "the credentials could not be retrieved, so the guard cannot tell who signs", Err: err})
	}
	st := stateFrom(ctx)
	if st != nil {
		st.signer = c.AccessKeyID
	}
	_, err = g.callers.Check(ctx, c)
	var root *callerid.RootCredentialsError
	switch {
	case errors.As(err, &root):
		// Err stays nil: the root error names the account, and the call
		// is refused for the credentials, not for the account.
		return g.violation(ctx, &SafeguardError{Operation: op, Rule: RuleRootCredentials,
			Reason: "the credentials are the AWS account's root user's, which has every permission and cannot be limited by IAM; use an IAM role (or user) with only the permissions Personalize needs"})
	case err != nil:
		return g.violation(ctx, &SafeguardError{Operation: op, Rule: RuleIdentityCheckFailed,
			Reason: "who the credentials stand for could not be checked (STS GetCallerIdentity), so the guard refuses the call", Err: err})
	}
	if g.ownCreds != nil {
		if err := g.checkOwnCaller(ctx, op); err != nil {
			return err
		}
	}
	st.act(actedCallerChecked)
	return nil
}

// checkOwnCaller refuses the call when the guard's own KMS, S3 and
// Personalize reads, signed with the aws.Config the guard was built from,
// would be signed with the root user's credentials, or when that cannot be
// told. With New they are the client's own credentials, and the check is a
// cache hit.
func (g *Guard) checkOwnCaller(ctx context.Context, op string) error {
	c, err := g.ownCreds.Retrieve(ctx)
	if err == nil {
		_, err = g.callers.Check(ctx, c)
	}
	var root *callerid.RootCredentialsError
	switch {
	case errors.As(err, &root):
		return g.violation(ctx, &SafeguardError{Operation: op, Rule: RuleRootCredentials,
			Reason: "the guard's own KMS, S3 and Personalize reads would be signed with the AWS account's root user's credentials (the aws.Config the guard was built from); use an IAM role (or user)"})
	case err != nil:
		return g.violation(ctx, &SafeguardError{Operation: op, Rule: RuleIdentityCheckFailed,
			Reason: "who signs the guard's own reads (the aws.Config the guard was built from) could not be checked, so the guard refuses the call", Err: err})
	}
	return nil
}

// CheckSigner refuses a request signed with another access key than the one
// the identity check looked at: a per-call Credentials option (the guard
// checks the client's own provider), or something after the check that
// signed the request again.
func (m *wireGate) CheckSigner(ctx context.Context, op, accessKeyID string) error {
	if !m.g.s.checksCaller() {
		return nil
	}
	if st := stateFrom(ctx); st == nil || st.signer != accessKeyID {
		return &SafeguardError{Operation: op, Field: "header", Rule: RuleRequestChanged,
			Reason: "the request is signed with other credentials than the ones the guard checked: set credentials on the client, not per call"}
	}
	return nil
}
