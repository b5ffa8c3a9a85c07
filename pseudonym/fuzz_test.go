package pseudonym_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// parseReasons are the only texts a FormatError may carry.
var parseReasons = map[string]bool{
	"the length is not that of a pseudonym":                                              true,
	"it does not start with pu or ps":                                                    true,
	"the key version is not a decimal number from 1 to 4294967295 without leading zeros": true,
	"the MAC is not 32 lower-case base32 characters after '_'":                           true,
}

// FuzzParse: Parse never panics, fails only with a fixed reason (so never
// with its input), and accepts exactly the canonical spelling: what it
// accepts is rebuilt byte for byte from the Info and the MAC.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"pu1_" + mac32, "ps4294967295_" + mac32, "pu0_" + mac32, "pu01_" + mac32, "pu4294967296_" + mac32,
		"", "p", "pu", "pu1_", "customer-0001", "jane@example.com", "pu1_" + mac32 + "\xff",
		strings.Repeat("_", pseudonym.MaxLen),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		info, err := pseudonym.Parse(s)
		if err != nil {
			var fe *pseudonym.FormatError
			if !errors.As(err, &fe) || !parseReasons[fe.Reason] {
				t.Fatalf("Parse error %v is not a *FormatError with a fixed reason", err)
			}
			if info != (pseudonym.Info{}) {
				t.Fatalf("Parse failed but returned %+v", info)
			}
			return
		}
		letter := map[pseudonym.Kind]string{pseudonym.User: "u", pseudonym.Session: "s"}[info.Kind]
		if letter == "" || info.KeyVersion == 0 {
			t.Fatalf("Parse accepted %q as %+v", s, info)
		}
		rebuilt := "p" + letter + strconv.FormatUint(uint64(info.KeyVersion), 10) + "_" + s[len(s)-32:]
		if rebuilt != s {
			t.Fatalf("Parse accepted %q, whose canonical form is %q", s, rebuilt)
		}
	})
}

