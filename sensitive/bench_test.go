package sensitive

import (
	"strings"
	"testing"
)

// typicalNames are the strings the guard checks on every request: resource
// names, tag keys and values, filter expressions.
var typicalNames = []string{
	"movie-recs-dsg",
	"user-personalization-2024-11-28-15-30",
	"interactions-import-1732800000123",
	"batch-inference-20241128T153000Z",
	"solution-v3",
	"campaign-movie-recs-prod-v12",
	"arn:aws:personalize:us-east-1:111122223333:dataset-group/movie-recs",
	"s3://personalize-batch-111122223333-us-east-1/out/2024/11/28/",
	"Environment",
	"production",
	"CostCenter",
	"12345",
	"INCLUDE ItemID WHERE Items.GENRE IN ($GENRES) AND Items.PRICE > 25",
	"run-000123",
	"f47ac10b-58cc-4372-a567-0e02b2c3d479",
	"9fceb02d0ae598e95dc970b74767f19372d61af8",
}

// cleanText returns n bytes of clean free text: prose mixed with the numbers,
// dates, versions, identifiers and URLs that real descriptions contain.
func cleanText(tb testing.TB, n int) string {
	tb.Helper()
	parts := []string{
		"The recommender for the movie catalogue was retrained on 2024-11-28 at 15:30 UTC with 1,234,567 interactions.",
		"Version v1.2.3 of the pipeline reads s3://my-bucket/personalize/2024/11/28/part-00000.csv and writes results.",
		"Solution arn:aws:personalize:us-east-1:111122223333:solution/movie-recs scored precision@25 of 0.42.",
		"Batch run-000123 started at 1732800000 and finished at 1732800000123; see commit 9fceb02d0ae598e95dc970b74767f19372d61af8.",
		"Hyperparameters: hidden_dimension=149, bptt=32, recency_mask=true, exploration_weight=0.3 for campaign v12.",
		"Users in us-east-1 and eu-west-1 received personalised rankings; the median latency was 85 ms at the p50.",
		"Filter INCLUDE ItemID WHERE Items.GENRE IN ($GENRES) removes 12.5% of the items, mostly older than 90 days.",
		"The quick brown fox jumps over the lazy dog while the model learns which titles each viewer prefers.",
		"Request f47ac10b-58cc-4372-a567-0e02b2c3d479 used role arn:aws:iam::111122223333:role/PersonalizeRole today.",
		"Documentation lives at https://docs.aws.amazon.com/personalize/latest/dg/what-is-personalize.html#overview now.",
	}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(parts[i%len(parts)])
		b.WriteByte(' ')
	}
	s := b.String()[:n]
	if fs := Default().Find(s); fs != nil {
		tb.Fatalf("clean text has %d findings, the first %v", len(fs), fs[0])
	}
	return s
}

// proseText returns n bytes of ordinary prose, with the occasional number
// and no identifying value: what product descriptions and notes hold.
func proseText(tb testing.TB, n int) string {
	tb.Helper()
	parts := []string{
		"The recommender learns which titles each viewer prefers from the history of what they watched and rated.",
		"Items that nobody has interacted with yet are ranked by their metadata until enough events arrive.",
		"A campaign serves real-time recommendations; batch inference jobs write them to a bucket instead.",
		"Filters remove items the viewer already bought, or those outside the genres the request names.",
		"The quick brown fox jumps over the lazy dog while the model retrains overnight on 3 new datasets.",
	}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(parts[i%len(parts)])
		b.WriteByte(' ')
	}
	s := b.String()[:n]
	if fs := Default().Find(s); fs != nil {
		tb.Fatalf("prose has %d findings, the first %v", len(fs), fs[0])
	}
	return s
}

// denseText is n bytes in which a finding of some kind starts every ~40 bytes.
func denseText(n int) string {
	line := "mail jane.doe@example.com card 4111 1111 1111 1111 call +44 20 7946 0958 " +
		"ssn 123-45-6789 iban DE89370400440532013000 key AKIAIOSFODNN7EXAMPLE acct-12345678 " +
		"aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY https://u:p@h.example/?sig=abc\n"
	return strings.Repeat(line, n/len(line)+1)[:n]
}

// benchFind measures Find over texts, all of them per iteration.
func benchFind(b *testing.B, texts ...string) {
	d := Default()
	size := startBench(b, texts)
	defer cpuThroughput(b, size)()
	for b.Loop() {
		for _, s := range texts {
			d.Find(s)
		}
	}
}

