package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/datascan"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// fileResult is one file's or one S3 object's outcome, as the JSON output
// shows it.
type fileResult struct {
	File     string           `json:"file"`
	Report   *datascan.Report `json:"report,omitempty"`
	Findings *posture.Report  `json:"findings,omitempty"`
	// Error is set when the file could not be scanned; it names rows and
	// columns, never values.
	Error string `json:"error,omitempty"`
}

// sourceResult is one s3:// argument's outcome: its objects' reports
// merged (datascan.Merge), set only when every object was scanned.
type sourceResult struct {
	Source  string           `json:"source"`
	Objects int              `json:"objects"`
	Report  *datascan.Report `json:"report,omitempty"`
	Error   string           `json:"error,omitempty"`
}

type scanOutput struct {
	Files    []fileResult   `json:"files"`
	Sources  []sourceResult `json:"sources,omitempty"`
	Blocking bool           `json:"blocking"`
}

// target is one file or S3 object to scan.
type target struct {
	name   string
	size   int64 // 0 when unknown
	source int   // index in scanOutput.Sources; -1 for a file
	open   func(context.Context) (io.ReadCloser, error)
}

// defaultMaxKeys bounds the listing of one s3:// prefix: its keys are held
// in memory, about 200 bytes each, until the scan ends.
const defaultMaxKeys = 100_000

// defaultTimeout bounds each S3 call of scan, and each wait for an
// object's next bytes: the command's context has no deadline, and an
// endpoint that takes the connection and never answers must not hold the
// scan for ever.
const defaultTimeout = 30 * time.Second

const scanUsage = "Usage: personalizeguard scan [-format table|json] [-schema FILE] [-parallel N] [-max-keys N] [-timeout D] FILE|s3://BUCKET/KEY|s3://BUCKET/PREFIX/ ...\n\n" +
	"Scans Personalize dataset CSVs for identifying values. Exit status 1 when a column holds any.\n" +
	"An s3:// prefix (ending in /) is every object under it, as an import reads it; AWS credentials,\n" +
	"Region and endpoint come from the environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL,\n" +
	"AWS_CA_BUNDLE, ...), and an object that cannot be listed or read is an error (exit status 3), as is an S3\n" +
	"call not answered within -timeout or an object whose bytes stop coming for that long.\n\n"

func (c *command) scan(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	format := fs.String("format", "table", "output `format`: table or json")
	schemaFile := fs.String("schema", "", "the dataset's Avro schema `FILE` (default: roles from the header's names)")
	parallel := fs.Int("parallel", runtime.GOMAXPROCS(0), "`N` files or objects scanned at once")
	maxKeys := fs.Int("max-keys", defaultMaxKeys, "at most `N` keys listed under one s3:// prefix; a prefix with more is an error")
	timeout := fs.Duration("timeout", defaultTimeout, "an S3 call not answered, or an object's bytes stalled, for `D` is an error")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), scanUsage)
		fs.PrintDefaults()
	}
	if code, done := c.parse(fs, args); done {
		return code
	}
	switch {
	case *format != "table" && *format != "json":
		return c.usageError(fs, "-format must be table or json")
	case fs.NArg() == 0:
		return c.usageError(fs, "no FILE to scan")
	case *parallel < 1:
		return c.usageError(fs, "-parallel must be at least 1")
	case *maxKeys < 1:
		return c.usageError(fs, "-max-keys must be at least 1")
	case *timeout <= 0:
		return c.usageError(fs, "-timeout must be positive")
	}
	// Every argument is parsed before anything is read.
	var locs []s3guard.Location
	for i, arg := range fs.Args() {
		if !strings.HasPrefix(arg, "s3://") {
			continue
		}
		loc, err := s3guard.ParseLocation(arg)
		if err != nil {
			return c.usageError(fs, "argument %d: %v", i+1, err)
		}
		locs = append(locs, loc)
	}
	schema, err := readSchema(*schemaFile)
	if err != nil {
		fmt.Fprintf(c.stderr, "personalizeguard scan: %s\n", printable(err.Error()))
		return exitError
	}

	out := scanOutput{Sources: make([]sourceResult, 0, len(locs))}
	var client *s3.Client
	if len(locs) > 0 {
		if client, err = c.newS3Client(ctx); err != nil {
			fmt.Fprintf(c.stderr, "personalizeguard scan: AWS configuration: %v\n", err)
			return exitError
		}
	}
	var targets []target
	for _, arg := range fs.Args() {
		if !strings.HasPrefix(arg, "s3://") {
			targets = append(targets, fileTarget(arg))
			continue
		}
		loc := locs[len(out.Sources)]
		src := sourceResult{Source: sourceName(loc)}
		objs, err := listS3(ctx, timedS3{client, *timeout}, loc, c.s3PageSize, *maxKeys)
		if err != nil {
			src.Error = src.Source + ": " + err.Error()
		}
		src.Objects = len(objs)
		for j, o := range objs {
			name := src.Source // the object named: shown as its source is
			if loc.IsPrefix() {
				name = s3guard.ObjectName(loc.Bucket, o.key, j, nil)
			}
			targets = append(targets, target{name: name, size: o.size, source: len(out.Sources),
				open: func(ctx context.Context) (io.ReadCloser, error) { return openS3(ctx, client, loc.Bucket, o, *timeout) }})
		}
		out.Sources = append(out.Sources, src)
	}

	out.Files = c.scanTargets(ctx, targets, schema, *parallel)
	out.Sources = mergeSources(out.Sources, targets, out.Files)

	code := exitOK
	for _, r := range out.Files {
		switch {
		case r.Error != "":
			code = exitError
		case r.Report.Blocking():
			out.Blocking = true
			if code == exitOK {
				code = exitFindings
			}
		}
	}
	for _, s := range out.Sources {
		switch {
		case s.Error != "":
			code = exitError
		case s.Report.Blocking():
			// Objects that pass one by one can be blocking together:
			// cards split a few to an object (datascan.Merge).
			out.Blocking = true
			if code == exitOK {
				code = exitFindings
			}
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(c.stderr, "personalizeguard scan: %v\n", err)
			return exitError
		}
	} else {
		writeTable(c.stdout, out)
	}
	for _, r := range out.Files {
		if r.Error != "" {
			fmt.Fprintf(c.stderr, "personalizeguard scan: %s\n", r.Error)
		}
	}
	for _, s := range out.Sources {
		if s.Error != "" {
			fmt.Fprintf(c.stderr, "personalizeguard scan: %s\n", s.Error)
		}
	}
	return code
}

