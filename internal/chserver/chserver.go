// Package chserver starts a private ClickHouse server in a temporary directory on free loopback
// ports, for tests and for the demo. It runs Debian's clickhouse-server binary without touching
// the system's data directory.
package chserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// Binary is the server program looked up on PATH (and in /usr/sbin, where Debian puts it).
const Binary = "clickhouse-server"

// ErrNotInstalled is returned by Start when no clickhouse-server binary can be found.
var ErrNotInstalled = errors.New("clickhouse-server is not installed (Debian: apt-get install -y clickhouse-server clickhouse-client)")

// Options configure a server. Zero values pick defaults.
type Options struct {
	// Dir holds data and logs; a new temporary directory when empty (removed by Close).
	Dir string
	// ConfigFile is the server config to start from; /etc/clickhouse-server/config.xml by default.
	ConfigFile string
	// StartTimeout bounds how long Start waits for the server to answer; 60 s by default.
	StartTimeout time.Duration
}

// Server is a running (or stopped) private ClickHouse server. Its ports stay the same across
// Stop and Start so clients can reconnect. Methods are safe for concurrent use.
type Server struct {
	opts    Options
	bin     string
	dir     string
	ownDir  bool
	tcpPort int
	ports   [2]int // http, interserver

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// Find returns the path of the clickhouse-server binary or ErrNotInstalled.
func Find() (string, error) {
	if p, err := exec.LookPath(Binary); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/" + Binary, "/usr/bin/" + Binary} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", ErrNotInstalled
}

// Start launches a server and waits until it answers queries.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := Find()
	if err != nil {
		return nil, err
	}
	if opts.ConfigFile == "" {
		opts.ConfigFile = "/etc/clickhouse-server/config.xml"
	}
	if opts.StartTimeout == 0 {
		opts.StartTimeout = 60 * time.Second
	}
	s := &Server{opts: opts, bin: bin, dir: opts.Dir}
	if s.dir == "" {
		s.dir, err = os.MkdirTemp("", "cxpulse-clickhouse-")
		if err != nil {
			return nil, err
		}
		s.ownDir = true
	}
	ports, err := freePorts(3)
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	s.tcpPort, s.ports = ports[0], [2]int{ports[1], ports[2]}
	if err := s.Start(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// Addr is the host:port of the native protocol.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.tcpPort)) }

// HTTPAddr is the host:port of the HTTP interface.
func (s *Server) HTTPAddr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.ports[0])) }

// Pid is the process id of the running server, 0 when it is stopped.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Dir is the directory holding the server's data and logs.
func (s *Server) Dir() string { return s.dir }

// Start (re)starts a stopped server on the same ports and data and waits until it answers.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.cmd != nil {
		s.mu.Unlock()
		return nil
	}
	data := filepath.Join(s.dir, "data") + "/"
	logs := filepath.Join(s.dir, "log")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		s.mu.Unlock()
		return err
	}
	out, err := os.OpenFile(filepath.Join(logs, "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	cmd := exec.Command(s.bin, "--config-file="+s.opts.ConfigFile, "--",
		"--path="+data,
		"--tmp_path="+data+"tmp/",
		"--user_files_path="+data+"user_files/",
		"--format_schema_path="+data+"format_schemas/",
		"--tcp_port="+strconv.Itoa(s.tcpPort),
		"--http_port="+strconv.Itoa(s.ports[0]),
		"--interserver_http_port="+strconv.Itoa(s.ports[1]),
		"--logger.log="+filepath.Join(logs, "server.log"),
		"--logger.errorlog="+filepath.Join(logs, "error.log"),
		"--logger.level=warning",
	)
	cmd.Stdout, cmd.Stderr = out, out
	// The server dies with the process that started it, even when that one is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = out.Close()
		s.mu.Unlock()
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		_ = out.Close()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	s.mu.Unlock()
	return s.waitReady(ctx, done)
}

func (s *Server) waitReady(ctx context.Context, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.StartTimeout)
	defer cancel()
	var last error
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if last = Ping(ctx, s.Addr()); last == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("clickhouse-server exited during start; see %s", filepath.Join(s.dir, "log"))
		case <-ctx.Done():
			return fmt.Errorf("clickhouse-server did not answer within %s: %w", s.opts.StartTimeout, last)
		case <-tick.C:
		}
	}
}

// Ping opens a native connection to addr and runs SELECT 1.
func Ping(ctx context.Context, addr string) error {
	conn, err := clickhouse.Open(&clickhouse.Options{Addr: []string{addr}, DialTimeout: time.Second})
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return conn.Ping(ctx)
}

// Stop terminates the server (SIGTERM, then SIGKILL after 20 s) and waits for it to exit. The
// data directory is kept for a later Start.
func (s *Server) Stop() error {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	return nil
}

// Kill ends the server with SIGKILL, as a crash would, and waits for it to exit.
func (s *Server) Kill() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
}

// Close stops the server and removes its directory if Start created it.
func (s *Server) Close() error {
	err := s.Stop()
	if s.ownDir {
		if rerr := os.RemoveAll(s.dir); err == nil {
			err = rerr
		}
	}
	return err
}

func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
