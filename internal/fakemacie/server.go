// Package fakemacie is an in-memory Amazon Macie for tests: it serves the
// read operations an account audit makes in Macie's REST-JSON protocol
// (SigV4 service "macie2"), as the SDK's service/macie2 client serializes
// and reads them:
//
//	GET  /macie                             GetMacieSession
//	GET  /automated-discovery/configuration GetAutomatedDiscoveryConfiguration
//	POST /jobs/list                         ListClassificationJobs (paginated with nextToken)
//	GET  /jobs/{jobId}                      DescribeClassificationJob
//	GET  /classification-scopes/{id}        GetClassificationScope (automated discovery's exclusions)
//
// over the account state set with [Server.Set].
//
// # When Macie is not enabled
//
// Real Macie answers every operation of an account that has not enabled it
// in the Region (GetMacieSession included) with AccessDeniedException and
// the message "Macie is not enabled.". The API reference lists HTTP 403 for
// AccessDeniedException; answers observed from the service carry HTTP 401.
// Sources (searched 2026-11-29):
//
//   - prowler-cloud/prowler#1279 quotes the AWS CLI against an account
//     without Macie: "An error occurred (AccessDeniedException) when calling
//     the ListFindings operation: Macie is not enabled.";
//   - mondoohq/mql#5988 (2025) quotes aws-sdk-go-v2 against such accounts:
//     "operation error Macie2: ListClassificationJobs, https response error
//     StatusCode: 401, ..., AccessDeniedException: Macie is not enabled.";
//   - ministryofjustice/modernisation-platform#8546 cites AWS re:Post, "Macie
//     not enabled means false positive AccessDeniedExceptions in
//     CloudTrail", for AccessDenied answers to AWS Config's Macie reads in
//     accounts without Macie;
//   - AWS's own CloudFormation handler for AWS::Macie::Session treats
//     "AccessDeniedException ... GetMacieSession operation: Macie is not
//     enabled" as "not found", with a mocked status of 403 in its tests.
//
// The emulator answers AccessDeniedException, HTTP 401 ([NotEnabledStatus])
// and "Macie is not enabled." ([NotEnabledMessage]). A reader should tell
// "not enabled" from "not allowed" (HTTP 403, IAM's "is not authorized to
// perform" message, which [WriteError] writes for a denied permission) by
// the code and message, not by the status, which the sources disagree on.
//
// # What it does not do
//
// No writes over the wire, no findings, no filterCriteria or sortCriteria in
// ListClassificationJobs (refused with ValidationException rather than
// ignored), no bucket criteria or scoping in jobs (every job names its
// buckets), no organizations.
package fakemacie

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SigningName is the SigV4 service name of Macie, which routes a request
// here.
const SigningName = "macie2"

// Config says where a [Server]'s state lives.
type Config struct {
	// Region is the Region the Server answers for; required.
	Region string
	// AccountID is the 12-digit account of every ARN; required.
	AccountID string
	// Now replaces the clock (creation dates); default time.Now.
	Now func() time.Time
}

// Job is a classification job as [Server.Set] stores it.
type Job struct {
	// Name is the job's name; required.
	Name string
	// Buckets are the buckets of the account the job analyzes
	// (s3JobDefinition.bucketDefinitions); at least one.
	Buckets []string
	// Status is the jobStatus: RUNNING, PAUSED, CANCELLED, COMPLETE, IDLE or
	// USER_PAUSED.
	Status string
	// JobType is ONE_TIME or SCHEDULED.
	JobType string
}

// State is an account's Macie in the Server's Region.
type State struct {
	// Enabled is whether Macie is enabled (status ENABLED); when false,
	// every operation answers as real Macie does for an account that has
	// not enabled it (see the package documentation).
	Enabled bool
	// Paused is whether an enabled Macie is suspended: GetMacieSession
	// answers status PAUSED rather than ENABLED (the other operations
	// answer as for an enabled Macie). Ignored when Enabled is false.
	Paused bool
	// AutomatedDiscovery is whether automated sensitive data discovery is
	// ENABLED (else DISABLED).
	AutomatedDiscovery bool
	// DiscoveryExcludes are the buckets automated discovery's
	// classification scope excludes (GetClassificationScope's
	// s3.excludes.bucketNames).
	DiscoveryExcludes []string
	// Jobs are the account's classification jobs, listed in this order.
	Jobs []Job
}

type job struct {
	Job
	id      string
	created time.Time
}

