package sensitive

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// red28Cores are the shortest findings of each numeric kind and the
// contexts (keywords, glue) they need, for the attacks on shortClean below.
var red28Cores = []string{
	// cards: plain, grouped, JSON, Amex, keyword-only lengths
	"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005", "4222222222222",
	"4111111111111111.0", "4.111111111111111e15", "card 6011000990139424", "cc 4222222222222", "pan 4111111111111",
	"4111_1111_1111_1111", "4111/1111/1111/1111", "4111.1111.1111.1111", "4111+1111+1111+1111",
	// 13 and 14 digits after a digit and a separator: the shortest runs
	// the drop of a longer number's inside (shortRunPasses) must keep
	"1-36227206271667", "card 1-4222222222222", "1+36227206271667", "cc 0-30569309025904",
	// SSNs
	"123-45-6789", "ssn 123456789", "ssn 123 45 6789", "SSN#123-45-6789", "tin 123456789", "itin 912-70-1234",
	"123 45 6789", "123_45_6789", "123.45.6789", "123/45/6789",
	// phones
	"+14155550123", "+1 415 555 0123", "(415) 555-0123", "415-555-0123", "1-415-555-0123", "0044 20 7946 0958",
	"+44 20 7946 0958", "tel 4155550123", "phone: 4155550123", "fax 415 555 0123", "+33 1 23 45 67 89",
	"415.555.0123", "+442079460958", "cell 14155550123", "020 7946 0958", "(020) 7946 0958",
	// IBANs
	"DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "NL91ABNA0417164300",
	"de89370400440532013000", "NO9386011117947", "BE68539007547034",
	// accounts
	"acct 912803456", "acct#912803456", "account 12345678", "acct-912803456", "acct912803456", "acc 912803456",
	"acct 912 803 456", "acct 1234-5678-9012", "acct 912803456.0", "acct 9.12803456e8", "account no 123456",
	"account number 123456", "acct_no 123456", "AccountNumber 91280345", "acct nr 123456", "accts 1234567",
	"bankaccount 123456", "subacct-123456", "acct is 123456", "acct #123456", "acct\"123456", "acct'123456",
	// access keys near 20 bytes
	"AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "ABIAIOSFODNN7EXAMPLE", "ACCAIOSFODNN7EXAMPLE",
	"xAKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLEx", "-AKIAIOSFODNN7EXAMPLE-",
	// the other anchors, with no digit: a query credential without a
	// scheme, a URL's userinfo, an e-mail address
	"?X-Amz-Signature=abc", "&x-amz-credential=k", "#X-Amz-Security-Token=t", "https://u:p@h", "ftp://a:b@c",
	"a@b.co", "jane@example.com",
}

// red28Glue are single bytes put around and inside the cores: every class
// the gates read, the layout controls normalising keeps, bytes it drops,
// and bytes above 0x7f.
var red28Glue = []string{
	"", " ", "\t", "\n", "\v", "\f", "\r", "\x00", "\x01", "\x1f", "\x7f", "\x80", "\xff", "\u00a0", "\u200b",
	"\u202e", "\uff11", "-", "_", ".", "/", "+", "(", ")", "#", "\"", "'", ",", ";", "!", "?", "&", "*", "~",
	"\\", "[", "]", "{", "}", "<", ">", "|", "`", "$", "^", "0", "1", "9", "a", "e", "E", "x", "Z", "A",
	"%", "%20", "%34", "&#52;", "\\u0034", "\\x34", "=", ":", "@",
}

// red28Check holds shortClean and every entry point to the scanner alone
// for s and each detector, and counts the texts the default detector both
// took the short path for and that hold findings elsewhere.
func red28Check(t *testing.T, ds map[string]*Detector, s string) {
	t.Helper()
	if len(s) > shortMax+2 {
		return
	}
	checkShortSame(t, ds, s)
	for name, d := range ds {
		want, wantOK := firstFull(d, s)
		fs := d.AppendFind(make([]Finding, 0, 4), s)
		if len(fs) > 0 != wantOK || wantOK && fs[0] != want {
			t.Fatalf("%s: AppendFind = %v; the scanner's first: %v, %v", name, fs, want, wantOK)
		}
		if r := d.Redact(s); (r != s) != wantOK {
			t.Fatalf("%s: Redact changed the text: %v; the scanner finds: %v", name, r != s, wantOK)
		}
	}
}

