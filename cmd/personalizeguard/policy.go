package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/personalizeguard/personalizeguard/audit"
	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

const policyUsage = `Usage:
  personalizeguard policy key -role ARN [-region R] [-exports]
  personalizeguard policy bucket -bucket NAME -account ID [-direction read,write] [-source-arn ARN]
  personalizeguard policy role [-region R] [-role ARN]

Prints the key policy of a dataset group's KMS key, the bucket policy of a bucket Personalize
reads or writes, or the least-privilege permissions policy of the service role for what the
account's Personalize resources use (read from AWS; needs personalize:List*, personalize:Describe*
and sts:GetCallerIdentity).
`

func (c *command) policy(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, policyUsage)
		return exitUsage
	}
	switch args[0] {
	case "key":
		return c.policyKey(args[1:])
	case "bucket":
		return c.policyBucket(args[1:])
	case "role":
		return c.policyRole(ctx, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(c.stdout, policyUsage)
		return exitOK
	}
	fmt.Fprintf(c.stderr, "personalizeguard policy: unknown policy %q\n\n%s", args[0], policyUsage)
	return exitUsage
}

func (c *command) policyFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("policy "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), policyUsage+"\n")
		fs.PrintDefaults()
	}
	return fs
}

func (c *command) policyKey(args []string) int {
	fs := c.policyFlags("key")
	role := fs.String("role", "", "the Personalize service role's `ARN` (required)")
	region := fs.String("region", "", "the `REGION` of the key and dataset groups (default: any)")
	exports := fs.Bool("exports", false, "allow kms:GenerateDataKeyWithoutPlaintext, which dataset exports need")
	if code, done := c.parse(fs, args); done {
		return code
	}
	if *role == "" {
		return c.usageError(fs, "-role is required")
	}
	b, err := kms.PersonalizeKeyPolicy(kms.KeyPolicyInput{RoleARN: *role, Region: *region, Exports: *exports})
	return c.printPolicy(fs, b, err)
}

func (c *command) policyBucket(args []string) int {
	fs := c.policyFlags("bucket")
	bucket := fs.String("bucket", "", "the bucket `NAME` (required)")
	account := fs.String("account", "", "the `ID` of the account that runs Personalize (required)")
	direction := fs.String("direction", "read,write", "what Personalize does: `read`, write or read,write")
	sourceARN := fs.String("source-arn", "", "narrow the grant to Personalize resources matching this `ARN` pattern")
	if code, done := c.parse(fs, args); done {
		return code
	}
	var dirs []s3guard.Direction
	for _, d := range strings.Split(*direction, ",") {
		switch strings.TrimSpace(d) {
		case "read":
			dirs = append(dirs, s3guard.Read)
		case "write":
			dirs = append(dirs, s3guard.Write)
		default:
			return c.usageError(fs, "-direction must be read, write or read,write")
		}
	}
	slices.Sort(dirs)
	b, err := s3guard.PersonalizeBucketPolicy(s3guard.BucketPolicyInput{Bucket: *bucket, AccountID: *account,
		Directions: slices.Compact(dirs), SourceARN: *sourceARN})
	return c.printPolicy(fs, b, err)
}

func (c *command) policyRole(ctx context.Context, args []string) int {
	fs := c.policyFlags("role")
	region := fs.String("region", "", "the `REGION` whose Personalize resources to read (default: the AWS configuration's)")
	role := fs.String("role", "", "print the policy of this role `ARN` only (default: one per role in use)")
	if code, done := c.parse(fs, args); done {
		return code
	}
	cfg, err := c.awsConfig(ctx, *region)
	if err != nil {
		fmt.Fprintf(c.stderr, "personalizeguard policy role: %v\n", err)
		return exitError
	}
	clients, err := audit.NewClients(cfg)
	if err != nil {
		fmt.Fprintf(c.stderr, "personalizeguard policy role: %v\n", err)
		return exitError
	}
	res, err := audit.ReadUsage(ctx, clients, func(o *audit.Options) { o.Region = cfg.Region })
	if err != nil {
		fmt.Fprintf(c.stderr, "personalizeguard policy role: %v\n", err)
		return exitError
	}
	roles := sortedKeys(res.Roles)
	if *role != "" {
		if _, ok := res.Roles[*role]; !ok {
			fmt.Fprintf(c.stderr, "personalizeguard policy role: no Personalize resource in %s uses that role\n", cfg.Region)
			return exitError
		}
		roles = []string{*role}
	}
	if len(roles) == 0 {
		fmt.Fprintf(c.stderr, "personalizeguard policy role: no Personalize resource in %s names a role\n", cfg.Region)
		return exitError
	}
	for i, r := range roles {
		b, err := audit.RolePolicy(res.Roles[r])
		if err != nil {
			fmt.Fprintf(c.stderr, "personalizeguard policy role: %v\n", err)
			return exitError
		}
		if len(roles) > 1 {
			if i > 0 {
				fmt.Fprintln(c.stdout)
			}
			fmt.Fprintf(c.stdout, "# %s\n", r)
		}
		fmt.Fprintf(c.stdout, "%s\n", b)
	}
	return exitOK
}

// printPolicy prints a generated policy; the generators' errors name the
// flag's field, never its value.
func (c *command) printPolicy(fs *flag.FlagSet, b []byte, err error) int {
	if err != nil {
		return c.usageError(fs, "%v", err)
	}
	fmt.Fprintf(c.stdout, "%s\n", b)
	return exitOK
}
