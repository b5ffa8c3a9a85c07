// Command quickstart runs the whole protected Personalize flow through the
// guard and shows every safeguard act: a KMS-encrypted dataset group whose
// key and role the guard injects, a schema, a dataset, an import from an
// encrypted, TLS-only bucket (which the guard scans first) and an export back
// to it; then the requests the guard refuses before a byte leaves the process
// (offline only, an import of a file whose USER_IDs are e-mail addresses,
// found by the guard's import scan; a Name with an account number, an export
// URL with credentials, a TLS 1.1 endpoint, an http endpoint), each shown
// with its input masked, and the ClientLogMode dumps it switches off.
//
// It goes on to the data plane: a solution, its version, a campaign and an
// event tracker; a pseudonym key generated under the KMS key, of which only
// the sealed form is kept, and loaded back with kms:Decrypt; recommendations
// and a view event for a customer known by e-mail address, sent under the
// customer's pseudonym through the guarded personalizeruntime and
// personalizeevents clients; and two more refusals, an e-mail address as
// userId from a client without a Pseudonymizer and a card number in an
// event's properties.
//
// By default it runs offline against personalizetest's embedded Personalize,
// S3 and KMS endpoints:
//
//	go run ./examples/quickstart
//
// With -target aws (or PERSONALIZEGUARD_TARGET=aws) it runs the same flow
// against real AWS with the default credential chain and the Region in
// AWS_REGION. It then creates real, billable resources, and refuses to start
// without an explicit key, role and S3 locations:
//
//	AWS_REGION=us-east-1 go run ./examples/quickstart -target aws \
//	    -kms-key-arn arn:aws:kms:us-east-1:111122223333:key/... \
//	    -role-arn arn:aws:iam::111122223333:role/PersonalizeKMS \
//	    -data s3://my-bucket/interactions.csv -export s3://my-bucket/export/
//
// Against AWS it does not train a solution or deploy a campaign (hours of
// training, a campaign billed by the hour): the data-plane steps run only
// with -campaign-arn and -tracking-id naming an existing campaign and event
// tracker (they then send one view event for the example customer), and are
// skipped, saying so, without them.
//
// -h lists the flags and the PERSONALIZEGUARD_* variables they fall back to.
// It exits 0 when every step succeeded and every refusal came from the
// expected rule, 2 when the flags are wrong, 1 otherwise.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspersonalize "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"

	"github.com/personalizeguard/personalizeguard/examples/internal/cli"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	os.Exit(code)
}

const usageText = `Usage: quickstart [flags]

Runs the whole Amazon Personalize flow through Personalize Guard: a
KMS-encrypted dataset group, a schema, a dataset, an import and an export,
then the requests the guard refuses and the log dumps it switches off before
anything is sent; then the data plane: a campaign, a pseudonym key sealed
under the KMS key, recommendations and events for a customer known by e-mail
address sent under a pseudonym, and two more refusals; last, the account
audit of an emulated account, good and then broken. By default it runs
offline against embedded endpoints.

Flags (a flag left out falls back to the environment variable it names):
`

const usageFooter = `
With -target aws the quickstart creates real, billable resources with the
SDK's default credential chain, and needs a Region: AWS_REGION (or
AWS_DEFAULT_REGION, or a region in the AWS_PROFILE profile). It does not
train a solution or deploy a campaign there: the data-plane steps need
-campaign-arn and -tracking-id (they send one view event), and are skipped
without them. The caller needs kms:GenerateDataKey and kms:Decrypt on the
key for the pseudonym key.

Exit status: 0 when every step succeeded and every safeguard behaved as
designed, 2 when the flags are wrong, 1 otherwise.
`

// setup is where the flow runs: the AWS config and the protected resources
// it uses.
type setup struct {
	cfg                  aws.Config
	keyARN, roleARN      string
	dataLocation, export string
	dirtyLocation        string                  // local: interactions with e-mail addresses as USER_ID, for the import scan's refusal
	campaignARN          string                  // aws: an existing campaign for the data-plane steps
	trackingID           string                  // aws: its dataset group's event tracker
	local                *personalizetest.Server // nil against real AWS
	prefix               string                  // resource name prefix
	poll                 time.Duration
}

