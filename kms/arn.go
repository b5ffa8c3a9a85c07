package kms

import (
	"strings"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
)

// maxIdentifierLength is KMS's own bound on a KeyId parameter; anything
// longer is not an identifier KMS would accept.
const maxIdentifierLength = 2048

// keyARNForm is how errors describe what is needed, without quoting input.
const keyARNForm = "arn:<partition>:kms:<region>:<12-digit account>:key/<id>"

// KeyARN is a parsed KMS key ARN:
// arn:<Partition>:kms:<Region>:<AccountID>:key/<KeyID>. A multi-Region key
// (KeyID "mrk-…") is a key ARN too; each of its replicas has its own ARN,
// differing in Region only.
type KeyARN struct {
	Partition string // "aws", "aws-cn", "aws-us-gov", ...
	Region    string // "us-east-1"
	AccountID string // 12 digits
	KeyID     string // a UUID, or "mrk-" and 32 hex digits
}

// String returns the ARN, or "" for the zero KeyARN.
func (k KeyARN) String() string {
	if k == (KeyARN{}) {
		return ""
	}
	return "arn:" + k.Partition + ":kms:" + k.Region + ":" + k.AccountID + ":key/" + k.KeyID
}

// MultiRegion reports whether k names a multi-Region key.
func (k KeyARN) MultiRegion() bool { return strings.HasPrefix(k.KeyID, "mrk-") }

// InRegion returns the ARN that k's key (or replica) has in region. It is
// meaningful for multi-Region keys only: a single-Region key exists in one
// Region.
func (k KeyARN) InRegion(region string) KeyARN {
	k.Region = region
	return k
}

// IdentifierKind says what kind of KMS key identifier a string is.
type IdentifierKind int

// Kinds of KMS key identifiers.
const (
	// UnknownKind is anything that is not a well-formed KMS key identifier,
	// including a malformed key ARN.
	UnknownKind IdentifierKind = iota
	// KeyARNKind is arn:<partition>:kms:<region>:<account>:key/<id>.
	KeyARNKind
	// AliasARNKind is arn:<partition>:kms:<region>:<account>:alias/<name>.
	AliasARNKind
	// AliasNameKind is alias/<name>.
	AliasNameKind
	// KeyIDKind is a bare key ID: a UUID or an mrk- multi-Region key ID.
	KeyIDKind
)

// String describes k with an article, as errors use it: "an alias ARN".
func (k IdentifierKind) String() string {
	switch k {
	case KeyARNKind:
		return "a key ARN"
	case AliasARNKind:
		return "an alias ARN"
	case AliasNameKind:
		return "an alias name"
	case KeyIDKind:
		return "a bare key ID"
	}
	return "not a KMS identifier"
}

// Identify returns the kind of KMS key identifier s is. It only looks at s;
// whether the key or alias exists takes a call to KMS (see [ResolveKeyARN]).
func Identify(s string) IdentifierKind {
	if len(s) == 0 || len(s) > maxIdentifierLength {
		return UnknownKind
	}
	if strings.HasPrefix(s, "arn:") {
		a, ok := awsarn.Split(s)
		if !ok {
			return UnknownKind
		}
		if a.Service != "kms" || !awsarn.Partition(a.Partition) || !awsarn.Region(a.Region) || !awsarn.Account(a.Account) {
			return UnknownKind
		}
		if id, ok := strings.CutPrefix(a.Resource, "key/"); ok && validKeyID(id) {
			return KeyARNKind
		}
		if name, ok := strings.CutPrefix(a.Resource, "alias/"); ok && validAliasName(name) {
			return AliasARNKind
		}
		return UnknownKind
	}
	if name, ok := strings.CutPrefix(s, "alias/"); ok && validAliasName(name) {
		return AliasNameKind
	}
	if validKeyID(s) {
		return KeyIDKind
	}
	return UnknownKind
}

// ParseKeyARN parses a key ARN. Anything else, an alias or a bare key ID
// included, is rejected with an [*IdentifierError] that says what was given
// and never repeats it.
func ParseKeyARN(s string) (k KeyARN, err error) {
	if p, r, ok := scanKeyARN(s); ok {
		// Field by field into the result: a KeyARN built apart and copied
		// is read back in 16-byte loads from 8-byte stores, which stalls.
		k.Partition, k.Region, k.AccountID, k.KeyID = s[len("arn:"):p], s[p+len(":kms:"):r], s[r+1:r+13], s[r+18:]
		return k, nil
	}
	return parseKeyARNSlow(s)
}

