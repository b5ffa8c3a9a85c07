package datascan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

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
// A Read or Write that blocks is src's or dst's to end: Rewrite does not
// return while a Write to dst may still be running, so give them deadlines
// of their own (os.File and net.Conn have SetDeadline) where that matters.
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
		if !drop[i] {
			w.kept = append(w.kept, i)
		}
	}
	if len(w.kept) == 0 {
		return nil, &SchemaError{Reason: "Options.Drop leaves no column"}
	}
	for i, r := range s.roles {
		if r.Identifier() {
			w.ids = append(w.ids, i)
		}
	}
	w.whole = len(w.kept) == len(s.header) && len(w.kept) > 1
	w.blk = newBlock()
	for j, i := range w.kept {
		if j > 0 {
			w.blk.out = append(w.blk.out, ',')
		}
		w.blk.out = append(w.blk.out, s.header[i]...)
	}
	w.blk.out = append(w.blk.out, w.eol...)
	w.start(o.Workers)
	err = s.run(ctx, w.row)
	if err == nil {
		err = w.flush()
	}
	if err != nil {
		w.discard.Store(true)
	}
	if werr := w.stop(); err == nil || errors.Is(err, errStopped) {
		err = werr
	}
	if err != nil {
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

// A rewrite reads, checks and scans rows on the calling goroutine and
// copies them into blocks of about 64 KiB, leaving a gap where each
// identifier goes. The pseudonyms, an HMAC each and most of a rewrite's
// work when users rarely repeat, are made by Options.Workers goroutines,
// a block at a time, and the blocks are written in their order: on n free
// cores a rewrite runs at up to n times the pace of one, with the same
// output. At most 2×Workers+1 blocks exist at once, so memory stays
// constant.

const blockSize = 64 << 10

// idRef is an identifier cell of a block: where its pseudonym goes in out,
// and where its raw value is in ids.
type idRef struct {
	at, start, end int
	session        bool
	row            int64
	col            int
}

// block is a run of rows on its way to dst.
type block struct {
	out   []byte  // the rows, without their identifiers
	ids   []byte  // the raw identifiers, one after the other
	refs  []idRef // the identifiers, in order
	final []byte  // out with the pseudonyms put in, once done
	err   error
	done  chan struct{}
}

func newBlock() *block {
	return &block{out: make([]byte, 0, blockSize+4<<10), done: make(chan struct{}, 1)}
}

func (b *block) reset() {
	b.out, b.ids, b.refs, b.final, b.err = b.out[:0], b.ids[:0], b.refs[:0], b.final[:0], nil
}

// rewriter writes the rows that the scanner reads.
type rewriter struct {
	s    *scanner
	p    *pseudonym.Pseudonymizer
	dst  io.Writer
	eol  string
	kept []int // the columns written, in order
	ids  []int // the identifier columns, in order
	// whole says that every column is kept and there are at least two,
	// so that a plain record is written as read but for its identifiers.
	whole bool
	blk   *block

	// inline makes the pseudonyms on the calling goroutine (one worker).
	inline            bool
	users, sessions   *idCache // inline's caches
	work, order, free chan *block
	workers, writer   sync.WaitGroup
	failed            atomic.Bool // a worker or dst failed: stop reading
	writeErr          error       // the writer's first error, read after writer.Wait
	discard           atomic.Bool // the caller failed: write nothing more
}

// start starts n workers and the writer; n < 1 means GOMAXPROCS, and one
// worker pseudonymises inline.
func (w *rewriter) start(n int) {
	if n < 1 {
		n = runtime.GOMAXPROCS(0)
	}
	if n == 1 {
		w.inline = true
		w.users, w.sessions = w.caches()
		return
	}
	w.work, w.order, w.free = make(chan *block, n), make(chan *block, 2*n), make(chan *block, 2*n)
	for range 2 * n {
		b := newBlock()
		b.final = make([]byte, 0, 2*blockSize) // room for the pseudonyms
		w.free <- b
	}
	w.blk.final = make([]byte, 0, 2*blockSize)
	for range n {
		w.workers.Add(1)
		go w.worker()
	}
	w.writer.Add(1)
	go w.write()
}

// worker makes the pseudonyms of the blocks it is given, with caches of
// its own.
func (w *rewriter) worker() {
	defer w.workers.Done()
	users, sessions := w.caches()
	defer users.wipe()
	defer sessions.wipe()
	for b := range w.work {
		b.final, b.err = w.fill(b.final[:0], b, users, sessions)
		b.done <- struct{}{}
	}
}

// caches returns a pseudonym cache for each identifier role the output
// has; nil for the others.
func (w *rewriter) caches() (users, sessions *idCache) {
	for _, i := range w.kept {
		switch {
		case w.s.roles[i] == RoleUser && users == nil:
			users = newIDCache()
		case w.s.roles[i] == RoleSession && sessions == nil:
			sessions = newIDCache()
		}
	}
	return users, sessions
}

// fill appends b's rows with their pseudonyms to dst.
func (w *rewriter) fill(dst []byte, b *block, users, sessions *idCache) ([]byte, error) {
	prev := 0
	for _, r := range b.refs {
		dst = append(dst, b.out[prev:r.at]...)
		prev = r.at
		id := b.ids[r.start:r.end]
		var err error
		if r.session {
			dst, err = sessions.appendPseudonym(dst, id, w.p.AppendSessionIDBytes)
		} else {
			dst, err = users.appendPseudonym(dst, id, w.p.AppendUserIDBytes)
		}
		if err != nil {
			return dst, fmt.Errorf("datascan: row %d, column %d: %w", r.row, r.col+1, err)
		}
	}
	return append(dst, b.out[prev:]...), nil
}

// write writes the blocks in the order they were read, each once its
// pseudonyms are made, and hands them back to be filled again.
func (w *rewriter) write() {
	defer w.writer.Done()
	for b := range w.order {
		<-b.done
		switch {
		case w.writeErr != nil || w.discard.Load():
		case b.err != nil:
			w.writeErr = b.err
			w.failed.Store(true)
		default:
			if _, err := w.dst.Write(b.final); err != nil {
				w.writeErr = err
				w.failed.Store(true)
			}
		}
		b.reset()
		w.free <- b
	}
}

// flush sends the current block on its way.
func (w *rewriter) flush() error {
	b := w.blk
	if w.inline {
		_, err := w.dst.Write(b.out)
		b.reset()
		return err
	}
	if w.failed.Load() {
		return errStopped
	}
	w.order <- b
	w.work <- b
	w.blk = <-w.free
	return nil
}

// errStopped stands for the writer's error until stop returns it.
var errStopped = errors.New("datascan: rewrite stopped")

// stop waits for the workers and the writer and returns the first error
// they met. Once the caller failed, nothing more is written.
func (w *rewriter) stop() error {
	if w.inline {
		w.users.wipe()
		w.sessions.wipe()
		return nil
	}
	close(w.work)
	close(w.order)
	w.workers.Wait()
	w.writer.Wait()
	return w.writeErr
}

func (w *rewriter) row() error {
	b := w.blk
	if w.s.r.plain && w.whole {
		// Every column kept and nothing quoted: the record is written
		// as it was read but for its identifiers, so the bytes between
		// them are copied at once.
		body := w.s.r.body
		prev := 0
		for _, i := range w.ids {
			f := w.s.r.field(i)
			if len(f) == 0 {
				continue
			}
			at := cap(body) - cap(f) // f is a slice of body
			b.out = append(b.out, body[prev:at]...)
			prev = at + len(f)
			if err := w.identifier(i, f); err != nil {
				return err
			}
		}
		b.out = append(b.out, body[prev:]...)
		b.out = append(b.out, w.eol...)
		if len(b.out) >= blockSize {
			return w.flush()
		}
		return nil
	}
	for j, i := range w.kept {
		if j > 0 {
			b.out = append(b.out, ',')
		}
		f := w.s.r.field(i)
		switch {
		case len(f) == 0:
			if len(w.kept) == 1 {
				b.out = append(b.out, `""`...) // a blank line would be no record at all to most readers
			}
		case w.s.roles[i].Identifier():
			if err := w.identifier(i, f); err != nil {
				return err
			}
		case w.s.r.plain:
			b.out = append(b.out, f...)
		default:
			b.out = appendField(b.out, f)
		}
	}
	b.out = append(b.out, w.eol...)
	if len(b.out) >= blockSize {
		return w.flush()
	}
	return nil
}

// identifier checks an identifier cell and leaves its place in the block.
func (w *rewriter) identifier(col int, f []byte) error {
	if len(f) >= pseudonym.MinLen && len(f) <= pseudonym.MaxLen && f[0] == 'p' {
		// A copy, in the scanner's arena: f is the read buffer.
		if info, err := pseudonym.Parse(w.s.arena.string(f)); err == nil {
			return &ParseError{Row: w.s.r.row, Line: w.s.r.start, Column: col + 1,
				Err: fmt.Errorf("%w (key version %d)", ErrPseudonym, info.KeyVersion)}
		}
	}
	b := w.blk
	if w.inline {
		// One worker: the pseudonym goes straight into the block.
		var err error
		if w.s.roles[col] == RoleSession {
			b.out, err = w.sessions.appendPseudonym(b.out, f, w.p.AppendSessionIDBytes)
		} else {
			b.out, err = w.users.appendPseudonym(b.out, f, w.p.AppendUserIDBytes)
		}
		if err != nil {
			return fmt.Errorf("datascan: row %d, column %d: %w", w.s.r.row, col+1, err)
		}
		return nil
	}
	start := len(b.ids)
	b.ids = append(b.ids, f...)
	b.refs = append(b.refs, idRef{at: len(b.out), start: start, end: len(b.ids), session: w.s.roles[col] == RoleSession, row: w.s.r.row, col: col})
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
