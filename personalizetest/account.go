package personalizetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/internal/fakecloudtrail"
	"github.com/personalizeguard/personalizeguard/internal/fakeiam"
	"github.com/personalizeguard/personalizeguard/internal/fakemacie"
	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
)

// Role is an IAM role and its policies, for [Server.PutRole].
type Role struct {
	// Name is the role name; its ARN is
	// arn:aws:iam::<AccountID>:role/<Path><Name> (Path without its leading
	// "/").
	Name string
	// Path is the role's path, "/" by default.
	Path string
	// TrustPolicy is the role's trust policy (GetRole's
	// AssumeRolePolicyDocument), a JSON document.
	TrustPolicy string
	// Inline maps inline policy names to their JSON documents.
	Inline map[string]string
	// Attached maps the managed policies attached to the role to their JSON
	// documents. A key is a customer managed policy's name (the policy
	// arn:aws:iam::<AccountID>:policy/<name>) or an AWS managed policy's ARN
	// (arn:aws:iam::aws:policy/service-role/AmazonPersonalizeFullAccess, for
	// one), whose document the test supplies. A key attached to several roles is one policy, with the document of
	// the last PutRole: a PutRole that changes it adds a version (v2, v3,
	// ...) and makes it the default, as IAM does, so DefaultVersionId is not
	// always v1.
	Attached map[string]string
}

// PutRole creates the IAM role r, or replaces the role of that name, and
// returns its ARN. GetRole, ListRolePolicies, GetRolePolicy,
// ListAttachedRolePolicies, GetPolicy and GetPolicyVersion then answer for
// it, with its documents URL-encoded as IAM answers them. It refuses names,
// paths and policy names IAM refuses, and documents that are not JSON
// objects; the documents themselves are stored as given, never enforced.
func (s *Server) PutRole(r Role) (arn string, err error) {
	arn, err = s.iam.PutRole(fakeiam.Role{Name: r.Name, Path: r.Path, TrustPolicy: r.TrustPolicy,
		Inline: maps.Clone(r.Inline), Attached: maps.Clone(r.Attached)})
	if err != nil {
		return "", fmt.Errorf("personalizetest: %w", err)
	}
	return arn, nil
}

// SetRootMFA sets whether the account's root user has MFA: IAM
// GetAccountSummary answers SummaryMap["AccountMFAEnabled"] 1 or 0. It is
// on until a test turns it off.
func (s *Server) SetRootMFA(enabled bool) { s.iam.SetAccountMFA(enabled) }

// Trail is a CloudTrail trail, for [Server.PutTrail].
type Trail struct {
	// Name is the trail's name; its ARN is
	// arn:aws:cloudtrail:<HomeRegion>:<AccountID>:trail/<Name>.
	Name string
	// S3BucketName is the bucket the trail delivers log files to.
	S3BucketName string
	// KMSKeyID is the ARN of the KMS key that encrypts the log files; ""
	// for SSE-S3 only.
	KMSKeyID string
	// MultiRegion makes the trail log every Region (IsMultiRegionTrail).
	MultiRegion bool
	// LogFileValidation turns on log file integrity validation.
	LogFileValidation bool
	// Logging is GetTrailStatus's IsLogging.
	Logging bool
	// ManagementEvents is the ReadWriteType of the trail's classic event
	// selector: "All", "ReadOnly" or "WriteOnly"; "" for one that excludes
	// management events (IncludeManagementEvents false).
	ManagementEvents string
	// HomeRegion is the trail's home Region, [Region] by default. A trail
	// of another home Region is seen here only if it is multi-Region (as a
	// shadow trail), and only by its ARN.
	HomeRegion string
	// DeliveryError is GetTrailStatus's LatestDeliveryError: the S3 error
	// code ("AccessDenied", "NoSuchBucket", ...) of the trail's latest
	// failed delivery of log files to its bucket; "" when delivery works.
	DeliveryError string
	// Advanced makes the trail's selector an advanced event selector:
	// GetEventSelectors answers AdvancedEventSelectors, not EventSelectors, with the same
	// ManagementEvents (eventCategory Management, and a readOnly field for
	// ReadOnly or WriteOnly; no selector when it is "").
	Advanced bool
}

