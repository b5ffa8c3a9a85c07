// Command personalizeguard checks Amazon Personalize data before it is
// imported and the AWS account around Personalize.
//
//	go install github.com/personalizeguard/personalizeguard/cmd/personalizeguard@latest
//
// Usage:
//
//	personalizeguard scan [-format table|json] [-schema FILE] [-parallel N] [-max-keys N] [-timeout D] FILE|s3://BUCKET/KEY|s3://BUCKET/PREFIX/ ...
//	personalizeguard pseudonymize (-key-file FILE | -sealed-key FILE -kms-key-arn ARN) [-key-version N]
//	                              [-schema FILE] [-drop COL,...] [-drop-flagged] IN OUT
//	personalizeguard audit [-region R] [-format table|json|sarif] [-fail-on critical|high|medium|low] [-concurrency N] [-timeout D]
//	personalizeguard policy key|bucket|role [flags]
//
// scan reads dataset CSVs and reports, per column, the identifying values they
// hold (positions and kinds, never values); pseudonymize rewrites a CSV with
// keyed pseudonyms in USER_ID and SESSION_ID, the ones the guarded data-plane
// clients send. See package datascan. audit reads the account and Region
// (identity, Personalize's service roles, CloudTrail, Macie, every
// Personalize resource) and reports findings; policy prints the key policy,
// the bucket policy and the least-privilege role policy for what the
// account's Personalize resources use. See package audit.
//
// scan -format json writes one object: {"files": [{"file", "report" (a
// datascan.Report), "findings" (a posture.Report), "error"}], "sources":
// [{"source", "objects", "report" (the objects' reports merged), "error"}],
// "blocking"}; each object of an s3:// source is one of "files".
//
// Exit status: 0 when every file passes; 1 when a scan finds blocking values,
// pseudonymize refuses a column, or audit finds a finding at -fail-on or
// worse or could not make one of its reads (whatever -fail-on says); 2 for a
// usage error; 3 when a file or S3 object cannot be read (access denied
// included) or is not a well-formed dataset CSV (nothing is
// skipped), when audit or policy cannot load the AWS configuration, when
// audit is interrupted, or when policy role cannot read every Personalize
// resource (it writes no policy from a partial inventory) or finds no role
// to write one for. An audit read that is refused is a finding, not a skip.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitError    = 3
)

const usage = `personalizeguard checks Amazon Personalize data before it is imported, and the account around it.

Usage:
  personalizeguard scan [-format table|json] [-schema FILE] [-parallel N] [-max-keys N] [-timeout D] FILE|s3://BUCKET/KEY|s3://BUCKET/PREFIX/ ...
  personalizeguard pseudonymize (-key-file FILE | -sealed-key FILE -kms-key-arn ARN) [-key-version N]
                                [-schema FILE] [-drop COL,...] [-drop-flagged] IN OUT
  personalizeguard audit [-region R] [-format table|json|sarif] [-fail-on critical|high|medium|low] [-concurrency N] [-timeout D]
  personalizeguard policy key|bucket|role [flags]

Run "personalizeguard COMMAND -h" for a command's flags.

Exit status: 0 pass, 1 blocking findings or refused columns, 2 usage error,
3 unreadable or malformed input, or no AWS configuration.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is the program with its surroundings, so that tests run it in
// process against an emulated AWS.
type command struct {
	stdout, stderr io.Writer
	// awsConfig loads the AWS configuration, in the Region given or, for
	// "", the environment's and profile's: for scan of s3:// sources,
	// pseudonymize with -sealed-key, audit and policy.
	awsConfig func(ctx context.Context, region string) (aws.Config, error)
	// progress says whether to draw a progress line on stderr.
	progress bool
	// s3PageSize is the MaxKeys of scan's listings; 0 leaves it to S3.
	s3PageSize int32
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &command{stdout: stdout, stderr: stderr, awsConfig: loadAWSConfig, progress: isTerminal(stderr)}
	return c.run(ctx, args)
}

func (c *command) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "scan":
		return c.scan(ctx, args[1:])
	case "pseudonymize", "pseudonymise":
		return c.pseudonymize(ctx, args[1:])
	case "audit":
		return c.audit(ctx, args[1:])
	case "policy":
		return c.policy(ctx, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(c.stdout, usage)
		return exitOK
	}
	fmt.Fprintf(c.stderr, "personalizeguard: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

// parse parses a subcommand's flags: -h prints its usage on stdout with
// status 0, a mistake prints it on stderr with status 2.
func (c *command) parse(fs *flag.FlagSet, args []string) (code int, done bool) {
	var msg strings.Builder
	fs.SetOutput(&msg)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(c.stdout, msg.String())
		return exitOK, true
	case err != nil:
		fmt.Fprint(c.stderr, msg.String())
		return exitUsage, true
	}
	return 0, false
}

func (c *command) usageError(fs *flag.FlagSet, format string, a ...any) int {
	fmt.Fprintf(c.stderr, "personalizeguard %s: %s\n", fs.Name(), fmt.Sprintf(format, a...))
	fs.SetOutput(c.stderr)
	fs.Usage()
	return exitUsage
}

// loadAWSConfig reads the environment and shared files as the SDK does, with
// region, when given, winning over both, and refuses to go on without a
// Region.
func loadAWSConfig(ctx context.Context, region string) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, err
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS Region is configured; set AWS_REGION or a region in your AWS profile")
	}
	return cfg, nil
}

// isTerminal reports whether w is a character device, without a dependency
// on a terminal package: enough to keep progress lines out of logs and pipes.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
