package personalizetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/personalizeguard/personalizeguard/internal/fakepersonalize"
	guardkms "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// RoleARN is the Personalize service role a [Scene] uses. SeedScene only
// names it in the key and bucket policies; [Server.SeedAccount] also creates
// it in the emulated IAM, with its trust and access policies.
const RoleARN = "arn:aws:iam::" + AccountID + ":role/PersonalizeTestServiceRole"

// InteractionsSchema is an Avro schema for an Interactions dataset that
// matches [InteractionsCSV].
const InteractionsSchema = `{"type":"record","name":"Interactions","namespace":"com.amazonaws.personalize.schema",` +
	`"fields":[{"name":"USER_ID","type":"string"},{"name":"ITEM_ID","type":"string"},{"name":"TIMESTAMP","type":"long"}],"version":"1.0"}`

// InteractionsCSV is the object a [Scene] uploads: a few interactions with
// nothing sensitive in them.
const InteractionsCSV = "USER_ID,ITEM_ID,TIMESTAMP\n" +
	"user-1,item-1,1700000000\n" +
	"user-1,item-2,1700000100\n" +
	"user-2,item-1,1700000200\n" +
	"user-3,item-3,1700000300\n"

// RecommendationsCSV is the object a [Scene] uploads instead of
// [InteractionsCSV] when [SceneOptions].Recommendations is set: the same
// four rows and enough more for a campaign to recommend several items. Six
// users interacted with eight items:
//
//	user-1  item-1 item-2                  (SceneUserID)
//	user-2  item-1 item-2 item-3 item-4
//	user-3  item-1 item-3 item-5
//	user-4  item-2 item-3 item-6
//	user-5  item-4 item-7 item-8
//	user-6  item-7 item-8
//
// Nothing in it is sensitive.
const RecommendationsCSV = InteractionsCSV +
	"user-2,item-2,1700000400\n" +
	"user-2,item-3,1700000500\n" +
	"user-2,item-4,1700000600\n" +
	"user-3,item-1,1700000700\n" +
	"user-3,item-5,1700000800\n" +
	"user-4,item-2,1700000900\n" +
	"user-4,item-3,1700001000\n" +
	"user-4,item-6,1700001100\n" +
	"user-5,item-4,1700001200\n" +
	"user-5,item-7,1700001300\n" +
	"user-5,item-8,1700001400\n" +
	"user-6,item-7,1700001500\n" +
	"user-6,item-8,1700001600\n"

// ItemsSchema is an Avro schema for an Items dataset with a textual
// DESCRIPTION, matching [DirtyItemsCSV].
const ItemsSchema = `{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema",` +
	`"fields":[{"name":"ITEM_ID","type":"string"},{"name":"DESCRIPTION","type":"string","textual":true}],"version":"1.0"}`

// DirtyInteractionsCSV is what [SceneOptions].Dirty uploads to
// [Scene].DirtyDataLocation: interactions in the shape of
// [InteractionsSchema] whose USER_IDs are customers' e-mail addresses, as
// exported straight from a shop's database. The import scan of package
// personalize refuses it (datascan.identifier.email): Personalize would keep
// the addresses, and the data-plane clients would have to send them too.
const DirtyInteractionsCSV = "USER_ID,ITEM_ID,TIMESTAMP\n" +
	"alice.smith@example.com,item-1,1700000000\n" +
	"alice.smith@example.com,item-2,1700000100\n" +
	"bob.jones@example.org,item-1,1700000200\n" +
	"carol.white@example.net,item-3,1700000300\n"

// DirtyItemsCSV is what [SceneOptions].Dirty uploads to
// [Scene].DirtyItemsLocation: items in the shape of [ItemsSchema] whose
// DESCRIPTION column carries payment card numbers (test numbers, pasted
// from order notes). The import scan refuses it (datascan.column.credit-card):
// Personalize returns item metadata with recommendations.
const DirtyItemsCSV = "ITEM_ID,DESCRIPTION\n" +
	"item-1,\"Gift set, paid with card 4242 4242 4242 4242\"\n" +
	"item-2,Refund to 5105105105105100 approved\n" +
	"item-3,\"Reserved for card 4000 0566 5566 5556, see note\"\n" +
	"item-4,Card on file 6011000990139424\n"

