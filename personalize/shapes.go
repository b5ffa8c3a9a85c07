package personalize

import (
	"strings"
	"unicode/utf8"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	"github.com/personalizeguard/personalizeguard/internal/jsontext"
)

// shape is a string shape of the Personalize API model: the length and
// pattern AWS accepts. The SDK's validators check only required members, so
// the guard enforces these itself, before the detector: an oversized or
// malformed value is refused in microseconds, whatever it holds.
// TestShapesMatchModel checks every entry against the official model.
type shape struct {
	name     string // the model's shape name
	min, max int    // length in characters; max 0: no limit in the model
	pattern  string // the model's pattern as published, "" when none
	match    func(string) bool
}

// The model's string shapes (shapeArn, shapeName, ...) are generated in
// table_gen.go, each with the hand-written matcher of its pattern below.

// shapeUnknown bounds a string the table has no shape for by the longest
// string any Personalize input takes, the Avro schema.
var shapeUnknown = &shape{name: "unknown", max: 20000}

// fits reports whether s is within the shape's length and pattern.
func (sh *shape) fits(s string) bool {
	// OutsideLength refuses a 10 MiB value without counting its runes.
	return !jsontext.OutsideLength(s, sh.min, sh.max) && (sh.match == nil || sh.match(s))
}

// noNewline is RE2's '.': anything but '\n'.
func noNewline(s string) bool { return strings.IndexByte(s, '\n') < 0 }

// cutPartition matches "arn:" [a-z\d-]+ ":" and returns the rest.
func cutPartition(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return "", false
	}
	i := strings.IndexByte(rest, ':')
	if i <= 0 {
		return "", false
	}
	for j := 0; j < i; j++ {
		c := rest[j]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return "", false
		}
	}
	return rest[i+1:], true
}

// matchArn is ^arn:([a-z\d-]+):personalize:.*:.*:.+$.
func matchArn(s string) bool {
	rest, ok := cutPartition(s)
	if !ok || !noNewline(rest) {
		return false
	}
	rest, ok = strings.CutPrefix(rest, "personalize:")
	if !ok {
		return false
	}
	first := strings.IndexByte(rest, ':')
	if first < 0 {
		return false
	}
	second := strings.IndexByte(rest[first+1:], ':')
	return second >= 0 && first+1+second < len(rest)-1
}

// wellFormedARN reports whether an ARN's partition is aws or aws-<word>...,
// its Region empty or Region-shaped (us-east-1, us-gov-west-1,
// eusc-de-east-1) and its account empty or twelve digits: the shapes kms
// and s3guard hold them to too.
func wellFormedARN(s string) bool {
	a, ok := awsarn.Split(s)
	return ok && awsarn.Partition(a.Partition) && (a.Region == "" || awsarn.Region(a.Region)) && (a.Account == "" || awsarn.Account(a.Account))
}

// arnResource returns what follows the fifth colon of an ARN: the part a
// caller names (dataset-group/movies), which the detector reads.
func arnResource(s string) string {
	r, _ := awsarn.Resource(s)
	return r
}

// matchRoleArn is ^arn:([a-z\d-]+):iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$.
func matchRoleArn(s string) bool {
	rest, ok := cutPartition(s)
	if !ok {
		return false
	}
	rest, ok = strings.CutPrefix(rest, "iam::")
	if !ok || len(rest) < 13 || !allDigits(rest[:12]) || rest[12] != ':' {
		return false
	}
	rest, ok = strings.CutPrefix(rest[13:], "role")
	if !ok || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-/", c) >= 0) {
			return false
		}
	}
	// "role/?" then one or more: "role" followed by "/" alone is "role" +
	// one character of the class, which '/' belongs to.
	return true
}

// matchKmsKeyArn is ^arn:aws.*:kms:.*:[0-9]{12}:key/.*$.
func matchKmsKeyArn(s string) bool {
	if !strings.HasPrefix(s, "arn:aws") || !noNewline(s) {
		return false
	}
	p := strings.Index(s[len("arn:aws"):], ":kms:")
	if p < 0 {
		return false
	}
	rest := s[len("arn:aws")+p+len(":kms:"):]
	for i := 0; i < len(rest); i++ {
		if rest[i] == ':' && len(rest)-i >= 18 && allDigits(rest[i+1:i+13]) && rest[i+13:i+18] == ":key/" {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// matchColumnName is ^[A-Za-z_][A-Za-z\d_]*$.
func matchColumnName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// matchDatasetType is ^[A-Za-z_]+$.
func matchDatasetType(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
			return false
		}
	}
	return true
}

// matchRateDays is ^rate\(\d+ days?\)$.
func matchRateDays(s string) bool {
	rest, ok := strings.CutPrefix(s, "rate(")
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	return i > 0 && (rest[i:] == " day)" || rest[i:] == " days)")
}
