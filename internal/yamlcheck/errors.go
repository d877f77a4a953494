// Package yamlcheck reads YAML files strictly through their yaml.Node tree, so that a person
// sees every mistake of a file at once, each as file:line:col: what is wrong, and unknown keys
// are errors. Packages alerting and outreach read their sections of the rule files with it.
//
// It also holds the duration syntax of those files (ParseDuration, FormatDuration) and Secret,
// a credential a file names as ${ENV} instead of writing it.
package yamlcheck

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a file.
type Pos struct {
	File      string
	Line, Col int
}

// String prints file:line:col.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// PosError is an error at a position of a file: it prints as file:line:col: message, or as
// file: message when Line is 0 (the position is unknown).
type PosError struct {
	File      string
	Line, Col int
	Msg       string
}

// Error implements error.
func (e *PosError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors is a list of errors reported together, one a line. Its elements are mostly *PosError;
// others (a file that cannot be read) may stand among them.
type Errors []error

// Error implements error.
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors, for errors.Is and errors.As. The slice is es itself.
func (es Errors) Unwrap() []error { return es }

// Sort orders es in place by file, line and column, *PosError first; it is stable, so errors at
// one position, and the other errors, keep their order.
func (es Errors) Sort() {
	sort.SliceStable(es, func(i, j int) bool {
		a, aok := es[i].(*PosError)
		b, bok := es[j].(*PosError)
		if !aok || !bok {
			return aok && !bok
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}
