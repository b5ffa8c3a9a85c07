package sensitive

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// appendFindDetectors are the detectors AppendFind is held to Find with: the
// default, two restricted to some kinds (so that the queues stop paying at
// different points), one with a caller rule and one with an allow-list.
func appendFindDetectors(t testing.TB) []*Detector {
	t.Helper()
	ds := []*Detector{Default()}
	for _, fn := range []func(*Options){
		kinds(CreditCard, Phone, SSN),
		kinds(IBAN, AccountNumber, Email),
		rules(Rule{Kind: "digits", Pattern: regexp.MustCompile(`\d{3}[- ]\d`)}),
		func(o *Options) { o.AllowList = []string{"4111 1111 1111 1111", "123-45-6789", "jane.doe@example.com"} },
	} {
		d, err := New(fn)
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	return ds
}

// checkAppendFindSame holds AppendFind to Find on s: onto nil, onto a list
// that holds findings already (which must keep them, unchanged), and onto a
// reused list with room (buf, returned for the next call).
func checkAppendFindSame(t *testing.T, d *Detector, s string, buf []Finding) []Finding {
	t.Helper()
	want := d.Find(s)
	if got := d.AppendFind(nil, s); (got == nil) != (want == nil) || !cmp.Equal(want, got) {
		t.Fatalf("AppendFind(nil, %.80q) mismatch (-want +got):\n%s", s, cmp.Diff(want, got))
	}
	prefix := []Finding{{Kind: "before", Start: 7, End: 9}, {Kind: Email, Start: 1, End: 2}}
	keep := append([]Finding(nil), prefix...)
	got := d.AppendFind(prefix[:2:2], s)
	if diff := cmp.Diff(append(keep, want...), got); diff != "" {
		t.Fatalf("AppendFind(2 findings, %.80q) mismatch (-want +got):\n%s", s, diff)
	}
	if diff := cmp.Diff(keep, prefix); diff != "" {
		t.Fatalf("AppendFind(2 findings, %.80q) changed them (-want +got):\n%s", s, diff)
	}
	buf = d.AppendFind(buf[:0], s)
	if diff := cmp.Diff(want, buf, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("AppendFind(reused list, %.80q) mismatch (-want +got):\n%s", s, diff)
	}
	// And to the loop without the shared queues, which Find's from the
	// third finding on must not change.
	if alone := findAlone(d, s); !cmp.Equal(alone, want) {
		t.Fatalf("Find(%.80q) differs from the loop without queues (-alone +Find):\n%s", s, cmp.Diff(alone, want))
	}
	return buf
}

// TestAppendFindMatchesFind holds AppendFind to Find on the corpus, the
// benchmark texts, the pathological inputs (past shortInput too, so that
// the queues are used) and random mixes of number fragments.
func TestAppendFindMatchesFind(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2026))
	var texts []string
	for _, cl := range readCorpus(t) {
		texts = append(texts, cl.text)
	}
	texts = append(texts, denseText(8<<10), cleanText(t, 8<<10), proseText(t, 4<<10))
	for _, p := range pathological {
		texts = append(texts, repeatTo(p.unit, 700), repeatTo(p.unit, 3000))
	}
	for range 300 {
		texts = append(texts, numberFragments(r))
	}
	var buf []Finding
	for _, d := range appendFindDetectors(t) {
		for _, s := range texts {
			buf = checkAppendFindSame(t, d, s, buf)
		}
	}
}

func FuzzAppendFind(f *testing.F) {
	seedFromCorpus(f)
	seedQueuedTexts(f)
	ds := appendFindDetectors(f)
	f.Fuzz(func(t *testing.T, s string) {
		var buf []Finding
		for _, d := range ds {
			buf = checkAppendFindSame(t, d, s, buf)
		}
	})
}

// seedQueuedTexts seeds f with texts long and dense enough for the queued
// path: each pathological unit repeated past 512 bytes, and dense text.
func seedQueuedTexts(f *testing.F) {
	f.Add(denseText(2000))
	for _, p := range pathological {
		f.Add(repeatTo(p.unit, 700))
	}
}

// TestAppendFindZeroAllocations: with room in dst, AppendFind allocates
// nothing, on short text and on long text dense with findings (whose
// queues live on its stack), for detectors with and without an allow-list.
func TestAppendFindZeroAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	allowed, err := New(func(o *Options) { o.AllowList = []string{"4111 1111 1111 1111"} })
	if err != nil {
		t.Fatal(err)
	}
	texts := []struct{ name, text string }{
		{"clean name", "user-personalization-2024-11-28-run-000123"},
		{"card", "pay 4111 1111 1111 1111 now"},
		{"clean long text", cleanText(t, 4<<10)},
		{"dense", denseText(64 << 10)},
	}
	for _, p := range pathological {
		if !needsNormalizing(p.unit) { // a normalised view is a copy
			texts = append(texts, struct{ name, text string }{p.name, repeatTo(p.unit, 64<<10)})
		}
	}
	for _, tt := range texts {
		for _, d := range []*Detector{Default(), allowed} {
			buf := make([]Finding, 0, len(d.Find(tt.text)))
			if n := testing.AllocsPerRun(20, func() { buf = d.AppendFind(buf[:0], tt.text) }); n != 0 {
				t.Errorf("%s: AppendFind with room for %d findings allocates %v times per run, want 0", tt.name, cap(buf), n)
			}
		}
	}
}
