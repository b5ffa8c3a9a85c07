package securetransport

import (
	"strings"
	"testing"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// FuzzAuthorizationMemo holds the memo of the last Authorization head to
// the full shape check and scan: whatever value came before, each value
// gets the answer authorizationReference gives it.
func FuzzAuthorizationMemo(f *testing.F) {
	head := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/personalize/aws4_request, SignedHeaders=host;x-amz-date, Signature="
	sig := strings.Repeat("0a", 32)
	f.Add(head+sig, head+strings.Repeat("f1", 32))
	f.Add(head+sig, head+"jane.doe@example.com"+sig[20:])
	f.Add(head+sig, head+sig+", Signature="+sig)
	f.Add("", head+sig)
	f.Fuzz(func(t *testing.T, first, second string) {
		var clean CleanTexts
		det := sensitive.Default()
		for _, v := range []string{first, second, first} {
			if got, want := clean.authorizationOK(v, det), authorizationReference(v, det); got != want {
				t.Fatalf("authorizationOK(%q) = %v, want %v", v, got, want)
			}
		}
	})
}

// FuzzRetryMetrics holds retryMetrics to its grammar, read part by part:
// "; "-separated key=value pairs, attempt and max of 1–6 digits, ttl an
// X-Amz-Date.
func FuzzRetryMetrics(f *testing.F) {
	for _, v := range []string{"attempt=1; max=3", "attempt=2; max=3; ttl=20261129T150405Z", "", "attempt=1; ", "; ", "attempt=1;max=3",
		"attempt=1234567", "attempt=123456; max=1", "max=1; attempt=2", "ttl=20261129T150405Z", "ttl=20261129T150405Z1", "attempt=", "attempt=1=2",
		"attempt=1;  max=3", "attempt=1; max=3;", "attempt=1; ttl=20261129T150405Z; ttl=20261129T150405Z", "attempt=0x1"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		want := true
		for _, part := range strings.Split(v, "; ") {
			k, val, ok := strings.Cut(part, "=")
			switch {
			case ok && (k == "attempt" || k == "max"):
				want = want && val != "" && len(val) <= 6 && strings.Trim(val, "0123456789") == ""
			case ok && k == "ttl":
				want = want && amzDate(val)
			default:
				want = false
			}
		}
		if got := retryMetrics(v); got != want || referenceRetryMetrics(v) != want {
			t.Fatalf("retryMetrics(%q) = %v, want %v (reference %v)", v, got, want, referenceRetryMetrics(v))
		}
	})
}

// FuzzUntracedTraceHeaders: whatever a tracestate or Datadog tags header
// holds, a field after it that is no tracer ID, the name before one, or a
// second copy of one, is left for the detector.
func FuzzUntracedTraceHeaders(f *testing.F) {
	for _, v := range []string{"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", "dd=s:1;p:4111111111111111", "ot=rv:41111111111111", "_dd.p.tid=619a4d5ea942b46f", "", "=", ",;:", " \t,"} {
		f.Add(v)
	}
	const email = "jane.doe@example.com"
	f.Fuzz(func(t *testing.T, v string) {
		if got := untracedState(v + ";u:" + email); !strings.Contains(got, email) {
			t.Fatalf("untracedState(%q) = %q: the e-mail was set aside", v+";u:"+email, got)
		}
		// A field's name, before the colon, is the application's: only
		// the ID after it is set aside.
		if got := untracedState(v + ";" + email + ":00f067aa0ba902b7"); !strings.Contains(got, email) {
			t.Fatalf("untracedState(%q) = %q: the e-mail was set aside", v+";"+email+":00f067aa0ba902b7", got)
		}
		// Only a tracer's member loses anything, and only an ID of its
		// shape: an application's member with an ID's shape stays.
		const card = "4111111111111111"
		if got := untracedState(v + ",acct=" + card); !strings.Contains(got, "acct="+card) {
			t.Fatalf("untracedState(%q) = %q: the application's member was set aside", v+",acct="+card, got)
		}
		// Each ID is set aside once: of a tracer's ID given twice after
		// whatever v holds, one copy at least is left.
		for _, twice := range []string{",dd=p:" + card + ";p:" + card, ",dd=p:" + card + ",dd=p:" + card, ",ot=rv:" + card[:14] + ";rv:" + card[:14]} {
			if got := untracedState(v + twice); !strings.Contains(got, card[:14]) {
				t.Fatalf("untracedState(%q) = %q: both copies were set aside", v+twice, got)
			}
		}
		if got := untracedDatadogTags(v + ",_dd.p.tid=" + card + ",_dd.p.tid=" + card); !strings.Contains(got, card) {
			t.Fatalf("untracedDatadogTags(%q) = %q: both copies were set aside", v, got)
		}
		if got := untracedState(v + "," + email); !strings.Contains(got, email) {
			t.Fatalf("untracedState(%q) = %q: the e-mail was set aside", v+","+email, got)
		}
		if got := untracedDatadogTags(v + ",_dd.p.usr=" + email); !strings.Contains(got, email) {
			t.Fatalf("untracedDatadogTags(%q) = %q: the e-mail was set aside", v, got)
		}
		if got := untracedDatadogID(v); got != "" && got != v {
			t.Fatalf("untracedDatadogID(%q) = %q: neither all nor nothing", v, got)
		}
	})
}

// FuzzLowerHex holds lowerHex, eight bytes at a time, to allOf's byte
// table.
func FuzzLowerHex(f *testing.F) {
	for _, s := range []string{"", "0123456789abcdef", "0123456789abcdeF", "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024", "/:`g@G", "0123456\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := lowerHex(s), allOf(s, classLowerHex); got != want {
			t.Fatalf("lowerHex(%q) = %v, want %v", s, got, want)
		}
	})
}
