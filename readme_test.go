package personalizeguard_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// goSources returns the text of every .go file in the module, split into
// non-test and test files, so that README names can be checked against them.
func goSources(t *testing.T) (code, tests map[string]string) {
	t.Helper()
	code, tests = map[string]string{}, map[string]string{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, "_test.go") {
			tests[path] = string(b)
		} else {
			code[path] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return code, tests
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func anyContains(files map[string]string, s string) bool {
	for _, text := range files {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// readmeSpans returns every `code span` of README.md and of the documents
// under docs/ it leads to, in order, once each.
func readmeSpans(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	var text []byte
	for _, name := range append([]string{"README.md"}, docs...) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		text = append(append(text, b...), '\n')
	}
	seen := map[string]bool{}
	var spans []string
	for _, m := range regexp.MustCompile("`([^`\n]+)`").FindAllStringSubmatch(string(text), -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			spans = append(spans, m[1])
		}
	}
	return spans
}

// TestReadmeNames checks that the rule IDs, middleware IDs, benchmark and test
// names, metric names, Policy fields and file paths README.md and docs/ name
// in code spans exist, so that the README cannot drift from the code unnoticed.
func TestReadmeNames(t *testing.T) {
	code, tests := goSources(t)
	spans := readmeSpans(t)

	kinds := map[string]bool{}
	for _, k := range []sensitive.Kind{sensitive.CreditCard, sensitive.SSN, sensitive.IBAN, sensitive.Email,
		sensitive.Phone, sensitive.AWSAccessKey, sensitive.AWSSecretKey, sensitive.AccountNumber, sensitive.URLCredentials} {
		kinds[string(k)] = true
	}
	// Rule and finding IDs built from a prefix and a detector kind.
	kindPrefixes := []string{"sensitive.", "datascan.identifier.", "datascan.column."}

	policyFields := map[string]bool{}
	for _, p := range []any{personalize.Policy{}, personalizeevents.Policy{}, personalizeruntime.Policy{}} {
		typ := reflect.TypeOf(p)
		for i := 0; i < typ.NumField(); i++ {
			policyFields[typ.Field(i).Name] = true
		}
	}

	ruleRE := regexp.MustCompile(`^(sensitive|transport|kms|s3|datascan|identity|model|audit|pseudonym)\.[a-z0-9.*-]+$`)
	guardIDRE := regexp.MustCompile(`^(?:PersonalizeGuard)?:([A-Z][A-Za-z]+)$`)
	funcRE := regexp.MustCompile(`\b((?:Benchmark|Test)[A-Z0-9][A-Za-z0-9_]*)`)
	pathRE := regexp.MustCompile(`^\.?[a-z0-9_./]+/[a-z0-9_.]+\.(?:go|golden)$|^\.ci/[a-z]+$`)
	metricRE := regexp.MustCompile(`^[a-zA-Z-]+/[a-z0-9-]+$`)

	var missing []string
	checked := 0
	for _, s := range spans {
		switch {
		case guardIDRE.MatchString(s):
			id := "PersonalizeGuard:" + guardIDRE.FindStringSubmatch(s)[1]
			checked++
			if !anyContains(code, `"`+id+`"`) {
				missing = append(missing, "middleware ID "+id)
			}
		case ruleRE.MatchString(s):
			checked++
			if strings.HasSuffix(s, "*") {
				if !anyContains(code, `"`+strings.TrimSuffix(s, "*")) {
					missing = append(missing, "rule prefix "+s)
				}
				continue
			}
			if anyContains(code, `"`+s+`"`) {
				continue
			}
			ok := false
			for _, p := range kindPrefixes {
				if rest, found := strings.CutPrefix(s, p); found && kinds[rest] {
					ok = true
				}
			}
			if !ok {
				missing = append(missing, "rule "+s)
			}
		case pathRE.MatchString(s):
			checked++
			paths := []string{s}
			if strings.HasPrefix(s, "testdata/") { // named under personalizeevents and personalizeruntime
				paths = []string{"personalizeevents/" + s, "personalizeruntime/" + s}
			}
			for _, p := range paths {
				if _, err := os.Stat(p); err != nil {
					missing = append(missing, "file "+p)
				}
			}
		case isDir(s):
			checked++ // a package path, such as internal/auditlog
		case metricRE.MatchString(s) && !strings.Contains(s, "."):
			checked++
			if !anyContains(code, `"`+s+`"`) && !anyContains(tests, `"`+s+`"`) {
				missing = append(missing, "metric "+s)
			}
		}
		for _, m := range funcRE.FindAllStringSubmatch(s, -1) {
			checked++
			if !anyContains(tests, "func "+m[1]+"(") {
				missing = append(missing, "test function "+m[1])
			}
		}
		for _, m := range regexp.MustCompile(`(?:^|Policy\.)(Insecure[A-Za-z0-9]+|Pseudonymizer|Detector|KMSKeyARN|RoleARN|KMSClient|S3Client|PersonalizeClient|ImportScanBytes|ImportScanObjects)$`).FindAllStringSubmatch(s, -1) {
			checked++
			if !policyFields[m[1]] {
				missing = append(missing, "Policy field "+m[1])
			}
		}
	}
	if checked < 100 {
		t.Errorf("checked only %d names in README.md; the extraction is broken", checked)
	}
	sort.Strings(missing)
	if diff := cmp.Diff([]string(nil), missing); diff != "" {
		t.Errorf("README.md names what the code does not have (-want +got):\n%s", diff)
	}
}

// TestDocsHaveNoConflictMarkers: a merge that leaves its markers in a
// Markdown file compiles and passes every other test (b81ac51 did).
func TestDocsHaveNoConflictMarkers(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			for _, m := range []string{"<<<<<<< ", "=======", ">>>>>>> "} {
				if strings.HasPrefix(line, m) && (m != "=======" || strings.TrimRight(line, "=") == "") && len(line) >= 7 {
					t.Errorf("%s:%d: a merge conflict marker", path, i+1)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
