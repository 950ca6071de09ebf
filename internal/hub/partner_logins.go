package hub

import (
	"context"
	"errors"
)

// A partner's login is its own credentials (CarrierX partner logins,
// Bluefin's inline contact user): a user with the role Partner Supervisor,
// homed at the partner, whose username is Partner.Login and who is linked
// as the partner's contact (Partner.ContactUserID) unless the partner
// already had another contact. Basic authentication and the password
// grant therefore authenticate a partner login exactly like any user, as
// that partner with a Partner Supervisor's scopes; logins and usernames
// share one uniqueness rule (case-insensitive); the password is stored as
// the user's (argon2id through the PasswordHasher) and never appears in
// the partner, the user or an audit row.

// PartnerLogin is a partner's login to create or change, with
// CreatePartnerWithLogin or UpdatePartnerWithLogin.
type PartnerLogin struct {
	// Login is the login user's username: 1-100 letters, digits and
	// . _ @ + -, starting with a letter or digit, unique among every login
	// and username regardless of case. On update, "" keeps the current
	// login.
	Login string
	// Password is 10 to 1024 characters. "" leaves the user without a
	// password (it cannot log in until one is set) when the user is
	// created, and keeps the current password on update.
	Password string
	// FirstName, LastName, Email and Phone (E.164) describe the login user
	// when it is created (Bluefin's inline contact); ignored on update.
	FirstName, LastName, Email, Phone string
	// Inactive creates the login user inactive; ignored on update.
	Inactive bool
	// Role is the role the request asked the login user to have: "" or
	// RolePartnerSupervisor, the only role a partner's login user has
	// (anything else is Invalid naming "role"); ignored on update.
	Role Role
	// WelcomeEmail records that the request asked for a welcome e-mail
	// (see User.WelcomeEmail); ignored on update.
	WelcomeEmail bool
}

// preparedLogin is a validated PartnerLogin with its password hashed,
// made before a transaction starts: hashing takes tens of milliseconds
// and must not hold the database's write lock.
type preparedLogin struct {
	login PartnerLogin
	hash  string // "" : no password (create) or keep it (update)
}