// red28Detectors adds to shortDetectors the configurations a caller may
// build that the short path reads differently: two numeric kinds, numeric
// and non-numeric kinds together, and an allow-list holding a core.
func red28Detectors(tb testing.TB) map[string]*Detector {
	tb.Helper()
	ds := shortDetectors(tb)
	for name, kinds := range map[string][]Kind{
		"card+ssn":       {CreditCard, SSN},
		"phone+account":  {Phone, AccountNumber},
		"iban+email":     {IBAN, Email},
		"access-key+url": {AWSAccessKey, URLCredentials},
	} {
		d, err := New(func(o *Options) { o.Kinds = kinds })
		if err != nil {
			tb.Fatal(err)
		}
		ds[name] = d
	}
	allow, err := New(func(o *Options) { o.AllowList = []string{"acct 912803456", "912803456", "+14155550123"} })
	if err != nil {
		tb.Fatal(err)
	}
	ds["allow-cores"] = allow
	rule, err := New(func(o *Options) { o.Rules = []Rule{{Kind: "x", Pattern: regexp.MustCompile(`^$`)}} })
	if err != nil {
		tb.Fatal(err)
	}
	ds["rule-empty"] = rule
	return ds
}

// TestRed28GlueAroundCores puts every glue byte before, after and inside
// each core, at the ends of the text and padded to the length limit, and
// holds the short path to the scanner alone.
func TestRed28GlueAroundCores(t *testing.T) {
	ds := red28Detectors(t)
	n, found, short := 0, 0, 0
	check := func(s string) {
		if len(s) > shortMax+1 {
			return // the short path reads none: TestShortCleanMatchesFull has the limit
		}
		n++
		// Every 16th text through every entry point; the others only
		// where it matters, the texts the short path proves clean.
		if n%16 == 0 {
			red28Check(t, ds, s)
		} else {
			for name, d := range ds {
				if shortClean(d, s) {
					if f, ok := firstFull(d, s); ok {
						t.Fatalf("%s: shortClean proves a text of %d bytes clean, the scanner finds %v", name, len(s), f)
					}
				}
			}
		}
		if _, ok := firstFull(Default(), s); ok {
			found++
		}
		if shortClean(Default(), s) {
			short++
		}
	}
	for _, core := range red28Cores {
		for _, g := range red28Glue {
			for _, h := range red28Glue {
				check(g + core + h)
			}
			for i := 1; i < len(core); i++ {
				check(core[:i] + g + core[i:])
				check(g + core[:i] + g + core[i:])
			}
			for _, pad := range []string{"a", "-", " ", "x1"} {
				for _, l := range []int{shortMax - 1, shortMax, shortMax + 1} {
					if r := l - len(core) - len(g); r > 0 {
						p := strings.Repeat(pad, r)[:r]
						check(p + g + core)
						check(core + g + p)
					}
				}
			}
		}
	}
	t.Logf("%d texts: %d with a finding, %d proven clean", n, found, short)
	if found < n/4 || short < n/50 {
		t.Fatalf("of %d texts %d hold a finding and %d took the short path: too one-sided", n, found, short)
	}
}

// TestRed28Mutations edits the cores at random (a byte replaced, inserted
// or deleted, from the glue and the digits), many times over.
func TestRed28Mutations(t *testing.T) {
	ds := red28Detectors(t)
	rounds := 60000
	if testing.Short() || raceEnabled {
		rounds = 6000
	}
	r := rand.New(rand.NewPCG(28, 28))
	n, short, found := 0, 0, 0
	for range rounds {
		s := []byte(red28Cores[r.IntN(len(red28Cores))])
		for k := 1 + r.IntN(4); k > 0; k-- {
			var ins []byte
			if r.IntN(2) == 0 {
				ins = []byte{byte('0' + r.IntN(10))}
			} else {
				ins = []byte(red28Glue[r.IntN(len(red28Glue))])
			}
			at := r.IntN(len(s) + 1)
			switch r.IntN(3) {
			case 0:
				s = append(s[:at:at], append(ins, s[at:]...)...)
			case 1:
				if at < len(s) {
					s = append(s[:at:at], s[at+1:]...)
				}
			default:
				if at < len(s) {
					s = append(s[:at:at], append(ins, s[at+1:]...)...)
				}
			}
		}
		n++
		red28Check(t, ds, string(s))
		if shortClean(Default(), string(s)) {
			short++
		} else if _, ok := firstFull(Default(), string(s)); ok {
			found++
		}
	}
	t.Logf("%d texts: %d proven clean, %d with a finding", n, short, found)
	if short < n/50 || found < n/10 {
		t.Fatalf("of %d texts %d took the short path and %d hold a finding: too one-sided", n, short, found)
	}
}

