package awsarn

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// splitOld and regionOld are Split and Region as they were before their
// written-out forms: TestMatchOld and FuzzMatchOld hold the new to them.
func splitOld(s string) (Parts, bool) {
	rest, ok := strings.CutPrefix(s, "arn:")
	if !ok {
		return Parts{}, false
	}
	var a Parts
	for _, f := range []*string{&a.Partition, &a.Service, &a.Region, &a.Account} {
		var found bool
		*f, rest, found = strings.Cut(rest, ":")
		if !found {
			return Parts{}, false
		}
	}
	a.Resource = rest
	return a, true
}

func regionOld(r string) bool {
	if len(r) > 32 {
		return false
	}
	i := strings.LastIndexByte(r, '-')
	if i <= 0 || i == len(r)-1 || !allIn(r[i+1:], '0', '9') {
		return false
	}
	head := r[:i]
	if area := strings.IndexByte(head, '-'); area < 2 || area > 4 {
		return false
	}
	for seg := range strings.SplitSeq(head, "-") {
		if seg == "" || !allIn(seg, 'a', 'z') {
			return false
		}
	}
	return true
}

// resourceOld is Resource as personalize's arnResource had it before
// Resource read words: five cuts at a colon.
func resourceOld(s string) (string, bool) {
	for range 5 {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			return "", false
		}
		s = s[i+1:]
	}
	return s, true
}

type answers struct {
	Split      Parts
	SplitOK    bool
	Region     bool
	Resource   string
	ResourceOK bool
}

func answersOf(s string, old bool) answers {
	if old {
		p, ok := splitOld(s)
		r, rok := resourceOld(s)
		return answers{p, ok, regionOld(s), r, rok}
	}
	p, ok := Split(s)
	r, rok := Resource(s)
	return answers{p, ok, Region(s), r, rok}
}

func TestMatchOld(t *testing.T) {
	for _, s := range []string{
		"", "arn:", "arn:aws", "arn:aws:iam", "arn:aws:iam:", "arn:aws:iam::", "arn:aws:iam::1", "arn:aws:iam::1:", "arn:aws:iam::111122223333:role/r",
		"arn:aws:kms:us-east-1:111122223333:key/k:x:y", "arn:::::", "ARN:aws:s:r:a:b", "xarn:a:b:c:d:e",
		"us-east-1", "us-gov-west-1", "cn-north-1", "eu-isoe-west-1", "eusc-de-east-1", "u-east-1", "abcde-east-1", "us--east-1",
		"-us-east-1", "us-east-", "us-east", "us-east-1a", "us-East-1", "us-east--1", "us-1", "useast-1", "us-e-1", "ab-c-d-e-f-1",
		"us-east-12345678901234567890123", "us-east-123456789012345678901234", "us_east-1", "us-ea st-1", "s3-website-us-east-1",
		// Colons in every byte of a word, at a word's edges, and past the
		// last whole word; bytes from 0x80 up, one of them ':'|0x80 (0xba).
		"::::::::", ":::::::::", "arn:aws:personalize:us-east-1:111122223333:dataset/movies/INTERACTIONS",
		"arn:aws:personalize:us-east-1:111122223333:dataset-group/movies", "arn:aws:iam::111122223333:role/service-role/R",
		"arn:aw:s:r:a", "arn:aw:s:r:a:", "arnn:a:b:c:d:e", "arn:aws:s3:::b", "1234567:1234567:1234567:1234567:1234567:x",
		"arn:a\xba:b\xbac:d:e:f", "arn:\xff\xff\xff\xff:\x80:\x7f:x:y:z", "arn:é:s:r:a:res", "a:b:c:d",
	} {
		if diff := cmp.Diff(answersOf(s, true), answersOf(s, false)); diff != "" {
			t.Errorf("%q: new differs from old (-want +got):\n%s", s, diff)
		}
	}
}

func FuzzMatchOld(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::111122223333:role/r", "us-gov-west-1", "eusc-de-east-1", "us--east-1", "arn:::::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if diff := cmp.Diff(answersOf(s, true), answersOf(s, false)); diff != "" {
			t.Errorf("%q: new differs from old (-want +got):\n%s", s, diff)
		}
	})
}
