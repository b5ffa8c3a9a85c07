package sensitive

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// reviewDetectors are the detectors of checkFindQueuedSame plus a few more
// that stress the lazy queues of Find: an allow-list of every other
// finding, an allow-list of every finding but the last, caller rules, and
// restricted kinds that leave two or three kinds live.
func reviewDetectors(t *testing.T, s string) []*Detector {
	t.Helper()
	ds := []*Detector{Default()}
	for _, ks := range [][]Kind{{CreditCard, Phone}, {SSN, IBAN, AccountNumber}, {Phone, Email}, {Email, URLCredentials, CreditCard},
		{CreditCard, Phone, SSN}, {Email, AWSAccessKey, AWSSecretKey, URLCredentials, Phone}} {
		d, err := New(func(o *Options) { o.Kinds = ks })
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	d, err := New(func(o *Options) {
		o.Rules = []Rule{{Kind: "digits", Pattern: regexp.MustCompile(`\d{3}[- ]\d`)}, {Kind: "word", Pattern: regexp.MustCompile(`acct`)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	ds = append(ds, d)
	all := Default().Find(s)
	for _, keep := range []func(i int) bool{
		func(i int) bool { return i%2 == 0 },
		func(i int) bool { return i%2 == 1 },
		func(i int) bool { return i < 2 },
		func(i int) bool { return i != len(all)-1 },
	} {
		var allow []string
		for i, f := range all {
			if keep(i) {
				allow = append(allow, s[f.Start:f.End])
			}
		}
		if allow == nil {
			continue
		}
		d, err := New(func(o *Options) {
			o.AllowList = allow
			o.Rules = []Rule{{Kind: "num", Pattern: regexp.MustCompile(`\d{4} \d`)}}
		})
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
		if d, err = New(func(o *Options) { o.AllowList = allow }); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	return ds
}

// checkFindSame holds the public Find (queues made at its second finding,
// on text past shortInput) to Find's loop without queues.
func checkFindSame(t *testing.T, s string) {
	t.Helper()
	for i, d := range reviewDetectors(t, s) {
		got, want := d.Find(s), findAlone(d, s)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("detector %d, %d-byte input %q: Find mismatch (-want +got):\n%s", i, len(s), s, diff)
		}
	}
}

// reviewPad returns s with clean text before and after, so that it is
// just past shortInput (or at it).
func reviewPad(s string, total int) []string {
	const filler = "The model was retrained at v1.2.3; see s3://bucket/x. "
	var out []string
	if total <= len(s) {
		return []string{s}
	}
	pad := strings.Repeat(filler, total/len(filler)+1)[:total-len(s)]
	out = append(out, pad+s, s+pad)
	h := len(pad) / 2
	out = append(out, pad[:h]+s+pad[h:])
	return out
}

// TestReviewFinal6FindLazyQueues: the findings of Find on long text do not
// depend on when its queues are made.
func TestReviewFinal6FindLazyQueues(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 2026))
	seeds := []string{
		"jane.doe@example.com 4111 1111 1111 1111 123-45-6789 +44 20 7946 0958 DE89 3704 0044 0532 0130 00 acct-12345678 AKIAIOSFODNN7EXAMPLE https://x.example/?X-Amz-Signature=abc",
		"4111 1111 1111 1111 4111 1111 1111 1111 4111 1111 1111 1111 4111 1111 1111 1111 4111 1111 1111 1111 4111 1111 1111 1111 123-45-6789",
		"123-45-6789 123-45-6789 212-555-0187 212-555-0187 212-555-0187 212-555-0187 212-555-0187 212-555-0187 4111111111111111",
		"a@b.co c@d.co 4111111111111111 e@f.co 123456789 acct-12345678 GB82WEST12345698765432 g@h.co",
		"jane.doe@example.com jane.doe@example.com 4111 1111 1111 1111 4111 1111 1111 1111 jane.doe@example.com",
	}
	var texts []string
	for _, s := range seeds {
		for _, total := range []int{shortInput, shortInput + 1, shortInput + 40, 2 * shortInput} {
			texts = append(texts, reviewPad(s, total)...)
		}
	}
	n := 300
	if testing.Short() {
		n = 60
	}
	for range n {
		s := numberFragments(r)
		for _, total := range []int{shortInput + 1 + r.IntN(64), 1500} {
			texts = append(texts, reviewPad(s, total)...)
		}
	}
	texts = append(texts, denseText(2000))
	// The corpus, normalised text among it (offsets mapped through marks).
	for _, cl := range readCorpus(t) {
		texts = append(texts, reviewPad(cl.text, shortInput+1+len(cl.text)%50)...)
		texts = append(texts, reviewPad(strings.Repeat(cl.text+" ", 3), shortInput+20)...)
	}
	for _, s := range texts {
		checkFindSame(t, s)
	}
}

func FuzzReviewFinal6Find(f *testing.F) {
	f.Add("jane.doe@example.com 4111 1111 1111 1111 123-45-6789 +44 20 7946 0958", 520)
	f.Add(denseText(600), 0)
	f.Fuzz(func(t *testing.T, s string, pad int) {
		if len(s) > 4096 {
			t.Skip()
		}
		for _, p := range reviewPad(s, shortInput+1+pad%300) {
			checkFindSame(t, p)
		}
	})
}
