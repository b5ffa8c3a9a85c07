package personalizeevents

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalizeevents"

	"github.com/personalizeguard/personalizeguard/internal/dataplane"
	"github.com/personalizeguard/personalizeguard/internal/guarderr"
)

// Policy configures the guard; the zero value has every safeguard on. It is
// the same type as personalizeruntime.Policy: give both clients one Policy,
// and one customer gets one pseudonym in events and recommendations.
//
// Its fields are documented where it is defined, which go doc does not
// follow from here: go doc
// github.com/personalizeguard/personalizeguard/internal/dataplane.Policy.
type Policy = dataplane.Policy

// SafeguardError is returned when a safeguard refuses a request, wrapped by
// the SDK in a *smithy.OperationError; reach it with errors.As. It is the
// same type as personalize.SafeguardError, and its rules are personalize's
// Rule constants and the Rule constants of this package.
type SafeguardError = guarderr.SafeguardError

// ConfigError reports a Policy or client configuration the guard refuses.
// It is the same type as personalize.ConfigError.
type ConfigError = guarderr.ConfigError

// Middleware IDs, stable so that other middleware can be placed relative to
// them.
const (
	IDAudit          = dataplane.IDAudit          // Initialize, first: the call's state and its audit event
	IDIdentifiers    = dataplane.IDIdentifiers    // Initialize: userId and sessionId replaced by their pseudonyms (on a copy)
	IDCallerIdentity = dataplane.IDCallerIdentity // Initialize, after the SDK's validation: not the root user's credentials (network, cached)
	IDWireGate       = dataplane.IDWireGate       // Deserialize, innermost: every field of the request as sent; sends it
	IDConfig         = dataplane.IDConfig         // Initialize: fails every call of a client the guard could not secure
)

// Guard holds a validated Policy and the middleware. One Guard can secure
// many clients; it is safe for concurrent use. Make it with NewGuard: the
// clients of a zero or nil Guard refuse every call.
type Guard struct{ g *dataplane.Guard }

// New returns the SDK's own Personalize Events client with the guard
// installed. The optFns are applied before the guard's, so they cannot
// switch a safeguard off.
func New(cfg aws.Config, p Policy, optFns ...func(*sdk.Options)) (*sdk.Client, error) {
	g, err := NewGuard(cfg, p)
	if err != nil {
		return nil, err
	}
	return dataplane.NewClient(cfg, sdk.NewFromConfig, optFns, g.apply)
}

// NewGuard validates p and prepares the guard without building a client, for
// services that build their own:
//
//	g, err := personalizeevents.NewGuard(cfg, policy)
//	client := awspersonalizeevents.NewFromConfig(cfg, g.Option())
func NewGuard(cfg aws.Config, p Policy) (*Guard, error) {
	g, err := dataplane.NewGuard(cfg, p, api)
	if err != nil {
		return nil, err
	}
	return &Guard{g}, nil
}

// Option returns the client option that installs the guard on a client the
// caller builds. Put it last. A client the guard cannot secure (an HTTP
// client whose TLS settings cannot be enforced, an http endpoint) fails
// every call with the *ConfigError New would have returned.
func (g *Guard) Option() func(*sdk.Options) {
	return func(o *sdk.Options) { _ = g.apply(o) }
}

func (g *Guard) apply(o *sdk.Options) error {
	co := dataplane.ClientOptions{Region: o.Region, BaseEndpoint: o.BaseEndpoint, DisableHTTPS: o.EndpointOptions.DisableHTTPS,
		HTTPClient: o.HTTPClient, ClientLogMode: o.ClientLogMode, Logger: o.Logger, APIOptions: o.APIOptions, Credentials: o.Credentials}
	var dg *dataplane.Guard // nil for a nil Guard, whose clients refuse every call
	if g != nil {
		dg = g.g
	}
	err := dg.Apply(&co)
	o.HTTPClient, o.ClientLogMode, o.APIOptions, o.Credentials = co.HTTPClient, co.ClientLogMode, co.APIOptions, co.Credentials
	return err
}

// RulePropertiesJSON is the rule of a properties member that is not one
// JSON object with unique property names. The other rules are personalize's
// Rule constants.
const RulePropertiesJSON = dataplane.RulePropertiesJSON

// RuleRawIdentifier is the rule of a field that holds a user ID of the
// call as given, when the Policy's Pseudonymizer replaced that ID with its
// pseudonym in its own field.
const RuleRawIdentifier = dataplane.RuleRawIdentifier

// RuleIdentifier is the rule of a user or session ID the Policy's
// Pseudonymizer does not replace: one that is already a pseudonym (it
// would get a second one), or one it cannot make a pseudonym of.
const RuleIdentifier = dataplane.RuleIdentifier

// Rules of the identity check, which refuses the AWS account's root
// credentials (see Policy.InsecureAllowRootCredentials). They are
// personalize's RuleRootCredentials and RuleIdentityCheckFailed.
const (
	RuleRootCredentials     = guarderr.RuleRootCredentials     // the client's credentials are the AWS account's root user's
	RuleIdentityCheckFailed = guarderr.RuleIdentityCheckFailed // who the credentials stand for could not be checked (fail closed)
)

// GetCallerIdentityAPIClient is what the guard needs from STS to tell who
// the client's credentials stand for (Policy.STSClient). *sts.Client
// satisfies it.
type GetCallerIdentityAPIClient = dataplane.GetCallerIdentityAPIClient
