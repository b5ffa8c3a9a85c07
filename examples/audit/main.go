// Command audit checks a KMS key and an S3 bucket for Amazon Personalize and
// prints the findings as a table and as JSON: what package personalize's
// guard checks before it lets a job use them, as a tool for reviews and CI.
//
// By default it runs offline against personalizetest's embedded endpoints,
// on a well-protected key and bucket and on a weak pair next to them
// (-scene protected or -scene defaults audits one of them):
//
//	go run ./examples/audit
//
// Against real AWS, with the default credential chain and the Region in
// AWS_REGION (read-only calls: kms:DescribeKey, kms:GetKeyRotationStatus,
// kms:GetKeyPolicy, kms:ListGrants and the s3:GetBucket* /
// s3:GetEncryptionConfiguration reads):
//
//	AWS_REGION=us-east-1 go run ./examples/audit -target aws -kms-key-arn arn:aws:kms:... -role-arn arn:aws:iam::...:role/... -bucket my-bucket
//
// It exits 1 when a finding blocks (Medium or above), so it can gate a
// pipeline — the offline demo's weak pair does, so the demo exits 1 unless
// -scene protected — 0 when none does, and 2 when the audit could not run.
// -h lists the flags and the PERSONALIZEGUARD_* variables they fall back to.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/examples/internal/cli"
	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	os.Exit(code)
}

const usageText = `Usage: audit [flags]

Checks a KMS key and an S3 bucket the way Personalize Guard does before a
Personalize job may use them, and prints the findings as a table and as
JSON. By default it audits a protected and a default pair on embedded
endpoints, offline.

Flags (a flag left out falls back to the environment variable it names):
`

const usageFooter = `
With -target aws the audit uses the SDK's default credential chain, makes only
read calls, and needs a Region: AWS_REGION (or AWS_DEFAULT_REGION, or a region
in the AWS_PROFILE profile).

Exit status: 0 when no finding blocks, 1 when one does (Medium or above),
2 when the audit could not run.
`

// Exit statuses.
const (
	exitReady    = 0
	exitBlocking = 1
	exitError    = 2
)

// subject is one key and bucket to audit.
type subject struct {
	title           string
	keyARN, roleARN string
	bucket          string
}

// run audits and returns the exit status.
func run(ctx context.Context, stdout, stderr io.Writer, args []string) int {
	fs := cli.NewFlags("audit", usageText, usageFooter)
	target := fs.EnvString("target", "PERSONALIZEGUARD_TARGET", "local", "`where` to audit: local (embedded endpoints, offline) or aws")
	scene := fs.String("scene", "both", "local: `which` pair to audit: protected, defaults or both")
	keyARN := fs.EnvString("kms-key-arn", "PERSONALIZEGUARD_KMS_KEY_ARN", "", "aws: the `key ARN` to check")
	roleARN := fs.EnvString("role-arn", "PERSONALIZEGUARD_ROLE_ARN", "", "aws: the Personalize service `role ARN`")
	bucket := fs.EnvString("bucket", "PERSONALIZEGUARD_BUCKET", "", "aws: the `bucket` to check")
	write := fs.Bool("write", false, "check the bucket for output (exports, batch results) rather than imports")
	if code, done := fs.Parse(args, stdout, stderr); done {
		return code
	}
	blocking, err := audit(ctx, stdout, settings{target: *target, scene: *scene, keyARN: *keyARN, roleARN: *roleARN, bucket: *bucket, write: *write})
	switch {
	case err != nil:
		fmt.Fprintln(stderr, "audit:", err)
		return exitError
	case blocking:
		return exitBlocking
	}
	return exitReady
}

// settings are the parsed flags.
type settings struct {
	target, scene           string
	keyARN, roleARN, bucket string
	write                   bool
}