// SceneUserID is a user of [RecommendationsCSV] with a known history
// (item-1 and item-2), for tests to ask a [Scene]'s campaign about. The
// campaign recommends, in this order:
//
//	item-3 item-4 item-5 item-6 item-7 item-8
//
// item-3 first, since all three users who share an item with SceneUserID
// have it; item-1 and item-2 are left out, as already seen. After a PutEvents
// in which SceneUserID views item-7 (which users 5 and 6 both paired with
// item-8), the next answer moves item-8 up:
//
//	item-3 item-4 item-8 item-5 item-6
//
// A user not in the data gets every item by popularity:
//
//	item-1 item-2 item-3 item-4 item-7 item-8 item-5 item-6
const SceneUserID = "user-1"

// UserPersonalizationRecipeARN is the recipe of a [Scene]'s solution.
const UserPersonalizationRecipeARN = "arn:aws:personalize:::recipe/aws-user-personalization"

// Scene is a ready-made, well-protected setting for Personalize: a KMS key
// and a bucket as AWS's data-protection guidance asks for them. With
// [SceneOptions].Recommendations it also holds a campaign trained on
// [RecommendationsCSV] (users user-1 to user-6, items item-1 to item-8;
// [SceneUserID] is the one to ask about) and an event tracker.
type Scene struct {
	// KeyARN is a symmetric customer managed key with rotation on, whose key
	// policy grants personalize.amazonaws.com and RoleARN kms:Decrypt,
	// kms:GenerateDataKey, kms:DescribeKey, kms:CreateGrant, kms:ListGrants
	// and kms:GenerateDataKeyWithoutPlaintext.
	KeyARN string
	// RoleARN is [RoleARN].
	RoleARN string
	// Bucket has default SSE-KMS encryption with KeyARN (bucket key on), a
	// policy that denies every request without TLS and grants
	// personalize.amazonaws.com s3:GetObject, s3:ListBucket and s3:PutObject
	// for this account only (aws:SourceAccount), all four public access block
	// settings, and object ownership BucketOwnerEnforced.
	Bucket string
	// DataLocation is s3://Bucket/interactions.csv, holding [InteractionsCSV]
	// ([RecommendationsCSV] with [SceneOptions].Recommendations) encrypted
	// with KeyARN.
	DataLocation string
	// ExportLocation is s3://Bucket/export/, for export and batch jobs.
	ExportLocation string
	// DirtyDataLocation is s3://Bucket/dirty/interactions.csv, holding
	// [DirtyInteractionsCSV], and DirtyItemsLocation is
	// s3://Bucket/dirty/items.csv, holding [DirtyItemsCSV], both encrypted
	// with KeyARN, when [SceneOptions].Dirty is set; otherwise "".
	DirtyDataLocation, DirtyItemsLocation string
	// DatasetGroupARN is an ACTIVE dataset group encrypted with KeyARN and
	// RoleARN, when [SceneOptions].DatasetGroup or Recommendations asked for
	// one; otherwise "".
	DatasetGroupARN string

	// The fields below are set, each to an ACTIVE resource of the dataset
	// group, when [SceneOptions].Recommendations is; otherwise they are "".
	// Each resource is named like the dataset group.

	// InteractionsSchemaARN is [InteractionsSchema].
	InteractionsSchemaARN string
	// InteractionsDatasetARN is the group's Interactions dataset, holding
	// [RecommendationsCSV] (imported from DataLocation by
	// DatasetImportJobARN) and every event sent with TrackingID.
	InteractionsDatasetARN string
	// DatasetImportJobARN is the FULL import of DataLocation.
	DatasetImportJobARN string
	// SolutionARN is a solution with [UserPersonalizationRecipeARN], and
	// SolutionVersionARN its version trained on the import.
	SolutionARN, SolutionVersionARN string
	// CampaignARN serves SolutionVersionARN: pass it to the runtime API's
	// GetRecommendations with a userId (see [SceneUserID] for what it
	// answers).
	CampaignARN string
	// EventTrackerARN is the group's event tracker, and TrackingID its ID for
	// the events API's PutEvents, which updates what CampaignARN recommends.
	EventTrackerARN, TrackingID string
}

