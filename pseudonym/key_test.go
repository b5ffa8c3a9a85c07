package pseudonym_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/pseudonym"
)

func TestNewKeyRejects(t *testing.T) {
	tests := []struct {
		version uint32
		raw     []byte
		field   string
		reason  string
	}{
		{0, testKey(0), "version", "version 0 is unset, not a version"},
		{1, nil, "key", "no key"},
		{1, make([]byte, 16), "key", "an AES-128 key is too short"},
		{1, testKey(0)[:31], "key", "one byte short"},
		{1, append(testKey(0), 1), "key", "one byte long"},
		{1, make([]byte, 64), "key", "a 512-bit key"},
		{1, make([]byte, 32), "key", "all zero: a buffer nobody filled"},
		// Fourth review: a pattern or a passphrase was accepted.
		{1, bytes.Repeat([]byte{0x5a}, 32), "key", "one byte value"},
		{1, bytes.Repeat(testKey(0)[:15], 3)[:32], "key", "15 distinct byte values"},
		{1, []byte("correct horse battery staple!!!!"), "key", "a passphrase"},
		{1, []byte("00112233445566778899aabbccddeeff"), "key", "a 16-byte key in hex"},
	}
	for _, tt := range tests {
		k, err := pseudonym.NewKey(tt.version, tt.raw)
		var ae *pseudonym.ArgumentError
		if k != nil || !errors.As(err, &ae) || ae.Field != tt.field {
			t.Errorf("%s: NewKey = %v, %v; want an *ArgumentError for %s", tt.reason, k, err, tt.field)
		}
	}
}

// TestNewKeyCopies: NewKey neither changes raw nor keeps it.
func TestNewKeyCopies(t *testing.T) {
	raw := testKey(0)
	k, err := pseudonym.NewKey(1, raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, testKey(0)) {
		t.Errorf("NewKey changed its input")
	}
	clear(raw)
	p, err := pseudonym.New(k)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := p.UserID("customer-0001")
	if want := "pu1_xjnmkry3g7cywnkcgyjbyv3jdcksthpi"; got != want {
		t.Errorf("after the caller wiped its buffer, UserID = %q, want %q", got, want)
	}
}

// renderings are the forms in which key bytes could leak into text.
func renderings(raw []byte) map[string]string {
	dec := fmt.Sprint(raw)
	return map[string]string{
		"hex":        hex.EncodeToString(raw),
		"HEX":        strings.ToUpper(hex.EncodeToString(raw)),
		"base64":     base64.StdEncoding.EncodeToString(raw),
		"base64url":  base64.RawURLEncoding.EncodeToString(raw),
		"decimal":    dec[1 : len(dec)-1][:40], // "200 201 202 ..." as %v prints a slice or array
		"raw":        string(raw),
		"quoted":     fmt.Sprintf("%q", raw)[1:30],
		"hex-spaced": fmt.Sprintf("% x", raw)[:40],
	}
}

func checkNoKey(t *testing.T, what, out string, raw []byte) {
	t.Helper()
	for form, r := range renderings(raw) {
		if strings.Contains(out, r) {
			t.Errorf("%s = %q holds the key bytes (%s)", what, out, form)
		}
	}
}

// TestKeyRedacted prints and encodes a Key in every way a program might, and
// checks the key bytes appear in none.
func TestKeyRedacted(t *testing.T) {
	raw := testKey(200) // bytes 200–231 render unlike anything else in the output
	k, err := pseudonym.NewKey(3, raw)
	if err != nil {
		t.Fatal(err)
	}
	type holder struct {
		Exported *pseudonym.Key
		Value    pseudonym.Key
		hidden   pseudonym.Key // fmt prints unexported fields by reflection, without calling methods
		hiddenP  *pseudonym.Key
	}
	h := holder{Exported: k, Value: *k, hidden: *k, hiddenP: k}
	outputs := map[string]string{
		"String()":   k.String(),
		"GoString()": k.GoString(),
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "% x", "%T"} {
		outputs["Sprintf("+verb+", k)"] = fmt.Sprintf(verb, k)
		outputs["Sprintf("+verb+", *k)"] = fmt.Sprintf(verb, *k)
		outputs["Sprintf("+verb+", holder)"] = fmt.Sprintf(verb, h)
	}
	for name, v := range map[string]any{"k": k, "*k": *k, "holder": h} {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%s): %v", name, err)
		}
		outputs["json.Marshal("+name+")"] = string(j)
	}
	type config struct{ K *pseudonym.Key }
	x, err := xml.Marshal(config{k})
	if err != nil {
		t.Fatal(err)
	}
	outputs["xml.Marshal"] = string(x)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("loaded", "key", k)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("loaded", "key", *k)
	outputs["slog"] = logged.String()
	outputs["error"] = fmt.Errorf("wrapped: %v", k).Error()

	for what, out := range outputs {
		checkNoKey(t, what, out, raw)
	}
	for _, what := range []string{"String()", "Sprintf(%x, k)", "json.Marshal(k)", "xml.Marshal", "slog"} {
		if !strings.Contains(outputs[what], "REDACTED") {
			t.Errorf("%s = %q, want it to say the key is redacted", what, outputs[what])
		}
	}
	if want := `{"version":3,"key":"[REDACTED]"}`; outputs["json.Marshal(k)"] != want {
		t.Errorf("json.Marshal(k) = %s, want %s", outputs["json.Marshal(k)"], want)
	}
	if k.Version() != 3 {
		t.Errorf("Version() = %d, want 3", k.Version())
	}
}

