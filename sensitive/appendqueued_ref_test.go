package sensitive

import (
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// appendQueuedRef is appendQueued as it was: every finding through next.
func (sc *scanner) appendQueuedRef(dst []Finding, base, from int) []Finding {
	var q numQueues
	for {
		f, ok := sc.next(from, &q)
		if !ok {
			return dst
		}
		if len(dst) == cap(dst) {
			dst = growFindings(dst, base, f.End, len(sc.v.src))
		}
		dst = append(dst, f)
		from = f.End
	}
}

// appendFindRef is AppendFind with appendQueuedRef.
func appendFindRef(d *Detector, dst []Finding, s string) []Finding {
	var sc scanner
	sc.init(d, s)
	base := len(dst)
	for from := 0; ; {
		f, ok := sc.next(from, nil)
		if !ok {
			return dst
		}
		dst = append(dst, f)
		from = f.End
		if len(dst)-base == 2 && len(s) > shortInput && queuesPay(sc.live) {
			return sc.appendQueuedRef(dst, base, from)
		}
	}
}

func checkAppendQueued(t *testing.T, s string) {
	t.Helper()
	for _, d := range appendFindDetectors(t) {
		if diff := cmp.Diff(appendFindRef(d, nil, s), d.AppendFind(nil, s)); diff != "" {
			t.Fatalf("AppendFind(%.80q) differs from appendFindRef (-ref +got):\n%s", s, diff)
		}
	}
}

// TestAppendQueuedMatchesReference holds AppendFind, whose queued loop takes
// firstQueued's answer without next where next adds nothing, to the loop
// through next: on the benchmark texts, the pathological units, the corpus
// lines joined into long texts, and random texts of findings and noise.
func TestAppendQueuedMatchesReference(t *testing.T) {
	texts := []string{denseText(16 << 10), cleanText(t, 8<<10)}
	for _, p := range pathological {
		texts = append(texts, repeatTo(p.unit, 3000))
	}
	var all strings.Builder
	for _, cl := range readCorpus(t) {
		all.WriteString(cl.text)
		all.WriteByte('\n')
	}
	texts = append(texts, all.String())
	for _, s := range texts {
		checkAppendQueued(t, s)
	}
	r := rand.New(rand.NewPCG(14, 2026))
	pieces := []string{"4111 1111 1111 1111", "123-45-6789", "+1 415 555 0132", "DE89370400440532013000", "acct 912803456",
		"jane.doe@example.com", "AKIAIOSFODNN7EXAMPLE", "https://u:p@h.example/?sig=abc", " ", ", ", "x", "12", "\n", "%40", "４"}
	for range 300 {
		var b strings.Builder
		for b.Len() < 600+r.IntN(1500) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		checkAppendQueued(t, b.String())
	}
}

// kindRef is builtin.kind as it was, a switch.
func kindRef(b builtin) Kind {
	switch b {
	case bCard:
		return CreditCard
	case bSSN:
		return SSN
	case bIBAN:
		return IBAN
	case bEmail:
		return Email
	case bPhone:
		return Phone
	case bAccessKey:
		return AWSAccessKey
	case bSecretKey:
		return AWSSecretKey
	case bAccount:
		return AccountNumber
	case bURL, bQuery:
		return URLCredentials
	}
	return ""
}

func TestBuiltinKindMatchesReference(t *testing.T) {
	for b := range 256 {
		if got, want := builtin(b).kind(), kindRef(builtin(b)); got != want {
			t.Errorf("builtin(%d).kind() = %q, want %q", b, got, want)
		}
	}
}

func FuzzAppendQueued(f *testing.F) {
	seedQueuedTexts(f)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 8192 {
			t.Skip()
		}
		checkAppendQueued(t, s)
	})
}

// firstQueuedRef is firstQueued as it was, before takeQueued: every kind
// behind from renewed through renew.
func (sc *scanner) firstQueuedRef(q *numQueues, from int) (candidate, builtin) {
	var redo uint16
	fresh := !q.inited
	if fresh {
		q.inited = true
		for m := sc.live; m != 0; m &= m - 1 {
			b := builtin(bits.TrailingZeros16(m))
			if c := sc.cands[b]; c.start == stale || c.start < from {
				redo |= 1 << b
			}
		}
	} else {
		for q.n > 0 {
			b := q.order[q.head]
			if sc.cands[b].start >= from {
				break
			}
			redo |= 1 << b
			q.head = (q.head + 1) & (orderRing - 1)
			q.n--
		}
	}
	if redo != 0 {
		sc.renew(q, redo, from)
	}
	if fresh {
		redo = sc.live
	}
	for m := redo & sc.live; m != 0; m &= m - 1 {
		sc.insert(q, builtin(bits.TrailingZeros16(m)))
	}
	if q.n == 0 {
		return candidate{start: -1}, numBuiltins
	}
	b := q.order[q.head]
	return sc.cands[b], b
}

// appendFindFirstRef is AppendFind for a detector without rules or
// allow-list, on text that needs no normalising, with firstQueuedRef.
func appendFindFirstRef(d *Detector, s string) []Finding {
	var sc scanner
	sc.init(d, s)
	var dst []Finding
	var q *numQueues
	for from := 0; ; {
		var f Finding
		if q != nil && queuesPay(sc.live) {
			c, b := sc.firstQueuedRef(q, from)
			if b == numBuiltins {
				return dst
			}
			f = Finding{Kind: b.kind(), Start: c.start, End: c.end}
		} else {
			var ok bool
			if f, ok = sc.next(from, q); !ok {
				return dst
			}
		}
		dst = append(dst, f)
		from = f.End
		if q == nil && len(dst) == 2 && len(s) > shortInput && queuesPay(sc.live) {
			q = new(numQueues)
		}
	}
}

func checkFirstQueued(t *testing.T, s string) {
	t.Helper()
	if newView(s).marks != nil {
		return // normalised text goes through next
	}
	for _, d := range appendFindDetectors(t) {
		if len(d.rules) > 0 || d.allow != nil {
			continue
		}
		if diff := cmp.Diff(appendFindFirstRef(d, s), d.AppendFind(nil, s)); diff != "" {
			t.Fatalf("AppendFind(%.80q) differs from appendFindFirstRef (-ref +got):\n%s", s, diff)
		}
	}
}

// TestFirstQueuedMatchesReference holds firstQueued, which takes a queued
// match of the one numeric kind behind from without renew, to the loop
// that renewed every kind (firstQueuedRef), on the texts of
// TestAppendQueuedMatchesReference.
func TestFirstQueuedMatchesReference(t *testing.T) {
	texts := []string{denseText(16 << 10), cleanText(t, 8<<10)}
	for _, p := range pathological {
		texts = append(texts, repeatTo(p.unit, 3000))
	}
	r := rand.New(rand.NewPCG(15, 2026))
	pieces := []string{"4111 1111 1111 1111", "123-45-6789", "+1 415 555 0132", "DE89370400440532013000", "acct 912803456",
		"jane.doe@example.com", "AKIAIOSFODNN7EXAMPLE", "https://u:p@h.example/?sig=abc", " ", ", ", "x", "12", "\n", "0132 "}
	for range 300 {
		var b strings.Builder
		for b.Len() < 600+r.IntN(1500) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		checkFirstQueued(t, s)
	}
}

func FuzzFirstQueued(f *testing.F) {
	seedQueuedTexts(f)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 8192 {
			t.Skip()
		}
		checkFirstQueued(t, s)
	})
}
