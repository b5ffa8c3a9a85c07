package pseudonym_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// appendBytesOf is pseudonymOf through AppendUserIDBytes and
// AppendSessionIDBytes, appending after a prefix that must stay.
func appendBytesOf(p *pseudonym.Pseudonymizer, kind byte, id string) (string, error) {
	dst := []byte("prefix,")
	var out []byte
	var err error
	if kind == 's' {
		out, err = p.AppendSessionIDBytes(dst, []byte(id))
	} else {
		out, err = p.AppendUserIDBytes(dst, []byte(id))
	}
	if !bytes.HasPrefix(out, []byte("prefix,")) {
		return "", errors.New("the prefix was lost")
	}
	return string(out[len("prefix,"):]), err
}

// TestAppendBytesMatchesString wants the bytes forms to give what the
// string forms give, errors included.
func TestAppendBytesMatchesString(t *testing.T) {
	p := newPseudonymizer(t, 7, testKey(0))
	for _, tt := range []struct {
		name string
		id   string
	}{
		{"empty", ""},
		{"short", "u1"},
		{"e-mail", "jane@example.com"},
		{"invalid UTF-8", "\xff\xfe"},
		{"NUL", "a\x00b"},
		{"one chunk and more", strings.Repeat("x", 300)},
		{"long", strings.Repeat("0123456789", 100)},
	} {
		for _, kind := range []byte{'u', 's'} {
			t.Run(tt.name+"/"+string(kind), func(t *testing.T) {
				want, werr := pseudonymOf(p, kind, tt.id)
				got, err := appendBytesOf(p, kind, tt.id)
				if (werr == nil) != (err == nil) || (werr != nil && werr.Error() != err.Error()) {
					t.Fatalf("error %v, want %v", err, werr)
				}
				if werr != nil {
					return
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("pseudonym mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestAppendBytesAllocs: the bytes forms allocate nothing when dst has room.
func TestAppendBytesAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector empties sync.Pool at random")
	}
	p := newPseudonymizer(t, 1, testKey(0))
	id := []byte("customer-0001")
	dst := make([]byte, 0, pseudonym.MaxLen)
	p.AppendUserIDBytes(dst, id) // fill the pool
	if n := testing.AllocsPerRun(100, func() {
		if _, err := p.AppendUserIDBytes(dst[:0], id); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("AppendUserIDBytes: %v allocations, want 0", n)
	}
}
