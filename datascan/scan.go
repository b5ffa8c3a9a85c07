package datascan

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/personalizeguard/personalizeguard/internal/jsontext"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// Options configure Scan and Rewrite. Pass functions that set them, as the
// AWS SDK's clients take theirs.
type Options struct {
	// Schema gives each column its role. Nil means roles come from the
	// header's names: Personalize's reserved names (USER_ID, SESSION_ID,
	// ITEM_ID, ...) get theirs, every other column is RoleString.
	Schema *Schema

	// Detector finds identifying values in each cell. Nil means
	// sensitive.Default(). With caller rules, cells reach it as copies,
	// ordinary strings that a Rule's Validate may keep (each keeps the
	// 64 KiB block it was copied into in memory while it is kept). Bare
	// numbers that no built-in kind takes (up to 13 digits, negative) skip
	// the detector unless it has caller rules.
	Detector *sensitive.Detector

	// Resource names the input in findings ("s3://bucket/interactions.csv").
	Resource string

	// MaxPositions is how many positions each column keeps. Zero means 5.
	MaxPositions int

	// MaxRecordBytes bounds one record, so that memory stays constant
	// whatever the input; a longer record is an error. Zero means 1 MiB,
	// far above Personalize's own limits on a row.
	MaxRecordBytes int

	// Progress, if set, is called about every 4 MiB of input with the
	// bytes and rows read so far, from the goroutine that scans.
	Progress func(Progress)

	// Drop names columns that Rewrite leaves out of its output, such as
	// the ones Report.FlaggedColumns returns. Scan ignores it.
	Drop []string

	// Workers is how many goroutines make Rewrite's pseudonyms, which are
	// most of its work when users rarely repeat. Zero (or less) means GOMAXPROCS; 1
	// makes them on the calling goroutine. The output is the same whatever
	// the number. Scan ignores it.
	Workers int
}

// Progress is how far a scan has come.
type Progress struct {
	Bytes int64 // bytes read from the input
	Rows  int64 // data rows, the header not counted
}

const progressEvery = 4 << 20

// MaxColumns bounds the header, and with it the scanner's memory; Personalize's
// schemas have far fewer fields.
const MaxColumns = 1000

func options(optFns []func(*Options)) Options {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Detector == nil {
		o.Detector = sensitive.Default()
	}
	if o.MaxPositions <= 0 {
		o.MaxPositions = 5
	}
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = 1 << 20
	}
	return o
}

// Verdict is the scanner's judgement of a whole column.
type Verdict string

// Verdicts. Pseudonymize and Identifying are blocking.
const (
	// Clean: no identifying value.
	VerdictClean Verdict = "clean"
	// Chance: the only findings are bare numbers that pass the card checks
	// no more often than random numbers do (one in ten passes Luhn): a
	// column of numeric IDs, not of cards.
	VerdictChance Verdict = "chance"
	// Pseudonymize: a USER_ID or SESSION_ID column holds raw identifying
	// values (e-mail addresses, phones, cards, account numbers, ...).
	VerdictPseudonymize Verdict = "pseudonymize"
	// Identifying: any other column holds identifying values.
	VerdictIdentifying Verdict = "identifying"
)

// Blocking reports whether v should stop the data from being imported.
func (v Verdict) Blocking() bool { return v == VerdictPseudonymize || v == VerdictIdentifying }

// Position locates a finding: the row (the header is row 1) and the 1-based
// column. It never holds the value.
type Position struct {
	Row    int64          `json:"row"`
	Column int            `json:"column"`
	Kind   sensitive.Kind `json:"kind"`
}

// Column is the scanner's report on one column.
type Column struct {
	Index int    `json:"index"` // 1-based
	Name  string `json:"name"`
	Role  Role   `json:"role"`
	// Rows is the number of data rows scanned; Values the non-empty cells
	// among them.
	Rows   int64 `json:"rows"`
	Values int64 `json:"values"`
	// Kinds counts, per kind, the cells holding at least one finding of it.
	Kinds map[sensitive.Kind]int64 `json:"kinds,omitempty"`
	// Positions are the first findings, in the order met.
	Positions []Position `json:"positions,omitempty"`
	Verdict   Verdict    `json:"verdict"`
	// Dropped is set on the columns Rewrite left out, Pseudonymized on the
	// identifier columns it rewrote; it scans neither.
	Dropped       bool `json:"dropped,omitempty"`
	Pseudonymized bool `json:"pseudonymized,omitempty"`
	// CardCandidates is the number of cells that are a bare number of 14–19
	// digits, against which card findings in such cells are judged.
	CardCandidates int64 `json:"cardCandidates,omitempty"`
	// CardIssuerCandidates is the number of those with a card network's
	// prefix for their length, LongCards the number of card findings of
	// 17–19 digits: with them, [Merge] weighs the card findings of the
	// parts of a dataset together, as one scan of them all would.
	CardIssuerCandidates int64 `json:"cardIssuerCandidates,omitempty"`
	LongCards            int64 `json:"longCards,omitempty"`
}

