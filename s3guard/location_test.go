package s3guard

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Canaries planted in rejected locations: none may reach an error message.
var canaries = []string{"AKIAIOSFODNN7EXAMPLE", "hunter2", "canary-bkt", "secret-key.csv"}

func TestParseLocationAccepts(t *testing.T) {
	tests := []struct {
		in     string
		want   Location
		prefix bool
		reason string
	}{
		{"s3://amzn-data", Location{"amzn-data", ""}, true, "a bare bucket is the whole bucket"},
		{"s3://amzn-data/", Location{"amzn-data", ""}, true, "a trailing slash on the bucket changes nothing"},
		{"s3://amzn-data/items.csv", Location{"amzn-data", "items.csv"}, false, "one object"},
		{"s3://amzn-data/imports/2024/", Location{"amzn-data", "imports/2024/"}, true, "a folder ends in /"},
		{"s3://my.dotted.bucket/a b.csv", Location{"my.dotted.bucket", "a b.csv"}, false, "dots in bucket names, spaces in keys"},
		{"s3://amzn-data//double", Location{"amzn-data", "/double"}, false, "a key may start with /"},
		{"s3://amzn-data/данные.csv", Location{"amzn-data", "данные.csv"}, false, "keys are UTF-8"},
		{"s3://amzn-data/a%20b", Location{"amzn-data", "a%20b"}, false, "s3:// keys are taken literally, as the AWS CLI does"},
		{"s3://amzn-data/100%zz", Location{"amzn-data", "100%zz"}, false, "a literal '%' that is no escape is allowed"},
		{"s3://a1b/k", Location{"a1b", "k"}, false, "a 3-character bucket"},
		{"s3://" + strings.Repeat("b", 63) + "/k", Location{strings.Repeat("b", 63), "k"}, false, "a 63-character bucket"},
		{"https://amzn-data.s3.amazonaws.com/items.csv", Location{"amzn-data", "items.csv"}, false, "virtual-hosted, global endpoint"},
		{"https://amzn-data.s3.us-west-2.amazonaws.com/a/b.csv", Location{"amzn-data", "a/b.csv"}, false, "virtual-hosted, Regional"},
		{"https://amzn-data.s3-us-west-2.amazonaws.com/k", Location{"amzn-data", "k"}, false, "virtual-hosted, legacy dash Region"},
		{"https://my.dotted.bucket.s3.us-east-1.amazonaws.com/k", Location{"my.dotted.bucket", "k"}, false, "dotted bucket, virtual-hosted"},
		{"https://amzn-data.s3.dualstack.us-east-1.amazonaws.com/k", Location{"amzn-data", "k"}, false, "dualstack, virtual-hosted"},
		{"https://amzn-data.s3-fips.us-gov-west-1.amazonaws.com/k", Location{"amzn-data", "k"}, false, "FIPS, virtual-hosted"},
		{"https://amzn-data.s3-fips.dualstack.us-east-1.amazonaws.com/k", Location{"amzn-data", "k"}, false, "FIPS dualstack, virtual-hosted"},
		{"https://amzn-data.s3.cn-north-1.amazonaws.com.cn/k", Location{"amzn-data", "k"}, false, "China Regions"},
		{"https://amzn-data.S3.US-EAST-1.AMAZONAWS.COM/k", Location{"amzn-data", "k"}, false, "host names are case-insensitive"},
		{"https://amzn-data.s3.amazonaws.com/", Location{"amzn-data", ""}, true, "virtual-hosted whole bucket"},
		{"https://amzn-data.s3.amazonaws.com", Location{"amzn-data", ""}, true, "virtual-hosted whole bucket, no slash"},
		{"https://amzn-data.s3.amazonaws.com/my%20file%2Bv2.csv", Location{"amzn-data", "my file+v2.csv"}, false, "https paths are percent-decoded"},
		{"https://s3.amazonaws.com/amzn-data/k", Location{"amzn-data", "k"}, false, "path style, global endpoint"},
		{"https://s3.eu-central-1.amazonaws.com/amzn-data/in/", Location{"amzn-data", "in/"}, true, "path style, Regional, prefix"},
		{"https://s3.eu-central-1.amazonaws.com/amzn-data", Location{"amzn-data", ""}, true, "path style whole bucket"},
		{"https://s3.dualstack.us-east-1.amazonaws.com/amzn-data/k", Location{"amzn-data", "k"}, false, "path style, dualstack"},
		{"https://s3-fips.us-east-2.amazonaws.com/amzn-data/k", Location{"amzn-data", "k"}, false, "path style, FIPS"},
		{"https://s3-us-west-2.amazonaws.com/amzn-data/k", Location{"amzn-data", "k"}, false, "path style, legacy dash Region"},
		{"https://s3.amazonaws.com/my.s3.bucket/k", Location{"my.s3.bucket", "k"}, false, "a bucket that contains s3 as a label"},
		{"https://x.s3.s3.us-east-1.amazonaws.com/k", Location{"x.s3", "k"}, false, "a virtual-hosted bucket ending in .s3"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLocation(tt.in)
			if err != nil {
				t.Fatalf("ParseLocation(%q) error = %v, want %v (%s)", tt.in, err, tt.want, tt.reason)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseLocation(%q) mismatch (-want +got) (%s):\n%s", tt.in, tt.reason, diff)
			}
			if got.IsPrefix() != tt.prefix {
				t.Errorf("ParseLocation(%q).IsPrefix() = %v, want %v", tt.in, got.IsPrefix(), tt.prefix)
			}
			again, err := ParseLocation(got.String())
			if err != nil || again != got {
				t.Errorf("ParseLocation(%q.String() = %q) = %v, %v; want %v", tt.in, got.String(), again, err, got)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("%v.Validate() = %v, want nil", got, err)
			}
		})
	}
}

