package posture

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
)

// SARIF constants. The schema URI is the one OASIS publishes for 2.1.0
// (errata 01), which GitHub code scanning and other consumers accept.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

	modulePath = "github.com/personalizeguard/personalizeguard"

	// fingerprintKey names the result fingerprint this package computes. It
	// is versioned, as SARIF recommends, so a change of recipe is a new key
	// rather than a silent change of identity: v1 hashed rule and resource
	// and counted occurrences in message order; v2 hashes the message too.
	fingerprintKey = "personalizeguard/v2"

	// placeholderDir is the directory, relative to the repository root, that
	// results point into when a resource maps to no file; see
	// [SARIFOptions.Artifact].
	placeholderDir = "aws"
)

// SARIFOptions configures [Report.WriteSARIF]. The zero value is ready to
// use.
type SARIFOptions struct {
	// ToolName is tool.driver.name, the name dashboards filter by.
	// Default "personalizeguard".
	ToolName string
	// ToolVersion is tool.driver.version. Default: this module's version
	// from the binary's build information, omitted when it has none (a
	// development build).
	ToolVersion string
	// InformationURI is tool.driver.informationUri, an absolute URI.
	// Default: the module's home page.
	InformationURI string
	// Category, if set, becomes run.automationDetails.id ("category/"), so
	// that several SARIF files for one commit (one per account or Region,
	// say) are tracked as separate analyses by GitHub code scanning.
	Category string
	// Artifact maps a finding's resource to the repository file that
	// declares it (a Terraform or CloudFormation template, say), as a path
	// relative to the repository root, and the line to point at (values
	// below 1 mean line 1).
	//
	// Findings are about AWS resources, not files, but GitHub code scanning
	// shows a result only if its first location has a physicalLocation. When
	// Artifact is nil or returns "", the result points at the placeholder
	// path "aws/<resource>", line 1: a stable relative path that names no
	// file in the repository (an ARN or s3:// URL would be an absolute URI,
	// which GitHub rejects when its scheme is not the checkout's). A
	// resource with a "." or ".." segment (an S3 key may have one), read
	// as it is or percent-decoded, with '/' or '\' between segments, would
	// lead out of aws/; it gets "aws/sha256-<hash of the resource>" instead.
	// The resource itself is always in the location's logicalLocations.
	Artifact func(resource string) (uri string, line int)
}

// WriteSARIF writes r as a SARIF 2.1.0 log with one run, for code-scanning
// dashboards such as GitHub's.
//
// Each distinct finding ID is a rule (reportingDescriptor) and each finding a
// result. Rules are sorted by ID, results by descending severity, then ID,
// resource and message, so the same findings always give the same bytes.
// Results carry fingerprints (partialFingerprints.primaryLocationLineHash,
// which GitHub de-duplicates on, and fingerprints["personalizeguard/v2"]) of
// rule ID, resource and message, so an alert keeps its identity across runs
// while its severity or remediation changes, and a new finding never takes
// the identity (and so the dismissal) of another: a message that changes
// (a count in it, or a rewording) opens a new alert rather than hide one.
//
// Severities map to SARIF levels, and to the security-severity score GitHub
// reads from a rule's properties, as follows:
//
//	Severity  level    security-severity
//	Critical  error    9.5
//	High      error    8.0
//	Medium    warning  5.5
//	Low       note     2.0
//	Info      note     (none: not a security alert)
//
// A rule whose findings differ in severity takes the highest for its
// defaultConfiguration and security-severity; each result keeps its own
// level.
//
// The log holds only what the findings hold (IDs, resource names, messages,
// remediations, controls) and the options; never a data value. A finding
// that fails [Finding.Validate] is an error, and nothing is written.
func (r Report) WriteSARIF(w io.Writer, opts ...func(*SARIFOptions)) error {
	var o SARIFOptions
	for _, fn := range opts {
		fn(&o)
	}
	log, err := r.sarif(&o)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // messages quote policies; keep "<" and "&" readable
	return enc.Encode(log)
}

// sarifLevel is the SARIF level of s; the table is in [Report.WriteSARIF].
func sarifLevel(s Severity) string {
	switch {
	case s >= High:
		return "error"
	case s == Medium:
		return "warning"
	default:
		return "note"
	}
}

