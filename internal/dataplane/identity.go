package dataplane

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
	"github.com/personalizeguard/personalizeguard/internal/securetransport"
)

// IDCallerIdentity is the step that refuses the account's root
// credentials: Initialize, after the SDK's validation (network, cached).
const IDCallerIdentity = "PersonalizeGuard:CallerIdentity"

// ActionCallerChecked names, in the audit event, the identity check having
// passed: the credentials are not the root user's.
const ActionCallerChecked = "identity.caller-checked"

// checksCaller reports whether the guard refuses the account's root
// credentials.
func (s *settings) checksCaller() bool { return !s.InsecureAllowRootCredentials }

// newCallerChecker returns the guard's identity checker, asking STS through
// the Policy's client or through one built from cfg with the guard's
// transport rules and none of the caller's hooks.
func (g *Guard) newCallerChecker(cfg aws.Config) (*callerid.Checker, error) {
	c := g.s.STSClient
	if c == nil {
		own := cfg.Copy()
		var dumped bool
		var err error
		own.HTTPClient, own.ClientLogMode, dumped, err = securetransport.Secure(own.BaseEndpoint, false, own.HTTPClient, own.ClientLogMode,
			g.s.minTLS, g.s.InsecureAllowUnverifiableHTTPClient)
		if err != nil {
			// As for a client the guard cannot secure, the guard is still
			// made; every check then fails closed with err.
			return callerid.NewChecker(refusedSTS{err}), nil
		}
		if dumped {
			g.dumpWarning.Warn(own.Logger, g.s.audit())
		}
		own.APIOptions = []func(*middleware.Stack) error{g.addOwnTransport}
		own.Interceptors = smithyhttp.InterceptorRegistry{}
		own.AppID = "" // the User-Agent carries it, unchecked
		c = sts.NewFromConfig(own)
	}
	// As the control plane's posture checks do by default: while STS
	// fails, calls fail closed at once rather than each asking again.
	return callerid.NewChecker(c, func(o *callerid.Options) { o.FailureBackoff = time.Second }), nil
}

// refusedSTS is the STS client of a guard whose aws.Config the transport
// rules refuse (an http endpoint, say).
type refusedSTS struct{ err error }

func (r refusedSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return nil, r.err
}

// ownGate applies the transport rules to the guard's own STS calls.
type ownGate struct{ g *Guard }

func (ownGate) ID() string { return IDWireGate }

func (m ownGate) HandleDeserialize(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (
	middleware.DeserializeOutput, middleware.Metadata, error,
) {
	if _, err := securetransport.Request(ctx, middleware.GetOperationName(ctx), in, m.g.s.region); err != nil {
		return middleware.DeserializeOutput{}, middleware.Metadata{}, err
	}
	return next.HandleDeserialize(ctx, in)
}

func (g *Guard) addOwnTransport(stack *middleware.Stack) error {
	if _, ok := stack.Deserialize.Get(IDWireGate); !ok {
		if err := stack.Deserialize.Add(ownGate{g}, middleware.After); err != nil {
			return err
		}
	}
	return securetransport.SilenceWireDumps(stack)
}

// identityStep returns the identity step of a client whose credentials
// provider is creds, or nil when the Policy opts out.
func (g *Guard) identityStep(creds aws.CredentialsProvider) *step {
	if !g.s.checksCaller() {
		return nil
	}
	// The client's provider answers with the same access key ID call after
	// call: its memo spares hashing it again each time.
	memo := new(callerid.Memo)
	return &step{id: IDCallerIdentity, g: g, handle: func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
		middleware.InitializeOutput, middleware.Metadata, error,
	) {
		st, ref, err := g.take(ctx, stepCaller)
		if ref != nil {
			defer ref.Exit()
		}
		if err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
		if err := g.checkCaller(ctx, st, creds, memo); err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
		st.pass(stepCaller)
		return next.HandleInitialize(ctx, in)
	}}
}

// checkCaller refuses the AWS account's root credentials, and fails closed
// when it cannot tell whose the credentials are. It checks what creds, the
// client's provider, returns now; the wire gate then holds the request to
// be signed with that access key. Neither error names the key. st is the
// call's state, nil when the audit step did not run; memo is creds' (see
// callerid.Memo).
func (g *Guard) checkCaller(ctx context.Context, st *callState, creds aws.CredentialsProvider, memo *callerid.Memo) error {
	// The operation's name is looked up only for a refusal, which
	// CheckCaller makes anew on each call.
	key, refusal := guarderr.CheckCaller(ctx, "", g.callers, creds, "the credentials", memo)
	if refusal != nil {
		refusal.Operation = middleware.GetOperationName(ctx)
	}
	if st != nil {
		st.signer = key
	}
	if refusal != nil {
		if ended := guarderr.Ended(ctx, refusal); ended != nil {
			return ended // the caller gave up: no refusal
		}
		return g.violation(st, refusal)
	}
	if st != nil {
		st.act(actedCaller)
	}
	return nil
}

// checkSigner refuses a request signed with another access key than the
// one the identity check looked at: a per-call Credentials option (the
// guard checks the client's own provider), or something after the check
// that signed the request again. st is the call's state, nil when the
// audit step did not run.
func (g *Guard) checkSigner(op string, st *callState, accessKeyID string) error {
	if !g.s.checksCaller() {
		return nil
	}
	if st == nil || st.signer != accessKeyID {
		return &guarderr.SafeguardError{Operation: op, Field: "header", Rule: guarderr.RuleRequestChanged,
			Reason: "the request is signed with other credentials than the ones the guard checked: set credentials on the client, not per call"}
	}
	return nil
}
