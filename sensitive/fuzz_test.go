package sensitive

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// seedFromCorpus adds every corpus text, and a few hostile shapes, as seeds.
func seedFromCorpus(f *testing.F) {
	for _, cl := range readCorpus(f) {
		f.Add(cl.text)
	}
	for _, s := range []string{
		"", "\x00", "\xff\xfe", "1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1", "a@a@a@a@a@a@a@a.com",
		"https://a:b@c:d@e/?token=x&token=y#sig=z", "://://:/", "++1++1 (((212))) 555--0187",
		"4111 1111 1111 1111 1111 1111 1111", "AKIAAKIAAKIAAKIAAKIAAKIA", "secret secret secret",
		"DE89 3704 0044 0532 0130 00 00", "[REDACTED:email]@example.com",
	} {
		f.Add(s)
	}
}

// checkFindings asserts the structural properties every result must have.
func checkFindings(t *testing.T, s string, fs []Finding) {
	t.Helper()
	known := Kinds()
	prevEnd := 0
	for i, f := range fs {
		if f.Start < 0 || f.End > len(s) || f.Start >= f.End {
			t.Fatalf("finding %d %v out of bounds for input of %d bytes", i, f, len(s))
		}
		if f.Start < prevEnd {
			t.Fatalf("finding %d %v overlaps or precedes the previous one (end %d)", i, f, prevEnd)
		}
		if !slices.Contains(known, f.Kind) {
			t.Fatalf("finding %d has unknown kind %q", i, f.Kind)
		}
		prevEnd = f.End
	}
}

func FuzzFind(f *testing.F) {
	seedFromCorpus(f)
	d := Default()
	f.Fuzz(func(t *testing.T, s string) {
		fs := d.Find(s)
		checkFindings(t, s, fs)
		if again := d.Find(s); !slices.Equal(fs, again) {
			t.Fatalf("Find is not deterministic: %v then %v", fs, again)
		}
		first, ok := d.First(s)
		if ok != (len(fs) > 0) || (ok && first != fs[0]) {
			t.Fatalf("First = %v, %v; Find = %v", first, ok, fs)
		}
		if d.Contains(s) != ok {
			t.Fatal("Contains disagrees with First")
		}
		if fs != nil && len(fs) == 0 {
			t.Fatal("Find returned an empty non-nil slice")
		}
	})
}

func FuzzRedact(f *testing.F) {
	seedFromCorpus(f)
	d := Default()
	f.Fuzz(func(t *testing.T, s string) {
		out := d.Redact(s)
		if again := d.Redact(s); again != out {
			t.Fatal("Redact is not deterministic")
		}
		if fs := d.Find(out); fs != nil {
			t.Fatalf("Redact output still has findings %v", fs)
		}
		fs := d.Find(s)
		if fs == nil {
			if out != s {
				t.Fatal("Redact changed clean input")
			}
			return
		}
		if d.Redact(out) != out {
			t.Fatal("Redact is not idempotent")
		}
		// The first round replaces exactly the findings; a further round,
		// needed only when a marker changed a neighbour's context, replaces
		// more of the remaining text and never brings any back.
		one := redact(s, fs)
		if d.Find(one) == nil {
			if out != one {
				t.Fatalf("Redact = %q, want %q", out, one)
			}
			return
		}
		if out != "[REDACTED]" && strings.Count(out, "[REDACTED:") <= strings.Count(one, "[REDACTED:") {
			t.Fatalf("a second round added no marker: %q from %q", out, one)
		}
	})
}

// TestRedactSecondRound pins a case that needs a second round: the SSN reads
// as the tail of a longer number while the IBAN before it ends in a digit,
// and becomes a value of its own once the IBAN is a marker.
func TestRedactSecondRound(t *testing.T) {
	s := "iban DE89370400440532013000-123-45-6789"
	want := "iban [REDACTED:iban]-[REDACTED:ssn]"
	if got := Default().Redact(s); got != want {
		t.Errorf("Redact(%q) = %q, want %q", s, got, want)
	}
}

// The linear-time checks time a scan of linearSmall and of linearBig bytes;
// below linearFloor, timer noise dominates.
const (
	linearSmall, linearBig = 32 << 10, 256 << 10
	linearFloor            = 200 * time.Microsecond
)

// fastestFind is the shortest of three timings of d.Find(s): the others
// include time the shared machine gave to other work.
func fastestFind(d *Detector, s string) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		d.Find(s)
		best = min(best, time.Since(start))
	}
	return best
}

// superlinear reports whether a scan took ts for linearSmall bytes and tb
// for linearBig: more than 4 times as long per byte for the larger input,
// a generous factor because the machine is shared.
func superlinear(ts, tb time.Duration) bool {
	const ratio = linearBig / linearSmall
	return tb > linearFloor && tb > 4*ratio*max(ts, linearFloor/ratio)
}

// FuzzLinearTime fails when a scan takes superlinear time: the fuzzer picks
// a short unit, and the input is that unit repeated. A scan that rescans a
// window per position, or walks a chain from each of its links, takes more
// time per byte as the input grows; a linear one does not. Two checks, with
// generous factors because the machine is shared: per byte, 256 KiB of the
// unit may take at most 4 times as long as 32 KiB of it, and at most 100
// times as long as clean text of the same size.
func FuzzLinearTime(f *testing.F) {
	if raceEnabled {
		f.Skip("the race detector distorts timings")
	}
	for _, p := range pathological {
		f.Add(p.unit)
	}
	for _, u := range []string{"1-1 ", "a@b.c", "4111 1111 ", "ssn 1", "acct-1-", "x@x.co-", "+44 (", "%3", "DE89 ", "1.1e1"} {
		f.Add(u)
	}
	const small, big = linearSmall, linearBig
	d := Default()
	clean := cleanText(f, big)
	f.Fuzz(func(t *testing.T, unit string) {
		if unit == "" || len(unit) > 8<<10 { // BenchmarkPathological's longest units are 4 KiB
			t.Skip()
		}
		smallIn, bigIn := repeatTo(unit, small), repeatTo(unit, big)
		var msg string
		// A superlinear scan fails every attempt; a machine busy with other
		// work fails one now and then, so a verdict takes three in a row.
		for range 3 {
			ts := fastestFind(d, smallIn)
			if ts > 50*time.Millisecond { // under 1 MB/s: no need to wait for the larger input
				msg = fmt.Sprintf("unit %q: %v for %d KiB", unit, ts, small>>10)
				continue
			}
			tb := fastestFind(d, bigIn)
			tc := fastestFind(d, clean)
			switch {
			case superlinear(ts, tb):
				msg = fmt.Sprintf("unit %q: %v for %d KiB but %v for %d KiB: superlinear", unit, ts, small>>10, tb, big>>10)
			case tb > linearFloor && tb > 100*max(tc, linearFloor/100):
				msg = fmt.Sprintf("unit %q: %v for %d KiB, %v for clean text of the same size", unit, tb, big>>10, tc)
			default:
				return
			}
		}
		t.Error(msg)
	})
}