// TestPseudonymizerRedacted: a Pseudonymizer holds the key too; printing it
// shows the version only.
func TestPseudonymizerRedacted(t *testing.T) {
	raw := testKey(200)
	p := newPseudonymizer(t, 3, raw)
	if _, err := p.UserID("warm the pool"); err != nil {
		t.Fatal(err)
	}
	h := struct {
		P *pseudonym.Pseudonymizer
		p *pseudonym.Pseudonymizer
	}{p, p}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
		checkNoKey(t, "Sprintf("+verb+", p)", fmt.Sprintf(verb, p), raw)
		checkNoKey(t, "Sprintf("+verb+", holder)", fmt.Sprintf(verb, h), raw)
	}
}

// TestNewKeyText: 32 bytes that read as text are refused whatever the
// script and however the line ends (review: a passphrase saved with echo,
// with CRLF or holding one letter outside ASCII was taken as a key), and
// the error names the rule, never the bytes. Keys that are not text pass.
func TestNewKeyText(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		refused bool
	}{
		{"printable ASCII", "Correct-Horse-Battery-Staple-42!", true},
		{"echo of a passphrase", "Tr0ub4dor&3-horse-battery-stapl\n", true},
		{"passphrase, CRLF", "Tr0ub4dor&3-horse-battery-stap\r\n", true},
		{"passphrase with an umlaut", "Passwort-für-die-Pseudonyme-202", true},
		{"passphrase with a tab", "Tr0ub4dor&3\thorse-battery-staple", true},
		{"Greek passphrase", "Κωδικός-ψευδωνύμ1", true},
		{"emoji passphrase", "🔑🐴🔋📎-horse-battery-s", true},
		{"hex of 16 bytes, LF", "00112233445566778899aabbccddef\r\n", true},
		{"text after a byte-order mark", "\ufeffTr0ub4dor&3-horse-battery-sta", true},
		// Review: text not in UTF-8 was taken as a key.
		{"C string: a trailing NUL", "Tr0ub4dor&3-horse-battery-stapl\x00", true},
		{"text but one C1 control (U+0085)", "Tr0ub4dor&3-horse-battery-stap\u0085", true},
		{"text but one invalid byte", "Tr0ub4dor&3-horse-battery-stapl\xff", true},
		{"Windows-1252 with an umlaut, CRLF", "Passwort-f\xfcr-die-Pseudonyme-22\r\n", true},
		{"PowerShell 5.1 > file (UTF-16LE, BOM, CRLF)", utf16Text(false, "sunflowerjack\r\n"), true},
		{"UTF-16BE, BOM", utf16Text(true, "Tr0ub4dor&3-HQZ"), true},
		{"Greek in UTF-16LE, BOM", utf16Text(false, "Κωδικόςψευδωνύμ"), true},
		{"Greek in UTF-16BE, BOM, CRLF", utf16Text(true, "Κωδικόςψευδων\r\n"), true},
		// Not text: these are refused or taken for other reasons, not this one.
		{"the bytes 0 to 31 (control characters)", string(testKey(0)), false},
		{"the bytes 200 to 231 (not UTF-8)", string(testKey(200)), false},
		{"29 bytes of text, 3 not (a UTF-16 surrogate)", "Tr0ub4dor&3-horse-battery-sta\xed\xa0\x80", false},
		{"a UTF-16LE BOM before bytes that are not text", "\xff\xfe" + string(testKey(200)[2:]), false},
		{"a UTF-16BE BOM before CJK of many blocks", utf16Text(true, "\u4e80\u4f81\u5082\u5183\u5284\u5385\u5486\u5587\u5688\u5789\u588a\u598b\u5a8c\u5b8d\u5c8e"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.raw) != pseudonym.KeySize {
				t.Fatalf("the key is %d bytes", len(tt.raw))
			}
			k, err := pseudonym.NewKey(1, []byte(tt.raw))
			var ae *pseudonym.ArgumentError
			gotText := errors.As(err, &ae) && strings.HasPrefix(ae.Reason, "holds text")
			if diff := cmp.Diff(tt.refused, gotText); diff != "" {
				t.Errorf("refused as text (-want +got):\n%s\nNewKey = %v, %v", diff, k, err)
			}
			if tt.refused && k != nil {
				t.Errorf("NewKey returned a key with its error")
			}
			if err != nil {
				checkNoKey(t, "the error", err.Error(), []byte(tt.raw))
				for _, word := range []string{"Tr0ub4dor", "horse", "Passwort", "ψευδ", "🔑", "aabbcc", "sunflower"} {
					if strings.Contains(err.Error(), word) {
						t.Errorf("the error %q holds %q of the key", err, word)
					}
				}
			}
		})
	}
}

// utf16Text is s in UTF-16 after its byte-order mark, as Windows
// PowerShell 5.1 writes text to a file (little-endian unless be).
func utf16Text(be bool, s string) string {
	var b []byte
	for _, u := range append([]uint16{0xfeff}, utf16.Encode([]rune(s))...) {
		if be {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}
