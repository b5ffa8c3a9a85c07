// Command embed is an existing HTTP service that adopts the guard by changing
// the line that builds its Personalize client. Its handler shows how a
// *personalize.SafeguardError becomes a 4xx answer that names the field and
// the rule without repeating the value.
//
// By default it runs a short offline demo against personalizetest's embedded
// endpoints: it starts the service, sends it one clean and two unsafe
// requests, prints the answers and exits. With -listen it keeps serving:
//
//	go run ./examples/embed
//	go run ./examples/embed -listen 127.0.0.1:8080
//	curl -d '{"name":"acct-12345678"}' localhost:8080/dataset-groups
//
// -h lists the flags. It exits 0 when the demo ran (or the server stopped on
// an interrupt), 2 when the flags are wrong, 1 otherwise.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspersonalize "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/examples/internal/cli"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	os.Exit(code)
}

const usageText = `Usage: embed [flags]

Runs an HTTP service that creates Personalize dataset groups through
Personalize Guard, on embedded endpoints, and shows a refused request
becoming a 422 that names the field and the rule, never the value. Without
-listen it sends the service three requests, prints the answers and exits.

Flags (none reads a PERSONALIZEGUARD_* variable; the service always uses the
embedded endpoints):
`

const usageFooter = `
Exit status: 0 when the demo ran or the server stopped on an interrupt,
2 when the flags are wrong, 1 otherwise.
`

// service is the existing application: it creates dataset groups for its
// tenants on request.
type service struct {
	personalize *awspersonalize.Client
	log         *slog.Logger
}

type createRequest struct {
	Name string            `json:"name"`
	Tags map[string]string `json:"tags"`
}

func (s *service) createDatasetGroup(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the body is not a JSON object"})
		return
	}
	in := &awspersonalize.CreateDatasetGroupInput{Name: aws.String(req.Name)}
	for k, v := range req.Tags {
		in.Tags = append(in.Tags, types.Tag{TagKey: aws.String(k), TagValue: aws.String(v)})
	}
	out, err := s.personalize.CreateDatasetGroup(r.Context(), in)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"datasetGroupArn": aws.ToString(out.DatasetGroupArn)})
}

// fail maps errors to answers. A SafeguardError is the caller's fault (422)
// and is safe to show: it names the field and the rule, never the value.
// Anything else is logged by code and answered with a generic 502, because
// AWS's own validation messages quote the rejected value.
func (s *service) fail(w http.ResponseWriter, err error) {
	var sg *personalize.SafeguardError
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
	mux.HandleFunc("POST /dataset-groups", s.createDatasetGroup)
	return mux
}

// run is the program: it returns the exit status.
func run(ctx context.Context, stdout, stderr io.Writer, args []string) int {
	fs := cli.NewFlags("embed", usageText, usageFooter)
	listen := fs.String("listen", "", "serve on this `address` (host:port) until interrupted, instead of running the demo")
	if code, done := fs.Parse(args, stdout, stderr); done {
		return code
	}
	if err := serve(ctx, stdout, *listen); err != nil {
		fmt.Fprintln(stderr, "embed:", err)
		return 1
	}
	return 0
}

// serve starts the service on embedded endpoints and either runs the demo
// or, with listen set, serves until ctx ends.
func serve(ctx context.Context, w io.Writer, listen string) error {
	srv, err := personalizetest.Start(ctx)
	if err != nil {
		return err
	}
	defer srv.Close()
	scene, err := srv.SeedScene(ctx)
	if err != nil {
		return err
	}
	cfg := srv.Config() // in production: config.LoadDefaultConfig(ctx)
	logger := slog.New(slog.NewTextHandler(w, nil))

	// The one line that changes when the service adopts the guard.
	// Before: client := awspersonalize.NewFromConfig(cfg)
	client, err := personalize.New(cfg, personalize.Policy{KMSKeyARN: scene.KeyARN, RoleARN: scene.RoleARN, Logger: logger})
	if err != nil {
		return err
	}
	svc := &service{personalize: client, log: logger}

	ln, err := net.Listen("tcp", listenAddr(listen))
	if err != nil {
		return err
	}
	httpSrv := &http.Server{Handler: svc.handler()}
	go httpSrv.Serve(ln)
	defer httpSrv.Close()

	if listen != "" {
		fmt.Fprintf(w, "serving on http://%s (POST /dataset-groups); interrupt to stop\n", ln.Addr())
		<-ctx.Done()
		return nil
	}
	base := "http://" + ln.Addr().String()
	for _, body := range []string{
		`{"name":"movies-eu","tags":{"team":"recs"}}`,
		`{"name":"acct-12345678"}`,
		`{"name":"movies-us","tags":{"owner":"jane.doe@example.com"}}`,
	} {
		status, answer, err := post(ctx, base+"/dataset-groups", body)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "POST /dataset-groups %s\n  -> %d %s\n", body, status, answer)
	}
	return nil
}

func listenAddr(a string) string {
	if a == "" {
		return "127.0.0.1:0"
	}
	return a
}

func post(ctx context.Context, url, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b)), err
}