// Report is the outcome of scanning one CSV.
type Report struct {
	Resource string   `json:"resource,omitempty"`
	Rows     int64    `json:"rows"` // data rows, the header not counted
	Bytes    int64    `json:"bytes"`
	Columns  []Column `json:"columns"`
}

// Blocking reports whether any column's verdict is blocking.
func (r *Report) Blocking() bool {
	for _, c := range r.Columns {
		if c.Verdict.Blocking() {
			return true
		}
	}
	return false
}

// FlaggedColumns returns the names of the columns that hold identifying
// values and can be dropped: the ones to pass to Options.Drop. USER_ID and
// SESSION_ID are not among them (Rewrite pseudonymises those), nor the
// RoleItem columns (ITEM_ID, ACTION_ID, IMPRESSION), which a dataset cannot
// do without: such IDs must be replaced with catalogue IDs at the source, and
// Rewrite refuses them.
func (r *Report) FlaggedColumns() []string {
	var names []string
	for _, c := range r.Columns {
		if c.Verdict == VerdictIdentifying && c.Role != RoleItem {
			names = append(names, c.Name)
		}
	}
	return names
}

// Posture returns the report as posture findings, one per column and kind,
// with IDs "datascan.identifier.<kind>" (a USER_ID or SESSION_ID column
// holding raw values), "datascan.column.<kind>" (any other column), both High
// or, for credentials, Critical, and "datascan.column.luhn-chance" (Info).
func (r *Report) Posture() posture.Report {
	p := posture.Report{Check: "datascan.csv", Resource: r.Resource, Findings: []posture.Finding{}}
	for _, c := range r.Columns {
		res := fmt.Sprintf("column %d (%s)", c.Index, c.Name)
		if r.Resource != "" {
			res = r.Resource + " " + res
		}
		if c.Verdict == VerdictChance {
			p.Add(posture.Finding{
				ID: "datascan.column.luhn-chance", Severity: posture.Info, Resource: res,
				Message: fmt.Sprintf("%d of %d bare 14–19-digit numbers pass the card checks, no more than chance: read as IDs, not cards",
					c.Kinds[sensitive.CreditCard], c.CardCandidates),
			})
			continue
		}
		if !c.Verdict.Blocking() {
			continue
		}
		for _, k := range sortedKinds(c.Kinds) {
			f := posture.Finding{Resource: res, Severity: posture.High}
			rows := firstRows(c.Positions, k)
			if c.Verdict == VerdictPseudonymize {
				f.ID = "datascan.identifier." + string(k)
				f.Message = fmt.Sprintf("the %s column holds raw %s values in %d of %d rows%s", c.Role, k, c.Kinds[k], c.Rows, rows)
				f.Remediation = "Replace the raw IDs with keyed pseudonyms before import (personalizeguard pseudonymize, or datascan.Rewrite) " +
					"and send the same pseudonyms from the event and recommendation clients (package pseudonym)."
			} else {
				f.ID = "datascan.column." + string(k)
				f.Message = fmt.Sprintf("holds %s values in %d of %d rows%s", k, c.Kinds[k], c.Rows, rows)
				f.Remediation = "Remove the column or the values before import (personalizeguard pseudonymize -drop-flagged): " +
					"Personalize keeps dataset columns and returns metadata with recommendations."
				if c.Role == RoleItem {
					f.Remediation = "Use catalogue IDs as item IDs: Personalize returns them in every recommendation."
				}
			}
			if k == sensitive.AWSAccessKey || k == sensitive.AWSSecretKey || k == sensitive.URLCredentials {
				// A leaked credential is worse wherever it sits, and
				// pseudonymising it would not revoke it.
				f.Severity = posture.Critical
				f.Remediation = "Rotate the credential now, then remove it from the data before import."
			}
			p.Add(f)
		}
	}
	return p
}