// run is the program: it returns the exit status.
func run(ctx context.Context, stdout, stderr io.Writer, args []string) int {
	fs := cli.NewFlags("quickstart", usageText, usageFooter)
	target := fs.EnvString("target", "PERSONALIZEGUARD_TARGET", "local", "`where` to run: local (embedded endpoints, offline) or aws (real AWS, billable)")
	keyARN := fs.EnvString("kms-key-arn", "PERSONALIZEGUARD_KMS_KEY_ARN", "", "aws: the customer managed KMS `key ARN` that encrypts the dataset group")
	roleARN := fs.EnvString("role-arn", "PERSONALIZEGUARD_ROLE_ARN", "", "aws: the Personalize service `role ARN`")
	data := fs.EnvString("data", "PERSONALIZEGUARD_DATA", "", "aws: the s3:// `location` of an interactions CSV to import")
	export := fs.EnvString("export", "PERSONALIZEGUARD_EXPORT", "", "aws: the s3:// `prefix` to export the dataset to")
	campaignARN := fs.EnvString("campaign-arn", "PERSONALIZEGUARD_CAMPAIGN_ARN", "", "aws: an existing campaign's `ARN` for the data-plane steps (skipped without it)")
	trackingID := fs.EnvString("tracking-id", "PERSONALIZEGUARD_TRACKING_ID", "", "aws: the `ID` of an event tracker of the campaign's dataset group (skipped without it)")
	if code, done := fs.Parse(args, stdout, stderr); done {
		return code
	}
	fail := func(code int, err error) int {
		fmt.Fprintln(stderr, "quickstart:", err)
		return code
	}

	var s setup
	switch *target {
	case "local":
		srv, err := personalizetest.Start(ctx)
		if err != nil {
			return fail(1, err)
		}
		defer srv.Close()
		scene, err := srv.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.Dirty = true })
		if err != nil {
			return fail(1, err)
		}
		s = setup{cfg: srv.Config(), keyARN: scene.KeyARN, roleARN: scene.RoleARN, dataLocation: scene.DataLocation,
			dirtyLocation: scene.DirtyDataLocation, export: scene.ExportLocation, local: srv, prefix: "quickstart", poll: 10 * time.Millisecond}
		fmt.Fprintf(stdout, "Embedded endpoints at %s (Personalize, S3, KMS, STS, and for the audit IAM, CloudTrail and Macie, over TLS); nothing leaves this machine.\n", srv.URL())
		fmt.Fprintf(stdout, "Scene: key %s, bucket %s (SSE-KMS, TLS-only policy, public access block)\n\n", scene.KeyARN, scene.Bucket)
	case "aws":
		if *keyARN == "" || *roleARN == "" || *data == "" || *export == "" {
			return fail(2, errors.New("-target aws needs -kms-key-arn, -role-arn, -data and -export (or their PERSONALIZEGUARD_* variables): "+
				"the quickstart creates real, billable resources and will not guess which key and bucket protect them"))
		}
		if (*campaignARN == "") != (*trackingID == "") {
			return fail(2, errors.New("-campaign-arn and -tracking-id go together: the data-plane steps need both, and are skipped without either"))
		}
		cfg, err := cli.AWSConfig(ctx)
		if err != nil {
			return fail(1, err)
		}
		s = setup{cfg: cfg, keyARN: *keyARN, roleARN: *roleARN, dataLocation: *data, export: *export,
			campaignARN: *campaignARN, trackingID: *trackingID, prefix: "pg-quickstart-" + time.Now().UTC().Format("20060102t150405"), poll: 15 * time.Second}
		fmt.Fprintf(stdout, "Target: AWS %s with the default credential chain. Resources are named %s-*.\n\n", cfg.Region, s.prefix)
	default:
		return fail(2, fmt.Errorf("-target %q: want local or aws", *target))
	}
	if err := flow(ctx, stdout, s); err != nil {
		return fail(1, err)
	}
	return 0
}

