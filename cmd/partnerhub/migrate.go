package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/partnerhub/partnerhub/internal/store"
)

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c, env := newFlags("migrate", getenv, stderr)
	if err := c.parse(fs, env, args); err != nil {
		return err
	}
	sub := fs.Arg(0)
	if fs.NArg() > 1 || (sub != "up" && sub != "status") {
		return errors.New("usage: partnerhub migrate [flags] up|status")
	}
	db, err := c.open(ctx, store.Options{SkipMigrate: true})
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "up" {
		n, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration(s) on %s\n", n, db.Dialect())
		return nil
	}
	st, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	for _, m := range st {
		state := "pending"
		if m.Applied {
			state = "applied"
		}
		fmt.Fprintf(stdout, "%05d  %-8s %s\n", m.Version, state, m.Name)
	}
	return nil
}
