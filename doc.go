// Package personalizeguard turns AWS's "Data Protection in Amazon Personalize"
// guidance into code for Go services that use the AWS SDK for Go v2.
//
// The customer is responsible for their data in Personalize. AWS asks them to
// use TLS 1.2 or later, to encrypt at rest with their own KMS keys, to keep
// identifying values (account numbers, card numbers, emails) out of names,
// tags and other free-form fields that reach AWS's logs, to keep credentials
// out of URLs, to log API activity and to grant least privilege. The guard
// enforces each of those in the caller's process, before a byte is sent, and
// says which rule and which field refused a request — never the value.
//
// # Packages
//
//   - personalize: New returns the SDK's own *personalize.Client with the
//     guard's middleware installed (TLS floor and https only, sensitive
//     values, model constraints, KMS key injection and readiness, S3 location
//     and bucket posture, the import data scanned, the account's root
//     credentials refused, one audit event per call).
//   - personalizeevents, personalizeruntime: the same for the data-plane
//     clients, with user and session IDs replaced by keyed pseudonyms.
//   - pseudonym: keyed, deterministic pseudonyms, the key sealed under the
//     customer's KMS key.
//   - sensitive: the validated detector of identifying values (Luhn, mod-97,
//     issuer prefixes, keyword proximity).
//   - datascan: a streaming scan of dataset CSVs, judged per column, and a
//     rewriter that pseudonymises their identifier columns; the command
//     cmd/personalizeguard runs both.
//   - audit: the account around Personalize (identity, service roles,
//     CloudTrail, Macie, every Personalize resource) against the same page,
//     and the least-privilege role policy; cmd/personalizeguard audit and
//     policy run it.
//   - kms: key ARNs, key readiness checks for Personalize, key policy generator.
//   - s3guard: S3 location parsing, bucket and object posture checks, bucket
//     policy generator.
//   - posture: the findings those checks report, as a table, JSON or SARIF.
//   - personalizetest: in-process TLS endpoints for Personalize (control
//     plane, events and runtime), S3, KMS, STS, IAM, CloudTrail and Macie, so tests and examples run
//     offline against the real SDK serializers.
//
// # Example
//
//	cfg, err := config.LoadDefaultConfig(ctx)
//	if err != nil { ... }
//	client, err := personalize.New(cfg, personalize.Policy{
//		KMSKeyARN: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
//		RoleARN:   "arn:aws:iam::111122223333:role/PersonalizeKMS",
//		Logger:    slog.Default(),
//	})
//	if err != nil { ... }
//	// client is a *personalize.Client (github.com/aws/aws-sdk-go-v2/service/personalize).
//	_, err = client.CreateDatasetGroup(ctx, &awspersonalize.CreateDatasetGroupInput{Name: aws.String("acct-12345678")})
//	var sg *personalize.SafeguardError
//	if errors.As(err, &sg) {
//		fmt.Println(sg.Field, sg.Rule) // Name sensitive.account-number
//	}
package personalizeguard