// securitySeverity is the CVSS-like score GitHub code scanning turns into its
// own critical (9.0 and over), high (7.0–8.9), medium (4.0–6.9) and low
// (0.1–3.9); each value sits inside its band rather than on an edge.
func securitySeverity(s Severity) string {
	switch s {
	case Critical:
		return "9.5"
	case High:
		return "8.0"
	case Medium:
		return "5.5"
	case Low:
		return "2.0"
	}
	return ""
}

func (r Report) sarif(o *SARIFOptions) (*sarifLog, error) {
	for i, f := range r.Findings {
		if err := f.Validate(); err != nil {
			return nil, fmt.Errorf("posture: SARIF: finding %d: %w", i, err)
		}
	}
	findings := slices.Clone(r.Findings)
	slices.SortFunc(findings, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(b.Severity, a.Severity),
			strings.Compare(a.ID, b.ID),
			strings.Compare(a.Resource, b.Resource),
			strings.Compare(a.Message, b.Message),
			strings.Compare(a.Remediation, b.Remediation),
			strings.Compare(a.Control, b.Control),
		)
	})

	rules, index := sarifRules(findings)
	results := make([]sarifResult, 0, len(findings))
	// Only exact duplicates (same rule, resource and message) are told apart
	// by their rank, and they are interchangeable.
	occurrence := make(map[[3]string]int)
	for _, f := range findings {
		resource := cmp.Or(f.Resource, r.Resource)
		key := [3]string{f.ID, resource, f.Message}
		occurrence[key]++
		results = append(results, sarifResultFor(f, resource, index[f.ID], occurrence[key], o))
	}

	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           cmp.Or(o.ToolName, "personalizeguard"),
			Version:        cmp.Or(o.ToolVersion, moduleVersion()),
			InformationURI: cmp.Or(o.InformationURI, "https://"+modulePath),
			Rules:          rules,
		}},
		Results: results,
	}
	if o.Category != "" {
		run.AutomationDetails = &sarifAutomation{ID: strings.TrimSuffix(o.Category, "/") + "/"}
	}
	if r.Check != "" || r.Resource != "" {
		run.Properties = &sarifRunProperties{Check: r.Check, Resource: r.Resource}
	}
	return &sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}, nil
}

// sarifRules returns one rule per distinct finding ID, sorted by ID, and each
// ID's index in that list. findings must be sorted with the most severe
// first, so the first finding of an ID carries the rule's severity.
func sarifRules(findings []Finding) ([]sarifRule, map[string]int) {
	type agg struct {
		severity     Severity
		remediations []string
		controls     []string
	}
	byID := make(map[string]*agg)
	var ids []string
	for _, f := range findings {
		a := byID[f.ID]
		if a == nil {
			a = &agg{severity: f.Severity}
			byID[f.ID] = a
			ids = append(ids, f.ID)
		}
		if f.Remediation != "" && !slices.Contains(a.remediations, f.Remediation) {
			a.remediations = append(a.remediations, f.Remediation)
		}
		if f.Control != "" && !slices.Contains(a.controls, f.Control) {
			a.controls = append(a.controls, f.Control)
		}
	}
	slices.Sort(ids)

	rules := make([]sarifRule, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		a := byID[id]
		slices.Sort(a.controls)
		title := ruleTitle(id)
		maps := ""
		if len(a.controls) > 0 {
			maps = " Maps to " + strings.Join(a.controls, ", ") + "."
		}
		// A rule's help should not change with the resources audited, so a
		// remediation goes here only when every finding of the rule shares
		// it; otherwise each result's message carries its own.
		help := "Each result's message ends with the remediation for its resource."
		switch len(a.remediations) {
		case 0:
			help = "No remediation is recorded for this finding; see the result's message."
		case 1:
			help = a.remediations[0]
		}
		rules[i] = sarifRule{
			ID:                   id,
			Name:                 id,
			ShortDescription:     sarifText{Text: title},
			FullDescription:      sarifText{Text: fmt.Sprintf("%s. Posture finding %s, severity %s.%s", title, id, a.severity, maps)},
			Help:                 sarifText{Text: help + maps},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(a.severity)},
			Properties: sarifRuleProperties{
				Tags:             append([]string{"security", "aws"}, a.controls...),
				SecuritySeverity: securitySeverity(a.severity),
				Severity:         a.severity.String(),
				Controls:         a.controls,
			},
		}
		index[id] = i
	}
	return rules, index
}

