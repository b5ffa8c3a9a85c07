package personalize

import (
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/datascan"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

func TestWholeRecords(t *testing.T) {
	tests := []struct {
		name, in, want, reason string
	}{
		{"cut mid-record", "A,B\n1,2\n3,4", "A,B\n1,2\n", "the partial last record is dropped"},
		{"ends on a record", "A,B\n1,2\n", "A,B\n1,2\n", "nothing to drop"},
		{"line break inside quotes", "A,B\n1,\"x\ny\"\n3,\"p\nq", "A,B\n1,\"x\ny\"\n", "a newline inside a quoted field does not end a record"},
		{"doubled quotes", "A,B\n1,\"say \"\"hi\"\"\"\n2,\"open", "A,B\n1,\"say \"\"hi\"\"\"\n", "doubled quotes keep the quote state"},
		{"CRLF", "A,B\r\n1,2\r\n3,", "A,B\r\n1,2\r\n", "a CRLF record ends at its LF"},
		{"no complete record", "A,B,C", "", "a header cut short gives nothing, and the scan refuses it"},
		// A bare quote is not the start of a quoted field: read as one, it
		// held back every record after it, dirty ones included, and the
		// scan passed the records before it (datascan refuses the bare
		// quote once it reads it).
		{"bare quote", "A,B\n1,2\n3,x\"y\n4,dirty@example.com\n5,", "A,B\n1,2\n3,x\"y\n4,dirty@example.com\n", "a bare quote does not open a quoted field"},
		{"quote after a closing quote", "A,B\n1,\"a\"b\"\n2,c\n3,", "A,B\n1,\"a\"b\"\n2,c\n", "only a quote at a field's start opens one"},
		{"byte order mark", "\xef\xbb\xbf\"A\nB\",C\n1,2\n3", "\xef\xbb\xbf\"A\nB\",C\n1,2\n", "the byte order mark does not start the first field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in)), iotest.HalfReader(strings.NewReader(tt.in))} {
				got, err := io.ReadAll(&wholeRecords{src: r})
				if err != nil {
					t.Fatalf("ReadAll: %v", err)
				}
				if diff := cmp.Diff(tt.want, string(got)); diff != "" {
					t.Errorf("wholeRecords(%q) mismatch (-want +got), %s:\n%s", tt.in, tt.reason, diff)
				}
			}
		})
	}
}

// TestWholeRecordsBounded: a quote that never closes makes the rest of the
// range one partial record; wholeRecords held all of it back, in memory in
// proportion to ImportScanBytes, to give out nothing. It now stops at a
// record longer than datascan reads, which refuses it anyway.
func TestWholeRecordsBounded(t *testing.T) {
	src := io.MultiReader(strings.NewReader("A,B\n1,\""), io.LimitReader(neverEnding('x'), 64<<20))
	r := &wholeRecords{src: src}
	got, err := io.ReadAll(r)
	if !errors.Is(err, datascan.ErrRecordTooLong) {
		t.Fatalf("wholeRecords over an unclosed quote: err = %v, want %v", err, datascan.ErrRecordTooLong)
	}
	if string(got) != "A,B\n" {
		t.Errorf("gave out %q, want the header", got)
	}
	if c := cap(r.buf); c > 4<<20 {
		t.Errorf("held %d bytes, want at most about %d", c, maxHeldRecord)
	}
}

type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func TestWholeRecordsError(t *testing.T) {
	_, err := io.ReadAll(&wholeRecords{src: iotest.ErrReader(iotest.ErrTimeout)})
	if err != iotest.ErrTimeout {
		t.Errorf("wholeRecords over a failing reader = %v, want %v", err, iotest.ErrTimeout)
	}
}

