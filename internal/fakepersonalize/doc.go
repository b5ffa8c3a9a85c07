// Package fakepersonalize serves the Amazon Personalize control plane
// (JSON 1.1: POST /, X-Amz-Target: AmazonPersonalize.<Operation>) in-process,
// for tests and examples that must run without AWS.
//
// No emulator of Personalize exists elsewhere, so this one is written from
// the SDK's own serializers, deserializers and validators
// (aws-sdk-go-v2/service/personalize v1.50.5): field names, shapes, epoch
// timestamps and the error types each operation may return match them.
//
// # Behaviour
//
//   - Validation as AWS does it: required fields, name pattern and lengths,
//     tag limits, RoleArn only together with KmsKeyArn, KMS keys that exist
//     and are enabled in the local KMS ([Config.Keys]), S3 locations whose
//     bucket exists in the local S3 ([Config.Objects]). Failures answer HTTP
//     400 with {"__type": ..., "message": ...}, so the SDK returns its typed
//     errors (*types.InvalidInputException, *types.ResourceNotFoundException,
//     ...). Messages name the field, never the rejected value.
//   - Lifecycles advance on Describe calls: a new resource is CREATE PENDING
//     (batch jobs: PENDING), each Describe moves it one step, and after
//     [Config.StatusSteps] Describe calls it is ACTIVE or CREATE FAILED.
//     Deletions go through DELETE PENDING the same way and then the resource
//     is gone. StatusSteps 0 settles everything at once.
//   - Work happens when a job settles: an import reads its CSV from the local
//     S3 (CREATE FAILED when the object is missing, empty, or lacks the
//     schema's columns) and keeps the rows in the dataset; an export writes
//     them as CSV under its output path (SSE-KMS with the job's key); a batch
//     inference job writes "<input file>.out" next to its output path; a
//     solution version fails without imported interactions.
//   - List operations page with maxResults/nextToken, so SDK paginators work.
//
// # Operations
//
// Dataset groups, schemas, datasets, event trackers, filters and solutions:
// Create, Describe, List, Delete. Dataset import and export jobs, solution
// versions and batch inference jobs: Create, Describe, List. Campaigns:
// Create, Describe, List, Update, Delete. Tags: TagResource, UntagResource,
// ListTagsForResource. Other Personalize operations answer
// UnsupportedOperationException; targets that are not Personalize
// operations answer UnknownOperationException.
package fakepersonalize