func flow(ctx context.Context, w io.Writer, s setup) error {
	client, err := personalize.New(s.cfg, personalize.Policy{
		KMSKeyARN: s.keyARN,
		RoleARN:   s.roleARN,
		Logger:    slog.New(&auditPrinter{w: w}),
	})
	if err != nil {
		return err
	}
	st := &steps{w: w}
	group := s.prefix + "-movies"

	st.step("Create a dataset group, leaving KmsKeyArn and RoleArn empty")
	dg, err := client.CreateDatasetGroup(ctx, &awspersonalize.CreateDatasetGroupInput{Name: aws.String(group)})
	if err != nil {
		return st.fail(err)
	}
	desc, err := waitFor(ctx, s.poll, func() (*types.DatasetGroup, string, error) {
		out, err := client.DescribeDatasetGroup(ctx, &awspersonalize.DescribeDatasetGroupInput{DatasetGroupArn: dg.DatasetGroupArn})
		if err != nil {
			return nil, "", err
		}
		return out.DatasetGroup, aws.ToString(out.DatasetGroup.Status), nil
	})
	if err != nil {
		return st.fail(err)
	}
	st.ok("dataset group ACTIVE, encrypted with %s", aws.ToString(desc.KmsKeyArn))

	st.step("Create the Interactions schema and dataset")
	schema, err := client.CreateSchema(ctx, &awspersonalize.CreateSchemaInput{Name: aws.String(group + "-interactions"), Schema: aws.String(personalizetest.InteractionsSchema)})
	if err != nil {
		return st.fail(err)
	}
	ds, err := client.CreateDataset(ctx, &awspersonalize.CreateDatasetInput{Name: aws.String(group + "-interactions"),
		DatasetGroupArn: dg.DatasetGroupArn, DatasetType: aws.String("Interactions"), SchemaArn: schema.SchemaArn})
	if err != nil {
		return st.fail(err)
	}
	if _, err := waitFor(ctx, s.poll, func() (*types.Dataset, string, error) {
		out, err := client.DescribeDataset(ctx, &awspersonalize.DescribeDatasetInput{DatasetArn: ds.DatasetArn})
		if err != nil {
			return nil, "", err
		}
		return out.Dataset, aws.ToString(out.Dataset.Status), nil
	}); err != nil {
		return st.fail(err)
	}
	st.ok("schema and dataset ACTIVE")

	st.step("Import interactions from %s", s.dataLocation)
	imp, err := client.CreateDatasetImportJob(ctx, &awspersonalize.CreateDatasetImportJobInput{JobName: aws.String(group + "-import"),
		DatasetArn: ds.DatasetArn, RoleArn: aws.String(s.roleARN), DataSource: &types.DataSource{DataLocation: aws.String(s.dataLocation)}})
	if err != nil {
		return st.fail(err)
	}
	if _, err := waitFor(ctx, s.poll, func() (*types.DatasetImportJob, string, error) {
		out, err := client.DescribeDatasetImportJob(ctx, &awspersonalize.DescribeDatasetImportJobInput{DatasetImportJobArn: imp.DatasetImportJobArn})
		if err != nil {
			return nil, "", err
		}
		return out.DatasetImportJob, aws.ToString(out.DatasetImportJob.Status), nil
	}); err != nil {
		return st.fail(err)
	}
	st.ok("import ACTIVE")

	st.step("Export the dataset to %s", s.export)
	exp, err := client.CreateDatasetExportJob(ctx, &awspersonalize.CreateDatasetExportJobInput{JobName: aws.String(group + "-export"),
		DatasetArn: ds.DatasetArn, RoleArn: aws.String(s.roleARN),
		JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{Path: aws.String(s.export)}}})
	if err != nil {
		return st.fail(err)
	}
	if _, err := waitFor(ctx, s.poll, func() (*types.DatasetExportJob, string, error) {
		out, err := client.DescribeDatasetExportJob(ctx, &awspersonalize.DescribeDatasetExportJobInput{DatasetExportJobArn: exp.DatasetExportJobArn})
		if err != nil {
			return nil, "", err
		}
		return out.DatasetExportJob, aws.ToString(out.DatasetExportJob.Status), nil
	}); err != nil {
		return st.fail(err)
	}
	if s.local != nil {
		bucket, key := personalizetest.ExportObjectKey(s.export, group+"-export", "interactions")
		head, err := s3.NewFromConfig(s.cfg).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return st.fail(err)
		}
		st.ok("export ACTIVE: s3://%s/%s written with %s (%s)", bucket, key, head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId))
	} else {
		st.ok("export ACTIVE")
	}

	count := "Four"
	if s.dirtyLocation != "" {
		count = "Five"
	}
	fmt.Fprintf(w, "\n%s requests the guard refuses before they are sent, and one setting it switches off:\n", count)
	// unseen checks, against the embedded endpoints, that no request
	// carrying v reached them.
	unseen := func(v string) string {
		if s.local == nil || s.local.Seen(v) {
			return ""
		}
		return "no request carrying the value reached the endpoints"
	}
	if s.dirtyLocation != "" {
		// Only the embedded scene has such a file: the quickstart puts no
		// personal data into a real bucket.
		st.refusal("Import interactions from "+s.dirtyLocation+", whose USER_IDs are customers' e-mail addresses", "", "", "datascan.identifier.email", func() (string, error) {
			imports := func() (n int) {
				for _, r := range s.local.Requests() {
					if r.Service == personalizetest.ServicePersonalize && r.Operation == "CreateDatasetImportJob" {
						n++
					}
				}
				return n
			}
			before := imports()
			_, err := client.CreateDatasetImportJob(ctx, &awspersonalize.CreateDatasetImportJobInput{JobName: aws.String(group + "-import-dirty"),
				DatasetArn: ds.DatasetArn, RoleArn: aws.String(s.roleARN), DataSource: &types.DataSource{DataLocation: aws.String(s.dirtyLocation)}})
			var sg *personalize.SafeguardError
			if !errors.As(err, &sg) || len(sg.Findings) == 0 || imports() != before {
				return "", err
			}
			return "the guard read the file from S3 and scanned it against the dataset's schema: " + sg.Findings[0].Message +
				"; Personalize received no import request", err
		})
	}
	const acct = "acct-12345678-movies"
	st.refusal("A dataset group Name carrying a customer's account number", "Name", acct, "sensitive.account-number", func() (string, error) {
		_, err := client.CreateDatasetGroup(ctx, &awspersonalize.CreateDatasetGroupInput{Name: aws.String(acct)})
		return unseen("12345678"), err
	})
	credURL := "https://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI-K7MDENG@" + bucketOf(s.export) + ".s3.amazonaws.com/export/"
	st.refusal("An export URL carrying credentials", "Path", credURL, "s3.location.credentials", func() (string, error) {
		_, err := client.CreateDatasetExportJob(ctx, &awspersonalize.CreateDatasetExportJobInput{JobName: aws.String(group + "-export-2"),
			DatasetArn: ds.DatasetArn, RoleArn: aws.String(s.roleARN), JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{
				Path: aws.String(credURL)}}})
		return unseen("wJalrXUtnFEMI"), err
	})
	st.refusal("An endpoint that offers only TLS 1.1", "", "", personalize.RuleTLSVersion, func() (string, error) {
		old, err := personalizetest.Start(ctx, func(o *personalizetest.Options) {
			o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS11, tls.VersionTLS11
		})
		if err != nil {
			return "", err
		}
		defer old.Close()
		fmt.Fprintf(w, "   endpoint: %s, TLS 1.1 only\n", old.URL())
		c, err := personalize.New(old.Config(), personalize.Policy{InsecureSkipPostureChecks: true, Logger: slog.New(&auditPrinter{w: w})})
		if err != nil {
			return "", err
		}
		_, err = c.ListDatasetGroups(ctx, &awspersonalize.ListDatasetGroupsInput{})
		if n := len(old.Requests()); err == nil || n != 0 {
			return "", fmt.Errorf("the TLS 1.1 endpoint received %d requests", n)
		}
		return "the endpoint received 0 requests", err
	})
	st.refusal("A call sent to a plain-http endpoint", "", "", personalize.RuleHTTPSOnly, func() (string, error) {
		plain, err := startPlainHTTP()
		if err != nil {
			return "", err
		}
		defer plain.close()
		fmt.Fprintf(w, "   endpoint: %s, per-call BaseEndpoint\n", plain.url)
		_, err = client.ListDatasetGroups(ctx, &awspersonalize.ListDatasetGroupsInput{}, func(o *awspersonalize.Options) {
			o.BaseEndpoint = aws.String(plain.url)
		})
		if n := plain.hits.Load(); err == nil || n != 0 {
			return "", fmt.Errorf("the http endpoint received %d requests", n)
		}
		return "the endpoint received 0 requests", err
	})
	st.logModeOff(ctx, s, group, dg.DatasetGroupArn)
	ran, err := st.dataPlane(ctx, s, client, dg.DatasetGroupArn, group)
	if err != nil {
		return err
	}
	if err := st.accountAudit(ctx, s); err != nil {
		return err
	}
	if st.failed > 0 {
		return fmt.Errorf("%d of the safeguards did not behave as designed", st.failed)
	}
	if !ran {
		fmt.Fprintln(w, "\nEvery safeguard that ran behaved as designed; the data-plane steps were skipped (see above).")
		return nil
	}
	fmt.Fprintln(w, "\nEvery safeguard behaved as designed.")
	return nil
}

