package s3guard

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

var (
	allRules = []string{
		RuleLocationEmpty, RuleLocationLength, RuleLocationControlChar, RuleLocationEncoding, RuleLocationScheme,
		RuleLocationInsecureScheme, RuleLocationCredentials, RuleLocationQuery, RuleLocationFragment, RuleLocationHost,
		RuleLocationBucketName, RuleLocationKey,
	}
	allReasons = []string{
		reasonEmpty, reasonLength, reasonControlChar, reasonEncoding, reasonNoScheme, reasonSchemeCase, reasonScheme,
		reasonInsecureScheme, reasonCredentials, reasonPresigned, reasonQuery, reasonFragment, reasonPort, reasonHost,
		reasonBucketMissing, reasonBucketLength, reasonBucketChars, reasonBucketEnds, reasonBucketDots, reasonBucketIP,
		reasonBucketPrefix, reasonBucketSuffix, reasonKeyEscape, reasonKeyReserved,
	}
)

func FuzzParseLocation(f *testing.F) {
	for _, s := range []string{
		"", "s3://amzn-data", "s3://amzn-data/in/", "s3://amzn-data/in/a.csv",
		"https://amzn-data.s3.us-east-1.amazonaws.com/a%20b.csv", "https://s3.amazonaws.com/amzn-data/k",
		"https://amzn-data.s3-fips.dualstack.us-east-1.amazonaws.com/k",
		"s3://AKIAIOSFODNN7EXAMPLE:hunter2@amzn-data/k", "https://user:hun/ter2@amzn-data.s3.amazonaws.com/k",
		"https://amzn-data.s3.amazonaws.com/k?X-Amz-Signature=hunter2", "http://amzn-data.s3.amazonaws.com/k",
		"s3://amzn-data/k#frag", "s3://192.168.5.4/k", "https://s3.amazonaws.com/amzn-data/%FF", "s3://amzn-data/\x00",
		"https://a.s3.s3.s3.amazonaws.com.cn/", "S3://x", "s3://xn--abc/k",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		loc, err := ParseLocation(s)
		loc2, err2 := ParseLocation(s)
		if loc != loc2 || (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("ParseLocation(%q) is not deterministic", s)
		}
		if err != nil {
			var le *LocationError
			if !errors.As(err, &le) {
				t.Fatalf("ParseLocation(%q) error is %T, want *LocationError", s, err)
			}
			// The message is built from fixed strings only, so it cannot
			// carry any part of the input.
			if !slices.Contains(allRules, le.Rule) || !slices.Contains(allReasons, le.Reason) {
				t.Fatalf("ParseLocation(%q) error %q has an unknown rule or reason", s, err)
			}
			if want := "s3guard: invalid S3 location (" + le.Rule + "): " + le.Reason; err.Error() != want {
				t.Fatalf("ParseLocation(%q) message %q, want %q", s, err, want)
			}
			if ui := userinfo(s); len(ui) >= 4 && strings.Contains(err.Error(), ui) {
				t.Fatalf("ParseLocation(%q) error echoes the userinfo", s)
			}
			if i := strings.IndexByte(s, '?'); i >= 0 && len(s)-i > 4 && strings.Contains(err.Error(), s[i:]) {
				t.Fatalf("ParseLocation(%q) error echoes the query", s)
			}
			if loc != (Location{}) {
				t.Fatalf("ParseLocation(%q) returned %v with an error", s, loc)
			}
			return
		}
		if strings.Contains(s, "@") && strings.Contains(strings.SplitN(strings.SplitN(s, "://", 2)[1], "/", 2)[0], "@") {
			t.Fatalf("ParseLocation(%q) accepted userinfo", s)
		}
		if strings.ContainsAny(s, "?#") {
			t.Fatalf("ParseLocation(%q) accepted a query or fragment", s)
		}
		if err := loc.Validate(); err != nil {
			t.Fatalf("ParseLocation(%q) = %v, whose Validate() = %v", s, loc, err)
		}
		back, err := ParseLocation(loc.String())
		if err != nil || back != loc {
			t.Fatalf("ParseLocation(%q) = %v; round trip through %q gives %v, %v", s, loc, loc.String(), back, err)
		}
		if len(loc.String()) > MaxLocationLength {
			t.Fatalf("ParseLocation(%q).String() is %d bytes", s, len(loc.String()))
		}
	})
}

// userinfo returns what sits between "://" and the last '@' before the path,
// a superset of a URL's user information.
func userinfo(s string) string {
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return ""
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		return rest[:i]
	}
	return ""
}
