package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
)

// keysActor is the audit actor of keys made from the command line.
const keysActor = "system:cli"

// runKeys is "partnerhub keys create": it issues an API key for any
// partner as the system (which holds every scope) and prints the
// plaintext key, once, on stdout.
func runKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: partnerhub keys create --partner ID|SID|REF --scopes a,b,c [--name N] [--expires 720h]")
	}
	fs, c, env := newFlags("keys create", getenv, stderr)
	partner := fs.String("partner", "", "the key's partner: its id (digits), sid (UUID) or ref (ends in PA)")
	scopes := fs.String("scopes", "", "comma-separated scopes, e.g. partners.read,clients.read")
	name := fs.String("name", "cli", "the key's name")
	expires := fs.Duration("expires", 0, "lifetime, e.g. 720h; 0 never expires")
	if err := c.parse(fs, env, args[1:]); err != nil {
		return err
	}
	key, err := partnerKey(*partner)
	if err != nil {
		return err
	}
	list, err := parseScopes(*scopes)
	if err != nil {
		return err
	}
	if *expires < 0 {
		return errors.New("--expires must not be negative")
	}
	db, err := c.open(ctx, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	defer announce(ctx, db)
	svc := c.service(db)
	root, err := db.RootPartner(ctx)
	if hub.IsKind(err, hub.NotFound) {
		return errors.New("the database has no root partner: run partnerhub bootstrap first")
	}
	if err != nil {
		return err
	}
	sys := hub.SystemPrincipal(root, keysActor)
	p, err := svc.Partner(ctx, sys, key)
	if hub.IsKind(err, hub.NotFound) {
		return fmt.Errorf("partner %s not found", *partner)
	}
	if err != nil {
		return err
	}
	req := hub.NewAPIKeyRequest{PartnerID: p.ID, Name: *name, Scopes: list}
	if *expires > 0 {
		at := time.Now().Add(*expires)
		req.ExpiresAt = &at
	}
	k, plaintext, err := svc.CreateAPIKey(ctx, sys, req)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, plaintext)
	fmt.Fprintf(stderr, "created API key %d (prefix %s) for partner %d with scopes %s\n", k.ID, k.Prefix, p.ID, strings.Join(k.Scopes, ","))
	return nil
}

// partnerKey reads a partner identifier in whichever form it comes: all
// digits is an id, a UUID a sid, a base62 text ending in PA a ref.
func partnerKey(s string) (hub.PartnerKey, error) {
	switch {
	case s == "":
		return hub.PartnerKey{}, errors.New("--partner is required")
	case strings.Trim(s, "0123456789") == "":
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return hub.PartnerKey{}, fmt.Errorf("--partner %s: not a valid id", s)
		}
		return hub.PartnerKey{ID: id}, nil
	case hub.IsSID(s):
		return hub.PartnerKey{SID: s}, nil
	case hub.IsRef(s, hub.PartnerRefSuffix):
		return hub.PartnerKey{Ref: s}, nil
	}
	return hub.PartnerKey{}, fmt.Errorf("--partner %q is neither an id, a sid (UUID) nor a ref (ending in %s)", s, hub.PartnerRefSuffix)
}

// parseScopes splits a comma-separated list and rejects unknown scopes,
// naming the valid ones.
func parseScopes(s string) ([]string, error) {
	var out, bad []string
	for _, sc := range strings.Split(s, ",") {
		if sc = strings.TrimSpace(sc); sc == "" {
			continue
		}
		if !hub.ValidScope(sc) {
			bad = append(bad, sc)
		}
		out = append(out, sc)
	}
	valid := strings.Join(hub.AllScopes, ", ")
	switch {
	case len(bad) > 0:
		return nil, fmt.Errorf("unknown scope(s) %s; valid scopes: %s", strings.Join(bad, ", "), valid)
	case len(out) == 0:
		return nil, fmt.Errorf("--scopes is required; valid scopes: %s", valid)
	}
	return out, nil
}
