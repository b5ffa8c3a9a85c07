// Package fakecloudtrail is an in-memory AWS CloudTrail for tests: it serves
// the read operations an account audit makes (DescribeTrails,
// GetTrailStatus, GetEventSelectors) in CloudTrail's JSON 1.1 protocol
// (X-Amz-Target: CloudTrail_20131101.<Op>, or the qualified
// com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Op>),
// as the SDK's service/cloudtrail client serializes and reads them, over
// trails set with [Server.PutTrail].
//
// A trail is visible in the Server's Region when that is its home Region,
// or when it is multi-Region (a shadow trail, listed by DescribeTrails
// unless includeShadowTrails is false). GetTrailStatus and
// GetEventSelectors take a trail's name or ARN; a trail of another home
// Region only by its ARN, as CloudTrail requires. Unknown trails answer
// TrailNotFoundException, malformed names InvalidTrailNameException (both
// HTTP 400); DescribeTrails leaves names it does not know out of its answer.
//
// Not emulated: writes over the wire, CloudWatch Logs, SNS, data events,
// advanced event selectors other than management events', Insights,
// organization trails, and delivery itself: the status reports logging and
// the LatestDeliveryError a test sets in [Trail.DeliveryError], never a
// delivery time.
package fakecloudtrail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// TargetPrefix is the X-Amz-Target prefix of CloudTrail operations as the
// SDK sends them, and QualifiedTargetPrefix the fully qualified form, which
// CloudTrail also accepts.
const (
	TargetPrefix          = "CloudTrail_20131101."
	QualifiedTargetPrefix = "com.amazonaws.cloudtrail.v20131101." + TargetPrefix
)

// Operation returns the operation an X-Amz-Target names, in either form;
// ok is false for a target that is not CloudTrail's.
func Operation(target string) (op string, ok bool) {
	if op, ok := strings.CutPrefix(target, QualifiedTargetPrefix); ok {
		return op, true
	}
	if op, ok := strings.CutPrefix(target, TargetPrefix); ok {
		return op, true
	}
	return "", false
}

// Config says where a [Server]'s trails live.
type Config struct {
	// Region is the Region the Server answers for; required.
	Region string
	// AccountID is the 12-digit account of every ARN; required.
	AccountID string
	// Now replaces the clock (TimeLoggingStarted); default time.Now.
	Now func() time.Time
}

// Trail is a trail as [Server.PutTrail] stores it.
type Trail struct {
	// Name is the trail's name: 3 to 128 letters, digits, '.', '_' and '-',
	// starting and ending with a letter or digit.
	Name string
	// S3BucketName is the bucket the trail delivers to; required.
	S3BucketName string
	// KMSKeyID is the KMS key (give its ARN, as CloudTrail stores it) that
	// encrypts the log files; "" for SSE-S3 only.
	KMSKeyID string
	// MultiRegion makes the trail log every Region.
	MultiRegion bool
	// LogFileValidation turns on digest files.
	LogFileValidation bool
	// Logging is what GetTrailStatus says in IsLogging.
	Logging bool
	// ManagementEvents is the ReadWriteType of the trail's one classic event
	// selector: "All", "ReadOnly" or "WriteOnly"; "" for a selector that
	// excludes management events.
	ManagementEvents string
	// HomeRegion is the trail's home Region; default the Server's.
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

type trail struct {
	Trail
	arn     string
	started time.Time
}

// Server is one account's CloudTrail in one Region. It is safe for
// concurrent use.
type Server struct {
	region, account string
	now             func() time.Time

	mu     sync.Mutex
	trails map[string]*trail // by ARN
}

var (
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d{1,2}$`)
	accountPattern = regexp.MustCompile(`^\d{12}$`)
	// CloudTrail's trail-name rules.
	namePattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$`)
	bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// New returns a Server with no trails, or an error when cfg is incomplete.
func New(cfg Config) (*Server, error) {
	if !regionPattern.MatchString(cfg.Region) {
		return nil, errors.New("fakecloudtrail: Config.Region is not a Region name")
	}
	if !accountPattern.MatchString(cfg.AccountID) {
		return nil, errors.New("fakecloudtrail: Config.AccountID is not 12 digits")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Server{region: cfg.Region, account: cfg.AccountID, now: now, trails: map[string]*trail{}}, nil
}

// PutTrail creates t, or replaces the trail with its name and home Region,
// and returns its ARN. It refuses what CloudTrail would refuse to create.
func (s *Server) PutTrail(t Trail) (string, error) {
	if t.HomeRegion == "" {
		t.HomeRegion = s.region
	}
	switch {
	case !namePattern.MatchString(t.Name) || strings.Contains(t.Name, "..") || strings.Contains(t.Name, "._") ||
		strings.Contains(t.Name, "_.") || strings.Contains(t.Name, "-.") || strings.Contains(t.Name, ".-"):
		return "", errors.New("fakecloudtrail: trail name must be 3 to 128 letters, digits, '.', '_' or '-', starting and ending with a letter or digit")
	case !bucketPattern.MatchString(t.S3BucketName):
		return "", fmt.Errorf("fakecloudtrail: trail %s: S3BucketName is not a bucket name", t.Name)
	case !regionPattern.MatchString(t.HomeRegion):
		return "", fmt.Errorf("fakecloudtrail: trail %s: HomeRegion is not a Region name", t.Name)
	}
	switch t.ManagementEvents {
	case "", "All", "ReadOnly", "WriteOnly":
	default:
		return "", fmt.Errorf("fakecloudtrail: trail %s: ManagementEvents must be All, ReadOnly, WriteOnly or empty", t.Name)
	}
	arn := "arn:aws:cloudtrail:" + t.HomeRegion + ":" + s.account + ":trail/" + t.Name
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trails[arn] = &trail{Trail: t, arn: arn, started: s.now().UTC()}
	return arn, nil
}

// DeleteTrails deletes every trail.
func (s *Server) DeleteTrails() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.trails)
}

