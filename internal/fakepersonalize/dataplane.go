package fakepersonalize

import (
	"encoding/json"
	"io"
	"net/http"
)

// The data plane: the Personalize Events API (PutEvents, PutItems, ...) and
// the Personalize Runtime API (GetRecommendations, ...). Both are REST-JSON:
// POST /<operation path> with a JSON body, errors as an HTTP status, an
// X-Amzn-Errortype header and {"message": ...}. Each operation is found by
// method and path in the tables generated from the two models, and
// validated from them before its handler runs, as the control plane is.

// The data-plane APIs, named by their endpoint prefixes.
const (
	APIEvents  = "personalize-events"
	APIRuntime = "personalize-runtime"
)

// dataOp is one data-plane operation: its API, name, model facts and handler.
type dataOp struct {
	api, name string
	spec      operation
	call      route
}

var dataRoutes = map[string]route{
	"PutEvents":                handle((*Server).putEvents),
	"PutItems":                 handle((*Server).putItems),
	"PutUsers":                 handle((*Server).putUsers),
	"PutActions":               handle((*Server).putActions),
	"PutActionInteractions":    handle((*Server).putActionInteractions),
	"GetRecommendations":       handle((*Server).getRecommendations),
	"GetPersonalizedRanking":   handle((*Server).getPersonalizedRanking),
	"GetActionRecommendations": handle((*Server).getActionRecommendations),
}

// dataOps indexes the data-plane operations by "METHOD /path". Every
// operation of both models is served: a model update that adds one fails
// TestDataPlaneServesEveryOperation until it has a handler.
var dataOps = func() map[string]dataOp {
	ops := map[string]dataOp{}
	for api, table := range map[string]map[string]operation{APIEvents: eventsOperations, APIRuntime: runtimeOperations} {
		for name, spec := range table {
			ops[spec.method+" "+spec.path] = dataOp{api: api, name: name, spec: spec, call: dataRoutes[name]}
		}
	}
	return ops
}()

// DataOperation names the data-plane operation a request with this method
// and URL path is for: its API (APIEvents or APIRuntime) and operation name.
// ok is false for any other request.
func DataOperation(method, path string) (api, op string, ok bool) {
	d, ok := dataOps[method+" "+path]
	return d.api, d.name, ok
}

// errorStatus is the HTTP status of each error a REST-JSON answer can carry:
// the models' httpStatusCode for the declared errors (checked against the
// models by TestErrorStatusMatchesModels), AWS's own for the rest.
var errorStatus = map[string]int{
	"InvalidInputException":     http.StatusBadRequest,
	"ResourceNotFoundException": http.StatusNotFound,
	"ResourceInUseException":    http.StatusConflict,
	"SerializationException":    http.StatusBadRequest,
	"UnknownOperationException": http.StatusNotFound,
	"InternalFailure":           http.StatusInternalServerError,
}

// ServeData answers one request of the Events or Runtime API. The caller
// routes here what [DataOperation] names; anything else is answered
// UnknownOperationException.
func (s *Server) ServeData(w http.ResponseWriter, r *http.Request) {
	op, ok := dataOps[r.Method+" "+r.URL.Path]
	if !ok {
		writeRESTError(w, &apiError{"UnknownOperationException", "The method and path name no Amazon Personalize Events or Runtime operation."})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil || len(body) > maxRequestBody {
		writeRESTError(w, &apiError{"SerializationException", "The request body could not be read or is too large."})
		return
	}
	if apiErr := validateInput(op.spec, body); apiErr != nil {
		writeRESTError(w, apiErr)
		return
	}
	out, apiErr := s.run(op.call, body)
	if apiErr != nil {
		writeRESTError(w, declared(op.spec, apiErr))
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeRESTError(w, &apiError{"InternalFailure", "The response could not be encoded."})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Requestid", newUUID())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func writeRESTError(w http.ResponseWriter, e *apiError) {
	status, ok := errorStatus[e.typ]
	if !ok {
		status = http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Requestid", newUUID())
	w.Header().Set("X-Amzn-Errortype", e.typ)
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"message": e.message})
	_, _ = w.Write(b)
}