func TestParseLocationRejects(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		rule   string
		reason string
	}{
		{"empty", "", RuleLocationEmpty, "nothing to parse"},
		{"too long", "s3://canary-bkt/" + strings.Repeat("k", 241), RuleLocationLength, "257 bytes is over the Personalize limit"},
		{"newline", "s3://canary-bkt/hunter2\n.csv", RuleLocationControlChar, "log injection"},
		{"NUL", "s3://canary-bkt/hunter2\x00", RuleLocationControlChar, "C0 control"},
		{"C1 control", "s3://canary-bkt/hunter2\u0085", RuleLocationControlChar, "C1 control (NEL)"},
		{"DEL", "s3://canary-bkt/hunter2\x7f", RuleLocationControlChar, "DEL"},
		{"invalid UTF-8", "s3://canary-bkt/hunter2\xff", RuleLocationEncoding, "keys are UTF-8"},
		{"no scheme", "canary-bkt/secret-key.csv", RuleLocationScheme, "a bare path"},
		{"upper-case scheme", "S3://canary-bkt/secret-key.csv", RuleLocationScheme, "Personalize's pattern is case-sensitive"},
		{"ftp", "ftp://canary-bkt/secret-key.csv", RuleLocationScheme, "another scheme"},
		{"file", "file:///etc/hunter2", RuleLocationScheme, "a local file"},
		{"scheme only", "://canary-bkt/k", RuleLocationScheme, "an empty scheme"},
		{"plain http", "http://canary-bkt.s3.amazonaws.com/secret-key.csv", RuleLocationInsecureScheme, "no TLS"},
		{"plain HTTP upper", "HTTP://canary-bkt.s3.amazonaws.com/secret-key.csv", RuleLocationInsecureScheme, "scheme case does not hide it"},
		{"s3 userinfo", "s3://AKIAIOSFODNN7EXAMPLE:hunter2@canary-bkt/secret-key.csv", RuleLocationCredentials, "access key and secret in the authority"},
		{"https userinfo", "https://AKIAIOSFODNN7EXAMPLE:hunter2@canary-bkt.s3.amazonaws.com/secret-key.csv", RuleLocationCredentials, "userinfo in an https URL"},
		{"http userinfo", "http://AKIAIOSFODNN7EXAMPLE:hunter2@canary-bkt.s3.amazonaws.com/k", RuleLocationCredentials, "credentials are reported before the insecure scheme"},
		{"token only", "s3://hunter2@canary-bkt/k", RuleLocationCredentials, "a bare token as userinfo"},
		{"password with slash", "https://AKIAIOSFODNN7EXAMPLE:hun/ter2@canary-bkt.s3.amazonaws.com/k", RuleLocationCredentials, "a '/' in the password ends the authority early"},
		{"password with question mark", "s3://AKIAIOSFODNN7EXAMPLE:hun?ter2@canary-bkt/k", RuleLocationCredentials, "a '?' in the password"},
		{"presigned v4", "https://canary-bkt.s3.amazonaws.com/secret-key.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=hunter2", RuleLocationQuery, "a presigned URL"},
		{"presigned v2", "https://canary-bkt.s3.amazonaws.com/secret-key.csv?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=hunter2&Expires=1", RuleLocationQuery, "a legacy presigned URL"},
		{"security token", "https://canary-bkt.s3.amazonaws.com/k?x-amz-security-token=hunter2", RuleLocationQuery, "a session token"},
		{"other query", "s3://canary-bkt/secret-key.csv?versionId=hunter2", RuleLocationQuery, "any query"},
		{"encoded presigned s3 key", "s3://canary-bkt/secret-key.csv%3FX-Amz-Signature%3Dhunter2", RuleLocationQuery, "a percent-encoded presigned query is a presigned query to whoever decodes it"},
		{"encoded question mark", "s3://canary-bkt/secret-key.csv%3Fv%3Dhunter2", RuleLocationKey, "an encoded '?' in an s3:// key"},
		{"encoded fragment", "s3://canary-bkt/secret-key.csv%23hunter2", RuleLocationKey, "an encoded '#' in an s3:// key"},
		{"double-encoded presigned https", "https://canary-bkt.s3.amazonaws.com/secret-key.csv%253FX-Amz-Credential%253Dhunter2", RuleLocationQuery, "decoding twice still finds the signature"},
		{"encoded control character", "s3://canary-bkt/hunter2%0A.csv", RuleLocationControlChar, "an encoded newline is a newline to a reader"},
		{"encoded presigned next to a literal percent", "s3://canary-bkt/secret-key.csv%3FX-Amz-Signature%3Dhunter2%", RuleLocationQuery, "one literal '%' does not switch decoding off"},
		{"empty query", "s3://canary-bkt/secret-key.csv?", RuleLocationQuery, "an empty query"},
		{"fragment", "s3://canary-bkt/secret-key.csv#hunter2", RuleLocationFragment, "fragments"},
		{"port", "https://canary-bkt.s3.amazonaws.com:443/secret-key.csv", RuleLocationHost, "no ports"},
		{"other host", "https://canary-bkt.example.com/secret-key.csv", RuleLocationHost, "not S3"},
		{"access point", "https://canary-bkt-111122223333.s3-accesspoint.us-east-1.amazonaws.com/k", RuleLocationHost, "access points are not buckets"},
		{"website", "https://canary-bkt.s3-website-us-east-1.amazonaws.com/k", RuleLocationHost, "website endpoints"},
		{"website dot", "https://canary-bkt.s3-website.us-east-1.amazonaws.com/k", RuleLocationHost, "website endpoints, dot form"},
		{"accelerate", "https://canary-bkt.s3-accelerate.amazonaws.com/k", RuleLocationHost, "Transfer Acceleration"},
		{"IP host", "https://127.0.0.1/canary-bkt/k", RuleLocationHost, "emulator-style IP endpoints"},
		{"lookalike", "https://canary-bkt.s3.amazonaws.com.evil.example/k", RuleLocationHost, "a suffix that is not Amazon's"},
		{"non-ASCII host", "https://canary-bkt.s3.amazonaws.cöm/k", RuleLocationHost, "IDN hosts"},
		{"no bucket path style", "https://s3.amazonaws.com/", RuleLocationBucketName, "path style without a bucket"},
		{"no bucket s3", "s3:///secret-key.csv", RuleLocationBucketName, "s3:// without a bucket"},
		{"short bucket", "s3://ab/k", RuleLocationBucketName, "fewer than 3 characters"},
		{"long bucket", "s3://" + strings.Repeat("b", 64) + "/k", RuleLocationBucketName, "more than 63 characters"},
		{"upper-case bucket", "s3://Canary-Bkt/k", RuleLocationBucketName, "upper case"},
		{"upper-case virtual host bucket", "https://Canary-Bkt.s3.amazonaws.com/k", RuleLocationBucketName, "not silently lower-cased"},
		{"underscore", "s3://canary_bkt/k", RuleLocationBucketName, "underscores"},
		{"leading hyphen", "s3://-canary-bkt/k", RuleLocationBucketName, "must start alphanumeric"},
		{"trailing dot", "s3://canary-bkt./k", RuleLocationBucketName, "must end alphanumeric"},
		{"double dot", "s3://canary..bkt/k", RuleLocationBucketName, "adjacent periods"},
		{"IP bucket", "s3://192.168.5.4/k", RuleLocationBucketName, "IP address form"},
		{"IP bucket leading zero", "s3://192.168.05.4/k", RuleLocationBucketName, "IP address form, whatever the numbers"},
		{"xn--", "s3://xn--canary-bkt/k", RuleLocationBucketName, "reserved prefix"},
		{"sthree-", "s3://sthree-canary-bkt/k", RuleLocationBucketName, "reserved prefix"},
		{"amzn-s3-demo-", "s3://amzn-s3-demo-canary-bkt/k", RuleLocationBucketName, "reserved prefix"},
		{"-s3alias", "s3://canary-bkt-s3alias/k", RuleLocationBucketName, "access point alias"},
		{"--ol-s3", "s3://canary-bkt--ol-s3/k", RuleLocationBucketName, "Object Lambda alias"},
		{".mrap", "s3://canary-bkt.mrap/k", RuleLocationBucketName, "Multi-Region Access Point"},
		{"--x-s3", "s3://canary-bkt--use1-az4--x-s3/k", RuleLocationBucketName, "directory bucket"},
		{"--table-s3", "s3://canary-bkt--table-s3/k", RuleLocationBucketName, "table bucket"},
		{"port in s3", "s3://canary-bkt:9000/k", RuleLocationBucketName, "':' is not a bucket character"},
		{"bad escape", "https://s3.amazonaws.com/canary-bkt/hunter2%2", RuleLocationKey, "truncated percent-escape"},
		{"bad escape hex", "https://s3.amazonaws.com/canary-bkt/hunter2%zz", RuleLocationKey, "non-hex percent-escape"},
		{"escaped question mark", "https://s3.amazonaws.com/canary-bkt/hunter2%3Fx", RuleLocationKey, "would not round-trip through s3://"},
		{"escaped hash", "https://s3.amazonaws.com/canary-bkt/hunter2%23x", RuleLocationKey, "would not round-trip through s3://"},
		{"escaped newline", "https://s3.amazonaws.com/canary-bkt/hunter2%0Ax", RuleLocationControlChar, "decoded control characters"},
		{"escaped invalid UTF-8", "https://s3.amazonaws.com/canary-bkt/hunter2%FF", RuleLocationEncoding, "decoded invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLocation(tt.in)
			if err == nil {
				t.Fatalf("ParseLocation(%q) = %v, want error with rule %s (%s)", tt.in, got, tt.rule, tt.reason)
			}
			var le *LocationError
			if !errors.As(err, &le) {
				t.Fatalf("ParseLocation(%q) error %T, want *LocationError", tt.in, err)
			}
			if le.Rule != tt.rule {
				t.Errorf("ParseLocation(%q) rule = %s, want %s (%s); reason %q", tt.in, le.Rule, tt.rule, tt.reason, le.Reason)
			}
			if got != (Location{}) {
				t.Errorf("ParseLocation(%q) returned %v with an error, want the zero Location", tt.in, got)
			}
			assertNoEcho(t, err.Error(), tt.in)
		})
	}
}