// benchAppendFind is benchFind for AppendFind onto one list, reused: what
// a caller that scans many texts pays once the list has grown.
func benchAppendFind(b *testing.B, texts ...string) {
	d := Default()
	var fs []Finding
	for _, s := range texts {
		fs = d.AppendFind(fs[:0], s)
	}
	size := startBench(b, texts)
	defer cpuThroughput(b, size)()
	for b.Loop() {
		for _, s := range texts {
			fs = d.AppendFind(fs[:0], s)
		}
	}
}

// startBench sets the bytes of one iteration over texts, which it
// returns, and starts the timer.
func startBench(b *testing.B, texts []string) int {
	size := 0
	for _, s := range texts {
		size += len(s)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	return size
}

// cpuThroughput reports MB per CPU-second of the process besides the
// wall-clock MB/s: on a shared, loaded machine the wall clock measures the
// neighbours too, and the CPU time does not.
func cpuThroughput(b *testing.B, size int) func() {
	start := cpuTime()
	return func() {
		if cpu := cpuTime() - start; cpu > 0 && start > 0 {
			b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
		}
	}
}

func BenchmarkFind(b *testing.B) { findTexts(b, benchFind) }

// BenchmarkAppendFind is BenchmarkFind with one list reused across calls.
func BenchmarkAppendFind(b *testing.B) { findTexts(b, benchAppendFind) }

// findTexts runs bench on BenchmarkFind's texts: the typical names, all
// of them per iteration, and longer texts one at a time.
func findTexts(b *testing.B, bench func(b *testing.B, texts ...string)) {
	b.Run("names", func(b *testing.B) {
		d := Default()
		for _, n := range typicalNames {
			if fs := d.Find(n); fs != nil {
				b.Fatalf("typical name %q has findings %v", n, fs)
			}
		}
		bench(b, typicalNames...)
	})
	b.Run("freetext-64KiB", func(b *testing.B) { bench(b, cleanText(b, 64<<10)) })
	b.Run("clean-1KiB", func(b *testing.B) { bench(b, cleanText(b, 1<<10)) })
	b.Run("clean-1MiB", func(b *testing.B) { bench(b, cleanText(b, 1<<20)) })
	b.Run("prose-1MiB", func(b *testing.B) { bench(b, proseText(b, 1<<20)) })
	b.Run("dense-64KiB", func(b *testing.B) { bench(b, denseText(64<<10)) })
}

// BenchmarkRedact is Redact on a tag with one finding and on a log line
// with three.
func BenchmarkRedact(b *testing.B) {
	for _, tt := range []struct{ name, text string }{
		{"tag", "owner=jane.doe@example.com"},
		{"log-line", "payment by card 4111 1111 1111 1111 for ssn 123-45-6789, receipt to jane.doe@example.com"},
	} {
		b.Run(tt.name, func(b *testing.B) {
			d := Default()
			b.SetBytes(int64(len(tt.text)))
			b.ReportAllocs()
			for b.Loop() {
				d.Redact(tt.text)
			}
		})
	}
}

// BenchmarkFirst is what the guard runs on every name and tag.
func BenchmarkFirst(b *testing.B) {
	b.Run("names", func(b *testing.B) {
		d := Default()
		total := 0
		for _, n := range typicalNames {
			total += len(n)
		}
		b.SetBytes(int64(total))
		b.ReportAllocs()
		defer cpuThroughput(b, total)()
		for b.Loop() {
			for _, n := range typicalNames {
				d.First(n)
			}
		}
	})
	b.Run("dirty-name", func(b *testing.B) {
		d := Default()
		n := "recs-owner-jane.doe@example.com-2024"
		b.SetBytes(int64(len(n)))
		b.ReportAllocs()
		defer cpuThroughput(b, len(n))()
		for b.Loop() {
			d.First(n)
		}
	})
}

// pathological inputs: each is built to make a naive scanner backtrack,
// rescan or validate at every byte. Their throughput must not fall as the
// size grows; a quadratic scanner would be 16 times slower per byte at
// 1 MiB than at 64 KiB.
var pathological = []struct {
	name string
	unit string
}{
	// Numbers: every byte starts or continues a candidate.
	{"dashed-ones", "1-"},
	{"digits", "1"},
	{"spaced-quads", "4111 "},
	{"digit-groups", "12 345-6789/"},
	{"separator-runs", "1 - / "},
	{"mixed-separators", "4111:_+."},
	{"plus-digits", "+1 "},
	// A '+' before groups of too few digits for E.164, as in "+44 20": each
	// '+' is parsed as an international number that fails.
	{"plus-groups", "+44 20 "},
	{"plus-digit-groups", "+4 4 2 0 7 9 "},
	{"signed-ids", "-3953814578718096702,"},
	{"json-exponents", "4.111111111111111e15,"},
	{"iban-groups", "NO 19 4920 "},
	// Country codes within an IBAN's length before a long digit run: each
	// may read the run, and must stop where its structure does.
	{"iban-walks", "LC55 LC LC55 LC LC55 LC LC55 LC LC55 LC " + strings.Repeat("1", 4096) + " "},
	{"iban-walks-gt", strings.Repeat("GT55 ", 6) + strings.Repeat("1", 4096) + " "},
	{"keywords", "account-"},
	{"linking-words", "account no. is: "},
	// Findings of several kinds, dense: each kind's queue fills before the
	// walk's stop, and a walk left with no kind reading must end there,
	// not read on to the end of the text.
	{"mixed-findings", "4111 1111 1111 1111, 123-45-6789, +1 415 555 0132; "},
	{"mixed-plain", "123-45-6789 4111111111111111 DE89370400440532013000 acct 912803456 +14155550132 "},
	// E-mail: '@' and '.' everywhere.
	{"at-signs", "a@"},
	{"at-runs", "@"},
	{"dot-runs", "."},
	{"email-like", "a@b."},
	{"email-labels", "x@x.x.x.x."},
	{"dotted-local", "a."},
	{"addresses", "jane.doe@example.zz "},
	// URLs and keys.
	{"schemes", "a://"},
	{"query", "?token=&"},
	{"equals-runs", "="},
	{"schemeless-query", "?X-Amz-Signature=a&"},
	{"long-names", "&x-amz-security-tokex="},
	{"base64", "Ab0+"},
	{"akia", "AKIA"},
	{"secret-runs", "secret "},
	// Bytes that need normalising, and bytes that are not text.
	{"percent-escapes", "%40%2E%34"},
	{"fullwidth-digits", "４１"},
	{"arabic-indic-digits", "٤١١١ "},
	{"nbsp-digits", "4111\u00a0"},
	{"zero-width", "4\u200b"},
	{"nul", "\x00"},
	{"high-bytes", "\xff\xfe"},
}

func repeatTo(unit string, n int) string {
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

func BenchmarkPathological(b *testing.B) { pathologicalTexts(b, benchFind) }

// BenchmarkPathologicalAppend is BenchmarkPathological with AppendFind onto
// one list, reused: the scan's own cost, without the list's allocation and
// the garbage collection of the last one, which dominate where findings are
// dense.
func BenchmarkPathologicalAppend(b *testing.B) { pathologicalTexts(b, benchAppendFind) }

// pathologicalTexts runs bench on each pathological unit repeated to 64 KiB
// and to 1 MiB.
func pathologicalTexts(b *testing.B, bench func(b *testing.B, texts ...string)) {
	for _, p := range pathological {
		for _, size := range []struct {
			name string
			n    int
		}{{"64KiB", 64 << 10}, {"1MiB", 1 << 20}} {
			s := repeatTo(p.unit, size.n)
			b.Run(p.name+"-"+size.name, func(b *testing.B) { bench(b, s) })
		}
	}
}

// BenchmarkAdversarial10MiB is the size at which issue #11 measured 2 MB/s
// on e-mail-like input.
func BenchmarkAdversarial10MiB(b *testing.B) {
	for _, name := range []string{"email-like", "email-labels", "digit-groups", "separator-runs", "at-runs", "dot-runs", "fullwidth-digits"} {
		for _, p := range pathological {
			if p.name == name {
				s := repeatTo(p.unit, 10<<20)
				b.Run(name, func(b *testing.B) { benchFind(b, s) })
			}
		}
	}
	s := cleanText(b, 10<<20)
	b.Run("clean", func(b *testing.B) { benchFind(b, s) })
}

// BenchmarkNormalizationCheck is the cost every input of more than
// shortInput bytes pays to learn that it needs no normalising.
func BenchmarkNormalizationCheck(b *testing.B) {
	s := cleanText(b, 1<<20)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	defer cpuThroughput(b, len(s))()
	for b.Loop() {
		if needsNormalizing(s) {
			b.Fatal("clean text needs normalising")
		}
	}
}

// BenchmarkNormalizationCheckLines is BenchmarkNormalizationCheck on text
// of lines: the line breaks pass the check's filter of controls, and the
// words they stand in are read again.
func BenchmarkNormalizationCheckLines(b *testing.B) {
	s := strings.ReplaceAll(cleanText(b, 1<<20), ". ", ".\n")
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	defer cpuThroughput(b, len(s))()
	for b.Loop() {
		if needsNormalizing(s) {
			b.Fatal("clean text needs normalising")
		}
	}
}
