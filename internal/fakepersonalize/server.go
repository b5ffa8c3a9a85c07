package fakepersonalize

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// TargetPrefix is the X-Amz-Target prefix of Personalize operations.
const TargetPrefix = "AmazonPersonalize."

const maxRequestBody = 1 << 20

// KeyInfo is what Personalize needs to know about a KMS key.
type KeyInfo struct {
	ARN   string
	State string // Enabled, Disabled, PendingDeletion, ...
	Spec  string // SYMMETRIC_DEFAULT, ...
}

// Objects is the S3 store the fake reads imports from and writes exports to.
type Objects interface {
	BucketExists(bucket string) bool
	GetObject(bucket, key string) ([]byte, error)
	ListObjects(bucket, prefix string) ([]string, error)
	// PutObject writes with SSE-KMS under kmsKeyARN, or the bucket's default
	// encryption when it is empty.
	PutObject(bucket, key string, body []byte, kmsKeyARN string) error
}

// Config configures a [Server].
type Config struct {
	Region    string
	AccountID string
	// StatusSteps is the number of Describe calls a resource takes to settle.
	StatusSteps int
	// Keys looks up a KMS key by ARN; nil skips the key checks.
	Keys func(arn string) (KeyInfo, bool)
	// Objects is the local S3; nil skips bucket checks and fails every job
	// that needs S3.
	Objects Objects
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is the Personalize endpoint. It is safe for concurrent use; each
// request runs under one lock, as the store is small and in memory.
type Server struct {
	cfg Config

	mu               sync.Mutex
	index            map[string]*meta
	datasetGroups    *table[*datasetGroup]
	schemas          *table[*schema]
	datasets         *table[*dataset]
	importJobs       *table[*importJob]
	exportJobs       *table[*exportJob]
	eventTrackers    *table[*eventTracker]
	filters          *table[*filter]
	solutions        *table[*solution]
	solutionVersions *table[*solutionVersion]
	campaigns        *table[*campaign]
	batchJobs        *table[*batchJob]
	segmentJobs      *table[*batchJob]
	recommenders     *table[*recommender]
	deletionJobs     *table[*deletionJob]
	attributions     *table[*metricAttribution]
}

// New returns an empty Personalize.
func New(cfg Config) *Server {
	index := map[string]*meta{}
	return &Server{
		cfg:              cfg,
		index:            index,
		datasetGroups:    newTable[*datasetGroup](index),
		schemas:          newTable[*schema](index),
		datasets:         newTable[*dataset](index),
		importJobs:       newTable[*importJob](index),
		exportJobs:       newTable[*exportJob](index),
		eventTrackers:    newTable[*eventTracker](index),
		filters:          newTable[*filter](index),
		solutions:        newTable[*solution](index),
		solutionVersions: newTable[*solutionVersion](index),
		campaigns:        newTable[*campaign](index),
		batchJobs:        newTable[*batchJob](index),
		segmentJobs:      newTable[*batchJob](index),
		recommenders:     newTable[*recommender](index),
		deletionJobs:     newTable[*deletionJob](index),
		attributions:     newTable[*metricAttribution](index),
	}
}

func (s *Server) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

func (s *Server) arn(kind, name string) string {
	return "arn:aws:personalize:" + s.cfg.Region + ":" + s.cfg.AccountID + ":" + kind + "/" + name
}

// newMeta starts the common part of a resource created now.
func (s *Server) newMeta(arn, name string, tags []tag) meta {
	now := s.now()
	return meta{arn: arn, name: name, created: now, updated: now, tags: tags, taggable: true}
}

// route handles one operation; it runs with s.mu held.
type route func(s *Server, body []byte) (any, *apiError)

// handle adapts a typed handler to a route, decoding its input.
func handle[In any](f func(*Server, *In) (any, *apiError)) route {
	return func(s *Server, body []byte) (any, *apiError) {
		in := new(In)
		if len(bytes.TrimSpace(body)) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, &apiError{"SerializationException", "The request body could not be parsed as this operation's input."}
			}
		}
		return f(s, in)
	}
}