func sortedKinds(m map[sensitive.Kind]int64) []sensitive.Kind {
	ks := make([]sensitive.Kind, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func firstRows(ps []Position, k sensitive.Kind) string {
	var rows []string
	for _, p := range ps {
		if p.Kind == k {
			rows = append(rows, fmt.Sprint(p.Row))
		}
	}
	switch len(rows) {
	case 0:
		return ""
	case 1:
		return "; first at row " + rows[0]
	}
	return "; first at rows " + strings.Join(rows, ", ")
}

// colStats accumulates one column's findings.
type colStats struct {
	values    int64
	kinds     map[sensitive.Kind]int64
	positions []Position
	// Bare 14–19-digit cells, those of them that are a card as a whole,
	// and those of these that have 17–19 digits.
	cardCandidates, bareCards, longCards int64
	issuerCandidates                     int64 // card candidates with a card network's prefix for their length

	// clean holds the first few short values of a categorical column that
	// the detector found nothing in: such columns repeat a handful of
	// values, and the detector's answer for a value never changes.
	memo  bool
	clean []memoValue
	// keyword says that the column's name makes values identifying that
	// are not alone (an ACCOUNT_NUMBER column's digits): see namedCell.
	keyword bool
}

// memoValue is a value the detector found nothing in, with its first eight
// bytes as a word, so that most comparisons cost one.
type memoValue struct {
	head uint64
	s    string
}

// head returns b's first eight bytes as a word, zero-padded: with the
// length, it tells apart values of up to eight bytes.
func head(b []byte) uint64 {
	if len(b) >= 8 {
		return binary.LittleEndian.Uint64(b)
	}
	var w [8]byte
	copy(w[:], b)
	return binary.LittleEndian.Uint64(w[:])
}

const (
	memoValues = 16
	memoLen    = 32
)

func (c *colStats) known(b []byte) bool {
	if !c.memo || len(b) > memoLen {
		return false
	}
	h := head(b)
	for _, v := range c.clean {
		if v.head == h && len(v.s) == len(b) && (len(b) <= 8 || v.s == string(b)) {
			return true
		}
	}
	return false
}

func (c *colStats) remember(b []byte) {
	if c.memo && len(b) <= memoLen && len(c.clean) < memoValues {
		c.clean = append(c.clean, memoValue{head(b), string(b)})
	}
}

// scanner is the loop that Scan and Rewrite share.
type scanner struct {
	opts   Options
	r      *csvReader
	header []string
	roles  []Role
	cols   []colStats

	scratch []byte
	// arena makes the strings a detector with caller rules is given:
	// copies of cells, an allocation per 64 KiB of them (see detectorText).
	arena    arena
	findings []sensitive.Finding // a cell's findings, the list reused from cell to cell
	// counted holds the kinds counted for the cell at countedAt (row and
	// column), each once: reset by found, which most cells never call.
	counted   []sensitive.Kind
	countedAt [2]int64
	skip      []bool // columns Rewrite drops or pseudonymises, left unscanned
	issuers   issuerMemo
	// rules says that the detector has caller rules: the number shortcuts
	// stand for the built-in kinds only, so every cell goes to it.
	rules bool
}

func newScanner(src io.Reader, o Options) (*scanner, error) {
	s := &scanner{opts: o, r: newCSVReader(src, o.MaxRecordBytes), rules: o.Detector.HasRules()}
	if err := s.r.read(); err != nil {
		if err == io.EOF {
			return nil, &ParseError{Row: 1, Line: 1, Err: fmt.Errorf("%w: the input is empty", ErrHeader)}
		}
		return nil, s.ioError(err)
	}
	n := s.r.fields()
	if n > MaxColumns {
		return nil, &ParseError{Row: 1, Line: 1, Err: fmt.Errorf("%w: %d columns, more than %d", ErrHeader, n, MaxColumns)}
	}
	s.header = make([]string, n)
	for i := range n {
		name := string(s.r.field(i))
		if !avroName(name) {
			// The header may be missing and this a row of data: say where,
			// never what.
			return nil, &ParseError{Row: 1, Line: 1, Column: i + 1, Err: ErrHeader}
		}
		if j := slices.IndexFunc(s.header[:i], func(h string) bool { return strings.EqualFold(h, name) }); j >= 0 {
			// Names only by number: a row taken for the header may be data.
			return nil, &ParseError{Row: 1, Line: 1, Column: i + 1, Err: fmt.Errorf("%w: the name repeats column %d's", ErrHeader, j+1)}
		}
		if f, found := o.Detector.First(name); found {
			// An Avro name can still hold a value ("acct_912803456", a
			// column per account of a wide export), and names are written
			// into every report, finding and output: refused, by number.
			return nil, &ParseError{Row: 1, Line: 1, Column: i + 1, Err: fmt.Errorf("%w: the name holds an identifying value (%s)", ErrHeader, f.Kind)}
		}
		s.header[i] = name
	}
	roles, err := o.Schema.columns(s.header)
	if err != nil {
		return nil, err
	}
	if o.Schema == nil && !slices.ContainsFunc(roles, func(r Role) bool { return r == RoleUser || r == RoleItem }) {
		// Every Personalize dataset has a USER_ID, ITEM_ID or ACTION_ID.
		// Without one, the first row may be data whose values happen to
		// be Avro names ("jsmith,female"): reporting them as column names
		// would print the data.
		return nil, &ParseError{Row: 1, Line: 1, Err: fmt.Errorf("%w: no USER_ID, ITEM_ID or ACTION_ID column (is the header missing?)", ErrHeader)}
	}
	s.roles = roles
	s.r.maxFields = n
	s.cols = make([]colStats, n)
	for i, r := range roles {
		s.cols[i].memo = r == RoleEventType || r == RoleCategorical
		s.cols[i].keyword = keywordColumn(o.Detector, s.header[i])
	}
	return s, nil
}

func (s *scanner) ioError(err error) error {
	if _, ok := err.(*ParseError); ok {
		return err
	}
	return fmt.Errorf("datascan: reading row %d: %w", s.r.row, err)
}

// next reads and scans the next data row; it returns io.EOF after the last.
func (s *scanner) next() error {
	if err := s.r.read(); err != nil {
		if err == io.EOF {
			return err
		}
		return s.ioError(err)
	}
	if got, want := s.r.fields(), len(s.header); got != want {
		return &ParseError{Row: s.r.row, Line: s.r.start, Err: fmt.Errorf("%w: %d, the header has %d", ErrFieldCount, got, want)}
	}
	for i := range s.cols {
		if s.skip == nil || !s.skip[i] {
			s.cell(i, s.r.field(i))
		}
	}
	return nil
}

func (s *scanner) cell(col int, b []byte) {
	if len(b) == 0 {
		return
	}
	c := &s.cols[col]
	c.values++
	var digits int
	var bare bool
	if b0 := b[0]; b0-'0' <= 9 || b0 == '-' || b0 == '+' || b0 == '.' {
		// Most text starts with a letter: no call for an event type.
		digits, bare = bareNumber(b)
		if !bare && s.roles[col].number() {
			if point := s.decimalForms(c, b); point != noForms {
				s.numberForms(col, b, point)
			}
		}
	}
	if bare && b[0] != '-' && s.roles[col].number() {
		// Personalize stores a numeric field's value as the number it
		// reads: "+04111111111111111" is 4111111111111111, a card, and
		// 0123456789 in an SSN column the SSN 123456789, for the
		// keyword's read below too.
		b, digits = numberValue(b)
	}
	if c.keyword && jsontext.NameMatters(b) {
		// Then alone too: the read after the name leaves cards to the
		// column's judgement below.
		s.namedCell(c, col, b)
	}
	if bare {
		switch {
		case b[0] == '+':
			// An international phone number ("+442079460958"): the
			// detector's to judge.
		case b[0] == '-', digits <= 13:
			// The detector's documented limits: no kind takes a negative
			// number, nor a bare run of up to 13 digits (account IDs and
			// barcodes, not cards; SSNs and account numbers need a keyword,
			// phones a '+' or separators). TestBareNumberShortcuts holds
			// the detector to this. A caller rule may take any of them.
			if !s.rules {
				return
			}
		case digits <= 19:
			c.cardCandidates++
			issuer := s.issuers.cardIssuer(b)
			if issuer {
				c.issuerCandidates++
			}
			if digits >= 17 {
				if issuer {
					s.longNumber(c, col, b)
				}
				if !s.rules {
					return
				}
			}
		}
	}
	if c.known(b) {
		return
	}
	str := s.detectorText(b)
	f, ok := s.opts.Detector.First(str)
	if !ok {
		if !bare && s.markup(c, col, b) {
			return
		}
		c.remember(b)
		return
	}
	if bare {
		// One run of digits is one value at most, and Find would allocate.
		s.found(c, col, f.Kind, f.Kind == sensitive.CreditCard && f.Start == 0 && f.End == len(b) && b[0] != '+')
		return
	}
	s.findings = s.opts.Detector.AppendFind(s.findings[:0], str)
	s.foundKinds(c, col, b, 0, true)
	// The markup too: a policy that accepts one kind written plainly
	// (a support address) must still see another written in HTML.
	s.markup(c, col, b)
}

// numberForms scans, as cells of their own in the same row and column
// (counted as one value with b), the integers Personalize stores for b, a
// cell of a numeric field with a fraction or an exponent: 123456789.0 in an
// SSN column is the SSN 123456789, and 4539703692581473.99999999 the card
// ...474 once a float64 holds it (review of the import scan: both passed).
// They are read as the guards read a number that is data
// (jsontext.DataNumberForms); cell reads b as written after. point is
// decimalForms's answer: the usual decimal's integer part, b[:point], is
// its one form, read in place. Apart from cell, and not inlined: few cells
// come here.
//
//go:noinline
func (s *scanner) numberForms(col int, b []byte, point int) {
	if point >= 0 {
		s.cols[col].values-- // one cell, one value
		s.cell(col, b[:point])
		return
	}
	var buf [48]byte
	for _, form := range jsontext.DataNumberForms(string(bytes.TrimPrefix(b, []byte("+"))), &buf) {
		s.cols[col].values--
		s.cell(col, []byte(form))
	}
}

// noForms is decimalForms's answer for a cell with no form to read.
const noForms = -2

// decimalForms says which forms of b, a cell of a numeric field that is no
// bare integer, numberForms reads: noForms when none can be identifying (a
// price, a score, a time: no exponent, and an integer part too short for
// any kind the column may hold), the point's offset when the integer part
// before it is the one form (no exponent, fewer than sixteen significant
// digits, which a float64 keeps as written), -1 for all of
// jsontext.DataNumberForms (an exponent, or sixteen digits a float64 may
// round up to the next integer). An integer part needs six digits after a
// keyword or for a caller's rule (the shortest account number), fourteen
// otherwise (a card: shorter bare numbers are no kind's, see cell).
func (s *scanner) decimalForms(c *colStats, b []byte) int {
	point, intDigits, significant := -1, 0, 0
	for i, ch := range b {
		switch {
		case ch-'0' <= 9:
			if significant > 0 || ch != '0' {
				significant++
				if point < 0 {
					intDigits++
				}
			}
		case ch == '.':
			if point >= 0 {
				return noForms // a second point: no number
			}
			point = i
		case ch == 'e' || ch == 'E':
			return -1
		case ch == '+' || ch == '-':
		default:
			return noForms // no number
		}
	}
	switch {
	case point < 0:
		return noForms
	case significant >= 16:
		return -1
	case intDigits >= 14 || intDigits >= 6 && (c.keyword || s.rules):
		return point
	}
	return noForms
}

// foundKinds counts each kind of s.findings once for the cell b, which
// starts at offset at of the text they are in; findings that end before
// it (in a column's name) and, unless cards, card findings are left out.
// A card that is the whole cell is a bare card (see found). It returns the
// number of kinds counted.
func (s *scanner) foundKinds(c *colStats, col int, b []byte, at int, cards bool) int {
	seen := make([]sensitive.Kind, 0, 8)
	for _, f := range s.findings {
		if f.End <= at || !cards && f.Kind == sensitive.CreditCard || slices.Contains(seen, f.Kind) {
			continue
		}
		seen = append(seen, f.Kind)
		s.found(c, col, f.Kind, f.Kind == sensitive.CreditCard && f.Start == at && f.End == at+len(b) && b[0] != '+')
	}
	return len(seen)
}

// longNumber judges a bare 17–19-digit number with a card network's prefix
// (without one, the detector takes no number for a card: TestNoIssuerNoCard).
// The detector takes such a run for a card only after a card keyword,
// because one hashed ID in a hundred would pass; here the column decides
// instead, so the number is put after a keyword and counted as a bare card,
// which the verdict then weighs against chance. A column of 19-digit cards is
// found, one of hashed IDs not.
func (s *scanner) longNumber(c *colStats, col int, b []byte) {
	if !luhn(b) {
		return // nine numbers in ten; the detector would refuse them too
	}
	s.scratch = append(append(s.scratch[:0], "card "...), b...)
	f, ok := s.opts.Detector.First(s.detectorText(s.scratch))
	if ok && f.Kind == sensitive.CreditCard && f.Start == len("card ") && f.End == len(s.scratch) {
		c.longCards++
		s.found(c, col, sensitive.CreditCard, true)
	}
}

// namedCell scans b, a cell of a column whose name is a keyword (see
// keywordColumn), after that name, as the guards scan a value after the
// name it is sent under (jsontext.Named): in an ACCOUNT_NUMBER column,
// 912803456 is an account number, which the detector cannot know from the
// digits alone. Cards are left to the column's own judgement (long numbers
// put after a keyword, bare ones weighed against chance, below), which a
// column named CARD_ID of hashed IDs would otherwise escape: the cell is
// then scanned alone as any other, whatever this read found.
func (s *scanner) namedCell(c *colStats, col int, b []byte) {
	name := s.header[col]
	at := len(name) + len(jsontext.NameSep)
	s.scratch = append(append(append(s.scratch[:0], name...), jsontext.NameSep...), b...)
	s.findings = s.opts.Detector.AppendFind(s.findings[:0], s.detectorText(s.scratch))
	// And from each later run of digits, as the guards read a value after
	// its name (jsontext.EachNamed): the detector finds a keyword's number
	// only next to the keyword, and "gold 912803456" in an ACCOUNT_NUMBER
	// column is an account number too. Each kind counts once per cell.
	// (A view of b, not a copy: LaterDigitRuns keeps nothing of it.)
	for i, end := range jsontext.LaterDigitRuns(unsafe.String(unsafe.SliceData(b), len(b))) {
		s.scratch = append(append(append(s.scratch[:0], name...), jsontext.NameSep...), b[i:end]...)
		s.findings = s.opts.Detector.AppendFind(s.findings, s.detectorText(s.scratch))
	}
	// Not the name alone, which the header check read, nor cards.
	s.foundKinds(c, col, b, at, false)
}

// markup reads b again as the text it shows when it may be HTML (it holds
// '&' or '<'): its tags removed (those that break the text as line
// breaks), its entities decoded, as Personalize reads
// a textual field and as a browser shows any. Otherwise "john&#64;example.com"
// or a card's groups joined by "&nbsp;" would pass. It reports whether it
// found anything.
func (s *scanner) markup(c *colStats, col int, b []byte) bool {
	if bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, '<') < 0 {
		return false
	}
	text := stripTags(s.scratch[:0], b)
	s.scratch = text
	str := html.UnescapeString(string(text)) // a copy: a Rule may keep it
	s.findings = s.opts.Detector.AppendFind(s.findings[:0], str)
	// From -1: no finding is a bare card, since the cell as written is
	// not digits alone.
	return s.foundKinds(c, col, nil, -1, true) > 0
}

// stripTags appends b to dst without its tags and comments: a '<' that
// starts one (a letter, '/', '!' or '?' after it: HTML reads "<?" as a
// comment) up to the '>' that ends it (see tagEnd). A '<' of
// text, or one never closed, is kept. A tag that breaks the text as shown
// (a cell, an item, a line: see blockTag) is a line break: digits in four
// table cells are four numbers, not a card; an inline tag ("<b></b>")
// joins what it splits.
func stripTags(dst, b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '<')
		if i < 0 || i+1 == len(b) {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		b = b[i:]
		if c := b[1] | 0x20; (c < 'a' || c > 'z') && b[1] != '/' && b[1] != '!' && b[1] != '?' {
			dst = append(dst, '<')
			b = b[1:]
			continue
		}
		if n := commentEnd(b); n > 0 {
			b = b[n:]
			continue
		}
		j := tagEnd(b)
		if j < 0 {
			return append(dst, b...)
		}
		if blockTag(b[1:j]) {
			dst = append(dst, '\n')
		}
		b = b[j+1:]
	}
}