// Server is one account's Macie in one Region. It is safe for concurrent
// use. A new Server has Macie not enabled.
type Server struct {
	region, account string
	now             func() time.Time

	mu      sync.Mutex
	state   State
	jobs    []*job
	created time.Time
}

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)
	accountPattern = regexp.MustCompile(`^\d{12}$`)
	bucketPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	jobIDPattern   = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// New returns a Server, or an error when cfg is incomplete.
func New(cfg Config) (*Server, error) {
	if !regionPattern.MatchString(cfg.Region) {
		return nil, errors.New("fakemacie: Config.Region is not a Region name")
	}
	if !accountPattern.MatchString(cfg.AccountID) {
		return nil, errors.New("fakemacie: Config.AccountID is not 12 digits")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Server{region: cfg.Region, account: cfg.AccountID, now: now}, nil
}

// Set replaces the account's Macie state. It refuses jobs Macie could not
// have: no name, no buckets, a malformed bucket name, an unknown status or
// type. Jobs keep their IDs across calls when their names stay the same.
func (s *Server) Set(st State) error {
	for i, j := range st.Jobs {
		if j.Name == "" || len(j.Name) > 500 {
			return fmt.Errorf("fakemacie: job %d: name must be 1 to 500 characters", i)
		}
		if len(j.Buckets) == 0 {
			return fmt.Errorf("fakemacie: job %s: needs at least one bucket", j.Name)
		}
		for _, b := range j.Buckets {
			if !bucketPattern.MatchString(b) {
				return fmt.Errorf("fakemacie: job %s: a bucket name is malformed", j.Name)
			}
		}
		switch j.Status {
		case "RUNNING", "PAUSED", "CANCELLED", "COMPLETE", "IDLE", "USER_PAUSED":
		default:
			return fmt.Errorf("fakemacie: job %s: Status must be RUNNING, PAUSED, CANCELLED, COMPLETE, IDLE or USER_PAUSED", j.Name)
		}
		if j.JobType != "ONE_TIME" && j.JobType != "SCHEDULED" {
			return fmt.Errorf("fakemacie: job %s: JobType must be ONE_TIME or SCHEDULED", j.Name)
		}
	}
	for _, b := range st.DiscoveryExcludes {
		if !bucketPattern.MatchString(b) {
			return errors.New("fakemacie: an excluded bucket name is malformed")
		}
	}
	st.DiscoveryExcludes = append([]string(nil), st.DiscoveryExcludes...)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC().Truncate(time.Millisecond)
	if st.Enabled && !s.state.Enabled {
		s.created = now
	}
	old := map[string]*job{}
	for _, j := range s.jobs {
		old[j.Name] = j
	}
	jobs := make([]*job, len(st.Jobs))
	for i, j := range st.Jobs {
		j.Buckets = append([]string(nil), j.Buckets...)
		nj := &job{Job: j, created: now}
		if o, ok := old[j.Name]; ok {
			nj.id, nj.created = o.id, o.created
		} else {
			sum := sha256.Sum256([]byte(s.account + "/" + j.Name))
			nj.id = hex.EncodeToString(sum[:16])
		}
		jobs[i] = nj
	}
	st.Jobs = nil
	s.state, s.jobs = st, jobs
	return nil
}

// State returns a copy of the account's Macie state.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state
	st.DiscoveryExcludes = append([]string(nil), st.DiscoveryExcludes...)
	st.Jobs = make([]Job, len(s.jobs))
	for i, j := range s.jobs {
		st.Jobs[i] = j.Job
		st.Jobs[i].Buckets = append([]string(nil), j.Buckets...)
	}
	return st
}

// Operation names the operation of a Macie request by its method and path;
// ok is false for one the Server does not serve.
func Operation(method, path string) (op string, ok bool) {
	switch {
	case method == http.MethodGet && path == "/macie":
		return "GetMacieSession", true
	case method == http.MethodGet && path == "/automated-discovery/configuration":
		return "GetAutomatedDiscoveryConfiguration", true
	case method == http.MethodPost && path == "/jobs/list":
		return "ListClassificationJobs", true
	case method == http.MethodGet && strings.HasPrefix(path, "/classification-scopes/") && !strings.Contains(path[len("/classification-scopes/"):], "/") && len(path) > len("/classification-scopes/"):
		return "GetClassificationScope", true
	case method == http.MethodGet && strings.HasPrefix(path, "/jobs/") && !strings.Contains(path[len("/jobs/"):], "/") && len(path) > len("/jobs/"):
		return "DescribeClassificationJob", true
	}
	return "", false
}

