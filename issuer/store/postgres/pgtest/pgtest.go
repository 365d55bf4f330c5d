package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN names the environment variable with the DSN of a server to test
// against instead of starting one.
const EnvDSN = "SATCHEL_TEST_POSTGRES"

// EnvBin names the environment variable with the directory holding initdb
// and pg_ctl, when they are not where Debian or $PATH puts them.
const EnvBin = "SATCHEL_TEST_POSTGRES_BIN"

const howToEnable = "install PostgreSQL (Debian: apt-get install postgresql, which `make deps` does) so that initdb and pg_ctl are " +
	"found under /usr/lib/postgresql/*/bin, on $PATH or in $" + EnvBin + ", or set $" + EnvDSN +
	" to the DSN of a server whose user may CREATE DATABASE"

// server is the test binary's PostgreSQL.
type server struct {
	// admin runs CREATE DATABASE; mu serialises its use.
	mu    sync.Mutex
	admin *pgx.Conn
	// dsn returns the DSN of database name.
	dsn func(name string) string
	// external: the server is $SATCHEL_TEST_POSTGRES's, so databases are
	// dropped after their test and named so as not to clash with other
	// runs.
	external bool
	n        atomic.Int64
	// version is the server's version number (150004 for 15.4).
	version int
	// templates are Template's, by key; guarded by mu.
	templates map[string]*template
	// cleanup drops Template's databases on an external server.
	cleanup []string
	// busy counts copies being made ahead.
	busy sync.WaitGroup
	// stop stops a server this package started and removes its files.
	stop func() error
}

var (
	once   sync.Once
	srv    *server
	srvErr error
	// fatal: srvErr should fail tests rather than skip them.
	fatal bool
)

// Main runs a package's tests and then stops the server, if one was
// started. Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if srv != nil {
		srv.busy.Wait()
		for _, q := range srv.cleanup {
			if err := srv.exec(context.Background(), q); err != nil {
				fmt.Fprintf(os.Stderr, "pgtest: %s: %v\n", q, err)
			}
		}
	}
	if srv != nil && srv.stop != nil {
		if err := srv.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: stop PostgreSQL: %v\n", err)
		}
	}
	return code
}

// NewDatabase creates an empty database for t and returns its DSN. It
// skips t when no PostgreSQL is available, saying why.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return NewDatabaseFrom(t, "template0")
}

// NewDatabaseFrom creates a database for t as a copy of template (a name
// Template returned, or "template0" for an empty one) and returns its
// DSN. It skips t when no PostgreSQL is available, saying why.
func NewDatabaseFrom(t testing.TB, template string) string {
	t.Helper()
	s := server1(t)
	var name string
	var err error
	if tm := s.template(template); tm != nil {
		name, err = tm.take(s)
	} else {
		name = s.name("t")
		err = s.create(t.Context(), name, template)
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	if s.external {
		t.Cleanup(func() {
			// WITH (FORCE): connections a failed test left open do not
			// keep the database alive.
			if err := s.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
				t.Errorf("drop test database %s: %v", name, err)
			}
		})
	}
	return s.dsn(name)
}

// ahead is how many copies of a template are made before tests ask for
// them: a test's database is then ready when it starts, its copy made
// while earlier tests ran.
const ahead = 2

