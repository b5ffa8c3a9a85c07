package datascan

import (
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// readStep is what a reader shows after one read: the record, or the
// error, and the counters the scanner and the rewriter use.
type readStep struct {
	Fields            []string
	Plain             bool
	Body              string // a plain record's line
	Row, Line, Start  int64
	N                 int64 // bytes read; after an error, not used
	CRLF              bool
	Err               string
	ParseError        *ParseError
	Sentinels         []string // the package's errors it wraps
	EOF               bool
	FieldsAfterHeader int
}

var sentinels = []error{ErrBareQuote, ErrQuote, ErrUnterminatedQuote, ErrFieldCount, ErrRecordTooLong, ErrHeader, io.ErrNoProgress, io.ErrUnexpectedEOF}

func errStep(st *readStep, err error) {
	st.Err = err.Error()
	if pe, ok := err.(*ParseError); ok {
		st.ParseError = &ParseError{Row: pe.Row, Line: pe.Line, Column: pe.Column}
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			st.Sentinels = append(st.Sentinels, s.Error())
		}
	}
}

// newSteps reads in with the reader, record by record, as the scanner
// does: after the header, the header's field count bounds the rows.
func newSteps(src io.Reader, max, size int) []readStep {
	r := newCSVReaderSize(src, max, size)
	var steps []readStep
	for {
		err := r.read()
		st := readStep{Row: r.row, Line: r.line, Start: r.start, CRLF: r.crlf}
		if err != nil {
			st.EOF = err == io.EOF
			if st.EOF {
				st.N = r.n
			}
			errStep(&st, err)
			return append(steps, st)
		}
		st.N, st.Plain = r.n, r.plain
		for i := range r.fields() {
			st.Fields = append(st.Fields, r.field(i))
		}
		if r.plain {
			st.Body = r.plainBody()
		}
		if r.row == 1 && r.fields() <= MaxColumns {
			r.maxFields = r.fields()
		}
		steps = append(steps, st)
	}
}

// refSteps is newSteps with the reader kept in csv_ref_test.go.
func refSteps(src io.Reader, max, size int) []readStep {
	r := newRefCSVReader(src, max, size)
	var steps []readStep
	for {
		err := r.read()
		st := readStep{Row: r.row, Line: r.line, Start: r.start, CRLF: r.crlf}
		if err != nil {
			st.EOF = err == io.EOF
			if st.EOF {
				st.N = r.n
			}
			errStep(&st, err)
			return append(steps, st)
		}
		st.N, st.Plain = r.n, r.plain
		for i := range len(r.vals) {
			st.Fields = append(st.Fields, string(r.vals[i]))
		}
		if r.plain {
			st.Body = string(r.body)
		}
		if r.row == 1 && len(r.vals) <= MaxColumns {
			r.maxFields = len(r.vals)
		}
		steps = append(steps, st)
	}
}

// pieces returns in a few bytes at a time, its EOF after the data, as files
// and most readers do.
type pieces struct {
	s    string
	next func() int
}

func (p *pieces) Read(b []byte) (int, error) {
	if len(p.s) == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(len(b), p.next())], p.s)
	p.s = p.s[n:]
	return n, nil
}

// failing returns in and then, where EOF would be, an error of its own.
type failing struct{ s string }

var errFailing = errors.New("the source failed")

func (f *failing) Read(b []byte) (int, error) {
	if len(f.s) == 0 {
		return 0, errFailing
	}
	n := copy(b, f.s)
	f.s = f.s[n:]
	return n, nil
}

// sources are the readers in is read from: the reader's output must not
// depend on the sizes of their reads.
func sources(in string, seed uint64) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"whole":    func() io.Reader { return strings.NewReader(in) },
		"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(in)) },
		"pieces": func() io.Reader {
			rng := rand.New(rand.NewPCG(seed, 1))
			return &pieces{s: in, next: func() int { return rng.IntN(40) }}
		},
		"half failing": func() io.Reader { return &failing{s: in[:len(in)/2]} },
	}
}

