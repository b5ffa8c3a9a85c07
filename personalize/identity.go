package personalize

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
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
	// The client's provider answers with the same access key ID call after
	// call: its memo spares hashing it again each time.
	memo := new(callerid.Memo)
	h := func(g *Guard, ctx context.Context, st *callState, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		if err := g.checkCaller(ctx, st, creds, memo); err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
		return next.HandleInitialize(ctx, in)
	}
	if !bound {
		h = func(_ *Guard, ctx context.Context, _ *callState, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(ctx, in)
		}
	}
	return append([]*step{{id: IDCallerIdentity, g: g, stage: stageCallerIdentity, handle: h}}, g.posture...)
}

// checkCaller (PersonalizeGuard:CallerIdentity) refuses the AWS account's
// root credentials, and fails closed when it cannot tell whose the
// credentials are. It checks what creds, the client's provider, returns
// now; the wire gate then holds the request to be signed with that access
// key (see [wireGate.CheckSigner]). Neither error names the key. memo is
// creds' (see callerid.Memo).
func (g *Guard) checkCaller(ctx context.Context, st *callState, creds aws.CredentialsProvider, memo *callerid.Memo) error {
	// A refusal, new from CheckCaller, is named after the operation
	// only when there is one: looking the name up walks the context.
	key, refusal := guarderr.CheckCaller(ctx, "", g.callers, creds, "the credentials", memo)
	if st != nil {
		st.signer = key
	}
	passed := refusal == nil
	if !passed {
		refusal.Operation = opName(ctx, st)
		if err := g.violation(ctx, st, refusal); err != nil {
			return err
		}
		// Report-only mode: the guard's own credentials are still checked,
		// so that their report is not hidden behind the client's.
	}
	// The guard's own reads are signed with the aws.Config it was built
	// from; with New, those are the client's credentials, and a cache hit.
	if g.ownCreds != nil {
		if _, refusal := guarderr.CheckCaller(ctx, "", g.callers, g.ownCreds,
			"the credentials of the guard's own KMS, S3 and Personalize reads (the aws.Config the guard was built from)", &g.ownMemo); refusal != nil {
			refusal.Operation = opName(ctx, st)
			if err := g.violation(ctx, st, refusal); err != nil {
				return err
			}
			passed = false
		}
	}
	if passed {
		st.act(actedCallerChecked)
	}
	return nil
}

// checkSigner refuses a request signed with another access key than the one
// the identity check looked at: a per-call Credentials option (the guard
// checks the client's own provider), or something after the check that
// signed the request again. st is the call's state, nil when the audit
// middleware did not run.
func (g *Guard) checkSigner(op string, st *callState, accessKeyID string) error {
	if !g.s.checksCaller() {
		return nil
	}
	if st == nil || st.signer != accessKeyID {
		return &SafeguardError{Operation: op, Field: "header", Rule: RuleRequestChanged,
			Reason: "the request is signed with other credentials than the ones the guard checked: set credentials on the client, not per call"}
	}
	return nil
}
