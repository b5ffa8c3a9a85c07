package pseudonym_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// testKey returns the bytes 0, 1, ..., 31 plus offset: a fixed key whose
// pseudonyms the golden vectors below were computed for.
func testKey(offset byte) []byte {
	b := make([]byte, pseudonym.KeySize)
	for i := range b {
		b[i] = offset + byte(i)
	}
	return b
}

func newPseudonymizer(t testing.TB, version uint32, raw []byte) *pseudonym.Pseudonymizer {
	t.Helper()
	k, err := pseudonym.NewKey(version, raw)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pseudonym.New(k)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// reference computes a pseudonym straight from the scheme's definition, with
// crypto/hmac and encoding/base32, sharing no code with the package.
func reference(key []byte, kind byte, version uint32, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("personalizeguard-pseudonym-1"))
	m.Write([]byte{kind})
	m.Write(binary.BigEndian.AppendUint32(nil, version))
	m.Write([]byte(id))
	mac := base32.StdEncoding.EncodeToString(m.Sum(nil)[:20])
	return "p" + string(kind) + strconv.FormatUint(uint64(version), 10) + "_" + strings.ToLower(mac)
}

func pseudonymOf(p *pseudonym.Pseudonymizer, kind byte, id string) (string, error) {
	if kind == 's' {
		return p.SessionID(id)
	}
	return p.UserID(id)
}

// TestGoldenVectors pins the scheme: the expected values were computed
// outside Go (Python's hmac and base64 modules), so a change to the MAC
// input, the truncation or the encoding fails here.
func TestGoldenVectors(t *testing.T) {
	tests := []struct {
		keyOffset byte
		version   uint32
		kind      byte
		id        string
		want      string
		reason    string
	}{
		{0, 1, 'u', "customer-0001", "pu1_xjnmkry3g7cywnkcgyjbyv3jdcksthpi", "a typical user ID"},
		{0, 1, 's', "customer-0001", "ps1_dtkg6wqeho3q623jcjoo7ao4fs4xfqep", "the same string as a session"},
		{0, 2, 'u', "customer-0001", "pu2_a7h5kzzch6bfflz74iuhc2yu2hwvpotz", "the same key bytes under another version"},
		{128, 1, 'u', "customer-0001", "pu1_jahvwi2gw7fe4ioer7c2ns3qade55mrq", "another key"},
		{0, 1, 'u', "jane@example.com", "pu1_iuoyicfa3oxxrsjcutiuvunbqiwqurix", "an e-mail address"},
		{0, 4294967295, 'u', "\xff\xfe", "pu4294967295_km5c3zsecyanky5mhgxprbkgipkp7htv", "the largest version, bytes that are not UTF-8"},
		{0, 1, 'u', strings.Repeat("x", 64), "pu1_nqfqsm5jswq4bmkdnrzoceybx3kmv7n6", "a 64-byte ID: the MAC input spans two blocks"},
		{0, 7, 's', "sess-7f3a", "ps7_gizd3gbvx23xc4dfuhrfbspbfow2skd3", "a session ID under version 7"},
	}
	for _, tt := range tests {
		p := newPseudonymizer(t, tt.version, testKey(tt.keyOffset))
		got, err := pseudonymOf(p, tt.kind, tt.id)
		if err != nil || got != tt.want {
			t.Errorf("%s: pseudonym of %q = %q, %v; want %q", tt.reason, tt.id, got, err, tt.want)
		}
		if ref := reference(testKey(tt.keyOffset), tt.kind, tt.version, tt.id); ref != tt.want {
			t.Errorf("%s: the test's reference gives %q, want %q", tt.reason, ref, tt.want)
		}
	}
}

// ids returns IDs of every length from 1 to 300, a few long ones, and IDs
// that are not UTF-8 or hold NUL bytes.
func ids() []string {
	var out []string
	for n := 1; n <= 300; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + (i*7+n)%26)
		}
		out = append(out, string(b))
	}
	return append(out,
		strings.Repeat("y", 4096), strings.Repeat("z", 1<<16+3),
		"\xff", "\xc3\x28", "a\x00b", "\x00", "élodie", "e\u0301lodie", " ", "1,2", `"q"`, "line\nbreak")
}

var pseudonymForm = regexp.MustCompile(`^p[us][1-9][0-9]{0,9}_[a-z2-7]{32}$`)

