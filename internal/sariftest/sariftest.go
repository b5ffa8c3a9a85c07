// Package sariftest checks SARIF logs against the required structure of the
// SARIF 2.1.0 schema and what GitHub code scanning requires, for the tests of
// every package that writes SARIF (posture, audit, the command).
package sariftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
)

// Check checks b against the required properties and enumerations of
// the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) for the objects
// posture.Report.WriteSARIF emits, and against what GitHub code scanning requires of them
// (a required property may not be the empty string there). It returns one
// line per problem, each with a JSON path.
func Check(b []byte) []string {
	var log map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&log); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	c := &sarifChecker{}
	c.str(log, "$", "$schema")
	if v, _ := log["version"].(string); v != "2.1.0" {
		c.fail("$.version = %v, want \"2.1.0\"", log["version"])
	}
	runs := c.array(log, "$", "runs")
	if len(runs) != 1 {
		c.fail("$.runs has %d runs, want 1", len(runs))
	}
	for i, r := range runs {
		c.run(r, fmt.Sprintf("$.runs[%d]", i))
	}
	return c.problems
}

type sarifChecker struct{ problems []string }

func (c *sarifChecker) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *sarifChecker) object(v any, path string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail("%s is %T, want an object", path, v)
	}
	return m
}

// member returns the object at m[key], failing if it is absent.
func (c *sarifChecker) member(m map[string]any, path, key string) map[string]any {
	v, ok := m[key]
	if !ok {
		c.fail("%s.%s is missing", path, key)
		return nil
	}
	return c.object(v, path+"."+key)
}

func (c *sarifChecker) array(m map[string]any, path, key string) []any {
	v, ok := m[key]
	if !ok {
		c.fail("%s.%s is missing", path, key)
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		c.fail("%s.%s is %T, want an array", path, key, v)
	}
	return a
}

// str returns the non-empty string at m[key], failing otherwise.
func (c *sarifChecker) str(m map[string]any, path, key string) string {
	s, ok := m[key].(string)
	if !ok || s == "" {
		c.fail("%s.%s = %#v, want a non-empty string", path, key, m[key])
	}
	return s
}

// optionalInt returns the integer at m[key] and whether it is there.
func (c *sarifChecker) optionalInt(m map[string]any, path, key string, min int64) (int64, bool) {
	v, ok := m[key]
	if !ok {
		return 0, false
	}
	n, err := v.(json.Number).Int64()
	if err != nil || n < min {
		c.fail("%s.%s = %v, want an integer >= %d", path, key, v, min)
	}
	return n, true
}

// text checks a message or multiformatMessageString: text is required.
func (c *sarifChecker) text(m map[string]any, path, key string) {
	if msg := c.member(m, path, key); msg != nil {
		c.str(msg, path+"."+key, "text")
	}
}

var sarifLevels = []string{"none", "note", "warning", "error"}

func (c *sarifChecker) level(m map[string]any, path string) {
	if v, ok := m["level"]; ok && !slices.Contains(sarifLevels, fmt.Sprint(v)) {
		c.fail("%s.level = %v, want one of %v", path, v, sarifLevels)
	}
}

