// Command recommend is a shop's HTTP service that shows its signed-in
// customers recommendations and records what they view, through the guarded
// personalizeruntime and personalizeevents clients. The shop knows its
// customers by e-mail address and passes that address as the userId, and
// the login session as the sessionId; the guard sends both as keyed
// pseudonyms, so neither ever reaches Personalize. A request whose event
// properties carry a card number is refused and answered with a 422 that
// names the field and the rule, never the value.
//
// At start-up the service loads its pseudonym key with pseudonym.LoadKey
// from the sealed form that pseudonym.GenerateKey made under the KMS key: the
// plaintext key is never stored.
//
// It runs offline against personalizetest's embedded endpoints, whose scene
// holds a trained campaign and an event tracker. By default it runs a short
// demo: a customer signs in, gets recommendations, views an item, gets
// recommendations again (which the view changed), and sends an event the
// guard refuses; it prints each answer, then what the Personalize endpoint
// received, and exits. With -listen it keeps serving:
//
//	go run ./examples/recommend
//	go run ./examples/recommend -listen 127.0.0.1:8080
//	curl -c jar -d '{"email":"jane.doe@example.com"}' localhost:8080/login
//	curl -b jar localhost:8080/recommendations
//	curl -b jar -d '{"itemId":"item-7","eventType":"view"}' localhost:8080/events
//
// -h lists the flags. It exits 0 when the demo ran and nothing identifying
// reached the endpoint (or the server stopped on an interrupt), 2 when the
// flags are wrong, 1 otherwise.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	awspersonalizeevents "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	awspersonalizeruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/examples/internal/cli"
	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	os.Exit(code)
}

const usageText = `Usage: recommend [flags]

Runs a shop's HTTP service that shows signed-in customers recommendations
and records their views through Personalize Guard's data-plane clients, on
embedded endpoints. Customers are known by e-mail address; Personalize only
ever receives keyed pseudonyms. Without -listen it signs a customer in,
sends the service a few requests, prints the answers and exits.

Flags (none reads a PERSONALIZEGUARD_* variable; the service always uses the
embedded endpoints):
`

const usageFooter = `
Exit status: 0 when the demo ran and nothing identifying reached the
endpoint, or the server stopped on an interrupt; 2 when the flags are wrong,
1 otherwise.
`

// pseudonymKeyVersion is the configured version of the pseudonym key: a
// sealed key of another version does not load.
const pseudonymKeyVersion = 1

// service is the shop's recommendation service.
type service struct {
	runtime  *awspersonalizeruntime.Client
	events   *awspersonalizeevents.Client
	campaign string // campaign ARN
	tracking string // event tracker ID
	log      *slog.Logger
	ids      *pseudonym.Pseudonymizer // only for the demo to show what Personalize receives

	mu       sync.Mutex
	sessions map[string]string // session cookie → the customer's e-mail address
}

const sessionCookie = "session"

