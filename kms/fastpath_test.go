package kms

import (
	"strings"
	"testing"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
)

// The one-pass scanners must accept only what the field-by-field checks
// accept (they may hand anything to those), and must serve the forms the
// guard sees on every call.

// fastPathARNs are seeds on both sides of every field's shape.
var fastPathARNs = []string{
	testKeyARN,
	"arn:aws-cn:kms:cn-north-1:111122223333:key/" + testKeyID,
	"arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/" + testMRKID,
	"arn:aws-iso-b:kms:us-isob-east-1:111122223333:key/" + testKeyID,
	"arn:aws:kms:eusc-de-east-1:111122223333:key/" + testKeyID,
	"arn:aws:kms:us-east-1:111122223333:key/1234ABCD-12AB-34CD-56EF-1234567890AB",
	"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ag",
	"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890a\xc2",
	"arn:aws:kms:us-east-1:111122223333:key/1234abcd_12ab-34cd-56ef-1234567890ab",
	"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab:x",
	"arn:aws:kms:us-east-1:11112222333a:key/" + testKeyID,
	"arn:aws:kms:us-east-1:1111222233334:key/" + testKeyID,
	"arn:aws:kms:us-east-1:11112222333:key/" + testKeyID,
	"arn:aws:kms:us-east-1:111122223333:alias/x",
	"arn:aws:kms:useast-1:111122223333:key/" + testKeyID,
	"arn:aws:kms:u-east-1:111122223333:key/" + testKeyID,
	"arn:aws:kms:abcde-east-1:111122223333:key/" + testKeyID,
	"arn:aws:kms:us-east-:111122223333:key/" + testKeyID,
	"arn:aws:kms:us-east-1a:111122223333:key/" + testKeyID,
	"arn:aws:kms:us--east-1:111122223333:key/" + testKeyID,
	"arn:aws:kms:us-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-1:111122223333:key/" + testKeyID,
	"arn:aws:kms:us-east-1:111122223333:key/mrk-" + "0123456789abcdef0123456789ABCDEF",
	"arn:aws:kms:us-east-1:111122223333:key/mrk-" + "0123456789abcdef0123456789ABCDEG",
	"arn:aws-:kms:us-east-1:111122223333:key/" + testKeyID,
	"arn:awss:kms:us-east-1:111122223333:key/" + testKeyID,
	"arn:aws-C:kms:us-east-1:111122223333:key/" + testKeyID,
	"arn:aws:KMS:us-east-1:111122223333:key/" + testKeyID,
	"arn:aws:kms::111122223333:key/" + testKeyID,
	"arn:aws:kms:us-east-1::key/" + testKeyID,
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/movies",
	"arn:aws-cn:personalize:cn-north-1:111122223333:dataset-group/a:b",
	"arn:aws:personalize:us-east-1:111122223333:",
	"arn:aws:personalize:us-east-1:444455556666:dataset-group/movies",
	"arn:aws:personalize:us-east-1:1111222233334:dataset-group/movies",
	"arn:aws:personalize::111122223333:dataset-group/movies",
	"arn:aws:personalize:us-east-1:111122223333",
	"", "arn:", "arn:aws", "arn:aws:kms", "x" + testKeyARN,
}

// TestScannersServeCommonForms: well-formed key and source ARNs in every
// partition shape take the one-pass path.
func TestScannersServeCommonForms(t *testing.T) {
	for _, s := range []string{
		testKeyARN,
		"arn:aws-cn:kms:cn-north-1:111122223333:key/" + testKeyID,
		"arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/" + testMRKID,
		"arn:aws:kms:us-east-1:111122223333:key/1234ABCD-12AB-34CD-56EF-1234567890AB",
	} {
		if _, _, ok := scanKeyARN(s); !ok {
			t.Errorf("scanKeyARN(%q) fell back to splitKeyARN", s)
		}
	}
	for _, s := range []string{testSourceARN, "arn:aws-cn:personalize:cn-north-1:111122223333:dataset-group/a:b"} {
		if !sourceARNValid(s, testAccount) {
			t.Errorf("sourceARNValid(%q, %q) = false, want true", s, testAccount)
		}
	}
	if sourceARNValid(testSourceARN, "444455556666") {
		t.Errorf("sourceARNValid accepted a SourceARN in another account than AccountID")
	}
}

// agreeWithSplit fails t when a one-pass scanner accepts what the
// field-by-field check refuses, or parses it differently.
func agreeWithSplit(t *testing.T, s string) {
	t.Helper()
	if _, _, ok := scanKeyARN(s); ok {
		k, err := ParseKeyARN(s)
		if want, problem := splitKeyARN(s); err != nil || problem != "" || k != want {
			t.Fatalf("scanKeyARN accepts %q: ParseKeyARN = %+v, %v, but splitKeyARN says %+v, %q", s, k, err, want, problem)
		}
	}
	for _, account := range []string{"", testAccount} {
		want := s == "" || refSourceValid(s, account)
		if sourceARNValid(s, account) && !want {
			t.Fatalf("sourceARNValid(%q, %q) accepted an ARN the field checks refuse", s, account)
		}
		if err := (CheckInput{SourceARN: s, AccountID: account}).validateSource(); (err == nil) != want {
			t.Fatalf("validateSource(%q) with AccountID %q: error %v, want accepted %v", s, account, err, want)
		}
	}
	a, ok := awsarn.Split(s)
	if !ok {
		a.Region, a.Partition = s, s
	}
	for _, r := range []string{a.Region, s} {
		if got, want := regionName(r), awsarn.Region(r); got != want {
			t.Fatalf("regionName(%q) = %v, awsarn.Region says %v", r, got, want)
		}
	}
	for _, p := range []string{a.Partition, s} {
		if got, want := partitionEnd(p, 0) == len(p), awsarn.Partition(p); got != want {
			t.Fatalf("partitionEnd(%q) covers it: %v, awsarn.Partition says %v", p, got, want)
		}
	}
	if len(a.Account) == 12 {
		if got, want := digits12(a.Account), awsarn.Account(a.Account); got != want {
			t.Fatalf("digits12(%q) = %v, awsarn.Account says %v", a.Account, got, want)
		}
	}
	if got, want := validKeyID(s), slowKeyID(s); got != want {
		t.Fatalf("validKeyID(%q) = %v, want %v", s, got, want)
	}
	if id, ok := cutKeyID(s); ok {
		if got, want := validKeyID(id), slowKeyID(id); got != want {
			t.Fatalf("validKeyID(%q) = %v, want %v", id, got, want)
		}
	}
}

