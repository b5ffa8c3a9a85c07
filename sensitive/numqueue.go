package sensitive

import "math/bits"

// Find on long text shares one walk over the digit runs among the numeric
// kinds. Without it, each finding of a numeric kind sends that kind on a walk
// of its own to its next match, past the runs the other kinds have already
// read: text dense with findings of every kind (a log line with a card, a
// phone, an SSN, an IBAN and an account number) is read once per kind. With
// it, a walk reads each run for every kind that has read up to it and queues
// the matches of the kinds that did not ask; a kind asks again from its
// queue, and only walks on where the kinds' reading ends.
//
// The queues live on Find's stack and only for text longer than shortInput:
// First, and Find on names and tags, walk as before (generateNumeric).

// numQ is how many matches a numeric kind keeps queued beyond its candidate.
// A kind whose queue fills stops reading and walks on later from where it
// stopped, so the depth bounds memory, not correctness. Sixteen lets a walk
// in text dense with findings fill every kind's queue before its stop
// (numAhead): each walk costs its start, and with four the kinds' queues
// emptied at different places, each sending a walk of its own. The queues
// are on appendQueued's stack (1.3 KiB at this depth).
const numQ = 16

// numQueues is each numeric kind's lookahead, indexed by numSlot. hi[k] is
// where kind k's reading ends: it has read every run that starts before
// hi[k] (from the from it was asked at), and q[k] holds, in order, the
// matches it found there that no request has taken yet. A match is taken by
// the first request whose from is at or before its start; a request from
// past it drops it. Requests' from only grows: Find asks from the end of its
// last finding.
type numQueues struct {
	hi        [numericCount]int
	q         [numericCount][numQ]candidate
	qhead, qn [numericCount]uint8
	need      uint16                  // during a walk: kinds asked for that have no match yet
	found     [numericCount]candidate // during a walk: the matches at a run

	// phoneSkip is the end of the last phone number a walk found: the
	// runs after the one it was found at, up to there, are not read for
	// phones. An international number in groups ("+1 415 555 0132") holds
	// runs that pass the phone gates and would be parsed again, as
	// national numbers; a phone cannot start inside the one found unless
	// a request's from falls inside it, and then take or numericQueued
	// drop the phones queued and they are read again from from. The other
	// kinds are not skipped: their inner runs mostly fail their gates
	// (midGroup drops a card's later groups; an IBAN's lack the letters).
	phoneSkip int

	// The live kinds in the order of their candidates (scanner.before),
	// as a ring: text dense with findings renews one or two candidates
	// per finding, each the first in the order, and its next match goes
	// at or near the end of the order. Taking the first and putting it
	// back from the end costs a comparison or two, where first reads
	// every candidate twice.
	order  [orderRing]builtin
	head   int  // where the order starts in the ring
	n      int  // how many kinds the order holds
	inited bool // whether the first candidates have been ordered
	walked bool // whether the first numeric walk, which queues nothing, is done
}

// numericCount is the number of numeric kinds.
const numericCount = 5

// numSlots holds, four bits per built-in kind, each numeric kind's index in
// numQueues.
const numSlots = 0<<(4*bCard) | 1<<(4*bSSN) | 2<<(4*bIBAN) | 3<<(4*bPhone) | 4<<(4*bAccount)

func numSlot(b builtin) int { return int(numSlots >> (4 * b) & 0xf) }

// take returns kind k's first queued match that starts at or after from,
// dropping those before it, and reports whether there was one. When there
// is none, it returns the match dropped last if from is inside it: the
// runs after that match's first may not have been read (phoneSkip), and
// the caller has the kind read again from from.
func (q *numQueues) take(k int, from int) (candidate, bool) {
	for q.qn[k] > 0 {
		c := q.q[k][q.qhead[k]]
		q.qhead[k] = (q.qhead[k] + 1) % numQ
		q.qn[k]--
		if c.start >= from || c.end > from {
			return c, c.start >= from
		}
	}
	return candidate{}, false
}

// reread drops what kind k has queued and has it read again from from.
func (q *numQueues) reread(k, from int) {
	q.qn[k], q.hi[k] = 0, from
	if k == numSlot(bPhone) {
		q.phoneSkip = 0
	}
}

