package s3guard

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// MaxLocationLength is the longest S3 path Personalize accepts (the service
// model's limit for DataLocation and S3DataConfig.Path).
const MaxLocationLength = 256

// Rules that [ParseLocation] reports in [LocationError.Rule]. They are
// stable: callers and allow-lists may key on them.
const (
	RuleLocationEmpty          = "s3.location.empty"
	RuleLocationLength         = "s3.location.length"
	RuleLocationControlChar    = "s3.location.control-char"
	RuleLocationEncoding       = "s3.location.encoding"
	RuleLocationScheme         = "s3.location.scheme"
	RuleLocationInsecureScheme = "s3.location.insecure-scheme"
	RuleLocationCredentials    = "s3.location.credentials"
	RuleLocationQuery          = "s3.location.query"
	RuleLocationFragment       = "s3.location.fragment"
	RuleLocationHost           = "s3.location.host"
	RuleLocationBucketName     = "s3.location.bucket-name"
	RuleLocationKey            = "s3.location.key"
)

// Reasons are fixed strings, so an error can never carry a part of the input.
const (
	reasonEmpty          = "the location is empty"
	reasonLength         = "the location is longer than 256 bytes, the Personalize limit"
	reasonControlChar    = "the location contains a control character"
	reasonEncoding       = "the location is not valid UTF-8"
	reasonNoScheme       = "the location must start with s3:// or https://"
	reasonSchemeCase     = "the scheme must be lower-case s3:// or https://"
	reasonScheme         = "only s3:// and https:// locations are accepted"
	reasonInsecureScheme = "plain http:// sends data and signatures unencrypted; use s3:// or https://"
	reasonCredentials    = "the location carries user information (credentials); never put credentials in a URL"
	reasonPresigned      = "the location is a presigned URL: its signing parameters are credentials; pass s3://bucket/key instead"
	reasonQuery          = "an S3 location has no query string"
	reasonFragment       = "an S3 location has no fragment"
	reasonPort           = "an S3 endpoint URL must not name a port"
	reasonHost           = "the host is not an Amazon S3 endpoint (virtual-hosted, path-style, dualstack or FIPS)"
	reasonBucketMissing  = "the bucket name is missing"
	reasonBucketLength   = "a bucket name has 3 to 63 characters"
	reasonBucketChars    = "a bucket name has only lower-case letters, digits, '.' and '-'"
	reasonBucketEnds     = "a bucket name starts and ends with a letter or digit"
	reasonBucketDots     = "a bucket name has no two adjacent periods"
	reasonBucketIP       = "a bucket name is not formatted as an IP address"
	reasonBucketPrefix   = "a bucket name does not start with a reserved prefix (xn--, sthree-, amzn-s3-demo-)"
	reasonBucketSuffix   = "a bucket name does not end with a reserved suffix (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)"
	reasonKeyEscape      = "the key has an invalid percent-escape"
	reasonKeyReserved    = "the key contains '?' or '#', which an s3:// location cannot carry"
)

// LocationError says why an S3 location was rejected. Its message names the
// rule and a fixed reason; it never repeats the location or any part of it
// (bucket, key, user information, query), so it is safe to log.
type LocationError struct {
	// Rule is one of the RuleLocation… constants.
	Rule string
	// Reason explains the rule in one sentence.
	Reason string
}

func (e *LocationError) Error() string {
	return "s3guard: invalid S3 location (" + e.Rule + "): " + e.Reason
}

func locErr(rule, reason string) *LocationError { return &LocationError{Rule: rule, Reason: reason} }

// Location is a bucket and an object key or key prefix.
type Location struct {
	Bucket string
	// Key is an object key, a prefix ending in "/", or empty for the whole
	// bucket.
	Key string
}

// String returns "s3://bucket/key", or "s3://bucket" when Key is empty.
// [ParseLocation] of the result returns l again.
func (l Location) String() string {
	if l.Key == "" {
		return "s3://" + l.Bucket
	}
	return "s3://" + l.Bucket + "/" + l.Key
}

// textLen is len(l.String()) without building it: a checker validates
// every location it is given, on every call.
func (l Location) textLen() int {
	if l.Key == "" {
		return len("s3://") + len(l.Bucket)
	}
	return len("s3://") + len(l.Bucket) + len("/") + len(l.Key)
}

// IsPrefix reports whether l names a prefix (a "folder") rather than one
// object: Key is empty or ends in "/". Personalize imports every object under
// a prefix.
func (l Location) IsPrefix() bool { return l.Key == "" || strings.HasSuffix(l.Key, "/") }

