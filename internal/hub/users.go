package hub

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"
)

// seesUser reports whether the caller may see u: its owning partner lies in
// the caller's subtree, or, for client-level callers, u belongs to the
// caller's client.
func (pr Principal) seesUser(u *User) bool {
	if pr.ClientID != 0 {
		return u.ClientID == pr.ClientID
	}
	return PathContains(pr.PartnerPath, u.OwnerPartnerPath)
}

// outranks reports whether role r ranks above the caller's own role: such a
// role may be neither granted nor managed by the caller.
func (pr Principal) outranks(r Role) bool { return r.Rank() < pr.Role.Rank() }

// CreateUser creates a user with an optional initial password (empty: the
// user cannot log in until one is set). The home partner or client must be
// visible (else NotFound); then it needs NeedUsersManage, and the new role
// may not rank above the caller's (else Forbidden); then the user must be
// valid: system roles live only on the root partner, and usernames are
// unique regardless of case (Conflict).
func (s *Service) CreateUser(ctx context.Context, pr Principal, in *User, password string) (*User, error) {
	u := *in
	now := s.now()
	u.ID, u.Version, u.CreatedAt, u.ModifiedAt, u.LastLoginAt = 0, 1, now, now, nil
	// Checked before the (slow) password hash, and again under the tree
	// lock in the transaction.
	check := func(r Reader) error {
		homeIsRoot, err := s.userHome(ctx, r, pr, &u)
		if err != nil {
			return err
		}
		if err := pr.require(NeedUsersManage); err != nil {
			return err
		}
		if pr.outranks(u.Role) {
			return Errorf(Forbidden, "cannot grant the role %q, which ranks above your own", u.Role)
		}
		if err := validateUser(&u, nil); err != nil {
			return err
		}
		return systemRoleAtRoot(&u, homeIsRoot)
	}
	if err := check(s.store); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(password, true)
	if err != nil {
		return nil, err
	}
	err = s.store.Write(ctx, func(tx Tx) error {
		// The shared tree lock first: no move can take the home out of the
		// caller's subtree between the check and the insert.
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		if err := check(tx); err != nil {
			return err
		}
		if err := tx.InsertUser(ctx, &u, hash); err != nil {
			if IsKind(err, Conflict) {
				return fieldConflict("username", "is already taken")
			}
			return err
		}
		return s.audit(ctx, tx, pr, "create", "user", idString(u.ID), u.OwnerPartnerID, u.OwnerPartnerPath, nil, &u)
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// CheckNewUser runs the checks of CreateUser that come before the new
// user's input is looked at: the home partner (partnerID) or client
// (clientID, when not 0) must be visible (else NotFound); the caller needs
// NeedUsersManage, and role may not rank above the caller's own (else
// Forbidden). A face whose wire format has rules of its own (required
// keys, types) calls it before checking them, so that a caller asking for
// a role above its own learns that first, whatever else is wrong with the
// request; CreateUser checks everything again.
func (s *Service) CheckNewUser(ctx context.Context, pr Principal, partnerID, clientID int64, role Role) error {
	u := User{PartnerID: partnerID, ClientID: clientID, Role: role}
	if _, err := s.userHome(ctx, s.store, pr, &u); err != nil {
		return err
	}
	if err := pr.require(NeedUsersManage); err != nil {
		return err
	}
	if pr.outranks(role) {
		return Errorf(Forbidden, "cannot grant the role %q, which ranks above your own", role)
	}
	return nil
}

// userHome resolves u's home partner or client, which the caller must see
// (else NotFound), fills u's owner fields and reports whether the home is
// the root partner. Writers call it under the shared tree lock
// (tx.LockTree(ctx, false)), taken before any visibility read.
func (s *Service) userHome(ctx context.Context, r Reader, pr Principal, u *User) (homeIsRoot bool, err error) {
	if u.ClientID != 0 {
		c, err := s.visibleClient(ctx, r, pr, u.ClientID, "")
		if err != nil {
			return false, err
		}
		u.OwnerPartnerID, u.OwnerPartnerPath = c.PartnerID, c.PartnerPath
		return false, nil
	}
	p, err := s.visiblePartner(ctx, r, pr, PartnerKey{ID: u.PartnerID}, "partner")
	if err != nil {
		return false, err
	}
	u.OwnerPartnerID, u.OwnerPartnerPath = p.ID, p.Path
	return p.IsRoot(), nil
}

// systemRoleAtRoot refuses a system role homed anywhere but the root.
func systemRoleAtRoot(u *User, homeIsRoot bool) error {
	if (u.Role == RoleSystemAdmin || u.Role == RoleSystemUser) && (u.ClientID != 0 || !homeIsRoot) {
		return InvalidField("role", "system roles belong to the root partner only")
	}
	return nil
}

// hashPassword checks and hashes a password; an empty password is allowed
// only when optional, and then hashes to "" (no login possible).
func (s *Service) hashPassword(password string, optional bool) (string, error) {
	if password == "" && optional {
		return "", nil
	}
	if utf8.RuneCountInString(password) < MinPasswordLen || len(password) > 1024 {
		return "", InvalidField("password", "must be %d to 1024 characters long", MinPasswordLen)
	}
	if s.passwords == nil {
		return "", Errorf(Unavailable, "password hashing is not configured")
	}
	h, err := s.passwords.Hash(password)
	if err != nil {
		return "", &Error{Kind: Internal, Message: "cannot hash the password", Err: err}
	}
	return h, nil
}

// User returns a user the caller may see (else NotFound); it needs
// NeedUsersRead (else Forbidden).
func (s *Service) User(ctx context.Context, pr Principal, id int64) (*User, error) {
	u, err := s.visibleUser(ctx, s.store, pr, id)
	return authorize(pr, NeedUsersRead, u, err)
}

func (s *Service) visibleUser(ctx context.Context, r Reader, pr Principal, id int64) (*User, error) {
	u, err := r.User(ctx, id)
	if IsKind(err, NotFound) || (err == nil && !pr.seesUser(u)) {
		return nil, notFound("user")
	}
	return u, err
}

// ListUsers lists visible users: those of one client when clientID != 0
// (the client must be visible), else those homed directly at a visible
// partner (direct) or owned anywhere in its subtree, including the users of
// its clients. A zero key means the caller's home partner; client-level
// callers list their own client's users. It needs NeedUsersRead; then q
// must be valid.
func (s *Service) ListUsers(ctx context.Context, pr Principal, within PartnerKey, clientID int64, direct bool, q ListQuery) (Page[User], error) {
	var scope Scope
	if clientID != 0 {
		c, err := s.visibleClient(ctx, s.store, pr, clientID, "")
		if err != nil {
			return Page[User]{}, err
		}
		scope = Scope{ClientID: c.ID}
	} else {
		var err error
		if scope, err = s.scope(ctx, pr, within, direct); err != nil {
			return Page[User]{}, err
		}
	}
	if err := pr.require(NeedUsersRead); err != nil {
		return Page[User]{}, err
	}
	if err := q.Validate(UserListFields); err != nil {
		return Page[User]{}, err
	}
	return s.store.ListUsers(ctx, scope, q)
}

// UpdateUser applies change to a copy of the stored user and writes it
// with the version rules of UpdatePartner. The user must be visible (else
// NotFound); then it needs NeedUsersManage, and neither the user's current
// nor its new role may rank above the caller's (else Forbidden). The home
// partner or client, identifiers and timestamps are not changeable here,
// and a user's own role cannot be changed by that user (Forbidden).
//
// The role checks come before the input is judged: an Invalid error that
// change returns (a face's own reading of its request) is reported only
// after them, so change should apply what it could read (the role above
// all) before it returns one; the user's fields are validated last.
func (s *Service) UpdateUser(ctx context.Context, pr Principal, id int64, ifVersion int64, change func(*User) error) (*User, error) {
	return s.updateUser(ctx, pr, id, ifVersion, change, "")
}

// updateUser is UpdateUser that also stores passwordHash as the user's
// password when it is not "" (UpdateUserWithPassword).
func (s *Service) updateUser(ctx context.Context, pr Principal, id int64, ifVersion int64, change func(*User) error, passwordHash string) (*User, error) {
	load := func(tx Tx) (*User, error) { return s.manageableUser(ctx, tx, pr, id) }
	version := func(u *User) int64 { return u.Version }
	var deferred error // change's Invalid error, reported after the role checks
	apply := func(u *User) error {
		deferred = change(u)
		if deferred != nil && !IsKind(deferred, Invalid) {
			return deferred
		}
		return nil
	}
	return updateVersioned(ctx, s, ifVersion, load, version, apply, func(tx Tx, cur, next *User) error {
		next.ID, next.PartnerID, next.ClientID = cur.ID, cur.PartnerID, cur.ClientID
		next.OwnerPartnerID, next.OwnerPartnerPath, next.OwnerPartnerStatus = cur.OwnerPartnerID, cur.OwnerPartnerPath, cur.OwnerPartnerStatus
		next.Version, next.CreatedAt, next.LastLoginAt, next.ModifiedAt = cur.Version, cur.CreatedAt, cur.LastLoginAt, s.now()
		if err := s.checkRoleChange(pr, cur, next); err != nil {
			return err
		}
		if deferred != nil {
			return deferred
		}
		if err := validateUser(next, cur); err != nil {
			return err
		}
		if next.Role != cur.Role {
			homeIsRoot, err := s.userHome(ctx, tx, pr, next)
			if err != nil {
				return err
			}
			if err := systemRoleAtRoot(next, homeIsRoot); err != nil {
				return err
			}
		}
		if err := tx.UpdateUser(ctx, next); err != nil {
			if IsKind(err, Conflict) && !errors.Is(err, ErrStale) {
				return fieldConflict("username", "is already taken")
			}
			return err
		}
		if err := s.syncLogin(ctx, tx, pr, cur, next); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, pr, "update", "user", idString(next.ID), cur.OwnerPartnerID, cur.OwnerPartnerPath, cur, next); err != nil {
			return err
		}
		if passwordHash == "" {
			return nil
		}
		if pr.UserID != 0 && cur.ID == pr.UserID {
			return Errorf(Forbidden, "change your own password with your current password")
		}
		if err := tx.SetUserPassword(ctx, cur.ID, passwordHash, next.ModifiedAt); err != nil {
			return err
		}
		next.Version++
		return s.audit(ctx, tx, pr, "set_password", "user", idString(cur.ID), cur.OwnerPartnerID, cur.OwnerPartnerPath, nil, nil)
	})
}

// checkRoleChange refuses a role change the caller may not make: to a
// role above its own, or of its own role (Forbidden).
func (s *Service) checkRoleChange(pr Principal, cur, next *User) error {
	if next.Role == cur.Role {
		return nil
	}
	if pr.outranks(next.Role) {
		return Errorf(Forbidden, "cannot grant the role %q, which ranks above your own", next.Role)
	}
	if cur.ID == pr.UserID {
		return Errorf(Forbidden, "a user cannot change its own role")
	}
	return nil
}

// manageableUser returns a visible user (else NotFound) when the caller
// meets NeedUsersManage and the user's role does not rank above the
// caller's (else Forbidden).
func (s *Service) manageableUser(ctx context.Context, r Reader, pr Principal, id int64) (*User, error) {
	u, err := s.visibleUser(ctx, r, pr, id)
	if u, err = authorize(pr, NeedUsersManage, u, err); err != nil {
		return nil, err
	}
	if pr.outranks(u.Role) {
		return nil, Errorf(Forbidden, "cannot manage a user whose role ranks above your own")
	}
	return u, nil
}

// DeactivateUser marks a user inactive: it can no longer log in, and its
// tokens stop working. Callers cannot deactivate themselves (Invalid). The
// rules of UpdateUser apply first.
func (s *Service) DeactivateUser(ctx context.Context, pr Principal, id int64) (*User, error) {
	return s.UpdateUser(ctx, pr, id, 0, func(u *User) error {
		if u.ID == pr.UserID {
			return Errorf(Invalid, "a user cannot deactivate itself")
		}
		u.Active = false
		return nil
	})
}

// SetPassword replaces another user's password (a manager's reset) and
// bumps its version, so cached verifications of the old password stop
// matching at once. The user must be visible (else NotFound); then it
// needs NeedUsersManage, and the caller may not manage a user who ranks
// above them (else Forbidden). A user changes its own password only with
// ChangePassword, which needs the current one: SetPassword on oneself is
// Forbidden, so a stolen token (of any scope) cannot be turned into a
// password.
func (s *Service) SetPassword(ctx context.Context, pr Principal, id int64, password string) error {
	// Checked before the (slow) password hash, and again under the tree
	// lock in the transaction.
	check := func(r Reader) (*User, error) {
		u, err := s.manageableUser(ctx, r, pr, id)
		if err != nil {
			return nil, err
		}
		if pr.UserID != 0 && u.ID == pr.UserID {
			return nil, Errorf(Forbidden, "change your own password with your current password")
		}
		return u, nil
	}
	if _, err := check(s.store); err != nil {
		return err
	}
	hash, err := s.hashPassword(password, false)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		u, err := check(tx)
		if err != nil {
			return err
		}
		if err := tx.SetUserPassword(ctx, u.ID, hash, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "set_password", "user", idString(u.ID), u.OwnerPartnerID, u.OwnerPartnerPath, nil, nil)
	})
}

