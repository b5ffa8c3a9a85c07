// Package fakepersonalize serves the Amazon Personalize control plane
// (JSON 1.1: POST /, X-Amz-Target: AmazonPersonalize.<Operation>) and the
// events and runtime data-plane APIs (REST-JSON: POST /events, POST
// /recommendations, ...; see [Server.ServeData]) in-process, for tests and
// examples that must run without AWS.
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
// All 71 operations of the model (service/personalize v1.50.5). Recommenders
// also stop (INACTIVE) and start; data deletion jobs read a CSV with a USER_ID
// column from the local S3 and erase those users' records from the group's
// datasets (COMPLETED, numDeleted); batch segment jobs write
// "<input file>.out" like batch inference, with a usersList per line; a
// solution version still being created can be stopped (CREATE STOPPED).
// Recipes, algorithms and the feature transformation come from a small
// built-in catalog. Targets that are not Personalize operations answer
// UnknownOperationException.
//
// # Validation
//
// Every request is checked against rules_gen.go, which go generate writes
// from the service model (internal/apimodel): lengths, anchored patterns,
// enums, ranges, required members, list and map sizes, nested structures,
// list elements and map keys and values. All violations are reported in one
// message naming each member as AWS does ("tags.1.member.tagKey"), never its
// value. Answers are limited to the errors the operation declares:
// ListDatasetGroups and ListSchemas, which declare no InvalidInputException,
// answer InvalidNextTokenException for bad paging input; more than 200 tags
// or tag keys answer TooManyTagsException or TooManyTagKeysException.
//
// # Data plane
//
// [DataOperation] names the operation of a method and path; [Server.ServeData]
// validates it from the events or runtime model (events_rules_gen.go,
// runtime_rules_gen.go) and answers with REST-JSON errors (status from the
// model, X-Amzn-Errortype, {"message": ...}). Events go into the group's
// interactions dataset and teach the models (see learned) of its solution
// versions and recommenders; the runtime answers from those models and
// evaluates the filter subset in filterexpr.go.
package fakepersonalize