func TestSpread(t *testing.T) {
	objs := func(keys ...string) []sourceObject {
		out := make([]sourceObject, len(keys))
		for i, k := range keys {
			out[i] = sourceObject{key: k}
		}
		return out
	}
	keys := func(os []sourceObject) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.key)
		}
		return out
	}
	first := func(int) int { return 0 }
	tests := []struct {
		name string
		in   []sourceObject
		n    int
		want []string
	}{
		{"fewer than n: all", objs("a", "b"), 8, []string{"a", "b"}},
		{"one of many: the one drawn", objs("a", "b", "c"), 1, []string{"a"}},
		{"two of many: first and last", objs("0", "1", "2", "3", "4", "5", "6"), 2, []string{"0", "6"}},
		// Floyd's draw with pick always 0: middle positions 0, then 6 and 7
		// (a repeat takes j).
		{"five of ten", objs("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), 5, []string{"0", "1", "7", "8", "9"}},
		{"three of seven", objs("0", "1", "2", "3", "4", "5", "6"), 3, []string{"0", "1", "6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, keys(spread(tt.in, tt.n, first))); diff != "" {
				t.Errorf("spread(%d) mismatch (-want +got):\n%s", tt.n, diff)
			}
		})
	}
	// With the real draw: n distinct objects in listing order, the first and
	// the last among them, and every middle object drawn in some sample.
	all := objs("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
	seen := map[string]bool{}
	for range 200 {
		got := keys(spread(all, 4, rand.IntN))
		if len(got) != 4 || got[0] != "0" || got[3] != "9" || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != 4 {
			t.Fatalf("spread(4) = %v: want 4 distinct objects in order, first and last included", got)
		}
		for _, k := range got {
			seen[k] = true
		}
	}
	if len(seen) != len(all) {
		t.Errorf("200 draws of 4 of 10 read %d distinct objects, want all 10", len(seen))
	}
}

func TestImportScanPolicy(t *testing.T) {
	tests := []struct {
		name         string
		p            Policy
		bytes        int64
		objects      int
		field, error string
	}{
		{name: "defaults", bytes: DefaultImportScanBytes, objects: DefaultImportScanObjects},
		{name: "set", p: Policy{ImportScanBytes: 1 << 20, ImportScanObjects: 2}, bytes: 1 << 20, objects: 2},
		{name: "negative bytes", p: Policy{ImportScanBytes: -1}, field: "ImportScanBytes"},
		{name: "negative objects", p: Policy{ImportScanObjects: -1}, field: "ImportScanObjects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.p.validate(testRegion)
			if tt.field != "" {
				var ce *ConfigError
				if !errors.As(err, &ce) || ce.Field != tt.field {
					t.Fatalf("validate() = %v, want a *ConfigError for %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.importScanBytes != tt.bytes || s.importScanObjects != tt.objects {
				t.Errorf("bounds = %d bytes, %d objects, want %d, %d", s.importScanBytes, s.importScanObjects, tt.bytes, tt.objects)
			}
		})
	}
}

type checkOnlyS3 struct{ s3guard.CheckAPIClient }
type describeOnly struct{ DescribeAPIClient }

func TestImportScanClients(t *testing.T) {
	tests := []struct {
		name  string
		p     Policy
		field string // of the *ConfigError; "" for none
	}{
		{"SDK-shaped clients", Policy{S3Client: nopS3{}, PersonalizeClient: nopDescriber{}}, ""},
		{"S3 client that cannot read objects", Policy{S3Client: checkOnlyS3{}, PersonalizeClient: nopDescriber{}}, "S3Client"},
		{"Personalize client that cannot read schemas", Policy{S3Client: nopS3{}, PersonalizeClient: describeOnly{}}, "PersonalizeClient"},
		{"both, scan off", Policy{S3Client: checkOnlyS3{}, PersonalizeClient: describeOnly{}, InsecureSkipImportScan: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.p.KMSClient = nopKMS{}
			_, err := NewGuard(aws.Config{Region: testRegion}, tt.p)
			var ce *ConfigError
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("NewGuard() = %v, want no error", err)
			case tt.field != "" && (!errors.As(err, &ce) || ce.Field != tt.field):
				t.Fatalf("NewGuard() = %v, want a *ConfigError for %s", err, tt.field)
			}
		})
	}
}