// ChangePassword replaces the calling user's own password, given its
// current one, and bumps the user's version. It needs no scope: knowing
// the current password is as much as logging in. A principal without a
// user (a key, a system principal) is Forbidden. A wrong or missing
// current password is Invalid, naming the field "current_password" (not
// Unauthenticated: the caller's own credentials are fine, and a 401 would
// read as "log in again"); so is a user without a password, which must
// have one set by a manager. Callers that expose this should rate-limit
// it, as it checks a password.
func (s *Service) ChangePassword(ctx context.Context, pr Principal, current, password string) error {
	if pr.UserID == 0 {
		return Errorf(Forbidden, "only a user can change its own password")
	}
	if s.passwords == nil {
		return Errorf(Unavailable, "password hashing is not configured")
	}
	wrong := InvalidField("current_password", "is not the current password")
	u, err := s.store.User(ctx, pr.UserID)
	if IsKind(err, NotFound) {
		return Errorf(Unauthenticated, "invalid credentials")
	}
	if err != nil {
		return err
	}
	cred, err := s.store.UserCredentials(ctx, UsernameKey(u.Username))
	if err != nil {
		return err
	}
	if cred.User.ID != u.ID || current == "" || cred.PasswordHash == "" {
		return wrong
	}
	if ok, err := s.passwords.Verify(cred.PasswordHash, current); err != nil || !ok {
		return wrong
	}
	hash, err := s.hashPassword(password, false)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(tx Tx) error {
		// The user must still be active and unchanged since the check: a
		// concurrent password change, deactivation or role change bumps
		// the version.
		cur, err := tx.User(ctx, u.ID)
		if err != nil {
			return err
		}
		if !cur.Active {
			return Errorf(Unauthenticated, "invalid credentials")
		}
		if cur.Version != cred.User.Version {
			return &Error{Kind: Conflict, Message: "the user changed concurrently; retry", Err: ErrStale}
		}
		if err := tx.SetUserPassword(ctx, u.ID, hash, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "change_password", "user", idString(u.ID), u.OwnerPartnerID, u.OwnerPartnerPath, nil, nil)
	})
}