// numericQueued sets, for each numeric kind in need, its first match that
// starts at or after from, as generateNumeric(need, from) does: from its
// queue if that holds one, or else by a walk that starts where the reading
// of the kinds asked ends, and that the other live numeric kinds join where
// theirs ends. A kind that reads to the end of the text without a match is
// dropped from live.
func (sc *scanner) numericQueued(q *numQueues, need uint16, from int) {
	start := len(sc.s) + 1
	for m := need; m != 0; m &= m - 1 {
		b := builtin(bits.TrailingZeros16(m))
		k := numSlot(b)
		// A from inside the kind's candidate, or inside a match take
		// drops, may be where runs were not read (phoneSkip).
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
	sc.walkQueued(q, set, pending, from, start)
	// A kind asked for that has no match has none left.
	sc.live &^= q.need
}

// walkQueued walks the digit runs from i for the kinds in set, and for
// those in pending from the first run at or after where their reading
// ends. Each match that starts at or after from becomes the candidate of a
// kind in q.need, or else is queued; a kind whose queue fills stops
// reading. The walk stops at the first run numAhead bytes past the one at
// which q.need empties, or at the end of the text; either way the kinds
// reading then have read to there.
//
// The runs come from runWalk.gated, for the gates of the kinds reading and
// of those pending: a run it skips is one no such kind can match at, so a
// kind that joins at the next run it returns, or a walk that stops there,
// has read as much as at the run skipped. The kinds' tests below follow
// generateNumeric's; TestNumericQueuedMatchesReference and
// FuzzNumericQueued hold Find's requests, served this way, to
// generateNumeric's answers, and TestWalkQueuedMatchesReference holds them
// to walkQueuedRef's, the walk with a loop of its own.
func (sc *scanner) walkQueued(q *numQueues, set, pending uint16, from, i int) {
	s := sc.s
	if i > 0 && i < len(s) && isDigit(s[i-1]) {
		i = runEnd(s, i) // inside a run: not a start
	}
	join := q.joinAt(pending)
	stop := noStop // where the walk stops once every kind asked has its match
	mark := join   // the next run at which join or stop needs a look
	want, walk := gatesFor(set), gatesFor(set|pending)
	w := runWalk{base: i, m: digitMask(s, i)}
	for {
		p, e, pass := w.gated(s, walk)
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
				// So have the pending kinds' from where their reading
				// ends: gated skipped the runs there, which pass none of
				// their gates. Recorded, so that the next walk does not
				// read them again: gated may have gone far past stop.
				for k := pending; k != 0; k &= k - 1 {
					if j := numSlot(builtin(bits.TrailingZeros16(k))); q.hi[j] <= p {
						q.hi[j] = p
					}
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
		if pass &= want; pass == 0 {
			// Only a pending kind's gates, or none left reading.
			if set == 0 && pending == 0 && q.need == 0 {
				return // every kind has stopped reading
			}
			continue
		}
		if pass == gGrouped3 && (set&(1<<bPhone) == 0 || p < q.phoneSkip) && (set&(1<<bSSN) == 0 || !ssnGroupAhead(s, e)) {
			// The SSN's and phone's shared gate only, the phone not
			// reading (inside the number it last found), and the SSN's
			// first test fails: no kind's test below passes.
			continue
		}
		n := e - p
		// 0 stands for the bytes before and after the text, as in gated.
		var prev3, prev2, prev byte
		if p >= 3 {
			prev, prev2, prev3 = s[p-1], s[p-2], s[p-3]
		} else {
			prev3, prev2, prev = byteAt(s, p-3), byteAt(s, p-2), byteAt(s, p-1)
		}
		next := byteAt(s, e)
		// The kinds' own tests, generateNumeric's, for the kinds in set
		// whose gates the run passes.
		var got uint16 // the kinds that match here; their matches are in q.found
		found := &q.found
		run := set // the kinds that read this run
		if p < q.phoneSkip {
			run &^= 1 << bPhone // inside the phone number last found
		}
		grouped, g := false, 0
		if pass&groupedGates != 0 && (n == 3 || n == 4 || n <= 5 && s[p] <= '1' && prev != '+') && !isAlnum(prev) && is(next, cSep) {
			g = sepEnd(s, e)
			grouped = g < len(s) && isDigit(s[g])
		}
		if run&(1<<bCard) != 0 && pass&cardGates != 0 && cardMayStart(s, e, n, grouped, g, next) {
			if ce := sc.cardAt(p, e); ce >= 0 {
				got |= 1 << bCard
				found[numSlot(bCard)] = candidate{p, ce}
			}
		}
		if run&(1<<bSSN) != 0 && pass&ssnGates != 0 && ssnMayStart(s, n, grouped, g) {
			if se := ssnAt(s, p, e); se >= 0 {
				got |= 1 << bSSN
				found[numSlot(bSSN)] = candidate{p, se}
			}
		}
		if run&(1<<bIBAN) != 0 && pass&ibanGates != 0 && n >= 2 && p >= 2 && (isLetter(prev) || isUpper(s[p-2])) {
			// A country code before from cannot start a candidate: its
			// walk is not read.
			if a := ibanCountryStart(s, p); a >= from {
				if ie := ibanEnd(s, a, p); ie >= 0 {
					got |= 1 << bIBAN
					found[numSlot(bIBAN)] = candidate{a, ie}
				}
			}
		}
		if run&(1<<bPhone) != 0 && pass&phoneGates != 0 && phoneMayStart(s, p, n, prev, next, grouped) && exchangeOK(s, p, n, prev) {
			if a, pe := phoneAt(s, p); pe >= 0 && a >= from {
				got |= 1 << bPhone
				found[numSlot(bPhone)] = candidate{a, pe}
				q.phoneSkip = pe
			}
		}
		if run&(1<<bPhone) != 0 && got&(1<<bPhone) == 0 && pass&gPhoneKw != 0 && phoneKeywordAt(s, p, e) {
			got |= 1 << bPhone
			found[numSlot(bPhone)] = candidate{p, e}
			q.phoneSkip = e
		}
		if run&(1<<bAccount) != 0 && pass&accountGates != 0 &&
			(pass&accountGluedGates != 0 && accountFinals.end(prev, prev2) ||
				pass&accountGapGates != 0 && (accountFinals.end(prev2, prev3) || is(prev2, cGap)) || pass&gAcctQual != 0) &&
			accountWordEnd(s, p) >= 0 &&
			(isLetter(prev) || is(prev, cGap)) &&
			(n >= 6 && n <= 17 || n < 6 && (next == '-' || next == ' ' && n >= 3) || (next == '.' || next|0x20 == 'e') && jsonNumberShape(s, e)) {
			if ae := accountAt(s, p, e); ae >= 0 {
				got |= 1 << bAccount
				found[numSlot(bAccount)] = candidate{p, ae}
			}
		}
		for k := got; k != 0; k &= k - 1 {
			b := builtin(bits.TrailingZeros16(k))
			j := numSlot(b)
			c := q.found[j]
			if q.need&(1<<b) != 0 {
				sc.cands[b] = c
				q.need &^= 1 << b
				continue
			}
			q.q[j][(q.qhead[j]+q.qn[j])%numQ] = c
			if q.qn[j]++; q.qn[j] == numQ {
				// Full: this kind stops reading after this run.
				q.hi[j] = e
				set &^= 1 << b
				want, walk = gatesFor(set), gatesFor(set|pending)
			}
		}
		if q.need == 0 && stop == noStop && got != 0 {
			// Every kind asked has its match. The walk reads on a
			// little to fill the queues, so that the next few requests
			// need no walk of their own.
			stop = e + numAhead
			mark = min(join, stop)
		}
		if set == 0 && (pending == 0 && q.need == 0 || stop != noStop && stop <= join) {
			// No kind reads, and none joins before the stop: the walk
			// would change nothing more, as the loop that read every run
			// returned at the next run or at the stop. gated, which
			// returns only the runs that pass a pending kind's gates,
			// would read on to the next such run, or the end of the
			// text, at every walk whose kinds all fill their queues:
			// quadratic in text dense with findings.
			return
		}
	}
}

// noStop is a walk's stop while a kind asked has no match yet.
const noStop = int(^uint(0) >> 1)

// numAhead is how far a walk reads on once every kind asked has its match:
// in text dense with findings, far enough to queue the next match or two
// of each kind, which then need no walk of their own.
const numAhead = 512

// joinAt returns where the first of the pending kinds' reading ends, or the
// largest int when none is pending.
func (q *numQueues) joinAt(pending uint16) int {
	at := int(^uint(0) >> 1)
	for k := pending; k != 0; k &= k - 1 {
		at = min(at, q.hi[numSlot(builtin(bits.TrailingZeros16(k)))])
	}
	return at
}

// orderRing is the size of the ring that holds the order: a power of two
// no smaller than numBuiltins.
const orderRing = 16

// firstQueued is next's choice of the first candidate, for Find on long
// text, and returns it and its kind, or {-1, -1} and numBuiltins when no
// kind has one. The kinds whose candidates
// start before from are taken off the front of the order, renewed, and put
// back in their place if they have a match left. The front of the order is
// the first candidate: the one that starts first, at the same start the
// longer, then the more specific kind, as next's loop picks it.
// TestNumericQueuedMatchesReference and FuzzNumericQueued hold Find's
// findings this way to the loop's.
func (sc *scanner) firstQueued(q *numQueues, from int) (candidate, builtin) {
	if q.inited && q.walked && q.n > 0 {
		// Text dense with findings: the first kind alone is behind from,
		// a numeric kind that has its next match queued. The loop below,
		// takeQueued and insert do this, with the calls and the sets of
		// kinds spelled out; any other case is theirs.
		b := q.order[q.head]
		c := &sc.cands[b]
		k := numSlot(b)
		h := q.qhead[k] % numQ
		if c.start < from && c.end <= from && numericKinds&(1<<b) != 0 && q.qn[k] > 0 && q.q[k][h].start >= from &&
			(q.n == 1 || sc.cands[q.order[(q.head+1)&(orderRing-1)]].start >= from) {
			*c = q.q[k][h]
			q.qhead[k] = (h + 1) % numQ
			q.qn[k]--
			q.head = (q.head + 1) & (orderRing - 1)
			q.n--
			if sc.live&(1<<b) != 0 {
				// Its next match usually starts after every other
				// candidate: it goes at the end, as insert would put it.
				if q.n > 0 && sc.cands[q.order[(q.head+q.n-1)&(orderRing-1)]].start < c.start {
					q.order[(q.head+q.n)&(orderRing-1)] = b
					q.n++
				} else {
					sc.insert(q, b)
				}
			}
			if q.n == 0 {
				return candidate{start: -1}, numBuiltins
			}
			b = q.order[q.head]
			return sc.cands[b], b
		}
	}
	var redo uint16
	fresh := !q.inited
	if fresh {
		// The first request since Find gave the scan its queues, after
		// its first finding: the kinds whose candidate is behind from are
		// renewed, the others keep theirs (a generator asked again would
		// move on to its next match), and every live kind enters the
		// order.
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
	if redo != 0 && (fresh || !sc.takeQueued(q, redo, from)) {
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

// takeQueued is renew's common case in text dense with findings, without its
// calls: redo is one numeric kind, its candidate ends at or before from,
// and the first match it has queued starts at or after from. It sets the
// candidate to that match, as numericQueued would take it, and reports
// whether it did; otherwise it changes nothing, and renew decides.
func (sc *scanner) takeQueued(q *numQueues, redo uint16, from int) bool {
	if !q.walked || redo&(redo-1) != 0 || redo&numericKinds == 0 {
		return false
	}
	b := builtin(bits.TrailingZeros16(redo))
	k := numSlot(b)
	h := q.qhead[k] % numQ
	if sc.cands[b].end > from || q.qn[k] == 0 || q.q[k][h].start < from {
		return false
	}
	// take's first step, which returns the match at the head.
	sc.cands[b] = q.q[k][h]
	q.qhead[k] = (h + 1) % numQ
	q.qn[k]--
	return true
}

// insert puts kind b in the order, after every kind whose candidate comes
// before its own: looking from the end, where a renewed candidate usually
// goes.
func (sc *scanner) insert(q *numQueues, b builtin) {
	i := q.n // b's place, counted from the front
	start := sc.cands[b].start
	for i > 0 {
		prev := q.order[(q.head+i-1)&(orderRing-1)]
		// The starts decide but for equal ones.
		if p := sc.cands[prev].start; p < start || p == start && sc.before(prev, b) {
			break
		}
		q.order[(q.head+i)&(orderRing-1)] = prev
		i--
	}
	q.order[(q.head+i)&(orderRing-1)] = b
	q.n++
}

// requeue puts back kind b, taken from the front of the order when its
// candidate was renewed, if it has a match left.
func (sc *scanner) requeue(q *numQueues, b builtin) {
	q.head = (q.head + 1) & (orderRing - 1)
	q.n--
	if sc.live&(1<<b) != 0 {
		sc.insert(q, b)
	}
}

// before reports whether kind a's candidate comes before kind b's: it
// starts first; at the same start it is longer; then a's kind is more
// specific; then a is the lower builtin, as next's loop in builtin order
// keeps the first of equal candidates.
func (sc *scanner) before(a, b builtin) bool {
	ca, cb := &sc.cands[a], &sc.cands[b]
	switch {
	case ca.start != cb.start:
		return ca.start < cb.start
	case ca.end != cb.end:
		return ca.end > cb.end
	case a.rank() != b.rank():
		return a.rank() < b.rank()
	}
	return a < b
}
