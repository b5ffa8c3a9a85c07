// Command audit checks a KMS key and an S3 bucket for Amazon Personalize and
// prints the findings as a table and as JSON: what package personalize's
// guard checks before it lets a job use them, as a tool for reviews and CI.
//
// By default it runs offline against personalizetest's embedded endpoints,
// on a well-protected key and bucket and on a weak pair next to them:
//
//	go run ./examples/audit
//
// Against real AWS, with the default credential chain (read-only calls:
// kms:DescribeKey, kms:GetKeyRotationStatus, kms:GetKeyPolicy,
// kms:ListGrants and the s3:GetBucket* / s3:GetEncryptionConfiguration
// reads):
//
//	go run ./examples/audit -target aws -kms-key-arn arn:aws:kms:... -role-arn arn:aws:iam::...:role/... -bucket my-bucket
//
// Against AWS it exits 1 when a finding blocks (Medium or above), so it can
// gate a pipeline; the offline demo exits 0 when it ran.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	blocking, err := run(ctx, os.Stdout, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "audit:", err)
		os.Exit(2)
	}
	if blocking {
		os.Exit(1)
	}
}

// subject is one key and bucket to audit.
type subject struct {
	title           string
	keyARN, roleARN string
	bucket          string
}

// run audits and reports whether any finding blocks.
func run(ctx context.Context, w io.Writer, args []string) (bool, error) {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(w)
	target := fs.String("target", "local", "local (embedded endpoints, offline) or aws")
	keyARN := fs.String("kms-key-arn", "", "aws: the key to check")
	roleARN := fs.String("role-arn", "", "aws: the Personalize service role")
	bucket := fs.String("bucket", "", "aws: the bucket to check")
	write := fs.Bool("write", false, "check the bucket for output (exports, batch results) rather than imports")
	if err := fs.Parse(args); err != nil {
		return false, err
	}
	dir := s3guard.Read
	if *write {
		dir = s3guard.Write
	}

	var (
		cfg      aws.Config
		subjects []subject
	)
	switch *target {
	case "local":
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
		weak, err := seedWeak(ctx, cfg)
		if err != nil {
			return false, err
		}
		subjects = []subject{
			{"A key and bucket set up as AWS's data-protection guidance asks", good.KeyARN, good.RoleARN, good.Bucket},
			{"A key and bucket left at their defaults", weak.keyARN, good.RoleARN, weak.bucket},
		}
	case "aws":
		if *keyARN == "" || *roleARN == "" || *bucket == "" {
			return false, errors.New("-target aws needs -kms-key-arn, -role-arn and -bucket")
		}
		var err error
		if cfg, err = config.LoadDefaultConfig(ctx); err != nil {
			return false, err
		}
		subjects = []subject{{"Your key and bucket", *keyARN, *roleARN, *bucket}}
	default:
		return false, fmt.Errorf("-target %q: want local or aws", *target)
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
	if *target == "local" {
		// The demo's weak pair is meant to fail; the demo itself succeeded.
		return false, nil
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