// checkSameSteps reads in with both readers from every source and wants
// the same records, errors and counters. It returns the last step: the
// error that ended the input.
func checkSameSteps(t *testing.T, in string, max, size int, seed uint64) readStep {
	t.Helper()
	var last readStep
	for name, src := range sources(in, seed) {
		if name == "one byte" && len(in) > 4*size && size >= readBufSize {
			continue // a second a call, and "pieces" reads in small bits too
		}
		want := refSteps(src(), max, size)
		got := newSteps(src(), max, size)
		if name == "whole" {
			last = want[len(want)-1]
		}
		if reflect.DeepEqual(want, got) {
			continue // cmp.Diff takes seconds on the long inputs
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("max %d, chunk %d, source %s, input %.300q: the reader differs from the old one (-want +got):\n%s", max, size, name, in, diff)
		}
	}
	return last
}

// outcome names how a read of a whole input ended, to check that the
// random inputs reach every error.
func outcome(st readStep) string {
	switch {
	case st.EOF:
		return "EOF"
	case st.ParseError == nil:
		return st.Err
	case st.ParseError.Column == 0:
		return "record: " + strings.Join(st.Sentinels, "; ")
	}
	return "field: " + strings.Join(st.Sentinels, "; ")
}

// wantOutcomes are the ends that the random inputs must reach.
var wantOutcomes = []string{
	"EOF",
	"field: " + ErrBareQuote.Error(),
	"field: " + ErrQuote.Error(),
	"field: " + ErrUnterminatedQuote.Error(),
	"field: " + ErrRecordTooLong.Error(),
	"record: " + ErrRecordTooLong.Error(),
	"record: " + ErrFieldCount.Error(),
}

func checkOutcomes(t *testing.T, seen map[string]int) {
	t.Helper()
	for _, o := range wantOutcomes {
		if seen[o] == 0 {
			t.Errorf("no input ended with %q; seen: %v", o, seen)
		}
	}
}

// csvishText makes CSV-like text of the bytes that matter to the reader:
// commas, quotes (doubled, bare, after a closing one), CR, LF, CRLF, a BOM,
// and runs long enough to cross chunks and record limits.
func csvishText(rng *rand.Rand, n, longRun int) string {
	var b strings.Builder
	if rng.IntN(8) == 0 {
		b.WriteString("\xef\xbb\xbf")
	}
	for b.Len() < n {
		switch rng.IntN(16) {
		case 0, 1:
			b.WriteByte(',')
		case 2:
			b.WriteByte('"')
		case 3:
			b.WriteString(`""`)
		case 4:
			b.WriteByte('\n')
		case 5:
			b.WriteString("\r\n")
		case 6:
			b.WriteByte('\r')
		case 7:
			b.WriteString(`,"`)
		case 8:
			b.WriteString(`",`)
		case 9:
			if rng.IntN(4) == 0 {
				b.WriteString(strings.Repeat(string("x\"\n,"[rng.IntN(4)]), rng.IntN(longRun+1)))
			}
		default:
			b.WriteString("ab"[:1+rng.IntN(2)])
		}
	}
	return b.String()
}

// TestCSVReaderMatchesRef holds the reader to the old one on random
// CSV-like inputs, chunks from 16 bytes to the real 64 KiB, and record
// limits below, at and above multiples of the chunk size.
func TestCSVReaderMatchesRef(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	rounds := 400
	if testing.Short() {
		rounds = 100
	}
	seen := map[string]int{}
	for _, size := range []int{16, 17, 40, 1000} {
		for range rounds {
			in := csvishText(rng, rng.IntN(6*size), 3*size)
			for _, max := range []int{1, 10, size - 1, size, size + 1, 2*size - 1, 2 * size, 3*size + 1, 1 << 20, math.MaxInt} {
				seen[outcome(checkSameSteps(t, in, max, size, rng.Uint64()))]++
			}
		}
	}
	checkOutcomes(t, seen)
}