// assertNoEcho fails if msg contains a canary, or the input or a long run
// of it.
func assertNoEcho(t *testing.T, msg, in string) {
	t.Helper()
	for _, c := range canaries {
		if strings.Contains(in, c) && strings.Contains(msg, c) {
			t.Errorf("error %q echoes %q from the input", msg, c)
		}
	}
	if len(in) >= 8 && strings.Contains(msg, in) {
		t.Errorf("error %q echoes the input", msg)
	}
}

func TestLocationString(t *testing.T) {
	tests := []struct {
		loc  Location
		want string
	}{
		{Location{"amzn-data", ""}, "s3://amzn-data"},
		{Location{"amzn-data", "in/"}, "s3://amzn-data/in/"},
		{Location{"amzn-data", "in/a.csv"}, "s3://amzn-data/in/a.csv"},
	}
	for _, tt := range tests {
		if got := tt.loc.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.loc, got, tt.want)
		}
	}
}

func TestLocationValidate(t *testing.T) {
	tests := []struct {
		name string
		loc  Location
		rule string
	}{
		{"valid", Location{"amzn-data", "k"}, ""},
		{"bad bucket", Location{"Amzn", "k"}, RuleLocationBucketName},
		{"control in key", Location{"amzn-data", "a\nb"}, RuleLocationControlChar},
		{"reserved in key", Location{"amzn-data", "a?b"}, RuleLocationKey},
		{"too long", Location{"amzn-data", strings.Repeat("k", 250)}, RuleLocationLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.loc.Validate()
			var le *LocationError
			switch {
			case tt.rule == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.rule != "" && (!errors.As(err, &le) || le.Rule != tt.rule):
				t.Errorf("Validate() = %v, want rule %s", err, tt.rule)
			}
		})
	}
}