// PutTrail creates the CloudTrail trail t, or replaces the trail of that
// name and home Region, and returns its ARN. DescribeTrails,
// GetTrailStatus and GetEventSelectors then answer for it. It refuses
// names, buckets and settings CloudTrail would refuse; the bucket and key
// need not exist.
func (s *Server) PutTrail(t Trail) (arn string, err error) {
	arn, err = s.cloudtrail.PutTrail(fakecloudtrail.Trail(t))
	if err != nil {
		return "", fmt.Errorf("personalizetest: %w", err)
	}
	return arn, nil
}

// DeleteTrails deletes every trail: DescribeTrails then answers an empty
// trailList.
func (s *Server) DeleteTrails() { s.cloudtrail.DeleteTrails() }

// MacieJob is a Macie classification job, in [Macie].
type MacieJob struct {
	// Name is the job's name; a job keeps its jobId across [Server.SetMacie]
	// calls while its name stays.
	Name string
	// Buckets are the buckets of [AccountID] the job analyzes
	// (s3JobDefinition.bucketDefinitions).
	Buckets []string
	// Status is the jobStatus: "RUNNING", "IDLE", "COMPLETE", "PAUSED",
	// "CANCELLED" or "USER_PAUSED".
	Status string
	// JobType is "ONE_TIME" or "SCHEDULED".
	JobType string
}

// Macie is the account's Amazon Macie in [Region], for [Server.SetMacie].
type Macie struct {
	// Enabled is whether Macie is enabled. When it is not, every Macie
	// operation answers as real Macie does for an account that has not
	// enabled it: AccessDeniedException, HTTP 401, "Macie is not enabled."
	// (see [ServiceMacie]).
	Enabled bool
	// Paused suspends an enabled Macie: GetMacieSession answers status
	// PAUSED, as for an account that suspended Macie.
	Paused bool
	// AutomatedDiscovery is GetAutomatedDiscoveryConfiguration's status:
	// ENABLED or DISABLED.
	AutomatedDiscovery bool
	// DiscoveryExcludes are the buckets automated discovery's classification
	// scope excludes, as GetClassificationScope answers them.
	DiscoveryExcludes []string
	// Jobs are the classification jobs ListClassificationJobs lists, in this
	// order, and DescribeClassificationJob describes.
	Jobs []MacieJob
}

// SetMacie replaces the account's Macie state. A new Server has Macie not
// enabled. It refuses jobs Macie could not have (no name or buckets, an
// unknown status or type).
func (s *Server) SetMacie(m Macie) error {
	st := fakemacie.State{Enabled: m.Enabled, Paused: m.Paused, AutomatedDiscovery: m.AutomatedDiscovery, DiscoveryExcludes: m.DiscoveryExcludes}
	for _, j := range m.Jobs {
		st.Jobs = append(st.Jobs, fakemacie.Job{Name: j.Name, Buckets: j.Buckets, Status: j.Status, JobType: j.JobType})
	}
	if err := s.macie.Set(st); err != nil {
		return fmt.Errorf("personalizetest: %w", err)
	}
	return nil
}

// AccountOptions configure [Server.SeedAccount], set by functions as
// [Options] are.
type AccountOptions struct {
	// DatasetGroups is how many dataset groups to create beyond the
	// scene's, named "personalizetest-account-NNN", each encrypted with the
	// scene's key and role, tagged, with an Interactions dataset; default 0.
	DatasetGroups int
	// JobsPerGroup is how many dataset import jobs each of those groups
	// gets, named "<group>-import-NNN", importing the scene's DataLocation
	// with the scene's role; default 0.
	JobsPerGroup int
}

// AccountScene is what [Server.SeedAccount] made.
type AccountScene struct {
	// Scene is the Personalize setting, as [Server.SeedScene] makes it with
	// [SceneOptions].Recommendations; its RoleARN is now a role in IAM.
	Scene
	// TrailName is the account's trail, and TrailBucket the bucket it
	// delivers to.
	TrailName, TrailBucket string
	// TrailARN is the trail's ARN and TrailKeyARN the KMS key that
	// encrypts its log files and its bucket.
	TrailARN, TrailKeyARN string
	// RolePolicyName is the role's inline policy for this scene,
	// "PersonalizeSceneAccess" (with the scene's suffix for later accounts).
	RolePolicyName string
	// MacieJobName is the classification job that covers the scene's bucket.
	MacieJobName string
	// DatasetGroupARNs are the extra dataset groups of
	// [AccountOptions].DatasetGroups, and ImportJobARNs their import jobs,
	// group by group.
	DatasetGroupARNs, ImportJobARNs []string
}