// Validate checks l as [ParseLocation] would, for a Location built by hand.
func (l Location) Validate() error {
	if err := ValidateBucketName(l.Bucket); err != nil {
		return err
	}
	if err := validateKey(l.Key); err != nil {
		return err
	}
	if l.textLen() > MaxLocationLength {
		return locErr(RuleLocationLength, reasonLength)
	}
	return nil
}

// ParseLocation parses an S3 location as Personalize takes it: s3://bucket,
// s3://bucket/key or s3://bucket/prefix/, or an https URL of an Amazon S3
// endpoint:
//
//   - virtual-hosted: https://bucket.s3.amazonaws.com/key,
//     https://bucket.s3.REGION.amazonaws.com/key, https://bucket.s3-REGION.amazonaws.com/key
//   - path style: https://s3.amazonaws.com/bucket/key, https://s3.REGION.amazonaws.com/bucket/key
//   - dualstack and FIPS: s3.dualstack.REGION, s3-fips.REGION, s3-fips.dualstack.REGION,
//     in either style; amazonaws.com.cn hosts for the China Regions
//
// The path of an https URL is percent-decoded; an s3:// key is taken as
// written. It rejects, each with its own rule: an empty or over-long (> 256
// bytes) location, control characters, invalid UTF-8, schemes other than s3
// and https (plain http:// has a rule of its own), user information, any query
// (presigned URLs included), fragments, ports and non-S3 hosts, invalid bucket
// names (see [ValidateBucketName]) and keys holding '?' or '#'.
//
// The error is a *[LocationError], whose message never contains the input.
func ParseLocation(s string) (Location, error) {
	if s == "" {
		return Location{}, locErr(RuleLocationEmpty, reasonEmpty)
	}
	if len(s) > MaxLocationLength {
		return Location{}, locErr(RuleLocationLength, reasonLength)
	}
	if err := checkText(s); err != nil {
		return Location{}, err
	}
	i := strings.Index(s, "://")
	if i <= 0 || !validScheme(s[:i]) {
		return Location{}, locErr(RuleLocationScheme, reasonNoScheme)
	}
	scheme, rest := s[:i], s[i+3:]
	authority := rest
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		authority = rest[:j]
	}
	// Credentials first: they are the worst thing to find in a location,
	// whatever the scheme. A password holding '/' ends the authority early,
	// so ':' there with an '@' anywhere later counts too.
	if strings.Contains(authority, "@") ||
		(strings.Contains(authority, ":") && strings.Contains(rest[len(authority):], "@")) {
		return Location{}, locErr(RuleLocationCredentials, reasonCredentials)
	}
	switch {
	case strings.EqualFold(scheme, "http"):
		return Location{}, locErr(RuleLocationInsecureScheme, reasonInsecureScheme)
	case scheme != "s3" && scheme != "https":
		if strings.EqualFold(scheme, "s3") || strings.EqualFold(scheme, "https") {
			return Location{}, locErr(RuleLocationScheme, reasonSchemeCase)
		}
		return Location{}, locErr(RuleLocationScheme, reasonScheme)
	}
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		if presigned(rest[q+1:]) {
			return Location{}, locErr(RuleLocationQuery, reasonPresigned)
		}
		return Location{}, locErr(RuleLocationQuery, reasonQuery)
	}
	if strings.IndexByte(rest, '#') >= 0 {
		return Location{}, locErr(RuleLocationFragment, reasonFragment)
	}
	path := rest[len(authority):] // "" or starts with '/'
	if scheme == "s3" {
		loc := Location{Bucket: authority, Key: strings.TrimPrefix(path, "/")}
		if err := ValidateBucketName(loc.Bucket); err != nil {
			return Location{}, err
		}
		if err := validateKey(loc.Key); err != nil {
			return Location{}, err
		}
		return loc, nil
	}
	return parseHTTPS(authority, path)
}

func parseHTTPS(host, path string) (Location, error) {
	if strings.Contains(host, ":") {
		return Location{}, locErr(RuleLocationHost, reasonPort)
	}
	for i := 0; i < len(host); i++ {
		if host[i] >= utf8.RuneSelf {
			return Location{}, locErr(RuleLocationHost, reasonHost)
		}
	}
	bucket, ok := splitS3Host(host)
	if !ok {
		return Location{}, locErr(RuleLocationHost, reasonHost)
	}
	rawKey := strings.TrimPrefix(path, "/")
	if bucket == "" {
		// Path style: the first segment is the bucket.
		bucket, rawKey, _ = strings.Cut(rawKey, "/")
	}
	if err := ValidateBucketName(bucket); err != nil {
		return Location{}, err
	}
	key, ok := unescapePath(rawKey)
	if !ok {
		return Location{}, locErr(RuleLocationKey, reasonKeyEscape)
	}
	if err := validateKey(key); err != nil {
		return Location{}, err
	}
	return Location{Bucket: bucket, Key: key}, nil
}