// parseKeyARNSlow is ParseKeyARN for what scanKeyARN does not accept, in a
// function of its own so that the fast path's frame stays small.
func parseKeyARNSlow(s string) (KeyARN, error) {
	k, problem := splitKeyARN(s)
	if problem == "" {
		return k, nil
	}
	if kind := Identify(s); kind != UnknownKind {
		return KeyARN{}, &IdentifierError{Given: kind}
	}
	return KeyARN{}, &IdentifierError{Given: UnknownKind, Problem: problem}
}

// Problems a malformed key ARN can have; they are the only texts an
// IdentifierError's Problem holds, so errors cannot carry input.
const (
	problemEmpty     = "it is empty"
	problemTooLong   = "it is longer than 2048 bytes"
	problemNotARN    = "it is not an ARN"
	problemParts     = "an ARN has six colon-separated parts"
	problemService   = "the ARN is not a KMS ARN"
	problemPartition = "the partition is not aws or aws-<name>"
	problemRegion    = "the Region is missing or malformed"
	problemAccount   = "the account is not 12 digits"
	problemResource  = "the resource is not key/<id>"
	problemKeyID     = "the key ID is neither a UUID nor an mrk- multi-Region key ID"
)

// splitKeyARN parses s field by field, naming the first problem:
// ParseKeyARN's way for what scanKeyARN does not accept.
func splitKeyARN(s string) (KeyARN, string) {
	switch {
	case s == "":
		return KeyARN{}, problemEmpty
	case len(s) > maxIdentifierLength:
		return KeyARN{}, problemTooLong
	case !strings.HasPrefix(s, "arn:"):
		return KeyARN{}, problemNotARN
	}
	a, ok := awsarn.Split(s)
	switch {
	case !ok:
		return KeyARN{}, problemParts
	case a.Service != "kms":
		return KeyARN{}, problemService
	case !awsarn.Partition(a.Partition):
		return KeyARN{}, problemPartition
	case !awsarn.Region(a.Region):
		return KeyARN{}, problemRegion
	case !awsarn.Account(a.Account):
		return KeyARN{}, problemAccount
	}
	id, ok := strings.CutPrefix(a.Resource, "key/")
	if !ok {
		return KeyARN{}, problemResource
	}
	if !validKeyID(id) {
		return KeyARN{}, problemKeyID
	}
	return KeyARN{Partition: a.Partition, Region: a.Region, AccountID: a.Account, KeyID: id}, ""
}

// scanKeyARN is ParseKeyARN's success path in one pass, for the key ARN
// the guard checks on every call. It accepts only what splitKeyARN accepts
// (and ParseKeyARN then cuts the same fields from s); anything it is unsure
// of goes to splitKeyARN, which also says what is wrong. p is where the
// partition ends, r where the Region does: the result is a few integers,
// not a KeyARN to copy.
func scanKeyARN(s string) (p, r int, ok bool) {
	if len(s) > maxIdentifierLength {
		return 0, 0, false
	}
	switch {
	case len(s) >= len("arn:aws:kms:") && load64(s, 0) == arnAWSWord && s[8:12] == "kms:": // the commercial partition, in two loads
		p = len("arn:aws")
	case strings.HasPrefix(s, "arn:"):
		if p = partitionEnd(s, len("arn:")); p < 0 || !strings.HasPrefix(s[p:], ":kms:") {
			return 0, 0, false
		}
	default:
		return 0, 0, false
	}
	r = regionEnd(s, p+len(":kms:"))
	// The account's twelve digits hold no colon, so it ends at the fifth
	// colon, where awsarn.Split would cut it.
	if r < 0 || len(s) < r+len(":111122223333:key/") || s[r] != ':' || s[r+13] != ':' || !digits12(s[r+1:r+13]) ||
		s[r+14:r+18] != "key/" || !validKeyID(s[r+18:]) {
		return 0, 0, false
	}
	return p, r, true
}

// arnAWSWord is "arn:aws:" as load64 reads it.
const arnAWSWord = 'a' | 'r'<<8 | 'n'<<16 | ':'<<24 | 'a'<<32 | 'w'<<40 | 's'<<48 | ':'<<56

