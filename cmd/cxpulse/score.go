package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/sentiment"
)

// maxScoreLine bounds one input line of `cxpulse score`.
const maxScoreLine = 1 << 20

func newScoreCmd() *cobra.Command {
	var cfg sentiment.Config
	cmd := &cobra.Command{
		Use:   "score",
		Short: "Score messages: lines on stdin (JSON objects with text, or plain text), one JSON object a line on stdout",
		Long: `Reads one message a line on stdin: a JSON object with "text" (and optionally "id" and
"language"), or plain text. Writes one JSON object a line on stdout, in the same order: the input's
id if any, then score, label, confidence, probabilities, evidence, language, reliable,
model_version and topics. A line that cannot be read is answered with {"line": N, "error": "..."}
in its place; the command then exits with status 1 after the last line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := sentiment.New(cfg)
			if err != nil {
				return err
			}
			bad, err := scoreStream(s, cmd.InOrStdin(), cmd.OutOrStdout())
			if err != nil {
				return err
			}
			if bad > 0 {
				return &exitError{code: 1, msg: fmt.Sprintf("cxpulse score: %d line(s) could not be read (see the error objects in the output)", bad)}
			}
			return nil
		},
	}
	addModelFlags(cmd, &cfg)
	return cmd
}

func addModelFlags(cmd *cobra.Command, cfg *sentiment.Config) {
	addModelFlag(cmd.Flags(), &cfg.Model)
	cmd.Flags().StringVar(&cfg.Topics, "topics", "", "YAML topic dictionary extending the default one")
}

// addModelFlag adds --model to fl: the sentiment model a command uses.
func addModelFlag(fl *pflag.FlagSet, model *string) {
	fl.StringVar(model, "model", "", "sentiment model: a `file` written by cxpulse sentiment train, or builtin:default or builtin:support (default: the embedded default model)")
}

// scoreInput is the part of an input object `score` reads; other fields are ignored.
type scoreInput struct {
	ID       json.RawMessage `json:"id"`
	Text     *string         `json:"text"`
	Language string          `json:"language"`
}

// scoreOutput is one output line.
type scoreOutput struct {
	ID json.RawMessage `json:"id,omitempty"`
	event.Sentiment
}

type lineError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// scoreStream scores every line of r onto w, in order. It returns the number of lines answered
// with an error object; the error is for failures of r or w.
func scoreStream(s *sentiment.Scorer, r io.Reader, w io.Writer) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	var out scoreOutput
	bad := 0
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br)
		if err == io.EOF && line == nil {
			break
		}
		if err != nil && err != io.EOF {
			return bad, fmt.Errorf("reading stdin: %w", err)
		}
		text, lang, id, perr := parseScoreLine(line, tooLong)
		if perr != nil {
			bad++
			if err := enc.Encode(lineError{Line: n, Error: perr.Error()}); err != nil {
				return bad, fmt.Errorf("writing stdout: %w", err)
			}
		} else {
			s.Score(text, lang, &out.Sentiment)
			out.ID = id
			if out.Topics == nil {
				out.Topics = []string{}
			}
			if out.Evidence == nil {
				out.Evidence = []event.Evidence{}
			}
			if err := enc.Encode(&out); err != nil {
				return bad, fmt.Errorf("writing stdout: %w", err)
			}
		}
		if br.Buffered() == 0 { // answer interactive use line by line
			if err := bw.Flush(); err != nil {
				return bad, fmt.Errorf("writing stdout: %w", err)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if err := bw.Flush(); err != nil {
		return bad, fmt.Errorf("writing stdout: %w", err)
	}
	return bad, nil
}

// readLine returns the next line without its end; a line longer than maxScoreLine is skipped and
// reported with tooLong.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > maxScoreLine {
			tooLong = true
		} else {
			buf = append(buf, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(buf) == 0 && !tooLong {
			return nil, false, io.EOF
		}
		buf = bytes.TrimRight(buf, "\r\n")
		if buf == nil {
			buf = []byte{}
		}
		return buf, tooLong, err
	}
}

// parseScoreLine reads one input line: a JSON object (starts with '{') or plain text.
func parseScoreLine(line []byte, tooLong bool) (text, lang string, id json.RawMessage, err error) {
	if tooLong {
		return "", "", nil, fmt.Errorf("line longer than %d bytes", maxScoreLine)
	}
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return string(line), "", nil, nil
	}
	var in scoreInput
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(&in); err != nil {
		return "", "", nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return "", "", nil, errors.New("invalid JSON: data after the object")
	}
	if in.Text == nil {
		return "", "", nil, errors.New(`JSON object without "text"`)
	}
	if len(in.ID) > 0 && in.ID[0] != '"' && (in.ID[0] < '0' || in.ID[0] > '9') && in.ID[0] != '-' {
		if string(in.ID) != "null" {
			return "", "", nil, errors.New(`"id" must be a string or a number`)
		}
		in.ID = nil
	}
	return *in.Text, in.Language, in.ID, nil
}