var routes = map[string]route{
	"CreateDatasetGroup":            handle((*Server).createDatasetGroup),
	"DescribeDatasetGroup":          handle((*Server).describeDatasetGroup),
	"ListDatasetGroups":             handle((*Server).listDatasetGroups),
	"DeleteDatasetGroup":            handle((*Server).deleteDatasetGroup),
	"CreateSchema":                  handle((*Server).createSchema),
	"DescribeSchema":                handle((*Server).describeSchema),
	"ListSchemas":                   handle((*Server).listSchemas),
	"DeleteSchema":                  handle((*Server).deleteSchema),
	"CreateDataset":                 handle((*Server).createDataset),
	"DescribeDataset":               handle((*Server).describeDataset),
	"ListDatasets":                  handle((*Server).listDatasets),
	"DeleteDataset":                 handle((*Server).deleteDataset),
	"CreateDatasetImportJob":        handle((*Server).createImportJob),
	"DescribeDatasetImportJob":      handle((*Server).describeImportJob),
	"ListDatasetImportJobs":         handle((*Server).listImportJobs),
	"CreateDatasetExportJob":        handle((*Server).createExportJob),
	"DescribeDatasetExportJob":      handle((*Server).describeExportJob),
	"ListDatasetExportJobs":         handle((*Server).listExportJobs),
	"CreateEventTracker":            handle((*Server).createEventTracker),
	"DescribeEventTracker":          handle((*Server).describeEventTracker),
	"ListEventTrackers":             handle((*Server).listEventTrackers),
	"DeleteEventTracker":            handle((*Server).deleteEventTracker),
	"CreateFilter":                  handle((*Server).createFilter),
	"DescribeFilter":                handle((*Server).describeFilter),
	"ListFilters":                   handle((*Server).listFilters),
	"DeleteFilter":                  handle((*Server).deleteFilter),
	"CreateSolution":                handle((*Server).createSolution),
	"DescribeSolution":              handle((*Server).describeSolution),
	"ListSolutions":                 handle((*Server).listSolutions),
	"DeleteSolution":                handle((*Server).deleteSolution),
	"CreateSolutionVersion":         handle((*Server).createSolutionVersion),
	"DescribeSolutionVersion":       handle((*Server).describeSolutionVersion),
	"ListSolutionVersions":          handle((*Server).listSolutionVersions),
	"CreateCampaign":                handle((*Server).createCampaign),
	"DescribeCampaign":              handle((*Server).describeCampaign),
	"ListCampaigns":                 handle((*Server).listCampaigns),
	"UpdateCampaign":                handle((*Server).updateCampaign),
	"DeleteCampaign":                handle((*Server).deleteCampaign),
	"CreateBatchInferenceJob":       handle((*Server).createBatchJob),
	"DescribeBatchInferenceJob":     handle((*Server).describeBatchJob),
	"ListBatchInferenceJobs":        handle((*Server).listBatchJobs),
	"CreateBatchSegmentJob":         handle((*Server).createSegmentJob),
	"DescribeBatchSegmentJob":       handle((*Server).describeSegmentJob),
	"ListBatchSegmentJobs":          handle((*Server).listSegmentJobs),
	"CreateRecommender":             handle((*Server).createRecommender),
	"DescribeRecommender":           handle((*Server).describeRecommender),
	"ListRecommenders":              handle((*Server).listRecommenders),
	"UpdateRecommender":             handle((*Server).updateRecommender),
	"StartRecommender":              handle((*Server).startRecommender),
	"StopRecommender":               handle((*Server).stopRecommender),
	"DeleteRecommender":             handle((*Server).deleteRecommender),
	"CreateDataDeletionJob":         handle((*Server).createDeletionJob),
	"DescribeDataDeletionJob":       handle((*Server).describeDeletionJob),
	"ListDataDeletionJobs":          handle((*Server).listDeletionJobs),
	"CreateMetricAttribution":       handle((*Server).createMetricAttribution),
	"DescribeMetricAttribution":     handle((*Server).describeMetricAttribution),
	"ListMetricAttributions":        handle((*Server).listMetricAttributions),
	"UpdateMetricAttribution":       handle((*Server).updateMetricAttribution),
	"DeleteMetricAttribution":       handle((*Server).deleteMetricAttribution),
	"ListMetricAttributionMetrics":  handle((*Server).listMetricAttributionMetrics),
	"DescribeAlgorithm":             handle((*Server).describeAlgorithm),
	"DescribeFeatureTransformation": handle((*Server).describeFeatureTransformation),
	"DescribeRecipe":                handle((*Server).describeRecipe),
	"ListRecipes":                   handle((*Server).listRecipes),
	"GetSolutionMetrics":            handle((*Server).getSolutionMetrics),
	"StopSolutionVersionCreation":   handle((*Server).stopSolutionVersionCreation),
	"UpdateSolution":                handle((*Server).updateSolution),
	"UpdateDataset":                 handle((*Server).updateDataset),
	"TagResource":                   handle((*Server).tagResource),
	"UntagResource":                 handle((*Server).untagResource),
	"ListTagsForResource":           handle((*Server).listTagsForResource),
}

