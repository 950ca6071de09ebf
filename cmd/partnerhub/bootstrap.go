package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// Bootstrap identities: the root partner, its System Admin and the key
// issued to it.
const (
	rootName         = "Root"
	adminUsername    = "admin"
	adminEmail       = "admin@localhost"
	bootstrapKeyName = "bootstrap"
	bootstrapActor   = "system:bootstrap"
	passwordLen      = 24
)

// credentials is what bootstrap created. It holds a password and a key in
// plaintext: it is printed once to the operator and never logged.
type credentials struct {
	PartnerID  int64  `json:"partner_id"`
	PartnerSID string `json:"partner_sid"`
	PartnerRef string `json:"partner_ref"`
	Username   string `json:"username"`
	Password   string `json:"password"`
	APIKey     string `json:"api_key"`

	reset  bool // an existing root's admin was reset, not created
	chosen bool // the password came from PARTNERHUB_ADMIN_PASSWORD: the operator knows it
}

// alreadyBootstrappedError reports that the tree already has a root.
type alreadyBootstrappedError struct{ rootID int64 }

func (e *alreadyBootstrappedError) Error() string {
	return fmt.Sprintf("already bootstrapped: root partner %d exists; use --reset-admin to set a new admin password and key", e.rootID)
}

// bootstrap makes a database usable by a person. On a tree without a root
// it creates the root partner, the System Admin user "admin" homed at it
// with password (a random one when empty) and an API key named
// "bootstrap" with all of the admin's scopes, and returns them.
//
// On a tree that has a root it returns an *alreadyBootstrappedError unless
// resetAdmin is set; then it gives "admin" the new password (creating the
// user when missing, reactivating it and restoring its System Admin role
// when changed) and issues a new key. Keys issued earlier stay valid.
//
// The password is checked before anything is written, so a bad one leaves
// the database untouched. Creating the root and the admin are separate
// transactions: if the process dies between them, --reset-admin completes
// the job.
func bootstrap(ctx context.Context, svc *hub.Service, password string, resetAdmin bool) (*credentials, error) {
	chosen := password != ""
	if !chosen {
		password = randomPassword()
	}
	if n := utf8.RuneCountInString(password); n < hub.MinPasswordLen || len(password) > 1024 {
		return nil, fmt.Errorf("the admin password must be %d to 1024 characters long", hub.MinPasswordLen)
	}
	root, err := svc.Store().RootPartner(ctx)
	existed := err == nil
	switch {
	case hub.IsKind(err, hub.NotFound):
		root, err = svc.CreateRoot(ctx, &hub.Partner{Name: rootName, Status: hub.StatusActive})
		if hub.IsKind(err, hub.Conflict) { // another process won the race
			if root, err = svc.Store().RootPartner(ctx); err == nil {
				return nil, &alreadyBootstrappedError{rootID: root.ID}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("create the root partner: %w", err)
		}
	case err != nil:
		return nil, err
	case !resetAdmin:
		return nil, &alreadyBootstrappedError{rootID: root.ID}
	}
	sys := hub.SystemPrincipal(root, bootstrapActor)
	admin, err := ensureAdmin(ctx, svc, sys, root, password)
	if err != nil {
		return nil, err
	}
	_, key, err := svc.CreateAPIKey(ctx, sys, hub.NewAPIKeyRequest{
		PartnerID: root.ID, Name: bootstrapKeyName, Scopes: admin.Role.Scopes(),
	})
	if err != nil {
		return nil, fmt.Errorf("create the bootstrap API key: %w", err)
	}
	return &credentials{PartnerID: root.ID, PartnerSID: root.SID, PartnerRef: root.Ref,
		Username: admin.Username, Password: password, APIKey: key, reset: existed, chosen: chosen}, nil
}

// ensureAdmin sets the password of the user "admin", creating it as the root's
// System Admin when missing. An existing "admin" is reactivated and
// restored to System Admin; one homed anywhere but the root is refused
// rather than handed to the operator.
func ensureAdmin(ctx context.Context, svc *hub.Service, sys hub.Principal, root *hub.Partner, password string) (*hub.User, error) {
	admin, err := findUser(ctx, svc, sys, adminUsername)
	if err != nil {
		return nil, err
	}
	if admin == nil {
		admin, err = svc.CreateUser(ctx, sys, &hub.User{
			Username: adminUsername, FirstName: "System", LastName: "Administrator", Email: adminEmail,
			Role: hub.RoleSystemAdmin, PartnerID: root.ID, Active: true,
		}, password)
		if err != nil {
			return nil, fmt.Errorf("create the admin user: %w", err)
		}
		return admin, nil
	}
	if admin.PartnerID != root.ID {
		return nil, fmt.Errorf("user %q (id %d) is a %s outside the root partner; rename it before resetting the admin",
			admin.Username, admin.ID, admin.Role)
	}
	if !admin.Active || admin.Role != hub.RoleSystemAdmin {
		admin, err = svc.UpdateUser(ctx, sys, admin.ID, 0, func(u *hub.User) error {
			u.Active, u.Role = true, hub.RoleSystemAdmin
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("restore the admin user: %w", err)
		}
	}
	if err := svc.SetPassword(ctx, sys, admin.ID, password); err != nil {
		return nil, fmt.Errorf("set the admin password: %w", err)
	}
	return admin, nil
}

// findUser returns the user whose username equals name regardless of case
// (usernames are unique that way), or nil when there is none.
func findUser(ctx context.Context, svc *hub.Service, sys hub.Principal, name string) (*hub.User, error) {
	f, err := filter.Parse(fmt.Sprintf("username ilike %q", name))
	if err != nil {
		return nil, err
	}
	page, err := svc.ListUsers(ctx, sys, hub.PartnerKey{}, 0, false, hub.ListQuery{Filter: f, Limit: 10})
	if err != nil {
		return nil, fmt.Errorf("look up user %q: %w", name, err)
	}
	for i := range page.Items {
		if hub.UsernameKey(page.Items[i].Username) == hub.UsernameKey(name) {
			return &page.Items[i], nil
		}
	}
	return nil, nil
}

// randomPassword returns passwordLen uniformly random base62 characters
// (about 143 bits).
func randomPassword() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	out := make([]byte, 0, passwordLen)
	var b [32]byte
	for len(out) < passwordLen {
		_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
		for _, c := range b {
			if c < 248 && len(out) < passwordLen { // 248 = 4*62: no modulo bias
				out = append(out, alphabet[c%62])
			}
		}
	}
	return string(out)
}

// printCredentials writes the human form of c, the one place an operator
// sees the password and key outside --json. A password the operator chose
// (PARTNERHUB_ADMIN_PASSWORD) is not printed: serve writes this to stderr,
// where the logs go too, and the operator already knows it. A generated
// password and the key are printed, once: nobody else knows them.
func printCredentials(w io.Writer, c *credentials) {
	what := "created"
	if c.reset {
		what = "reset"
	}
	fmt.Fprintf(w, "partnerhub: %s admin user %q on root partner %d (sid %s, ref %s)\n", what, c.Username, c.PartnerID, c.PartnerSID, c.PartnerRef)
	if c.chosen {
		fmt.Fprintf(w, "  password: (the one set in %s)\n", adminPasswordEnv)
	} else {
		fmt.Fprintf(w, "  password: %s\n", c.Password)
	}
	fmt.Fprintf(w, "  api key:  %s\n", c.APIKey)
	fmt.Fprintln(w, "  Shown once: store them now.")
}

// isAlreadyBootstrapped reports whether err says the tree has a root.
func isAlreadyBootstrapped(err error) bool {
	var e *alreadyBootstrappedError
	return errors.As(err, &e)
}