// TestMatchesReference: for IDs of every length, both kinds and several
// versions, the package agrees with the reference, and the result has the
// documented form and fits Personalize's 1–256 bytes for userId and
// sessionId.
func TestMatchesReference(t *testing.T) {
	key := testKey(0)
	for _, version := range []uint32{1, 9, 10, 123456, 1<<32 - 1} {
		p := newPseudonymizer(t, version, key)
		for _, id := range ids() {
			for _, kind := range []byte{'u', 's'} {
				got, err := pseudonymOf(p, kind, id)
				if err != nil {
					t.Fatalf("pseudonym of a %d-byte ID: %v", len(id), err)
				}
				if want := reference(key, kind, version, id); got != want {
					t.Errorf("pseudonym (%c, v%d) of a %d-byte ID = %q, want %q", kind, version, len(id), got, want)
				}
				if !pseudonymForm.MatchString(got) || len(got) < pseudonym.MinLen || len(got) > pseudonym.MaxLen || len(got) > 256 {
					t.Errorf("pseudonym %q does not have the documented form and length", got)
				}
			}
		}
	}
}

func TestEmptyID(t *testing.T) {
	p := newPseudonymizer(t, 1, testKey(0))
	dst := []byte("keep")
	calls := []struct {
		name string
		call func() (string, error)
	}{
		{"UserID", func() (string, error) { return p.UserID("") }},
		{"SessionID", func() (string, error) { return p.SessionID("") }},
		{"AppendUserID", func() (string, error) { b, err := p.AppendUserID(dst, ""); return string(b), err }},
		{"AppendSessionID", func() (string, error) { b, err := p.AppendSessionID(dst, ""); return string(b), err }},
	}
	for _, c := range calls {
		got, err := c.call()
		var ae *pseudonym.ArgumentError
		if !errors.As(err, &ae) || ae.Field != "id" {
			t.Errorf("%s(\"\") error = %v, want an *ArgumentError for id", c.name, err)
		}
		want := ""
		if strings.HasPrefix(c.name, "Append") {
			want = "keep"
		}
		if got != want {
			t.Errorf("%s(\"\") = %q, want %q", c.name, got, want)
		}
	}
}

// TestSeparation: a pseudonym depends on the key, the version and the kind,
// each on its own; the MAC part differs too, not only the prefix.
func TestSeparation(t *testing.T) {
	const id = "customer-0001"
	base := newPseudonymizer(t, 1, testKey(0))
	user, _ := base.UserID(id)
	session, _ := base.SessionID(id)
	otherVersion, _ := newPseudonymizer(t, 2, testKey(0)).UserID(id)
	otherKey, _ := newPseudonymizer(t, 1, testKey(1)).UserID(id)
	otherID, _ := base.UserID(id + " ")
	mac := func(s string) string { return s[strings.IndexByte(s, '_')+1:] }
	tests := []struct {
		got    string
		reason string
	}{
		{session, "the same ID as a session"},
		{otherVersion, "the same key bytes under another version"},
		{otherKey, "another key"},
		{otherID, "another ID"},
	}
	for _, tt := range tests {
		if mac(tt.got) == mac(user) {
			t.Errorf("%s: MAC %q equals the user pseudonym's", tt.reason, mac(tt.got))
		}
	}
	again, _ := newPseudonymizer(t, 1, testKey(0)).UserID(id)
	if again != user {
		t.Errorf("a second Pseudonymizer with the same key gives %q, want %q", again, user)
	}
}

func TestAppend(t *testing.T) {
	p := newPseudonymizer(t, 3, testKey(0))
	dst := []byte("user=")
	got, err := p.AppendUserID(dst, "customer-0001")
	if err != nil {
		t.Fatal(err)
	}
	got, err = p.AppendSessionID(append(got, " session="...), "s-1")
	if err != nil {
		t.Fatal(err)
	}
	want := "user=" + reference(testKey(0), 'u', 3, "customer-0001") + " session=" + reference(testKey(0), 's', 3, "s-1")
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("AppendUserID, AppendSessionID mismatch (-want +got):\n%s", diff)
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		key    *pseudonym.Key
		reason string
	}{
		{nil, "a nil key"},
		{&pseudonym.Key{}, "the zero Key"},
	}
	for _, tt := range tests {
		p, err := pseudonym.New(tt.key)
		var ae *pseudonym.ArgumentError
		if p != nil || !errors.As(err, &ae) || ae.Field != "key" {
			t.Errorf("%s: New = %v, %v; want nil and an *ArgumentError for key", tt.reason, p, err)
		}
	}
}

