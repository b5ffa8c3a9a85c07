package pseudonym

import (
	"fmt"
	"log/slog"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// KeySize is the size of a pseudonym key in bytes: 256 bits, SHA-256's output
// size, so the key is as strong as the MAC.
const KeySize = 32

// redacted stands in for key material wherever a Key is printed or encoded.
const redacted = "[REDACTED]"

// Key is a pseudonym key: 32 secret bytes and the version that names them.
// Make one with [NewKey] from a secret store or [LoadKey] from KMS.
//
// A Key never shows its bytes: String, GoString, every fmt verb, JSON, text
// and slog encodings print the version and "[REDACTED]". Even a Key that fmt
// prints by reflection, without calling its methods (an unexported field of a
// caller's struct), shows an address rather than the bytes.
type Key struct {
	version uint32
	// bytes is a func, not a pointer: fmt prints what a pointer field points
	// to when the verb does not fit a pointer (%s, %q), but never looks
	// inside a func.
	bytes func() *[KeySize]byte
}

// NewKey returns a Key of the given version holding a copy of raw, which must
// be exactly 32 bytes that read as random: not all zero (a buffer nobody
// filled), not fewer than 16 distinct byte values (a pattern), and not text
// (a passphrase in any script, or a key left in its hex or base64 text).
// Text is valid UTF-8 with no control characters but tab, CR and LF, so a
// trailing newline does not make text random; or 30 or more of the 32 bytes
// printable ASCII, NUL, tab, LF or CR (text in a one-byte code page such as
// Windows-1252, or ending in a C string's NUL); or UTF-16 after its
// byte-order mark, as Windows PowerShell 5.1 writes a file. 32 bytes from
// crypto/rand fail these tests with a probability of about 1.0×10^-10 (one
// key in some 10 billion): 8.1×10^-11 the ASCII test, 1.8×10^-11 UTF-8,
// below 10^-30 UTF-16. Version must be at least 1. raw is not modified:
// zero it yourself once the Key is made if you own it.
func NewKey(version uint32, raw []byte) (*Key, error) {
	if version == 0 {
		return nil, &ArgumentError{Field: "version", Reason: "is 0; key versions start at 1"}
	}
	if len(raw) != KeySize {
		// The length of a wrong-sized key is not secret; its bytes are.
		return nil, &ArgumentError{Field: "key", Reason: "is " + strconv.Itoa(len(raw)) + " bytes; a pseudonym key is 32 bytes"}
	}
	if allZero(raw) {
		return nil, &ArgumentError{Field: "key", Reason: "is all zero bytes"}
	}
	if reason := notRandom(raw); reason != "" {
		return nil, &ArgumentError{Field: "key", Reason: reason + "; make keys with GenerateKey or crypto/rand"}
	}
	b := new([KeySize]byte)
	copy(b[:], raw)
	return &Key{version: version, bytes: func() *[KeySize]byte { return b }}, nil
}

// minDistinct is the fewest distinct byte values a key may hold: 32 random
// bytes hold about 30, and fewer than 16 with a probability below 10^-20.
const minDistinct = 16

// notRandom says why raw does not read as random bytes (see NewKey), or
// returns "". It names the test, never a byte.
func notRandom(raw []byte) string {
	var seen [256]bool
	distinct := 0
	for _, b := range raw {
		if !seen[b] {
			seen[b] = true
			distinct++
		}
	}
	switch {
	case distinct < minDistinct:
		return "has fewer than " + strconv.Itoa(minDistinct) + " distinct byte values, a pattern rather than random bytes"
	case isText(raw):
		return "holds text (valid UTF-8 with no control characters but tab, CR and LF): a passphrase, or a key still in its hex or base64 form, rather than random bytes"
	case mostlyASCII(raw):
		return "holds text (" + strconv.Itoa(minASCII) + " or more bytes of printable ASCII, NUL, tab, CR or LF): a passphrase in a one-byte code page or with a NUL, rather than random bytes"
	case isUTF16Text(raw):
		return "holds text (UTF-16 after a byte-order mark): a passphrase saved by Windows PowerShell, rather than random bytes"
	}
	return ""
}

// minASCII is the fewest bytes of asciiByte that make a key text. Each of
// 32 random bytes is one with probability p = 99/256, so 30 or more are
// with probability sum over k=30..32 of C(32,k) p^k (1-p)^(32-k), about
// 8.1×10^-11 (TestASCIIKeyOdds); a passphrase in Latin-1 or Windows-1252
// has two letters outside ASCII at most before it is caught, the UTF-8 test
// catching it when those are UTF-8.
const minASCII = 30

// asciiByte reports whether b is printable ASCII, NUL, tab, LF or CR: what
// a passphrase is made of in any one-byte code page but for its accents.
func asciiByte(b byte) bool {
	return b >= 0x20 && b <= 0x7e || b == 0 || b == '\t' || b == '\n' || b == '\r'
}

func mostlyASCII(raw []byte) bool {
	n := 0
	for _, b := range raw {
		if asciiByte(b) {
			n++
		}
	}
	return n >= minASCII
}

// isUTF16Text reports whether raw starts with a UTF-16 byte-order mark and
// the rest is text in UTF-16 from one alphabet: ASCII and Latin-1 (U+0000–
// U+00FF, its controls but tab, CR and LF refused) and one other block of
// 256 (U+0300–U+03FF for Greek, U+0400–U+04FF for Cyrillic). Any text in
// UTF-16 would be too wide a test: 15 random code units are mostly CJK and
// Hangul, text with a probability near 0.6. Random bytes pass this one
// with a probability below 2^-15 × 256 × (2/256)^15, under 10^-30. Such a
// passphrase in a script of many blocks (CJK) is not caught: a limit.
func isUTF16Text(raw []byte) bool {
	var be bool
	switch {
	case len(raw) < 2 || len(raw)%2 != 0:
		return false
	case raw[0] == 0xfe && raw[1] == 0xff:
		be = true
	case raw[0] == 0xff && raw[1] == 0xfe:
	default:
		return false
	}
	units := make([]uint16, 0, len(raw)/2-1)
	block := -1
	for i := 2; i < len(raw); i += 2 {
		u := uint16(raw[i]) | uint16(raw[i+1])<<8
		if be {
			u = uint16(raw[i])<<8 | uint16(raw[i+1])
		}
		if hi := int(u >> 8); hi != 0 {
			if block >= 0 && hi != block {
				return false
			}
			block = hi
		}
		units = append(units, u)
	}
	for _, r := range utf16.Decode(units) {
		if r == utf8.RuneError || !textRune(r) {
			return false
		}
	}
	return true
}

// isText reports whether raw is valid UTF-8 whose only control characters
// are tab, CR and LF: text as an editor or echo saves it, in any script and
// with any line ending. Random bytes are rarely valid UTF-8 (TestTextKeyOdds).
func isText(raw []byte) bool {
	for len(raw) > 0 {
		r, n := utf8.DecodeRune(raw)
		if r == utf8.RuneError && n == 1 {
			return false
		}
		if !textRune(r) {
			return false
		}
		raw = raw[n:]
	}
	return true
}

// textRune reports whether r may stand in text: no control character but
// tab, LF and CR.
func textRune(r rune) bool {
	return !unicode.IsControl(r) || r == '\t' || r == '\n' || r == '\r'
}

// Version returns the key's version, the number that prefixes every pseudonym
// made with it.
func (k Key) Version() uint32 { return k.version }

// validKey reports whether k came from NewKey or LoadKey rather than being
// nil or a zero Key.
func validKey(k *Key) bool { return k != nil && k.bytes != nil && k.version != 0 }

// String returns "pseudonym.Key{Version: N, Bytes: [REDACTED]}".
func (k Key) String() string {
	return "pseudonym.Key{Version: " + strconv.FormatUint(uint64(k.version), 10) + ", Bytes: " + redacted + "}"
}

// GoString returns the same text as String, so %#v does not print the bytes.
func (k Key) GoString() string { return k.String() }

// Format prints the redacted form for every verb (%x and %d included), which
// fmt would otherwise apply to the fields one by one.
func (k Key) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// MarshalJSON encodes the version and "[REDACTED]", never the bytes: a Key
// that ends up in a logged or stored structure does not carry its secret.
func (k Key) MarshalJSON() ([]byte, error) {
	return []byte(`{"version":` + strconv.FormatUint(uint64(k.version), 10) + `,"key":"` + redacted + `"}`), nil
}

// MarshalText returns the String form, for encoders that use text.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// LogValue makes log/slog print the version and "[REDACTED]".
func (k Key) LogValue() slog.Value {
	return slog.GroupValue(slog.Uint64("version", uint64(k.version)), slog.String("key", redacted))
}

func allZero(b []byte) bool {
	var or byte
	for _, c := range b {
		or |= c
	}
	return or == 0
}