// Template makes a template database once per test binary and key: an
// empty database that fill (given its DSN) fills, for instance by
// migrating a schema, and that no one may connect to afterwards. It
// returns its name for NewDatabaseFrom; copying it is much cheaper than
// filling each test's database anew.
func Template(t testing.TB, key string, fill func(ctx context.Context, dsn string) error) string {
	t.Helper()
	s := server1(t)
	s.mu.Lock()
	tm, ok := s.templates[key]
	if !ok {
		tm = &template{copies: make(chan copied, ahead)}
		s.templates[key] = tm
	}
	s.mu.Unlock()
	tm.once.Do(func() {
		name := s.name("tmpl")
		if tm.err = s.create(t.Context(), name, "template0"); tm.err != nil {
			return
		}
		s.mu.Lock()
		tm.name = name
		if s.external {
			// Templates outlive the test that made them: Main drops them.
			s.cleanup = append(s.cleanup, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		}
		s.mu.Unlock()
		if tm.err = fill(t.Context(), s.dsn(name)); tm.err != nil {
			return
		}
		for range ahead {
			tm.copyAhead(s)
		}
	})
	if tm.err != nil {
		t.Fatalf("template database %s: %v", key, tm.err)
	}
	return tm.name
}

type template struct {
	once   sync.Once
	name   string
	err    error
	copies chan copied // made ahead
}

// copied is a copy of a template made ahead, or why it could not be.
type copied struct {
	name string
	err  error
}

// template returns the Template named name, or nil.
func (s *server) template(name string) *template {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tm := range s.templates {
		if tm.name == name {
			return tm
		}
	}
	return nil
}

// take returns a copy made ahead and starts making the next.
func (tm *template) take(s *server) (string, error) {
	c := <-tm.copies
	tm.copyAhead(s)
	return c.name, c.err
}

// copyAhead makes a copy of the template in the background. Main waits
// for those under way before it stops the server.
func (tm *template) copyAhead(s *server) {
	name := s.name("t")
	if s.external {
		// A copy no test took is dropped at the end.
		s.mu.Lock()
		s.cleanup = append(s.cleanup, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		s.mu.Unlock()
	}
	s.busy.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		tm.copies <- copied{name, s.create(ctx, name, tm.name)}
	})
}

// server1 returns the server, starting it on first use, or skips or
// fails t.
func server1(t testing.TB) *server {
	t.Helper()
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		srv, srvErr = start(ctx)
	})
	switch {
	case srvErr != nil && fatal:
		t.Fatalf("PostgreSQL from $%s: %v", EnvDSN, srvErr)
	case srvErr != nil:
		t.Skipf("PostgreSQL tests skipped: %v; to run them, %s", srvErr, howToEnable)
	}
	return srv
}

// name returns a new database name. On a server of its own a counter
// will do; on someone else's, the names must not clash with another run's.
func (s *server) name(kind string) string {
	n := s.n.Add(1)
	if s.external {
		return fmt.Sprintf("satchel_%s_%d_%d_%d", kind, os.Getpid(), time.Now().Unix(), n)
	}
	return fmt.Sprintf("%s_%d", kind, n)
}

// create makes database name as a copy of template. Names are ours
// (letters, digits, '_'), so they need no quoting. FILE_COPY copies the
// files instead of writing every page to the WAL, several times faster
// for small databases; servers before 15 know only that way.
func (s *server) create(ctx context.Context, name, template string) error {
	q := "CREATE DATABASE " + name + " TEMPLATE " + template
	if s.version >= 150000 {
		q += " STRATEGY FILE_COPY"
	}
	return s.exec(ctx, q)
}

func (s *server) exec(ctx context.Context, sql string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.admin.Exec(ctx, sql)
	return err
}

func start(ctx context.Context) (*server, error) {
	var s *server
	var err error
	if dsn := os.Getenv(EnvDSN); dsn != "" {
		fatal = true
		s, err = external(ctx, dsn)
	} else {
		s, err = local(ctx)
	}
	if err != nil {
		return nil, err
	}
	s.templates = map[string]*template{}
	if err := s.admin.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&s.version); err != nil {
		return nil, errors.Join(fmt.Errorf("server version: %w", err), s.close())
	}
	return s, nil
}

// close stops a server this package started, or disconnects from an
// external one.
func (s *server) close() error {
	if s.stop != nil {
		return s.stop()
	}
	return s.admin.Close(context.Background())
}

