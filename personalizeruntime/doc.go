// Package personalizeruntime guards the Amazon Personalize Runtime client
// (GetRecommendations, GetPersonalizedRanking, GetActionRecommendations),
// which a service calls on every page view. [New] returns the SDK's own
// *personalizeruntime.Client with the guard installed:
//
//	client, err := personalizeruntime.New(cfg, personalizeruntime.Policy{Pseudonymizer: p})
//	out, err := client.GetRecommendations(ctx, &awspersonalizeruntime.GetRecommendationsInput{
//		CampaignArn: &campaign, UserId: &customerEmail, // sent as its pseudonym
//	})
//
// # Safeguards
//
//   - Transport: https only, TLS 1.2 or later negotiated (the HTTP client is
//     hardened when the client is built; an endpoint that offers less is
//     refused before a request byte is sent), no ClientLogMode body or
//     header dumps — the same rules, from the same code, as package
//     personalize.
//   - Identifiers: with a Policy.Pseudonymizer, userId is replaced by its
//     keyed pseudonym before the request is serialized, on a copy of the
//     input; without one, a userId in which the detector finds an e-mail
//     address, phone, card or account number (or any other identifying
//     value) is refused.
//   - Every other string, checked on the request as serialized and signed:
//     itemId and inputList items are catalogue IDs (length, no control
//     characters, scanned; never rewritten); context and filterValues keys
//     hold to the model's pattern and their values are scanned, alone and
//     after their key (a key such as "SSN" makes nine digits an SSN); ARNs must be
//     well-formed Personalize ARNs, their resource part scanned; promotion
//     names hold to the model's name pattern. A member the guard's table
//     does not describe is refused.
//   - The wire gate, innermost, sends the checked body itself through the
//     hardened client: nothing runs between the check and the send, and a
//     request that did not pass the guard's middleware is refused, as is one
//     whose method or path is not its operation's (AWS runs the operation
//     the path names), or whose Host header names another host than its URL.
//   - Identity: the client does not run with the AWS account's root user's
//     credentials (STS GetCallerIdentity, once per access key ID; a check
//     that cannot run refuses). Opt-out: Policy.InsecureAllowRootCredentials.
//   - One audit event per call through Policy.Logger (slog.Default() when
//     nil), never with a value; its message, attribute keys and outcomes
//     are personalize's AuditMessage, AuditKey… and Outcome… constants,
//     and its actions include pseudonym.user-id and pseudonym.session-id.
//
// A refusal is a [*SafeguardError] (the same type as
// personalize.SafeguardError) naming the operation, the field path and the
// rule, never the value.
package personalizeruntime
