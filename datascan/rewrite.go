package datascan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unsafe"

	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// ErrPseudonym is wrapped by the *ParseError Rewrite returns for an
// identifier that is already a pseudonym: pseudonymising it again would give
// a pseudonym that no live event carries.
var ErrPseudonym = errors.New("already a pseudonym; rewriting it again would break the link with live events")

// RefusedError reports that Rewrite found identifying values in columns it
// would have kept as they are. The output written so far must be discarded.
// It names columns and kinds, never values.
type RefusedError struct {
	Columns []string // names of the refused columns, in header order
	Report  *Report  // the scan of the whole input
}

func (e *RefusedError) Error() string {
	var b strings.Builder
	b.WriteString("datascan: refused: ")
	for i, name := range e.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(name)
		for _, c := range e.Report.Columns {
			if c.Name != name {
				continue
			}
			kinds := make([]string, 0, len(c.Kinds))
			for _, k := range sortedKinds(c.Kinds) {
				kinds = append(kinds, string(k))
			}
			fmt.Fprintf(&b, " (%s)", strings.Join(kinds, ", "))
		}
	}
	if len(e.Columns) == 1 {
		b.WriteString(" holds")
	} else {
		b.WriteString(" hold")
	}
	b.WriteString(" identifying values; drop the columns (Options.Drop) or remove the values")
	return b.String()
}

// Rewrite copies the dataset CSV in src to dst with every non-empty USER_ID
// cell replaced by p.UserID of it and every SESSION_ID cell by p.SessionID,
// the pseudonyms that the guarded event and recommendation clients send, so
// that imported history and live events name the same users. Columns named in
// Options.Drop are left out. Other fields are copied as they are, quoted only
// where RFC 4180 needs it; records end as the input's header does ("\n" or
// "\r\n"); a byte order mark is not written. Empty identifiers stay empty:
// they mean "no user" or "no session".
//
// Rewrite scans every other kept cell as Scan does and returns the report of
// what it wrote: identifier columns are marked Pseudonymized, dropped ones
// Dropped, neither scanned. It fails closed: when a kept column that is not
// an identifier holds identifying values, it returns a *RefusedError once the
// input is read; an identifier that is already a pseudonym is a *ParseError
// wrapping ErrPseudonym; malformed CSV is a *ParseError. After any error, dst
// holds a partial or refused file: write to a temporary file and rename it
// only on success. Memory is constant; ctx is checked every 4 MiB of input.
func Rewrite(ctx context.Context, dst io.Writer, src io.Reader, p *pseudonym.Pseudonymizer, optFns ...func(*Options)) (*Report, error) {
	if p == nil {
		return nil, errors.New("datascan: Rewrite needs a *pseudonym.Pseudonymizer")
	}
	o := options(optFns)
	s, err := newScanner(src, o)
	if err != nil {
		return nil, err
	}
	drop := make([]bool, len(s.header))
	for _, name := range o.Drop {
		i := slices.IndexFunc(s.header, func(h string) bool { return strings.EqualFold(h, name) })
		if i < 0 {
			// A misspelt name would silently keep the column.
			return nil, &SchemaError{Reason: "Options.Drop names a column the header does not have"}
		}
		if s.roles[i].Identifier() {
			// Dropping USER_ID would import nothing Personalize can use.
			return nil, &SchemaError{Reason: "Options.Drop names an identifier column; Rewrite pseudonymises those"}
		}
		drop[i] = true
	}
	w := &rewriter{s: s, p: p, dst: dst, eol: "\n"}
	if s.r.crlf {
		w.eol = "\r\n"
	}
	// Identifier columns are not scanned: what is written there is a
	// pseudonym, which holds no identifying value.
	s.skip = make([]bool, len(drop))
	for i, r := range s.roles {
		s.skip[i] = drop[i] || r.Identifier()
		switch {
		case drop[i]:
			continue
		case r == RoleUser && w.users == nil:
			w.users = newIDCache()
			defer w.users.wipe()
		case r == RoleSession && w.sessions == nil:
			w.sessions = newIDCache()
			defer w.sessions.wipe()
		}
		w.kept = append(w.kept, i)
	}
	if len(w.kept) == 0 {
		return nil, &SchemaError{Reason: "Options.Drop leaves no column"}
	}
	for j, i := range w.kept {
		if j > 0 {
			w.out = append(w.out, ',')
		}
		w.out = append(w.out, s.header[i]...)
	}
	w.out = append(w.out, w.eol...)
	if err := s.run(ctx, w.row); err != nil {
		return nil, err
	}
	if _, err := dst.Write(w.out); err != nil {
		return nil, err
	}
	rep := s.report()
	var refused []string
	for _, c := range rep.Columns {
		if c.Verdict == VerdictIdentifying && !c.Dropped {
			refused = append(refused, c.Name)
		}
	}
	if len(refused) > 0 {
		return rep, &RefusedError{Columns: refused, Report: rep}
	}
	return rep, nil
}

// rewriter writes the rows that the scanner reads.
type rewriter struct {
	s               *scanner
	p               *pseudonym.Pseudonymizer
	dst             io.Writer
	eol             string
	kept            []int // the columns written, in order
	users, sessions *idCache
	out             []byte
}

func (w *rewriter) row() error {
	for j, i := range w.kept {
		if j > 0 {
			w.out = append(w.out, ',')
		}
		f := w.s.r.field(i)
		switch {
		case len(f) == 0:
			if len(w.kept) == 1 {
				w.out = append(w.out, `""`...) // a blank line would be no record at all to most readers
			}
		case w.s.roles[i].Identifier():
			if err := w.pseudonymize(i, f); err != nil {
				return err
			}
		case w.s.r.plain:
			w.out = append(w.out, f...)
		default:
			w.out = appendField(w.out, f)
		}
	}
	w.out = append(w.out, w.eol...)
	if len(w.out) >= 64<<10 {
		if _, err := w.dst.Write(w.out); err != nil {
			return err
		}
		w.out = w.out[:0]
	}
	return nil
}

func (w *rewriter) pseudonymize(col int, f []byte) error {
	id := unsafe.String(unsafe.SliceData(f), len(f)) // not kept by the pseudonymizer
	if len(id) >= pseudonym.MinLen && len(id) <= pseudonym.MaxLen && id[0] == 'p' {
		if info, err := pseudonym.Parse(id); err == nil {
			return &ParseError{Row: w.s.r.row, Line: w.s.r.start, Column: col + 1,
				Err: fmt.Errorf("%w (key version %d)", ErrPseudonym, info.KeyVersion)}
		}
	}
	var err error
	if w.s.roles[col] == RoleUser {
		w.out, err = w.users.appendPseudonym(w.out, f, w.p.AppendUserID, id)
	} else {
		w.out, err = w.sessions.appendPseudonym(w.out, f, w.p.AppendSessionID, id)
	}
	if err != nil {
		return fmt.Errorf("datascan: row %d, column %d: %w", w.s.r.row, col+1, err)
	}
	return nil
}

// appendField appends f to dst, quoted if it holds a comma, a quote or a
// line break.
func appendField(dst, f []byte) []byte {
	plain := true
	for _, c := range f {
		if c == ',' || c == '"' || c == '\r' || c == '\n' {
			plain = false
			break
		}
	}
	if plain {
		return append(dst, f...)
	}
	dst = append(dst, '"')
	for {
		i := bytes.IndexByte(f, '"')
		if i < 0 {
			break
		}
		dst = append(dst, f[:i+1]...)
		dst = append(dst, '"')
		f = f[i+1:]
	}
	dst = append(dst, f...)
	return append(dst, '"')
}
