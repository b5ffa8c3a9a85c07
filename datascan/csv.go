package datascan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
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

// csvReader reads RFC 4180 records. Unlike encoding/csv it keeps a record's
// fields as offsets into one reused buffer (no strings, no allocation per
// record), bounds the record size so memory stays constant whatever the input,
// and refuses what encoding/csv would skip: a blank line is a record of one
// empty field, which the caller's field count then rejects.
type csvReader struct {
	br   *bufio.Reader
	long []byte // a line longer than br's buffer, assembled

	vals [][]byte // the fields of the current record
	// plain says that the record has no quote and no CR but its line
	// ending: its fields can be written back as they are.
	plain bool
	// body is a plain record's line without its terminator: its fields
	// are slices of it, separated by single commas.
	body []byte

	// A record with quotes is unquoted into rec, field i ending at ends[i].
	rec  []byte
	ends []int

	row   int64 // number of the current record (1-based)
	line  int64 // lines read so far
	start int64 // line on which the current record starts
	n     int64 // bytes read so far
	max   int
	// maxFields bounds the fields of a record, so that a record of commas
	// does not grow vals and ends to many times MaxRecordBytes: MaxColumns
	// for the header, the header's count for the rows.
	maxFields int

	crlf bool // whether the first record ended with "\r\n"
}

const readBufSize = 64 << 10

func newCSVReader(r io.Reader, maxRecord int) *csvReader {
	return &csvReader{br: bufio.NewReaderSize(r, readBufSize), max: maxRecord, maxFields: MaxColumns}
}

func (r *csvReader) fields() int { return len(r.vals) }

// field returns field i of the current record, valid until the next read.
func (r *csvReader) field(i int) []byte { return r.vals[i] }

func (r *csvReader) errorf(col int, err error) *ParseError {
	return &ParseError{Row: r.row, Line: r.start, Column: col, Err: err}
}

// readLine returns the next line with its terminator. The slice is valid
// until the next call.
func (r *csvReader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		r.long = append(r.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			if len(r.long) > r.max {
				r.n += int64(len(r.long))
				return nil, r.errorf(0, ErrRecordTooLong)
			}
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	r.n += int64(len(line))
	if err != nil && (err != io.EOF || len(line) == 0) {
		return nil, err
	}
	// A last line without "\n" is still a line. If it ends with "\r", that
	// is the "\r\n" of a file cut short, not part of the last field (as
	// encoding/csv reads it): kept, it would give the last USER_ID a
	// pseudonym that no live event carries.
	if err == io.EOF && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	r.line++
	if r.line == 1 {
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	}
	return line, nil
}

// read reads the next record. It returns io.EOF after the last one.
func (r *csvReader) read() error {
	r.start = r.line + 1
	r.row++
	line, err := r.readLine()
	if err != nil {
		if err == io.EOF {
			r.row--
		}
		return err
	}
	if r.row == 1 {
		r.crlf = bytes.HasSuffix(line, []byte("\r\n"))
	}
	r.vals = r.vals[:0]
	if bytes.IndexByte(line, '"') < 0 {
		// Most records quote nothing: their fields are slices of the
		// line, copied nowhere.
		line = trimEOL(line)
		if len(line) > r.max {
			return r.errorf(0, ErrRecordTooLong)
		}
		r.plain = bytes.IndexByte(line, '\r') < 0
		r.body = line
		for {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				r.vals = append(r.vals, line)
				return nil
			}
			if len(r.vals)+1 >= r.maxFields {
				// This field and at least one more: too many. Counted
				// only now, so that a good record is read in one pass.
				return r.tooManyFields(len(r.vals) + bytes.Count(line, []byte(",")) + 1)
			}
			r.vals = append(r.vals, line[:i])
			line = line[i+1:]
		}
	}
	r.rec, r.ends, r.plain = r.rec[:0], r.ends[:0], false

fields:
	for {
		if len(line) == 0 || line[0] != '"' {
			// One pass for both bytes: fields are short, so a loop beats
			// two calls to bytes.IndexByte.
			i := 0
			for ; i < len(line) && line[i] != ','; i++ {
				if line[i] == '"' {
					return r.errorf(len(r.ends)+1, ErrBareQuote)
				}
			}
			f := line[:i]
			if i == len(line) {
				i = -1
				f = trimEOL(f)
			}
			r.rec = append(r.rec, f...)
			r.ends = append(r.ends, len(r.rec))
			if len(r.ends) > r.maxFields {
				return r.tooManyFields(0)
			}
			if i < 0 {
				break fields
			}
			line = line[i+1:]
			continue
		}
		line = line[1:]
		for {
			i := bytes.IndexByte(line, '"')
			if i >= 0 {
				r.rec = append(r.rec, line[:i]...)
				line = line[i+1:]
				switch {
				case len(line) > 0 && line[0] == '"':
					r.rec = append(r.rec, '"')
					line = line[1:]
				case len(line) > 0 && line[0] == ',':
					r.ends = append(r.ends, len(r.rec))
					if len(r.ends) > r.maxFields {
						return r.tooManyFields(0)
					}
					line = line[1:]
					continue fields
				case len(trimEOL(line)) == 0:
					r.ends = append(r.ends, len(r.rec))
					break fields
				default:
					return r.errorf(len(r.ends)+1, ErrQuote)
				}
				continue
			}
			// The quoted field goes on past this line: keep the line's
			// terminator as part of the value, as RFC 4180 says.
			r.rec = append(r.rec, line...)
			if len(r.rec) > r.max {
				return r.errorf(len(r.ends)+1, ErrRecordTooLong)
			}
			if line, err = r.readLine(); err != nil {
				if err == io.EOF {
					return r.errorf(len(r.ends)+1, ErrUnterminatedQuote)
				}
				return err
			}
		}
	}
	if len(r.rec) > r.max {
		return r.errorf(0, ErrRecordTooLong)
	}
	start := 0
	for _, end := range r.ends {
		r.vals = append(r.vals, r.rec[start:end])
		start = end
	}
	return nil
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

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n > 1 && b[n-2] == '\r' {
			b = b[:n-2]
		}
	}
	return b
}