// loginTouchInterval bounds how often a login rewrites last_login_at.
const loginTouchInterval = time.Minute

// AuthenticatePassword checks a username and password and returns the
// user's principal. An unknown user, a wrong password, an inactive user or
// an inactive home partner are all the same Unauthenticated error. A
// successful login records last_login_at (at most once a minute).
func (s *Service) AuthenticatePassword(ctx context.Context, username, password string) (Principal, *User, error) {
	fail := Errorf(Unauthenticated, "invalid username or password")
	if s.passwords == nil {
		return Principal{}, nil, Errorf(Unavailable, "password hashing is not configured")
	}
	cred, err := s.store.UserCredentials(ctx, UsernameKey(username))
	if IsKind(err, NotFound) {
		// Spend the same work as a real check, so timing does not reveal
		// which usernames exist.
		_, _ = s.passwords.Verify(s.dummyHash(), password)
		return Principal{}, nil, fail
	}
	if err != nil {
		return Principal{}, nil, err
	}
	if cred.PasswordHash == "" {
		return Principal{}, nil, fail
	}
	ok, err := s.passwords.Verify(cred.PasswordHash, password)
	if err != nil || !ok {
		return Principal{}, nil, fail
	}
	u := cred.User
	pr, err := userPrincipal(&u)
	if err != nil {
		return Principal{}, nil, err
	}
	now := s.now()
	if u.LastLoginAt == nil || now.Sub(*u.LastLoginAt) >= loginTouchInterval {
		if err := s.store.Write(ctx, func(tx Tx) error { return tx.TouchUserLogin(ctx, u.ID, now) }); err != nil {
			return Principal{}, nil, err
		}
		u.LastLoginAt = &now
	}
	return pr, &u, nil
}

