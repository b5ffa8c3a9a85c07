package s3guard

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// TestObjectName: an object is named by its key unless the key, as written
// or percent-decoded, holds an identifying value (then by its place in the
// listing, or by nothing at all), and a key that would rewrite a terminal
// is quoted.
func TestObjectName(t *testing.T) {
	tests := []struct {
		name string
		key  string
		n    int
		det  *sensitive.Detector
		want string
	}{
		{"plain key", "imports/part-0.csv", 0, nil, "s3://b/imports/part-0.csv"},
		{"e-mail in the key, place known", "exports/jane.doe@example.com.csv", 2, nil, "s3://b/(object 3 of the listing: its key holds an identifying value)"},
		{"e-mail in the key, no place", "exports/jane.doe@example.com.csv", -1, nil, "s3://b/(an object whose key holds an identifying value)"},
		{"percent-encoded e-mail", "exports/jane.doe%40example.com.csv", 0, nil, "s3://b/(object 1 of the listing: its key holds an identifying value)"},
		{"line break", "a\nb.csv", 0, nil, `s3://b/"a\nb.csv"`},
		{"terminal escape", "a\x1b[2Jb.csv", 0, nil, `s3://b/"a\x1b[2Jb.csv"`},
		{"bidirectional override", "a\u202eb.csv", 0, nil, `s3://b/"a\u202eb.csv"`},
		{"not UTF-8", "a\xffb.csv", 0, nil, `s3://b/"a\xffb.csv"`},
		{"the given detector", "exports/jane.doe@example.com.csv", 0, cardsOnly(t), "s3://b/exports/jane.doe@example.com.csv"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, ObjectName("b", tt.key, tt.n, tt.det)); diff != "" {
			t.Errorf("%s: ObjectName (-want +got):\n%s", tt.name, diff)
		}
	}
}

func cardsOnly(t *testing.T) *sensitive.Detector {
	t.Helper()
	d, err := sensitive.New(func(o *sensitive.Options) { o.Kinds = []sensitive.Kind{sensitive.CreditCard} })
	if err != nil {
		t.Fatal(err)
	}
	return d
}
