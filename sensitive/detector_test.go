package sensitive

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

func TestKinds(t *testing.T) {
	want := []Kind{"credit-card", "ssn", "iban", "email", "phone", "aws-access-key", "aws-secret-key", "account-number", "url-credentials"}
	if diff := cmp.Diff(want, Kinds()); diff != "" {
		t.Errorf("Kinds() mismatch (-want +got):\n%s", diff)
	}
	k := Kinds()
	k[0] = "changed"
	if Kinds()[0] != CreditCard {
		t.Error("Kinds() returned shared storage")
	}
	for b := builtin(0); b < numBuiltins; b++ {
		want := b
		if b == bQuery {
			want = bURL // the schemeless query scan reports URL credentials
		}
		if got, ok := builtinOf(b.kind()); !ok || got != want {
			t.Errorf("builtinOf(%s) = %d, %v; want %d", b.kind(), got, ok, want)
		}
	}
}

func TestFindingString(t *testing.T) {
	s := "pay 4111111111111111 now"
	f, ok := Default().First(s)
	if !ok {
		t.Fatal("no finding")
	}
	if got, want := f.String(), "credit-card at [4,20)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if strings.Contains(f.String(), "4111") {
		t.Error("String() contains the value")
	}
}

func TestFindOrderAndOverlap(t *testing.T) {
	tests := []struct {
		text   string
		want   []Finding
		reason string
	}{
		{"", nil, "empty input"},
		{"nothing to see here", nil, "clean text"},
		{
			"mail jane@example.com, card 4111111111111111, call 212-555-0187",
			[]Finding{{Email, 5, 21}, {CreditCard, 28, 44}, {Phone, 51, 63}},
			"ordered by start",
		},
		{
			"acct-4111111111111111",
			[]Finding{{CreditCard, 5, 21}},
			"same span: the card is more specific than the account number",
		},
		{
			"https://x.example/?token=AKIAIOSFODNN7EXAMPLE",
			[]Finding{{AWSAccessKey, 25, 45}},
			"same span: the access key is more specific than the parameter",
		},
		{
			"https://x.example/?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101",
			[]Finding{{URLCredentials, 36, 67}},
			"same start: the longer parameter value wins over the key inside it",
		},
		{
			"https://jane:pw@example.com/",
			[]Finding{{URLCredentials, 8, 15}},
			"the userinfo starts before the e-mail-shaped pw@example.com",
		},
	}
	for _, tc := range tests {
		got := Default().Find(tc.text)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: Find(%q) mismatch (-want +got):\n%s", tc.reason, tc.text, diff)
		}
	}
}

