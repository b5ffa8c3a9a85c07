package s3guard

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRed26bLocationRulesMatchOldEdges holds the one-pass bucket, key and
// location rules to the old ones on the edges a careless rewrite misses:
// IP forms with a letter, hyphen or fifth part, leading zeros, 63/64
// bytes with dots, the reserved prefixes and suffixes exactly and one byte
// off, encoded slashes and '?', overlong and truncated UTF-8 (raw and
// encoded), DEL and C1 controls at the very end, and the length bound met
// by an https-decoded key.
func TestRed26bLocationRulesMatchOldEdges(t *testing.T) {
	b63 := strings.Repeat("a", 30) + "." + strings.Repeat("b", 32)
	for _, tt := range []struct{ bucket, key string }{
		{"1.2.3.4", "k"}, {"001.002.003.004", "k"}, {"1.2.3.4a", "k"}, {"a1.2.3.4", "k"}, {"1.2.3.4-", "k"}, {"1-2.3.4", "k"},
		{"1.2.3.4.5", "k"}, {"1.2.34", "k"}, {"9.9.9.9", "k"}, {"999.999.999.999", "k"}, {"1.2.3.x", "k"},
		{b63, "k"}, {b63 + "c", "k"}, {strings.Repeat("a.", 31) + "a", "k"}, {strings.Repeat("a.", 31) + "ab", "k"},
		{"xn--", "k"}, {"xn-a", "k"}, {"xn--a", "k"}, {"axn--a", "k"}, {"sthree-", "k"}, {"sthree-a", "k"}, {"sthreea", "k"},
		{"amzn-s3-demo-", "k"}, {"amzn-s3-demo-a", "k"}, {"amzn-s3-demoa", "k"},
		{"-s3alias", "k"}, {"a-s3alias", "k"}, {"a-s3aliasa", "k"}, {"s3alias", "k"}, {"a--ol-s3", "k"}, {"a-ol-s3", "k"},
		{"a.mrap", "k"}, {"amrap", "k"}, {"a--x-s3", "k"}, {"a-x-s3", "k"}, {"a--table-s3", "k"}, {"a-table-s3", "k"},
		{"a.-b", "k"}, {"a-.b", "k"}, {"a...b", "k"}, {"abc", "a%2Fb"}, {"abc", "a%2fb"}, {"abc", "%3F"}, {"abc", "a%3f"},
		{"abc", "a%253Fb"}, {"abc", "%23"}, {"abc", "a?"}, {"abc", "a?x"}, {"abc", "a?X-Amz-Signature"},
		{"abc", "a\xc0\xaf"}, {"abc", "a%C0%AF"}, {"abc", "a%c0%af"}, {"abc", "a\xe0\x80\xaf"}, {"abc", "a%E0%80%AF"},
		{"abc", "a\xed\xa0\x80"}, {"abc", "a%ED%A0%80"}, {"abc", "a\xc2"}, {"abc", "a%C2"}, {"abc", "a%C2%8"},
		{"abc", "k\x7f"}, {"abc", "k%7F"}, {"abc", "k\u009f"}, {"abc", "k%C2%9F"}, {"abc", "k\u00a0"}, {"abc", "k%C2%A0"},
		{"abc", "k\u2028"}, {"abc", "k%E2%80%A8"}, {"abc", "\x00"}, {"abc", "%"}, {"abc", "%%"}, {"abc", "%2"},
		{"abc", strings.Repeat("%41", 83)}, {"abc", strings.Repeat("%41", 82) + "a"},
	} {
		if diff := cmp.Diff(locationRuleResults(tt.bucket, tt.key, true), locationRuleResults(tt.bucket, tt.key, false)); diff != "" {
			t.Errorf("bucket %q key %q: new rules differ from old (-want +got):\n%s", tt.bucket, tt.key, diff)
		}
	}
}