// CreatePartnerWithLogin is CreatePartner for a partner created together
// with its login user, in one transaction: nothing is created when
// anything fails. login nil means none, unless in.Login is set, which
// asks for a login user without a password (CreatePartner does the same).
// Besides CreatePartner's rules it needs users.manage, and a caller whose
// role ranks below Partner Supervisor cannot create one (Forbidden). A
// taken login is a Conflict naming "login"; bad login user fields are
// Invalid naming "login", "password", "first_name", "last_name", "email"
// or "phone". The partner returned has Login and ContactUserID set.
func (s *Service) CreatePartnerWithLogin(ctx context.Context, pr Principal, in *Partner, login *PartnerLogin) (*Partner, error) {
	if login == nil && in.Login != "" {
		login = &PartnerLogin{Login: in.Login}
	}
	if login == nil {
		return s.createPartner(ctx, pr, in, nil)
	}
	if in.ParentID == 0 {
		return nil, InvalidField("parent", "is required: only the root has no parent")
	}
	// The Service's one order, as createPartner checks it: the parent's
	// visibility (an invisible and a missing parent answer alike whatever
	// else is wrong), then the scopes, then every field, and only then the
	// slow hash. createPartner checks the parent again inside its
	// transaction.
	if _, err := s.visiblePartner(ctx, s.store, pr, PartnerKey{ID: in.ParentID}, "parent partner"); err != nil {
		return nil, err
	}
	if err := pr.require(NeedPartnersCreate); err != nil {
		return nil, err
	}
	if err := requireLoginManager(pr); err != nil {
		return nil, err
	}
	if in.Login != "" && in.Login != login.Login {
		return nil, InvalidField("login", "is given twice with different values")
	}
	withLogin := *in
	withLogin.Login = login.Login
	var c checker
	c.partner(s.newPartner(&withLogin)) // as createPartner will store it
	c.loginUser(newLoginUser(login, 0))
	if login.Role != "" && login.Role != RolePartnerSupervisor {
		c.add("role", "a partner's login user (its contact) is its Partner Supervisor")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(login.Password, true)
	if err != nil {
		return nil, err
	}
	return s.createPartner(ctx, pr, &withLogin, &preparedLogin{login: *login, hash: hash})
}

// createLogin inserts the login user of partner p (already stored) in
// tx; the caller links it as p's contact when p has none.
func (s *Service) createLogin(ctx context.Context, tx Tx, pr Principal, p *Partner, pl *preparedLogin) (*User, error) {
	u := newLoginUser(&pl.login, p.ID)
	u.CreatedAt, u.ModifiedAt = p.CreatedAt, p.CreatedAt
	u.OwnerPartnerID, u.OwnerPartnerPath = p.ID, p.Path
	if err := tx.InsertUser(ctx, u, pl.hash); err != nil {
		if IsKind(err, Conflict) {
			return nil, loginTaken()
		}
		return nil, err
	}
	return u, s.audit(ctx, tx, pr, "create", "user", idString(u.ID), p.ID, p.Path, nil, u)
}

// UpdatePartnerWithLogin is UpdatePartner that also gives the partner a
// login, or changes its login or password, in the same transaction and
// version bump (login nil: no login change, unless change sets Login). A
// partner without a login needs login.Login; a login cannot be removed
// (deactivate its user instead). Besides UpdatePartner's rules it needs
// users.manage; the caller must rank at least Partner Supervisor and
// cannot change its own home partner's login (Forbidden: a partner
// changes its own password with ChangePassword, which needs the current
// one). A taken login is a Conflict naming "login".
func (s *Service) UpdatePartnerWithLogin(ctx context.Context, pr Principal, key PartnerKey, ifVersion int64, change func(*Partner) error, login *PartnerLogin) (*Partner, error) {
	if change == nil {
		change = func(*Partner) error { return nil }
	}
	if login == nil {
		p, _, err := s.updatePartner(ctx, pr, key, ifVersion, change, partnerExtras{})
		return p, err
	}
	// The Service's one order before the slow hash: the partner's
	// visibility, then the scopes (updatePartner checks both again in its
	// transaction).
	if _, err := s.visiblePartner(ctx, s.store, pr, key, "partner"); err != nil {
		return nil, err
	}
	if err := pr.require(NeedPartnersUpdate); err != nil {
		return nil, err
	}
	if login.Password != "" {
		// Checked again with everything else in applyLogin; here so that
		// nobody who may not set it spends a hash.
		if err := requireLoginManager(pr); err != nil {
			return nil, err
		}
	}
	var c checker
	if login.Login != "" {
		c.loginName(login.Login)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(login.Password, true)
	if err != nil {
		return nil, err
	}
	p, _, err := s.updatePartner(ctx, pr, key, ifVersion, change, partnerExtras{login: &preparedLogin{login: *login, hash: hash}})
	return p, err
}

// SetPartnerLogin gives a partner its login, or changes its login and/or
// password: UpdatePartnerWithLogin changing nothing else.
func (s *Service) SetPartnerLogin(ctx context.Context, pr Principal, key PartnerKey, login PartnerLogin) (*Partner, error) {
	return s.UpdatePartnerWithLogin(ctx, pr, key, 0, nil, &login)
}

// applyLogin runs inside updatePartner's transaction, after the move and
// before the partner row is written: it creates, renames or re-passwords
// the login user of cur and records the login on next. pl is nil when
// only next.Login was changed (through the change function). Sending the
// current login back with no password changes nothing and needs nothing,
// so a partner's GET-modify-PUT of its own object keeps working.
func (s *Service) applyLogin(ctx context.Context, tx Tx, pr Principal, cur, next *Partner, pl *preparedLogin) error {
	if pl == nil {
		pl = &preparedLogin{}
	}
	want := next.Login
	if pl.login.Login != "" {
		if want != cur.Login && want != pl.login.Login {
			return InvalidField("login", "is given twice with different values")
		}
		want = pl.login.Login
	}
	if want == cur.Login && pl.hash == "" {
		return nil
	}
	if err := requireLoginManager(pr); err != nil {
		return err
	}
	if pr.PartnerID == cur.ID {
		return Errorf(Forbidden, "a partner's login is set by an ancestor partner; change your own password with your current password")
	}
	switch {
	case want == "" && cur.Login != "":
		return InvalidField("login", "cannot be removed; deactivate the login user instead")
	case want == "":
		return InvalidField("login", "is required to give the partner a login")
	}
	if want != cur.Login {
		var c checker
		c.loginName(want)
		if err := c.err(); err != nil {
			return err
		}
	}
	u, err := s.loginUser(ctx, tx, cur)
	if err != nil {
		return err
	}
	next.Login = want
	if u == nil {
		// No login user yet (or a login kept from before logins were
		// users): create it.
		l := pl.login
		l.Login = want
		created, err := s.createLogin(ctx, tx, pr, next, &preparedLogin{login: l, hash: pl.hash})
		if err != nil {
			return err
		}
		if next.ContactUserID == 0 {
			next.ContactUserID = created.ID
		}
		return nil
	}
	if want != u.Username {
		renamed := *u
		renamed.Username, renamed.ModifiedAt = want, next.ModifiedAt
		if err := tx.UpdateUser(ctx, &renamed); err != nil {
			if IsKind(err, Conflict) && !errors.Is(err, ErrStale) {
				return loginTaken()
			}
			return err
		}
		if err := s.audit(ctx, tx, pr, "update", "user", idString(u.ID), cur.ID, next.Path, u, &renamed); err != nil {
			return err
		}
	}
	if pl.hash != "" {
		if err := tx.SetUserPassword(ctx, u.ID, pl.hash, next.ModifiedAt); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "set_password", "user", idString(u.ID), cur.ID, next.Path, nil, nil)
	}
	return nil
}

// loginUser returns p's login user: its contact user when that user is
// homed at p and named p.Login. nil means p has no login user (no login,
// or a login stored before logins were users).
func (s *Service) loginUser(ctx context.Context, r Reader, p *Partner) (*User, error) {
	if p.Login == "" || p.ContactUserID == 0 {
		return nil, nil
	}
	u, err := r.User(ctx, p.ContactUserID)
	if IsKind(err, NotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if u.PartnerID != p.ID || UsernameKey(u.Username) != UsernameKey(p.Login) {
		return nil, nil
	}
	return u, nil
}

// syncLogin keeps Partner.Login equal to its login user's username when
// UpdateUser renames that user.
func (s *Service) syncLogin(ctx context.Context, tx Tx, pr Principal, cur, next *User) error {
	if cur.Username == next.Username || cur.PartnerID == 0 {
		return nil
	}
	p, err := tx.Partner(ctx, PartnerKey{ID: cur.PartnerID})
	if err != nil {
		return err
	}
	// cur is the user as it was: loginUser's test, before the rename.
	if p.ContactUserID != cur.ID || p.Login == "" || UsernameKey(p.Login) != UsernameKey(cur.Username) {
		return nil
	}
	renamed := *p
	renamed.Login, renamed.ModifiedAt = next.Username, next.ModifiedAt
	if err := tx.UpdatePartner(ctx, &renamed); err != nil {
		return err
	}
	return s.audit(ctx, tx, pr, "update", "partner", idString(p.ID), p.ID, p.Path, p, &renamed)
}

// requireLoginManager refuses callers who may not create or manage a
// partner's login user: it needs users.manage, and a Partner Supervisor
// may not be granted by a lower role.
func requireLoginManager(pr Principal) error {
	if err := pr.require(NeedUsersManage); err != nil {
		return err
	}
	if pr.outranks(RolePartnerSupervisor) {
		return Errorf(Forbidden, "cannot grant the role %q, which ranks above your own", RolePartnerSupervisor)
	}
	return nil
}

// newLoginUser is the login user l describes, homed at partner partnerID.
func newLoginUser(l *PartnerLogin, partnerID int64) *User {
	return &User{Username: l.Login, FirstName: l.FirstName, LastName: l.LastName, Email: l.Email, Phone: l.Phone,
		Role: RolePartnerSupervisor, PartnerID: partnerID, Active: !l.Inactive, Version: 1, WelcomeEmail: l.WelcomeEmail}
}

func loginTaken() *Error { return fieldConflict("login", "is already taken") }

// loginName checks a login against the username rule, naming "login".
func (c *checker) loginName(login string) {
	if !usernameRE.MatchString(login) {
		c.add("login", "must be 1-100 characters of letters, digits and . _ @ + -, starting with a letter or digit")
	}
}

// loginUser checks a new login user's fields; its username is the login,
// and its names and e-mail are optional. Its partner is the one being
// created, so the home rule is not checked here (the user gets it inside
// the transaction).
func (c *checker) loginUser(u *User) {
	var uc checker
	uc.user(u, &User{})
	for _, f := range uc.fields {
		switch f.Field {
		case "username":
			c.loginName(u.Username)
		case "partner", "client", "role":
		default:
			c.fields = append(c.fields, f)
		}
	}
}
