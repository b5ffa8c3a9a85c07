// Command quickstart runs the whole protected Personalize flow through the
// guard and shows every safeguard act: a KMS-encrypted dataset group whose
// key and role the guard injects, a schema, a dataset, an import from an
// encrypted, TLS-only bucket and an export back to it; then three requests the
// guard refuses before a byte leaves the process.
//
// By default it runs offline against personalizetest's embedded Personalize,
// S3 and KMS endpoints:
//
//	go run ./examples/quickstart
//
// With -target aws (or PERSONALIZEGUARD_TARGET=aws) it runs the same flow
// against real AWS with the default credential chain. It then creates real,
// billable resources, and refuses to start without an explicit key, role and
// S3 locations:
//
//	go run ./examples/quickstart -target aws \
//	    -kms-key-arn arn:aws:kms:us-east-1:111122223333:key/... \
//	    -role-arn arn:aws:iam::111122223333:role/PersonalizeKMS \
//	    -data s3://my-bucket/interactions.csv -export s3://my-bucket/export/
//
// It exits 0 when every step succeeded and every refusal came from the
// expected rule.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awspersonalize "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// setup is where the flow runs: the AWS config and the protected resources
// it uses.
type setup struct {
	cfg                  aws.Config
	keyARN, roleARN      string
	dataLocation, export string
	local                *personalizetest.Server // nil against real AWS
	prefix               string                  // resource name prefix
	poll                 time.Duration
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(w)
	target := fs.String("target", envOr("PERSONALIZEGUARD_TARGET", "local"), "local (embedded endpoints, offline) or aws (real AWS, billable)")
	keyARN := fs.String("kms-key-arn", os.Getenv("PERSONALIZEGUARD_KMS_KEY_ARN"), "aws: customer managed KMS key ARN")
	roleARN := fs.String("role-arn", os.Getenv("PERSONALIZEGUARD_ROLE_ARN"), "aws: Personalize service role ARN")
	data := fs.String("data", os.Getenv("PERSONALIZEGUARD_DATA"), "aws: s3:// location of an interactions CSV")
	export := fs.String("export", os.Getenv("PERSONALIZEGUARD_EXPORT"), "aws: s3:// prefix for the export")
	if err := fs.Parse(args); err != nil {
		return err
	}

	var s setup
	switch *target {
	case "local":
		srv, err := personalizetest.Start(ctx)
		if err != nil {
			return err
		}
		defer srv.Close()
		scene, err := srv.SeedScene(ctx)
		if err != nil {
			return err
		}
		s = setup{cfg: srv.Config(), keyARN: scene.KeyARN, roleARN: scene.RoleARN, dataLocation: scene.DataLocation,
			export: scene.ExportLocation, local: srv, prefix: "quickstart", poll: 10 * time.Millisecond}
		fmt.Fprintf(w, "Embedded endpoints at %s (Personalize, S3, KMS over TLS); nothing leaves this machine.\n", srv.URL())
		fmt.Fprintf(w, "Scene: key %s, bucket %s (SSE-KMS, TLS-only policy, public access blocked)\n\n", scene.KeyARN, scene.Bucket)
	case "aws":
		if *keyARN == "" || *roleARN == "" || *data == "" || *export == "" {
			return errors.New("-target aws needs -kms-key-arn, -role-arn, -data and -export (or their PERSONALIZEGUARD_* variables): " +
				"the quickstart creates real, billable resources and will not guess which key and bucket protect them")
		}
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			return err
		}
		s = setup{cfg: cfg, keyARN: *keyARN, roleARN: *roleARN, dataLocation: *data, export: *export,
			prefix: "pg-quickstart-" + time.Now().UTC().Format("20060102t150405"), poll: 15 * time.Second}
		fmt.Fprintf(w, "Target: AWS %s with the default credential chain. Resources are named %s-*.\n\n", cfg.Region, s.prefix)
	default:
		return fmt.Errorf("-target %q: want local or aws", *target)
	}
	return flow(ctx, w, s)
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

	fmt.Fprintln(w, "\nThree requests the guard refuses before anything is sent:")
	st.refusal("A dataset group Name carrying a customer's account number", "sensitive.account-number", func() error {
		_, err := client.CreateDatasetGroup(ctx, &awspersonalize.CreateDatasetGroupInput{Name: aws.String("acct-12345678-movies")})
		return err
	})
	st.refusal("An export URL carrying credentials", "s3.location.credentials", func() error {
		_, err := client.CreateDatasetExportJob(ctx, &awspersonalize.CreateDatasetExportJobInput{JobName: aws.String(group + "-export-2"),
			DatasetArn: ds.DatasetArn, RoleArn: aws.String(s.roleARN), JobOutput: &types.DatasetExportJobOutput{S3DataDestination: &types.S3DataConfig{
				Path: aws.String("https://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI-K7MDENG@" + bucketOf(s.export) + ".s3.amazonaws.com/export/")}}})
		return err
	})
	st.refusal("An endpoint that offers only TLS 1.1", personalize.RuleTLSVersion, func() error {
		old, err := personalizetest.Start(ctx, personalizetest.WithTLSVersions(tls.VersionTLS11, tls.VersionTLS11))
		if err != nil {
			return err
		}
		defer old.Close()
		c, err := personalize.New(old.Config(), personalize.Policy{InsecureSkipPostureChecks: true, Logger: slog.New(&auditPrinter{w: w})})
		if err != nil {
			return err
		}
		_, err = c.ListDatasetGroups(ctx, &awspersonalize.ListDatasetGroupsInput{})
		if err == nil || len(old.Requests()) != 0 {
			return fmt.Errorf("the TLS 1.1 endpoint received %d requests", len(old.Requests()))
		}
		return err
	})
	if st.failed > 0 {
		return fmt.Errorf("%d of the refusals did not behave as designed", st.failed)
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

// refusal runs call and checks that the guard refused it with rule.
func (s *steps) refusal(what, rule string, call func() error) {
	s.step("%s", what)
	err := call()
	var sg *personalize.SafeguardError
	if !errors.As(err, &sg) || sg.Rule != rule {
		s.failed++
		fmt.Fprintf(s.w, "   UNEXPECTED: %v (want rule %s)\n", err, rule)
		return
	}
	field := sg.Field
	if field == "" {
		field = "(connection)"
	}
	fmt.Fprintf(s.w, "   refused: %s %s by %s — %s\n", sg.Operation, field, sg.Rule, sg.Reason)
}

// auditPrinter is a slog.Handler that prints the guard's audit events as one
// indented line each.
type auditPrinter struct {
	w     io.Writer
	attrs []slog.Attr
}

func (p *auditPrinter) Enabled(context.Context, slog.Level) bool { return true }

func (p *auditPrinter) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "personalize call" {
		fmt.Fprintf(p.w, "   guard: %s\n", r.Message)
		return nil
	}
	var op, outcome, rule, field string
	var acted []string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "operation":
			op = a.Value.String()
		case "outcome":
			outcome = a.Value.String()
		case "rule":
			rule = a.Value.String()
		case "field":
			field = a.Value.String()
		case "safeguards":
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

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
