package personalizetest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/personalizeguard/personalizeguard/internal/fakecloudtrail"
	"github.com/personalizeguard/personalizeguard/internal/fakeiam"
	"github.com/personalizeguard/personalizeguard/internal/fakekms"
	"github.com/personalizeguard/personalizeguard/internal/fakemacie"
	"github.com/personalizeguard/personalizeguard/internal/fakepersonalize"
	"github.com/personalizeguard/personalizeguard/internal/fakes3"
)

// Region and AccountID are where the emulated resources live: every ARN the
// Server mints carries them.
const (
	Region    = "us-east-1"
	AccountID = "111122223333"
)

// The static credentials of [Server.Config]. They are not secret and are
// accepted without signature checks.
const (
	AccessKeyID     = "AKIDPERSONALIZETEST"
	SecretAccessKey = "personalizetest-secret-access-key"
)

const (
	defaultStatusSteps = 2
	maxRequestBody     = 256 << 20
)

// Options configure [Start] and [New]: pass functions that set them, as the
// AWS SDK's clients take theirs. The defaults are set before the functions
// run.
type Options struct {
	// MinTLSVersion and MaxTLSVersion are the TLS versions the endpoint
	// offers; default TLS 1.2 through TLS 1.3. tls.VersionTLS11 for both
	// gives an endpoint that offers only TLS 1.1, to prove that a client
	// refuses it: a client that accepts TLS 1.1 really does connect, with a
	// CBC suite.
	MinTLSVersion, MaxTLSVersion uint16

	// StatusSteps is how many Describe calls a Personalize resource or job
	// takes to settle; default 2: CREATE PENDING, then CREATE IN_PROGRESS on
	// the first Describe, ACTIVE on the second. 0 makes everything ACTIVE (or
	// CREATE FAILED) as soon as it is created, and deletions immediate.
	StatusSteps int
}

func (o Options) validate() error {
	if o.MinTLSVersion > o.MaxTLSVersion || o.MinTLSVersion < tls.VersionTLS10 || o.MaxTLSVersion > tls.VersionTLS13 {
		return fmt.Errorf("personalizetest: Options.MinTLSVersion %#x and MaxTLSVersion %#x: need TLS 1.0 <= min <= max <= TLS 1.3", o.MinTLSVersion, o.MaxTLSVersion)
	}
	if o.StatusSteps < 0 {
		return fmt.Errorf("personalizetest: Options.StatusSteps %d: need 0 or more", o.StatusSteps)
	}
	return nil
}

// Server is one HTTPS endpoint on 127.0.0.1 serving Amazon Personalize (the
// control plane and the events and runtime data-plane APIs), AWS KMS, AWS STS
// (GetCallerIdentity), Amazon S3, and the account services an audit reads:
// AWS IAM (roles, their policies, the account summary), AWS CloudTrail
// (trails, their status and event selectors) and Amazon Macie (the session,
// automated discovery, classification jobs), all in-process. Requests are
// routed by their X-Amz-Target header: "AmazonPersonalize.*" goes to
// Personalize, "TrentService.*" to KMS, "CloudTrail_20131101.*" to
// CloudTrail; requests without one go by the service of their SigV4
// credential scope: "sts" to STS, "iam" to IAM, "macie2" to Macie,
// "personalize" to the events or runtime API by method and path (POST
// /events, POST /recommendations, ...); anything else goes to S3
// (path-style).
//
// A Server is safe for concurrent use. Close it when done; [New] does that
// through t.Cleanup.
type Server struct {
	url  string
	ca   *authority
	http *http.Server

	kms         *fakekms.Server
	s3          *fakes3.Handler
	personalize *fakepersonalize.Server
	iam         *fakeiam.Server
	cloudtrail  *fakecloudtrail.Server
	macie       *fakemacie.Server

	log    requestLog
	faults faults
	scenes atomic.Int32

	// life tracks handlers in flight, connections and the accept loop, so
	// that Close can wait for them: a test that checks for leaked
	// goroutines after Close finds none of the Server's.
	life struct {
		sync.Mutex
		closed   bool
		inflight sync.WaitGroup
		// conns holds the connections the http.Server has not yet
		// reported closed, connsOpen counts them.
		conns     map[net.Conn]struct{}
		connsOpen sync.WaitGroup
		served    chan struct{} // closed when Serve has returned
	}
	closeOnce sync.Once
	closeErr  error
}

