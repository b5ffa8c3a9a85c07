package datascan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Errors that a *ParseError wraps, so callers can tell them apart with
// errors.Is.
var (
	ErrBareQuote         = errors.New(`a " in a field that is not quoted`)
	ErrQuote             = errors.New(`a character after the closing " of a quoted field`)
	ErrUnterminatedQuote = errors.New(`a quoted field that is never closed`)
	ErrFieldCount        = errors.New("wrong number of fields")
	ErrRecordTooLong     = errors.New("record longer than Options.MaxRecordBytes")
	ErrHeader            = errors.New("header is not a list of Avro field names")
)

// ParseError reports malformed CSV. Row is the 1-based record number
// (the header is row 1) and Line the line on which that record starts;
// they differ once quoted fields hold newlines. Column is the 1-based field
// number, or 0 when the error concerns the whole record. The message never
// holds any of the data.
type ParseError struct {
	Row    int64
	Line   int64
	Column int
	Err    error
}

func (e *ParseError) Error() string {
	b := []byte("datascan: row ")
	b = strconv.AppendInt(b, e.Row, 10)
	if e.Line != e.Row {
		b = append(b, " (line "...)
		b = strconv.AppendInt(b, e.Line, 10)
		b = append(b, ')')
	}
	if e.Column > 0 {
		b = append(b, ", column "...)
		b = strconv.AppendInt(b, int64(e.Column), 10)
	}
	b = append(b, ": "...)
	b = append(b, e.Err.Error()...)
	return string(b)
}

func (e *ParseError) Unwrap() error { return e.Err }

// csvReader reads RFC 4180 records. It reads its input a chunk at a time
// (64 KiB) and copies each chunk once into an immutable string, so that a
// record's fields are substrings of it: strings that the detector and the
// pseudonymizer take as they are, and that anyone may keep, with no copy or
// allocation per record or field. It bounds the record size so memory stays
// constant whatever the input, and refuses what encoding/csv would skip: a
// blank line is a record of one empty field, which the caller's field count
// then rejects.
type csvReader struct {
	src  io.Reader
	size int    // the chunk size: readBufSize, smaller in tests
	buf  []byte // what is read, before it is copied into chunk
	// chunk holds the input read and not yet returned from pos on. The
	// part of a line that a chunk cuts off begins the next one.
	chunk string
	pos   int
	err   error  // the error that ended the input (io.EOF at its end)
	long  []byte // a line longer than a chunk, assembled

	// The fields of the current record, as offsets in the strings they
	// are substrings of: chunk, arena's string or one of bases (a long
	// line, a chunk that a quoted record ran past). Offsets hold no
	// pointer: a string stored in the heap while the garbage collector
	// marks, as it often is, costs a write barrier.
	vals  []fieldRef
	bases []string
	// plain says that the record has no quote and no CR but its line
	// ending: its fields can be written back as they are. Its line,
	// without the terminator, is body, in which the fields are separated
	// by single commas.
	plain bool
	body  fieldRef

	// A field of a quoted record that is not a substring of its line (a
	// doubled quote, a line break) is unquoted into rec, and made a string
	// in arena with the others of its record: an allocation per 64 KiB,
	// not one per field.
	rec   []byte
	arena arena

	row   int64 // number of the current record (1-based)
	line  int64 // lines read so far
	start int64 // line on which the current record starts
	n     int64 // bytes read so far
	max   int
	// maxFields bounds the fields of a record, so that a record of commas
	// does not grow vals to many times MaxRecordBytes: MaxColumns for the
	// header, the header's count for the rows.
	maxFields int

	crlf bool // whether the first record ended with "\r\n"
}

// fieldRef is the field chunk[start:end] (base 0), the arena's string
// [start:end] (arenaBase), or bases[base-1][start:end]. A base of pending
// stands for rec[start:end] until the arena holds rec.
type fieldRef struct{ base, start, end int }

const (
	arenaBase = -1
	pending   = -2
)

const readBufSize = 64 << 10

