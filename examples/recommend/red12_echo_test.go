package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// TestRed12NoEchoOfCustomerValues (red12): a signed-in customer, or an
// attacker holding a session, sends events whose item ID, event type or
// properties carry identifying values in every place a message could quote
// them back: a property's name, a property's value, a nested member, a
// body that is not an object. No answer and no log line may carry the
// value or the customer's e-mail address.
func TestRed12NoEchoOfCustomerValues(t *testing.T) {
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
	var logs bytes.Buffer
	svc, err := newService(ctx, srv.Config(), sc.KeyARN, stored, sc.CampaignARN, sc.TrackingID, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	h := svc.handler()
	const email = "jane.doe@example.com"
	// secrets are the values that must appear in no answer and no log.
	secrets := []string{"jane.doe", "4111111111111111", "4111 1111 1111 1111", "912803456", "123-45-6789", "wJalrXUtnFEMI"}

	login := httptest.NewRecorder()
	h.ServeHTTP(login, httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(`{"email":"`+email+`"}`)))
	if login.Code != http.StatusOK {
		t.Fatalf("login = %d", login.Code)
	}
	cookie := login.Result().Cookies()[0]

	tests := []struct {
		name, body string
	}{
		{"e-mail as item ID", `{"itemId":"jane.doe@example.com","eventType":"view"}`},
		{"e-mail as event type", `{"itemId":"item-1","eventType":"jane.doe@example.com"}`},
		{"card as item ID", `{"itemId":"4111111111111111","eventType":"view"}`},
		{"e-mail as a property's name", `{"itemId":"item-1","eventType":"view","properties":{"jane.doe@example.com":"x"}}`},
		{"card as a property's name", `{"itemId":"item-1","eventType":"view","properties":{"4111 1111 1111 1111":1}}`},
		{"account number after its keyword", `{"itemId":"item-1","eventType":"view","properties":{"acct":"912803456"}}`},
		{"account number as a JSON number", `{"itemId":"item-1","eventType":"view","properties":{"acct":912803456}}`},
		{"SSN nested", `{"itemId":"item-1","eventType":"view","properties":{"a":{"ssn":"123-45-6789"}}}`},
		{"properties a bare string", `{"itemId":"item-1","eventType":"view","properties":"jane.doe@example.com"}`},
		{"properties an array", `{"itemId":"item-1","eventType":"view","properties":["jane.doe@example.com"]}`},
		{"secret key", `{"itemId":"item-1","eventType":"view","properties":{"aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}`},
		{"malformed body quoting the e-mail", `{"itemId":"jane.doe@example.com","eventType":`},
		{"unknown member", `{"itemId":"item-1","eventType":"view","jane.doe@example.com":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			req := httptest.NewRequest(http.MethodPost, "/events", strings.NewReader(tt.body))
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var echoed []string
			for _, s := range secrets {
				if strings.Contains(rec.Body.String(), s) || strings.Contains(logs.String(), s) {
					echoed = append(echoed, s)
				}
				for k, v := range rec.Header() {
					if strings.Contains(k+strings.Join(v, ","), s) {
						echoed = append(echoed, s)
					}
				}
			}
			if diff := cmp.Diff([]string(nil), echoed); diff != "" {
				t.Errorf("status %d, values echoed (-want +got):\n%s\nanswer: %s\nlog: %s", rec.Code, diff, rec.Body.String(), logs.String())
			}
			if rec.Code/100 == 2 && tt.name != "unknown member" {
				t.Errorf("status %d for %s: an identifying value was sent", rec.Code, tt.name)
			}
		})
	}
}