// Start starts a Server. ctx bounds start-up only: cancelling it later does
// not stop the Server; call [Server.Close].
func Start(ctx context.Context, optFns ...func(*Options)) (_ *Server, err error) {
	o := Options{MinTLSVersion: tls.VersionTLS12, MaxTLSVersion: tls.VersionTLS13, StatusSteps: defaultStatusSteps}
	for _, fn := range optFns {
		fn(&o)
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("personalizetest: start: %w", err)
	}

	s := &Server{faults: faults{denied: map[string]bool{}}}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	if s.ca, err = newAuthority(); err != nil {
		return nil, fmt.Errorf("personalizetest: certificates: %w", err)
	}
	if s.kms, err = fakekms.New(fakekms.Config{Region: Region, AccountID: AccountID}); err != nil {
		return nil, fmt.Errorf("personalizetest: %w", err)
	}
	s.s3 = fakes3.New(fakes3.Options{Keys: func(id string) (string, string, bool) {
		k, err := s.kms.Key(id)
		return k.ARN, k.State, err == nil
	}})
	s.personalize = fakepersonalize.New(fakepersonalize.Config{
		Region:      Region,
		AccountID:   AccountID,
		StatusSteps: o.StatusSteps,
		Keys: func(arn string) (fakepersonalize.KeyInfo, bool) {
			k, err := s.kms.Key(arn)
			return fakepersonalize.KeyInfo{ARN: k.ARN, State: k.State, Spec: k.Spec}, err == nil
		},
		Objects: s.s3,
	})
	if s.iam, err = fakeiam.New(fakeiam.Config{AccountID: AccountID}); err != nil {
		return nil, fmt.Errorf("personalizetest: %w", err)
	}
	if s.cloudtrail, err = fakecloudtrail.New(fakecloudtrail.Config{Region: Region, AccountID: AccountID}); err != nil {
		return nil, fmt.Errorf("personalizetest: %w", err)
	}
	if s.macie, err = fakemacie.New(fakemacie.Config{Region: Region, AccountID: AccountID}); err != nil {
		return nil, fmt.Errorf("personalizetest: %w", err)
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("personalizetest: listen: %w", err)
	}
	s.url = "https://" + ln.Addr().String()
	s.http = &http.Server{
		Handler:           http.HandlerFunc(s.serve),
		ReadHeaderTimeout: 30 * time.Second,
		// Refused handshakes (the point of a TLS 1.1 endpoint) are not news.
		ErrorLog:  log.New(io.Discard, "", 0),
		ConnState: s.trackConn,
	}
	// HTTP/1.1 only, as the AWS endpoints the SDK talks to here.
	s.life.served = make(chan struct{})
	go func() {
		defer close(s.life.served)
		_ = s.http.Serve(tls.NewListener(ln, s.ca.serverTLSConfig(o.MinTLSVersion, o.MaxTLSVersion)))
	}()

	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("personalizetest: start: %w", err)
	}
	return s, nil
}

// New starts a Server for a test and closes it when the test ends. It calls
// tb.Fatal if the Server cannot start.
func New(tb testing.TB, optFns ...func(*Options)) *Server {
	tb.Helper()
	s, err := Start(context.Background(), optFns...)
	if err != nil {
		tb.Fatalf("personalizetest.New: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("personalizetest: Close: %v", err)
		}
	})
	return s
}

// URL is the endpoint, https://127.0.0.1:PORT, for every service.
func (s *Server) URL() string { return s.url }

// CertPool returns a new pool holding the Server's own CA certificate.
func (s *Server) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.ca.caPEM)
	return pool
}

// CACertPEM returns the Server's CA certificate, PEM-encoded.
func (s *Server) CACertPEM() []byte { return bytes.Clone(s.ca.caPEM) }