// tagEnd returns the index of the '>' that ends the tag b starts with, or
// -1: HTML's first '>' outside a quoted attribute value, so that
// "<b title=\">\">" hides no '">' in the text read. A quote opens a value
// only after an attribute's name and '=' (elsewhere it is part of a name
// or value); a declaration, "<?", or "</" before no letter ends at its
// first '>'. One never closed (a quote never closed) returns -1: the text
// is kept and read.
func tagEnd(b []byte) int {
	i := 1
	if b[1] == '/' {
		i = 2
	}
	if b[1] == '!' || b[1] == '?' || i == len(b) || b[i]|0x20 < 'a' || b[i]|0x20 > 'z' {
		return bytes.IndexByte(b, '>')
	}
	for i < len(b) && !htmlSpace(b[i]) && b[i] != '/' && b[i] != '>' {
		i++ // the tag's name
	}
	// HTML's tokenizer states, between attributes: before a name, in one,
	// after one, before a value, in an unquoted value. After a quoted
	// value it reads as before a name.
	const (
		before = iota
		name
		after
		value
		unquoted
	)
	st := before
	for ; i < len(b); i++ {
		c := b[i]
		if c == '>' {
			return i
		}
		switch st {
		case before:
			if !htmlSpace(c) && c != '/' {
				st = name // '=' too starts a name here
			}
		case name, after:
			switch {
			case c == '/':
				st = before
			case c == '=':
				st = value
			case htmlSpace(c):
				st = after
			default:
				st = name
			}
		case value:
			switch {
			case c == '"' || c == '\'':
				k := bytes.IndexByte(b[i+1:], c)
				if k < 0 {
					return -1
				}
				i, st = i+1+k, before
			case !htmlSpace(c):
				st = unquoted
			}
		case unquoted:
			if htmlSpace(c) {
				st = before
			}
		}
	}
	return -1
}