// steps prints numbered steps and checks refusals.
type steps struct {
	w      io.Writer
	n      int
	failed int
}

func (s *steps) step(format string, a ...any) {
	s.n++
	fmt.Fprintf(s.w, "%d. %s\n", s.n, fmt.Sprintf(format, a...))
}

func (s *steps) ok(format string, a ...any) {
	fmt.Fprintf(s.w, "   ok: %s\n", fmt.Sprintf(format, a...))
}

func (s *steps) fail(err error) error {
	fmt.Fprintf(s.w, "   FAILED: %v\n", err)
	return err
}

// refusal runs call and checks that the guard refused it with rule. It
// shows the refused input masked, and what call found out about whether
// anything was sent.
func (s *steps) refusal(what, field, input, rule string, call func() (evidence string, err error)) {
	s.step("%s", what)
	if input != "" {
		fmt.Fprintf(s.w, "   input: %s %s\n", field, masked(input))
	}
	evidence, err := call()
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) || sg.Rule != rule {
		s.failed++
		fmt.Fprintf(s.w, "   UNEXPECTED: %v (want rule %s)\n", err, rule)
		return
	}
	where := sg.Field
	if where == "" {
		where = "(connection)"
	}
	fmt.Fprintf(s.w, "   refused: %s %s by %s — %s\n", sg.Operation, where, sg.Rule, sg.Reason)
	if evidence != "" {
		fmt.Fprintf(s.w, "   checked: %s\n", evidence)
	}
}