// Config returns an aws.Config for the Server: Region, static test
// credentials, BaseEndpoint set to [Server.URL], one attempt per call (no
// retries, so the request log maps one-to-one to calls), the SDK's default
// checksum behaviour, and an *awshttp.BuildableClient whose TLS
// configuration trusts the Server's CA. The TLS minimum version is left as
// the SDK sets it (TLS 1.2); callers that enforce their own floor set it.
//
// Clients built from it need no other option: S3 clients address buckets
// path-style, as the SDK's endpoint rules do for an IP-address endpoint.
//
// Its APIOptions hold one Finalize middleware, [IDStreamWithoutWriteTo], so
// that a bare SDK client with its one attempt does not fail now and then
// with "use of closed network connection" while reading a response: smithy
// closes a request body when the response's headers arrive, and net/http,
// still writing it through the body's WriteTo, takes the io.EOF a closed
// body's WriteTo returns for a failed write and closes the connection under
// the response (aws/aws-sdk-go-v2#2737; the SDK's default retryer retries
// it). The middleware hands the SDK the same bytes through Read and Seek
// alone. The guarded clients' transport does the same on its own.
func (s *Server) Config() aws.Config {
	pool := s.CertPool()
	return aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		BaseEndpoint: aws.String(s.url),
		HTTPClient: awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
			if tr.TLSClientConfig == nil {
				tr.TLSClientConfig = &tls.Config{}
			} else {
				tr.TLSClientConfig = tr.TLSClientConfig.Clone()
			}
			tr.TLSClientConfig.RootCAs = pool
		}),
		RetryMaxAttempts:           1,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
		APIOptions:                 []func(*middleware.Stack) error{addStreamWithoutWriteTo},
	}
}

// IDStreamWithoutWriteTo is the ID of the Finalize middleware of
// [Server.Config] that hides the serialized request stream's WriteTo, each
// attempt, after the SDK's own Finalize middleware. It is in the project's
// namespace of middleware IDs, as the guards' are.
const IDStreamWithoutWriteTo = "PersonalizeGuard:TestStreamWithoutWriteTo"

func addStreamWithoutWriteTo(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc(IDStreamWithoutWriteTo, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
		middleware.FinalizeOutput, middleware.Metadata, error) {
		req, ok := in.Request.(*smithyhttp.Request)
		if !ok {
			return next.HandleFinalize(ctx, in)
		}
		stream, seekable := req.GetStream().(io.ReadSeeker)
		if _, writesItself := req.GetStream().(io.WriterTo); seekable && writesItself {
			withoutWriteTo, err := req.SetStream(readSeeker{stream})
			if err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			in.Request = withoutWriteTo
		}
		return next.HandleFinalize(ctx, in)
	}), middleware.After)
}

// readSeeker is a stream with no method but Read and Seek.
type readSeeker struct{ r io.ReadSeeker }

func (s readSeeker) Read(p []byte) (int, error)                   { return s.r.Read(p) }
func (s readSeeker) Seek(offset int64, whence int) (int64, error) { return s.r.Seek(offset, whence) }

// Close stops the Server: it closes the listener and every connection,
// and waits for handlers in flight to return and for the goroutines that
// accepted and served connections to end. It is safe to call more than
// once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		s.life.Lock()
		s.life.closed = true
		s.life.Unlock()
		if s.http != nil {
			// Not Shutdown: it would wait for connections the SDK opened
			// but never used.
			errs = append(errs, s.http.Close())
		}
		if s.life.served != nil {
			<-s.life.served
		}
		// http.Server.Close closes the connections it tracks; one
		// accepted as it closed may have been tracked after. The accept
		// loop has ended, so none is added now.
		s.life.Lock()
		for c := range s.life.conns {
			_ = c.Close()
		}
		s.life.Unlock()
		s.life.connsOpen.Wait()
		s.life.inflight.Wait()
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("personalizetest: close: %w", err)
		}
	})
	return s.closeErr
}

// personalizeSigningName is the SigV4 service name of all three
// Personalize APIs.
const personalizeSigningName = "personalize"

// signingService returns the service of a SigV4 request's credential scope
// (Credential=AKID/date/Region/service/aws4_request), from the
// Authorization header or, for presigned URLs, the query; "" if unsigned.
func signingService(r *http.Request) string {
	_, service := credentialScope(r)
	return service
}

// credentialScope returns the access key ID and the service of a SigV4
// request's credential scope; "" and "" if unsigned.
func credentialScope(r *http.Request) (accessKeyID, service string) {
	var cred string
	if auth := r.Header.Get("Authorization"); auth != "" {
		_, after, ok := strings.Cut(auth, "Credential=")
		if !ok {
			return "", ""
		}
		cred, _, _ = strings.Cut(after, ",")
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return "", ""
	}
	return parts[0], parts[3]
}

