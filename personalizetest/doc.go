// Package personalizetest runs Amazon Personalize (the control plane and
// both data-plane APIs: events and runtime), AWS KMS, AWS STS
// (GetCallerIdentity), Amazon S3, and the reads of an account audit in AWS
// IAM, AWS CloudTrail and Amazon Macie in-process, behind one HTTPS endpoint
// on 127.0.0.1, so that tests and examples exercise the real aws-sdk-go-v2
// clients, serializers and TLS without an AWS account or a network.
//
// # Starting a server
//
// In tests, [New] starts a [Server] and closes it when the test ends. The
// AWS SDK's Personalize package is imported as awspersonalize, as everywhere
// in this module's documentation, beside the guard's own personalize
// package:
//
//	import (
//		awspersonalize "github.com/aws/aws-sdk-go-v2/service/personalize"
//
//		"github.com/personalizeguard/personalizeguard/personalize"
//		"github.com/personalizeguard/personalizeguard/personalizetest"
//	)
//
//	s := personalizetest.New(t)
//	bare := awspersonalize.NewFromConfig(s.Config())
//	guarded, err := personalize.New(s.Config(), personalize.Policy{...})
//
// Options are set the SDK's way, by functions:
//
//	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
//
// Programs use [Start] and [Server.Close]. [Server.Config] returns an
// aws.Config with the Region, static test credentials, the endpoint and an
// HTTP client that trusts the server's own certificate authority; S3 clients
// built from it use path-style addressing on their own.
//
// The endpoint routes each request by its X-Amz-Target header:
// "AmazonPersonalize.*" to the Personalize emulator, "TrentService.*" to KMS
// (an in-memory emulator with key states, policies, aliases, grants and
// AES-256-GCM envelopes), "CloudTrail_20131101.*" to CloudTrail. Requests
// without one go by the service of their SigV4 credential scope: "sts" to
// STS, "iam" to IAM, "macie2" to Macie, "personalize" to the events and
// runtime APIs, routed by method and path (POST /events, POST
// /recommendations, ...); anything else goes to S3 (gofakes3 behind a
// front handler that stores bucket encryption, policies, public access
// blocks, ownership controls and object encryption as AWS does). S3 is
// addressed path-style on the same endpoint, so the scope, not the path,
// keeps a bucket named "events" in S3.
//
// # Personalize
//
// The Personalize emulator serves all 71 control-plane operations. It
// validates every request from the official service model (lengths,
// patterns, enums, ranges, required members, nested configurations, list
// elements, map keys and values), then as AWS does beyond the model (RoleArn
// only with KmsKeyArn, KMS keys that exist and are enabled in the local KMS,
// S3 buckets that exist in the local S3), and answers only the error types
// each operation declares, so the SDK types them. Resources move from CREATE PENDING through CREATE IN_PROGRESS to
// ACTIVE over [Options].StatusSteps Describe calls. Import jobs read their CSV
// from the local S3 and fail when it is missing or empty; export jobs write
// a CSV (see [ExportObjectKey]); batch inference jobs write results (see
// [BatchOutputKey]).
//
// # Events and recommendations
//
// The data plane is served through the same endpoint, so the SDK's
// personalizeevents and personalizeruntime clients built from
// [Server.Config] work unchanged. Requests are validated from the two APIs'
// models (lengths, patterns, list sizes, required members) and answered
// with the errors each operation declares, typed by the SDK:
// InvalidInputException (400), ResourceNotFoundException (404),
// ResourceInUseException (409). Beyond the models: a trackingId must name an
// ACTIVE event tracker whose group has an interactions dataset; PutItems,
// PutUsers and PutActions need an ACTIVE dataset of that type, and their
// properties must be a JSON object of the schema's fields in camel case;
// GetRecommendations takes exactly one of an ACTIVE campaign or recommender,
// and a filterArn must name an ACTIVE filter of the same dataset group.
//
// PutEvents (PutActionInteractions) appends to the group's interactions
// (action interactions) dataset; PutItems, PutUsers and PutActions replace
// the record with the same ID. Recommendations come from a deterministic
// model built when a solution version or recommender becomes ACTIVE, from
// the group's imported interactions (only the solution's eventType, if it
// has one), and updated by every later PutEvents (PutActionInteractions):
//
//   - popularity: the number of interactions with each item;
//   - co-occurrence: for two items, the number of users who interacted with
//     both.
//
// By the recipe's type: USER_PERSONALIZATION ranks by the summed
// co-occurrence with the user's items, then popularity, then item ID;
// RELATED_ITEMS by co-occurrence with the given itemId; POPULAR_ITEMS by
// popularity. Items the user already interacted with are left out, numResults
// defaults to 25 (at most 500; GetActionRecommendations 5 and 100), and
// scores are each item's share of the ranking value, summing to 1.
// GetPersonalizedRanking (PERSONALIZED_RANKING recipes) reorders the
// inputList the same way and appends untrained items in input order.
// GetActionRecommendations does the same over action interactions for
// PERSONALIZED_ACTIONS recipes. The supported filters are one condition:
//
//	INCLUDE|EXCLUDE ItemID WHERE Items.<FIELD> IN|NOT IN|= ($PARAM or "literal", ...)
//	INCLUDE|EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN|= ($PARAM or "literal", ...)
//
// (ActionID, Actions and Action_Interactions for GetActionRecommendations),
// with filterValues such as {"PARAM": `"comedy","drama"`} and multi-valued
// fields split at "|"; any other expression is refused with an
// InvalidInputException that says the emulator cannot evaluate it, never
// passed unfiltered.
//
// # Who is calling
//
// STS answers GetCallerIdentity (the query protocol: a form-encoded POST,
// an XML answer) for the access key ID in the request's credential scope.
// [Server.Config]'s credentials ([AccessKeyID]) are the IAM user [UserARN];
// [Server.ConfigAs] calls with other credentials: [RootAccessKeyID] as the
// account's root user ([RootARN]), [AssumedRoleAccessKeyID] as a role
// session ([AssumedRoleARN]). Any other access key ID is refused with
// InvalidClientTokenId (HTTP 403), as AWS refuses a key it does not know.
// A test of a check that refuses root credentials needs nothing else:
//
//	cfg := s.ConfigAs(personalizetest.RootAccessKeyID)
//	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, nil) // *out.Arn == personalizetest.RootARN
//
// # The account around Personalize
//
// IAM, CloudTrail and Macie serve what an account audit reads, in each
// service's own protocol as the pinned SDK modules write and read it, with
// their real error codes (NoSuchEntity, TrailNotFoundException,
// ResourceNotFoundException, ...):
//
//   - IAM (query protocol, XML): GetAccountSummary, GetRole,
//     ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies, GetPolicy
//     and GetPolicyVersion, paginated with Marker, IsTruncated and
//     MaxItems. Policy documents are answered percent-encoded (RFC 3986),
//     as IAM answers them; url.PathUnescape reads them (url.QueryUnescape
//     would turn a '+' into a space).
//   - CloudTrail (JSON 1.1): DescribeTrails (with shadow trails),
//     GetTrailStatus (IsLogging, and LatestDeliveryError from
//     [Trail].DeliveryError) and GetEventSelectors.
//   - Macie (REST-JSON): GetMacieSession, GetAutomatedDiscoveryConfiguration,
//     GetClassificationScope, ListClassificationJobs (paginated with
//     nextToken) and DescribeClassificationJob. While Macie is not enabled, every operation
//     answers AccessDeniedException with HTTP 401 and "Macie is not
//     enabled.", as real Macie does.
//
// [Server.SeedAccount] builds a good account around a [Scene]: its role in
// IAM with a confused-deputy-safe trust policy and a least-privilege inline
// policy, root MFA, a multi-Region, validated, logging trail into an
// encrypted, TLS-only, private bucket, and Macie with a classification job
// on the scene's bucket. [Server.PutRole], [Server.SetRootMFA],
// [Server.PutTrail], [Server.DeleteTrails] and [Server.SetMacie] then break
// one thing at a time. [AccountOptions] adds dataset groups and import jobs
// in bulk, for benchmarks.
//
// # Proving what reached "AWS"
//
// Every request is recorded before any emulator sees it: [Server.Requests]
// returns them with service, operation, body and negotiated TLS version, and
// [Server.Seen] tells whether a value occurs in any of them, read as a
// server reads it: escaped or not, inside JSON held in a JSON string, or as a
// number written another way ([Request.Contains] lists what is looked at). A
// test of a client-side safeguard asserts that a rejected value was never
// Seen.
//
// # Failing on purpose
//
// [Server.Deny] answers an operation with AWS's access-denied error, as
// each service answers it (name the data plane's with [ServiceEvents] and
// [ServiceRuntime], STS's with [ServiceSTS], and [ServiceIAM],
// [ServiceCloudTrail], [ServiceMacie]), to test
// that checks which cannot run fail closed. [Options].MinTLSVersion and MaxTLSVersion build an
// endpoint that offers only old TLS versions, to test that clients refuse
// it.
//
// # Seeding
//
// [Server.SeedScene] creates, through the SDK, a KMS key and an encrypted,
// TLS-only, private bucket holding an interactions CSV: the setting AWS's
// data-protection guidance asks for. [SceneOptions].Recommendations adds a
// dataset group trained on [RecommendationsCSV] with an ACTIVE campaign and
// event tracker, so a test of the data plane starts from the Scene's
// CampaignARN and TrackingID and can assert on what [SceneUserID] is
// recommended.
//
// # Fidelity
//
// Signatures are not verified; IAM serves reads only and enforces nothing
// (roles, bucket policies, key policies and grants are stored and listed,
// never evaluated for a request); IAM has no users, groups or AWS managed
// policies, CloudTrail no data events, advanced selectors or delivery, Macie
// no findings and no job filters; recommendations
// come from popularity and co-occurrence, not from Personalize's models, and
// ignore the runtime context; promotions, metadata columns and filters
// beyond the subset above are refused; the KMS emulator does no asymmetric
// or HMAC cryptography. Each Server has its own KMS keys.
package personalizetest
