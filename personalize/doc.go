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
// [Policy] has all of them on. What they know of the API comes from one
// table, generated from AWS's official model (table_gen.go, by
// internal/guardgen): every operation, every member and the rule for it,
// every KMS key place and S3 location. The same generator writes, from the
// table and the SDK's Go types, a walk of each operation's input without
// reflection (walk_gen.go). An SDK that adds a member to an input has that
// operation walked by reflection along the table, which refuses the member
// it does not know; one that renames or retypes a member does not build
// until `go generate ./personalize` is run. Checks that need no network run
// first, in the
// Initialize step before the SDK's own validation; checks that call AWS run
// after it, so a request the SDK would reject costs no round trip.
//
//   - Transport ([IDWireGate]): the HTTP client's TLS floor is raised to
//     [Policy.MinTLSVersion] (1.2 by default) keeping its CAs and proxy; a
//     client whose TLS settings cannot be enforced, that writes its TLS
//     session keys (KeyLogWriter) or draws them from its own randomness
//     (Rand), is refused by New; http
//     endpoints, URL credentials and calls to another Region (by the call's
//     Region and by the Region its signature is scoped to) are refused
//     before sending, and so is a request whose X-Amz-Target, method or path
//     names another operation than the one checked, or whose Host header
//     names another host than its URL's; a handshake below the floor is refused and the
//     negotiated version of every response checked; ClientLogMode dumps that
//     print tokens or bodies are switched off. A failed send, a reset or a
//     deadline keeps the SDK's own error and is retried as without the guard.
//   - Sensitive values and the model ([IDFieldContent], and [IDWireGate] on
//     the serialized body): every string of every operation is checked
//     against the API model's length and pattern first (a 10 MiB value is
//     refused by its length before the detector reads it), then, unless it
//     is an enum, a key or an S3 location, goes through the sensitive
//     detector — names, job names, tag keys and values, filter expressions,
//     the Avro schema (keys, strings and the digits of numbers), metric
//     fields, event types, hyper-parameter and column maps, and the resource
//     part of every ARN; pagination tokens too. A tag's value, a string
//     map's values and a filter expression's literals are read again after
//     their key or column, which is often the keyword that makes digits an
//     account number or an SSN ({acct: 912803456}, `Users.SSN IN
//     ("123456789")`). Enums must be among the model's values, lists and
//     maps within its sizes. An operation or a member the table does not
//     describe (a newer SDK's) is refused until the table is regenerated:
//     the guard never passes what it does not know.
//     testdata/fieldrules.golden lists every field with its rule and shape.
//   - Identity ([IDCallerIdentity]): the client does not run with the AWS
//     account's root user's credentials. STS GetCallerIdentity is asked
//     once per access key ID, signed with those credentials; a check that
//     cannot run refuses ([RuleIdentityCheckFailed]), and the wire gate
//     refuses a request signed with other credentials than the ones checked
//     (a per-call Credentials option). Opt-out:
//     Policy.InsecureAllowRootCredentials.
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
//   - Import scan ([IDBucketPosture], on CreateDatasetImportJob): the guard
//     reads a bounded sample of the source through its own S3 client
//     ([Policy.ImportScanBytes], [Policy.ImportScanObjects]) and scans it
//     with package datascan against the dataset's schema; e-mails, phones,
//     cards or account numbers in USER_ID or SESSION_ID, or identifying
//     values in any other column, refuse the import. Cached per object
//     version (ETag); [Policy.InsecureSkipImportScan] switches it off.
//   - Audit ([IDAudit]): one slog event per call with the operation, the
//     outcome, the rule and field of a refusal, the safeguards that acted,
//     the request ID and the duration — never a value. A call that reaches
//     the guard's HTTP client without its middleware is audited there.
//
// # Names
//
// One vocabulary names the safeguards everywhere: each rule (in a
// [SafeguardError] and the audit event) and each audit action starts with
// its area, and each area has its middleware:
//
//	area        rules and actions   middleware
//	transport   transport.*         IDWireGate
//	model       model.*             IDFieldContent, IDWireGate (the API model's constraints)
//	sensitive   sensitive.<kind>    IDFieldContent, IDWireGate (the detector's findings)
//	kms         kms.*               IDKMSKey, IDKeyReadiness, IDDatasetGroupKey
//	s3          s3.*                IDS3Location, IDBucketPosture
//	datascan    datascan.*          IDBucketPosture (the import scan: a refusal's rule is its first finding's ID)
//	identity    identity.*          IDCallerIdentity
//	config      config.*            (New, Guard.Option)
//
// The audit event's attribute keys and actions are constants: AuditKey…,
// Action…, Outcome…; see [AuditMessage] for a sample event.
//
// # The wire gate
//
// The Initialize checks read the input struct, early, for precise errors.
// Interceptors, middleware and signing run after them, so the last word is
// the wire gate's: the innermost Deserialize middleware, after every
// interceptor and every middleware the config and the client added. It
// requires every safeguard middleware to have run on the call (one removed
// by its ID is noticed), checks the request as serialized and signed with
// the same field rules, scans the method, the Host, the URL's path, query
// and opaque part, every header name and every header value (alone and
// after its name) but those the SDK computes (held to the shapes the SDK
// gives them) and the session token, refuses trailers, and requires every KMS key, S3 location, role and dataset
// in it to be the ones the posture checks verified (and the configured key
// at every key place). Then it sends the request itself, through the HTTP
// client the guard hardened when the client was built, and hands it to
// nothing else: a hook that adds an e-mail tag or removes the injected key
// after the guard's checks makes the call fail (with the field's own rule,
// [RuleKMSKeyMissing] or [RuleRequestChanged]), and a per-call HTTPClient is
// never given a request. Middleware a caller adds per call after the gate,
// in the Deserialize step, does not run. The client's own HTTPClient is one
// that refuses, and audits, any request that did not pass the gate
// ([RuleBypassed]).
//
// The guard's own KMS, S3, STS and Personalize clients get the same transport
// rules, but not the caller's interceptors or APIOptions: its calls carry
// only what it wrote, and every value it sends has passed its checks.
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
// policies (a key grant through the account is reported as Low), the data
// inside objects beyond the import scan's sample, or what AWS does after it
// accepts a request. It does not
// pin endpoints: an https BaseEndpoint set per call receives the checked,
// signed request; one with a path is refused, since the wire gate holds each
// request's path to its operation's. Code in the same process that both removes the guard's
// middleware and replaces the HTTP client in one call — or that swaps the
// hardened transport's internals — is hostile code, outside any library's
// reach. A custom HTTP client the
// guard cannot inspect ([Policy.InsecureAllowUnverifiableHTTPClient]) has
// its TLS version checked only on the response, after the request went
// out. Report-only mode ([Policy.InsecureReportOnly]) logs instead of
// refusing, except for the transport rules, a body the gate cannot read, and
// a key, S3 location, role or dataset a hook changed after the checks, or a
// key or role it removed.
package personalize
