package datascan

import (
	"io"
	"slices"
	"strconv"
)

// synth is an io.Reader that makes up a dataset CSV of exactly size bytes
// (rounded down to a whole row) as it is read, so tests and benchmarks can
// scan gigabytes without writing them. It makes a block of about 1 MiB of
// rows once and repeats it, so that the benchmarks measure the scanner rather
// than the generator.
type synth struct {
	header  string
	block   []byte
	rowEnds []int // end of each row in block
	size    int64
	sent    int64
	cur     []byte
}

func newSynth(header string, row func(dst []byte, i int, state *uint64) []byte, seed uint64, size int64) *synth {
	s := &synth{header: header, size: size, cur: []byte(header)}
	state := seed
	for i := 0; len(s.block) < 1<<20; i++ {
		s.block = row(s.block, i, &state)
		s.rowEnds = append(s.rowEnds, len(s.block))
	}
	return s
}

// again returns a reader of the same input from its start, sharing the
// block, so that benchmarks do not count making it.
func (s *synth) again() *synth {
	c := *s
	c.sent, c.cur = 0, []byte(s.header)
	return &c
}

func (s *synth) Read(p []byte) (int, error) {
	if len(s.cur) == 0 {
		left := s.size - s.sent
		if left >= int64(len(s.block)) {
			s.cur = s.block
		} else {
			// The last rows that fit, whole: a quoted field may hold '\n',
			// so cut at a row end, not at the last newline.
			i, _ := slices.BinarySearch(s.rowEnds, int(left)+1)
			if i == 0 {
				return 0, io.EOF
			}
			s.cur = s.block[:s.rowEnds[i-1]]
		}
	}
	n := copy(p, s.cur)
	s.cur = s.cur[n:]
	s.sent += int64(n)
	return n, nil
}

// splitmix64 is a small, fast generator: the synthetic data need not be
// cryptographically random, only shaped like the real thing.
func splitmix64(s *uint64) uint64 {
	*s += 0x9e3779b97f4a7c15
	z := *s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

var eventTypes = []string{"click", "view", "purchase", "add-to-cart", "rating"}

// interactionRow is USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE with hashed
// signed 64-bit IDs; users come from a pool of 50,000 so that they repeat, as
// they do in real interaction data.
func interactionRow(dst []byte, i int, st *uint64) []byte {
	r := splitmix64(st)
	return appendInteraction(dst, i, st, r, r%50000)
}

// groupedInteractionRow is interactionRow with each user's events together,
// eight at a time, as in an export ordered by user or by session.
func groupedInteractionRow(dst []byte, i int, st *uint64) []byte {
	return appendInteraction(dst, i, st, splitmix64(st), uint64(i/8)%50000)
}

func appendInteraction(dst []byte, i int, st *uint64, r, user uint64) []byte {
	dst = strconv.AppendInt(dst, int64(user*0x9e3779b97f4a7c15), 10)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(splitmix64(st)), 10)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, 1700000000+int64(i), 10)
	dst = append(dst, ',')
	dst = append(dst, eventTypes[r>>60%uint64(len(eventTypes))]...)
	return append(dst, '\n')
}

func newGroupedInteractions(seed uint64, size int64) *synth {
	return newSynth("USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n", groupedInteractionRow, seed, size)
}

func newInteractions(seed uint64, size int64) *synth {
	return newSynth("USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n", interactionRow, seed, size)
}

var words = []string{
	"a", "the", "lamp", "brass", "with", "soft", "light", "for", "reading", "and", "desk", "warm", "classic",
	"design", "cm", "steel", "shade", "adjustable", "arm", "room", "modern", "gift", "quality", "bright", "home",
}

var genres = []string{"Lighting|Home", "Office", "Garden|Outdoor|Home", "Kitchen", "Books|Gifts"}

// itemRow is ITEM_ID, GENRES, PRICE, CREATION_TIMESTAMP, DESCRIPTION: a
// quoted description of about 300 bytes with commas and, now and then,
// doubled quotes and a line break.
func itemRow(dst []byte, i int, st *uint64) []byte {
	r := splitmix64(st)
	dst = strconv.AppendInt(dst, int64(r), 10)
	dst = append(dst, ',')
	dst = append(dst, genres[r>>60%uint64(len(genres))]...)
	dst = append(dst, ',')
	dst = strconv.AppendFloat(dst, float64(r%100000)/100, 'f', 2, 64)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, 1600000000+int64(i), 10)
	dst = append(dst, ",\""...)
	for n := 0; n < 50; n++ {
		w := splitmix64(st)
		if n > 0 {
			switch w >> 58 {
			case 0:
				dst = append(dst, ", "...)
			case 1:
				dst = append(dst, ` ""`...)
			case 2:
				dst = append(dst, "\n"...)
			default:
				dst = append(dst, ' ')
			}
		}
		dst = append(dst, words[w%uint64(len(words))]...)
	}
	return append(dst, "\"\n"...)
}

const itemSchema = `{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema","fields":[
	{"name":"ITEM_ID","type":"string"},
	{"name":"GENRES","type":"string","categorical":true},
	{"name":"PRICE","type":"float"},
	{"name":"CREATION_TIMESTAMP","type":"long"},
	{"name":"DESCRIPTION","type":["null","string"],"textual":true}],"version":"1.0"}`

func newItems(seed uint64, size int64) *synth {
	return newSynth("ITEM_ID,GENRES,PRICE,CREATION_TIMESTAMP,DESCRIPTION\n", itemRow, seed, size)
}