// visible reports whether t is seen from the Server's Region.
func (s *Server) visible(t *trail) bool { return t.HomeRegion == s.region || t.MultiRegion }

// lookup resolves a name or ARN as CloudTrail does: a name only to a trail
// whose home is this Region.
func (s *Server) lookup(nameOrARN string) (*trail, *apiError) {
	if strings.HasPrefix(nameOrARN, "arn:") {
		if t, ok := s.trails[nameOrARN]; ok && s.visible(t) {
			return t, nil
		}
		return nil, s.errTrailNotFound(nameOrARN)
	}
	if !namePattern.MatchString(nameOrARN) {
		return nil, &apiError{"InvalidTrailNameException", "Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_)."}
	}
	if t, ok := s.trails["arn:aws:cloudtrail:"+s.region+":"+s.account+":trail/"+nameOrARN]; ok {
		return t, nil
	}
	return nil, s.errTrailNotFound(nameOrARN)
}

// apiError is one of CloudTrail's error answers; all are HTTP 400.
type apiError struct{ typ, message string }

func (s *Server) errTrailNotFound(name string) *apiError {
	return &apiError{"TrailNotFoundException", "Unknown trail: " + name + " for the user: " + s.account}
}

var operations = map[string]func(*Server, []byte) (any, *apiError){
	"DescribeTrails":    (*Server).describeTrails,
	"GetTrailStatus":    (*Server).getTrailStatus,
	"GetEventSelectors": (*Server).getEventSelectors,
}

// Operations returns the operations the Server serves, sorted.
func Operations() []string { return slices.Sorted(maps.Keys(operations)) }