// splitS3Host returns the bucket of a virtual-hosted S3 host, "" for a
// path-style host, and false for anything that is not an S3 endpoint
// (access points, website and accelerate endpoints, other services, IPs).
func splitS3Host(host string) (bucket string, ok bool) {
	lower := strings.ToLower(host)
	var base string
	switch {
	case strings.HasSuffix(lower, ".amazonaws.com"):
		base = lower[:len(lower)-len(".amazonaws.com")]
	case strings.HasSuffix(lower, ".amazonaws.com.cn"):
		base = lower[:len(lower)-len(".amazonaws.com.cn")]
	default:
		return "", false
	}
	labels := strings.Split(base, ".")
	// Endpoint forms, longest first; "R" stands for a Region.
	for _, form := range [][]string{
		{"s3-fips", "dualstack", "R"},
		{"s3", "dualstack", "R"},
		{"s3-fips", "R"},
		{"s3", "R"},
		{"s3-R"},
		{"s3"},
	} {
		if len(labels) < len(form) || !matchEndpoint(labels[len(labels)-len(form):], form) {
			continue
		}
		n := len(labels) - len(form)
		if n == 0 {
			return "", true
		}
		// Keep the bucket as written: an upper-case bucket is invalid,
		// not silently lower-cased.
		end := len(strings.Join(labels[:n], "."))
		return host[:end], true
	}
	return "", false
}

func matchEndpoint(labels, form []string) bool {
	for i, f := range form {
		switch {
		case f == "R":
			if !awsarn.Region(labels[i]) {
				return false
			}
		case f == "s3-R":
			r, ok := strings.CutPrefix(labels[i], "s3-")
			if !ok || !awsarn.Region(r) {
				return false
			}
		case labels[i] != f:
			return false
		}
	}
	return true
}

func validScheme(s string) bool {
	for i, c := range []byte(s) {
		letter := (c|0x20) >= 'a' && (c|0x20) <= 'z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// presigned reports whether a query string carries signing parameters (SigV4
// or the legacy SigV2 form).
func presigned(query string) bool {
	q := strings.ToLower(query)
	for _, p := range []string{"x-amz-signature", "x-amz-credential", "x-amz-security-token", "awsaccesskeyid", "signature="} {
		if strings.Contains(q, p) {
			return true
		}
	}
	return false
}

// checkText rejects invalid UTF-8 and control characters (C0, DEL, C1).
func checkText(s string) error {
	// Printable ASCII, the usual location, is valid UTF-8 without a
	// control character: one pass over the bytes, no rune decoding.
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return checkRunes(s)
		}
	}
	return nil
}

// checkRunes is checkText for text that is not all printable ASCII.
func checkRunes(s string) error {
	if !utf8.ValidString(s) {
		return locErr(RuleLocationEncoding, reasonEncoding)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return locErr(RuleLocationControlChar, reasonControlChar)
		}
	}
	return nil
}

func validateKey(key string) error {
	// A key of printable ASCII without '?', '#' or '%' passes every rule
	// below (it decodes to itself): one pass over its bytes tells.
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '%' {
			return validateKeyText(key)
		}
	}
	return nil
}

// validateKeyText is validateKey for a key that needs the rules read one by
// one.
func validateKeyText(key string) error {
	if err := checkText(key); err != nil {
		return err
	}
	if i := strings.IndexAny(key, "?#"); i >= 0 {
		if key[i] == '?' && presigned(key[i+1:]) {
			return locErr(RuleLocationQuery, reasonPresigned)
		}
		return locErr(RuleLocationKey, reasonKeyReserved)
	}
	// A key is taken as written, but what a reader sees is its decoded
	// form: "%3FX-Amz-Signature%3D…" is a presigned query to anyone who
	// decodes it, and "%40" an '@'. The decoded form must pass too.
	if decoded := DecodeKey(key); decoded != key {
		if err := validateKey(decoded); err != nil {
			return err
		}
	}
	return nil
}