// login signs a customer in. A real shop checks a password; the demo takes
// the address.
func (s *service) login(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email string `json:"email"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12)).Decode(&req); err != nil || !strings.Contains(req.Email, "@") {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the body is not {\"email\": \"...\"}"})
		return
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "no session"})
		return
	}
	id := hex.EncodeToString(b)
	s.mu.Lock()
	s.sessions[id] = req.Email
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	writeJSON(w, http.StatusOK, map[string]string{"status": "signed in"})
}

// customer returns the signed-in customer's e-mail address and session, or
// answers 401.
func (s *service) customer(w http.ResponseWriter, r *http.Request) (email, session string, ok bool) {
	c, err := r.Cookie(sessionCookie)
	if err == nil {
		s.mu.Lock()
		email, ok = s.sessions[c.Value]
		s.mu.Unlock()
	}
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "sign in first (POST /login)"})
		return "", "", false
	}
	return email, c.Value, true
}

// recommendations answers the signed-in customer's recommendations. The
// code passes the e-mail address as it is; the guard sends its pseudonym.
func (s *service) recommendations(w http.ResponseWriter, r *http.Request) {
	email, _, ok := s.customer(w, r)
	if !ok {
		return
	}
	out, err := s.runtime.GetRecommendations(r.Context(), &awspersonalizeruntime.GetRecommendationsInput{
		CampaignArn: aws.String(s.campaign), UserId: aws.String(email), NumResults: 5})
	if err != nil {
		s.fail(w, err)
		return
	}
	items := make([]string, 0, len(out.ItemList))
	for _, it := range out.ItemList {
		items = append(items, aws.ToString(it.ItemId))
	}
	writeJSON(w, http.StatusOK, map[string][]string{"items": items})
}

type eventRequest struct {
	ItemID     string          `json:"itemId"`
	EventType  string          `json:"eventType"`
	Properties json.RawMessage `json:"properties,omitempty"`
}

// event records what the signed-in customer did, under the customer's and
// the session's pseudonyms.
func (s *service) event(w http.ResponseWriter, r *http.Request) {
	email, session, ok := s.customer(w, r)
	if !ok {
		return
	}
	var req eventRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12)).Decode(&req); err != nil || req.ItemID == "" || req.EventType == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the body is not {\"itemId\": ..., \"eventType\": ...}"})
		return
	}
	ev := eventstypes.Event{EventType: aws.String(req.EventType), ItemId: aws.String(req.ItemID), SentAt: aws.Time(time.Now())}
	if len(req.Properties) > 0 {
		ev.Properties = aws.String(string(req.Properties))
	}
	if _, err := s.events.PutEvents(r.Context(), &awspersonalizeevents.PutEventsInput{TrackingId: aws.String(s.tracking),
		UserId: aws.String(email), SessionId: aws.String(session), EventList: []eventstypes.Event{ev}}); err != nil {
		s.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// fail maps errors to answers. A SafeguardError is the caller's fault (422)
// and is safe to show: it names the field and the rule, never the value.
// Anything else is logged by code and answered with a generic 502, because
// AWS's own validation messages quote the rejected value.
func (s *service) fail(w http.ResponseWriter, err error) {
	var sg *personalizeevents.SafeguardError // the same type for both clients
	if errors.As(err, &sg) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "request refused", "field": sg.Field, "rule": sg.Rule, "reason": sg.Reason})
		return
	}
	code := "unknown"
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	s.log.Error("personalize call failed", "error_code", code)
	writeJSON(w, http.StatusBadGateway, map[string]string{"error": "Personalize call failed"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *service) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /recommendations", s.recommendations)
	mux.HandleFunc("POST /events", s.event)
	return mux
}

// run is the program: it returns the exit status.
func run(ctx context.Context, stdout, stderr io.Writer, args []string) int {
	fs := cli.NewFlags("recommend", usageText, usageFooter)
	listen := fs.String("listen", "", "serve on this `address` (host:port) until interrupted, instead of running the demo")
	if code, done := fs.Parse(args, stdout, stderr); done {
		return code
	}
	if err := serve(ctx, stdout, *listen); err != nil {
		fmt.Fprintln(stderr, "recommend:", err)
		return 1
	}
	return 0
}

// newService builds the service as it starts in production: it loads the
// pseudonym key from its sealed form, then builds both data-plane clients
// with one Policy, so that a customer has one pseudonym in events and in
// recommendation requests.
func newService(ctx context.Context, cfg aws.Config, kmsKeyARN string, sealed []byte, campaign, tracking string, logger *slog.Logger) (*service, error) {
	var sk pseudonym.SealedKey
	if err := json.Unmarshal(sealed, &sk); err != nil {
		return nil, fmt.Errorf("sealed pseudonym key: %w", err)
	}
	key, err := pseudonym.LoadKey(ctx, kms.NewFromConfig(cfg), kmsKeyARN, pseudonymKeyVersion, &sk)
	if err != nil {
		return nil, err
	}
	p, err := pseudonym.New(key)
	if err != nil {
		return nil, err
	}
	policy := personalizeevents.Policy{Pseudonymizer: p, Logger: logger}
	events, err := personalizeevents.New(cfg, policy)
	if err != nil {
		return nil, err
	}
	runtime, err := personalizeruntime.New(cfg, policy)
	if err != nil {
		return nil, err
	}
	return &service{runtime: runtime, events: events, ids: p, campaign: campaign, tracking: tracking, log: logger, sessions: map[string]string{}}, nil
}

// serve starts the service on embedded endpoints and either runs the demo
// or, with listen set, serves until ctx ends.
func serve(ctx context.Context, w io.Writer, listen string) error {
	srv, err := personalizetest.Start(ctx)
	if err != nil {
		return err
	}
	defer srv.Close()
	scene, err := srv.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	if err != nil {
		return err
	}
	cfg := srv.Config() // in production: config.LoadDefaultConfig(ctx)

	// Provisioning, done once: only the sealed key is kept (a file, a
	// parameter, a secret).
	sealed, err := pseudonym.GenerateKey(ctx, kms.NewFromConfig(cfg), scene.KeyARN, pseudonymKeyVersion)
	if err != nil {
		return err
	}
	stored, err := json.Marshal(sealed)
	if err != nil {
		return err
	}
	svc, err := newService(ctx, cfg, scene.KeyARN, stored, scene.CampaignARN, scene.TrackingID, slog.New(slog.NewTextHandler(w, nil)))
	if err != nil {
		return err
	}
	srv.ResetRequests() // from here on, the request log holds only the customers' calls
	ln, err := net.Listen("tcp", listenAddr(listen))
	if err != nil {
		return err
	}
	httpSrv := &http.Server{Handler: svc.handler(), ReadHeaderTimeout: 5 * time.Second}
	go httpSrv.Serve(ln)
	defer httpSrv.Close()

	if listen != "" {
		fmt.Fprintf(w, "serving on http://%s (POST /login, GET /recommendations, POST /events); interrupt to stop\n", ln.Addr())
		<-ctx.Done()
		return nil
	}
	return demo(ctx, w, "http://"+ln.Addr().String(), srv, svc)
}

// The demo's customer and the card number one of its requests carries.
const (
	demoEmail = "jane.doe@example.com"
	demoCard  = "4111 1111 1111 1111"
)

// demo plays a signed-in customer's visit, then checks the endpoint's
// request log: the customer's pseudonym arrived, the address, the session
// cookie and the card number did not.
func demo(ctx context.Context, w io.Writer, base string, srv *personalizetest.Server, svc *service) error {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	for _, r := range []struct{ method, path, body string }{
		{http.MethodPost, "/login", `{"email":"` + demoEmail + `"}`},
		{http.MethodGet, "/recommendations", ""},
		{http.MethodPost, "/events", `{"itemId":"item-7","eventType":"view"}`},
		{http.MethodGet, "/recommendations", ""},
		{http.MethodPost, "/events", `{"itemId":"item-8","eventType":"purchase","properties":{"paidWith":"` + demoCard + `"}}`},
	} {
		fmt.Fprintln(w, strings.TrimSpace(r.method+" "+r.path+" "+r.body))
		status, answer, err := send(ctx, browser, r.method, base+r.path, r.body)
		if err != nil {
			return err
		}
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  -> %d %s", status, answer), " "))
	}

	u, err := url.Parse(base)
	if err != nil {
		return err
	}
	cookies := jar.Cookies(u)
	if len(cookies) == 0 {
		return errors.New("the service set no session cookie")
	}
	session := cookies[0].Value
	pseudo, err := svc.ids.UserID(demoEmail)
	if err != nil {
		return err
	}
	if !srv.Seen(pseudo) {
		return fmt.Errorf("the Personalize endpoint never received the customer's pseudonym")
	}
	var leaked []string
	for name, v := range map[string]string{"the e-mail address": demoEmail, "the session cookie": session, "the card number": demoCard} {
		if srv.Seen(v) {
			leaked = append(leaked, name)
		}
	}
	if len(leaked) > 0 {
		return fmt.Errorf("the Personalize endpoint received %s", strings.Join(leaked, " and "))
	}
	n := 0
	for _, r := range srv.Requests() {
		if r.Service != personalizetest.ServiceSTS { // the guards' own identity checks
			n++
		}
	}
	fmt.Fprintf(w, "Personalize received %d requests: the customer as %s, never the e-mail address, the session cookie or the card number.\n",
		n, pseudo)
	return nil
}

func listenAddr(a string) string {
	if a == "" {
		return "127.0.0.1:0"
	}
	return a
}

func send(ctx context.Context, c *http.Client, method, url, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b)), err
}
