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
// kind on several hundred labelled lines of both, many of them public test
// fixtures (payment providers' test cards, IBAN registry examples,
// phone-number library and PII-recogniser test suites), and a test holds the
// rate at which hashed numeric IDs are flagged under one in a thousand.
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
// allocate on ASCII text without percent-encoded or control bytes; [Detector.Redact] replaces each finding with "[REDACTED:<kind>]".
// [Detector.AppendFind] appends the findings to a list the caller reuses, as
// strconv's Append functions do: a scanner that reads many texts (the cells
// of a dataset, the records of an event stream) allocates nothing once its
// list has room, where Find allocates a list per text.
// [Detector.IsKeyword] tells a reader that scans names and values apart (JSON
// members, tags, headers, a CSV's columns) which names make a value
// identifying that is not alone ({"acct": "912803456"}), so that it scans
// such a value again after its name, and only those.
//
// # Kinds
//
// [CreditCard] ("credit-card"): 14–19 digits whose Luhn checksum holds and
// whose first six digits fall in an issuer range of a network that issues
// cards of that length: Visa, Mastercard, American Express, Discover, JCB,
// Diners Club, UnionPay, Maestro, Mir, RuPay, Elo, Dankort, Verve, Troy,
// UkrCard, BORICA, Uzcard, Humo, China T-Union and the retired Switch, Solo
// and Laser ranges. The digits may be plain, glued to a word
// ("cust4111111111111111"), in groups of four (or Amex's 4-6-5 and Diners'
// 4-6-4) separated by runs of up to three separators — space, tab, - _ / :
// + . mixed at will — or by a lone '=', alone or among those
// ("4539=7036=9258=1474", as a tag's value allows, "4539=7036-9258=1474";
// " = " joins a name to its value, not a card's
// groups, and a chain right after a name and '=' is a config line's values
// unless a card keyword names it: "x=6750=6618=1975=5701" is none,
// "cc=4539=7036=9258=1474" a card; a blank between two '='-joined pairs
// separates pairs: "3569=0310 8420=2086" is none), or a JSON number whose value is the card
// ("4.111111111111111e15", "4111111111111111.0"). A plain run of 17–19
// digits is a card only after a card keyword (card, visa, credit, debit,
// unionpay, maestro, pan, cc): signed 64-bit hashed IDs, the USER_ID and
// ITEM_ID of many datasets, have 18–19 digits, and about one in a hundred
// would otherwise pass. The same keyword admits 13-digit Visa and UATP
// (1…, 15 digits), which bare collide with barcodes and timestamps. A
// number after a sign ("-3953814578718096702"), inside a decimal, glued to
// a hexadecimal word (a digest), or continuing a grouped sequence whose
// previous group holds a digit ("RS35 2600 0560 …") is not a card.
//
// [SSN] ("ssn"): three, two and four digits separated by runs of up to three
// separators, mixed or not ("123-45-6789", "123 / 45 / 6789", "123.45.6789"),
// or nine plain digits after an SSN keyword ("SSN: 123456789", "ssn is
// 123456789", "social security number 123456789"), a taxpayer ID's ("TIN
// 123456789", "tax id 123456789", "TAX_ID = 123456789"; "tax" alone is no
// keyword: it is as often an amount). Area 000, 666 and 900–999, group 00
// and serial 0000 are rejected.
//
// [IBAN] ("iban"): a country code from the SWIFT IBAN registry, two check
// digits and the BBAN, compact or grouped in any way (runs of up to three
// separators between groups, so the national groupings banks print —
// "ES10 0075 0080 11 0600658108", "NO 19 4920 06 96270" — and dashed or
// dotted forms count; a country code set apart from its check digits is in
// capitals), letters all upper or all lower case. The length and
// the BBAN structure (digits, letters and alphanumerics, per the registry)
// must be the country's, and the ISO 7064 mod 97-10 check must hold.
//
// [Email] ("email"): a local part of A-Z a-z 0-9 . _ % + - and non-ASCII
// letters (RFC 6531), up to 64 bytes, '@', and a domain of at least two
// labels, which may be internationalised in either form ("bücher.de",
// "xn--bcher-kva.de"), ending in a known top-level domain: every country
// code, the generic TLDs that carry most mail, and internationalised TLDs
// ("рф", "xn--p1ai"). The list keeps asset names ("icon@2x.png") and
// package versions ("pkg@1.2.3") out. A domain may end at a hyphen inside a
// label, because names join fields with '-' ("jane@example.com-2024-11-28").
//
// [Phone] ("phone"): international numbers written with '+', an assigned ITU
// calling code and 9–15 digits in all (E.164; at least 10 when written
// without separators, and exactly 11 for +1 and +7), with groups separated
// by runs of up to three of space, tab, - _ / : . and parentheses
// ("+44 20 7946 0958", "+1 (212) 555-0187", "+49 30/901820"); and North
// American numbers "(212) 555-0187", "212-555-0187", "212.555.0187",
// "1-800-555-0199", whose area code and exchange follow NANP rules (2–9
// first, no N11) and whose separators are not blanks alone, unless a phone
// keyword (phone, tel, call, mobile, cell, fax) stands right before them
// ("call 212 555 0187"), which also makes ten bare digits, or eleven from a
// 1, a phone ("phone 2125550187", "MOBILE = 14155550132"); "+1" numbers
// whose last seven digits are keypad capitals ("+1 650 GOO OGLE",
// "+1-800-FLOWERS"); and national numbers with a trunk prefix, '0' and a
// non-zero digit, grouped by single spaces, 10–11 digits in all
// ("020 7946 0958", "(020) 7031 3000", "01632 960 123"). Bare digit runs,
// dates, times, zone offsets ("+05:30") and exponents ("1e+10") are not
// phones.
//
// [AWSAccessKey] ("aws-access-key"): AKIA, ASIA, ABIA or ACCA followed by 16
// characters of [A-Z2-7] with at least six distinct ones (placeholders such
// as "AKIAXXXXXXXXXXXXXXXX" have one), not glued to an upper-case letter or
// digit; a lower-case word may be glued to it ("userAKIA…"). Unique IDs of
// users and roles (AIDA…, AROA…) are not keys and are not reported.
//
// [AWSSecretKey] ("aws-secret-key"): exactly 40 characters of standard
// base64 with no base64 neighbour and no '=' padding after, mixing upper
// case, lower case and a digit or '/' '+', with Shannon entropy of at least
// 4.3 bits per character, and, within 64 bytes before it on the same line,
// the keyword "secret" in any case (aws_secret_access_key, SecretAccessKey,
// client_secret, …) or an access key ID it is paired with.
//
// [AccountNumber] ("account-number"): 6–17 digits — plain, in short groups
// joined by dashes ("1234-5678-9012") or by single spaces, each of three
// to five digits ("912 803 456"; not a date, "2024 11 30"), or
// a JSON number whose value they
// are, after a separator — introduced by an account keyword (account, accounts, acct, accts,
// or acc as a word of its own and not after a digit, in any case), optionally followed by number,
// num, nbr, no, nr or id, by up to four separators (space, - _ . : = # /
// and quotes) and by a linking word (is, was, are, of, equals): "acct-12345678",
// "AccountNumber=12345678", "account number is 912803456", "acct #:
// 912803456". The keyword may be qualified by '@' and a word, as a tag's
// key is ("acct@bank = 912803456", "acct@bank=912803456"; after a single
// gap byte only a plain run of 6–17 digits is read).
// The finding is the digits; the keyword stays. A 12-digit AWS
// account ID in an ARN is not an account number, but one written after an
// account keyword is.
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
// redaction keeps the URL's shape. The parameters of presigned S3 and GCS
// URLs (X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token,
// X-Goog-Signature, X-Goog-Credential) are distinctive enough to be read in
// a query string whose scheme was lost ("bucket.s3.amazonaws.com/key?X-Amz-
// Signature=…").
//
// # Evasion: Unicode and percent-encoding
//
// Every kind reads the input through one normalisation: decimal digits of
// any script (Unicode Nd: full-width, Arabic-Indic, Devanagari, …) are
// digits, and so are the thirty other numeric characters whose
// compatibility form (NFKC) is one digit: superscripts, subscripts and the
// circled digits ⓪ to ⑨; no-break, thin, ideographic and other spaces (Zs) are spaces;
// zero-width spaces and joiners, soft hyphens, bidi marks and other format
// characters (Cf) are removed, and so are the C0 controls other than tab,
// line feed, vertical tab, form feed and carriage return (NUL, ESC, …),
// DEL and the C1 controls (U+0080–U+009F) other than NEL, a line break, which
// readers that drop them would join across ("jane.doe\x00@example.com" is
// an address, "4111\x001111\x001111\x001111" a card, each finding
// spanning its NULs); full-width ASCII ("＠", "．", "Ａ"), small
// and ideographic '@' and '.', and Unicode hyphens, dashes and minus signs
// are their ASCII selves; and percent-escapes of letters, digits and
// "@.-+_ " ("%40", "%2E", "%34") are decoded. Findings still carry offsets
// into the caller's text. Input that holds none of these — checked eight
// bytes at a time — is read in place without allocating; other input costs
// one copy of itself and an offset map.
//
// # Limits
//
// Each of the following is a deliberate choice, made because the form
// collides with values that Personalize names and datasets hold in bulk:
//
//   - Cards: 12-digit numbers (short Maestro) are not cards: they are AWS
//     account IDs. 13-digit Visa needs a card keyword before it: bare, 13
//     digits are as often an EAN-13 product barcode (a recommender's item
//     IDs), one in ten of which passes Luhn; UATP (1…, 15 digits) needs one
//     too, because Unix timestamps start with 1. A plain 17–19-digit run
//     needs a card keyword (see above). A card glued to a hexadecimal word
//     is taken for part of a digest, and a grouped card
//     right after a four-character group that holds a digit ("2024 4111
//     1111 1111 1111") for the inside of a longer grouped number. A
//     control read through (NUL, DEL, …) must break a card's digits where
//     its groups break, or after every digit (UTF-16 text read as bytes),
//     or follow a card keyword: "4111111\x00111111111"
//     alone is not found, since two IDs a NUL or SOH joins are one such
//     number as often (1.5–4.3% of generated pairs passed before).
//   - SSNs: nine bare digits without a keyword are not an SSN (they are as
//     often an ID); an ITIN (area 9xx) is not an SSN, after "ITIN" either;
//     the SSA's randomised assignment means a valid-looking number may
//     never have been issued.
//   - IBANs: national check digits inside the BBAN (Belgium's mod 97,
//     France's RIB key, Spain's control digits, …) are not verified, so
//     about one random string of the right country structure in 97 passes.
//   - E-mail: quoted or exotic local parts (o'brien@…) are found only from
//     the last plain character; rare new gTLDs are not recognised; since
//     '-' and '_' are valid in local parts, a name prefix glued to an
//     address ("recs-jane@example.com") is reported as part of it.
//     Confusable letters ("exаmple.com" with a Cyrillic а) are read as the
//     letters they are: such an address is a different address.
//   - Phones: "212 555 0187" (blanks only, no trunk prefix) is found only
//     after a phone keyword: in free text it is as often three numbers, as
//     ten bare digits are an ID or a timestamp (after a keyword they are a
//     phone: "phone 2125550187", a PHONE column; outside North America only
//     grouped or '+' numbers are read). A national number outside
//     North America is found with its '+' or, grouped by spaces, its trunk
//     prefix 0; written with dashes ("012-345-6789", "09-7625400") or
//     without groups it is not, because that is the North American layout
//     (where no area code starts with 0) or a bare run. The other way, any
//     space-grouped number of 10–11 digits that starts with 0 and a non-zero
//     digit ("012 345 6789") is taken for a phone. Vanity letters are read
//     only in "+1" numbers and in capitals.
//   - Secret keys: a secret without a keyword or key ID nearby is not found
//     — 40 random base64 characters alone are too common (hashes, tokens) to
//     flag; about one random key in 2,000 fails the case-mix or entropy test.
//   - Account numbers: a keyword after the number, or more than one word
//     between them, is not read; after a qualified keyword and one gap
//     byte, digits in groups or a JSON number are not either
//     ("acct@bank=912 803 456"; after " = " and ": " they are), nor a run
//     after a qualifier that ends in a digit and ':' or '-'
//     ("acct@bank2:12345678", read as the inside of a longer number). Digits grouped by more than one space,
//     by tabs, from a first group of one or two digits ("acct 1 234 567",
//     "NO 19 4920", an IBAN's groups after the suffix "no"), or with a
//     later group of one digit or six or more ("acct 912 3456789") are
//     not read as one number. Digits after the keyword are
//     reported even when they look like a date ("accounts 2023 2024"
//     too). "acc" glued after a digit ("5acc46e6"),
//     and a decimal or exponent form glued to the keyword ("acc690e7"),
//     are not read: random hex IDs (UUIDs, X-Ray trace IDs) spell them by
//     chance, about 4 UUIDs in 100,000 before; about 3 in 1,000,000 still
//     match ("…-acc097396267").
//   - URLs: in a URL without a scheme only the presigned-URL parameters
//     above are read — "?token=…" in prose is as often not a URL; a user
//     name without a password is not a credential.
//   - Normalisation: only decimal digits (Nd) and the thirty one-digit
//     superscripts, subscripts and circled digits are digits — circled
//     numbers of two digits (⑩ to ㊿, whose NFKC form is "10" to "50"),
//     digits with a stop or in parentheses (⒈, ⑴), other numeric symbols,
//     and look-alike letters (O for 0, l for 1) are not; percent-escapes are decoded once ("%2540" stays
//     "%40"), and escapes of delimiters ("%2F", "%26", "%3D") are kept so a
//     URL keeps its structure. Tabs and line breaks (and vertical tabs and
//     form feeds) split values as they lay text out, so
//     "4111\n1111\n1111\n1111" is no card, nor is one split by NEL
//     (U+0085). Input over 2 GiB is read without normalisation.
//
// # Options
//
// [Default] detects every built-in kind. [New] builds a detector from
// functions that set [Options], as the AWS SDK's clients take theirs: Kinds
// (a subset of the built-in kinds), Rules (a caller's [Rule]: a kind name, a
// regular expression and an optional validator) and AllowList (exact values
// an organisation has reviewed, dropped whatever kind reports them). Invalid
// options make New fail with an [*ArgumentError] that never repeats a value. A Detector is immutable and
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
// Built-in kinds do not use regular expressions, and the scan is linear by
// construction: each kind looks for a cheap anchor — a digit run, '@',
// "://", an upper-case 'A', a 40-byte base64 window — and validates around
// it within a bounded window (at most 19 card digits in five groups, 15
// phone digits in nine, 34 IBAN characters, 64 bytes of local part, 253 of
// domain, 64 of keyword look-back), rejecting the inside of a longer number
// before walking it, so no byte is examined more than a constant number of
// times. Numeric kinds share one walk over the digit runs; short inputs are
// first checked for which anchors they contain at all, and a text of at
// most 39 bytes, with no caller rule, is first read once for a proof that
// no kind can start in it (no '@', ':' or '=', no byte normalising could
// change, no 'A' that an access key ID could start at, and no digit run
// that passes the numeric kinds' gate tables): the guards ask about one
// new short name or tag a call, and this answer costs a few cache lines
// instead of the scanner's setup. Whatever it cannot prove goes to the full
// scan. TestShortCleanMatchesFull and FuzzShortPathMatchesFull hold it to
// the full scan, and CI builds the tests with -tags sensitive_shortcheck,
// which scans in full every text it calls clean. FuzzLinearTime fails
// when time per byte grows with the input, and BenchmarkPathological and
// BenchmarkAdversarial10MiB measure the inputs built to defeat this (runs of
// '@', '.', digits and separators, e-mail-like text, escapes, Unicode
// digits).
//
// Clean text scans with no allocation. On number-dense text the digit runs
// are read from a mask of 64 bytes at a time, and table lookups on each
// run's length, first digit and the bytes either side of it rule out every
// kind at most runs before any kind's own test; the lookups also ask two of
// the kinds' first questions (the two bytes before a run that an account
// keyword would end with, and whether a group of four continues a grouped
// sequence), so such runs never reach a parser. Text dense with findings
// keeps the kinds in the order of their next candidates, and the numeric
// kinds share their walks: a walk reads each digit run for every kind that
// has read up to it, queues up to sixteen matches a kind, and stops as soon
// as no kind reads on, recording how far the waiting kinds have read. The
// first walk stops only where every kind has its match, so it reads on to
// the end for a kind that has none; when only IBANs and account numbers
// are left, whose values follow a letter, it reads only the runs with a
// letter a few bytes before them. On mixed-findings each digit run is
// visited 1.07 times, counted with callgrind, and parsed at most once by
// each kind. Inside a phone number a walk has found, the
// runs of its groups are not parsed again as phones, an international
// number's groups are read in one pass, each group's end and digits from
// one word, and the walks ask the parsers' cheapest questions first (an SSN's second group has two digits,
// a North American exchange three) so that groups that fail them cost no
// parser call. Validation is arithmetic on the bytes where they stand: Luhn
// summed eight bytes at a time for both parities at once, the issuer
// prefix and eight IBAN digits read by one multiplication chain each, the
// mod-97 remainder every 15 digits, entropy summed per byte. Findings
// served from the queues go to AppendFind's list without the general
// merge's call, and the usual request, for the next match of the kind just
// reported, queued, without the order's general loop. Every replaced function is held to the code it replaced by
// a differential test and a fuzz target in its _test.go file.
//
// The README's Cost table gives the figures (clean prose in GB per
// CPU-second, every pathological input linear), and docs/cost.md when and
// how each was measured.
//
// Any byte string is accepted: invalid UTF-8 is simply not part of any
// value, and NULs and the other controls normalisation removes are read
// through, so a NUL inside a value does not hide it (inside a card's digits,
// only where its groups break, after every digit, or after a card keyword:
// see Limits); a
// control before or after a value stays outside its finding. Offsets are byte offsets.
// Caller rules run their regular expressions with Go's linear-time
// [regexp] engine, on the caller's text as given.
package sensitive
