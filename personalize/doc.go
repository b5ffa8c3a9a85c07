// Package personalize puts AWS's data-protection guidance for Amazon
// Personalize in front of the SDK's own client.
//
// [New] returns the aws-sdk-go-v2 *personalize.Client — every method,
// paginator and per-call option still works — with the guard's middleware
// installed. [NewGuard] and [Guard.Option] install the same middleware on a
// client a service builds itself:
//
//	g, err := personalize.NewGuard(cfg, policy)
//	client := awspersonalize.NewFromConfig(cfg, g.Option())
//
// # Safeguards
//
// Each safeguard is its own middleware with a stable ID, and the zero
// [Policy] has all of them on. Checks that need no network run first, in the
// Initialize step before the SDK's own validation; checks that call AWS run
// after it, so a request the SDK would reject costs no round trip.
//
//   - Transport ([IDHTTPSOnly], [IDTLSVersion]): the HTTP client's TLS floor is
//     raised to [Policy.MinTLSVersion] (1.2 by default) keeping its CAs and
//     proxy; a client whose TLS settings cannot be enforced is refused by
//     New; http endpoints and URL credentials are refused before sending;
//     the negotiated version of every response is checked; ClientLogMode
//     dumps that print tokens or bodies are switched off.
//   - Sensitive values ([IDFieldContent]): every string of every operation's
//     input that is not an ARN, token, enum, key or S3 location — names, job
//     names, tag keys and values, filter expressions, the Avro schema,
//     metric fields, event types, hyper-parameter and column maps — goes
//     through the sensitive detector; a field added by a newer SDK is
//     checked by default. The model's own limits the SDK skips (anchored
//     name pattern and length, tag limits, filter expression length) are
//     enforced too. testdata/fieldrules.golden lists every field and rule.
//   - KMS ([IDKMSKey], [IDKeyReadiness], [IDDatasetGroupKey]): the configured
//     key is injected wherever the API takes one and the caller left it empty
//     (CreateDatasetGroup, with the role, and the seven S3DataConfig places),
//     other keys are refused unless allow-listed, and each key in use is
//     checked with package kms (state, Region, rotation, key policy grants),
//     once per TTL. Imports have no key field: the guard checks that the
//     target dataset group was created with an allowed key.
//   - S3 locations ([IDS3Location], [IDBucketPosture]): every location is
//     parsed by package s3guard (no http, userinfo or presigned queries),
//     output buckets may be allow-listed, and each bucket's posture and an
//     import's source objects are checked, once per TTL.
//   - Audit ([IDAudit]): one slog event per call with the operation, the
//     outcome, the rule and field of a refusal, the safeguards that acted,
//     the request ID and the duration — never a value.
//
// # Errors
//
// A refused request returns a [*SafeguardError] (wrapped by the SDK in a
// *smithy.OperationError; use errors.As) naming the operation, the field path
// such as "Tags[2].TagValue", and the rule such as "sensitive.account-number".
// It never contains the value. Nothing is sent. A check that cannot run —
// KMS or S3 denying the guard's read, a network error — refuses too (rules
// [RuleKMSCheckFailed], [RuleS3CheckFailed], [RuleDatasetGroupLookup]).
// A [Policy] that cannot be enforced is a [*ConfigError] from New.
//
// # Limits
//
// The guard enforces what the caller's process can see. It cannot see IAM
// policies (a key grant through the account is reported as Low) or the data
// inside objects. Per-call options are honoured with two caveats: a
// per-call option that replaces APIOptions instead of appending drops the
// middleware, and the guarded HTTP client then refuses the request
// ([RuleBypassed]); a per-call HTTPClient replaces the guarded one, so only
// the negotiated TLS version is checked, on the response. Report-only mode
// ([Policy.InsecureReportOnly]) logs instead of refusing, except for the
// transport rules.
package personalize
