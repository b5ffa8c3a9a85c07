package fakepersonalize

import "fmt"

// apiError is a Personalize error response: HTTP 400 with
// {"__type": typ, "message": message}. Messages name fields and resources
// (ARNs), never a rejected input value.
type apiError struct {
	typ, message string
}

func (e *apiError) Error() string { return e.typ + ": " + e.message }

func invalidInput(format string, args ...any) *apiError {
	return &apiError{"InvalidInputException", fmt.Sprintf(format, args...)}
}

func notFound(arn string) *apiError {
	return &apiError{"ResourceNotFoundException", fmt.Sprintf("Could not find resource %s", arn)}
}

func alreadyExists(arn string) *apiError {
	return &apiError{"ResourceAlreadyExistsException", fmt.Sprintf("Resource %s already exists", arn)}
}

func inUse(format string, args ...any) *apiError {
	return &apiError{"ResourceInUseException", fmt.Sprintf(format, args...)}
}

func missing(field string) *apiError {
	return invalidInput("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

// notActive is the error for using a resource that is still being created,
// updated or deleted, or that failed.
func notActive(m *meta) *apiError {
	return inUse("Resource %s is not in ACTIVE state (status %s)", m.arn, m.status)
}
