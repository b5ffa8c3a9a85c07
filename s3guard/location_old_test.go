package s3guard

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// The location rules as they were before their one-pass forms: the
// differential test and fuzz target below hold the new forms to them.

func validateBucketNameOld(b string) error {
	fail := func(reason string) error { return locErr(RuleLocationBucketName, reason) }
	switch {
	case b == "":
		return fail(reasonBucketMissing)
	case len(b) < 3 || len(b) > 63:
		return fail(reasonBucketLength)
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return fail(reasonBucketChars)
		}
	}
	if !alnum(b[0]) || !alnum(b[len(b)-1]) {
		return fail(reasonBucketEnds)
	}
	if strings.Contains(b, "..") {
		return fail(reasonBucketDots)
	}
	if ipFormOld(b) {
		return fail(reasonBucketIP)
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(b, p) {
			return fail(reasonBucketPrefix)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(b, s) {
			return fail(reasonBucketSuffix)
		}
	}
	return nil
}

func ipFormOld(b string) bool {
	parts := strings.Split(b, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

func checkTextOld(s string) error {
	if !utf8.ValidString(s) {
		return locErr(RuleLocationEncoding, reasonEncoding)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return locErr(RuleLocationControlChar, reasonControlChar)
		}
	}
	return nil
}

func validateKeyOld(key string) error {
	if err := checkTextOld(key); err != nil {
		return err
	}
	if i := strings.IndexAny(key, "?#"); i >= 0 {
		if key[i] == '?' && presigned(key[i+1:]) {
			return locErr(RuleLocationQuery, reasonPresigned)
		}
		return locErr(RuleLocationKey, reasonKeyReserved)
	}
	if decoded := DecodeKey(key); decoded != key {
		if err := validateKeyOld(decoded); err != nil {
			return err
		}
	}
	return nil
}

func validateOld(l Location) error {
	if err := validateBucketNameOld(l.Bucket); err != nil {
		return err
	}
	if err := validateKeyOld(l.Key); err != nil {
		return err
	}
	if len(l.String()) > MaxLocationLength {
		return locErr(RuleLocationLength, reasonLength)
	}
	return nil
}

// ruleText is an error's message, "" for nil.
func ruleText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// locationRuleResults is every one-pass rule's answer for bucket and key,
// new or old.
func locationRuleResults(bucket, key string, old bool) []string {
	if old {
		return []string{ruleText(validateBucketNameOld(bucket)), ruleText(checkTextOld(key)), ruleText(validateKeyOld(key)),
			ruleText(validateOld(Location{Bucket: bucket, Key: key}))}
	}
	return []string{ruleText(ValidateBucketName(bucket)), ruleText(checkText(key)), ruleText(validateKey(key)),
		ruleText(Location{Bucket: bucket, Key: key}.Validate())}
}

func TestLocationRulesMatchOld(t *testing.T) {
	long := strings.Repeat("k", MaxLocationLength)
	for _, tt := range []struct{ bucket, key string }{
		{"", ""}, {"ab", "k"}, {"abc", ""}, {strings.Repeat("a", 63), "k"}, {strings.Repeat("a", 64), "k"},
		{"personalizetest-data", "interactions.csv"}, {"Bucket", "k"}, {"a_b", "k"}, {"-ab", "k"}, {"ab-", "k"}, {".ab", "k"},
		{"ab.", "k"}, {"a..b", "k"}, {"a.b.c", "k"}, {"192.168.5.4", "k"}, {"192.168.05.4", "k"}, {"1.2.3.4.5", "k"},
		{"1.2.3", "k"}, {"1.2.3.a", "k"}, {"1-2.3.4.5", "k"}, {"1.2.3-4.5", "k"}, {"123", "k"}, {"1.2.3.4", ""},
		{"xn--abc", "k"}, {"sthree-abc", "k"}, {"amzn-s3-demo-x", "k"}, {"amzn-s3-demo", "k"}, {"abc-s3alias", "k"},
		{"abc--ol-s3", "k"}, {"abc.mrap", "k"}, {"abc--x-s3", "k"}, {"abc--table-s3", "k"}, {"a-b.c-d", "k"}, {"a\x00b", "k"},
		{"abc", "in/"}, {"abc", "a b.csv"}, {"abc", "a?b"}, {"abc", "a#b"}, {"abc", "a?X-Amz-Signature=x"}, {"abc", "a%3Fb"},
		{"abc", "a%3FX-Amz-Signature%3Dx"}, {"abc", "a%2540b"}, {"abc", "a%"}, {"abc", "a%zz"}, {"abc", "a\x7fb"},
		{"abc", "a\x1fb"}, {"abc", "a\tb"}, {"abc", "caf\u00e9"}, {"abc", "a\u0085b"}, {"abc", "a\xffb"}, {"abc", "a%C2%85b"},
		{"abc", "a%00b"}, {"abc", "a%7Fb"}, {"abc", "~!$&'()*+,;=:@[]{}|\\^`\"<>"}, {"abc", long}, {"abc", long[:MaxLocationLength-9]},
		{"abc", long[:MaxLocationLength-8]}, {"abcd", long[:MaxLocationLength-9]},
	} {
		if diff := cmp.Diff(locationRuleResults(tt.bucket, tt.key, true), locationRuleResults(tt.bucket, tt.key, false)); diff != "" {
			t.Errorf("bucket %q key %q: new rules differ from old (-want +got):\n%s", tt.bucket, tt.key, diff)
		}
	}
}

func FuzzLocationRulesMatchOld(f *testing.F) {
	for _, s := range [][2]string{{"personalizetest-data", "interactions.csv"}, {"1.2.3.4", "a%3Fb"}, {"a..b", "caf\u00e9"},
		{"abc--x-s3", "a\x7f"}, {"xn--a", "a?X-Amz-Credential=x"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, bucket, key string) {
		if diff := cmp.Diff(locationRuleResults(bucket, key, true), locationRuleResults(bucket, key, false)); diff != "" {
			t.Errorf("bucket %q key %q: new rules differ from old (-want +got):\n%s", bucket, key, diff)
		}
	})
}