// logModeOff builds a guarded client from a config that asks the SDK to log
// request bodies and signing strings, and checks that the guard switched
// both off: a call then logs nothing, and the guard's warning says why.
func (s *steps) logModeOff(ctx context.Context, su setup, group string, arn *string) {
	s.step("A config whose ClientLogMode asks for LogRequestWithBody | LogSigning (bodies, session tokens, signatures)")
	const dumps = aws.LogRequestWithBody | aws.LogSigning
	cfg := su.cfg.Copy()
	cfg.ClientLogMode = dumps
	var logged []string
	cfg.Logger = logging.LoggerFunc(func(_ logging.Classification, format string, v ...any) {
		logged = append(logged, fmt.Sprintf(format, v...))
	})
	c, err := personalize.New(cfg, personalize.Policy{KMSKeyARN: su.keyARN, RoleARN: su.roleARN, Logger: slog.New(&auditPrinter{w: s.w})})
	if err != nil {
		s.failed++
		fmt.Fprintf(s.w, "   UNEXPECTED: %v\n", err)
		return
	}
	warnings := len(logged)
	if _, err := c.DescribeDatasetGroup(ctx, &awspersonalize.DescribeDatasetGroupInput{DatasetGroupArn: arn}); err != nil {
		s.failed++
		fmt.Fprintf(s.w, "   UNEXPECTED: DescribeDatasetGroup: %v\n", err)
		return
	}
	var dumped int
	for _, l := range logged {
		if isDump(l, group) {
			dumped++
		}
	}
	if mode := c.Options().ClientLogMode; mode&dumps != 0 || warnings != 1 || len(logged) != 1 || dumped != 0 {
		s.failed++
		fmt.Fprintf(s.w, "   UNEXPECTED: ClientLogMode %#x, %d warning(s), %d SDK log line(s), %d dump(s)\n", uint64(mode), warnings, len(logged), dumped)
		return
	}
	s.ok("switched off: DescribeDatasetGroup ran and the SDK's logger received only the guard's warning, no header, body or signature")
}

