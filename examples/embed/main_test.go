package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestEmbedDemo(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, nil); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		`-> 201 {"datasetGroupArn":"arn:aws:personalize:us-east-1:111122223333:dataset-group/movies-eu"}`,
		`-> 422 {"error":"request refused","field":"Name","reason":`,
		`"rule":"sensitive.account-number"}`,
		`"field":"Tags[0].TagValue"`,
		`"rule":"sensitive.email"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	// The answers and the service's log never carry the values; only the
	// demo's own request lines do.
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "POST ") {
			continue
		}
		if strings.Contains(line, "12345678") || strings.Contains(line, "jane.doe") {
			t.Errorf("line echoes a value: %s", line)
		}
	}
}