// SceneOptions configure [Server.SeedScene], set by functions as [Options]
// are.
type SceneOptions struct {
	// Bucket names the scene's bucket. By default the first scene of a
	// Server uses "personalizetest-data", later ones "personalizetest-data-N".
	Bucket string
	// DatasetGroup, when set, also creates a dataset group of that name,
	// encrypted with the scene's key and role, and waits until it is ACTIVE.
	DatasetGroup string
	// Recommendations, when true, makes the scene ready for the data plane:
	// the bucket holds [RecommendationsCSV] instead of [InteractionsCSV],
	// and SeedScene also creates a dataset group (named DatasetGroup, by
	// default "personalizetest-recommendations", "-N" for later scenes),
	// the interactions schema, dataset and import, a user-personalization
	// solution, its version, a campaign and an event tracker, waiting until
	// each is ACTIVE. See [Scene] for their ARNs and [SceneUserID] for what
	// the campaign answers.
	Recommendations bool
	// Dirty, when true, also uploads data that must not reach Personalize,
	// in a bucket that is otherwise as safe as AWS asks:
	// [DirtyInteractionsCSV] (e-mail addresses as USER_ID) and
	// [DirtyItemsCSV] (card numbers in a textual DESCRIPTION), at
	// [Scene].DirtyDataLocation and DirtyItemsLocation, for tests and demos
	// of the guard's import scan. The schemas to import them with are
	// [InteractionsSchema] and [ItemsSchema].
	Dirty bool
}

// keyPolicy is the key policy a [Scene] puts on its key: what
// kms.PersonalizeKeyPolicy writes for [RoleARN], exports included.
func keyPolicy() (string, error) {
	b, err := guardkms.PersonalizeKeyPolicy(guardkms.KeyPolicyInput{RoleARN: RoleARN, AccountID: AccountID, Region: Region, Exports: true})
	return string(b), err
}

// bucketPolicy is the bucket policy a [Scene] puts on bucket: what
// s3guard.PersonalizeBucketPolicy writes for reading and writing, with the
// TLS-only deny.
func bucketPolicy(bucket string) (string, error) {
	b, err := s3guard.PersonalizeBucketPolicy(s3guard.BucketPolicyInput{Bucket: bucket,
		Directions: []s3guard.Direction{s3guard.Read, s3guard.Write}, AccountID: AccountID})
	return string(b), err
}