// scanTargets scans the targets on up to parallel goroutines, one progress
// line over all of them.
func (c *command) scanTargets(ctx context.Context, targets []target, schema *datascan.Schema, parallel int) []fileResult {
	results := make([]fileResult, len(targets))
	sizes := make([]int64, len(targets))
	for i, t := range targets {
		sizes[i] = t.size
	}
	prog := c.newProgress(sizes)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = scanTarget(ctx, t, schema, func(p datascan.Progress) { prog.update(i, p) })
		}()
	}
	wg.Wait()
	prog.done()
	return results
}

// mergeSources sets each source's merged report, or its error when an
// object of it was not scanned: a partial sum would look like a pass.
func mergeSources(sources []sourceResult, targets []target, results []fileResult) []sourceResult {
	parts := make([][]*datascan.Report, len(sources))
	failed := make([]int, len(sources))
	for i, t := range targets {
		if t.source < 0 {
			continue
		}
		if results[i].Error != "" {
			failed[t.source]++
			continue
		}
		parts[t.source] = append(parts[t.source], results[i].Report)
	}
	for i := range sources {
		s := &sources[i]
		switch {
		case s.Error != "":
		case failed[i] > 0:
			s.Error = fmt.Sprintf("%s: %d of %d objects not scanned (see their errors)", s.Source, failed[i], s.Objects)
		default:
			s.Report = datascan.Merge(s.Source, parts[i]...)
		}
	}
	return sources
}

func fileTarget(name string) target {
	shown := shownName(name)
	t := target{name: shown, source: -1, open: func(context.Context) (io.ReadCloser, error) {
		f, err := os.Open(name)
		return f, shownPathError(err, shown)
	}}
	if st, err := os.Stat(name); err == nil && st.Mode().IsRegular() {
		t.size = st.Size()
	}
	return t
}

// printable is a message as stderr shows it: a path it quotes may hold
// control characters (see shownName), escaped here as in Go strings.
func printable(msg string) string {
	if allPrintable(msg) {
		return msg
	}
	q := strconv.Quote(msg)
	return q[1 : len(q)-1]
}

// shownPathError is err with its path, when it is an *fs.PathError, shown
// as shownName shows it: the error is printed.
func shownPathError(err error, shown string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: shown, Err: pe.Err}
	}
	return err
}

// maskedSegment stands for a path segment that holds an identifying value.
const maskedSegment = "(a name that holds an identifying value)"

// shownName is a file name as the output shows it. A segment of the path
// in which the detector finds a value is masked, as a listed S3 key is
// (s3guard.ObjectName): exports are named after customers, and a name must
// not carry what a value must not. The name is then quoted when it holds
// what is not printable, as S3 keys are: names come from shell globs over
// directories others fill, and a terminal obeys the control sequences a
// name can hold.
func shownName(name string) string {
	det := sensitive.Default()
	var b strings.Builder
	masked := false
	for rest := name; ; {
		i := strings.IndexFunc(rest, func(r rune) bool { return r < utf8.RuneSelf && os.IsPathSeparator(uint8(r)) })
		seg, sep := rest, ""
		if i >= 0 {
			seg, sep = rest[:i], rest[i:i+1]
		}
		if _, found := det.First(seg); found {
			seg, masked = maskedSegment, true
		}
		b.WriteString(seg + sep)
		if i < 0 {
			break
		}
		rest = rest[i+1:]
	}
	if masked {
		name = b.String()
	} else if _, found := det.First(name); found {
		// A value across segments (4111/1111/1111/1111).
		name = maskedSegment
	}
	if !allPrintable(name) {
		return strconv.Quote(name)
	}
	return name
}