// TestRed28Hostile are the strongest texts of the attacks above, each at
// an edge of the short path: a NUL or a layout control where the padding
// is read, a keyword or a group split by a byte the gates read, the length
// limit, an 'A' at the access key's length, escapes the normaliser leaves
// as they are. Every entry point answers as the scanner alone, with every
// detector configuration; the table records which hold a finding, so that
// a change to the scanner that the short path misses shows here too.
func TestRed28Hostile(t *testing.T) {
	ds := red28Detectors(t)
	for _, tt := range []struct {
		s     string
		found bool
	}{
		{"\x00acct 912803456", true},           // NUL before: dropped, the text is normalised
		{"acct 912803456\x00", true},           // NUL after, where the padding is
		{"acct\x00912803456", true},            // NUL as the gap: dropped, "acct912803456"
		{"4111\x001111\x001111\x001111", true}, // dropped NULs join the groups
		{"123-45-6789\x00\x00\x00", true},      // as many NULs as the padding
		{"\v123-45-6789", true},                // a layout control is kept, and no letter
		{"4111\v1111\v1111\v1111", false},      // nor a separator
		{"acct\v912803456", false},             // nor a gap
		{"acct\r912803456", false},
		{"ssn\f123456789", false},
		{"tel\n4155550123", false},
		{"4111\u00a01111\u00a01111\u00a01111", true}, // a no-break space is one
		{"acct\u200b912803456", true},                // a zero-width space is dropped
		{"a\u200bcct 912803456", true},               // inside the keyword too
		{"acct \uff19\uff11\uff12803456", true},      // full-width digits
		{"acct \u0669\u0661\u0662803456", true},      // Arabic-Indic digits
		{"acct%20912803456", true},
		{"acct %39%31%32803456", true},
		{"acct &#57;12803456", false},  // HTML entities are not decoded
		{"acct \\u00391280345", false}, // nor backslash escapes
		{"acct \\x39128034567", false},
		{"\u202eacct 912803456", true},                      // a bidi override is dropped
		{"acct 912803456\xff", true},                        // invalid UTF-8 after the value
		{"acct\xff912803456", false},                        // and as the gap
		{"aaaaaaaaaaaaaaaaaaaaaaaa4111111111111111", false}, // 40 bytes: the scanner alone
		{"aaaaaaaaaaaaaaaaaaaaaaa4111111111111111", false},  // 39: glued to a letter
		{"aaaaaaaaaaaaaaaaaaaaaa-4111111111111111", true},   // 39 bytes, the limit
		{"4111111111111111-aaaaaaaaaaaaaaaaaaaaaa", true},
		{"aaaaaaaaaaaaaaaaaaaaaaaaa acct 912803456", true}, // 40
		{"aaaaaaaaaaaaaaaaaaaaaaaa acct 912803456", true},  // 39
		{"AKIAIOSFODNN7EXAMPLE", true},                     // exactly the key's length
		{"AKIAIOSFODNN7EXAMPL", false},
		{"AKIAIOSFODNN7EXAMPLE-aaaaaaaaaaaaaaaaaa", true},
		{"aaaaaaaaaaaaaaaaaaa-AKIAIOSFODNN7EXAMPLE", true},
		{"AKIAAAAAAAAAAAAAAAAA", false}, // too few distinct characters
		{"+1 415 555 0123", true},
		{"+1(415)555-0123", true},
		{"1-415-555-0123", true},
		{"x1-415-555-0123", false},
		{"(415)5550123", false},
		{"tel:4155550123", true},
		{"tel#4155550123", true},
		{"DE89370400440532013000", true},
		{"de89370400440532013000", true},
		{"DE 89370400440532013000", true},
		{"xDE89370400440532013000", false},
		{"acct#1234567", true},
		{"acct##1234567", true},
		{"acct-#-1234567", true},
		{"acct 12345", false},
		{"acct 12345-678", true},
		{"acct 912_803_456", false},
		{"123-45-6789-0", false},
		{"9-123-45-6789", false},
		{"1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1", false},
		{"movies-20241128-123456789", false},
		{"run-1732999999999", false},
		{"1-36227206271667", true},     // 14 digits inside a longer number: a card all the same
		{"card 1_4222222222222", true}, // 13 after a card keyword
		{"1/4222222222222", false},
		{"v4111111111111111", true},
		{"4111111111111111v", true},
	} {
		if len(tt.s) > shortMax+1 {
			t.Fatalf("%q is %d bytes: past what the short path reads", tt.s, len(tt.s))
		}
		red28Check(t, ds, tt.s)
		if _, ok := firstFull(Default(), tt.s); ok != tt.found {
			t.Errorf("the scanner finds something in %q: %v, the table says %v", tt.s, ok, tt.found)
		}
	}
}

// TestRed28DigitBitsExact: shortClean reads every byte of the text and of
// its zero padding through digitBits, where the scanner reads a short
// text's tail byte by byte. Each byte value at each position of a word,
// among neighbours that would borrow or carry into it, is marked exactly
// when it is an ASCII digit.
func TestRed28DigitBitsExact(t *testing.T) {
	for _, fill := range []byte{0x00, '/', '0', '9', ':', 0x7f, 0x80, 0xb9, 0xff} {
		for k := range 8 {
			for c := range 256 {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[k] = byte(c)
				var want uint64
				for i, b := range w {
					if isDigit(b) {
						want |= 1 << i
					}
				}
				if got := digitBits(load64b(w[:])); got != want {
					t.Fatalf("digitBits of byte %#x at %d among %#x = %08b, want %08b", c, k, fill, got, want)
				}
			}
		}
	}
}