// The names SeedAccount gives what it creates.
const (
	accountRoleName       = "PersonalizeTestServiceRole"
	accountRolePolicyName = "PersonalizeSceneAccess"
	accountMacieJobName   = "personalizetest-scene-classification"
	accountGroupPrefix    = "personalizetest-account-"
)

// SeedAccount seeds [Server.SeedScene]'s resources (with
// [SceneOptions].Recommendations: a dataset group, its import job, a
// campaign, ...), then a good account around them, as AWS's
// data-protection guidance for Personalize asks:
//
//   - IAM: the scene's role ([RoleARN]) with a trust policy that lets only
//     personalize.amazonaws.com assume it, for this account
//     (aws:SourceAccount) and its Personalize resources (aws:SourceArn), and
//     one inline policy, AccountScene.RolePolicyName, limited to the scene's
//     bucket (s3:ListBucket on it, s3:GetObject and s3:PutObject in it) and
//     key (the actions Personalize needs, kms:CreateGrant only for AWS
//     resources); root MFA on.
//   - CloudTrail: a multi-Region trail, logging, with log file validation,
//     recording all management events, encrypted with its own KMS key, into
//     its own bucket: default SSE-KMS with that key, all four public access
//     block settings, BucketOwnerEnforced, and a policy that lets
//     cloudtrail.amazonaws.com check the ACL and write under AWSLogs/ for
//     this trail only (aws:SourceArn) and denies every request without TLS.
//   - Macie: enabled, automated discovery off, and a RUNNING scheduled
//     classification job covering the scene's bucket.
//
// Tests then break one thing at a time with [Server.PutRole],
// [Server.SetRootMFA], [Server.PutTrail], [Server.DeleteTrails] and
// [Server.SetMacie].
//
// A later SeedAccount on the same Server seeds a further scene (named with
// its suffix, "-2", ...) and adds to what is there: its policy to the one
// role [RoleARN] (the trust policy is rewritten), its trail, and its
// classification job.
//
// The KMS, S3 and scene's Personalize requests go through the endpoint, as
// SeedScene's do (call [Server.ResetRequests] afterwards). The extra
// resources of [AccountOptions] are created by the real SDK client through
// the Personalize emulator's own API handler, in-process, without TLS or
// the request log (BenchmarkSeedAccount measures it), and List and Describe
// answer for them exactly as for resources created over the endpoint. Each import job is ACTIVE before the next of
// its dataset starts, as Personalize runs one at a time.
func (s *Server) SeedAccount(ctx context.Context, optFns ...func(*AccountOptions)) (AccountScene, error) {
	var o AccountOptions
	for _, fn := range optFns {
		fn(&o)
	}
	fail := func(step string, err error) (AccountScene, error) {
		return AccountScene{}, fmt.Errorf("personalizetest: seed account: %s: %w", step, err)
	}
	if o.DatasetGroups < 0 || o.JobsPerGroup < 0 {
		return fail("options", errors.New("DatasetGroups and JobsPerGroup must be 0 or more"))
	}
	sc, err := s.SeedScene(ctx, func(so *SceneOptions) { so.Recommendations = true })
	if err != nil {
		return AccountScene{}, err
	}
	// Later accounts on the same Server get the scene's suffix ("-2", ...).
	suffix := strings.TrimPrefix(sc.Bucket, "personalizetest-data")
	as := AccountScene{Scene: sc, TrailName: "personalizetest-trail" + suffix, TrailBucket: "personalizetest-cloudtrail" + suffix,
		RolePolicyName: accountRolePolicyName + suffix, MacieJobName: accountMacieJobName + suffix}
	as.TrailARN = "arn:aws:cloudtrail:" + Region + ":" + AccountID + ":trail/" + as.TrailName

	trust, err := roleTrustPolicy()
	if err != nil {
		return fail("write trust policy", err)
	}
	access, err := rolePolicy(sc.Bucket, sc.KeyARN)
	if err != nil {
		return fail("write role policy", err)
	}
	// RoleARN is one role for every scene: a later account adds its
	// scene's policy to it.
	role := fakeiam.Role{Name: accountRoleName, TrustPolicy: trust, Inline: map[string]string{}}
	if old, ok := s.iam.Role(accountRoleName); ok {
		role.Inline, role.Attached = old.Inline, old.Attached
	}
	role.Inline[as.RolePolicyName] = access
	if _, err := s.iam.PutRole(role); err != nil {
		return fail("put role", err)
	}
	s.SetRootMFA(true)

	if err := s.seedTrail(ctx, &as); err != nil {
		return fail("trail", err)
	}
	macie := s.macie.State()
	macie.Enabled = true
	macie.Jobs = append(macie.Jobs, fakemacie.Job{Name: as.MacieJobName, Buckets: []string{sc.Bucket}, Status: "RUNNING", JobType: "SCHEDULED"})
	if err := s.macie.Set(macie); err != nil {
		return fail("enable Macie", err)
	}
	if o.DatasetGroups > 0 {
		if err := s.seedGroups(ctx, &as, o, suffix); err != nil {
			return fail("dataset groups", err)
		}
	}
	return as, nil
}