// FuzzPseudonymize: for any ID the result matches the reference, has the
// documented form, and is stable across calls; only the empty ID fails.
func FuzzPseudonymize(f *testing.F) {
	for _, s := range []string{"", "customer-0001", "jane@example.com", "\xff\xfe", "a\x00b", strings.Repeat("x", 300)} {
		f.Add(s, uint32(1), true)
	}
	key := testKey(0)
	ps := map[uint32]*pseudonym.Pseudonymizer{}
	f.Fuzz(func(t *testing.T, id string, version uint32, user bool) {
		if version == 0 {
			version = 1
		}
		p, ok := ps[version]
		if !ok {
			p = newPseudonymizer(t, version, key)
			ps[version] = p
		}
		kind := byte('s')
		if user {
			kind = 'u'
		}
		got, err := pseudonymOf(p, kind, id)
		if id == "" {
			var ae *pseudonym.ArgumentError
			if !errors.As(err, &ae) || got != "" {
				t.Fatalf("empty ID: %q, %v; want an *ArgumentError", got, err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := reference(key, kind, version, id); got != want {
			t.Fatalf("pseudonym = %q, want %q", got, want)
		}
		if b, err := appendBytesOf(p, kind, id); err != nil || b != got {
			t.Fatalf("bytes form: %q, %v; want %q", b, err, got)
		}
		again, _ := pseudonymOf(p, kind, id)
		if info, err := pseudonym.Parse(got); err != nil || again != got || info.KeyVersion != version {
			t.Fatalf("pseudonym %q: Parse = %+v, %v; second call %q", got, info, err, again)
		}
	})
}

// keyReasons are the only texts NewKey's refusal of 32 bytes may carry.
var keyReasons = map[string]bool{
	"is all zero bytes": true,
	"has fewer than 16 distinct byte values, a pattern rather than random bytes; make keys with GenerateKey or crypto/rand":                                                                               true,
	"holds text (valid UTF-8 with no control characters but tab, CR and LF): a passphrase, or a key still in its hex or base64 form, rather than random bytes; make keys with GenerateKey or crypto/rand": true,
	"holds text (30 or more bytes of printable ASCII, NUL, tab, CR or LF): a passphrase in a one-byte code page or with a NUL, rather than random bytes; make keys with GenerateKey or crypto/rand":       true,
	"holds text (UTF-16 after a byte-order mark): a passphrase saved by Windows PowerShell, rather than random bytes; make keys with GenerateKey or crypto/rand":                                          true,
}

// FuzzNewKey: NewKey never panics, refuses 32 bytes only with a fixed
// reason (so never with the bytes), and refuses every 32 bytes that are
// text: valid UTF-8 whose only control characters are tab, CR and LF.
func FuzzNewKey(f *testing.F) {
	random := sha256.Sum256([]byte("FuzzNewKey"))
	for _, s := range []string{
		string(random[:]), string(testKey(0)), string(testKey(200)), string(make([]byte, 32)),
		"Tr0ub4dor&3-horse-battery-stapl\n", "Tr0ub4dor&3-horse-battery-stap\r\n", "Passwort-für-die-Pseudonyme-202",
		"Tr0ub4dor&3-horse-battery-stapl\x00", "Tr0ub4dor&3-horse-battery-stap\u0085", "short",
		"Passwort-f\xfcr-die-Pseudonyme-22\r\n", utf16Text(false, "sunflowerjack\r\n"), utf16Text(true, "Κωδικόςψευδωνύμ"),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in := bytes.Clone(raw)
		k, err := pseudonym.NewKey(1, raw)
		if !bytes.Equal(in, raw) {
			t.Fatal("NewKey changed its input")
		}
		if (k == nil) == (err == nil) {
			t.Fatalf("NewKey = %v, %v; want a key or an error", k, err)
		}
		if len(raw) != pseudonym.KeySize {
			if err == nil {
				t.Fatalf("NewKey accepted %d bytes", len(raw))
			}
			return
		}
		var ae *pseudonym.ArgumentError
		if err != nil && (!errors.As(err, &ae) || ae.Field != "key" || !keyReasons[ae.Reason]) {
			t.Fatalf("NewKey error %v is not an *ArgumentError for the key with a fixed reason", err)
		}
		text := utf8.Valid(raw) && !bytes.ContainsFunc(raw, func(r rune) bool {
			return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
		})
		if text && err == nil {
			t.Fatalf("NewKey accepted text %q as a key", raw)
		}
		ascii := 0
		for _, b := range raw {
			if b == 0 || b == '\t' || b == '\n' || b == '\r' || (b >= 0x20 && b < 0x7f) {
				ascii++
			}
		}
		if ascii >= 30 && err == nil {
			t.Fatalf("NewKey accepted %q, %d bytes of ASCII, as a key", raw, ascii)
		}
		if utf16OneAlphabet(raw) && err == nil {
			t.Fatalf("NewKey accepted UTF-16 text %q as a key", raw)
		}
	})
}

// utf16OneAlphabet is isUTF16Text written out another way: a byte-order
// mark, then text that decodes from UTF-16 with runes of U+0000–U+00FF
// and one other block of 256 at most, no surrogate left unpaired.
func utf16OneAlphabet(raw []byte) bool {
	var dec []byte
	switch {
	case bytes.HasPrefix(raw, []byte{0xff, 0xfe}):
		dec = raw[2:]
	case bytes.HasPrefix(raw, []byte{0xfe, 0xff}):
		dec = make([]byte, len(raw)-2)
		for i := 0; i+1 < len(dec); i += 2 {
			dec[i], dec[i+1] = raw[i+3], raw[i+2]
		}
	default:
		return false
	}
	if len(dec)%2 != 0 {
		return false
	}
	blocks := map[byte]bool{}
	var units []uint16
	for i := 0; i < len(dec); i += 2 {
		if dec[i+1] != 0 {
			blocks[dec[i+1]] = true
		}
		units = append(units, uint16(dec[i])|uint16(dec[i+1])<<8)
	}
	if len(blocks) > 1 {
		return false
	}
	for _, r := range utf16.Decode(units) {
		if r == 0xfffd || (unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r') {
			return false
		}
	}
	return true
}
