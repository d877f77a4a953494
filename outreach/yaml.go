package outreach

import "github.com/cxpulse/cxpulse/internal/yamlcheck"

// PosError is an error at a position of a rule file; it prints as file:line:col: message.
type PosError = yamlcheck.PosError

// Errors is every error of the outreach sections, one a line, sorted by file and position; its
// Unwrap gives them to errors.As.
type Errors = yamlcheck.Errors

// Pos is a position in a rule file; it prints as file:line:col.
type Pos = yamlcheck.Pos

// checker reads the outreach sections' yaml.Node trees by hand, so that every mistake is
// reported with its position and unknown keys are errors. An explicit null reads as an empty
// mapping or list.
type checker struct{ yamlcheck.Checker }