func TestNewOptions(t *testing.T) {
	const text = "jane@example.com 4111111111111111 acct-12345678"
	tests := []struct {
		name  string
		opts  []func(*Options)
		kinds []Kind
	}{
		{"default", nil, []Kind{Email, CreditCard, AccountNumber}},
		{"one kind", []func(*Options){kinds(Email)}, []Kind{Email}},
		{"two kinds", []func(*Options){kinds(CreditCard, AccountNumber)}, []Kind{CreditCard, AccountNumber}},
		{"last setting wins", []func(*Options){kinds(Email), kinds(AccountNumber)}, []Kind{AccountNumber}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := New(tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			var got []Kind
			for _, f := range d.Find(text) {
				got = append(got, f.Kind)
			}
			if diff := cmp.Diff(tc.kinds, got); diff != "" {
				t.Errorf("kinds found mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name      string
		opt       func(*Options)
		field     string
		mustNotBe string // text that must not appear in the error
	}{
		{"unknown kind", kinds("credit_card"), "Options.Kinds", ""},
		{"no kinds", func(o *Options) { o.Kinds = []Kind{} }, "Options.Kinds", ""},
		{"malformed kind is not echoed", kinds("4111111111111111 "), "Options.Kinds", "4111"},
		{"rule without pattern", rules(Rule{Kind: "employee-id"}), "Options.Rules[0]", ""},
		{"rule with upper-case kind", rules(Rule{Kind: "EmployeeID", Pattern: regexp.MustCompile(`E\d+`)}), "Options.Rules[0]", ""},
		{"rule with empty kind", rules(Rule{Pattern: regexp.MustCompile(`E\d+`)}), "Options.Rules[0]", ""},
		{"rule kind carrying a value is not echoed", rules(Rule{Kind: "jane@example.com", Pattern: regexp.MustCompile(`x`)}), "Options.Rules[0]", "jane"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := New(tc.opt)
			if err == nil || d != nil {
				t.Fatalf("New() = %v, %v; want nil and an error", d, err)
			}
			var ae *ArgumentError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *ArgumentError", err)
			}
			if ae.Field != tc.field {
				t.Errorf("Field = %q, want %q", ae.Field, tc.field)
			}
			if tc.mustNotBe != "" && strings.Contains(err.Error(), tc.mustNotBe) {
				t.Errorf("error %q echoes the input", err)
			}
		})
	}
}

func TestRules(t *testing.T) {
	employee := Rule{
		Kind:    "employee-id",
		Pattern: regexp.MustCompile(`\bEMP-\d{6}\b`),
		Validate: func(m string) bool {
			return !strings.HasSuffix(m, "000000")
		},
	}
	d, err := New(rules(employee))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text   string
		want   []Finding
		reason string
	}{
		{"owner EMP-123456", []Finding{{"employee-id", 6, 16}}, "rule match"},
		{"owner EMP-000000", nil, "Validate rejects"},
		{"EMP-123456 jane@example.com", []Finding{{"employee-id", 0, 10}, {Email, 11, 27}}, "rule and built-in together"},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, d.Find(tc.text)); diff != "" {
			t.Errorf("%s: Find(%q) mismatch (-want +got):\n%s", tc.reason, tc.text, diff)
		}
	}

	// A rule that matches the empty string never yields empty findings
	// (which would stall Find).
	empty, err := New(kinds(Email), rules(Rule{Kind: "maybe", Pattern: regexp.MustCompile(`x*`)}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Finding{{"maybe", 2, 4}}, empty.Find("abxxc")); diff != "" {
		t.Errorf("empty-matching rule mismatch (-want +got):\n%s", diff)
	}

	// A rule may share a built-in kind's name, and ties go to the built-in.
	same, err := New(kinds(Email), rules(Rule{Kind: Email, Pattern: regexp.MustCompile(`[a-z]+@corp`)}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Finding{{Email, 0, 8}, {Email, 9, 25}}, same.Find("joe@corp jane@example.com")); diff != "" {
		t.Errorf("rule with built-in kind mismatch (-want +got):\n%s", diff)
	}
}

func TestAllowList(t *testing.T) {
	d, err := New(func(o *Options) { o.AllowList = []string{"support@example.com", "", "4111111111111111"} })
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text   string
		want   []Finding
		reason string
	}{
		{"write to support@example.com", nil, "reviewed address"},
		{"write to Support@example.com", []Finding{{Email, 9, 28}}, "comparison is exact"},
		{"support@example.com or jane@example.com", []Finding{{Email, 23, 39}}, "other values still found"},
		{"acct-4111111111111111", nil, "the value is exempt whatever kind claims it"},
		{"support@example.com.uk", []Finding{{Email, 0, 22}}, "a longer value is a different value"},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, d.Find(tc.text)); diff != "" {
			t.Errorf("%s: Find(%q) mismatch (-want +got):\n%s", tc.reason, tc.text, diff)
		}
	}
	// New copies the options: changing the caller's slice later changes
	// nothing.
	vals := []string{"jane@example.com"}
	d2, err := New(func(o *Options) { o.AllowList = vals })
	if err != nil {
		t.Fatal(err)
	}
	vals[0] = "other@example.com"
	if d2.Contains("jane@example.com") {
		t.Error("the detector did not copy its allow-list")
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		text, want, reason string
	}{
		{"", "", "empty"},
		{"events-2024-11-28", "events-2024-11-28", "clean text is returned unchanged"},
		{"card 4111 1111 1111 1111 exp", "card [REDACTED:credit-card] exp", "one finding"},
		{"jane@example.com/212-555-0187", "[REDACTED:email]/[REDACTED:phone]", "adjacent findings"},
		{"acct-12345678", "acct-[REDACTED:account-number]", "the keyword stays"},
		{"https://u:p@h.example/?token=abc&page=2", "https://[REDACTED:url-credentials]@h.example/?token=[REDACTED:url-credentials]&page=2", "URL keeps its shape"},
		{"aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key=[REDACTED:aws-secret-key]", "secret"},
	}
	for _, tc := range tests {
		got := Default().Redact(tc.text)
		if got != tc.want {
			t.Errorf("%s: Redact(%q) = %q, want %q", tc.reason, tc.text, got, tc.want)
		}
		if Default().Contains(got) {
			t.Errorf("%s: Redact(%q) = %q still has findings", tc.reason, tc.text, got)
		}
	}
}