func (c *sarifChecker) run(v any, path string) {
	run := c.object(v, path)
	if run == nil {
		return
	}
	driver := c.member(c.member(run, path, "tool"), path+".tool", "driver")
	dpath := path + ".tool.driver"
	if driver == nil {
		return
	}
	c.str(driver, dpath, "name")
	if u, ok := driver["informationUri"].(string); ok {
		if p, err := url.Parse(u); err != nil || !p.IsAbs() {
			c.fail("%s.informationUri = %q, want an absolute URI", dpath, u)
		}
	}
	rules := c.array(driver, dpath, "rules")
	ids := make(map[string]int)
	for i, r := range rules {
		rpath := fmt.Sprintf("%s.rules[%d]", dpath, i)
		rule := c.object(r, rpath)
		if rule == nil {
			continue
		}
		id := c.str(rule, rpath, "id")
		if _, dup := ids[id]; dup {
			c.fail("%s.id %q is not unique", rpath, id)
		}
		ids[id] = i
		// GitHub requires these three; the schema only their text.
		c.text(rule, rpath, "shortDescription")
		c.text(rule, rpath, "fullDescription")
		c.text(rule, rpath, "help")
		if dc, ok := rule["defaultConfiguration"]; ok {
			c.level(c.object(dc, rpath+".defaultConfiguration"), rpath+".defaultConfiguration")
		}
		if props, ok := rule["properties"].(map[string]any); ok {
			if s, ok := props["security-severity"]; ok {
				f, err := strconv.ParseFloat(fmt.Sprint(s), 64)
				if _, isString := s.(string); !isString || err != nil || f <= 0 || f > 10 {
					c.fail("%s.properties.security-severity = %#v, want a string score in (0, 10]", rpath, s)
				}
			}
		}
	}
	if ad, ok := run["automationDetails"]; ok {
		c.str(c.object(ad, path+".automationDetails"), path+".automationDetails", "id")
	}
	// A log that represents a scan must have results, if empty.
	for i, r := range c.array(run, path, "results") {
		c.result(r, fmt.Sprintf("%s.results[%d]", path, i), rules, ids)
	}
}

func (c *sarifChecker) result(v any, path string, rules []any, ids map[string]int) {
	res := c.object(v, path)
	if res == nil {
		return
	}
	c.text(res, path, "message")
	c.level(res, path)
	ruleID := c.str(res, path, "ruleId")
	if idx, ok := c.optionalInt(res, path, "ruleIndex", -1); ok {
		switch {
		case idx < 0 || idx >= int64(len(rules)):
			c.fail("%s.ruleIndex = %d, out of range for %d rules", path, idx, len(rules))
		case ids[ruleID] != int(idx):
			c.fail("%s.ruleIndex = %d names another rule than ruleId %q", path, idx, ruleID)
		}
	}
	if _, ok := ids[ruleID]; !ok {
		c.fail("%s.ruleId %q has no rule", path, ruleID)
	}
	locs := c.array(res, path, "locations")
	if len(locs) == 0 {
		c.fail("%s.locations is empty; GitHub shows a result only with a location", path)
	}
	for i, l := range locs {
		c.location(l, fmt.Sprintf("%s.locations[%d]", path, i))
	}
	for _, key := range []string{"partialFingerprints", "fingerprints"} {
		fps := c.member(res, path, key)
		if len(fps) == 0 {
			c.fail("%s.%s is empty", path, key)
		}
		for k, v := range fps {
			if s, ok := v.(string); !ok || s == "" {
				c.fail("%s.%s[%q] = %#v, want a non-empty string", path, key, k, v)
			}
		}
	}
}

func (c *sarifChecker) location(v any, path string) {
	loc := c.object(v, path)
	if loc == nil {
		return
	}
	// physicalLocation: the schema needs artifactLocation (or address);
	// GitHub needs artifactLocation.uri and region.startLine.
	phys := c.member(loc, path, "physicalLocation")
	ppath := path + ".physicalLocation"
	if phys != nil {
		if al := c.member(phys, ppath, "artifactLocation"); al != nil {
			if u := c.str(al, ppath+".artifactLocation", "uri"); u != "" {
				if _, err := url.Parse(u); err != nil {
					c.fail("%s.artifactLocation.uri = %q is not a URI reference: %v", ppath, u, err)
				}
			}
		}
		if region := c.member(phys, ppath, "region"); region != nil {
			if _, ok := c.optionalInt(region, ppath+".region", "startLine", 1); !ok {
				c.fail("%s.region.startLine is missing", ppath)
			}
		}
	}
	lls, ok := loc["logicalLocations"]
	if !ok {
		return
	}
	for i, ll := range lls.([]any) {
		lpath := fmt.Sprintf("%s.logicalLocations[%d]", path, i)
		l := c.object(ll, lpath)
		// No property of logicalLocation is required by the schema; one
		// without a name says nothing, and kind should be a well-known one.
		c.str(l, lpath, "fullyQualifiedName")
		if k := c.str(l, lpath, "kind"); k != "" && k != "resource" {
			c.fail("%s.kind = %q, want \"resource\"", lpath, k)
		}
	}
}
