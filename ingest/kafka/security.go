package kafka

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/cxpulse/cxpulse/internal/secret"
)

// TLSConfig is the `tls:` key of a Kafka client: encryption to the brokers and, with a
// certificate and key, client authentication.
type TLSConfig struct {
	Enabled bool `yaml:"enabled"`
	// CAFile holds the PEM certificates that sign the brokers' certificates; the system's roots
	// when empty.
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are the client's PEM certificate and key, for mutual TLS.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName overrides the name checked in the brokers' certificates.
	ServerName string `yaml:"server_name"`
	// InsecureSkipVerify accepts any broker certificate. For tests only.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// SASL mechanisms.
const (
	MechanismPlain       = "PLAIN"
	MechanismScramSHA256 = "SCRAM-SHA-256"
	MechanismScramSHA512 = "SCRAM-SHA-512"
)

// SASLConfig is the `sasl:` key of a Kafka client.
type SASLConfig struct {
	// Mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty for no SASL.
	Mechanism string `yaml:"mechanism"`
	Username  string `yaml:"username"`
	// Password is written as ${ENV_VAR} and resolved at start.
	Password secret.Secret `yaml:"password"`
}

func (t TLSConfig) problems() []string {
	var errs []string
	if !t.Enabled {
		if t.CAFile != "" || t.CertFile != "" || t.KeyFile != "" || t.ServerName != "" || t.InsecureSkipVerify {
			errs = append(errs, "tls: set enabled: true to use the other tls keys")
		}
		return errs
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		errs = append(errs, "tls: cert_file and key_file go together")
	}
	return errs
}

func (s SASLConfig) problems() []string {
	var errs []string
	switch s.Mechanism {
	case "":
		if s.Username != "" || s.Password != "" {
			errs = append(errs, "sasl: mechanism must be set (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)")
		}
		return errs
	case MechanismPlain, MechanismScramSHA256, MechanismScramSHA512:
	default:
		errs = append(errs, fmt.Sprintf("sasl: mechanism %q is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512", s.Mechanism))
	}
	if s.Username == "" {
		errs = append(errs, "sasl: username must be set")
	}
	if s.Password == "" {
		errs = append(errs, "sasl: password must be set (as ${ENV_VAR})")
	} else if !secret.IsReference(s.Password.Value()) {
		errs = append(errs, "sasl: password: write secrets as ${ENV_VAR}, never in the file")
	}
	return errs
}

// securityOpts returns the client options of t and s: it reads the certificate files and
// resolves the password from the environment.
func securityOpts(t TLSConfig, s SASLConfig) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	if t.Enabled {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify} //nolint:gosec // opt-in, documented as for tests
		if t.CAFile != "" {
			pem, err := os.ReadFile(t.CAFile)
			if err != nil {
				return nil, fmt.Errorf("tls: ca_file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("tls: ca_file %s holds no PEM certificate", t.CAFile)
			}
			cfg.RootCAs = pool
		}
		if t.CertFile != "" {
			cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("tls: cert_file/key_file: %w", err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	if s.Mechanism != "" {
		pw, err := secret.Expand(s.Password.Value())
		if err != nil {
			return nil, fmt.Errorf("sasl: password: %w", err)
		}
		var m sasl.Mechanism
		switch s.Mechanism {
		case MechanismPlain:
			m = plain.Auth{User: s.Username, Pass: pw.Value()}.AsMechanism()
		case MechanismScramSHA256:
			m = scram.Auth{User: s.Username, Pass: pw.Value()}.AsSha256Mechanism()
		case MechanismScramSHA512:
			m = scram.Auth{User: s.Username, Pass: pw.Value()}.AsSha512Mechanism()
		default:
			return nil, fmt.Errorf("sasl: unknown mechanism %q", s.Mechanism)
		}
		opts = append(opts, kgo.SASL(m))
	}
	return opts, nil
}

// joinProblems is errors.New of the lines, or nil without any.
func joinProblems(errs []string) error {
	if len(errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(errs, "\n"))
}