func TestRedactFailsClosed(t *testing.T) {
	// A caller rule that matches its own marker can never be redacted away.
	d, err := New(kinds(Email), rules(Rule{Kind: "redacted", Pattern: regexp.MustCompile(`REDACTED`)}))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Redact("x REDACTED y"); got != "[REDACTED]" {
		t.Errorf("Redact = %q, want the fail-closed marker", got)
	}
}

func TestRedactCleanDoesNotCopy(t *testing.T) {
	s := strings.Repeat("clean text 2024-11-28 ", 10)
	if got := Default().Redact(s); unsafe.StringData(got) != unsafe.StringData(s) || len(got) != len(s) {
		t.Fatal("Redact on clean input did not return its input")
	}
	if n := testing.AllocsPerRun(100, func() { _ = Default().Redact(s) }); n != 0 {
		t.Errorf("Redact on clean input allocates %v times, want 0", n)
	}
}

// TestRedactAllocatesItsOutput: Redact on text with a few findings
// allocates the redacted copy and nothing else, its lists of findings being
// on its stack; with many, their list too.
func TestRedactAllocatesItsOutput(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, tt := range []struct {
		name, text string
		want       float64
	}{
		{"one finding", "owner=jane.doe@example.com", 1},
		{"three kinds", "card 4111 1111 1111 1111 ssn 123-45-6789 mail jane.doe@example.com", 1},
		{"eight findings", strings.Repeat("ssn 123-45-6789 ", 8), 1},
		{"nine findings", strings.Repeat("ssn 123-45-6789 ", 9), 2},
	} {
		if n := len(Default().Find(tt.text)); (n <= 8) != (tt.want == 1) {
			t.Fatalf("%s: %d findings, on the wrong side of Redact's eight", tt.name, n)
		}
		if n := testing.AllocsPerRun(100, func() { _ = Default().Redact(tt.text) }); n != tt.want {
			t.Errorf("%s: Redact allocates %v times, want %v", tt.name, n, tt.want)
		}
	}
}