// htmlSpace reports whether c is HTML's ASCII whitespace.
func htmlSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// commentEnd returns the length of the comment b starts with, or 0: HTML
// ends "<!--" at "-->" or "--!>" (or at once, "<!-->", "<!--->"), not at
// its first '>', so "<!-- > -->" between a card's digits hides nothing. One
// never closed is read as a tag, so its text is read.
func commentEnd(b []byte) int {
	if !bytes.HasPrefix(b, []byte("<!--")) {
		return 0
	}
	switch r := b[4:]; {
	case bytes.HasPrefix(r, []byte(">")):
		return 5
	case bytes.HasPrefix(r, []byte("->")):
		return 6
	}
	for i := 4; i+2 < len(b); i++ {
		if b[i] != '-' || b[i+1] != '-' {
			continue
		}
		if b[i+2] == '>' {
			return i + 3
		}
		if i+3 < len(b) && b[i+2] == '!' && b[i+3] == '>' {
			return i + 4
		}
	}
	return 0
}

// blockTag reports whether the tag whose text (between '<' and '>') is t
// is one a browser shows as a break between what it splits: a line, a
// paragraph, a list item, a table cell or row, a block.
func blockTag(t []byte) bool {
	if len(t) > 0 && t[0] == '/' {
		t = t[1:]
	}
	n := 0
	for n < len(t) && (t[n]|0x20 >= 'a' && t[n]|0x20 <= 'z' || t[n] >= '0' && t[n] <= '9') {
		n++
	}
	// HTML's name runs to a blank, '/' or '>': "<p-x>" is a custom
	// element, shown inline, not a <p>.
	if n == 0 || n > 10 || n < len(t) && !htmlSpace(t[n]) && t[n] != '/' {
		return false
	}
	var name [10]byte
	for i := range n {
		name[i] = t[i] | 0x20 // digits keep theirs: '0'-'9' have the bit set
	}
	switch string(name[:n]) {
	case "br", "p", "div", "li", "td", "th", "tr", "table", "ul", "ol", "dl", "dd", "dt",
		"h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "blockquote", "section", "article",
		"header", "footer", "nav", "aside", "main", "address", "figure", "figcaption",
		"caption", "thead", "tbody", "tfoot", "option", "details", "summary":
		return true
	}
	return false
}

