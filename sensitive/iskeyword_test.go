package sensitive

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIsKeyword(t *testing.T) {
	emailOnly, err := New(func(o *Options) { o.Kinds = []Kind{Email} })
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		d    *Detector
		name string
		want bool
	}{
		{Default(), "acct", true},
		{Default(), "accountNumber", true},
		{Default(), "bank_account", true},
		{Default(), "ACCOUNT_NUMBER", true},
		{Default(), "ssn", true},
		{Default(), "customer_ssn", true},
		{Default(), "SocialSecurity", true},
		{Default(), "phone", true},
		{Default(), "mobilePhone", true},
		{Default(), "card", true},
		{Default(), "cc_number", true},
		{Default(), "aws_secret_access_key", true},
		{Default(), "a\u200bcct", true}, // a format character is nothing to the detector
		{Default(), "%61cct", true},     // nor is a percent-escape
		{Default(), "TAX_ID", true},
		{Default(), "TIN", true},
		{Default(), "acct@bank", true}, // a keyword qualified by '@' and a word
		{Default(), "ssn@us", false},   // an account's qualifier only
		{Default(), "jane@bank", false},
		{Default(), "acct@", false},
		{Default(), "acct@bank.com", false},
		{Default(), "tax", false}, // an amount as often
		{Default(), "price", false},
		{Default(), "timestamp", false},
		{Default(), "orderId", false},
		{Default(), "vacc", false}, // "acc" only as a word of its own
		{Default(), "hotel", false},
		{Default(), "", false},
		{emailOnly, "acct", false},
		{emailOnly, "ssn", false},
	}
	for _, tt := range tests {
		if got := tt.d.IsKeyword(tt.name); got != tt.want {
			t.Errorf("IsKeyword(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	rules, err := New(func(o *Options) { o.Rules = []Rule{{Kind: "order", Pattern: regexp.MustCompile(`ORD-\d+`)}} })
	if err != nil {
		t.Fatal(err)
	}
	if !rules.IsKeyword("price") {
		t.Errorf("a detector with caller rules: IsKeyword(price) = false, want true")
	}
}

// FuzzIsKeyword: when IsKeyword(name) is false, "<name> = <value>" holds
// no finding that value alone does not, so that a reader may skip its
// second scan.
func FuzzIsKeyword(f *testing.F) {
	for _, name := range []string{"acct", "price", "ssn", "phone", "card", "aws_secret_access_key", "id", "no", "Number", "tel", "x", "social", "pan", "ref", "key",
		"acct@bank", "jane@bank", "4539=7036", "acct 912"} {
		for _, value := range []string{"912803456", "123456789", "212 555 0187", "No. 912803456", "is 912803456", "4222222222222", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "jane@example.com", "4111 1111 1111 1111", "+1 415 555 0132", "DE89370400440532013000",
			"9258=1474", "803 456"} {
			f.Add(name, value)
		}
	}
	d := Default()
	f.Fuzz(func(t *testing.T, name, value string) {
		if d.IsKeyword(name) {
			return
		}
		at := len(name) + len(" = ")
		var extra []Finding
		alone := d.Find(value)
		for _, fd := range d.Find(name + " = " + value) {
			if fd.End <= at {
				continue // in the name, which a reader scans alone
			}
			shifted := Finding{Kind: fd.Kind, Start: fd.Start - at, End: fd.End - at}
			found := false
			for _, a := range alone {
				if a == shifted {
					found = true
				}
			}
			if !found {
				extra = append(extra, fd)
			}
		}
		if diff := cmp.Diff([]Finding(nil), extra); diff != "" {
			t.Errorf("IsKeyword(%q) = false, but %q after it has findings it has not alone (-want +got):\n%s", name, value, diff)
		}
	})
}

// TestIsKeywordSound is FuzzIsKeyword's property over names built from the
// kinds' keywords, suffixes, linking words and separators, in three cases,
// and values each kind finds only after a keyword.
func TestIsKeywordSound(t *testing.T) {
	words := []string{"account", "acct", "acc", "accts", "ssn", "social security", "socialsecurity", "phone", "telephone", "tel", "call",
		"mobile", "cell", "fax", "card", "visa", "credit", "debit", "unionpay", "maestro", "pan", "cc", "secret", "key", "price", "order", "hotel", "vacc", "lessn", "tin", "itin", "tax", "austin", "syntax"}
	suffixes := []string{"", "number", "num", "nbr", "no", "nr", "id", "_no", " no.", "Number", "_id"}
	tails := []string{"", " is", ":", " was", " of", "=", "#", " equals"}
	values := []string{"912803456", "123456789", "212 555 0187", "No. 912803456", "number 912803456", "no: 123456789", "4222222222222", "1234567890123456789", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "100234", "4111111111111111110"}
	d := Default()
	checked, keywords := 0, 0
	for _, w := range words {
		for _, sfx := range suffixes {
			for _, tail := range tails {
				for _, name := range []string{w + sfx + tail, strings.ToUpper(w + sfx + tail), "user_" + w + sfx + tail} {
					if d.IsKeyword(name) {
						keywords++
						continue
					}
					at := len(name) + len(" = ")
					for _, v := range values {
						checked++
						alone := d.Find(v)
						for _, f := range d.Find(name + " = " + v) {
							if f.End <= at {
								continue
							}
							if !slices.Contains(alone, Finding{Kind: f.Kind, Start: f.Start - at, End: f.End - at}) {
								t.Errorf("IsKeyword(%q) = false, but %q after it is found as %v, alone not", name, v, f.Kind)
							}
						}
					}
				}
			}
		}
	}
	if keywords == 0 || checked == 0 {
		t.Fatalf("%d keyword names, %d pairs checked: the table tests nothing", keywords, checked)
	}
	t.Logf("%d keyword names; %d pairs of other names checked", keywords, checked)
}