// refSourceValid is validateSource field by field, as a reference.
func refSourceValid(s, account string) bool {
	a, ok := awsarn.Split(s)
	return ok && len(s) <= maxIdentifierLength && a.Service == "personalize" && awsarn.Partition(a.Partition) &&
		awsarn.Region(a.Region) && awsarn.Account(a.Account) && a.Resource != "" && (account == "" || a.Account == account)
}

func cutKeyID(s string) (string, bool) {
	a, ok := awsarn.Split(s)
	if !ok || len(a.Resource) < 4 || a.Resource[:4] != "key/" {
		return "", false
	}
	return a.Resource[4:], true
}

// slowKeyID is validKeyID written out byte by byte, as a reference.
func slowKeyID(id string) bool {
	hex := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	if len(id) == 36 && id[:4] != "mrk-" {
		for i := range len(id) {
			if dash := i == 8 || i == 13 || i == 18 || i == 23; dash != (id[i] == '-') || !dash && !hex(id[i]) {
				return false
			}
		}
		return true
	}
	if len(id) != 36 || id[:4] != "mrk-" {
		return false
	}
	for i := 4; i < len(id); i++ {
		if !hex(id[i]) {
			return false
		}
	}
	return true
}

func TestScannersAgreeWithSplit(t *testing.T) {
	for _, s := range fastPathARNs {
		agreeWithSplit(t, s)
	}
	// Every byte value in every position of both key ID forms and of an
	// account.
	for _, id := range []string{testKeyID, testMRKID} {
		for i := range len(id) {
			for c := range 256 {
				b := []byte(id)
				b[i] = byte(c)
				agreeWithSplit(t, "arn:aws:kms:us-east-1:111122223333:key/"+string(b))
				agreeWithSplit(t, string(b))
			}
		}
	}
	for i := range 12 {
		for c := range 256 {
			b := []byte(testAccount)
			b[i] = byte(c)
			agreeWithSplit(t, "arn:aws:kms:us-east-1:"+string(b)+":key/"+testKeyID)
			agreeWithSplit(t, "arn:aws:personalize:us-east-1:"+string(b)+":dataset-group/x")
		}
	}
}

func FuzzScannersAgreeWithSplit(f *testing.F) {
	for _, s := range fastPathARNs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 3*maxIdentifierLength {
			t.Skip()
		}
		agreeWithSplit(t, s)
	})
}

// TestShapesExhaustive compares the one-pass Region and partition scanners
// with awsarn on every string up to seven bytes over an alphabet that
// reaches each branch, and on long Regions around the 32-byte bound.
func TestShapesExhaustive(t *testing.T) {
	const alphabet = "as-1:Z"
	var walk func(prefix []byte, n int)
	walk = func(prefix []byte, n int) {
		s := string(prefix)
		if got, want := regionName(s), awsarn.Region(s); got != want {
			t.Fatalf("regionName(%q) = %v, awsarn.Region says %v", s, got, want)
		}
		if got, want := partitionEnd("aw"+s, 0) == len(s)+2, awsarn.Partition("aw"+s); got != want {
			t.Fatalf("partitionEnd(%q) covers it: %v, awsarn.Partition says %v", "aw"+s, got, want)
		}
		if n == 0 {
			return
		}
		for i := range len(alphabet) {
			walk(append(prefix, alphabet[i]), n-1)
		}
	}
	walk(nil, 7)
	for n := 0; n <= 40; n++ {
		for _, s := range []string{"us-" + strings.Repeat("a", n) + "-1", "us-east-" + strings.Repeat("1", n), "us-" + strings.Repeat("a-", n/2) + "1",
			strings.Repeat("a", n) + "-b-1", "us-east-1" + strings.Repeat(":", n)} {
			if got, want := regionName(s), awsarn.Region(s); got != want {
				t.Fatalf("regionName(%q) = %v, awsarn.Region says %v", s, got, want)
			}
		}
	}
}

// TestRegionBytes puts every byte value at every position of Regions of
// several shapes, so each class's boundaries ('`' and '{' around the
// letters, '/' and ':' around the digits, ',' and '.' around the dash) are
// met.
func TestRegionBytes(t *testing.T) {
	for _, region := range []string{"us-east-1", "us-gov-west-1", "ap-southeast-2", "eusc-de-east-10", "eu-isoe-west-12", "us-b-1"} {
		for i := range len(region) {
			for c := range 256 {
				b := []byte(region)
				b[i] = byte(c)
				if got, want := regionName(string(b)), awsarn.Region(string(b)); got != want {
					t.Fatalf("regionName(%q) = %v, awsarn.Region says %v", b, got, want)
				}
			}
		}
	}
}

// regionName is awsarn.Region in one pass: regionEnd as the key ARN scanner
// uses it on a whole string.
func regionName(r string) bool { return regionEnd(r, 0) == len(r) }
