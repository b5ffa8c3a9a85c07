package sensitive

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// firstFull is First without shortClean: the scanner alone.
func firstFull(d *Detector, s string) (Finding, bool) {
	var sc scanner
	sc.init(d, s)
	return sc.next(0, nil)
}

// shortDetectors are the detectors the short path is held to the full one
// with: every kind, each kind alone, each kind left out, the nil and zero
// detectors, an allow-list, and a caller rule (which shortClean never
// proves clean).
func shortDetectors(tb testing.TB) map[string]*Detector {
	tb.Helper()
	ds := map[string]*Detector{"default": Default(), "nil": nil, "zero": {}}
	for _, k := range Kinds() {
		var others []Kind
		for _, o := range Kinds() {
			if o != k {
				others = append(others, o)
			}
		}
		only, err := New(func(o *Options) { o.Kinds = []Kind{k} })
		if err != nil {
			tb.Fatal(err)
		}
		without, err := New(func(o *Options) { o.Kinds = others })
		if err != nil {
			tb.Fatal(err)
		}
		ds["only "+string(k)] = only
		ds["without "+string(k)] = without
	}
	allow, err := New(func(o *Options) { o.AllowList = []string{"4111111111111111", "123-45-6789"} })
	if err != nil {
		tb.Fatal(err)
	}
	ds["allow-list"] = allow
	rule, err := New(func(o *Options) {
		o.Rules = []Rule{{Kind: "movie-id", Pattern: regexp.MustCompile(`movies-[0-9]+`)}}
	})
	if err != nil {
		tb.Fatal(err)
	}
	ds["rule"] = rule
	return ds
}

// checkShortSame asserts that shortClean never calls a text with a finding
// clean, and that First, Find and Contains answer as the scanner alone
// does. It returns whether the default detector took the short path.
func checkShortSame(t *testing.T, ds map[string]*Detector, s string) bool {
	t.Helper()
	for name, d := range ds {
		want, wantOK := firstFull(d, s)
		clean := shortClean(d, s)
		if clean && wantOK {
			// The kind and offsets only: the text may be sensitive.
			t.Fatalf("%s: shortClean proves a text of %d bytes clean, the scanner finds %v", name, len(s), want)
		}
		if got, ok := d.First(s); got != want || ok != wantOK {
			t.Fatalf("%s: First = %v, %v; the scanner alone: %v, %v", name, got, ok, want, wantOK)
		}
		if d.Contains(s) != wantOK {
			t.Fatalf("%s: Contains = %v; the scanner alone: %v", name, !wantOK, wantOK)
		}
		if fs := d.Find(s); len(fs) > 0 != wantOK || wantOK && fs[0] != want {
			t.Fatalf("%s: Find = %v; the scanner's first: %v, %v", name, fs, want, wantOK)
		}
		if name == "rule" && clean {
			t.Fatalf("rule: shortClean proves clean a text a caller rule has not read")
		}
	}
	return shortClean(Default(), s)
}

// shortTokens build near misses: keywords, country codes, separators and
// digit runs of every length a gate tells apart.
var shortTokens = []string{
	"acct", "account", "Acct#", "ssn", "SSN", "tel", "phone", "card", "iban", "no", "x", "movies", "DE", "GB",
	"-", " ", "_", ".", "/", ":", "+", "(", ")", "=", "e", "E", "#", "\"", "'", "\t", ",", "@", "A", "%",
	"\x00", "\u200b", "é", "0", "1", "12", "123", "1234", "12345", "123456", "912803456", "4111111111111111",
	"4111 1111 1111 1111", "123-45-6789", "(212) 555-0187", "+14155550123", "4155550123", "1.5", "0.00",
	"89370400440532013000", "AKIA", "ASIA", "IOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "2024-11-28", "v1", "3e8",
	"INTERACTIONS", "dataset/movies/",
}

func shortText(r *rand.Rand) string {
	var b strings.Builder
	for n := 1 + r.IntN(8); n > 0; n-- {
		if r.IntN(3) == 0 {
			// A run of random digits, one to twenty long.
			for k := 1 + r.IntN(20); k > 0; k-- {
				b.WriteByte(byte('0' + r.IntN(10)))
			}
			continue
		}
		b.WriteString(shortTokens[r.IntN(len(shortTokens))])
	}
	s := b.String()
	return s[:min(len(s), shortMax+2)]
}

