package personalizetest

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/personalizeguard/personalizeguard/internal/fakeiam"
	"github.com/personalizeguard/personalizeguard/internal/fakemacie"
	"github.com/personalizeguard/personalizeguard/internal/fakepersonalize"
)

// Service names, as used in [Request.Service], [Server.Deny] and
// [Server.Allow].
const (
	ServicePersonalize = "personalize"
	// ServiceEvents and ServiceRuntime are Personalize's data-plane APIs
	// (PutEvents, ...; GetRecommendations, ...), named by their endpoint
	// prefixes.
	ServiceEvents  = fakepersonalize.APIEvents
	ServiceRuntime = fakepersonalize.APIRuntime
	ServiceKMS     = "kms"
	ServiceS3      = "s3"
	ServiceSTS     = "sts"
	// ServiceIAM, ServiceCloudTrail and ServiceMacie are the account
	// services an audit reads, named by their SigV4 signing names.
	ServiceIAM        = fakeiam.SigningName
	ServiceCloudTrail = "cloudtrail"
	// ServiceMacie is Amazon Macie. When [Macie].Enabled is false, its
	// operations answer AccessDeniedException with HTTP 401 and the
	// message "Macie is not enabled.", as real Macie has been observed to
	// (internal/fakemacie's documentation cites the sources); [Server.Deny]
	// answers AccessDeniedException with HTTP 403 and IAM's "is not
	// authorized to perform" message. Tell them apart by the message.
	ServiceMacie = fakemacie.SigningName
)

// AnyOperation makes [Server.Deny] and [Server.Allow] apply to every
// operation of a service.
const AnyOperation = "*"

type faults struct {
	mu     sync.Mutex
	denied map[string]bool // "service/operation"
}

func faultKey(service, operation string) string {
	return strings.ToLower(service) + "/" + operation
}

// Deny makes the Server answer operation of service (for example
// Deny(ServiceS3, "GetBucketPolicy")) with AWS's access-denied error for
// that service, as if the caller's IAM policy lacked the permission:
// Personalize and KMS answer HTTP 400 with __type AccessDeniedException, the
// events and runtime APIs HTTP 403 with the X-Amzn-Errortype
// AccessDeniedException, S3 HTTP 403 with the XML code AccessDenied, STS
// HTTP 403 with the XML code AccessDenied (AWS never denies
// GetCallerIdentity, which needs no permission, but a check that calls it
// must still fail closed when STS refuses it), IAM HTTP 403 with the XML
// code AccessDenied, CloudTrail HTTP 400 with __type AccessDeniedException,
// Macie HTTP 403 with the X-Amzn-Errortype AccessDeniedException. Denied requests are still
// recorded in the request log. [AnyOperation] denies every operation of the
// service. Use it to test that a check which cannot run fails closed.
func (s *Server) Deny(service, operation string) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.denied[faultKey(service, operation)] = true
}

// Allow undoes [Server.Deny] for the same service and operation.
func (s *Server) Allow(service, operation string) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	delete(s.faults.denied, faultKey(service, operation))
}

func (s *Server) isDenied(service, operation string) bool {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.denied[faultKey(service, operation)] || s.faults.denied[faultKey(service, AnyOperation)]
}

func writeDenied(w http.ResponseWriter, r *http.Request, service, operation string) {
	iamService := service
	if service == ServiceEvents || service == ServiceRuntime {
		iamService = ServicePersonalize // IAM has one prefix for all three APIs
	}
	action := iamService + ":" + operation
	msg := "User: " + UserARN + " is not authorized to perform: " + action + " because no identity-based policy allows the " + action + " action"
	if service == ServiceS3 {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		if r.Method == http.MethodHead {
			return
		}
		b, _ := xml.Marshal(struct {
			XMLName   xml.Name `xml:"Error"`
			Code      string   `xml:"Code"`
			Message   string   `xml:"Message"`
			RequestID string   `xml:"RequestId"`
			HostID    string   `xml:"HostId"`
		}{Code: "AccessDenied", Message: "Access Denied", RequestID: "personalizetest", HostID: "personalizetest"})
		_, _ = io.WriteString(w, xml.Header)
		_, _ = w.Write(b)
		return
	}
	if service == ServiceSTS {
		writeSTSError(w, http.StatusForbidden, "AccessDenied", msg)
		return
	}
	if service == ServiceIAM {
		fakeiam.WriteError(w, http.StatusForbidden, "AccessDenied", msg)
		return
	}
	if service == ServiceMacie {
		fakemacie.WriteError(w, http.StatusForbidden, "AccessDeniedException", msg)
		return
	}
	if service == ServiceEvents || service == ServiceRuntime {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Errortype", "AccessDeniedException")
		w.WriteHeader(http.StatusForbidden)
		b, _ := json.Marshal(map[string]string{"message": msg})
		_, _ = w.Write(b)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Errortype", "AccessDeniedException")
	w.WriteHeader(http.StatusBadRequest)
	b, _ := json.Marshal(map[string]string{"__type": "AccessDeniedException", "message": msg})
	_, _ = w.Write(b)
}