// audit prints the reports and says whether any finding blocks.
func audit(ctx context.Context, w io.Writer, set settings) (bool, error) {
	dir := s3guard.Read
	if set.write {
		dir = s3guard.Write
	}

	var (
		cfg      aws.Config
		subjects []subject
	)
	switch set.target {
	case "local":
		if set.scene != "protected" && set.scene != "defaults" && set.scene != "both" {
			return false, fmt.Errorf("-scene %q: want protected, defaults or both", set.scene)
		}
		srv, err := personalizetest.Start(ctx)
		if err != nil {
			return false, err
		}
		defer srv.Close()
		cfg = srv.Config()
		good, err := srv.SeedScene(ctx)
		if err != nil {
			return false, err
		}
		if set.scene != "defaults" {
			subjects = append(subjects, subject{"A key and bucket set up as AWS's data-protection guidance asks", good.KeyARN, good.RoleARN, good.Bucket})
		}
		if set.scene != "protected" {
			weak, err := seedWeak(ctx, cfg)
			if err != nil {
				return false, err
			}
			subjects = append(subjects, subject{"A key and bucket left at their defaults", weak.keyARN, good.RoleARN, weak.bucket})
		}
	case "aws":
		if set.keyARN == "" || set.roleARN == "" || set.bucket == "" {
			return false, errors.New("-target aws needs -kms-key-arn, -role-arn and -bucket (or their PERSONALIZEGUARD_* variables)")
		}
		var err error
		if cfg, err = cli.AWSConfig(ctx); err != nil {
			return false, err
		}
		subjects = []subject{{"Your key and bucket", set.keyARN, set.roleARN, set.bucket}}
	default:
		return false, fmt.Errorf("-target %q: want local or aws", set.target)
	}

	kc, sc := awskms.NewFromConfig(cfg), s3.NewFromConfig(cfg)
	blocking := false
	for _, s := range subjects {
		key, err := kms.ParseKeyARN(s.keyARN)
		if err != nil {
			return false, err
		}
		keyRep, err := kms.Check(ctx, kc, kms.CheckInput{KeyARN: s.keyARN, RoleARN: s.roleARN, Region: cfg.Region, AccountID: key.AccountID,
			SourceARN: "arn:" + key.Partition + ":personalize:" + cfg.Region + ":" + key.AccountID + ":dataset-group/audit"})
		if err != nil {
			return false, err
		}
		bucketRep, err := s3guard.CheckBucket(ctx, sc, s.bucket, dir, s3guard.Requirements{
			AllowedKMSKeys: []string{s.keyARN}, Region: cfg.Region, AccountID: key.AccountID})
		if err != nil {
			return false, err
		}
		fmt.Fprintf(w, "== %s\n\n", s.title)
		for _, rep := range []posture.Report{keyRep, bucketRep} {
			fmt.Fprintf(w, "%s %s: %s\n", rep.Check, rep.Resource, verdict(rep))
			if len(rep.Findings) > 0 {
				if err := rep.WriteTable(w); err != nil {
					return false, err
				}
			}
			fmt.Fprintln(w)
			blocking = blocking || !rep.Passed(posture.Medium)
		}
		fmt.Fprintln(w, "As JSON:")
		if err := (posture.Report{Check: "personalize.readiness", Resource: s.bucket, Findings: append(keyRep.Sorted().Findings, bucketRep.Sorted().Findings...)}).WriteJSON(w); err != nil {
			return false, err
		}
		fmt.Fprintln(w)
	}
	return blocking, nil
}

func verdict(r posture.Report) string {
	switch b := len(r.Blocking(posture.Medium)); {
	case len(r.Findings) == 0:
		return "ready, no findings"
	case b == 0:
		return fmt.Sprintf("ready, %d advisory finding(s)", len(r.Findings))
	default:
		return fmt.Sprintf("NOT READY, %d blocking finding(s)", b)
	}
}

type weakScene struct{ keyARN, bucket string }

// seedWeak creates what people get by default: a key with the default key
// policy and no rotation, and a bucket with no policy, no encryption
// configuration and no public access block.
func seedWeak(ctx context.Context, cfg aws.Config) (weakScene, error) {
	key, err := awskms.NewFromConfig(cfg).CreateKey(ctx, &awskms.CreateKeyInput{Description: aws.String("defaults"),
		KeySpec: kmstypes.KeySpecSymmetricDefault, KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt})
	if err != nil {
		return weakScene{}, err
	}
	const bucket = "personalizetest-defaults"
	if _, err := s3.NewFromConfig(cfg).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return weakScene{}, err
	}
	return weakScene{keyARN: aws.ToString(key.KeyMetadata.Arn), bucket: bucket}, nil
}
