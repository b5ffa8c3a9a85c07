package sensitive

import (
	"math/bits"
	"math/rand/v2"
	"testing"
)

// walkQueuedRef is walkQueued as it was before it read the runs through
// runWalk.gated: gatedRef's loop (nextRunRef and runGatesRef) with the
// joins and the stop looked at on every run. numericQueuedRef is numericQueued asking it.
// TestWalkQueuedMatchesReference and FuzzWalkQueued hold walkQueued to it.
func (sc *scanner) numericQueuedRef(q *numQueues, need uint16, from int) {
	start := len(sc.s) + 1
	for m := need; m != 0; m &= m - 1 {
		b := builtin(bits.TrailingZeros16(m))
		k := numSlot(b)
		if c := sc.cands[b]; c.end > from {
			q.reread(k, from)
		} else if c, ok := q.take(k, from); ok {
			sc.cands[b] = c
			need &^= 1 << b
			continue
		} else if c.end > from {
			q.reread(k, from)
		}
		// Nothing queued: the kind reads on from where its reading ended,
		// or from from if that is later.
		q.hi[k] = max(q.hi[k], from)
		start = min(start, q.hi[k])
	}
	if need == 0 {
		return
	}
	// The kinds that read from start, and those that join later, where
	// their reading ends. A kind whose reading ended before start cannot
	// join: it would miss the runs between. Nor can a kind whose queue is
	// full.
	var set, pending uint16
	for m := sc.live & numericKinds; m != 0; m &= m - 1 {
		b := builtin(bits.TrailingZeros16(m))
		k := numSlot(b)
		switch h := q.hi[k]; {
		case need&(1<<b) == 0 && (h < start || q.qn[k] == numQ):
		case h == start:
			set |= 1 << b
		default:
			pending |= 1 << b
		}
	}
	q.need = need
	sc.walkQueuedRef(q, set, pending, from, start)
	// A kind asked for that has no match has none left.
	sc.live &^= q.need
}