func newCSVReader(r io.Reader, maxRecord int) *csvReader {
	return newCSVReaderSize(r, maxRecord, readBufSize)
}

func newCSVReaderSize(r io.Reader, maxRecord, size int) *csvReader {
	return &csvReader{src: r, size: size, buf: make([]byte, size), max: maxRecord, maxFields: MaxColumns}
}

func (r *csvReader) fields() int { return len(r.vals) }

// field returns field i of the current record: an ordinary string, which
// keeps the chunk it was read from in memory while it is kept.
func (r *csvReader) field(i int) string {
	if v := r.vals[i]; v.base == 0 {
		return r.chunk[v.start:v.end]
	}
	return r.str(r.vals[i])
}

func (r *csvReader) str(v fieldRef) string {
	switch v.base {
	case 0:
		return r.chunk[v.start:v.end]
	case arenaBase:
		return r.arena.b.String()[v.start:v.end]
	}
	return r.bases[v.base-1][v.start:v.end]
}

// plainBody returns a plain record's line without its terminator, and
// offset where field i starts in it.
func (r *csvReader) plainBody() string { return r.str(r.body) }
func (r *csvReader) offset(i int) int  { return r.vals[i].start - r.body.start }

// base returns where the fields of line, which readLine returned at off,
// are: the base and the line's offset in it.
func (r *csvReader) base(line string, off int) (base, at int) {
	if off >= 0 {
		return 0, off
	}
	r.bases = append(r.bases, line)
	return len(r.bases), 0
}

func (r *csvReader) errorf(col int, err error) *ParseError {
	return &ParseError{Row: r.row, Line: r.start, Column: col, Err: err}
}

// errReadCount stands for a Read that returned a count out of range.
var errReadCount = errors.New("datascan: the reader returned an invalid count from Read")

// readInto reads into p until it is full or the input ends or fails,
// which leaves r.err set. Filling whole chunks keeps their number, and that
// of their allocations, the same whatever the sizes of src's reads.
func (r *csvReader) readInto(p []byte) int {
	n, empty := 0, 0
	for n < len(p) && r.err == nil {
		m, err := r.src.Read(p[n:])
		if m < 0 || m > len(p)-n {
			m, err = 0, errReadCount
		}
		n += m
		switch {
		case err != nil:
			r.err = err
		case m > 0:
			empty = 0
		default:
			// As bufio does: a reader that keeps returning nothing is broken.
			if empty++; empty >= 100 {
				r.err = io.ErrNoProgress
			}
		}
	}
	return n
}

// fill reads the next chunk, which starts with what is left of this one.
func (r *csvReader) fill() {
	n := copy(r.buf, r.chunk[r.pos:])
	n += r.readInto(r.buf[n:])
	r.chunk, r.pos = string(r.buf[:n]), 0
}

// readLine returns the next line with its terminator, and its offset in
// chunk, or -1 if it is a string of its own.
func (r *csvReader) readLine() (line string, off int, err error) {
	cut := false // the line ends where the input does
	for {
		rest := r.chunk[r.pos:]
		off = r.pos
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
			r.pos += i + 1
			break
		}
		if r.err != nil {
			line, cut = rest, true
			r.pos = len(r.chunk)
			break
		}
		if len(rest) >= r.size {
			if line, cut, err = r.longLine(); err != nil {
				return "", 0, err
			}
			off = -1
			break
		}
		r.fill()
	}
	r.n += int64(len(line))
	if cut && (r.err != io.EOF || len(line) == 0) {
		return "", 0, r.err
	}
	// A last line without "\n" is still a line. If it ends with "\r", that
	// is the "\r\n" of a file cut short, not part of the last field (as
	// encoding/csv reads it): kept, it would give the last USER_ID a
	// pseudonym that no live event carries.
	if cut && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	r.line++
	if r.line == 1 && strings.HasPrefix(line, "\xef\xbb\xbf") {
		line = line[3:]
		if off >= 0 {
			off += 3
		}
	}
	return line, off, nil
}