func TestZeroAllocations(t *testing.T) {
	allowed, err := New(func(o *Options) { o.AllowList = []string{"support@example.com"} })
	if err != nil {
		t.Fatal(err)
	}
	inputs := []struct {
		name, text string
	}{
		{"clean name", "user-personalization-2024-11-28-run-000123"},
		{"clean prose", strings.Repeat("The model was retrained at 1732800000 with v1.2.3; see s3://bucket/x. ", 20)},
		{"card", "pay 4111 1111 1111 1111 now"},
		{"email", "owner=jane.doe@example.com"},
		{"phone", "call +44 20 7946 0958"},
		{"iban", "DE89 3704 0044 0532 0130 00"},
		{"ssn", "ssn 123-45-6789"},
		{"access key", "AKIAIOSFODNN7EXAMPLE"},
		{"secret key", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
		{"account", "AccountNumber=12345678"},
		{"url", "https://x.example/?X-Amz-Signature=abc"},
		{"allow-listed then dirty", "support@example.com 212-555-0187"},
	}
	// Find allocates its list, and nothing else, on short text as
	// on long (past shortInput, where the queues of dense text are made
	// only from a third finding on).
	long := strings.Repeat("The model was retrained at 1732800000 with v1.2.3; see s3://bucket/x. ", 20)
	for _, tt := range []struct {
		name, text string
		want       float64
	}{
		{"clean name", "user-personalization-2024-11-28-run-000123", 0},
		{"clean long text", long, 0},
		{"one finding in long text", long + "jane.doe@example.com", 1},
		{"two findings in long text", "jane.doe@example.com " + long + "4111 1111 1111 1111", 2}, // the list, grown once
	} {
		if len(tt.text) > shortInput != strings.Contains(tt.name, "long") {
			t.Fatalf("%s: %d bytes, on the wrong side of shortInput", tt.name, len(tt.text))
		}
		if n := testing.AllocsPerRun(200, func() { Default().Find(tt.text) }); n != tt.want {
			t.Errorf("%s: Find allocates %v times per run, want %v", tt.name, n, tt.want)
		}
	}
	for _, in := range inputs {
		for _, d := range []*Detector{Default(), allowed} {
			if n := testing.AllocsPerRun(200, func() { d.First(in.text) }); n != 0 {
				t.Errorf("%s: First allocates %v times per run, want 0", in.name, n)
			}
			if n := testing.AllocsPerRun(200, func() { d.Contains(in.text) }); n != 0 {
				t.Errorf("%s: Contains allocates %v times per run, want 0", in.name, n)
			}
		}
	}
}

func TestFirstMatchesFind(t *testing.T) {
	for _, cl := range readCorpus(t) {
		all := Default().Find(cl.text)
		f, ok := Default().First(cl.text)
		if ok != (len(all) > 0) || (ok && f != all[0]) {
			t.Errorf("corpus.tsv:%d: First = %v, %v but Find = %v", cl.line, f, ok, all)
		}
		if Default().Contains(cl.text) != ok {
			t.Errorf("corpus.tsv:%d: Contains disagrees with First", cl.line)
		}
	}
}

func TestDefaultIsShared(t *testing.T) {
	if a, b := Default(), Default(); a != b {
		t.Error("Default() built a new detector")
	}
}

func TestConcurrentUse(t *testing.T) {
	d, err := New(func(o *Options) { o.AllowList = []string{"support@example.com"} }, rules(Rule{Kind: "ticket", Pattern: regexp.MustCompile(`TCK-\d+`)}))
	if err != nil {
		t.Fatal(err)
	}
	lines := readCorpus(t)
	want := make([][]Finding, len(lines))
	for i, cl := range lines {
		want[i] = d.Find(cl.text)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, cl := range lines {
				if got := d.Find(cl.text); !cmp.Equal(want[i], got) {
					t.Errorf("corpus.tsv:%d: concurrent Find differs", cl.line)
				}
				d.Redact(cl.text)
			}
		}()
	}
	wg.Wait()
}

// TestShortInputPrefilter checks that the anchor check done on short inputs
// never changes a result: every corpus line, pushed past the short-input
// limit by leading spaces, yields the same findings at shifted offsets.
func TestShortInputPrefilter(t *testing.T) {
	pad := strings.Repeat(" ", shortInput+1)
	for _, cl := range readCorpus(t) {
		short := Default().Find(cl.text)
		var long []Finding
		for _, f := range Default().Find(pad + cl.text) {
			long = append(long, Finding{f.Kind, f.Start - len(pad), f.End - len(pad)})
		}
		if diff := cmp.Diff(short, long); diff != "" {
			t.Errorf("corpus.tsv:%d: findings differ with and without the prefilter (-short +long):\n%s", cl.line, diff)
		}
	}
}