// KeyFinding returns the first value det finds in key as written or, when
// it has escapes, percent-decoded ("%40" is an '@' to whoever decodes it):
// a key without escapes is read once.
func KeyFinding(key string, det *sensitive.Detector) (sensitive.Finding, bool) {
	if f, found := det.First(key); found {
		return f, true
	}
	if decoded := DecodeKey(key); decoded != key {
		return det.First(decoded)
	}
	return sensitive.Finding{}, false
}

// DecodeKey returns key with its %XX escapes decoded, again and again until
// none is left ("%2540" is "%40" is "@"); a '%' that starts no escape stays
// as it is (S3 keys may hold a literal '%'). Checks for identifying values
// read both forms: CloudTrail records the location as written, and any
// reader decodes it.
func DecodeKey(key string) string {
	for strings.Contains(key, "%") {
		d := decodeEscapes(key)
		if d == key {
			break
		}
		key = d
	}
	return key
}

// decodeEscapes decodes each valid %XX escape once and keeps everything else.
func decodeEscapes(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapePath decodes %XX escapes; unlike url.PathUnescape it is the
// identity on text without '%', so the common case does not allocate.
func unescapePath(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", false
		}
		b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
		i += 2
	}
	return b.String(), true
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// ValidateBucketName checks the naming rules of general purpose buckets: 3 to
// 63 characters; lower-case letters, digits, '.' and '-'; starting and ending
// with a letter or digit; no ".."; not an IP address; none of the reserved
// prefixes (xn--, sthree-, amzn-s3-demo-) or suffixes (-s3alias, --ol-s3,
// .mrap, --x-s3, --table-s3), which belong to access point aliases, Object
// Lambda, Multi-Region Access Points, directory and table buckets — none of
// which Personalize reads. The error is a *[LocationError] with rule
// [RuleLocationBucketName].
func ValidateBucketName(b string) error {
	fail := func(reason string) error { return locErr(RuleLocationBucketName, reason) }
	switch {
	case b == "":
		return fail(reasonBucketMissing)
	case len(b) < 3 || len(b) > 63:
		return fail(reasonBucketLength)
	}
	// One pass over the characters also counts the dots, finds "..",
	// and tells whether all are digits and dots; the rules are still
	// reported in the order below.
	dots, letters, adjacentDots := 0, false, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c >= 'a' && c <= 'z' || c == '-':
			letters = true
		case c >= '0' && c <= '9':
		case c == '.':
			dots++
			adjacentDots = adjacentDots || i > 0 && b[i-1] == '.'
		default:
			return fail(reasonBucketChars)
		}
	}
	if !alnum(b[0]) || !alnum(b[len(b)-1]) {
		return fail(reasonBucketEnds)
	}
	if adjacentDots {
		return fail(reasonBucketDots)
	}
	// Four dot-separated runs of digits, the shape S3 forbids whatever the
	// numbers (so "192.168.05.4" counts too): with the ends alphanumeric
	// and no "..", no run is empty.
	if dots == 3 && !letters {
		return fail(reasonBucketIP)
	}
	if strings.HasPrefix(b, "xn--") || strings.HasPrefix(b, "sthree-") || strings.HasPrefix(b, "amzn-s3-demo-") {
		return fail(reasonBucketPrefix)
	}
	if strings.HasSuffix(b, "-s3alias") || strings.HasSuffix(b, "--ol-s3") || strings.HasSuffix(b, ".mrap") ||
		strings.HasSuffix(b, "--x-s3") || strings.HasSuffix(b, "--table-s3") {
		return fail(reasonBucketSuffix)
	}
	return nil
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// ObjectName is how findings and output name an object: s3://bucket/key.
// A key that holds a value det finds, as written or percent-decoded
// (exports named after a customer's e-mail address), is replaced by the
// object's place n in its listing, counted from 0, or, with n < 0, by
// nothing more than that it holds one: a name must not carry what a
// value must not. A key with characters that are not printable, or that
// is not UTF-8, is quoted Go-style: whoever uploads names the keys, and a
// line break, a terminal escape or a bidirectional override would rewrite
// what prints them. A nil det is sensitive.Default().
func ObjectName(bucket, key string, n int, det *sensitive.Detector) string {
	if det == nil {
		det = sensitive.Default()
	}
	if _, found := KeyFinding(key, det); found {
		if n < 0 {
			return "s3://" + bucket + "/(an object whose key holds an identifying value)"
		}
		return "s3://" + bucket + "/(object " + strconv.Itoa(n+1) + " of the listing: its key holds an identifying value)"
	}
	if strings.IndexFunc(key, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 || !utf8.ValidString(key) {
		return "s3://" + bucket + "/" + strconv.Quote(key)
	}
	return "s3://" + bucket + "/" + key
}