// SeedScene creates a [Scene] through the real SDK clients against the
// Server itself, so its requests appear in the request log (call
// [Server.ResetRequests] afterwards to start clean) and [Server.Deny] applies
// to them. It fails closed: the first step that fails ends it, with an error
// that names the step ("create campaign", "wait for the solution version",
// ...) and wraps the SDK's.
//
// With [SceneOptions].Recommendations, a test of a service that calls
// GetRecommendations or PutEvents needs nothing more than the Scene's
// CampaignARN and TrackingID.
func (s *Server) SeedScene(ctx context.Context, optFns ...func(*SceneOptions)) (Scene, error) {
	n := s.scenes.Add(1)
	o := SceneOptions{Bucket: "personalizetest-data"}
	if n > 1 {
		o.Bucket += "-" + strconv.Itoa(int(n))
	}
	for _, opt := range optFns {
		opt(&o)
	}
	data := InteractionsCSV
	if o.Recommendations {
		data = RecommendationsCSV
		if o.DatasetGroup == "" {
			o.DatasetGroup = "personalizetest-recommendations"
			if n > 1 {
				o.DatasetGroup += "-" + strconv.Itoa(int(n))
			}
		}
	}
	cfg := s.Config()
	kmsClient, s3Client := kms.NewFromConfig(cfg), s3.NewFromConfig(cfg)
	fail := func(step string, err error) (Scene, error) {
		return Scene{}, fmt.Errorf("personalizetest: seed scene: %s: %w", step, err)
	}

	keyPol, err := keyPolicy()
	if err != nil {
		return fail("write key policy", err)
	}
	bucketPol, err := bucketPolicy(o.Bucket)
	if err != nil {
		return fail("write bucket policy", err)
	}
	key, err := kmsClient.CreateKey(ctx, &kms.CreateKeyInput{
		Description: aws.String("personalizetest scene key"),
		KeySpec:     kmstypes.KeySpecSymmetricDefault,
		KeyUsage:    kmstypes.KeyUsageTypeEncryptDecrypt,
		Policy:      aws.String(keyPol),
	})
	if err != nil {
		return fail("create key", err)
	}
	sc := Scene{
		KeyARN:         aws.ToString(key.KeyMetadata.Arn),
		RoleARN:        RoleARN,
		Bucket:         o.Bucket,
		DataLocation:   "s3://" + o.Bucket + "/interactions.csv",
		ExportLocation: "s3://" + o.Bucket + "/export/",
	}
	if _, err := kmsClient.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &sc.KeyARN}); err != nil {
		return fail("enable key rotation", err)
	}

	b := &sc.Bucket
	steps := append(safeBucketSteps(ctx, s3Client, sc.Bucket, sc.KeyARN, bucketPol), seedStep{"upload interactions", func() error {
		_, err := s3Client.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("interactions.csv"), Body: strings.NewReader(data),
			ContentType: aws.String("text/csv"), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: &sc.KeyARN})
		return err
	}})
	if o.Dirty {
		sc.DirtyDataLocation, sc.DirtyItemsLocation = "s3://"+o.Bucket+"/dirty/interactions.csv", "s3://"+o.Bucket+"/dirty/items.csv"
		for _, obj := range []struct{ key, data string }{{"dirty/interactions.csv", DirtyInteractionsCSV}, {"dirty/items.csv", DirtyItemsCSV}} {
			steps = append(steps, seedStep{"upload " + obj.key, func() error {
				_, err := s3Client.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(obj.key), Body: strings.NewReader(obj.data),
					ContentType: aws.String("text/csv"), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: &sc.KeyARN})
				return err
			}})
		}
	}
	for _, st := range steps {
		if err := st.call(); err != nil {
			return fail(st.name, err)
		}
	}

	if o.DatasetGroup == "" {
		return sc, nil
	}
	pz := personalize.NewFromConfig(cfg)
	resources := []resourceStep{datasetGroupStep(pz, &sc, o.DatasetGroup)}
	if o.Recommendations {
		resources = append(resources, recommendationSteps(pz, &sc, o.DatasetGroup)...)
	}
	for _, st := range resources {
		if err := st.create(ctx); err != nil {
			return fail("create "+st.what, err)
		}
		if st.status == nil {
			continue
		}
		if err := waitActive(ctx, st.status); err != nil {
			return fail("wait for the "+st.what, err)
		}
	}
	return sc, nil
}

// resourceStep creates one Personalize resource of a [Scene], recording its
// ARN there, and tells its status so that SeedScene can wait for ACTIVE
// before the next step needs it.
type resourceStep struct {
	what   string
	create func(context.Context) error
	// status describes the resource; nil for one without a lifecycle.
	status func(context.Context) (status, reason string, err error)
}

func datasetGroupStep(pz *personalize.Client, sc *Scene, name string) resourceStep {
	return resourceStep{"dataset group",
		func(ctx context.Context) error {
			out, err := pz.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: &name, KmsKeyArn: &sc.KeyARN, RoleArn: &sc.RoleARN})
			if err == nil {
				sc.DatasetGroupARN = aws.ToString(out.DatasetGroupArn)
			}
			return err
		},
		func(ctx context.Context) (string, string, error) {
			d, err := pz.DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: &sc.DatasetGroupARN})
			if err != nil {
				return "", "", err
			}
			return aws.ToString(d.DatasetGroup.Status), aws.ToString(d.DatasetGroup.FailureReason), nil
		},
	}
}