func sarifResultFor(f Finding, resource string, ruleIndex, occurrence int, o *SARIFOptions) sarifResult {
	msg := f.Message
	if f.Remediation != "" {
		// The first sentence is the alert's title; the fix follows it.
		msg += " Remediation: " + f.Remediation
	}
	uri, line := "", 0
	if o.Artifact != nil && resource != "" {
		uri, line = o.Artifact(resource)
	}
	if uri == "" {
		uri = placeholderURI(resource)
	}
	loc := sarifLocation{PhysicalLocation: &sarifPhysicalLocation{
		ArtifactLocation: sarifArtifactLocation{URI: uri},
		Region:           sarifRegion{StartLine: max(line, 1)},
	}}
	if resource != "" {
		loc.LogicalLocations = []sarifLogicalLocation{{
			Name:               resourceName(resource),
			FullyQualifiedName: resource,
			Kind:               "resource",
		}}
	}
	// The message is hashed because it is what tells two problems of one rule
	// and resource apart (the permission denied, the action missing); a rank
	// among them would move when another appears. Messages hold names, never
	// data values (Finding.Message), and the log prints them anyway.
	sum := sha256.Sum256([]byte(f.ID + "\x00" + resource + "\x00" + f.Message))
	hash := hex.EncodeToString(sum[:])
	return sarifResult{
		RuleID:    f.ID,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(f.Severity),
		Message:   sarifText{Text: msg},
		Locations: []sarifLocation{loc},
		// GitHub code scanning de-duplicates on primaryLocationLineHash only,
		// and computes one from the file's text when it is absent; there is
		// no text here, so give it one built from the rule, resource and
		// message, with the occurrence count as CodeQL does.
		PartialFingerprints: map[string]string{"primaryLocationLineHash": hash[:16] + ":" + strconv.Itoa(occurrence)},
		Fingerprints:        map[string]string{fingerprintKey: hash + ":" + strconv.Itoa(occurrence)},
		Properties:          sarifResultProperties{Severity: f.Severity.String(), Control: f.Control},
	}
}

// placeholderURI returns "aws/<resource>" as a relative URI reference: the
// s3:// scheme becomes a path segment, and characters a path cannot hold are
// escaped. It is never absolute, because GitHub rejects an upload whose
// absolute URIs use another scheme than its source root (file). It never
// leads out of aws/: a resource with a dot segment is named by its hash.
func placeholderURI(resource string) string {
	if resource == "" {
		return placeholderDir
	}
	p := resource
	if rest, ok := strings.CutPrefix(p, "s3://"); ok {
		p = "s3/" + rest
	}
	if hasDotSegment(p) {
		// Escaping the dots is not enough: uploaders percent-decode the URI
		// (codeql-action does) and WHATWG URLs read %2e%2e as "..".
		sum := sha256.Sum256([]byte(resource))
		return placeholderDir + "/sha256-" + hex.EncodeToString(sum[:16])
	}
	return (&url.URL{Path: placeholderDir + "/" + p}).EscapedPath()
}

// maxDecodings bounds how often hasDotSegment percent-decodes a path.
const maxDecodings = 8

// hasDotSegment reports whether path p has a segment of dots, as it is or
// after each of up to maxDecodings lenient percent-decodings, with '\' a
// separator as well as '/' (Windows). Spaces count as dots, since Windows
// drops trailing ones (".. " is ".."). A reading that holds a control
// character counts as one too: a WHATWG parser drops tabs and line breaks
// before it reads a path (".\t." is "..", review of the SARIF output). A
// path still decoding after that is taken to have one: fail closed.
func hasDotSegment(p string) bool {
	for range maxDecodings + 1 {
		if strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return true
		}
		for seg := range strings.FieldsFuncSeq(p, func(r rune) bool { return r == '/' || r == '\\' }) {
			if dotSegment(seg) {
				return true
			}
		}
		d := percentDecode(p)
		if d == p {
			return false
		}
		p = d
	}
	return true
}