// external connects to the server of dsn.
func external(ctx context.Context, dsn string) (*server, error) {
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	s := &server{admin: admin, external: true}
	// A URL names the database in its path; key=value pairs take the last
	// of a repeated key.
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		s.dsn = func(name string) string {
			v := *u
			v.Path = "/" + name
			return v.String()
		}
	} else {
		s.dsn = func(name string) string { return dsn + " dbname=" + name }
	}
	return s, nil
}

// local starts a throw-away server.
func local(ctx context.Context) (*server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	cred, err := runAs()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "satchel-pgtest-")
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	data, sock, logFile := filepath.Join(dir, "data"), filepath.Join(dir, "sock"), filepath.Join(dir, "postgres.log")
	if err := os.Mkdir(sock, 0o700); err != nil {
		return nil, err
	}
	if cred != nil {
		// The server's user must own its directories; it needs to reach
		// dir through its parents too, which /tmp allows.
		for _, p := range []string{dir, sock} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return nil, err
			}
		}
	}
	run := func(name string, args ...string) error {
		cmd := exec.CommandContext(ctx, filepath.Join(bin, name), args...)
		cmd.Dir = dir
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w: %s", name, err, lastLines(out.String(), 5))
		}
		return nil
	}
	// --no-sync and the settings below trade durability, which a test
	// database does not need, for speed.
	if err := run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"); err != nil {
		return nil, fmt.Errorf("initdb failed: %w", err)
	}
	var port int
	for attempt := 0; ; attempt++ {
		if port, err = freePort(); err != nil {
			return nil, err
		}
		opts := strings.Join([]string{
			"-p", strconv.Itoa(port), "-k", sock, "-c", "listen_addresses=127.0.0.1",
			"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
			"-c", "max_connections=200", "-c", "shared_buffers=32MB",
		}, " ")
		err = run("pg_ctl", "start", "-D", data, "-w", "-t", "30", "-l", logFile, "-o", opts)
		if err == nil {
			break
		}
		// Another process may have taken the port in between: try once
		// more on another.
		if attempt == 1 {
			log, _ := os.ReadFile(logFile)
			return nil, fmt.Errorf("PostgreSQL did not start: %w; its log ends: %s", err, lastLines(string(log), 5))
		}
	}
	stop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "pg_ctl"), "stop", "-D", data, "-m", "immediate", "-w")
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			err = fmt.Errorf("pg_ctl stop: %w: %s", err, lastLines(string(out), 3))
		}
		return errors.Join(err, os.RemoveAll(dir))
	}
	dsn := func(name string) string {
		return fmt.Sprintf("host=%s port=%d user=postgres dbname=%s sslmode=disable", sock, port, name)
	}
	admin, err := pgx.Connect(ctx, dsn("postgres"))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("connect to the PostgreSQL started: %w", err), stop())
	}
	ok = true
	s := &server{admin: admin, dsn: dsn}
	s.stop = func() error {
		admin.Close(context.Background())
		return stop()
	}
	return s, nil
}

// findBin returns the directory with initdb and pg_ctl: $SATCHEL_TEST_POSTGRES_BIN,
// Debian's newest /usr/lib/postgresql/N/bin, or $PATH's.
func findBin() (string, error) {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "pg_ctl"} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if dir := os.Getenv(EnvBin); dir != "" {
		if !has(dir) {
			return "", fmt.Errorf("$%s is %s, which holds no initdb and pg_ctl", EnvBin, dir)
		}
		return dir, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// Newest version first: "9.6" < "15" as numbers, not as strings.
	version := func(dir string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int {
		switch va, vb := version(a), version(b); {
		case va > vb:
			return -1
		case va < vb:
			return 1
		}
		return 0
	})
	dirs = append(dirs, "/usr/local/pgsql/bin")
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL's initdb and pg_ctl were not found")
}

// runAs returns the credential to run the server with: nil to run it as
// this process's user, or, for root (which initdb refuses), the "postgres"
// user's.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, which initdb refuses, and there is no \"postgres\" user to run the server as: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("user postgres: %w", err)
	}
	// Groups nil: setgroups drops root's supplementary groups too.
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " / ")
}