// kinds and rules are the option functions the tests use.
func kinds(k ...Kind) func(*Options) { return func(o *Options) { o.Kinds = k } }

func rules(r ...Rule) func(*Options) { return func(o *Options) { o.Rules = append(o.Rules, r...) } }

// TestFindListGrowth: Find's list, grown by the density of findings so far,
// holds every finding in order, whatever the density does along the text,
// and never has more than four times the room it needs nor more than one
// slot per byte of text.
func TestFindListGrowth(t *testing.T) {
	sig := "?X-Amz-Signature=a&"
	tests := []struct {
		name string
		text string
	}{
		{"uniform", strings.Repeat(sig, 5000)},
		{"dense head", strings.Repeat(sig, 300) + strings.Repeat("plain words ", 20000)},
		{"dense tail", strings.Repeat("plain words ", 20000) + strings.Repeat(sig, 300)},
		{"bursts", strings.Repeat(strings.Repeat(sig, 40)+strings.Repeat("x ", 3000), 30)},
		{"one", "a 4111111111111111 b"},
	}
	for _, tt := range tests {
		got := Default().Find(tt.text)
		// The same findings one at a time, as First reports them from
		// each previous end.
		var want []Finding
		var sc scanner
		sc.init(Default(), tt.text)
		for from := 0; ; {
			f, ok := sc.next(from, nil)
			if !ok {
				break
			}
			want = append(want, f)
			from = f.End
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: Find mismatch (-want +got):\n%s", tt.name, diff)
		}
		if len(got) > 0 && (cap(got) > 4*len(got) || cap(got) > len(tt.text)+1) {
			t.Errorf("%s: %d findings in a list of capacity %d for %d bytes", tt.name, len(got), cap(got), len(tt.text))
		}
	}
}

func TestGrowFindings(t *testing.T) {
	tests := []struct {
		base, k, at, n int // base findings of AppendFind's dst, then k of the text
		minCap, maxCap int
		reason         string
	}{
		{0, 0, 5, 100, 1, 1, "most texts hold one finding"},
		{0, 4, 99, 100, 6, 6, "no more findings than bytes left"},
		{0, 8, 10, 1000, 32, 32, "dense: quadrupled at most"},
		{0, 8, 900, 1000, 16, 16, "sparse: doubled"},
		{0, 100, 200, 400, 225, 225, "density predicts 225"},
		{0, 1 << 20, 1 << 21, 1 << 40, 4 << 20, 4 << 20, "no overflow"},
		{50, 0, 5, 100, 51, 51, "dst's findings keep their room; one for the text's first"},
		{1000, 8, 10, 1000, 1032, 1032, "the density is the text's, not dst's"},
		{7, 4, 99, 100, 13, 13, "no more of the text's findings than bytes left"},
	}
	for _, tt := range tests {
		out := make([]Finding, tt.base+tt.k)
		for i := range out {
			out[i] = Finding{Kind: Email, Start: i, End: i + 1}
		}
		got := growFindings(out, tt.base, tt.at, tt.n)
		if len(got) != len(out) || cap(got) < tt.minCap || cap(got) > tt.maxCap {
			t.Errorf("growFindings(%d findings, %d, %d, %d): len %d cap %d, want len %d cap in [%d,%d] (%s)",
				len(out), tt.base, tt.at, tt.n, len(got), cap(got), len(out), tt.minCap, tt.maxCap, tt.reason)
		}
		if diff := cmp.Diff(out, got); diff != "" {
			t.Errorf("growFindings(%d findings, %d, %d, %d) lost findings (-want +got):\n%s", len(out), tt.base, tt.at, tt.n, diff)
		}
	}
}