// isDump reports whether an SDK log line is a wire dump of a request about
// group: a request dump holds the Authorization header and the body (which
// names the group), a signing dump the canonical request.
func isDump(line, group string) bool {
	return strings.Contains(line, "Authorization") || strings.Contains(line, "CANONICAL") || strings.Contains(line, group)
}

// masked shows a refused value with its sensitive part replaced by the
// detector's marker, so a reader sees what was refused and nothing of the
// value. A value the detector does not flag is not shown at all.
func masked(v string) string {
	if m := sensitive.Default().Redact(v); m != v {
		if strings.Contains(m, `"`) && strconv.CanBackquote(m) {
			return "`" + m + "`" // JSON reads better unescaped
		}
		return strconv.Quote(m)
	}
	return fmt.Sprintf("(%d bytes, not shown)", len(v))
}

// plainHTTP is a plain-http endpoint that counts the requests it receives.
type plainHTTP struct {
	url  string
	hits atomic.Int32
	srv  *http.Server
}

func startPlainHTTP() (*plainHTTP, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &plainHTTP{url: "http://" + ln.Addr().String()}
	p.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		p.hits.Add(1)
		w.WriteHeader(http.StatusNotFound)
	})}
	go p.srv.Serve(ln)
	return p, nil
}

func (p *plainHTTP) close() { p.srv.Close() }

// auditPrinter is a slog.Handler that prints the guard's audit events as one
// indented line each.
type auditPrinter struct {
	w     io.Writer
	attrs []slog.Attr
}

func (p *auditPrinter) Enabled(context.Context, slog.Level) bool { return true }

func (p *auditPrinter) Handle(_ context.Context, r slog.Record) error {
	if r.Message != personalize.AuditMessage {
		fmt.Fprintf(p.w, "   warning: %s\n", r.Message)
		return nil
	}
	var op, outcome, rule, field string
	var acted []string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case personalize.AuditKeyOperation:
			op = a.Value.String()
		case personalize.AuditKeyOutcome:
			outcome = a.Value.String()
		case personalize.AuditKeyRule:
			rule = a.Value.String()
		case personalize.AuditKeyField:
			field = a.Value.String()
		case personalize.AuditKeySafeguards:
			if v, ok := a.Value.Any().([]string); ok {
				acted = v
			}
		}
		return true
	})
	if strings.HasPrefix(op, "Describe") && outcome == personalize.OutcomeAllowed {
		return nil // status polling: not worth a line each
	}
	line := fmt.Sprintf("   audit: %s %s", op, outcome)
	if rule != "" {
		line += " by " + rule
		if field != "" {
			line += " at " + field
		}
	}
	if len(acted) > 0 {
		line += " [" + strings.Join(acted, ", ") + "]"
	}
	_, err := fmt.Fprintln(p.w, line)
	return err
}

func (p *auditPrinter) WithAttrs(as []slog.Attr) slog.Handler {
	return &auditPrinter{w: p.w, attrs: append(p.attrs[:len(p.attrs):len(p.attrs)], as...)}
}

func (p *auditPrinter) WithGroup(string) slog.Handler { return p }

// waitFor polls describe until the resource is ACTIVE, and fails on CREATE
// FAILED or when ctx ends.
func waitFor[T any](ctx context.Context, every time.Duration, describe func() (*T, string, error)) (*T, error) {
	for {
		v, status, err := describe()
		switch {
		case err != nil:
			return nil, err
		case status == "ACTIVE":
			return v, nil
		case strings.Contains(status, "FAILED"):
			return nil, fmt.Errorf("status %s", status)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(every):
		}
	}
}

func bucketOf(location string) string {
	rest := strings.TrimPrefix(location, "s3://")
	b, _, _ := strings.Cut(rest, "/")
	return b
}
