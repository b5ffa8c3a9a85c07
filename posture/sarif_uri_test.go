package posture

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
)

// TestWriteSARIFPlaceholderStaysUnderAWS (review): a resource with dot
// segments made a placeholder URI that resolved to a file of the checkout
// ("aws/s3/b/../../../README.md" is README.md), so an alert could be pinned
// on any file. Each URI must stay under aws/ when resolved as RFC 3986 says,
// and also when a consumer percent-decodes it (once or more) and reads it as
// a file path, backslashes as separators.
func TestWriteSARIFPlaceholderStaysUnderAWS(t *testing.T) {
	for _, resource := range []string{
		"s3/other-bucket/../../../README.md",
		"s3://other-bucket/../../../README.md",
		"..", ".", "../README.md", "./README.md", "../", "...", ". .",
		"s3://b/./../x", "arn:aws:s3:::b/../../../README.md",
		"%2e%2e", "s3://b/%2e%2e/%2E%2E/%2e%2e/README.md", "s3://b/.%2e/.%2e/README.md",
		"s3://b/%252e%252e/%252e%252e/README.md",
		`s3://b/..\..\..\README.md`, `..\README.md`, `s3://b/x%5C..%5C..%5C..%5CREADME.md`,
		// Second review: a WHATWG parser drops tabs and line breaks.
		"s3://b/.\t./.\t./.\t./README.md", "s3://b/.\n./.\n./.\n./README.md", "s3://b/..\r/..\r/..\r/README.md",
		"s3://b/%2e%09%2e/%2e%09%2e/%2e%09%2e/README.md", "s3://b/%252e%2509%252e/%252e%2509%252e/%252e%2509%252e/README.md",
	} {
		t.Run(resource, func(t *testing.T) {
			r := Report{Findings: []Finding{{ID: "s3.x", Severity: High, Resource: resource, Message: "m"}}}
			loc := decodeSARIF(t, r).Runs[0].Results[0].Locations[0] // checks SARIF 2.1.0, uri a URI reference
			if problem := outsideAWS(loc.PhysicalLocation.ArtifactLocation.URI); problem != "" {
				t.Error(problem)
			}
			for _, l := range loc.LogicalLocations {
				if strings.Trim(l.Name, ". ") == "" && l.Name != "" || strings.ContainsAny(l.Name, `/\`) {
					t.Errorf("logical location name %q is a dot segment or a path", l.Name)
				}
				if l.FullyQualifiedName != resource {
					t.Errorf("logical location fullyQualifiedName = %q, want the resource", l.FullyQualifiedName)
				}
			}
		})
	}
}

// outsideAWS says how uri leads out of aws/ in a checkout, or returns "".
func outsideAWS(uri string) string {
	ref, err := url.Parse(uri)
	if err != nil || ref.IsAbs() {
		return fmt.Sprintf("uri %q is not a relative reference (%v)", uri, err)
	}
	base := &url.URL{Scheme: "file", Path: "/checkout/"}
	if got := base.ResolveReference(ref).Path; !strings.HasPrefix(got, "/checkout/aws/") {
		return fmt.Sprintf("uri %q resolves to %s, outside /checkout/aws/", uri, got)
	}
	decoded := uri
	whatwg := strings.NewReplacer("\t", "", "\n", "", "\r", "") // a WHATWG parser drops these
	for i := range 10 {
		p := path.Clean("/checkout/" + strings.ReplaceAll(whatwg.Replace(decoded), `\`, "/"))
		if p != "/checkout/aws" && !strings.HasPrefix(p, "/checkout/aws/") { // "aws//" cleans to aws itself
			return fmt.Sprintf("uri %q, percent-decoded %d times, is the path %s, outside /checkout/aws/", uri, i, p)
		}
		decoded = escape.ReplaceAllStringFunc(decoded, func(e string) string {
			b, _ := hex.DecodeString(e[1:])
			return string(b)
		})
	}
	return ""
}

// escape is a valid percent-escape; others stay as they are when decoded,
// as in WHATWG's percent-decode.
var escape = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)

// FuzzPlaceholderURI: whatever the resource, its placeholder URI is a
// relative reference that stays under aws/, read as RFC 3986 resolves it or
// percent-decoded as a file path.
func FuzzPlaceholderURI(f *testing.F) {
	for _, s := range []string{"data-bucket", "s3://b/imports/", keyARN, "..", "s3://b/../../README.md", "%2e%2e", `a\..\..`, "%252e%2", "%%2e2e", ".\t./x", "%2e%0a%2e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, resource string) {
		if resource == "" {
			return // "aws" itself: no resource, no path below it
		}
		if problem := outsideAWS(placeholderURI(resource)); problem != "" {
			t.Fatalf("resource %q: %s", resource, problem)
		}
	})
}