// dotSegment reports whether seg is dots, and maybe spaces, only.
func dotSegment(seg string) bool {
	return strings.Contains(seg, ".") && strings.Trim(seg, ". ") == ""
}

// percentDecode decodes every valid %XX in s and leaves the rest as it is,
// as WHATWG's percent-decode does, so a stray '%' hides no later escape.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			h, _ := hex.DecodeString(s[i+1 : i+3])
			b = append(b, h[0])
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// resourceName is the last part of an ARN or S3 location, for
// logicalLocation.name: the key ID of a key ARN, the bucket of a bucket.
// A last part of dots is no name ("" leaves it out); the resource is in
// fullyQualifiedName either way.
func resourceName(resource string) string {
	s := strings.TrimRight(strings.TrimPrefix(resource, "s3://"), "/\\")
	if i := strings.LastIndexAny(s, ":/\\"); i >= 0 && i+1 < len(s) {
		s = s[i+1:]
	}
	if dotSegment(s) {
		return ""
	}
	return s
}

// titleWords spells service names and acronyms in finding IDs as AWS does.
var titleWords = map[string]string{
	"acl": "ACL", "acls": "ACLs", "arn": "ARN", "cloudtrail": "CloudTrail", "iam": "IAM",
	"kms": "KMS", "macie": "Macie", "mfa": "MFA", "personalize": "Personalize", "s3": "S3",
	"sse": "SSE", "sts": "STS", "tls": "TLS", "vpc": "VPC",
}

// ruleTitle turns a finding ID into a short title:
// "s3.tls-only-policy-missing" → "S3: TLS only policy missing".
func ruleTitle(id string) string {
	words := func(s string) string {
		w := strings.Split(s, "-")
		for i := range w {
			if t, ok := titleWords[w[i]]; ok {
				w[i] = t
			}
		}
		return strings.Join(w, " ")
	}
	service, rest, ok := strings.Cut(id, ".")
	if !ok || rest == "" {
		return words(id)
	}
	return words(service) + ": " + words(rest)
}

// moduleVersion is this module's version from the binary's build
// information, or "" for a development build.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	v := ""
	if bi.Main.Path == modulePath {
		v = bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == modulePath {
			v = d.Version
		}
	}
	if v == "(devel)" {
		return ""
	}
	return v
}

// The SARIF 2.1.0 subset this package writes; field order follows the
// specification so the output reads top-down.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool              sarifTool           `json:"tool"`
		AutomationDetails *sarifAutomation    `json:"automationDetails,omitempty"`
		Results           []sarifResult       `json:"results"`
		Properties        *sarifRunProperties `json:"properties,omitempty"`
	}
	sarifRunProperties struct {
		Check    string `json:"check,omitempty"`
		Resource string `json:"resource,omitempty"`
	}
	sarifAutomation struct {
		ID string `json:"id"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string              `json:"id"`
		Name                 string              `json:"name"`
		ShortDescription     sarifText           `json:"shortDescription"`
		FullDescription      sarifText           `json:"fullDescription"`
		Help                 sarifText           `json:"help"`
		DefaultConfiguration sarifConfiguration  `json:"defaultConfiguration"`
		Properties           sarifRuleProperties `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifRuleProperties struct {
		Tags             []string `json:"tags"`
		SecuritySeverity string   `json:"security-severity,omitempty"`
		Severity         string   `json:"severity"`
		Controls         []string `json:"controls,omitempty"`
	}
	sarifResult struct {
		RuleID              string                `json:"ruleId"`
		RuleIndex           int                   `json:"ruleIndex"`
		Level               string                `json:"level"`
		Message             sarifText             `json:"message"`
		Locations           []sarifLocation       `json:"locations"`
		PartialFingerprints map[string]string     `json:"partialFingerprints"`
		Fingerprints        map[string]string     `json:"fingerprints"`
		Properties          sarifResultProperties `json:"properties"`
	}
	sarifResultProperties struct {
		Severity string `json:"severity"`
		Control  string `json:"control,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           sarifRegion           `json:"region"`
	}
	sarifArtifactLocation struct {
		URI string `json:"uri"`
	}
	// sarifRegion is a whole line: a SARIF text region with a startLine
	// and no columns or endLine is that line, start to end.
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogicalLocation struct {
		Name               string `json:"name,omitempty"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
)