// recommendationSteps build, in the dataset group, everything the data plane
// needs, in the order each depends on the one before. Every resource is
// named like the group: each kind has its own namespace.
func recommendationSteps(pz *personalize.Client, sc *Scene, name string) []resourceStep {
	return []resourceStep{
		{"interactions schema", func(ctx context.Context) error {
			out, err := pz.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: &name, Schema: aws.String(InteractionsSchema)})
			if err == nil {
				sc.InteractionsSchemaARN = aws.ToString(out.SchemaArn)
			}
			return err
		}, nil},
		{"interactions dataset", func(ctx context.Context) error {
			out, err := pz.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: &name, DatasetGroupArn: &sc.DatasetGroupARN,
				DatasetType: aws.String("Interactions"), SchemaArn: &sc.InteractionsSchemaARN})
			if err == nil {
				sc.InteractionsDatasetARN = aws.ToString(out.DatasetArn)
			}
			return err
		}, func(ctx context.Context) (string, string, error) {
			d, err := pz.DescribeDataset(ctx, &personalize.DescribeDatasetInput{DatasetArn: &sc.InteractionsDatasetARN})
			if err != nil {
				return "", "", err
			}
			return aws.ToString(d.Dataset.Status), "", nil
		}},
		{"dataset import job", func(ctx context.Context) error {
			out, err := pz.CreateDatasetImportJob(ctx, &personalize.CreateDatasetImportJobInput{JobName: &name, DatasetArn: &sc.InteractionsDatasetARN,
				DataSource: &ptypes.DataSource{DataLocation: &sc.DataLocation}, RoleArn: &sc.RoleARN})
			if err == nil {
				sc.DatasetImportJobARN = aws.ToString(out.DatasetImportJobArn)
			}
			return err
		}, func(ctx context.Context) (string, string, error) {
			d, err := pz.DescribeDatasetImportJob(ctx, &personalize.DescribeDatasetImportJobInput{DatasetImportJobArn: &sc.DatasetImportJobARN})
			if err != nil {
				return "", "", err
			}
			return aws.ToString(d.DatasetImportJob.Status), aws.ToString(d.DatasetImportJob.FailureReason), nil
		}},
		{"solution", func(ctx context.Context) error {
			out, err := pz.CreateSolution(ctx, &personalize.CreateSolutionInput{Name: &name, DatasetGroupArn: &sc.DatasetGroupARN,
				RecipeArn: aws.String(UserPersonalizationRecipeARN)})
			if err == nil {
				sc.SolutionARN = aws.ToString(out.SolutionArn)
			}
			return err
		}, func(ctx context.Context) (string, string, error) {
			d, err := pz.DescribeSolution(ctx, &personalize.DescribeSolutionInput{SolutionArn: &sc.SolutionARN})
			if err != nil {
				return "", "", err
			}
			return aws.ToString(d.Solution.Status), "", nil
		}},
		{"solution version", func(ctx context.Context) error {
			out, err := pz.CreateSolutionVersion(ctx, &personalize.CreateSolutionVersionInput{SolutionArn: &sc.SolutionARN})
			if err == nil {
				sc.SolutionVersionARN = aws.ToString(out.SolutionVersionArn)
			}
			return err
		}, func(ctx context.Context) (string, string, error) {
			d, err := pz.DescribeSolutionVersion(ctx, &personalize.DescribeSolutionVersionInput{SolutionVersionArn: &sc.SolutionVersionARN})
			if err != nil {
				return "", "", err
			}
			return aws.ToString(d.SolutionVersion.Status), aws.ToString(d.SolutionVersion.FailureReason), nil
		}},
		{"campaign", func(ctx context.Context) error {
			out, err := pz.CreateCampaign(ctx, &personalize.CreateCampaignInput{Name: &name, SolutionVersionArn: &sc.SolutionVersionARN})
			if err == nil {
				sc.CampaignARN = aws.ToString(out.CampaignArn)
			}
			return err
		}, func(ctx context.Context) (string, string, error) {
			d, err := pz.DescribeCampaign(ctx, &personalize.DescribeCampaignInput{CampaignArn: &sc.CampaignARN})
			if err != nil {
				return "", "", err
			}
			return aws.ToString(d.Campaign.Status), aws.ToString(d.Campaign.FailureReason), nil
		}},
		{"event tracker", func(ctx context.Context) error {
			out, err := pz.CreateEventTracker(ctx, &personalize.CreateEventTrackerInput{Name: &name, DatasetGroupArn: &sc.DatasetGroupARN})
			if err == nil {
				sc.EventTrackerARN, sc.TrackingID = aws.ToString(out.EventTrackerArn), aws.ToString(out.TrackingId)
			}
			return err
		}, func(ctx context.Context) (string, string, error) {
			d, err := pz.DescribeEventTracker(ctx, &personalize.DescribeEventTrackerInput{EventTrackerArn: &sc.EventTrackerARN})
			if err != nil {
				return "", "", err
			}
			return aws.ToString(d.EventTracker.Status), "", nil
		}},
	}
}