// keywordColumn reports whether a column's name is a keyword for the
// detector (sensitive.Detector.IsKeyword), asked once per column so that
// the columns of interactions (USER_ID, ITEM_ID, TIMESTAMP, ...) pay
// nothing per cell. A detector with caller rules, for which IsKeyword is
// always true, reads after their name the columns the built-in kinds would:
// its rules read every cell alone already.
func keywordColumn(d *sensitive.Detector, name string) bool {
	if d.HasRules() {
		d = sensitive.Default()
	}
	return d.IsKeyword(name)
}

func (s *scanner) found(c *colStats, col int, k sensitive.Kind, bareCard bool) {
	if at := [2]int64{s.r.row, int64(col)}; at != s.countedAt {
		s.counted, s.countedAt = s.counted[:0], at
	} else if slices.Contains(s.counted, k) {
		return // a keyword column's cell, read after its name and alone
	}
	s.counted = append(s.counted, k)
	if c.kinds == nil {
		c.kinds = map[sensitive.Kind]int64{}
	}
	c.kinds[k]++
	if bareCard {
		c.bareCards++
	}
	if len(c.positions) < s.opts.MaxPositions {
		c.positions = append(c.positions, Position{Row: s.r.row, Column: col + 1, Kind: k})
	}
}

// detectorText returns b, a cell in the read buffer, as the string the
// detector reads. A detector with caller rules gets a copy: a Rule's
// Validate is the caller's code and may keep what it is given, and the
// next record overwrites the buffer. The built-in kinds keep nothing — they
// answer with offsets, and a Detector holds no state between calls — so
// they read the buffer through a string view for the length of the call:
// copying every text cell instead cost BenchmarkScanItems 19% more
// instructions and 660 times the garbage (branch scan11, callgrind).
func (s *scanner) detectorText(b []byte) string {
	if s.rules {
		return s.arena.string(b)
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// luhn reports whether the digits of s pass the Luhn check, a necessary
// condition for a card that spares the detector nine numbers in ten.
func luhn[T string | []byte](s T) bool {
	// Two digits a step, the doubled one from a table: no branches.
	const doubled = "0246813579"
	sum := 0
	i := len(s) - 1
	for ; i >= 1; i -= 2 {
		sum += int(s[i]-'0') + int(doubled[s[i-1]-'0']-'0')
	}
	if i == 0 {
		sum += int(s[0] - '0')
	}
	return sum%10 == 0
}

// bareNumber reports whether b is a run of ASCII digits with an optional
// sign, and how many digits it has. It tests eight bytes at a time: numeric
// columns are most of an interactions file.
func bareNumber(b []byte) (digits int, ok bool) {
	i := 0
	if b[0] == '-' || b[0] == '+' {
		i = 1
	}
	d := b[i:]
	n := len(d)
	if n < 8 {
		if n == 0 {
			return 0, false
		}
		for _, c := range d {
			if c-'0' > 9 {
				return 0, false
			}
		}
		return n, true
	}
	// Whole words, then the last eight bytes, which may overlap the
	// words before: no byte loop whose length varies from cell to cell.
	for len(d) > 8 {
		if !digits8(binary.LittleEndian.Uint64(d)) {
			return 0, false
		}
		d = d[8:]
	}
	if !digits8(binary.LittleEndian.Uint64(b[len(b)-8:])) {
		return 0, false
	}
	return n, true
}

// numberValue returns the digits of b, a bare number that is not negative,
// without its '+' and leading zeros (one zero left of a zero), and their count.
func numberValue(b []byte) ([]byte, int) {
	if b[0] == '+' {
		b = b[1:]
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	return b, len(b)
}

// digits8 reports whether the eight bytes of x are all ASCII digits. A byte
// is a digit when its high nibble is 3 and adding 6 leaves it 3 (low nibble
// at most 9); no carry leaves a byte whose high nibble was 3.
func digits8(x uint64) bool {
	return x&0xf0f0f0f0f0f0f0f0 == 0x3030303030303030 && (x+0x0606060606060606)&0xf0f0f0f0f0f0f0f0 == 0x3030303030303030
}

// chance reports whether the column's card findings, all of them bare
// numbers, are no more than random IDs produce. Random IDs pass for cards
// only when they carry a card network's prefix for their length and pass
// Luhn, so the findings are weighed against the numbers with such a prefix,
// not against all of them: IDs outside every issuer range leave no room for
// hidden cards. A column where half or more
// of the numbers pass is cards. Cards the detector finds by itself (14–16
// digits) are cards unless there are enough numbers to weigh them; 17–19-digit
// numbers, which the detector takes for cards only after a keyword, are cards
// only when at least three pass and, when fewer than half pass, more than
// chance gives, however few the numbers.
func (c *colStats) chance() bool {
	k, n := c.bareCards, c.cardCandidates
	switch {
	case 2*k >= n:
		return c.longCards == k && k < 3
	case n < minChanceSample:
		// Few numbers: only long ones can be chance, and only as many as
		// chance gives (9 cards in 19 numbers are not luck).
		return c.longCards == k && (k < 3 || float64(k) <= chanceCards(c.issuerCandidates))
	}
	return float64(k) <= chanceCards(c.issuerCandidates)
}

// minChanceSample is the fewest bare numbers from which card findings are
// weighed against chance; below it, a card is a card.
const minChanceSample = 20

// chanceCards is the most card findings that n random bare numbers, each
// with a card network's prefix, would produce by luck: Luhn passes one
// number in ten of uniformly random digits; IDs are not quite uniform (one
// synthetic column of 84,000 such numbers passed at 10.4%), so the rate
// allowed is 12%, plus three standard deviations of the binomial.
func chanceCards(n int64) float64 {
	const p = 0.12
	return p*float64(n) + 3*math.Sqrt(p*(1-p)*float64(n)) + 1
}

func (s *scanner) report() *Report {
	r := &Report{Resource: s.opts.Resource, Rows: s.r.row - 1, Bytes: s.r.n, Columns: make([]Column, len(s.cols))}
	for i, c := range s.cols {
		col := Column{
			Index: i + 1, Name: s.header[i], Role: s.roles[i], Rows: r.Rows, Values: c.values,
			Kinds: c.kinds, Positions: c.positions, CardCandidates: c.cardCandidates, Verdict: VerdictClean,
			CardIssuerCandidates: c.issuerCandidates, LongCards: c.longCards,
		}
		switch {
		case len(c.kinds) == 0:
		case len(c.kinds) == 1 && c.bareCards > 0 && c.kinds[sensitive.CreditCard] == c.bareCards && c.chance():
			col.Verdict = VerdictChance
		case col.Role.Identifier():
			col.Verdict = VerdictPseudonymize
		default:
			col.Verdict = VerdictIdentifying
		}
		if s.skip != nil && s.skip[i] {
			col.Dropped, col.Pseudonymized = !col.Role.Identifier(), col.Role.Identifier()
		}
		r.Columns[i] = col
	}
	return r
}

// run reads every row, calling row (if not nil) after each one is scanned.
func (s *scanner) run(ctx context.Context, row func() error) error {
	next := int64(progressEvery)
	for {
		if s.r.n >= next {
			next = s.r.n + progressEvery
			if err := ctx.Err(); err != nil {
				return err
			}
			if s.opts.Progress != nil {
				s.opts.Progress(Progress{Bytes: s.r.n, Rows: s.r.row - 1})
			}
		}
		err := s.next()
		if err == io.EOF {
			if s.opts.Progress != nil {
				s.opts.Progress(Progress{Bytes: s.r.n, Rows: s.r.row - 1})
			}
			return ctx.Err()
		}
		if err != nil {
			return err
		}
		if row != nil {
			if err := row(); err != nil {
				return err
			}
		}
	}
}

// Scan reads a Personalize dataset CSV from src — a header row, then RFC 4180
// records — and reports, per column, the identifying values it holds and a
// verdict. Memory stays constant whatever src's size. Malformed input is a
// *ParseError naming the row; a header that does not match Options.Schema is a
// *SchemaError. Neither, nor the report, ever holds a value from the data.
// ctx is checked every 4 MiB of input; a Read that blocks is the reader's to
// end. A Scan shares nothing with others but the immutable detector, so files
// scan in parallel on as many goroutines as there are cores.
func Scan(ctx context.Context, src io.Reader, optFns ...func(*Options)) (*Report, error) {
	s, err := newScanner(src, options(optFns))
	if err != nil {
		return nil, err
	}
	if err := s.run(ctx, nil); err != nil {
		return nil, err
	}
	return s.report(), nil
}
