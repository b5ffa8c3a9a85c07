package personalizetest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Further access key IDs the Server knows besides [AccessKeyID], so that a
// test can call as the account's root user or as an assumed role: use them
// with [Server.ConfigAs], or with [SecretAccessKey] in any credentials
// provider (signatures are not checked). STS GetCallerIdentity names the
// principal of each: [AccessKeyID] is the IAM user [UserARN],
// [RootAccessKeyID] the root user [RootARN], [AssumedRoleAccessKeyID] the
// role session [AssumedRoleARN]. Any other access key ID is refused by STS
// with InvalidClientTokenId, as AWS refuses a key it does not know.
const (
	RootAccessKeyID        = "AKIDPERSONALIZETESTROOT"
	AssumedRoleAccessKeyID = "ASIAPERSONALIZETESTROLE"
)

// The principals STS GetCallerIdentity answers for the Server's access key
// IDs, all in [AccountID].
const (
	UserARN        = "arn:aws:iam::" + AccountID + ":user/personalizetest"
	RootARN        = "arn:aws:iam::" + AccountID + ":root"
	AssumedRoleARN = "arn:aws:sts::" + AccountID + ":assumed-role/personalizetest-role/personalizetest-session"
)

// ConfigAs returns [Server.Config] with the static credentials of
// accessKeyID ([AccessKeyID], [RootAccessKeyID], [AssumedRoleAccessKeyID],
// or one STS does not know) and [SecretAccessKey].
func (s *Server) ConfigAs(accessKeyID string) aws.Config {
	cfg := s.Config()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(accessKeyID, SecretAccessKey, "")
	return cfg
}

// stsSigningName is the SigV4 service name of STS.
const stsSigningName = "sts"

// stsVersion is the only API version of STS.
const stsVersion = "2011-06-15"

const stsNamespace = "https://sts.amazonaws.com/doc/" + stsVersion + "/"

// callers maps the Server's access key IDs to what GetCallerIdentity says:
// the ARN and the unique ID (aws:userid), which for the root user is the
// account ID and for a role session the role's ID and the session name.
var callers = map[string]struct{ arn, userID string }{
	AccessKeyID:            {UserARN, "AIDAPERSONALIZETEST00"},
	RootAccessKeyID:        {RootARN, AccountID},
	AssumedRoleAccessKeyID: {AssumedRoleARN, "AROAPERSONALIZETEST00:personalizetest-session"},
}

// serveSTS answers the STS query protocol (form-encoded Action and Version,
// XML answers). Only GetCallerIdentity is served; the caller is the access
// key ID of the request's credential scope.
func serveSTS(w http.ResponseWriter, r *http.Request, form url.Values, accessKeyID string) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		writeSTSError(w, http.StatusBadRequest, "InvalidAction", "STS takes GET and POST requests")
		return
	}
	action, version := form.Get("Action"), form.Get("Version")
	if action != "GetCallerIdentity" || version != stsVersion {
		writeSTSError(w, http.StatusBadRequest, "InvalidAction", "Could not find operation "+action+" for version "+version)
		return
	}
	if accessKeyID == "" {
		writeSTSError(w, http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return
	}
	c, ok := callers[accessKeyID]
	if !ok {
		writeSTSError(w, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	type result struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}
	writeSTS(w, http.StatusOK, struct {
		XMLName  xml.Name `xml:"GetCallerIdentityResponse"`
		NS       string   `xml:"xmlns,attr"`
		Result   result   `xml:"GetCallerIdentityResult"`
		Metadata struct {
			RequestID string `xml:"RequestId"`
		} `xml:"ResponseMetadata"`
	}{NS: stsNamespace, Result: result{Arn: c.arn, UserID: c.userID, Account: AccountID}, Metadata: struct {
		RequestID string `xml:"RequestId"`
	}{requestID()}})
}

// writeSTSError writes STS's error document: Type Sender for 4xx answers.
func writeSTSError(w http.ResponseWriter, status int, code, message string) {
	type stsError struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	writeSTS(w, status, struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		NS        string   `xml:"xmlns,attr"`
		Error     stsError `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}{NS: stsNamespace, Error: stsError{Type: "Sender", Code: code, Message: message}, RequestID: requestID()})
}

func writeSTS(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", "personalizetest")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(b)
}

// requestID returns a random request ID in AWS's UUID layout.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