// TestConcurrent runs many goroutines on one Pseudonymizer (run it with
// -race): every result equals the reference.
func TestConcurrent(t *testing.T) {
	key := testKey(5)
	p := newPseudonymizer(t, 4, key)
	all := ids()[:120]
	want := make([]string, len(all))
	for i, id := range all {
		want[i] = reference(key, 'u', 4, id)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for r := range 20 {
				i := (g*31 + r*7) % len(all)
				var got string
				if r%2 == 0 {
					got, _ = p.UserID(all[i])
				} else {
					buf, _ = p.AppendUserID(buf[:0], all[i])
					got = string(buf)
				}
				if got != want[i] {
					errs <- "goroutine " + strconv.Itoa(g) + ": got " + got + ", want " + want[i]
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestKeyVersionAndString(t *testing.T) {
	tests := []struct {
		name        string
		p           *pseudonym.Pseudonymizer
		wantVersion uint32
		want        string
	}{
		{"made with New", newPseudonymizer(t, 12, testKey(0)), 12, "pseudonym.Pseudonymizer{KeyVersion: 12}"},
		// A nil or zero Pseudonymizer is documented to fail with errors, not
		// panics: printing one in a start-up log must not crash the service.
		{"zero", &pseudonym.Pseudonymizer{}, 0, "pseudonym.Pseudonymizer{KeyVersion: 0}"},
		{"nil", nil, 0, "pseudonym.Pseudonymizer{KeyVersion: 0}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.KeyVersion(); got != tt.wantVersion {
				t.Errorf("KeyVersion() = %d, want %d", got, tt.wantVersion)
			}
			got := [2]string{tt.p.String(), tt.p.GoString()}
			if diff := cmp.Diff([2]string{tt.want, tt.want}, got); diff != "" {
				t.Errorf("String(), GoString() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAllocations holds the budget the guard relies on: no allocation to
// append into a buffer with room, one (the string) for UserID.
func TestAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	p := newPseudonymizer(t, 1, testKey(0))
	buf := make([]byte, 0, pseudonym.MaxLen)
	id64, id1000 := strings.Repeat("s", 64), strings.Repeat("u", 1000)
	tests := []struct {
		name string
		want float64
		f    func()
	}{
		{"AppendUserID, 20-byte ID", 0, func() { _, _ = p.AppendUserID(buf[:0], "customer-00000000001") }},
		{"AppendSessionID, 64-byte ID", 0, func() { _, _ = p.AppendSessionID(buf[:0], id64) }},
		{"AppendUserID, 1000-byte ID", 0, func() { _, _ = p.AppendUserID(buf[:0], id1000) }},
		{"UserID, 20-byte ID", 1, func() { _, _ = p.UserID("customer-00000000001") }},
		{"SessionID, 64-byte ID", 1, func() { _, _ = p.SessionID(id64) }},
	}
	for _, tt := range tests {
		if got := testing.AllocsPerRun(200, tt.f); got > tt.want {
			t.Errorf("%s: %v allocations per call, want at most %v", tt.name, got, tt.want)
		}
	}
}

// TestUnusablePseudonymizer: a nil or zero Pseudonymizer (a Policy field left
// unset, a struct literal) fails closed with an *ArgumentError instead of
// panicking in the caller's request path, and never returns a pseudonym.
func TestUnusablePseudonymizer(t *testing.T) {
	for name, p := range map[string]*pseudonym.Pseudonymizer{"nil": nil, "zero": {}} {
		dst := []byte("keep")
		calls := map[string]func() (string, error){
			"UserID":          func() (string, error) { return p.UserID("jane@example.com") },
			"SessionID":       func() (string, error) { return p.SessionID("jane@example.com") },
			"AppendUserID":    func() (string, error) { b, err := p.AppendUserID(dst, "jane@example.com"); return string(b), err },
			"AppendSessionID": func() (string, error) { b, err := p.AppendSessionID(dst, "jane@example.com"); return string(b), err },
		}
		for method, call := range calls {
			var got string
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s Pseudonymizer: %s panicked: %v", name, method, r)
					}
				}()
				got, err = call()
			}()
			var ae *pseudonym.ArgumentError
			if !errors.As(err, &ae) || ae.Field != "Pseudonymizer" {
				t.Errorf("%s Pseudonymizer: %s error = %v, want an *ArgumentError for Pseudonymizer", name, method, err)
			}
			if want := map[bool]string{true: "keep", false: ""}[strings.HasPrefix(method, "Append")]; got != want {
				t.Errorf("%s Pseudonymizer: %s = %q, want %q", name, method, got, want)
			}
			if err != nil && strings.Contains(err.Error(), "jane") {
				t.Errorf("%s Pseudonymizer: %s error %q repeats the ID", name, method, err)
			}
		}
		if v := p.KeyVersion(); v != 0 {
			t.Errorf("%s Pseudonymizer: KeyVersion() = %d, want 0", name, v)
		}
	}
}