// ServeHTTP answers one JSON 1.1 request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := Operation(r.Header.Get("X-Amz-Target"))
	fn, known := operations[op]
	if !ok || !known || r.Method != http.MethodPost {
		WriteError(w, "UnknownOperationException", "The operation is not supported by this emulator.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		WriteError(w, "SerializationException", "unreadable body")
		return
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	s.mu.Lock()
	out, apiErr := fn(s, body)
	s.mu.Unlock()
	if apiErr != nil {
		WriteError(w, apiErr.typ, apiErr.message)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		http.Error(w, "fakecloudtrail: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", requestID())
	_, _ = w.Write(b)
}

// WriteError writes CloudTrail's JSON error answer, HTTP 400.
func WriteError(w http.ResponseWriter, typ, message string) {
	b, _ := json.Marshal(map[string]string{"__type": typ, "message": message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", requestID())
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(b)
}

func decode(body []byte, v any) *apiError {
	if err := json.Unmarshal(body, v); err != nil {
		return &apiError{"SerializationException", "The request body is not a valid JSON object of the operation's input."}
	}
	return nil
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

type trailJSON struct {
	Name                       string
	S3BucketName               string
	IncludeGlobalServiceEvents bool
	IsMultiRegionTrail         bool
	HomeRegion                 string
	TrailARN                   string
	LogFileValidationEnabled   bool
	KMSKeyID                   string `json:"KmsKeyId,omitempty"`
	HasCustomEventSelectors    bool
	HasInsightSelectors        bool
	IsOrganizationTrail        bool
}

func (s *Server) describeTrails(body []byte) (any, *apiError) {
	var in struct {
		TrailNameList       []string `json:"trailNameList"`
		IncludeShadowTrails *bool    `json:"includeShadowTrails"`
	}
	if apiErr := decode(body, &in); apiErr != nil {
		return nil, apiErr
	}
	shadows := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	var found []*trail
	if len(in.TrailNameList) == 0 {
		for _, t := range s.trails {
			if t.HomeRegion == s.region || shadows && t.MultiRegion {
				found = append(found, t)
			}
		}
	} else {
		seen := map[*trail]bool{}
		for _, name := range in.TrailNameList {
			if t, err := s.lookup(name); err == nil && !seen[t] && (t.HomeRegion == s.region || shadows) {
				seen[t] = true
				found = append(found, t)
			}
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].arn < found[j].arn })
	list := make([]trailJSON, len(found))
	for i, t := range found {
		list[i] = trailJSON{Name: t.Name, S3BucketName: t.S3BucketName, IncludeGlobalServiceEvents: true, IsMultiRegionTrail: t.MultiRegion,
			HomeRegion: t.HomeRegion, TrailARN: t.arn, LogFileValidationEnabled: t.LogFileValidation, KMSKeyID: t.KMSKeyID,
			HasCustomEventSelectors: t.ManagementEvents != "All" || t.Advanced}
	}
	return struct {
		TrailList []trailJSON `json:"trailList"`
	}{list}, nil
}

// nameParam reads the one trail parameter of GetTrailStatus (Name) or
// GetEventSelectors (TrailName).
func (s *Server) nameParam(body []byte, member string) (*trail, *apiError) {
	var in map[string]any
	if apiErr := decode(body, &in); apiErr != nil {
		return nil, apiErr
	}
	name, _ := in[member].(string)
	if name == "" {
		return nil, &apiError{"InvalidTrailNameException", "Trail name cannot be null."}
	}
	return s.lookup(name)
}

func (s *Server) getTrailStatus(body []byte) (any, *apiError) {
	t, apiErr := s.nameParam(body, "Name")
	if apiErr != nil {
		return nil, apiErr
	}
	out := map[string]any{"IsLogging": t.Logging}
	if t.DeliveryError != "" {
		out["LatestDeliveryError"] = t.DeliveryError
	}
	if t.Logging {
		out["StartLoggingTime"] = float64(t.started.UnixMilli()) / 1000
		out["TimeLoggingStarted"] = t.started.Format("2006-01-02T15:04:05Z")
	}
	return out, nil
}

type eventSelector struct {
	ReadWriteType                 string
	IncludeManagementEvents       bool
	DataResources                 []struct{}
	ExcludeManagementEventSources []string
}

type fieldSelector struct {
	Field  string
	Equals []string
}

type advancedSelector struct {
	Name           string
	FieldSelectors []fieldSelector
}

// advancedSelectors returns the advanced selectors of a trail logging the
// management events rw ("All", "ReadOnly", "WriteOnly" or none).
func advancedSelectors(rw string) []advancedSelector {
	if rw == "" {
		return []advancedSelector{}
	}
	sel := advancedSelector{Name: "Management events selector", FieldSelectors: []fieldSelector{{"eventCategory", []string{"Management"}}}}
	switch rw {
	case "ReadOnly":
		sel.FieldSelectors = append(sel.FieldSelectors, fieldSelector{"readOnly", []string{"true"}})
	case "WriteOnly":
		sel.FieldSelectors = append(sel.FieldSelectors, fieldSelector{"readOnly", []string{"false"}})
	}
	return []advancedSelector{sel}
}

func (s *Server) getEventSelectors(body []byte) (any, *apiError) {
	t, apiErr := s.nameParam(body, "TrailName")
	if apiErr != nil {
		return nil, apiErr
	}
	if t.Advanced {
		return struct {
			TrailARN               string
			AdvancedEventSelectors []advancedSelector
		}{t.arn, advancedSelectors(t.ManagementEvents)}, nil
	}
	sel := eventSelector{ReadWriteType: "All", IncludeManagementEvents: t.ManagementEvents != "", DataResources: []struct{}{}, ExcludeManagementEventSources: []string{}}
	if t.ManagementEvents != "" {
		sel.ReadWriteType = t.ManagementEvents
	}
	return struct {
		TrailARN       string
		EventSelectors []eventSelector
	}{t.arn, []eventSelector{sel}}, nil
}
