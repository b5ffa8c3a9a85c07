package sensitive

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// corpusLine is one labelled line of testdata/corpus.tsv.
type corpusLine struct {
	line   int
	expect []expected // empty: the text is clean
	text   string
	note   string
	limit  bool // a documented limitation: reported, not scored
}

type expected struct {
	kind  Kind
	value string
}

func readCorpus(tb testing.TB) []corpusLine {
	tb.Helper()
	f, err := os.Open("testdata/corpus.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []corpusLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			tb.Fatalf("corpus.tsv:%d: want 3 tab-separated columns, got %d", n, len(cols))
		}
		cl := corpusLine{line: n, text: cols[1], note: cols[2], limit: strings.HasPrefix(cols[2], "limit:")}
		if cols[0] != "-" {
			for _, item := range strings.Split(cols[0], " ;; ") {
				k, v, ok := strings.Cut(item, "=")
				if !ok {
					tb.Fatalf("corpus.tsv:%d: expectation %q is not kind=value", n, item)
				}
				if !strings.Contains(cl.text, v) {
					tb.Fatalf("corpus.tsv:%d: expected value is not in the text", n)
				}
				cl.expect = append(cl.expect, expected{Kind(k), v})
			}
		}
		out = append(out, cl)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

type tally struct{ tp, fp, fn int }

func (t tally) precision() float64 {
	if t.tp+t.fp == 0 {
		return 1
	}
	return float64(t.tp) / float64(t.tp+t.fp)
}

func (t tally) recall() float64 {
	if t.tp+t.fn == 0 {
		return 1
	}
	return float64(t.tp) / float64(t.tp+t.fn)
}

// score matches findings to expectations by kind and exact text: a finding
// with the right kind but the wrong span counts as one false positive and
// one false negative.
func score(d *Detector, cl corpusLine, tallies map[Kind]*tally) (misses []string) {
	pending := append([]expected(nil), cl.expect...)
	get := func(k Kind) *tally {
		if tallies[k] == nil {
			tallies[k] = &tally{}
		}
		return tallies[k]
	}
	for _, f := range d.Find(cl.text) {
		got := cl.text[f.Start:f.End]
		hit := false
		for i, e := range pending {
			if e.kind == f.Kind && e.value == got {
				pending = append(pending[:i], pending[i+1:]...)
				hit = true
				break
			}
		}
		if hit {
			get(f.Kind).tp++
		} else {
			get(f.Kind).fp++
			misses = append(misses, fmt.Sprintf("false positive %s %q", f.Kind, got))
		}
	}
	for _, e := range pending {
		get(e.kind).fn++
		misses = append(misses, fmt.Sprintf("false negative %s %q", e.kind, e.value))
	}
	return misses
}

// TestCorpus scores the default detector on the labelled corpus, per kind.
//
// The corpus is built to be hard: every positive format the package documents
// and, as negatives, the identifiers Personalize names are made of (dates,
// timestamps in s/ms/µs/ns, versions, UUIDs, digests, ARNs with account IDs,
// counters, IPs) plus near-misses of every kind (Luhn failures, timestamps
// that pass Luhn, unassigned prefixes, wrong lengths, bad checksums). The
// thresholds are 1.0: a detector that guards every request must not flag a
// name it should pass, nor pass a format it claims to catch, and every
// documented exception is a "limit:" line, reported separately below.
func TestCorpus(t *testing.T) {
	const minPrecision, minRecall = 1.0, 1.0
	d := Default()
	lines := readCorpus(t)
	scored := map[Kind]*tally{}
	limits := map[Kind]*tally{}
	var clean, positive, limitLines int
	for _, cl := range lines {
		if cl.limit {
			limitLines++
			for _, m := range score(d, cl, limits) {
				t.Logf("corpus.tsv:%d (known limit, %s): %s", cl.line, strings.TrimSpace(strings.TrimPrefix(cl.note, "limit:")), m)
			}
			continue
		}
		if len(cl.expect) == 0 {
			clean++
		} else {
			positive++
		}
		for _, m := range score(d, cl, scored) {
			t.Errorf("corpus.tsv:%d (%s): %s", cl.line, cl.note, m)
		}
	}
	kinds := Kinds()
	var report strings.Builder
	fmt.Fprintf(&report, "corpus: %d lines (%d with findings, %d clean, %d known limits)\n", len(lines), positive, clean, limitLines)
	fmt.Fprintf(&report, "%-16s %5s %4s %4s %9s %7s\n", "kind", "TP", "FP", "FN", "precision", "recall")
	var all tally
	for _, k := range kinds {
		tl := scored[k]
		if tl == nil {
			tl = &tally{}
		}
		all.tp, all.fp, all.fn = all.tp+tl.tp, all.fp+tl.fp, all.fn+tl.fn
		fmt.Fprintf(&report, "%-16s %5d %4d %4d %9.3f %7.3f\n", k, tl.tp, tl.fp, tl.fn, tl.precision(), tl.recall())
		if tl.tp == 0 {
			t.Errorf("kind %s has no positive in the corpus", k)
		}
		if tl.precision() < minPrecision || tl.recall() < minRecall {
			t.Errorf("kind %s: precision %.3f recall %.3f, want at least %.2f and %.2f", k, tl.precision(), tl.recall(), minPrecision, minRecall)
		}
	}
	fmt.Fprintf(&report, "%-16s %5d %4d %4d %9.3f %7.3f\n", "all", all.tp, all.fp, all.fn, all.precision(), all.recall())
	withLimits := all
	for _, tl := range limits {
		withLimits.tp, withLimits.fp, withLimits.fn = withLimits.tp+tl.tp, withLimits.fp+tl.fp, withLimits.fn+tl.fn
	}
	fmt.Fprintf(&report, "%-16s %5d %4d %4d %9.3f %7.3f\n", "all+limits", withLimits.tp, withLimits.fp, withLimits.fn, withLimits.precision(), withLimits.recall())
	flagged := 0
	for _, cl := range lines {
		if !cl.limit && len(cl.expect) == 0 && d.Contains(cl.text) {
			flagged++
		}
	}
	fmt.Fprintf(&report, "clean lines flagged: %d of %d (%.2f%%)\n", flagged, clean, 100*float64(flagged)/float64(max(clean, 1)))
	var lk []string
	for k := range limits {
		lk = append(lk, string(k))
	}
	sort.Strings(lk)
	for _, k := range lk {
		tl := limits[Kind(k)]
		fmt.Fprintf(&report, "known limits   %-16s TP %d FP %d FN %d\n", k, tl.tp, tl.fp, tl.fn)
	}
	t.Log("\n" + report.String())
	if clean < 200 || positive < 150 {
		t.Errorf("corpus too small: %d clean and %d positive lines, want at least 200 and 150", clean, positive)
	}
}