// sourceName is an s3:// argument as the output shows it: as a listed
// object is shown (s3guard.ObjectName), its key masked when the detector
// finds a value in it, as written or percent-decoded, and quoted when it
// is not printable.
func sourceName(loc s3guard.Location) string {
	switch {
	case loc.Key == "":
		return loc.String()
	case !loc.IsPrefix():
		return s3guard.ObjectName(loc.Bucket, loc.Key, -1, nil)
	}
	if _, found := s3guard.KeyFinding(loc.Key, sensitive.Default()); found {
		return "s3://" + loc.Bucket + "/(a prefix that holds an identifying value)/"
	}
	return s3guard.ObjectName(loc.Bucket, loc.Key, -1, nil)
}

// allPrintable reports whether s is valid UTF-8 with no character a
// terminal would not print as itself.
func allPrintable(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0
}

func readSchema(file string) (*datascan.Schema, error) {
	if file == "" {
		return nil, nil
	}
	shown := shownName(file)
	b, err := readSmall(file, maxSchemaFile)
	if err != nil {
		return nil, err
	}
	s, err := datascan.ParseSchema(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, err)
	}
	return s, nil
}

// Bounds of the small files the commands read whole: Personalize's schemas
// are at most 20,000 characters, a sealed key a few hundred bytes.
const (
	maxSchemaFile    = 1 << 20
	maxSealedKeyFile = 64 << 10
)

// readSmall reads a file that should be small, refusing one over max bytes
// after reading max+1 of them: a path to a dataset, or /dev/zero, given by
// mistake must not grow memory without bound. Its errors show the name as
// shownName does.
func readSmall(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, shownPathError(err, shownName(name))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, shownPathError(err, shownName(name))
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes; is it the right file?", shownName(name), max)
	}
	return b, nil
}

func scanTarget(ctx context.Context, t target, schema *datascan.Schema, progress func(datascan.Progress)) fileResult {
	res := fileResult{File: t.name}
	body, err := t.open(ctx)
	if err != nil {
		res.Error = err.Error()
		if t.source >= 0 {
			res.Error = t.name + ": " + res.Error // an os.PathError names the file itself
		}
		return res
	}
	defer body.Close()
	rep, err := datascan.Scan(ctx, body, func(o *datascan.Options) {
		o.Schema, o.Resource, o.Progress = schema, t.name, progress
	})
	if err != nil {
		res.Error = t.name + ": " + err.Error()
		return res
	}
	p := rep.Posture()
	res.Report, res.Findings = rep, &p
	return res
}

// writeTable prints each file's columns, then its findings, most serious
// first; then each S3 source's columns over all its objects.
func writeTable(w io.Writer, out scanOutput) {
	for i, r := range out.Files {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if r.Error != "" {
			fmt.Fprintf(w, "%s: not scanned (see the error)\n", r.File)
			continue
		}
		fmt.Fprintf(w, "%s: %d rows, %d bytes\n", r.File, r.Report.Rows, r.Report.Bytes)
		writeColumns(w, r.Report)
		if len(r.Findings.Findings) > 0 {
			fmt.Fprintln(w)
			r.Findings.WriteTable(w)
		}
	}
	for _, s := range out.Sources {
		if s.Objects == 1 && s.Report != nil {
			continue // its object's table says it all
		}
		fmt.Fprintln(w)
		if s.Report == nil {
			fmt.Fprintf(w, "%s: not scanned whole (see the error)\n", s.Source)
			continue
		}
		fmt.Fprintf(w, "%s: %d objects, %d rows, %d bytes, all objects together\n", s.Source, s.Objects, s.Report.Rows, s.Report.Bytes)
		writeColumns(w, s.Report)
	}
}

func writeColumns(w io.Writer, rep *datascan.Report) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "COLUMN\tROLE\tVALUES\tVERDICT\tKINDS\tFIRST AT (ROW)")
	for _, col := range rep.Columns {
		verdict := string(col.Verdict)
		switch {
		case col.Dropped:
			verdict = "dropped"
		case col.Pseudonymized:
			verdict = "pseudonymized"
		}
		kinds := make([]string, 0, len(col.Kinds))
		for _, k := range sortedKeys(col.Kinds) {
			kinds = append(kinds, fmt.Sprintf("%s:%d", k, col.Kinds[k]))
		}
		rows := make([]string, 0, len(col.Positions))
		for _, p := range col.Positions {
			rows = append(rows, fmt.Sprint(p.Row))
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", col.Name, col.Role, col.Values, verdict,
			dash(strings.Join(kinds, " ")), dash(strings.Join(rows, " ")))
	}
	tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