// Operations lists the operations the fake serves.
func Operations() []string {
	ops := make([]string, 0, len(routes))
	for op := range routes {
		ops = append(ops, op)
	}
	return ops
}

var opName = regexp.MustCompile(`^[A-Za-z]{1,64}$`)

// ServeHTTP answers one Personalize JSON 1.1 request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, isPersonalize := strings.CutPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
	if r.Method != http.MethodPost || !isPersonalize {
		writeError(w, &apiError{"UnknownOperationException", "Expected a POST with X-Amz-Target " + TargetPrefix + "<Operation>."})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil || len(body) > maxRequestBody {
		writeError(w, &apiError{"SerializationException", "The request body could not be read or is too large."})
		return
	}
	spec, known := operations[op]
	call, served := routes[op]
	switch {
	case known && !served:
		writeError(w, &apiError{"UnsupportedOperationException", op + " is not implemented by the local Personalize emulator."})
		return
	case !known && opName.MatchString(op):
		writeError(w, &apiError{"UnknownOperationException", op + " is not an Amazon Personalize operation."})
		return
	case !known:
		writeError(w, &apiError{"UnknownOperationException", "The X-Amz-Target does not name an Amazon Personalize operation."})
		return
	}
	if apiErr := validateInput(spec, body); apiErr != nil {
		writeError(w, apiErr)
		return
	}
	out, apiErr := s.run(call, body)
	if apiErr != nil {
		writeError(w, declared(spec, apiErr))
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeError(w, &apiError{"InternalFailure", "The response could not be encoded."})
		return
	}
	setHeaders(w)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// run calls a handler under the lock. A handler that panics answers
// InternalFailure and leaves the server usable.
func (s *Server) run(call route, body []byte) (out any, apiErr *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		if recover() != nil {
			out, apiErr = nil, &apiError{"InternalFailure", "The local Personalize emulator failed on this request."}
		}
	}()
	return call(s, body)
}

// declared keeps an answer within the errors op declares, so the SDK can
// type it: a handler's error of another type (a precondition phrased for a
// sibling operation) becomes op's validation error with the same message.
func declared(op operation, e *apiError) *apiError {
	switch {
	case op.declares(e.typ), e.typ == "SerializationException", e.typ == "InternalFailure":
		return e
	}
	return &apiError{op.validationError(), e.message}
}

func setHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", newID(16))
}

func writeError(w http.ResponseWriter, e *apiError) {
	setHeaders(w)
	status := http.StatusBadRequest
	if e.typ == "InternalFailure" {
		status = http.StatusInternalServerError
	}
	w.Header().Set("X-Amzn-Errortype", e.typ)
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"__type": e.typ, "message": e.message})
	_, _ = w.Write(b)
}

// newID returns n random bytes in hex.
func newID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newUUID returns a random version-4 UUID.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
