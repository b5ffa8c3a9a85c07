package securetransport

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// headerNames are names the SDK, the tracers and hooks write, and near
// misses of them: other cases, a character more or less.
var headerNames = []string{
	"Content-Type", "User-Agent", "X-Amz-User-Agent", "X-Amz-Target", "X-Amz-Security-Token",
	"Authorization", "X-Amz-Date", "X-Amz-Content-Sha256", "Amz-Sdk-Invocation-Id", "Amz-Sdk-Request", "Content-Length",
	"X-Amzn-Trace-Id", "Traceparent", "X-B3-Traceid", "X-B3-Spanid", "X-B3-Parentspanid", "B3", "Tracestate",
	"X-Datadog-Trace-Id", "X-Datadog-Parent-Id", "X-Datadog-Tags", "Baggage", "Accept", "Host", "Transfer-Encoding",
	"content-type", "authorization", "AUTHORIZATION", "X-amz-date", "x-amz-date", "b3", "traceparent", "TraceParent",
	"X-B3-TraceId", "X-Amz-Target ", " X-Amz-Target", "X-Amz-Targets", "Content-Lengt", "Content_Length", "",
	"-", "--", "A-", "-a", "A--B", "a-B", "X-Amz-Meta-1a", "X-Amz-Meta-1A", "1a", "Bad Name", "X_Custom", "x_custom",
	"Ünicode", "0A ", "a B", "A b", "X-Jane.doe@example.com", "X-Customer", "\x00", "Content-Type\n",
}

func funcPointer(f any) uintptr {
	v := reflect.ValueOf(f)
	if v.IsNil() {
		return 0
	}
	return v.Pointer()
}

// checkHeaderKind holds what the gate reads from headerKindOf(name) to
// what the three switches it replaced answered (reference_test.go), and a
// known name to canonical form.
func checkHeaderKind(t *testing.T, name string) {
	t.Helper()
	kind := headerKindOf(name)
	shape, computed := computedHeader(name)
	untraced := traceHeaders(name)
	if kind.computed() != computed || funcPointer(kindShape[kind]) != funcPointer(shape) {
		t.Errorf("%q: computed %v, want %v, or another shape", name, kind.computed(), computed)
	}
	if funcPointer(untracedBy[kind]) != funcPointer(untraced) {
		t.Errorf("%q: another tracing function than traceHeaders'", name)
	}
	if got, want := kind.sdkScanned() || kind == hdrSecurityToken, sdkHeaderName(name); got != want {
		t.Errorf("%q: an SDK name %v, want %v", name, got, want)
	}
	if got, want := kind == hdrOther, untraced == nil && !computed && !sdkHeaderName(name); got != want {
		t.Errorf("%q: name scanned %v, want %v", name, got, want)
	}
	if (kind == hdrSecurityToken) != (name == "X-Amz-Security-Token") || (kind == hdrAuthorization) != (name == "Authorization") {
		t.Errorf("%q: kind %d", name, kind)
	}
	if kind != hdrOther && http.CanonicalHeaderKey(name) != name {
		t.Errorf("%q: a known name out of canonical form", name)
	}
	if got, want := canonicalName(name), http.CanonicalHeaderKey(name) == name; got != want {
		t.Errorf("canonicalName(%q) = %v, want %v", name, got, want)
	}
}

// TestHeaderKindMatchesReference: the one switch that classifies a header
// gives every check the answer the three switches it replaced gave, and
// canonicalName is net/http's own verdict.
func TestHeaderKindMatchesReference(t *testing.T) {
	for _, name := range headerNames {
		checkHeaderKind(t, name)
	}
	for _, p := range headerPool {
		checkHeaderKind(t, p.name)
	}
}

func FuzzHeaderKind(f *testing.F) {
	for _, name := range headerNames {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		checkHeaderKind(t, name)
	})
}

// TestLowerHexEveryByte: lowerHex agrees with allOf for every byte value at
// every position of a word, and in the tail after the words; and at every
// position of a signature's 64 bytes (signatureHex) and of the lengths
// around it, which take the loop.
func TestLowerHexEveryByte(t *testing.T) {
	sig := strings.Repeat("0123456789abcdef", 4)
	for _, base := range []string{"0123456789abcdef0123456789abcdef0", sig, sig[1:], sig + "a"} {
		for i := range base {
			for c := range 256 {
				s := []byte(base)
				s[i] = byte(c)
				if got, want := lowerHex(string(s)), allOf(string(s), classLowerHex); got != want {
					t.Fatalf("lowerHex of %d bytes with byte %#x at %d = %v, want %v", len(base), c, i, got, want)
				}
			}
		}
	}
}