// roleTrustPolicy lets Personalize, and only Personalize acting for this
// account's resources, assume the role: the confused-deputy conditions AWS
// recommends.
func roleTrustPolicy() (string, error) {
	doc := iampolicy.Document{Version: iampolicy.Version2012, Statement: []iampolicy.Statement{{
		Sid:       "PersonalizeAssumesTheRole",
		Effect:    iampolicy.Allow,
		Principal: &iampolicy.Principal{Service: iampolicy.Values{iampolicy.PersonalizeService}},
		Action:    iampolicy.Values{"sts:AssumeRole"},
		Condition: map[string]map[string]iampolicy.Values{
			"StringEquals": {"aws:SourceAccount": {AccountID}},
			"ArnLike":      {"aws:SourceArn": {"arn:aws:personalize:" + Region + ":" + AccountID + ":*"}},
		},
	}}}
	b, err := doc.JSON()
	return string(b), err
}

// rolePolicy is the least privilege Personalize needs for a scene: the one
// bucket and the one key, nothing else.
func rolePolicy(bucket, keyARN string) (string, error) {
	doc := iampolicy.Document{Version: iampolicy.Version2012, Statement: []iampolicy.Statement{
		{Sid: "ListTheSceneBucket", Effect: iampolicy.Allow, Action: iampolicy.Values{"s3:ListBucket"},
			Resource: iampolicy.Values{"arn:aws:s3:::" + bucket}},
		{Sid: "ReadAndWriteTheSceneObjects", Effect: iampolicy.Allow, Action: iampolicy.Values{"s3:GetObject", "s3:PutObject"},
			Resource: iampolicy.Values{"arn:aws:s3:::" + bucket + "/*"}},
		{Sid: "UseTheSceneKey", Effect: iampolicy.Allow,
			Action:   iampolicy.Values{"kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ListGrants"},
			Resource: iampolicy.Values{keyARN}},
		// Grants let Personalize use the key for the dataset group's
		// lifetime; only for AWS resources, never for a principal of the
		// caller's choosing.
		{Sid: "GrantTheSceneKeyToAWSResources", Effect: iampolicy.Allow, Action: iampolicy.Values{"kms:CreateGrant"},
			Resource:  iampolicy.Values{keyARN},
			Condition: map[string]map[string]iampolicy.Values{"Bool": {"kms:GrantIsForAWSResource": {"true"}}}},
	}}
	b, err := doc.JSON()
	return string(b), err
}

// trailKeyPolicy lets CloudTrail encrypt this trail's log files and the
// account read them, as AWS's CloudTrail key policy does, with the
// account's administration statement that [kms.PersonalizeKeyPolicy] also
// writes.
func trailKeyPolicy(trailARN string) (string, error) {
	trailContext := "arn:aws:cloudtrail:*:" + AccountID + ":trail/*"
	doc := iampolicy.Document{Version: iampolicy.Version2012, ID: "personalizetest-cloudtrail-key-policy", Statement: []iampolicy.Statement{
		{Sid: "AllowKeyAdministrationByTheAccount", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values{"arn:aws:iam::" + AccountID + ":root"}},
			Action:    iampolicy.Values{"kms:*"}, Resource: iampolicy.Values{"*"}},
		{Sid: "AllowCloudTrailToEncryptLogs", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: iampolicy.Values{"cloudtrail.amazonaws.com"}},
			Action:    iampolicy.Values{"kms:GenerateDataKey*"}, Resource: iampolicy.Values{"*"},
			Condition: map[string]map[string]iampolicy.Values{
				"StringEquals": {"aws:SourceArn": {trailARN}},
				"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {trailContext}},
			}},
		{Sid: "AllowCloudTrailToDescribeKey", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: iampolicy.Values{"cloudtrail.amazonaws.com"}},
			Action:    iampolicy.Values{"kms:DescribeKey"}, Resource: iampolicy.Values{"*"},
			Condition: map[string]map[string]iampolicy.Values{"StringEquals": {"aws:SourceArn": {trailARN}}}},
		{Sid: "AllowTheAccountToReadLogs", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values{"arn:aws:iam::" + AccountID + ":root"}},
			Action:    iampolicy.Values{"kms:Decrypt", "kms:ReEncryptFrom"}, Resource: iampolicy.Values{"*"},
			Condition: map[string]map[string]iampolicy.Values{
				"StringEquals": {"kms:CallerAccount": {AccountID}},
				"StringLike":   {"kms:EncryptionContext:aws:cloudtrail:arn": {trailContext}},
			}},
	}}
	b, err := doc.JSON()
	return string(b), err
}

