package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

func TestRecommendDemo(t *testing.T) {
	var out, stderr bytes.Buffer
	if code := run(context.Background(), &out, &stderr, nil); code != 0 || stderr.Len() != 0 {
		t.Fatalf("run = %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out.String(), stderr.String())
	}
	got := out.String()
	for _, want := range []string{
		`-> 200 {"status":"signed in"}`,
		// A customer new to the campaign gets the most popular items
		// (personalizetest.RecommendationsCSV) ...
		`-> 200 {"items":["item-1","item-2","item-3","item-4","item-7"]}`,
		"operation=PutEvents outcome=allowed safeguards=\"[model.fields-checked pseudonym.user-id pseudonym.session-id identity.caller-checked]\"",
		"  -> 204\n",
		// ... and after viewing item-7, item-8 first (users 5 and 6 have
		// both) and item-4 (user 5), item-7 left out: the event and the
		// request named the same pseudonym.
		`-> 200 {"items":["item-8","item-4","item-1","item-2","item-3"]}`,
		`-> 422 {"error":"request refused","field":"EventList[0].Properties",`,
		`"rule":"sensitive.credit-card"}`,
		"rule=sensitive.credit-card field=EventList[0].Properties",
		"Personalize received 3 requests: the customer as pu1_",
		"never the e-mail address, the session cookie or the card number.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if n := len(regexp.MustCompile(`operation=GetRecommendations outcome=allowed safeguards="\[model.fields-checked pseudonym.user-id identity.caller-checked\]"`).FindAllString(got, -1)); n != 2 {
		t.Errorf("%d GetRecommendations calls audited with the pseudonym, want 2:\n%s", n, got)
	}
	// The answers and the service's log never carry the values; only the
	// demo's own request lines do.
	noise := regexp.MustCompile(`(time|request_id|duration)=\S+`)
	for _, line := range strings.Split(got, "\n") {
		if strings.HasPrefix(line, "POST ") {
			continue
		}
		// A random request ID, time or duration may hold "4111" by chance.
		line := noise.ReplaceAllString(line, "")
		if strings.Contains(line, "jane.doe") || strings.Contains(line, "4111") {
			t.Errorf("line echoes a value: %s", line)
		}
	}
}

// TestRecommendNeedsSignIn: without a session the service answers 401 and
// calls nothing.
func TestRecommendNeedsSignIn(t *testing.T) {
	ctx := context.Background()
	srv := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	sc, err := srv.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := pseudonym.GenerateKey(ctx, kms.NewFromConfig(srv.Config()), sc.KeyARN, pseudonymKeyVersion)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := json.Marshal(sealed)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := newService(ctx, srv.Config(), sc.KeyARN, stored, sc.CampaignARN, sc.TrackingID, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	h := svc.handler()
	for _, tt := range []struct {
		method, path, body, cookie string
		reason                     string
	}{
		{http.MethodGet, "/recommendations", "", "", "no cookie"},
		{http.MethodPost, "/events", `{"itemId":"item-1","eventType":"view"}`, "", "no cookie"},
		{http.MethodGet, "/recommendations", "", "0123456789abcdef0123456789abcdef", "a session the service never issued"},
	} {
		req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
		if tt.cookie != "" {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: tt.cookie})
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s %s (%s) = %d, want 401", tt.method, tt.path, tt.reason, rec.Code)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the endpoint received %d requests from signed-out callers, want 0", n)
	}
}

// TestRecommendSealedKeyOfAnotherVersion: the service does not start with
// a sealed key of another version than the configured one.
func TestRecommendSealedKeyOfAnotherVersion(t *testing.T) {
	ctx := context.Background()
	srv := personalizetest.New(t)
	sc, err := srv.SeedScene(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := pseudonym.GenerateKey(ctx, kms.NewFromConfig(srv.Config()), sc.KeyARN, pseudonymKeyVersion+1)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := json.Marshal(sealed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newService(ctx, srv.Config(), sc.KeyARN, stored, "", "", slog.New(slog.DiscardHandler)); err == nil {
		t.Error("newService with a sealed key of version 2 succeeded, want an error")
	}
}

// TestRecommendCommandLine covers -h and the mistakes the command line can
// hold.
func TestRecommendCommandLine(t *testing.T) {
	usage := []string{
		"Usage: recommend [flags]",
		"Personalize only\never receives keyed pseudonyms",
		"none reads a PERSONALIZEGUARD_* variable",
		"-listen address", "Exit status: 0",
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
		reason     string
	}{
		{name: "-h", args: []string{"-h"}, wantCode: 0, wantStdout: usage,
			reason: "asking for help is not an error; the usage goes to stdout"},
		{name: "unknown flag", args: []string{"-port", "8080"}, wantCode: 2,
			wantStderr: append([]string{"flag provided but not defined: -port"}, usage...),
			reason:     "a mistake prints the error and the usage on stderr, exit status 2 as package flag does"},
		{name: "argument", args: []string{"127.0.0.1:8080"}, wantCode: 2, wantStderr: []string{"recommend takes no arguments, only flags (see -h)"},
			reason: "an address without -listen would otherwise run the demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), &stdout, &stderr, tt.args)
			if code != tt.wantCode {
				t.Errorf("run(%q) = %d, want %d (%s)\nstdout:\n%s\nstderr:\n%s", tt.args, code, tt.wantCode, tt.reason, stdout.String(), stderr.String())
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if len(tt.wantStdout) == 0 && stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}

// TestRecommendListenStopsOnInterrupt: with -listen the service serves
// until the context ends (an interrupt in main), then exits 0.
func TestRecommendListenStopsOnInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &cancelOnWrite{cancel: cancel}
	var stderr bytes.Buffer
	if code := run(ctx, stdout, &stderr, []string{"-listen", "127.0.0.1:0"}); code != 0 || stderr.Len() != 0 {
		t.Errorf("run -listen = %d, stderr %q; want 0 and nothing", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "interrupt to stop") {
		t.Errorf("stdout = %q, want the serving line", stdout.String())
	}
}

// cancelOnWrite records what is written and calls cancel on the first
// write that says the service is serving.
type cancelOnWrite struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("interrupt to stop")) {
		defer c.cancel()
	}
	return c.Buffer.Write(p)
}
