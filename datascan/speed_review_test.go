package datascan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// This file holds the scanner's and the rewriter's shortcuts (the issuer
// memo, long numbers without an issuer prefix, the word-wide bareNumber, the
// event-type memo, Rewrite's span copies) to a slow reference: the detector
// asked about every cell as the scanner did before them, and records
// rewritten field by field.

// refBareNumber is bareNumber one byte at a time.
func refBareNumber(b []byte) (int, bool) {
	i := 0
	if b[0] == '-' || b[0] == '+' {
		i = 1
	}
	if i == len(b) {
		return 0, false
	}
	for _, c := range b[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	return len(b) - i, true
}

// refCell is scanner.cell without its shortcuts: no memo of clean values,
// CardIssuer asked for every candidate, every long number judged.
func refCell(s *scanner, col int, b []byte) {
	if len(b) == 0 {
		return
	}
	c := &s.cols[col]
	c.values++
	str := string(b)
	digits, bare := refBareNumber(b)
	if bare {
		switch {
		case b[0] == '+':
		case b[0] == '-', digits <= 13:
			return
		case digits <= 19:
			c.cardCandidates++
			if sensitive.CardIssuer(str) {
				c.issuerCandidates++
			}
			if digits >= 17 {
				s.longNumber(c, col, b)
				return
			}
		}
	}
	f, ok := s.opts.Detector.First(str)
	if !ok {
		if !bare && strings.ContainsAny(str, "&<") {
			// The text the cell shows as HTML: no card of it is bare.
			var seen []sensitive.Kind
			for _, f := range s.opts.Detector.Find(html.UnescapeString(refStripTags(str))) {
				if !slices.Contains(seen, f.Kind) {
					seen = append(seen, f.Kind)
					s.found(c, col, f.Kind, false)
				}
			}
		}
		return
	}
	if bare {
		s.found(c, col, f.Kind, f.Kind == sensitive.CreditCard && f.Start == 0 && f.End == len(b) && b[0] != '+')
		return
	}
	var seen []sensitive.Kind
	for _, f := range s.opts.Detector.Find(str) {
		if slices.Contains(seen, f.Kind) {
			continue
		}
		seen = append(seen, f.Kind)
		s.found(c, col, f.Kind, f.Kind == sensitive.CreditCard && f.Start == 0 && f.End == len(b) && b[0] != '+')
	}
	if strings.ContainsAny(str, "&<") {
		for _, f := range s.opts.Detector.Find(html.UnescapeString(refStripTags(str))) {
			if !slices.Contains(seen, f.Kind) {
				seen = append(seen, f.Kind)
				s.found(c, col, f.Kind, false)
			}
		}
	}
}

// refTag is a tag or comment as markup reads it, and refBlock one that
// breaks the text as shown, which it reads as a line break. A tag's
// attributes are HTML's grammar: a name (a blank inside ends it, but the
// name goes on if no '=' or '/' follows), then '/', or '=' and a quoted or
// unquoted value. refOpen is a tag never closed (its last '>' inside a
// quoted value, or none), which markup keeps as text to the end.
var (
	refName = `[^\s/>][^\s/>=]*(?:\s+[^\s/>=]+)*\s*`
	refAttr = refName + `(?:/|=\s*(?:"[^"]*"|'[^']*'|[^\s>"'][^\s>]*\s))`
	refOpen = `</?[A-Za-z][^\s/>]*(?:[\s/](?:[\s/]|` + refAttr + `)*(?:` + refName + `(?:=\s*(?:"[^"]*|'[^']*|[^\s>"'][^\s>]*)?)?)?)?$`
	refTag  = regexp.MustCompile(`<!--(?:>|->|[\s\S]*?--!?>)|<[!?][^>]*>|</(?:[^A-Za-z>][^>]*)?>|` +
		`</?[A-Za-z][^\s/>]*(?:>|[\s/](?:[\s/]|` + refAttr + `)*(?:` + refName + `(?:=\s*(?:[^\s>"'][^\s>]*)?)?)?>)|` + refOpen)
	refOpenRe = regexp.MustCompile(`^` + refOpen)
	refBlock  = regexp.MustCompile(`(?i)^</?(br|p|div|li|td|th|tr|table|ul|ol|dl|dd|dt|h[1-6]|hr|pre|blockquote|section|article|header|footer|nav|aside|main|address|figure|figcaption|caption|thead|tbody|tfoot|option|details|summary)[ \t\n\f\r/>]`)
)

// refStripTags is stripTags by regular expression.
func refStripTags(s string) string {
	return refTag.ReplaceAllStringFunc(s, func(tag string) string {
		if refOpenRe.MatchString(tag) {
			return tag
		}
		if refBlock.MatchString(tag) {
			return "\n"
		}
		return ""
	})
}

// refScan is Scan with refCell.
func refScan(t testing.TB, in string) *Report {
	t.Helper()
	rep, err := refScanErr(in)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func refScanErr(in string) (*Report, error) {
	s, err := newScanner(strings.NewReader(in), options(nil))
	if err != nil {
		return nil, err
	}
	for {
		err := s.r.read()
		if err == io.EOF {
			return s.report(), nil
		}
		if err != nil {
			return nil, err
		}
		if s.r.fields() != len(s.header) {
			return nil, fmt.Errorf("row %d: %d fields", s.r.row, s.r.fields())
		}
		for i := range s.cols {
			refCell(s, i, s.r.field(i))
		}
	}
}

// iinEdges are six-digit prefixes at and beside the ends of the networks'
// ranges, where a memo keyed on four digits could go wrong.
var iinEdges = []int{
	199999, 200000, 219999, 220000, 220099, 220100, 220400, 220499, 220500, 220599, 220600,
	222099, 222100, 272099, 272100, 299999, 300000, 305999, 306000, 309499, 309500, 309599, 309600,
	310000, 319999, 339999, 340000, 349999, 350000, 352799, 352800, 358999, 359000, 369999, 370000,
	379999, 380000, 399999, 400000, 490299, 490300, 490399, 490400, 490500, 491100, 493600, 499999,
	500000, 501900, 508000, 509999, 510000, 559999, 560000, 561400, 564182, 599999, 600000, 601099,
	601100, 601199, 601200, 604000, 604001, 604050, 604200, 604201, 606282, 609999, 610000, 619999,
	620000, 622125, 622126, 622925, 622926, 627780, 629999, 630000, 636297, 639999, 640000, 643999,
	644000, 650031, 655058, 659999, 660000, 669999, 670000, 679999, 680000, 810000, 817199, 817200,
	819999, 820000, 829999, 830000, 859999, 860000, 860099, 860100, 979199, 979200, 979299, 979300,
	985999, 986000, 986099, 986100,
}

// cardish returns a number built around a range edge, 12–20 digits, Luhn
// valid three times in four, sometimes signed, zero-led or grouped.
func cardish(rng *rand.Rand) string {
	n := 12 + rng.IntN(9)
	p := strconv.Itoa(iinEdges[rng.IntN(len(iinEdges))])
	if rng.IntN(4) == 0 {
		p = randomDigits(rng, 6)
	}
	s := p + randomDigits(rng, n-len(p)-1)
	if rng.IntN(4) != 0 {
		s += luhnDigit(s)
	} else {
		s += strconv.Itoa(rng.IntN(10))
	}
	switch rng.IntN(20) {
	case 0:
		s = "-" + s
	case 1:
		s = "+" + s
	case 2:
		s = "0" + s
	case 3:
		s = " " + s
	case 4:
		if len(s) >= 16 {
			s = s[:4] + " " + s[4:8] + " " + s[8:12] + " " + s[12:]
		}
	case 5:
		s += ".0"
	}
	return s
}

// oddText mixes event types sharing long prefixes, values with NULs and
// bytes of every value, digits of other scripts, and IBAN- and
// account-like strings.
func oddText(rng *rand.Rand) string {
	switch rng.IntN(12) {
	case 0:
		return []string{"purchase", "purchase_", "purchased", "purchas", "purchase\x00", "p", "pp", "purchase_completed", "purchase_complete"}[rng.IntN(9)]
	case 1:
		b := make([]byte, 1+rng.IntN(24))
		for i := range b {
			b[i] = byte(rng.IntN(256))
			if b[i] == ',' || b[i] == '"' || b[i] == '\n' || b[i] == '\r' {
				b[i] = '0'
			}
		}
		return string(b)
	case 2:
		return "٤١١١١١١١١١١١١١١١" // Arabic-Indic digits
	case 3:
		return "４１１１１１１１１１１１１１１１" // fullwidth digits
	case 4:
		return "DE89370400440532013000"
	case 5:
		return "DE89 3704 0044 0532 0130 00"
	case 6:
		return "acct " + randomDigits(rng, 10)
	case 7:
		return "4111111111111111\x00"
	case 8:
		return "0000" + withLuhn("411111111111111")
	case 9:
		return randomDigits(rng, 8+rng.IntN(16))
	case 10:
		return "1" + randomDigits(rng, 1+rng.IntN(30))
	}
	return "click"
}

// TestScanMatchesReference scans files with the shortcuts and with refCell
// and wants the same report. The files run past issuerDirect numbers, and
// some columns are clean for their first 70,000 rows and dirty after.
func TestScanMatchesReference(t *testing.T) {
	rows := 90000
	if testing.Short() {
		rows = 20000
	}
	for seed := range uint64(2) {
		rng := rand.New(rand.NewPCG(seed, 11))
		var b strings.Builder
		b.WriteString("USER_ID,ITEM_ID,EVENT_TYPE,TIMESTAMP,CARD,NOTE,LATE\n")
		for i := range rows {
			late := "click"
			if i >= 70000 && i%97 == 0 {
				late = []string{email(rng), visa(rng), cardish(rng), oddText(rng)}[rng.IntN(4)]
			}
			ev := oddText(rng)
			if rng.IntN(3) == 0 {
				ev = "view"
			}
			fmt.Fprintf(&b, "u%d,%s,%s,%d,%s,%s,%s\n", rng.IntN(1000), signedHash(rng), ev, 1700000000+i,
				cardish(rng), oddText(rng), late)
		}
		in := b.String()
		got, err := Scan(context.Background(), strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(refScan(t, in), got); diff != "" {
			t.Errorf("seed %d: Scan differs from the reference (-want +got):\n%s", seed, diff)
		}
	}
}

// TestBareNumberEveryByte holds bareNumber to the byte loop for every byte
// value at every position of cells of 1 to 24 bytes, signed or not.
func TestBareNumberEveryByte(t *testing.T) {
	for n := 1; n <= 24; n++ {
		for _, sign := range []string{"", "-", "+"} {
			base := []byte(sign + strings.Repeat("7", n))
			for pos := range base {
				for v := range 256 {
					b := bytes.Clone(base)
					b[pos] = byte(v)
					wd, wok := refBareNumber(b)
					gd, gok := bareNumber(b)
					if wok != gok || (wok && wd != gd) {
						t.Fatalf("bareNumber(%q) = %d, %v; want %d, %v", b, gd, gok, wd, wok)
					}
				}
			}
		}
	}
}

// TestKnownMemo holds the clean-value memo to string equality over values
// that share their first eight bytes, are shorter than eight, or end in NULs.
func TestKnownMemo(t *testing.T) {
	vals := []string{"", "a", "a\x00", "\x00", "\x00\x00", "purchase", "purchase\x00", "purchas", "purchasf",
		"purchase_1", "purchase_2", "purchase_10", "12345678", "123456789", "1234567\x00", "\xff\xff\xff\xff\xff\xff\xff\xff",
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff", strings.Repeat("x", 32), strings.Repeat("x", 31) + "y", strings.Repeat("x", 33)}
	for _, stored := range vals {
		c := colStats{memo: true}
		c.remember([]byte(stored))
		for _, v := range vals {
			want := v == stored && len(v) <= memoLen
			if got := c.known([]byte(v)); got != want {
				t.Errorf("memo of %q: known(%q) = %v, want %v", stored, v, got, want)
			}
		}
	}
}

// TestRewriteSpanCopy rewrites plain records, whose bytes between
// identifiers are copied at once, and the same records with every field
// quoted, which go field by field: the output must be the same bytes.
// Identifiers come first, last, side by side and empty; some records are
// long enough to span the read buffer.
func TestRewriteSpanCopy(t *testing.T) {
	p := testPseudonymizer(t)
	headers := []string{
		"USER_ID,SESSION_ID,ITEM_ID,TIMESTAMP",
		"ITEM_ID,TIMESTAMP,SESSION_ID,USER_ID",
		"ITEM_ID,USER_ID,NOTE,SESSION_ID,EVENT_TYPE",
		"USER_ID,NOTE",
		"NOTE,USER_ID",
	}
	rng := rand.New(rand.NewPCG(3, 4))
	field := func(id bool) string {
		switch rng.IntN(8) {
		case 0:
			return ""
		case 1:
			if !id {
				return strings.Repeat("z", rng.IntN(3*readBufSize))
			}
		case 2:
			return "a b\tc"
		}
		if id {
			return "user-" + strconv.Itoa(rng.IntN(1e6))
		}
		return strconv.Itoa(rng.IntN(1e6))
	}
	for _, h := range headers {
		for _, eol := range []string{"\n", "\r\n"} {
			names := strings.Split(h, ",")
			var plain, quoted strings.Builder
			plain.WriteString(h + eol)
			quoted.WriteString(h + eol)
			for r := range 300 {
				var pf, qf []string
				for _, name := range names {
					f := field(name == "USER_ID" || name == "SESSION_ID")
					pf = append(pf, f)
					qf = append(qf, `"`+f+`"`)
				}
				end := eol
				if r == 299 && rng.IntN(2) == 0 {
					end = "" // the last record may lack its line ending
				}
				plain.WriteString(strings.Join(pf, ",") + end)
				quoted.WriteString(strings.Join(qf, ",") + end)
			}
			for _, workers := range []int{1, 3} {
				opt := func(o *Options) { o.Workers = workers; o.MaxRecordBytes = 8 * readBufSize }
				var want, got bytes.Buffer
				wr, werr := Rewrite(context.Background(), &want, strings.NewReader(quoted.String()), p, opt)
				gr, gerr := Rewrite(context.Background(), &got, strings.NewReader(plain.String()), p, opt)
				if werr != nil || gerr != nil {
					t.Fatalf("%q: errors %v, %v", h, werr, gerr)
				}
				if !bytes.Equal(want.Bytes(), got.Bytes()) {
					i := 0
					for i < min(want.Len(), got.Len()) && want.Bytes()[i] == got.Bytes()[i] {
						i++
					}
					t.Errorf("%q eol %q workers %d: outputs differ at byte %d of %d/%d", h, eol, workers, i, want.Len(), got.Len())
				}
				// Bytes differ (quotes were read); the verdicts must not.
				wr.Bytes, gr.Bytes = 0, 0
				if diff := cmp.Diff(wr, gr); diff != "" {
					t.Errorf("%q: reports differ (-want +got):\n%s", h, diff)
				}
			}
		}
	}
}

// TestRewriteSpanCopyPseudonymError wants an identifier that is already a
// pseudonym refused on the span-copy path as on the other.
func TestRewriteSpanCopyPseudonymError(t *testing.T) {
	p := testPseudonymizer(t)
	id, err := p.UserID("u1")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"ITEM_ID,USER_ID\ni1," + id + "\n", "ITEM_ID,USER_ID\n\"i1\"," + id + "\n"} {
		_, err := Rewrite(context.Background(), io.Discard, strings.NewReader(in), p)
		if !errors.Is(err, ErrPseudonym) {
			t.Errorf("Rewrite of a pseudonym: %v, want ErrPseudonym", err)
		}
	}
}

// TestCallerRulesSeeBareNumbers: the scanner's number shortcuts (bare runs
// of up to 13 digits, negative numbers, 17–19-digit runs) stand for the
// built-in kinds only. A caller Rule for a numeric identifier must still see
// those cells, or Scan and the guard's import scan miss what the caller told
// the detector to find.
func TestCallerRulesSeeBareNumbers(t *testing.T) {
	tests := []struct {
		name, pattern, cell string
	}{
		{name: "10-digit member number", pattern: `^\d{10}$`, cell: "4820193745"},
		{name: "13-digit account", pattern: `^\d{13}$`, cell: "5820193745123"},
		{name: "negative reference", pattern: `^-\d{6,}$`, cell: "-48201937"},
		{name: "18-digit national ID", pattern: `^\d{17}[\dX]$`, cell: "110105194912310029"},
		{name: "19-digit loyalty card", pattern: `^7\d{18}$`, cell: "7000123412341234123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := sensitive.New(func(o *sensitive.Options) {
				o.Rules = []sensitive.Rule{{Kind: "member-id", Pattern: regexp.MustCompile(tt.pattern)}}
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := d.First(tt.cell); !ok {
				t.Fatalf("the rule does not match %q on its own", tt.cell)
			}
			in := "ITEM_ID,MEMBER\ni1," + tt.cell + "\n"
			rep, err := Scan(context.Background(), strings.NewReader(in), func(o *Options) { o.Detector = d })
			if err != nil {
				t.Fatal(err)
			}
			got := rep.Columns[1].Kinds
			if diff := cmp.Diff(map[sensitive.Kind]int64{"member-id": 1}, got); diff != "" {
				t.Errorf("kinds (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzScanMatchesReference holds Scan to the reference on arbitrary data
// under a header with an event-type, a string and a numeric-looking column.
//
// A run that shows 0 execs/s for long stretches is minimizing a new
// interesting input, not hung: the worker reports its calls only when
// minimization ends, which may take the default -fuzzminimizetime of 60 s
// for an input of a kilobyte or so, however fast each call is. Pass
// -fuzzminimizetime 2s (or run more workers) to keep fuzzing meanwhile.
func FuzzScanMatchesReference(f *testing.F) {
	for _, s := range []string{"click,4111111111111111,x\n", "purchase\x00,-41111111111111111,\"a,b\"\n",
		"p,+442079460958,6011000990139424\n", "view,0000000000000000000,\xff\n",
		"view,john&#64;example.com,4111<br>1111<br>1111<br>1111\n",
		"view,4111<span>1111</span>1111<TD x>1111</b2>,<pre>4111<bré>1111</Li>1111<!br>1111\n",
		"view,4111<p-x>1111</p-x>1111<br-x>1111,<td\tx>4111<h1:x>1111\n",
		"view,4111<!-- > -->1111<!-->1111<!--->1111,j<!-- x --!>@e.com<!--<br>-->4111<!-- x\n",
		"view,4111<?x?>1111<?x>1111<? >1111,j<?xml?>@e.com<?\n",
		"view,4111<b t=\">\">1111</i a b = '>' c=x\">1111<i =\">1111,j<a x=\"<br>@e.com<b\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		in := "EVENT_TYPE,NOTE,ITEM_ID\n" + data
		want, werr := refScanErr(in)
		got, err := Scan(context.Background(), strings.NewReader(in))
		if (werr != nil) != (err != nil) {
			t.Fatalf("errors differ: reference %v, Scan %v", werr, err)
		}
		if err != nil {
			return
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Scan differs from the reference (-want +got):\n%s", diff)
		}
	})
}
