// Package sensitive finds identifying values — card numbers, SSNs, IBANs,
// e-mail addresses, phone numbers, AWS keys, account numbers and credentials
// in URLs — in free-form text such as resource names, tags and filter
// expressions, so that a guard can refuse them before they reach logs and
// CloudTrail.
//
// AWS asks Amazon Personalize customers never to put such values into Name
// fields and tags. Those fields are also full of dates, timestamps, versions,
// UUIDs and ARNs, so every kind is validated the way dedicated detectors
// validate it (checksums, issuer ranges, registries, keywords), not matched
// by shape alone. The package's corpus test scores precision and recall per
// kind on several hundred labelled lines of both.
//
//	d := sensitive.Default()
//	if f, ok := d.First(name); ok {
//		return fmt.Errorf("name holds a %s at [%d,%d)", f.Kind, f.Start, f.End)
//	}
//
// # Findings
//
// A [Finding] is a [Kind] and the byte offsets [Start, End) of the value in
// the input. It never holds the value, and [Finding.String] never prints it,
// so a finding may be logged or put into an error. [Detector.Find] returns the
// findings in order of Start, without overlaps: where candidates overlap, the
// one that starts first wins; at the same start the longer one; for the same
// span the more specific kind (an access key over the URL parameter that
// holds it, a card over the account number that a keyword introduces).
//
// [Detector.First] and [Detector.Contains] stop at the first finding and do not
// allocate; [Detector.Redact] replaces each finding with "[REDACTED:<kind>]".
//
// # Kinds
//
// [CreditCard] ("credit-card"): 13–19 digits, plain or in groups of four
// separated by one kind of separator (space, '-' or '_'), or the Amex/Diners
// 4-6-5 and 4-6-4 groupings. The Luhn checksum must hold AND the number must
// start with a prefix that a network issues at that length: Visa (4; 16, 19
// digits), Mastercard (51–55, 2221–2720; 16), American Express (34, 37;
// 15), Discover (6011, 644–649, 65, 622126–622925; 16–19), JCB (3528–3589;
// 16–19), Diners Club (300–305, 3095, 36, 38, 39; 14–19), UnionPay (62;
// 16–19) and Maestro (5018, 5020, 5038, 5893, 6304, 6759, 6761–6763; 16–19).
// Unix timestamps in s, ms, µs or ns start with 1 and compact dates with 19
// or 20, which no network issues, so a timestamp that passes Luhn by chance
// is still clean. Limits: legacy 13-digit Visa and short Maestro numbers are
// not found, because at 13 digits they collide with EAN-13 product barcodes
// (a recommender's item IDs), one in ten of which passes Luhn; cards grouped
// with dots or in irregular groups are not found; Mir, RuPay, UATP and other
// networks are not recognised.
//
// [SSN] ("ssn"): "ddd-dd-dddd" or "ddd dd dddd" with one delimiter, or nine
// plain digits right after an "ssn" keyword ("ssn-123456789", "SSN:
// 123456789"). Area 000, 666 and 900–999, group 00 and serial 0000 are
// rejected, as are mixed delimiters. Limits: nine bare digits without the
// keyword are not an SSN (they are as often an ID), and the SSA's
// randomised assignment means a valid-looking number may never have been
// issued.
//
// [IBAN] ("iban"): a country code from the SWIFT IBAN registry, two check
// digits and the BBAN, compact or in space-separated groups of four, in
// either case. The length must be the country's and the ISO 7064 mod 97-10
// check must hold. Limits: the BBAN's national structure is not checked, so
// about one in 97 random strings of the right shape and length would pass;
// IBANs grouped with '-' are not found.
//
// [Email] ("email"): a local part of A-Z a-z 0-9 . _ % + - (1–64 bytes, no
// leading, trailing or double dot), '@', and a domain of at least two labels
// ending in a known top-level domain: every country code and the generic
// TLDs that carry most mail. The list keeps asset names ("icon@2x.png") and
// package versions ("pkg@1.2.3") out. A domain may end at a hyphen inside a
// label, because names join fields with '-' ("jane@example.com-2024-11-28").
// Limits: quoted or exotic local parts (o'brien@…) are found only from the
// last plain character; rare new gTLDs are not recognised; since '-' and
// '_' are valid in local parts, a name prefix glued to an address
// ("recs-jane@example.com") is reported as part of it.
//
// [Phone] ("phone"): international numbers written with '+', an assigned ITU
// calling code and 9–15 digits in all (E.164; at least 10 when written
// without separators, and exactly 11 for +1 and +7), optionally grouped by
// spaces, '-', '.' and parentheses ("+44 20 7946 0958", "+1 (212) 555-0187",
// "+4915112345678"); and North
// American numbers "(212) 555-0187", "212-555-0187", "212.555.0187",
// "1-800-555-0199", whose area code and exchange follow NANP rules (2–9
// first, no N11). Bare digit runs, dates, times, zone offsets ("+05:30") and
// exponents ("1e+10") are not phones. Limits: national numbers outside North
// America are found only with their '+' prefix, and "212 555 0187" (spaces
// only) is not found, because in free text it is as often three numbers.
//
// [AWSAccessKey] ("aws-access-key"): AKIA, ASIA, ABIA or ACCA followed by 16
// characters of [A-Z2-7], not glued to other letters or digits. Unique IDs
// of users and roles (AIDA…, AROA…) are not keys and are not reported.
//
// [AWSSecretKey] ("aws-secret-key"): exactly 40 characters of standard
// base64 with no base64 neighbour and no '=' padding after, mixing upper
// case, lower case and a digit or '/' '+', with Shannon entropy of at least
// 4.3 bits per character, and, within 64 bytes before it on the same line,
// the keyword "secret" in any case (aws_secret_access_key, SecretAccessKey,
// client_secret, …) or an access key ID it is paired with. Limits: a secret
// without a keyword or key ID nearby is not found — 40 random base64
// characters alone are too common (hashes, tokens) to flag; about one random
// key in 2,000 fails the case-mix or entropy test and is missed.
//
// [AccountNumber] ("account-number"): 6–17 digits introduced by an account
// keyword — account, accounts, acct, accts, or acc as a word of its own — in
// any case, optionally followed by number, num, nbr, no, nr or id (glued or
// separate) and up to four separators (space, - _ . : = # / and quotes):
// "acct-12345678", "account_no_00123456", "bank-account-987654321",
// "customer account 12345678", "AccountNumber=12345678". The finding is the
// digits; the keyword stays. A 12-digit AWS account ID in an ARN is not an
// account number, but one written after an account keyword is. Limits: a
// keyword after the number, or account numbers grouped with separators
// ("1234-5678-9012"), are not found; digits after the keyword are reported
// even when they look like a date.
//
// [URLCredentials] ("url-credentials"): in a URL that starts with a scheme
// and "://", a userinfo that carries a password ("https://user:pass@host",
// "s3://AKIA…:secret@bucket", also when the raw secret contains '/'), or the
// value of a query or fragment parameter that carries signing material or a
// credential: X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token,
// Signature and AWSAccessKeyId (SigV2), sig, token, access_token, id_token,
// refresh_token, X-Goog-Signature, X-Goog-Credential, password, passwd,
// api_key, apikey. Names compare without case and must match whole
// ("NextToken" is not "token"); the finding is the userinfo or the value, so
// redaction keeps the URL's shape. Limits: URLs without a scheme
// ("bucket.s3.amazonaws.com/key?…") and URLs percent-encoded inside another
// URL are not parsed; a user name without a password is not a credential.
//
// # Options
//
// [Default] detects every built-in kind. [New] builds a detector with
// [WithKinds] (a subset of the built-in kinds), [WithRule] (a caller's
// [Rule]: a kind name, a regular expression and an optional validator) and
// [WithAllowList] (exact values an organisation has reviewed, dropped
// whatever kind reports them). Invalid options make New fail with an
// [*OptionError] that never repeats a value. A Detector is immutable and
// safe for concurrent use.
//
// # Redaction
//
// [Detector.Redact] replaces every finding with "[REDACTED:<kind>]" and
// returns its input unchanged, without allocating, when there is none.
// Because redaction changes what surrounds the remaining text (a number that
// continued another one now stands next to a bracket), the output is scanned
// again and redacted until it has no finding. Built-in kinds never match a
// marker: brackets end URLs and keyword look-backs. A caller rule that
// matches its own marker makes Redact fail closed with "[REDACTED]".
//
// # Performance and bad input
//
// Built-in kinds do not use regular expressions. Each kind looks for a cheap
// anchor — a digit run, '@', "://", an upper-case 'A', a 40-byte base64 window —
// and validates the few candidates around it; numeric kinds share one walk
// over the digit runs, and short inputs are first checked for which anchors
// they contain at all. Every byte is examined a bounded number of times, so
// time is linear in the input (see BenchmarkPathological), on clean input at
// several hundred MB/s with no allocation. Any byte string is accepted:
// invalid UTF-8, NUL bytes and non-ASCII bytes are simply not part of any
// value. Offsets are byte offsets. Caller rules run their regular
// expressions with Go's linear-time [regexp] engine.
package sensitive
