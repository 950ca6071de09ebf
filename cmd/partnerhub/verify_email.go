package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
)

const verifyEmailUsage = `usage: partnerhub verify-email --token TOKEN
       partnerhub verify-email --request --partner ID|SID|REF [--field owner_email|billing_email|tech_email]`

// runVerifyEmail is "partnerhub verify-email". With --token it consumes a
// verification token, as POST /core/v2/verify_email does, and prints
// "<partner_sid> <field>" on stdout. With --request it issues a token for
// one e-mail field of any partner as the system (audit actor system:cli)
// and prints the token, once, on stdout; the operator delivers it.
func runVerifyEmail(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c, env := newFlags("verify-email", getenv, stderr)
	token := fs.String("token", "", "the verification token to consume")
	request := fs.Bool("request", false, "issue a token instead of consuming one")
	partner := fs.String("partner", "", "with --request: the partner, by id (digits), sid (UUID) or ref (ends in PA)")
	field := fs.String("field", hub.EmailFieldOwner, "with --request: owner_email, billing_email or tech_email")
	if err := c.parse(fs, env, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *request && set["token"]:
		return errors.New("--token and --request exclude each other\n" + verifyEmailUsage)
	case !*request && (set["partner"] || set["field"]):
		return errors.New("--partner and --field need --request\n" + verifyEmailUsage)
	case !*request && *token == "":
		return errors.New("--token is required\n" + verifyEmailUsage)
	}
	var key hub.PartnerKey
	if *request {
		var err error
		if key, err = partnerKey(*partner); err != nil {
			return err
		}
	}
	db, err := c.open(ctx, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	defer announce(ctx, db)
	svc := c.service(db)
	if !*request {
		p, f, err := svc.VerifyEmail(ctx, *token)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, p.SID, f)
		fmt.Fprintf(stderr, "verified %s of partner %d (status %s)\n", f, p.ID, p.Status)
		return nil
	}
	root, err := db.RootPartner(ctx)
	if hub.IsKind(err, hub.NotFound) {
		return errors.New("the database has no root partner: run partnerhub bootstrap first")
	}
	if err != nil {
		return err
	}
	t, err := svc.RequestEmailVerification(ctx, hub.SystemPrincipal(root, keysActor), key, *field)
	if hub.IsKind(err, hub.NotFound) {
		return fmt.Errorf("partner %s not found", *partner)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, t)
	fmt.Fprintf(stderr, "issued a verification token for %s of partner %s; it works once, within %s\n", *field, *partner, hub.EmailVerificationTTL)
	return nil
}
