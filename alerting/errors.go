package alerting

import "github.com/cxpulse/cxpulse/internal/yamlcheck"

// PosError is an error at a position of a file: it prints as file:line:col: message.
type PosError = yamlcheck.PosError

// Errors is a list of errors reported together, one a line, sorted by file and position; its
// Unwrap gives them to errors.Is and errors.As.
type Errors = yamlcheck.Errors

// errList reads the yaml.Node tree of one rule file by hand, so that every mistake is reported
// with its position and unknown keys are errors.
type errList struct{ yamlcheck.Checker }