// trackConn is the http.Server's ConnState hook: it counts a connection
// from its acceptance (StateNew, reported before its goroutine starts)
// until the server reports it closed (StateClosed, from that goroutine's
// last steps) or handed over (StateHijacked).
func (s *Server) trackConn(c net.Conn, state http.ConnState) {
	s.life.Lock()
	defer s.life.Unlock()
	switch state {
	case http.StateNew:
		if s.life.conns == nil {
			s.life.conns = make(map[net.Conn]struct{})
		}
		s.life.conns[c] = struct{}{}
		s.life.connsOpen.Add(1)
	case http.StateClosed, http.StateHijacked:
		if _, ok := s.life.conns[c]; ok {
			delete(s.life.conns, c)
			s.life.connsOpen.Done()
		}
	}
}

// serve records a request, applies [Server.Deny], and routes it to its
// emulator.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.life.Lock()
	if s.life.closed {
		s.life.Unlock()
		http.Error(w, "personalizetest: server closed", http.StatusServiceUnavailable)
		return
	}
	s.life.inflight.Add(1)
	s.life.Unlock()
	defer s.life.inflight.Done()

	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil || len(body) > maxRequestBody {
		http.Error(w, "request body unreadable or too large", http.StatusRequestEntityTooLarge)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	req := Request{Method: r.Method, Host: r.Host, URL: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body, Time: time.Now()}
	if r.TLS != nil {
		req.TLSVersion = r.TLS.Version
	}
	var next http.Handler
	target := r.Header.Get("X-Amz-Target")
	accessKeyID, scope := credentialScope(r)
	switch {
	case strings.HasPrefix(target, fakepersonalize.TargetPrefix):
		req.Service, req.Operation, req.Target = ServicePersonalize, strings.TrimPrefix(target, fakepersonalize.TargetPrefix), target
		next = s.personalize
	case strings.HasPrefix(target, fakekms.TargetPrefix):
		req.Service, req.Operation, req.Target = ServiceKMS, strings.TrimPrefix(target, fakekms.TargetPrefix), target
		next = s.kms
	case isCloudTrail(target):
		req.Service, req.Target = ServiceCloudTrail, target
		req.Operation, _ = fakecloudtrail.Operation(target)
		next = s.cloudtrail
	case target == "" && scope == stsSigningName:
		// The query protocol: the operation is the form's Action, on "/".
		form := fakeiam.Form(r, body)
		req.Service, req.Operation, req.Target = ServiceSTS, form.Get("Action"), req.URL
		next = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serveSTS(w, r, form, accessKeyID) })
	case target == "" && scope == fakeiam.SigningName:
		req.Service, req.Operation, req.Target = ServiceIAM, fakeiam.Form(r, body).Get("Action"), req.URL
		next = s.iam
	case target == "" && scope == fakemacie.SigningName:
		// REST-JSON: the operation is the method and path.
		req.Service, req.Target = ServiceMacie, req.URL
		req.Operation, _ = fakemacie.Operation(r.Method, r.URL.Path)
		next = s.macie
	case target == "" && scope == personalizeSigningName:
		// The events and runtime APIs are REST-JSON on paths (/events,
		// /recommendations) that are also valid path-style S3 bucket names;
		// the credential scope tells them apart, as S3 requests are signed
		// for "s3".
		req.Service, req.Target = ServicePersonalize, req.URL
		if api, op, ok := fakepersonalize.DataOperation(r.Method, r.URL.Path); ok {
			req.Service, req.Operation = api, op
		}
		next = http.HandlerFunc(s.personalize.ServeData)
	default:
		req.Service, req.Operation, req.Target = ServiceS3, fakes3.Operation(r), req.URL
		next = s.s3
	}
	s.log.add(req)
	if s.isDenied(req.Service, req.Operation) {
		writeDenied(w, r, req.Service, req.Operation)
		return
	}
	next.ServeHTTP(w, r)
}

func isCloudTrail(target string) bool {
	_, ok := fakecloudtrail.Operation(target)
	return ok
}
