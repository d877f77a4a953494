package alerting

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// PosError is an error at a position of a file: it prints as file:line:col: message.
type PosError struct {
	File string
	Line int
	Col  int
	Msg  string
}

// Error implements error.
func (e *PosError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors is a list of errors reported together, one a line, sorted by file and position.
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

// Unwrap returns the errors, for errors.Is and errors.As.
func (es Errors) Unwrap() []error { return es }

// errList collects positioned errors of one file.
type errList struct {
	file string
	errs Errors
}

func (l *errList) at(n *yaml.Node, format string, args ...any) {
	e := &PosError{File: l.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Col = n.Line, n.Column
	}
	l.errs = append(l.errs, e)
}

func (l *errList) atPos(line, col int, format string, args ...any) {
	l.errs = append(l.errs, &PosError{File: l.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

func sortErrors(es Errors) {
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
