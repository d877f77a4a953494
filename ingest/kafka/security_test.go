package kafka

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest/internal/intaketest"
)

// selfSigned writes a CA-less self-signed certificate for 127.0.0.1 to dir and returns the
// server's TLS configuration and the certificate's PEM file.
func selfSigned(t *testing.T, dir string) (*tls.Config, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kafka-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	pair, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
	require.NoError(t, err)
	caFile := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(caFile, certPEM, 0o600))
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, caFile
}

// TestTLSAndSASL consumes and publishes through a cluster that requires TLS and SCRAM-SHA-512;
// a wrong password gets nothing through.
func TestTLSAndSASL(t *testing.T) {
	srvTLS, caFile := selfSigned(t, t.TempDir())
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, topic), kfake.SeedTopics(1, "scored"),
		kfake.TLS(srvTLS), kfake.EnableSASL(), kfake.Superuser(MechanismScramSHA512, "cx", "s3cret-pw"))
	require.NoError(t, err)
	defer c.Close()
	t.Setenv("KAFKA_TEST_PASSWORD", "s3cret-pw")
	t.Setenv("KAFKA_TEST_WRONG", "guess")
	tlsCfg := TLSConfig{Enabled: true, CAFile: caFile}
	good := SASLConfig{Mechanism: MechanismScramSHA512, Username: "cx", Password: "${KAFKA_TEST_PASSWORD}"}

	// The output publishes.
	pcfg := DefaultPublishConfig()
	pcfg.Brokers, pcfg.Topic, pcfg.TLS, pcfg.SASL = c.ListenAddrs(), "scored", tlsCfg, good
	p, err := NewPublisher(pcfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	p.Publish(scoredRows())
	p.Close()
	require.Eventually(t, func() bool { return testutil.ToFloat64(p.records.WithLabelValues(PublishSent)) == 2 }, 10*time.Second, 5*time.Millisecond)

	// The consumer consumes.
	sec, err := securityOpts(tlsCfg, good)
	require.NoError(t, err)
	prod, err := kgo.NewClient(append(sec, kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic(topic))...)
	require.NoError(t, err)
	require.NoError(t, prod.ProduceSync(context.Background(),
		&kgo.Record{Value: []byte(`{"id":"a","source":"app","channel":"chat","text":"one"}`)},
		&kgo.Record{Value: []byte(`{"id":"b","source":"app","channel":"chat","text":"two"}`)}).FirstErr())
	prod.Close()

	cfg := testConfig(c.ListenAddrs())
	cfg.TLS, cfg.SASL = tlsCfg, good
	sub := intaketest.New()
	cons, err := New(cfg, event.DefaultLimits(), sub, &sink{}, nil, nil, nil, fast...)
	require.NoError(t, err)
	stop := start(t, cons)
	require.NoError(t, sub.WaitFor(context.Background(), 30*time.Second, func(evs []event.Event) bool { return len(evs) == 2 }))
	stop()
	require.ElementsMatch(t, []string{"a", "b"}, []string{sub.Events()[0].ID, sub.Events()[1].ID})

	// A wrong password: nothing is sent.
	pcfg.SASL.Password, pcfg.CloseTimeout = "${KAFKA_TEST_WRONG}", 500*time.Millisecond
	bad, err := NewPublisher(pcfg, nil, prometheus.NewRegistry())
	require.NoError(t, err)
	bad.Publish(scoredRows())
	bad.Close()
	// The client fails what it still holds as it closes; the outcomes may land just after.
	require.Eventually(t, func() bool {
		return testutil.ToFloat64(bad.records.WithLabelValues(PublishFailed)) == 2
	}, 10*time.Second, 5*time.Millisecond)
	require.Zero(t, testutil.ToFloat64(bad.records.WithLabelValues(PublishSent)))
}

func TestSecurityConfig(t *testing.T) {
	cfg := testConfig([]string{"x:1"})
	cfg.TLS = TLSConfig{CAFile: "ca.pem", CertFile: "c.pem"}
	cfg.SASL = SASLConfig{Mechanism: "GSSAPI", Password: "plain-text"}
	err := cfg.Validate()
	require.ErrorContains(t, err, "tls: set enabled: true to use the other tls keys")
	require.ErrorContains(t, err, `sasl: mechanism "GSSAPI" is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512`)
	require.ErrorContains(t, err, "sasl: username must be set")
	require.ErrorContains(t, err, "sasl: password: write secrets as ${ENV_VAR}, never in the file")
	require.NotContains(t, err.Error(), "plain-text")
	cfg.TLS.Enabled = true
	require.ErrorContains(t, cfg.Validate(), "tls: cert_file and key_file go together")

	// Files and the environment are read when the client is made, with clear errors.
	_, err = securityOpts(TLSConfig{Enabled: true, CAFile: filepath.Join(t.TempDir(), "missing.pem")}, SASLConfig{})
	require.ErrorContains(t, err, "tls: ca_file: open")
	empty := filepath.Join(t.TempDir(), "empty.pem")
	require.NoError(t, os.WriteFile(empty, []byte("not pem"), 0o600))
	_, err = securityOpts(TLSConfig{Enabled: true, CAFile: empty}, SASLConfig{})
	require.ErrorContains(t, err, "holds no PEM certificate")
	_, err = securityOpts(TLSConfig{}, SASLConfig{Mechanism: MechanismPlain, Username: "u", Password: "${KAFKA_TEST_UNSET_VAR}"})
	require.EqualError(t, err, "sasl: password: environment variable KAFKA_TEST_UNSET_VAR is not set")
	opts, err := securityOpts(TLSConfig{}, SASLConfig{})
	require.NoError(t, err)
	require.Empty(t, opts)
}