func (sc *scanner) walkQueuedRef(q *numQueues, set, pending uint16, from, i int) {
	s := sc.s
	if i > 0 && i < len(s) && isDigit(s[i-1]) {
		i = runEnd(s, i) // inside a run: not a start
	}
	join := q.joinAt(pending)
	stop := noStop // where the walk stops once every kind asked has its match
	mark := join   // the next run at which join or stop needs a look
	want := gatesFor(set)
	w := runWalk{base: i, m: digitMask(s, i)}
	for {
		p, e := w.nextRunRef(s)
		if p < 0 {
			// Every kind reading has read to the end of the text.
			for k := set | pending; k != 0; k &= k - 1 {
				q.hi[numSlot(builtin(bits.TrailingZeros16(k)))] = len(s) + 1
			}
			return
		}
		if p >= mark {
			if p >= stop {
				// Every run before p has been read.
				for k := set; k != 0; k &= k - 1 {
					q.hi[numSlot(builtin(bits.TrailingZeros16(k)))] = p
				}
				return
			}
			// The kinds whose reading ends at or before this run join.
			for k := pending; k != 0; k &= k - 1 {
				b := builtin(bits.TrailingZeros16(k))
				if q.hi[numSlot(b)] <= p {
					set |= 1 << b
					pending &^= 1 << b
				}
			}
			join = q.joinAt(pending)
			want = gatesFor(set)
			mark = min(join, stop)
		}
		if set == 0 {
			if pending == 0 && q.need == 0 {
				return // every kind has stopped reading
			}
			continue
		}
		n := e - p
		pass, prev3, prev2, prev, next := runGatesRef(s, p, e, want)
		if pass == 0 {
			continue
		}
		// The kinds' own tests, generateNumeric's, for the kinds in set
		// whose gates the run passes.
		var got uint16 // the kinds that match here; their matches are in q.found
		found := &q.found
		if pass&gGrouped4 != 0 && (prev == ' ' || prev == '\t') && next != '.' && next|0x20 != 'e' && midSequence(s, p) {
			pass &^= cardGates
		}
		grouped, g := false, 0
		if pass&groupedGates != 0 && (n == 3 || n == 4 || n <= 5 && s[p] <= '1' && prev != '+') && !isAlnum(prev) && is(next, cSep) {
			g = sepEnd(s, e)
			grouped = g < len(s) && isDigit(s[g])
		}
		if set&(1<<bCard) != 0 && pass&cardGates != 0 && cardMayStart(s, e, n, grouped, g, next) {
			if ce := sc.cardAt(p, e); ce >= 0 {
				got |= 1 << bCard
				found[numSlot(bCard)] = candidate{p, ce}
			}
		}
		if set&(1<<bSSN) != 0 && pass&ssnGates != 0 && ((n == 3 && grouped) || n == 9) {
			if se := ssnAt(s, p, e); se >= 0 {
				got |= 1 << bSSN
				found[numSlot(bSSN)] = candidate{p, se}
			}
		}
		if set&(1<<bIBAN) != 0 && pass&ibanGates != 0 && n >= 2 && p >= 2 && (isLetter(prev) || isUpper(s[p-2])) {
			// A country code before from cannot start a candidate: its
			// walk is not read.
			if a := ibanCountryStart(s, p); a >= from {
				if ie := ibanEnd(s, a, p); ie >= 0 {
					got |= 1 << bIBAN
					found[numSlot(bIBAN)] = candidate{a, ie}
				}
			}
		}
		if set&(1<<bPhone) != 0 && pass&phoneGates != 0 && phoneMayStartRef(s, p, n, prev, next, grouped) {
			if a, pe := phoneAt(s, p); pe >= 0 && a >= from {
				got |= 1 << bPhone
				found[numSlot(bPhone)] = candidate{a, pe}
			}
		}
		if set&(1<<bPhone) != 0 && got&(1<<bPhone) == 0 && pass&gPhoneKw != 0 && phoneKeywordAt(s, p, e) {
			got |= 1 << bPhone
			found[numSlot(bPhone)] = candidate{p, e}
		}
		if set&(1<<bAccount) != 0 && pass&accountGates != 0 &&
			(pass&accountGluedGates != 0 && accountFinals.end(prev, prev2) ||
				pass&accountGapGates != 0 && (accountFinals.end(prev2, prev3) || is(prev2, cGap)) || pass&gAcctQual != 0) &&
			(keywordEnd(s, p, accountFinals) >= 0 || qualifiedEnd(s, p, accountFinals) >= 0) &&
			(isLetter(prev) || is(prev, cGap)) &&
			(n >= 6 && n <= 17 || n < 6 && (next == '-' || next == ' ' && n >= 3) || (next == '.' || next|0x20 == 'e') && jsonNumberShape(s, e)) {
			if ae := accountAt(s, p, e); ae >= 0 {
				got |= 1 << bAccount
				found[numSlot(bAccount)] = candidate{p, ae}
			}
		}
		for k := got; k != 0; k &= k - 1 {
			b := builtin(bits.TrailingZeros16(k))
			c := q.found[numSlot(b)]
			if q.need&(1<<b) != 0 {
				sc.cands[b] = c
				q.need &^= 1 << b
				continue
			}
			j := numSlot(b)
			q.q[j][(q.qhead[j]+q.qn[j])%numQ] = c
			if q.qn[j]++; q.qn[j] == numQ {
				// Full: this kind stops reading after this run.
				q.hi[j] = e
				set &^= 1 << b
				want = gatesFor(set)
			}
		}
		if q.need == 0 && stop == noStop && got != 0 {
			// Every kind asked has its match. The walk reads on a
			// little to fill the queues, so that the next few requests
			// need no walk of their own.
			stop = e + numAhead
			mark = min(join, stop)
		}
	}
}

// checkWalkQueuedSame holds numericQueued to numericQueuedRef as
// checkQueuedSame holds it to generateNumeric.
func checkWalkQueuedSame(t *testing.T, s string, kinds uint16, froms []int) {
	t.Helper()
	checkQueuedWith(t, s, kinds, froms, (*scanner).numericQueuedRef, "the reference")
}

// TestWalkQueuedMatchesReference holds walkQueued to walkQueuedRef on the
// corpus, the benchmark texts, the pathological units and random mixes of
// number fragments, request by request.
func TestWalkQueuedMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 2026))
	for _, s := range queuedTexts(t, r) {
		for _, kinds := range queuedKindSets {
			checkWalkQueuedSame(t, s, kinds, everyOffset(s))
			for _, step := range []int{8, 40, 300} {
				checkWalkQueuedSame(t, s, kinds, randomFroms(r, s, step))
			}
		}
	}
}

func FuzzWalkQueued(f *testing.F) {
	seedFromCorpus(f)
	f.Add(denseText(1000))
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			t.Skip()
		}
		r := rand.New(rand.NewPCG(uint64(len(s)), 5))
		checkWalkQueuedSame(t, s, numericKinds, everyOffset(s))
		checkWalkQueuedSame(t, s, numericKinds, randomFroms(r, s, 50))
		if v := newView(s); v.s != s {
			checkWalkQueuedSame(t, v.s, numericKinds, randomFroms(r, v.s, 20))
		}
	})
}
