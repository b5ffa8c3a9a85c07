package sensitive

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// checkQueuedSame asks the numeric kinds for their candidates from each
// offset of froms (increasing), as the scan does: every live numeric kind
// whose candidate starts before from is asked. One scanner answers from the
// shared queues (numericQueued), the other walks for the kinds asked alone
// (generateNumeric); the candidates and the kinds left live must agree at
// every step. kinds restricts the kinds live at the start, as Options.Kinds
// does.
func checkQueuedSame(t *testing.T, s string, kinds uint16, froms []int) {
	t.Helper()
	checkQueuedWith(t, s, kinds, froms, func(sc *scanner, _ *numQueues, need uint16, from int) { sc.generateNumeric(need, from) }, "the walk per kind")
}

// checkQueuedWith is checkQueuedSame with ref, called refName in a
// failure, answering in place of generateNumeric; ref's scanner has queues
// of its own.
func checkQueuedWith(t *testing.T, s string, kinds uint16, froms []int, ref func(sc *scanner, q *numQueues, need uint16, from int), refName string) {
	t.Helper()
	var got, want scanner
	var gq, wq numQueues
	got.s, want.s = s, s
	got.live, want.live = kinds&numericKinds, kinds&numericKinds
	for i := range got.cands {
		got.cands[i].start, want.cands[i].start = stale, stale
	}
	for _, from := range froms {
		var need uint16
		for b := builtin(0); b < numBuiltins; b++ {
			if want.live&(1<<b) != 0 && want.cands[b].start < from {
				need |= 1 << b
			}
		}
		if need == 0 {
			continue
		}
		got.numericQueued(&gq, need, from)
		ref(&want, &wq, need, from)
		if got.live != want.live || got.cands != want.cands {
			t.Fatalf("input %q from %d, kinds asked %09b: the queues left live %09b, candidates %v; %s %09b, %v",
				s, from, need, got.live, got.cands, refName, want.live, want.cands)
		}
	}
}

// findQueued and findAlone run Find's loop with the shared queues and
// without, whatever the length of s.
func findQueued(d *Detector, s string) []Finding {
	var sc scanner
	sc.init(d, s)
	var q numQueues
	return findAll(&sc, &q)
}

func findAlone(d *Detector, s string) []Finding {
	var sc scanner
	sc.init(d, s)
	return findAll(&sc, nil)
}

// findAll is Find's loop.
func findAll(sc *scanner, q *numQueues) []Finding {
	var out []Finding
	for from := 0; ; {
		f, ok := sc.next(from, q)
		if !ok {
			return out
		}
		out = append(out, f)
		from = f.End
	}
}

