package main

import (
	"context"
	"encoding/json"
	"io"

	"github.com/partnerhub/partnerhub/internal/store"
)

// runBootstrap is "partnerhub bootstrap": bootstrap without serving. The
// credentials go to stdout, as one JSON object with --json.
func runBootstrap(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c, env := newFlags("bootstrap", getenv, stderr)
	asJSON := fs.Bool("json", false, `print {"partner_id", "partner_sid", "partner_ref", "username", "password", "api_key"} as JSON`)
	reset := fs.Bool("reset-admin", false, "on a bootstrapped database, set a new password on the admin user and issue a new key")
	if err := c.parse(fs, env, args); err != nil {
		return err
	}
	db, err := c.open(ctx, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	defer announce(ctx, db)
	creds, err := bootstrap(ctx, c.service(db), getenv(adminPasswordEnv), *reset)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(creds)
	}
	printCredentials(stdout, creds)
	return nil
}