// longLine assembles a line that does not fit in a chunk, from the rest
// of the current one on. A line is too long when it runs for a multiple of
// the chunk size above r.max without a "\n": the reader before this one
// (bufio's, with a buffer of that size) checked there, and the error, which
// names no column, must be the same.
func (r *csvReader) longLine() (line string, cut bool, err error) {
	limit := math.MaxInt
	if r.max < math.MaxInt-r.size {
		limit = (r.max/r.size + 1) * r.size
	}
	r.long = append(r.long[:0], r.chunk[r.pos:]...)
	r.chunk, r.pos = "", 0
	for {
		if len(r.long) >= limit {
			r.n += int64(len(r.long))
			return "", false, r.errorf(0, ErrRecordTooLong)
		}
		if r.err != nil {
			return string(r.long), true, nil
		}
		n := r.readInto(r.buf)
		if i := bytes.IndexByte(r.buf[:n], '\n'); i >= 0 {
			if len(r.long)+i >= limit {
				r.n += int64(len(r.long) + i)
				return "", false, r.errorf(0, ErrRecordTooLong)
			}
			r.long = append(r.long, r.buf[:i+1]...)
			r.chunk = string(r.buf[i+1 : n])
			return string(r.long), false, nil
		}
		r.long = append(r.long, r.buf[:n]...)
	}
}

// read reads the next record. It returns io.EOF after the last one.
func (r *csvReader) read() error {
	r.start = r.line + 1
	r.row++
	line, off, err := r.readLine()
	if err != nil {
		if err == io.EOF {
			r.row--
		}
		return err
	}
	r.bases = r.bases[:0]
	if r.row == 1 {
		r.crlf = strings.HasSuffix(line, "\r\n")
	}
	r.vals = r.vals[:0]
	if strings.IndexByte(line, '"') < 0 {
		// Most records quote nothing: their fields are substrings of the
		// line.
		line = trimEOL(line)
		if len(line) > r.max {
			return r.errorf(0, ErrRecordTooLong)
		}
		r.plain = strings.IndexByte(line, '\r') < 0
		base, at := r.base(line, off)
		r.body = fieldRef{base, at, at + len(line)}
		for j := 0; ; {
			i := strings.IndexByte(line[j:], ',')
			if i < 0 {
				r.vals = append(r.vals, fieldRef{base, at + j, at + len(line)})
				return nil
			}
			if len(r.vals)+1 >= r.maxFields {
				// This field and at least one more: too many. Counted
				// only now, so that a good record is read in one pass.
				return r.tooManyFields(len(r.vals) + strings.Count(line[j:], ",") + 1)
			}
			r.vals = append(r.vals, fieldRef{base, at + j, at + j + i})
			j += i + 1
		}
	}
	r.plain = false
	return r.quoted(line, off)
}

