// Package secret holds configuration values that must never be printed: tokens, passwords,
// routing keys, webhook URLs. A Secret is written in configuration files as a reference to the
// environment, ${VAR}, and resolved at start.
package secret

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Secret is a sensitive configuration value. Its String and formatting never reveal it.
type Secret string

// Redacted is what a Secret prints as.
const Redacted = "<secret>"

// String implements fmt.Stringer without revealing the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString implements fmt.GoStringer without revealing the value.
func (s Secret) GoString() string { return s.String() }

// MarshalText keeps the value out of re-encoded configuration.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Value returns the secret itself, for the one place that sends it.
func (s Secret) Value() string { return string(s) }

var refRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// IsReference reports whether s is written only as environment references (${VAR}), which is
// how secrets must appear in files.
func IsReference(s string) bool {
	return s != "" && strings.TrimSpace(refRE.ReplaceAllString(s, "")) == ""
}

// Expand resolves the ${VAR} references of s from the environment. A variable that is not set is
// an error naming it (never its value).
func Expand(s string) (Secret, error) {
	var missing []string
	out := refRE.ReplaceAllStringFunc(s, func(m string) string {
		name := refRE.FindStringSubmatch(m)[1]
		v, ok := os.LookupEnv(name)
		if !ok {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("environment variable %s is not set", strings.Join(missing, ", "))
	}
	return Secret(out), nil
}

// Scrub replaces every occurrence of the given secrets in msg with Redacted; use it on errors
// from libraries that may quote a URL or token.
func Scrub(msg string, secrets ...Secret) string {
	for _, s := range secrets {
		if len(s) >= 4 {
			msg = strings.ReplaceAll(msg, string(s), Redacted)
		}
	}
	return msg
}