// waitActive polls describe until the status is ACTIVE. Status moves on
// Describe calls, not on time, so it polls without sleeping but gives up
// after a bounded number of calls.
func waitActive(ctx context.Context, describe func(context.Context) (status, reason string, err error)) error {
	for range 64 {
		status, reason, err := describe(ctx)
		switch {
		case err != nil:
			return err
		case status == "ACTIVE":
			return nil
		case strings.HasSuffix(status, "FAILED"):
			return errors.New(status + ": " + reason)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return errors.New("still not ACTIVE after 64 Describe calls")
}

// ExportObjectKey returns where a dataset export job writes its CSV: the
// bucket of outputPath (s3://bucket/prefix/) and the key
// "prefix/<jobName>/<dataset type, lower case>_part_00000.csv".
func ExportObjectKey(outputPath, jobName, datasetType string) (bucket, key string) {
	rest := strings.TrimPrefix(outputPath, "s3://")
	bucket, prefix, _ := strings.Cut(rest, "/")
	return bucket, fakepersonalize.ExportObjectKey(prefix, jobName, datasetType)
}

// BatchOutputKey returns where a batch inference job writes the results for
// the input file inputPath (s3://bucket/dir/file): the bucket of outputPath
// and the key "prefix/<file>.out".
func BatchOutputKey(outputPath, inputPath string) (bucket, key string) {
	bucket, prefix, _ := strings.Cut(strings.TrimPrefix(outputPath, "s3://"), "/")
	_, inKey, _ := strings.Cut(strings.TrimPrefix(inputPath, "s3://"), "/")
	return bucket, fakepersonalize.BatchOutputKey(prefix, inKey)
}

// seedStep is one named call of a seed: its name says which failed.
type seedStep struct {
	name string
	call func() error
}

// safeBucketSteps create bucket as AWS's data-protection guidance asks: all
// four public access block settings, BucketOwnerEnforced, default SSE-KMS
// with keyARN (bucket key on), and policy. The scene's data bucket and the
// account's trail bucket are both made this way.
func safeBucketSteps(ctx context.Context, s3Client *s3.Client, bucket, keyARN, policy string) []seedStep {
	b := aws.String(bucket)
	return []seedStep{
		{"create bucket", func() error { _, err := s3Client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}); return err }},
		{"block public access", func() error {
			_, err := s3Client.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
			}})
			return err
		}},
		{"enforce bucket ownership", func() error {
			_, err := s3Client.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: b, OwnershipControls: &s3types.OwnershipControls{
				Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipBucketOwnerEnforced}},
			}})
			return err
		}},
		{"set default encryption", func() error {
			_, err := s3Client.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
				Rules: []s3types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)},
					BucketKeyEnabled:                   aws.Bool(true),
				}},
			}})
			return err
		}},
		{"put bucket policy", func() error {
			_, err := s3Client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(policy)})
			return err
		}},
	}
}
