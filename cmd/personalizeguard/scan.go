package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/personalizeguard/personalizeguard/datascan"
	"github.com/personalizeguard/personalizeguard/posture"
)

// fileResult is one file's outcome, as the JSON output shows it.
type fileResult struct {
	File     string           `json:"file"`
	Report   *datascan.Report `json:"report,omitempty"`
	Findings *posture.Report  `json:"findings,omitempty"`
	// Error is set when the file could not be scanned; it names rows and
	// columns, never values.
	Error string `json:"error,omitempty"`
}

type scanOutput struct {
	Files    []fileResult `json:"files"`
	Blocking bool         `json:"blocking"`
}

func (c *command) scan(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	format := fs.String("format", "table", "output `format`: table or json")
	schemaFile := fs.String("schema", "", "the dataset's Avro schema `FILE` (default: roles from the header's names)")
	parallel := fs.Int("parallel", runtime.GOMAXPROCS(0), "`N` files scanned at once")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: personalizeguard scan [-format table|json] [-schema FILE] [-parallel N] FILE...\n\n"+
			"Scans Personalize dataset CSVs for identifying values. Exit status 1 when a column holds any.\n\n")
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
	}
	for _, name := range fs.Args() {
		if strings.HasPrefix(name, "s3://") {
			return c.usageError(fs, "s3:// sources are not supported yet; copy the objects locally (aws s3 cp) and scan the files")
		}
	}
	schema, err := readSchema(*schemaFile)
	if err != nil {
		fmt.Fprintf(c.stderr, "personalizeguard scan: %v\n", err)
		return exitError
	}

	files := fs.Args()
	results := make([]fileResult, len(files))
	prog := c.newProgress(files)
	sem := make(chan struct{}, *parallel)
	var wg sync.WaitGroup
	for i, name := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = scanFile(ctx, name, schema, func(p datascan.Progress) { prog.update(i, p) })
		}()
	}
	wg.Wait()
	prog.done()

	out := scanOutput{Files: results}
	code := exitOK
	for _, r := range results {
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
	for _, r := range results {
		if r.Error != "" {
			fmt.Fprintf(c.stderr, "personalizeguard scan: %s\n", r.Error)
		}
	}
	return code
}

func readSchema(file string) (*datascan.Schema, error) {
	if file == "" {
		return nil, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s, err := datascan.ParseSchema(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

func scanFile(ctx context.Context, name string, schema *datascan.Schema, progress func(datascan.Progress)) fileResult {
	res := fileResult{File: name}
	f, err := os.Open(name)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer f.Close()
	rep, err := datascan.Scan(ctx, f, func(o *datascan.Options) {
		o.Schema, o.Resource, o.Progress = schema, name, progress
	})
	if err != nil {
		res.Error = name + ": " + err.Error()
		return res
	}
	p := rep.Posture()
	res.Report, res.Findings = rep, &p
	return res
}

// writeTable prints each file's columns, then its findings, most serious
// first.
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
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "COLUMN\tROLE\tVALUES\tVERDICT\tKINDS\tFIRST AT (ROW)")
		for _, col := range r.Report.Columns {
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
		if len(r.Findings.Findings) > 0 {
			fmt.Fprintln(w)
			r.Findings.WriteTable(w)
		}
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
