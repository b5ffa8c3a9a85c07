// Package pseudonym replaces Amazon Personalize user and session IDs with
// deterministic, keyed pseudonyms, so that a customer's own identifier (an
// e-mail address, an account number) never reaches Personalize, while one
// customer still maps to one pseudonym in every event, recommendation
// request and imported dataset.
//
//	key, err := pseudonym.LoadKey(ctx, kmsClient, kmsKeyARN, 1, sealed) // at start-up; 1 is the configured key version
//	p, err := pseudonym.New(key)
//	userID, err := p.UserID("customer-0001") // "pu1_xjnm…"
//
// # Scheme
//
// A pseudonym is
//
//	mac       = HMAC-SHA-256(key, "personalizeguard-pseudonym-1" || kind || uint32be(version) || id)
//	pseudonym = "p" || kind || decimal(version) || "_" || base32lower(mac[:20])
//
// where key is 32 bytes, kind is the byte 'u' for a user ID or 's' for a
// session ID, version is the key's version (1 to 4294967295, written without
// leading zeros), id is the raw ID's bytes, and base32lower is RFC 4648
// base32 in lower case without padding. The MAC is truncated to 160 bits,
// which base32 spells in exactly 32 characters. The definition is complete:
// another implementation (a data pipeline rewriting CSV exports, say) that
// follows it produces the same pseudonyms; the package's tests check it
// against values computed outside Go.
//
// A pseudonym is 36 to 45 bytes of ASCII letters, digits and '_': it fits
// Personalize's userId and sessionId (1–256 characters) and a dataset's
// USER_ID, and needs no quoting in CSV or JSON. Its MAC uses the digits 2–7
// only, so it does not pass for a card, phone or account number: a test holds
// package sensitive's detector, which the guard applies to identifiers, to
// flagging none of 200,000 pseudonyms.
//
// The header before the ID has a fixed length, so the MAC input determines
// the kind, version and ID. In particular user IDs and session IDs are
// separate domains: the same string gives unrelated pseudonyms as a user and
// as a session, so a session ID that happens to equal a user ID does not link
// the two. The tag names the scheme, so that other uses of HMAC under the
// same key could not produce these inputs.
//
// IDs are bytes: they need not be UTF-8 and are not normalised. "Jane@x.com"
// and "jane@x.com", or "é" composed and decomposed, get different pseudonyms;
// canonicalise before calling if your IDs can vary (better, use an internal
// customer number rather than an address). An ID may have any length; the
// empty ID is refused with an [*ArgumentError], because it means "no user"
// (GetRecommendations for an item alone) and a pseudonym would turn it into
// one. Pseudonymising is not idempotent: a pseudonym passed in again gets a
// pseudonym of its own.
//
// # Keys
//
// The key never sits in code. [GenerateKey] makes one under the customer's
// KMS key with GenerateDataKey (AES_256) and returns only the encrypted form,
// a [SealedKey], to store anywhere; [LoadKey] decrypts it at start-up. Both
// bind the key to its purpose and version with an encryption context
// (personalizeguard:purpose=pseudonym-key and
// personalizeguard:pseudonym-key-version=N), so a blob whose stored version
// was altered, or a data key made for another purpose, does not decrypt, and
// a key policy can grant kms:Decrypt for pseudonym keys only:
//
//	"Condition": {"StringEquals": {"kms:EncryptionContext:personalizeguard:purpose": "pseudonym-key"}}
//
// Both take the KMS key as a key ARN and the key version from the caller's
// configuration: the key ARN, not an alias (which can be re-pointed), and
// neither from the stored blob (which an attacker with write access to the
// store could replace with one under a key they control, or with a genuine
// blob of a retired version). LoadKey refuses a blob that names another KMS
// key or another version than the configured ones before any call, and
// checks that KMS answers for the configured key. The plaintext
// KMS returns is wiped once copied, and these two calls, whose responses
// carry it, are held to the guarded clients' transport rules whatever the
// KMS client and the per-call options say: https only, TLS 1.2 or later on an
// HTTP client whose TLS settings can be enforced (*awshttp.BuildableClient
// or *http.Client over *http.Transport; any other, or one that skips
// certificate verification, is refused before any request), no wire dumps,
// and none of the caller's APIOptions or interceptors, which would see the
// response. Each call gets a hardened copy of the client's transport, so it
// opens its own connection. Every failure returns no key, with an [*ArgumentError]
// before any call or a [*KMSError] after: a service that cannot load its key
// should not start.
//
// These checks stop a blob sealed under a foreign KMS key and a rollback to a
// genuine blob of a retired version (one rotated away because it leaked,
// say): LoadKey loads the configured version only, and a retired blob whose
// stored version was edited to match fails at KMS, whose encryption context
// names the configured version. They do not stop every blob an attacker with
// write access to the store could put there: a blob made under the
// configured KMS key with this encryption context by someone who chose or saw
// the plaintext (kms:Encrypt, kms:GenerateDataKey or kms:ReEncrypt* on that
// key) decrypts like one GenerateKey made; KMS cannot tell them apart. Keep
// the store writable by the provisioning principal only, grant
// kms:ReEncrypt* on the KMS key to nobody, and deny the other two with the
// pseudonym encryption context to everyone but that principal:
//
//	"Effect": "Deny", "Principal": "*",
//	"Action": ["kms:Encrypt", "kms:GenerateDataKey"], "Resource": "*",
//	"Condition": {"StringEquals": {"kms:EncryptionContext:personalizeguard:purpose": "pseudonym-key"},
//	              "ArnNotEquals": {"aws:PrincipalArn": "<the provisioning role's ARN>"}}
//
// A key from a secret store works as well: [NewKey] takes 32 bytes and
// refuses any other length and an all-zero buffer. A [Key] never prints its
// bytes.
//
// # Rotation
//
// Every pseudonym names the version of the key that made it, and [Parse]
// reads it back. To Personalize, though, a pseudonym under a new key is a new
// user: rotating means re-pseudonymising the history (rewrite the datasets
// from the raw IDs with the new key and import them into a new dataset group),
// then switching every writer and reader to the new key, and the key version
// in their configuration, at once. Parse finds what still carries the old
// version. Rotating the KMS key itself (KMS automatic rotation) needs
// nothing: the sealed key still decrypts.
//
// # What it protects against, and what not
//
// Without the key, a pseudonym reveals nothing of the ID and cannot be
// recomputed, not even by hashing candidate e-mail addresses, as an unkeyed
// hash could be. Data that leaves for Personalize, its exports, batch outputs
// and CloudTrail records therefore no longer carries the customer's
// identifier.
//
//   - Pseudonyms are linkable by design: one customer is one pseudonym
//     everywhere, which is what lets Personalize learn. Behaviour itself can
//     identify a person; pseudonymised data is still personal data.
//   - Whoever holds the key (or the sealed key and kms:Decrypt on the KMS key)
//     can recompute the pseudonym of any candidate ID and so tell whom a
//     pseudonym stands for. Grant kms:Decrypt narrowly.
//   - One key makes one pseudonym of an ID for everyone who uses it: two
//     tenants, or two datasets whose pseudonyms must not be joined, given
//     one key share their pseudonyms. Give each its own key (GenerateKey
//     once per tenant).
//   - The key's strength is its randomness. [NewKey] refuses a key that
//     does not read as random (all zero, a pattern of few byte values, a
//     passphrase or a key left in its hex or base64 text), but it cannot
//     prove one is: make keys with [GenerateKey], or with crypto/rand.
//   - It is not encryption: nobody, the key holder included, can turn a
//     pseudonym back into the ID. Map back through your own customer table.
//   - It covers user and session IDs only; item IDs, properties and other
//     fields are the guard's scanner's business. The data-plane guards do
//     refuse a field that repeats one of the call's user IDs as given
//     (identifier.raw-elsewhere), but not another customer's ID or another
//     spelling of it.
//
// # Performance
//
// A [Pseudonymizer] is safe for concurrent use. It keeps keyed HMAC states in
// a sync.Pool, so a call costs the two or three SHA-256 blocks of the MAC and
// no key set-up: a few hundred nanoseconds, with no allocation for
// [Pseudonymizer.AppendUserID] into a buffer with room and one (the string)
// for [Pseudonymizer.UserID]. The HMAC states derived from the key stay in
// memory for the Pseudonymizer's life; Go offers no reliable way to wipe them.
package pseudonym
