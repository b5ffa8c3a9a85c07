// Package personalizeevents guards the Amazon Personalize Events client
// (PutEvents, PutUsers, PutItems, PutActions, PutActionInteractions), which
// a service calls on every interaction. [New] returns the SDK's own
// *personalizeevents.Client with the guard installed:
//
//	client, err := personalizeevents.New(cfg, personalizeevents.Policy{Pseudonymizer: p})
//	_, err = client.PutEvents(ctx, &awspersonalizeevents.PutEventsInput{
//		TrackingId: &trackingID, UserId: &customerEmail, SessionId: &session, // both sent as pseudonyms
//		EventList:  events,
//	})
//
// Give the personalizeruntime client the same Policy, and one customer has
// one pseudonym in events and in recommendation requests.
//
// # Safeguards
//
//   - Transport: https only, TLS 1.2 or later negotiated, no ClientLogMode
//     body or header dumps — the same rules, from the same code, as
//     package personalize.
//   - Identifiers: with a Policy.Pseudonymizer, userId and sessionId
//     (PutEvents, PutActionInteractions) and users[].userId (PutUsers) are
//     replaced by their keyed pseudonyms before the request is serialized,
//     on a copy of the input; without one, an identifier in which the
//     detector finds an e-mail address, phone, card or account number is
//     refused.
//   - properties (events, items, users, actions, action interactions): one
//     JSON object with unique names, every name and value scanned, each
//     value also after its name ("acct": a name is often the keyword that
//     makes a number an account number or an SSN), except the string
//     values of the properties Policy.InsecurePublicProperties names in items and
//     actions (the catalogue; users' and events' properties are always
//     scanned).
//   - itemId, actionId and impressions are catalogue IDs: length, no
//     control characters, scanned, never rewritten; trackingId and
//     recommendationId must look like IDs the service issued; dataset ARNs
//     must be well-formed Personalize ARNs.
//   - The wire gate, innermost, checks every string of the request as
//     serialized and signed and sends that body itself through the
//     hardened client; a member the guard's table does not describe is
//     refused, as is a request whose method or path is not its operation's
//     (AWS runs the operation the path names), or whose Host header names
//     another host than its URL.
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
package personalizeevents