// Operations returns the operations the Server serves.
func Operations() []string {
	return []string{"DescribeClassificationJob", "GetAutomatedDiscoveryConfiguration", "GetClassificationScope", "GetMacieSession", "ListClassificationJobs"}
}

// apiError is one of Macie's error answers.
type apiError struct {
	status       int
	typ, message string
}

// ServeHTTP answers one REST-JSON request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := Operation(r.Method, r.URL.Path)
	if !ok {
		WriteError(w, http.StatusNotFound, "ResourceNotFoundException", "The requested resource or operation does not exist.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		WriteError(w, http.StatusBadRequest, "ValidationException", "unreadable body")
		return
	}
	s.mu.Lock()
	out, apiErr := s.serve(op, r.URL.Path, body)
	s.mu.Unlock()
	if apiErr != nil {
		WriteError(w, apiErr.status, apiErr.typ, apiErr.message)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		http.Error(w, "fakemacie: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Requestid", requestID())
	_, _ = w.Write(b)
}

// WriteError writes Macie's REST-JSON error answer: the type in the
// X-Amzn-Errortype header and the message in the body.
func WriteError(w http.ResponseWriter, status int, typ, message string) {
	b, _ := json.Marshal(map[string]string{"message": message})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", typ)
	w.Header().Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// NotEnabledStatus and NotEnabledMessage are what Macie answers, with
// AccessDeniedException, for an account that has not enabled it.
const (
	NotEnabledStatus  = http.StatusUnauthorized
	NotEnabledMessage = "Macie is not enabled."
)

func (s *Server) serve(op, path string, body []byte) (any, *apiError) {
	if !s.state.Enabled {
		return nil, &apiError{NotEnabledStatus, "AccessDeniedException", NotEnabledMessage}
	}
	switch op {
	case "GetMacieSession":
		return s.getMacieSession(), nil
	case "GetAutomatedDiscoveryConfiguration":
		return s.getAutomatedDiscoveryConfiguration(), nil
	case "ListClassificationJobs":
		return s.listClassificationJobs(body)
	case "GetClassificationScope":
		return s.getClassificationScope(strings.TrimPrefix(path, "/classification-scopes/"))
	default:
		return s.describeClassificationJob(strings.TrimPrefix(path, "/jobs/"))
	}
}

const timeLayout = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) string { return t.UTC().Format(timeLayout) }

func (s *Server) getMacieSession() any {
	status := "ENABLED"
	if s.state.Paused {
		status = "PAUSED"
	}
	return map[string]string{
		"createdAt":                  stamp(s.created),
		"findingPublishingFrequency": "FIFTEEN_MINUTES",
		"serviceRole":                "arn:aws:iam::" + s.account + ":role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie",
		"status":                     status,
		"updatedAt":                  stamp(s.created),
	}
}

// discoveryIDs are the IDs of the account's classification scope and
// sensitivity inspection template, derived from the account: stable, as
// Macie's are.
func (s *Server) discoveryIDs() (scope, template string) {
	sum := sha256.Sum256([]byte("automated-discovery/" + s.account))
	return hex.EncodeToString(sum[:16]), hex.EncodeToString(sum[16:])
}

// getClassificationScope answers for the account's one scope, automated
// discovery's, whether or not discovery is enabled, as Macie does.
func (s *Server) getClassificationScope(id string) (any, *apiError) {
	if scope, _ := s.discoveryIDs(); id != scope {
		return nil, &apiError{http.StatusNotFound, "ResourceNotFoundException", "The classification scope does not exist."}
	}
	excludes := s.state.DiscoveryExcludes
	if excludes == nil {
		excludes = []string{}
	}
	return map[string]any{"id": id, "name": "automated-sensitive-data-discovery",
		"s3": map[string]any{"excludes": map[string]any{"bucketNames": excludes}}}, nil
}

func (s *Server) getAutomatedDiscoveryConfiguration() any {
	scope, template := s.discoveryIDs()
	out := map[string]string{
		"autoEnableOrganizationMembers":   "NONE",
		"classificationScopeId":           scope,
		"sensitivityInspectionTemplateId": template,
		"status":                          "DISABLED",
	}
	if s.state.AutomatedDiscovery {
		out["status"] = "ENABLED"
		out["firstEnabledAt"] = stamp(s.created)
		out["lastUpdatedAt"] = stamp(s.created)
	} else {
		out["disabledAt"] = stamp(s.created)
		out["lastUpdatedAt"] = stamp(s.created)
	}
	return out
}

type bucketDefinition struct {
	AccountID string   `json:"accountId"`
	Buckets   []string `json:"buckets"`
}

type jobSummary struct {
	BucketDefinitions  []bucketDefinition `json:"bucketDefinitions"`
	CreatedAt          string             `json:"createdAt"`
	JobID              string             `json:"jobId"`
	JobStatus          string             `json:"jobStatus"`
	JobType            string             `json:"jobType"`
	LastRunErrorStatus struct {
		Code string `json:"code"`
	} `json:"lastRunErrorStatus"`
	Name string `json:"name"`
}

func (s *Server) summary(j *job) jobSummary {
	out := jobSummary{BucketDefinitions: []bucketDefinition{{s.account, j.Buckets}}, CreatedAt: stamp(j.created), JobID: j.id,
		JobStatus: j.Status, JobType: j.JobType, Name: j.Name}
	out.LastRunErrorStatus.Code = "NONE"
	return out
}

// pageToken makes an opaque nextToken for resuming at index i.
func (s *Server) pageToken(i int) string {
	sum := sha256.Sum256([]byte(s.account + "/jobs/" + strconv.Itoa(i)))
	return hex.EncodeToString(sum[:4]) + strconv.Itoa(i)
}

func (s *Server) listClassificationJobs(body []byte) (any, *apiError) {
	var in struct {
		FilterCriteria json.RawMessage `json:"filterCriteria"`
		SortCriteria   json.RawMessage `json:"sortCriteria"`
		MaxResults     *int            `json:"maxResults"`
		NextToken      string          `json:"nextToken"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, &apiError{http.StatusBadRequest, "ValidationException", "The request body is not a valid ListClassificationJobs input."}
		}
	}
	if len(in.FilterCriteria) > 0 && string(in.FilterCriteria) != "null" || len(in.SortCriteria) > 0 && string(in.SortCriteria) != "null" {
		return nil, &apiError{http.StatusBadRequest, "ValidationException", "The emulator does not evaluate filterCriteria or sortCriteria."}
	}
	limit := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 0 || *in.MaxResults > 200 {
			return nil, &apiError{http.StatusBadRequest, "ValidationException", "maxResults must be between 0 and 200."}
		}
		if *in.MaxResults > 0 {
			limit = *in.MaxResults
		}
	}
	start := 0
	if in.NextToken != "" {
		i, err := strconv.Atoi(in.NextToken[min(8, len(in.NextToken)):])
		if err != nil || len(in.NextToken) < 9 || i < 0 || i > len(s.jobs) || s.pageToken(i) != in.NextToken {
			return nil, &apiError{http.StatusBadRequest, "ValidationException", "The nextToken is not valid."}
		}
		start = i
	}
	end := min(start+limit, len(s.jobs))
	items := make([]jobSummary, 0, end-start)
	for _, j := range s.jobs[start:end] {
		items = append(items, s.summary(j))
	}
	out := struct {
		Items     []jobSummary `json:"items"`
		NextToken string       `json:"nextToken,omitempty"`
	}{Items: items}
	if end < len(s.jobs) {
		out.NextToken = s.pageToken(end)
	}
	return out, nil
}

func (s *Server) describeClassificationJob(id string) (any, *apiError) {
	var found *job
	for _, j := range s.jobs {
		if j.id == id {
			found = j
			break
		}
	}
	if found == nil {
		if !jobIDPattern.MatchString(id) {
			return nil, &apiError{http.StatusBadRequest, "ValidationException", "The jobId is not valid."}
		}
		return nil, &apiError{http.StatusNotFound, "ResourceNotFoundException", "Classification job " + id + " does not exist."}
	}
	out := map[string]any{
		"clientToken":                   found.id,
		"createdAt":                     stamp(found.created),
		"jobArn":                        "arn:aws:macie2:" + s.region + ":" + s.account + ":classification-job/" + found.id,
		"jobId":                         found.id,
		"jobStatus":                     found.Status,
		"jobType":                       found.JobType,
		"lastRunErrorStatus":            map[string]string{"code": "NONE"},
		"managedDataIdentifierSelector": "RECOMMENDED",
		"name":                          found.Name,
		"s3JobDefinition":               map[string]any{"bucketDefinitions": []bucketDefinition{{s.account, found.Buckets}}},
		"samplingPercentage":            100,
		"statistics":                    map[string]float64{"approximateNumberOfObjectsToProcess": 0, "numberOfRuns": 1},
		"tags":                          map[string]string{},
	}
	if found.JobType == "SCHEDULED" {
		out["scheduleFrequency"] = map[string]any{"dailySchedule": map[string]any{}}
	}
	return out, nil
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
