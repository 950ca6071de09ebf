package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
)

// cli runs the program against one fresh SQLite database with a fixed
// environment, as an operator would.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	return &cli{t: t, env: map[string]string{
		"PARTNERHUB_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "cli.db"),
	}}
}

// exec runs one command and returns its stdout and stderr.
func (c *cli) exec(args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, func(k string) string { return c.env[k] }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// open opens the CLI's database with the service and authenticator serve
// would build; they are closed with the test.
func (c *cli) open() (*store.DB, *hub.Service, *auth.Authenticator) {
	c.t.Helper()
	db, err := store.Open(context.Background(), c.env["PARTNERHUB_DATABASE_URL"], store.Options{})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { db.Close() })
	svc := hub.NewService(db, 0)
	svc.SetPasswordHasher(auth.Argon2id{})
	return db, svc, auth.NewAuthenticator(svc, auth.Config{})
}