// UserPrincipal returns the principal of an active user whose owning
// partner is active, with the user's current version, for caches that
// must notice password, role and status changes at once (each bumps the
// version). Anything else is Unauthenticated. It reads the partner of a
// read-ahead in ctx along with the user (WithPartnerReadAhead).
func (s *Service) UserPrincipal(ctx context.Context, id int64) (Principal, int64, error) {
	u, err := s.principalUser(ctx, id)
	if IsKind(err, NotFound) {
		return Principal{}, 0, Errorf(Unauthenticated, "invalid credentials")
	}
	if err != nil {
		return Principal{}, 0, err
	}
	pr, err := userPrincipal(u)
	if err != nil {
		return Principal{}, 0, err
	}
	return pr, u.Version, nil
}

// userPrincipal returns the principal a user (as read from the store)
// acts as, or Unauthenticated when the user is inactive or its owning
// partner, or any partner above it, is inactive or suspended.
func userPrincipal(u *User) (Principal, error) {
	if !u.Active || StatusBlocks(u.OwnerPartnerStatus) || u.OwnerPartnerBlocked {
		return Principal{}, Errorf(Unauthenticated, "invalid credentials")
	}
	return Principal{PartnerID: u.OwnerPartnerID, PartnerPath: u.OwnerPartnerPath, ClientID: u.ClientID, UserID: u.ID,
		Actor: "user:" + idString(u.ID), Role: u.Role, Scopes: u.Role.Scopes()}, nil
}

// fieldConflict builds a Conflict error that names one field.
func fieldConflict(field, msg string) *Error {
	return &Error{Kind: Conflict, Message: field + ": " + msg, Fields: []FieldError{{Field: field, Message: msg}}}
}

// dummyHash returns a valid hash of a random password, computed once, that
// unknown usernames are checked against.
func (s *Service) dummyHash() string {
	s.dummy.once.Do(func() {
		s.dummy.hash, _ = s.passwords.Hash(NewRef("dummy"))
	})
	return s.dummy.hash
}
