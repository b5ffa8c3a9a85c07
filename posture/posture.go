// Package posture holds the result of a posture check: findings with stable
// IDs, severities and remediations, as returned by the kms and s3guard
// checks, datascan's reports and the account audit.
//
// A [Report] is data. The guard in package personalize turns a blocking report
// into a SafeguardError; tools print it with [Report.WriteTable], encode it as
// JSON with [Report.WriteJSON], or as SARIF for code-scanning dashboards with
// [Report.WriteSARIF]. Findings name resources (a bucket, a key ARN) and never
// data values.
package posture

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// Severity ranks a finding. The zero value is not a valid severity, so a
// Finding built without one is caught by [Finding.Validate].
type Severity int

// Severities, from advisory to blocking. The guard blocks on [Medium] and
// above; its Policy can only waive particular findings, by ID
// (InsecureIgnoreFindings).
const (
	Info Severity = iota + 1
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{Info: "info", Low: "low", Medium: "medium", High: "high", Critical: "critical"}

// String returns the lower-case name of s ("high"), or "Severity(n)".
func (s Severity) String() string {
	if s >= Info && s <= Critical {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// MarshalText encodes s by name so JSON reports stay readable and stable.
func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > Critical {
		return nil, fmt.Errorf("posture: invalid severity %d", int(s))
	}
	return []byte(severityNames[s]), nil
}

// UnmarshalText decodes a name written by MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	for v := Info; v <= Critical; v++ {
		if severityNames[v] == string(b) {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("posture: unknown severity %q", b)
}

// Finding is one observation of a check.
type Finding struct {
	// ID is stable across releases, e.g. "kms.key-disabled" or
	// "s3.tls-only-policy-missing"; tools and allow-lists key on it.
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Resource names what the finding is about: a bucket, a key ARN, an
	// object key. Never a data value.
	Resource string `json:"resource"`
	// Message says what is wrong, in one sentence. Never a data value.
	// SARIF fingerprints hash it with ID and Resource, so one problem
	// should keep its message from run to run.
	Message string `json:"message"`
	// Remediation says how to fix it, in one or two sentences.
	Remediation string `json:"remediation,omitempty"`
	// Control cites the industry control the finding maps to, if any
	// (e.g. "Security Hub S3.5").
	Control string `json:"control,omitempty"`
}

// Validate reports whether f is complete enough to be shown to a user.
func (f Finding) Validate() error {
	switch {
	case f.ID == "":
		return fmt.Errorf("posture: finding has no ID")
	case f.Severity < Info || f.Severity > Critical:
		return fmt.Errorf("posture: finding %s has invalid severity %d", f.ID, int(f.Severity))
	case f.Message == "":
		return fmt.Errorf("posture: finding %s has no message", f.ID)
	}
	return nil
}

// String returns "severity id resource: message".
func (f Finding) String() string {
	return fmt.Sprintf("%s %s %s: %s", f.Severity, f.ID, f.Resource, f.Message)
}

// Report is the outcome of one check of one resource.
type Report struct {
	// Check names the check that produced the report, e.g. "kms.key" or
	// "s3.bucket".
	Check string `json:"check"`
	// Resource is the key ARN, bucket or location that was checked.
	Resource string `json:"resource"`
	// Findings are in the order the check produced them.
	Findings []Finding `json:"findings"`
}

// Add appends findings to r.
func (r *Report) Add(f ...Finding) { r.Findings = append(r.Findings, f...) }

// Merge appends the findings of other to r.
func (r *Report) Merge(other Report) { r.Findings = append(r.Findings, other.Findings...) }

// Blocking returns the findings at or above min, in order. A min of zero
// means [Medium].
func (r Report) Blocking(min Severity) []Finding {
	if min == 0 {
		min = Medium
	}
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity >= min {
			out = append(out, f)
		}
	}
	return out
}

// Passed reports whether r has no finding at or above min (zero means [Medium]).
func (r Report) Passed(min Severity) bool {
	if min == 0 {
		min = Medium
	}
	for _, f := range r.Findings {
		if f.Severity >= min {
			return false
		}
	}
	return true
}

// Has reports whether r holds a finding with the given ID.
func (r Report) Has(id string) bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.ID == id })
}

// IDs returns the IDs of r's findings, in order; handy in tests and logs.
func (r Report) IDs() []string {
	ids := make([]string, len(r.Findings))
	for i, f := range r.Findings {
		ids[i] = f.ID
	}
	return ids
}

// Sorted returns a copy of r with findings ordered by descending severity,
// then ID, so the most serious problem reads first.
func (r Report) Sorted() Report {
	out := r
	out.Findings = slices.Clone(r.Findings)
	slices.SortStableFunc(out.Findings, func(a, b Finding) int {
		if a.Severity != b.Severity {
			return int(b.Severity - a.Severity)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// WriteTable writes r as an aligned text table, most serious finding first.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "SEVERITY\tID\tRESOURCE\tMESSAGE\n")
	for _, f := range r.Sorted().Findings {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Severity, f.ID, f.Resource, f.Message)
	}
	return tw.Flush()
}

// WriteJSON writes r as indented JSON; a report without findings has an
// empty "findings" list rather than null.
func (r Report) WriteJSON(w io.Writer) error {
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