// trailBucketPolicy lets CloudTrail deliver this trail's logs, and nothing
// else, and refuses requests without TLS.
func trailBucketPolicy(bucket, trailARN string) (string, error) {
	cloudtrail := &iampolicy.Principal{Service: iampolicy.Values{"cloudtrail.amazonaws.com"}}
	doc := iampolicy.Document{Version: iampolicy.Version2012, Statement: []iampolicy.Statement{
		{Sid: "AllowCloudTrailToCheckTheACL", Effect: iampolicy.Allow, Principal: cloudtrail,
			Action: iampolicy.Values{"s3:GetBucketAcl"}, Resource: iampolicy.Values{"arn:aws:s3:::" + bucket},
			Condition: map[string]map[string]iampolicy.Values{"StringEquals": {"aws:SourceArn": {trailARN}}}},
		{Sid: "AllowCloudTrailToWriteLogs", Effect: iampolicy.Allow, Principal: cloudtrail,
			Action: iampolicy.Values{"s3:PutObject"}, Resource: iampolicy.Values{"arn:aws:s3:::" + bucket + "/AWSLogs/" + AccountID + "/*"},
			Condition: map[string]map[string]iampolicy.Values{"StringEquals": {
				"aws:SourceArn": {trailARN},
				"s3:x-amz-acl":  {"bucket-owner-full-control"},
			}}},
		{Sid: "DenyRequestsWithoutTLS", Effect: iampolicy.Deny, Principal: &iampolicy.Principal{AWS: iampolicy.Values{"*"}},
			Action:    iampolicy.Values{"s3:*"},
			Resource:  iampolicy.Values{"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"},
			Condition: map[string]map[string]iampolicy.Values{"Bool": {"aws:SecureTransport": {"false"}}}},
	}}
	b, err := doc.JSON()
	return string(b), err
}

// seedTrail creates the trail's key and bucket through the endpoint, then
// the trail.
func (s *Server) seedTrail(ctx context.Context, as *AccountScene) error {
	keyPol, err := trailKeyPolicy(as.TrailARN)
	if err != nil {
		return fmt.Errorf("write key policy: %w", err)
	}
	bucketPol, err := trailBucketPolicy(as.TrailBucket, as.TrailARN)
	if err != nil {
		return fmt.Errorf("write bucket policy: %w", err)
	}
	cfg := s.Config()
	kmsClient, s3Client := kms.NewFromConfig(cfg), s3.NewFromConfig(cfg)
	key, err := kmsClient.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("personalizetest CloudTrail key"),
		KeySpec: kmstypes.KeySpecSymmetricDefault, KeyUsage: kmstypes.KeyUsageTypeEncryptDecrypt, Policy: &keyPol})
	if err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	as.TrailKeyARN = aws.ToString(key.KeyMetadata.Arn)
	if _, err := kmsClient.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &as.TrailKeyARN}); err != nil {
		return fmt.Errorf("enable key rotation: %w", err)
	}
	for _, st := range safeBucketSteps(ctx, s3Client, as.TrailBucket, as.TrailKeyARN, bucketPol) {
		if err := st.call(); err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
	}
	if _, err := s.PutTrail(Trail{Name: as.TrailName, S3BucketName: as.TrailBucket, KMSKeyID: as.TrailKeyARN, MultiRegion: true,
		LogFileValidation: true, Logging: true, ManagementEvents: "All"}); err != nil {
		return fmt.Errorf("put trail: %w", err)
	}
	return nil
}

// inProcess is an HTTP client that hands each request to a handler in the
// same process: the SDK serializes and deserializes as over the network.
type inProcess struct{ h http.Handler }