// TestShortCleanMatchesFull holds the short path to the scanner alone over
// every corpus text and every window of it up to shortMax bytes, the fuzz
// seeds, the names of the guards' benchmarks, texts at the length limits,
// and random near misses; it also checks that the short path is taken
// often and that the texts hold findings often, so that neither side is
// vacuous.
func TestShortCleanMatchesFull(t *testing.T) {
	ds := shortDetectors(t)
	var texts []string
	for _, cl := range readCorpus(t) {
		s := cl.text
		texts = append(texts, s)
		for _, n := range []int{1, 2, 3, 7, 8, 11, 16, 24, 39, 40, 41, 62, 63, 64} {
			for at := 0; at+n <= len(s); at += max(n/2, 1) {
				texts = append(texts, s[at:at+n])
			}
		}
	}
	for n := range 10000 {
		texts = append(texts, "movies-"+strconv.Itoa(n), "movies-"+strconv.Itoa(n*7919), "run-"+strconv.Itoa(n)+"-"+strconv.Itoa(n*31))
	}
	for _, n := range []int{shortMax - 1, shortMax, shortMax + 1} {
		for _, tail := range []string{"4111111111111111", "acct 912803456", "123-45-6789", "x"} {
			texts = append(texts, strings.Repeat("a", n-len(tail))+tail, tail+strings.Repeat("-", n-len(tail)))
		}
	}
	r := rand.New(rand.NewPCG(24, 3))
	for range 30000 {
		texts = append(texts, shortText(r))
	}
	short, found := 0, 0
	for _, s := range texts {
		if checkShortSame(t, ds, s) {
			short++
		}
		if Default().Contains(s) {
			found++
		}
	}
	t.Logf("%d texts: %d proven clean by the short path, %d with a finding", len(texts), short, found)
	if short < len(texts)/5 || found < len(texts)/100 {
		t.Fatalf("of %d texts, %d took the short path and %d hold a finding: the test is too one-sided", len(texts), short, found)
	}
}

// TestShortCleanHostile are texts built to look clean to a prefilter that
// reads too little: each holds a finding the scanner reports, and the
// short path must not call it clean.
func TestShortCleanHostile(t *testing.T) {
	for i, s := range []string{
		"movies-4111111111111111", "acct-912803456", "acct912803456", "ssn 123-45-6789", "ssn 123456789",
		"+14155550123", "tel 4155550123", "(415) 555-0123", "DE89370400440532013000", "DE89 3704 0044 0532 0130 00",
		"4111 1111 1111 1111", "4111=1111=1111=1111", "acct 912 803 456", "acct 1234-5678-9012", "acct 912803456.0",
		"acct 9.12803456e8", "4.111111111111111e15", "a@b.co", "AKIAIOSFODNN7EXAMPLE", "movies/AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE-x", "https://u:p@h",
		"?X-Amz-Signature=0123456789abcdef", "%34111111111111111", "4111%201111%201111%201111", "4111\u200b111111111111", "ssn １２３-45-6789",
		"acct%20912803456", "a%40b.co",
	} {
		if shortClean(Default(), s) {
			t.Errorf("shortClean proves hostile text %d clean", i)
		}
		if _, ok := firstFull(Default(), s); !ok {
			t.Errorf("the scanner finds nothing in hostile text %d: not a test of the short path", i)
		}
	}
	ds := shortDetectors(t)
	for _, s := range []string{"movies-12", "movies-11-28", "run-000123", "dataset/movies/INTERACTIONS", "AKIAIOSFODNN7EXAMPL", "job v1.2.3", "abc"} {
		if !shortClean(Default(), s) {
			t.Errorf("shortClean does not prove %q clean", s)
		}
		checkShortSame(t, ds, s)
	}
}

func FuzzShortPathMatchesFull(f *testing.F) {
	seedFromCorpus(f)
	for _, s := range shortTokens {
		f.Add(s)
		f.Add("movies-" + s)
	}
	// The shortest findings of each kind, with a byte the gates or the
	// normaliser read either side (red28_test.go).
	for i, s := range red28Cores {
		g := red28Glue[i%len(red28Glue)]
		f.Add(s)
		f.Add(g + s + g)
	}
	ds := shortDetectors(f)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4*shortMax {
			t.Skip()
		}
		checkShortSame(t, ds, s)
		for n := 1; n < len(s) && n <= shortMax; n += 7 {
			checkShortSame(t, ds, s[len(s)-n:])
		}
	})
}