// TestCSVReaderMatchesRefLong does the same at the real chunk size with
// lines and quoted records of about one to three chunks, around the
// default limit's and smaller limits' multiples of the chunk.
func TestCSVReaderMatchesRefLong(t *testing.T) {
	const size = readBufSize
	var inputs []string
	for _, n := range []int{size - 2, size - 1, size, size + 1, 2*size - 1, 2 * size, 2*size + 1, 3 * size} {
		long := strings.Repeat("y", n)
		inputs = append(inputs,
			"a,b\n"+long+",z\n1,2\n",
			"a,b\n"+long,
			"a,b\n"+long+"\r\n",
			"a,b\n\""+long+"\",z\n1,2\n",
			"a,b\n\"x\n"+long+"\n\",z\n",
			"a,b\n\"x"+long+"\"\"\",z\n",
			"a,b\n\""+long,
		)
	}
	// Short records across chunks, the last one cut by the end.
	inputs = append(inputs, strings.Repeat("c,d\r\n", size/3)+"e,\"f\"\"\"\r")
	seen := map[string]int{}
	for i, in := range inputs {
		for _, max := range []int{100, size - 1, size, size + 1, 2*size - 1, 2 * size, 1 << 20} {
			seen[outcome(checkSameSteps(t, in, max, size, uint64(i)))]++
		}
	}
	for _, o := range []string{"EOF", "record: " + ErrRecordTooLong.Error(), "field: " + ErrRecordTooLong.Error(), "field: " + ErrUnterminatedQuote.Error()} {
		if seen[o] == 0 {
			t.Errorf("no input ended with %q; seen: %v", o, seen)
		}
	}
}

// TestCSVReaderSources wants the same records and errors whatever the
// sizes of the source's reads, even from a source that returns its last
// bytes with io.EOF, where the old reader's errors for a record of exactly
// a multiple of its buffer could differ.
func TestCSVReaderSources(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		size := 16 + rng.IntN(30)
		in := csvishText(rng, rng.IntN(5*size), 3*size)
		max := 1 + rng.IntN(4*size)
		want := newSteps(strings.NewReader(in), max, size)
		for name, src := range map[string]io.Reader{
			"data with EOF": iotest.DataErrReader(strings.NewReader(in)),
			"one byte":      iotest.OneByteReader(strings.NewReader(in)),
			"half":          iotest.HalfReader(strings.NewReader(in)),
		} {
			if diff := cmp.Diff(want, newSteps(src, max, size)); diff != "" {
				t.Fatalf("source %s, max %d, chunk %d, %q (-whole +%s):\n%s", name, max, size, in, name, diff)
			}
		}
	}
}

// FuzzCSVReaderMatchesRef holds the reader to the old one on arbitrary
// bytes, with a chunk of 16 to 79 bytes so that records span chunks, a
// record limit around the chunk's multiples, and a run of one byte added
// to make lines longer than chunks.
func FuzzCSVReaderMatchesRef(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint8(0), uint16(100), uint16(0), uint8(0), byte('x'))
	}
	f.Add("a,b\n\"x\"\"y\n\",z\r\n", uint8(3), uint16(19), uint16(5), uint8(40), byte('"'))
	f.Add("a,b\n1,2\n", uint8(0), uint16(16), uint16(4), uint8(60), byte('\r'))
	f.Fuzz(func(t *testing.T, in string, sizeSel uint8, maxSel uint16, at uint16, run uint8, c byte) {
		size := 16 + int(sizeSel%64)
		limit := int(maxSel)
		switch {
		case maxSel == math.MaxUint16:
			limit = math.MaxInt
		case maxSel >= 1000:
			limit = (int(maxSel)%5)*size + int(maxSel/5)%3 - 1 // a multiple of the chunk, or one beside it
		}
		limit = max(limit, 1)
		if run > 0 {
			i := int(at) % (len(in) + 1)
			in = in[:i] + strings.Repeat(string(c), int(run)*3) + in[i:]
		}
		checkSameSteps(t, in, limit, size, uint64(at))
	})
}