// quoted reads a record with quotes, which starts with line, read at off.
func (r *csvReader) quoted(line string, off int) error {
	r.rec = r.rec[:0]
	// line is ever a suffix of the line read, which ends at end in base.
	base, lineAt := r.base(line, off)
	end := lineAt + len(line)
	at := func() int { return end - len(line) }
	// The bytes of the fields that are substrings: with len(r.rec), the
	// record's size unquoted.
	sub := 0
	unquoted := false // whether a field is in rec
	var err error
fields:
	for {
		if len(line) == 0 || line[0] != '"' {
			// One pass for both bytes: fields are short, so a loop beats
			// two calls to strings.IndexByte.
			i := 0
			for ; i < len(line) && line[i] != ','; i++ {
				if line[i] == '"' {
					return r.errorf(len(r.vals)+1, ErrBareQuote)
				}
			}
			f := line[:i]
			if i == len(line) {
				i = -1
				f = trimEOL(f)
			}
			sub += len(f)
			r.vals = append(r.vals, fieldRef{base, at(), at() + len(f)})
			if len(r.vals) > r.maxFields {
				return r.tooManyFields(0)
			}
			if i < 0 {
				break fields
			}
			line = line[i+1:]
			continue
		}
		line = line[1:]
		if i := strings.IndexByte(line, '"'); i >= 0 && (i+1 == len(line) || line[i+1] != '"') {
			// Closed on its line with no doubled quote, as most quoted
			// fields are: a substring of the line.
			f := fieldRef{base, at(), at() + i}
			sub += i
			line = line[i+1:]
			switch {
			case len(line) > 0 && line[0] == ',':
				r.vals = append(r.vals, f)
				if len(r.vals) > r.maxFields {
					return r.tooManyFields(0)
				}
				line = line[1:]
				continue fields
			case len(trimEOL(line)) == 0:
				r.vals = append(r.vals, f)
				break fields
			}
			return r.errorf(len(r.vals)+1, ErrQuote)
		}
		start := len(r.rec)
		for {
			i := strings.IndexByte(line, '"')
			if i >= 0 {
				r.rec = append(r.rec, line[:i]...)
				line = line[i+1:]
				switch {
				case len(line) > 0 && line[0] == '"':
					r.rec = append(r.rec, '"')
					line = line[1:]
				case len(line) > 0 && line[0] == ',':
					r.vals = append(r.vals, fieldRef{pending, start, len(r.rec)})
					unquoted = true
					if len(r.vals) > r.maxFields {
						return r.tooManyFields(0)
					}
					line = line[1:]
					continue fields
				case len(trimEOL(line)) == 0:
					r.vals = append(r.vals, fieldRef{pending, start, len(r.rec)})
					unquoted = true
					break fields
				default:
					return r.errorf(len(r.vals)+1, ErrQuote)
				}
				continue
			}
			// The quoted field goes on past this line: keep the line's
			// terminator as part of the value, as RFC 4180 says.
			r.rec = append(r.rec, line...)
			if sub+len(r.rec) > r.max {
				return r.errorf(len(r.vals)+1, ErrRecordTooLong)
			}
			r.keepChunk()
			if line, off, err = r.readLine(); err != nil {
				if err == io.EOF {
					return r.errorf(len(r.vals)+1, ErrUnterminatedQuote)
				}
				return err
			}
			base, lineAt = r.base(line, off)
			end = lineAt + len(line)
		}
	}
	if sub+len(r.rec) > r.max {
		return r.errorf(0, ErrRecordTooLong)
	}
	if unquoted {
		at := r.arena.add(r.rec)
		for i, v := range r.vals {
			if v.base == pending {
				r.vals[i] = fieldRef{arenaBase, at + v.start, at + v.end}
			}
		}
	}
	return nil
}

// keepChunk keeps the chunk that the fields read so far are in, which
// reading the next line may replace.
func (r *csvReader) keepChunk() {
	k := 0
	for i, v := range r.vals {
		if v.base == 0 {
			if k == 0 {
				r.bases = append(r.bases, r.chunk)
				k = len(r.bases)
			}
			r.vals[i].base = k
		}
	}
}

// tooManyFields reports a record with more than maxFields fields: n of
// them, or 0 when the count is not known because reading stopped.
func (r *csvReader) tooManyFields(n int) error {
	if r.row == 1 {
		if n > 0 {
			return &ParseError{Row: 1, Line: 1, Err: fmt.Errorf("%w: %d columns, more than %d", ErrHeader, n, r.maxFields)}
		}
		return &ParseError{Row: 1, Line: 1, Err: fmt.Errorf("%w: more than %d columns", ErrHeader, r.maxFields)}
	}
	if n > 0 {
		return r.errorf(0, fmt.Errorf("%w: %d, the header has %d", ErrFieldCount, n, r.maxFields))
	}
	return r.errorf(0, fmt.Errorf("%w: more than %d, the header has %d", ErrFieldCount, r.maxFields, r.maxFields))
}

func trimEOL(s string) string {
	if n := len(s); n > 0 && s[n-1] == '\n' {
		s = s[:n-1]
		if n > 1 && s[n-2] == '\r' {
			s = s[:n-2]
		}
	}
	return s
}
