package pseudonym

import (
	"strconv"
)

// Kind says what an identifier stands for. Each kind is a separate domain:
// the same raw string gives unrelated pseudonyms as a user and as a session.
type Kind uint8

// Kinds of identifiers.
const (
	// User is Personalize's userId (events, users, action interactions,
	// recommendations) and a dataset's USER_ID column.
	User Kind = iota + 1
	// Session is Personalize's sessionId (events, action interactions).
	Session
)

// String returns "user", "session", or "Kind(N)" for anything else.
func (k Kind) String() string {
	switch k {
	case User:
		return "user"
	case Session:
		return "session"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// letter is the kind's letter in the pseudonym's prefix and in the MAC input.
func (k Kind) letter() byte {
	if k == Session {
		return 's'
	}
	return 'u'
}

// A pseudonym is "p", the kind's letter ('u' user, 's' session), the key
// version in decimal (1–4294967295, no leading zeros), '_', and macChars
// characters of lower-case base32 (RFC 4648 alphabet, no padding): letters
// and the digits 2–7, which survive case-folding tools and need no quoting in
// CSV, JSON or URLs.
const (
	// macBytes is the MAC truncated to 160 bits: above the 128 the scheme
	// promises, and a whole number of base32 characters (no padding, no
	// spare bits for Parse to check).
	macBytes = 20
	macChars = macBytes * 8 / 5
)

// Lengths of pseudonyms.
const (
	// MaxLen is the length of the longest pseudonym (version 4294967295): 45
	// bytes, far inside Personalize's 256 for userId and sessionId and the
	// dataset schemas' USER_ID. A buffer of MaxLen bytes holds any pseudonym.
	MaxLen = 2 + 10 + 1 + macChars
	// MinLen is the length of the shortest pseudonym (versions 1–9).
	MinLen = 2 + 1 + 1 + macChars
)

// macAlphabet is RFC 4648's base32 alphabet in lower case.
const macAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// appendMAC appends the lower-case base32 form of mac (RFC 4648, no
// padding). Five bytes make eight characters exactly: mac's 20 bytes are
// four 40-bit words, each spelled without encoding/base32's handling of
// padding and partial groups.
func appendMAC(dst []byte, mac *[macBytes]byte) []byte {
	var out [macChars]byte
	spell5((*[8]byte)(out[0:8]), (*[5]byte)(mac[0:5]))
	spell5((*[8]byte)(out[8:16]), (*[5]byte)(mac[5:10]))
	spell5((*[8]byte)(out[16:24]), (*[5]byte)(mac[10:15]))
	spell5((*[8]byte)(out[24:32]), (*[5]byte)(mac[15:20]))
	return append(dst, out[:]...)
}

// spell5 writes the eight base32 characters of five bytes, the first
// byte's high bits first.
func spell5(o *[8]byte, in *[5]byte) {
	w := uint64(in[0])<<32 | uint64(in[1])<<24 | uint64(in[2])<<16 | uint64(in[3])<<8 | uint64(in[4])
	o[0], o[1], o[2], o[3] = macAlphabet[w>>35&31], macAlphabet[w>>30&31], macAlphabet[w>>25&31], macAlphabet[w>>20&31]
	o[4], o[5], o[6], o[7] = macAlphabet[w>>15&31], macAlphabet[w>>10&31], macAlphabet[w>>5&31], macAlphabet[w&31]
}

// prefixes returns "pu<version>_" and "ps<version>_", the prefixes of a
// key's user and session pseudonyms, made once per Pseudonymizer rather
// than spelled on every call.
func prefixes(version uint32) [2]string {
	v := strconv.FormatUint(uint64(version), 10)
	return [2]string{"p" + string(User.letter()) + v + "_", "p" + string(Session.letter()) + v + "_"}
}

// index is the kind's place in a Pseudonymizer's per-kind arrays.
func (k Kind) index() int {
	if k == Session {
		return 1
	}
	return 0
}

// Info is what a pseudonym tells about itself without the key.
type Info struct {
	Kind       Kind   // User or Session
	KeyVersion uint32 // the version of the key that made it
}

// Reasons a string is not a pseudonym: the only texts a FormatError holds.
const (
	reasonLength  = "the length is not that of a pseudonym"
	reasonPrefix  = "it does not start with pu or ps"
	reasonVersion = "the key version is not a decimal number from 1 to 4294967295 without leading zeros"
	reasonMAC     = "the MAC is not 32 lower-case base32 characters after '_'"
)

// Parse reports the kind and key version of a pseudonym, checking the whole
// format; it does not (and cannot, without the key and the raw ID) check that
// the MAC is genuine. A string that is not a pseudonym gets a [*FormatError]
// that never repeats it, so Parse may be given raw identifiers.
func Parse(s string) (Info, error) {
	if len(s) < MinLen || len(s) > MaxLen {
		return Info{}, &FormatError{Reason: reasonLength}
	}
	var info Info
	switch s[:2] {
	case "pu":
		info.Kind = User
	case "ps":
		info.Kind = Session
	default:
		return Info{}, &FormatError{Reason: reasonPrefix}
	}
	mac := s[len(s)-macChars:]
	sep := len(s) - macChars - 1
	if s[sep] != '_' {
		return Info{}, &FormatError{Reason: reasonMAC}
	}
	v, ok := parseVersion(s[2:sep])
	if !ok {
		return Info{}, &FormatError{Reason: reasonVersion}
	}
	for i := 0; i < len(mac); i++ {
		if c := mac[i]; !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return Info{}, &FormatError{Reason: reasonMAC}
		}
	}
	info.KeyVersion = v
	return info, nil
}

// parseVersion accepts only the canonical decimal form, so that each
// (kind, version, MAC) has exactly one spelling.
func parseVersion(s string) (uint32, bool) {
	if s == "" || s[0] == '0' {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
		if v > 1<<32-1 {
			return 0, false
		}
	}
	return uint32(v), true
}