// partitionEnd returns where the partition starting at s[i] ends: "aws"
// then any number of "-letters", as awsarn.Partition accepts; -1 if s has
// no such partition at i.
func partitionEnd(s string, i int) int {
	if !strings.HasPrefix(s[i:], "aws") {
		return -1
	}
	i += len("aws")
	for i < len(s) && s[i] == '-' {
		j := lettersEnd(s, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	return i
}

// regionEnd returns where the Region name starting at s[i0] ends, or -1: two
// to four lower-case letters, one or more "-letters", then "-digits", 32
// bytes at most (awsarn.Region's shape). One loop, no split.
func regionEnd(s string, i0 int) int {
	seg, dashes := 0, 0 // letters since the last dash; dashes so far
	i := i0
words:
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c-'a' < 26:
			seg++
		case c == '-' && seg > 0:
			if dashes == 0 && (seg < 2 || seg > 4) {
				return -1 // the area
			}
			dashes, seg = dashes+1, 0
		default:
			break words
		}
	}
	// The digits follow a dash that follows at least one word after the
	// area.
	if seg != 0 || dashes < 2 {
		return -1
	}
	j := i
	for i < len(s) && s[i]-'0' < 10 {
		i++
	}
	if i == j || i-i0 > 32 {
		return -1
	}
	return i
}

// digits12 reports whether s is twelve ASCII digits, in two overlapping
// words.
func digits12(s string) bool {
	return len(s) == 12 && digitWord(load64(s, 0))&digitWord(load64(s, 4)) == highBits
}

func lettersEnd(s string, i int) int {
	for i < len(s) && s[i]-'a' < 26 {
		i++
	}
	return i
}

// validKeyID accepts a UUID (8-4-4-4-12 hex digits) or "mrk-" and 32 hex
// digits, the two forms KMS issues.
func validKeyID(id string) bool {
	if hex, ok := strings.CutPrefix(id, "mrk-"); ok {
		return len(hex) == 32 &&
			hexWord(load64(hex, 0))&hexWord(load64(hex, 8))&hexWord(load64(hex, 16))&hexWord(load64(hex, 24)) == highBits
	}
	if len(id) != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-' {
		return false
	}
	// Eight bytes at a time, the dashes (just checked) let through by
	// position: bytes 8 and 13 are bytes 0 and 5 of the second word, 18 and
	// 23 bytes 2 and 7 of the third. The last word overlaps the fourth.
	const (
		dash1 = 0x80<<(0*8) | 0x80<<(5*8)
		dash2 = 0x80<<(2*8) | 0x80<<(7*8)
	)
	return hexWord(load64(id, 0))&(hexWord(load64(id, 8))|dash1)&(hexWord(load64(id, 16))|dash2)&
		hexWord(load64(id, 24))&hexWord(load64(id, 28)) == highBits
}

const (
	lowBits  = 0x0101010101010101
	highBits = 0x80 * lowBits
)

// load64 reads s[i:i+8] as a little-endian word; the compiler makes it one
// load.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// digitWord sets the high bit of each byte of x that is an ASCII digit,
// the way hexWord does.
func digitWord(x uint64) uint64 {
	b := x &^ highBits
	return (b + (0x80-'0')*lowBits) &^ (b + (0x7f-'9')*lowBits) & ^x & highBits
}

// hexWord sets the high bit of each byte of x that is an ASCII hex digit.
// For a byte b below 0x80, b + (0x80-lo) sets its high bit exactly when
// b >= lo and carries into no other byte; b + (0x7f-hi) when b > hi. Bytes
// at or above 0x80 are cleared at the end.
func hexWord(x uint64) uint64 {
	ascii := ^x & highBits
	b := x &^ highBits
	digit := (b + (0x80-'0')*lowBits) &^ (b + (0x7f-'9')*lowBits)
	l := b | 0x20*lowBits
	letter := (l + (0x80-'a')*lowBits) &^ (l + (0x7f-'f')*lowBits)
	return (digit | letter) & ascii
}

// validAliasName checks the part after "alias/": 1–250 of [a-zA-Z0-9/_-].
func validAliasName(name string) bool {
	if name == "" || len(name) > 250 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validRoleARN accepts arn:<partition>:iam::<account>:role/<path/name>.
func validRoleARN(s string) bool {
	_, ok := awsarn.RoleAccount(s)
	return ok
}