func (c inProcess) Do(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// accountTags are the tags of the extra dataset groups: what a team puts on
// its resources, nothing that identifies a person.
var accountTags = []ptypes.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recommendations")},
	{TagKey: aws.String("environment"), TagValue: aws.String("test")}}

// seedGroups creates AccountOptions' dataset groups, each with an
// Interactions dataset and its import jobs, a few groups at a time.
func (s *Server) seedGroups(ctx context.Context, as *AccountScene, o AccountOptions, suffix string) error {
	cfg := s.Config()
	cfg.HTTPClient = inProcess{s.personalize}
	pz := personalize.NewFromConfig(cfg)
	prefix := accountGroupPrefix
	if suffix != "" {
		prefix += strings.TrimPrefix(suffix, "-") + "-"
	}
	schema, err := pz.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: aws.String(prefix + "interactions"), Schema: aws.String(InteractionsSchema)})
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	groups := make([]string, o.DatasetGroups)
	jobs := make([][]string, o.DatasetGroups)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	next := make(chan int)
	const workers = 4
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				g, js, err := s.seedGroup(ctx, pz, as, fmt.Sprintf("%s%03d", prefix, i+1), aws.ToString(schema.SchemaArn), o.JobsPerGroup)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				groups[i], jobs[i] = g, js
				mu.Unlock()
			}
		}()
	}
	for i := range o.DatasetGroups {
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	as.DatasetGroupARNs = groups
	for _, js := range jobs {
		as.ImportJobARNs = append(as.ImportJobARNs, js...)
	}
	return nil
}

// seedGroup creates one dataset group, its dataset and its import jobs,
// waiting for each to be ACTIVE as Personalize requires before the next.
func (s *Server) seedGroup(ctx context.Context, pz *personalize.Client, as *AccountScene, name, schemaARN string, jobs int) (string, []string, error) {
	g, err := pz.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: &name, KmsKeyArn: &as.KeyARN, RoleArn: &as.RoleARN, Tags: accountTags})
	if err != nil {
		return "", nil, fmt.Errorf("create dataset group %s: %w", name, err)
	}
	groupARN := aws.ToString(g.DatasetGroupArn)
	if err := waitActive(ctx, func(ctx context.Context) (string, string, error) {
		d, err := pz.DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: &groupARN})
		if err != nil {
			return "", "", err
		}
		return aws.ToString(d.DatasetGroup.Status), aws.ToString(d.DatasetGroup.FailureReason), nil
	}); err != nil {
		return "", nil, fmt.Errorf("wait for dataset group %s: %w", name, err)
	}
	ds, err := pz.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: aws.String(name + "-interactions"), DatasetGroupArn: &groupARN,
		DatasetType: aws.String("Interactions"), SchemaArn: &schemaARN})
	if err != nil {
		return "", nil, fmt.Errorf("create dataset of %s: %w", name, err)
	}
	datasetARN := aws.ToString(ds.DatasetArn)
	if err := waitActive(ctx, func(ctx context.Context) (string, string, error) {
		d, err := pz.DescribeDataset(ctx, &personalize.DescribeDatasetInput{DatasetArn: &datasetARN})
		if err != nil {
			return "", "", err
		}
		return aws.ToString(d.Dataset.Status), "", nil
	}); err != nil {
		return "", nil, fmt.Errorf("wait for dataset of %s: %w", name, err)
	}
	arns := make([]string, 0, jobs)
	for j := range jobs {
		jobName := fmt.Sprintf("%s-import-%03d", name, j+1)
		out, err := pz.CreateDatasetImportJob(ctx, &personalize.CreateDatasetImportJobInput{JobName: &jobName, DatasetArn: &datasetARN,
			DataSource: &ptypes.DataSource{DataLocation: &as.DataLocation}, RoleArn: &as.RoleARN})
		if err != nil {
			return "", nil, fmt.Errorf("create import job %s: %w", jobName, err)
		}
		jobARN := aws.ToString(out.DatasetImportJobArn)
		if err := waitActive(ctx, func(ctx context.Context) (string, string, error) {
			d, err := pz.DescribeDatasetImportJob(ctx, &personalize.DescribeDatasetImportJobInput{DatasetImportJobArn: &jobARN})
			if err != nil {
				return "", "", err
			}
			return aws.ToString(d.DatasetImportJob.Status), aws.ToString(d.DatasetImportJob.FailureReason), nil
		}); err != nil {
			return "", nil, fmt.Errorf("wait for import job %s: %w", jobName, err)
		}
		arns = append(arns, jobARN)
	}
	return groupARN, arns, nil
}