// checkFindQueuedSame compares Find with and without the queues, for the
// default detector, ones restricted to some kinds, one with a caller rule,
// and one with every other finding allow-listed (an allow-listed value
// sends its kind on a walk from its end, outside the queues).
func checkFindQueuedSame(t *testing.T, s string) {
	t.Helper()
	ds := []*Detector{Default()}
	for _, ks := range [][]Kind{{CreditCard, Phone}, {SSN, IBAN, AccountNumber}, {Phone, Email}} {
		d, err := New(func(o *Options) { o.Kinds = ks })
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	// A caller rule whose matches overlap the numeric kinds' moves the
	// scan past them, and past the kinds' queues.
	d, err := New(func(o *Options) {
		o.Rules = []Rule{{Kind: "digits", Pattern: regexp.MustCompile(`\d{3}[- ]\d`)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	ds = append(ds, d)
	var allow []string
	for i, f := range Default().Find(s) {
		if i%2 == 0 {
			allow = append(allow, s[f.Start:f.End])
		}
	}
	if allow != nil {
		d, err := New(func(o *Options) { o.AllowList = allow })
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	for i, d := range ds {
		got, want := findQueued(d, s), findAlone(d, s)
		if len(got) != len(want) {
			t.Fatalf("detector %d, input %q: %d findings with the queues, %d without:\n%v\n%v", i, s, len(got), len(want), got, want)
		}
		for j := range got {
			if got[j] != want[j] {
				t.Fatalf("detector %d, input %q: finding %d is %v with the queues, %v without", i, s, j, got[j], want[j])
			}
		}
	}
}

// randomFroms returns increasing offsets from 0 to past the end of s, in
// steps of up to maxStep bytes.
func randomFroms(r *rand.Rand, s string, maxStep int) []int {
	var froms []int
	for from := 0; from <= len(s)+1; from += 1 + r.IntN(maxStep) {
		froms = append(froms, from)
	}
	return froms
}

// TestNumericQueuedMatchesReference holds the queues to the walk per kind on
// the corpus, the benchmark texts, the pathological units and random mixes
// of number fragments: request by request, and through Find.
func TestNumericQueuedMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 2026))
	for _, s := range queuedTexts(t, r) {
		for _, kinds := range queuedKindSets {
			checkQueuedSame(t, s, kinds, everyOffset(s))
			for _, step := range []int{8, 40, 300} {
				checkQueuedSame(t, s, kinds, randomFroms(r, s, step))
			}
		}
		checkFindQueuedSame(t, s)
	}
}

// queuedTexts are the texts the queued walk is held to its references on:
// the corpus, the benchmark texts, the pathological units and random mixes
// of number fragments (from r).
func queuedTexts(t *testing.T, r *rand.Rand) []string {
	t.Helper()
	var texts []string
	for _, cl := range readCorpus(t) {
		texts = append(texts, cl.text, newView(cl.text).s)
	}
	texts = append(texts, denseText(8<<10), cleanText(t, 8<<10), proseText(t, 4<<10))
	for _, p := range pathological {
		texts = append(texts, newView(repeatTo(p.unit, 700)).s)
	}
	n := 2000
	if testing.Short() {
		n = 200
	}
	for range n {
		texts = append(texts, numberFragments(r))
	}
	return texts
}

// queuedKindSets are the sets of numeric kinds asked for with queuedTexts.
var queuedKindSets = []uint16{numericKinds, 1<<bCard | 1<<bPhone, 1<<bSSN | 1<<bIBAN | 1<<bAccount, 1 << bPhone}

// numberFragments returns a random mix of the number fragments of
// TestGenerateNumericRandom: many findings of every numeric kind, close
// together and overlapping.
func numberFragments(r *rand.Rand) string {
	frags := []string{"4111 1111 1111 1111", "4111111111111111", "123-45-6789", "123456789", "+44 20 7946 0958",
		"(212) 555-0187", "212-555-0187", "020 7946 0958", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432",
		"acct-12345678", "account number is 912803456", "4.111111111111111e15", "912803456.0", "2024-11-28",
		"1732800000123", "ssn ", "card ", " ", "-", "/", "x", "\n", "+1 ", "+1(800)FLOWERS", "+1 650 GOO OGLE",
		"+44(0)20 7946 0958", "+4915112345678", "+1 (212) 555-0187", "NO 19 4920 06 96270", "ES10 0075 0080 11 0600658108",
		"4111 ", "ab12 ", "RS35 2600 0560 1001 6113 70", "5500 0000 0000 0004", "3782 822463 10005",
		"4111 1111 1111 1111 2025", "acct ", "DE89370400440532013000", "jane.doe@example.com", "1234 4111.111111111111e12",
		// Two numbers of a kind inside another kind's finding: the kind's
		// candidate and its next match queued both end before from.
		"123-45-6789_x_123-45-6780@example.com"}
	var b strings.Builder
	for k := r.IntN(40); k > 0; k-- {
		f := frags[r.IntN(len(frags))]
		// Bursts of one kind fill its queue while another kind walks
		// on to its next match.
		for range 1 + r.IntN(2)*r.IntN(2*numQ+2) {
			b.WriteString(f)
			b.WriteByte(" ;\n"[r.IntN(3)])
		}
		if r.IntN(3) == 0 {
			b.WriteByte(numericAlphabet[r.IntN(len(numericAlphabet))])
		}
	}
	return b.String()
}

func FuzzNumericQueued(f *testing.F) {
	seedFromCorpus(f)
	f.Add(denseText(1000))
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			t.Skip()
		}
		r := rand.New(rand.NewPCG(uint64(len(s)), 7))
		checkQueuedSame(t, s, numericKinds, everyOffset(s))
		checkQueuedSame(t, s, numericKinds, randomFroms(r, s, 50))
		if v := newView(s); v.s != s {
			checkQueuedSame(t, v.s, numericKinds, randomFroms(r, v.s, 20))
		}
		checkFindQueuedSame(t, s)
	})
}