func TestLocationErrorMessage(t *testing.T) {
	err := &LocationError{Rule: RuleLocationCredentials, Reason: reasonCredentials}
	want := "s3guard: invalid S3 location (s3.location.credentials): " + reasonCredentials
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestDecodeKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"users/jane.doe%40example.com/", "users/jane.doe@example.com/"},
		{"plain/key.csv", "plain/key.csv"},
		{"100%zz", "100%zz"},
		{"a%2Fb", "a/b"},
		{"users/jane.doe%40example.com/100%/", "users/jane.doe@example.com/100%/"},
		{"jane.doe%2540example.com", "jane.doe@example.com"},
		{"%", "%"},
		{"%4", "%4"},
	}
	for _, tt := range tests {
		if got := DecodeKey(tt.in); got != tt.want {
			t.Errorf("DecodeKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLocationTextLen: textLen is the length of String, with and without a key.
func TestLocationTextLen(t *testing.T) {
	for _, l := range []Location{{}, {Bucket: "b"}, {Bucket: "my-bucket", Key: "in/"}, {Bucket: "my-bucket", Key: "a/b.csv"}} {
		if diff := cmp.Diff(len(l.String()), l.textLen()); diff != "" {
			t.Errorf("%q: textLen (-want +got):\n%s", l.String(), diff)
		}
	}
}