// TestWordShapesEveryByte: amzDate and uuidShape, a word at a time, agree
// with the byte-by-byte reading they replaced (reference_test.go) for
// every byte value at every position of a valid value, and for the
// lengths around it.
func TestWordShapesEveryByte(t *testing.T) {
	for _, tt := range []struct {
		name      string
		valid     string
		got, want func(string) bool
	}{
		{"amzDate", "20261129T233136Z", amzDate, referenceAmzDate},
		{"uuidShape", "61adcc5a-41d8-4eea-BECF-8402850e6e53", uuidShape, referenceUUIDShape},
	} {
		if !tt.got(tt.valid) {
			t.Fatalf("%s(%q) = false", tt.name, tt.valid)
		}
		for i := range tt.valid {
			for c := range 256 {
				b := []byte(tt.valid)
				b[i] = byte(c)
				if got, want := tt.got(string(b)), tt.want(string(b)); got != want {
					t.Fatalf("%s(%q) = %v, want %v", tt.name, b, got, want)
				}
			}
		}
		for _, v := range []string{"", tt.valid[1:], tt.valid + "0", tt.valid[:len(tt.valid)-1] + "-"} {
			if got, want := tt.got(v), tt.want(v); got != want {
				t.Fatalf("%s(%q) = %v, want %v", tt.name, v, got, want)
			}
		}
	}
}

func FuzzWordShapes(f *testing.F) {
	for _, s := range []string{"20261129T233136Z", "61adcc5a-41d8-4eea-becf-8402850e6e53", "2026112xT233136Z", "61adcc5a-41d8-4eea-becf-8402850e6e5g", "",
		strings.Repeat("0123456789abcdef", 4), strings.Repeat("0123456789abcdef", 3) + "0123456789abcde\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := amzDate(s), referenceAmzDate(s); got != want {
			t.Fatalf("amzDate(%q) = %v, want %v", s, got, want)
		}
		if got, want := uuidShape(s), referenceUUIDShape(s); got != want {
			t.Fatalf("uuidShape(%q) = %v, want %v", s, got, want)
		}
		if got, want := lowerHex(s), allOf(s, classLowerHex); got != want {
			t.Fatalf("lowerHex(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestCleanAt: a place's last clean value answers for itself only, an
// identifying value is refused every time whatever came before it, and
// values that change every call once the memo is full (a request ID in a
// header the SDK writes) add no copy per call.
func TestCleanAt(t *testing.T) {
	det := sensitive.Default()
	var c CleanTexts
	for i, tt := range []struct {
		value string
		want  bool
	}{
		{"aws-sdk-go-v2/1.48.0", true},
		{"aws-sdk-go-v2/1.48.0", true},
		{"app/jane.doe@example.com", false},
		{"aws-sdk-go-v2/1.48.0", true},
		{"app/jane.doe@example.com", false},
		{"aws-sdk-go-v2/1.48.1", true},
		{"", true},
	} {
		if got := c.cleanAt(lastSlot(hdrUserAgent), tt.value, det); got != tt.want {
			t.Fatalf("value %d: cleanAt(%q) = %v, want %v", i, tt.value, got, tt.want)
		}
	}
	if p := c.last[lastSlot(hdrUserAgent)].Load(); p == nil || *p != "aws-sdk-go-v2/1.48.1" {
		t.Fatalf("the place's last value is %v, want the last one the memo took in", p)
	}
	for i := range maxCleanTexts {
		c.Add("filler-" + strconv.Itoa(i))
	}
	values := []string{"request-a", "request-b"}
	i := 0
	if allocs := testing.AllocsPerRun(100, func() {
		if !c.cleanAt(lastSlot(hdrUserAgent), values[i%2], det) {
			t.Fatal("a clean value refused")
		}
		i++
	}); allocs != 0 {
		t.Errorf("cleanAt with the memo full: %v allocations per call, want 0", allocs)
	}
}
