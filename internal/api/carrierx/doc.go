// Package carrierx is the /core/v2 face: a CarrierX Core API v2 compatible
// translator over the hub. It decodes requests, authenticates the caller,
// maps each call to one hub.Service method and encodes the answer in the
// vendor's exact shape (see /work/shared/spec/carrierx.md). It holds no
// business rules of its own, and its plumbing is internal/api/httpapi's:
// routes in routes.go is the whole route table, served by New and
// exported as data by Routes.
//
// Decisions where the spec is silent:
//
//   - Order of checks on every authenticated route: authenticate (401, or
//     429 with Retry-After) -> the query string decodes (400) -> request
//     shape (400 query parameters and If-Match, 415, 400 JSON, 413, 422
//     body) -> the hub: visibility (404), then the operation's scope (403),
//     then its rules. An unknown, malformed and invisible partner_sid give
//     the same 404 with the same body, with or without the scope; only a
//     partner the caller can see answers 403 for a missing scope. (Before
//     issue 8 the face checked scopes first and answered 403 whatever the
//     target.) A request whose client went away is recorded as 499.
//   - Invalid errors are 400 when they come from the query string
//     (limit, offset, order, filter, after/before, field selection,
//     nested_objects, If-Match) and 422 when they describe the request
//     object; 405 (with Allow) and unknown paths answer in the error shape.
//   - The error body always has at least one entry in errors; field is null
//     when the problem is not tied to a field; reference_sid is null.
//   - Create: parent_sid defaults to the caller's home partner; an unknown
//     or invisible parent_sid is a 422 naming parent_sid, byte-identical
//     for both whatever else is wrong with the body (parent_sid is
//     resolved before the rest of the body is looked at). login and
//     password create the partner's login in the same transaction
//     (hub.PartnerLogin: a user with the role Partner Supervisor homed at
//     the partner, so Basic and the password grant authenticate as the
//     partner); a taken login, in any case, is a 409 naming login and
//     creates nothing; password without login is a 422 naming login; a
//     login alone cannot log in until PATCH gives it a password; password
//     is never answered. Money may be sent as a JSON string or number, is
//     never negative (422) and is always answered as a string.
//   - PATCH/PUT: a string field sent as null is cleared; attributes and
//     callbacks must be objects of strings (a null member deletes the key
//     when merging); arrays must be arrays of objects and replace the stored
//     one. PUT follows the same nested_objects rule as PATCH (merge unless
//     ?nested_objects=replace). A changed e-mail address becomes unverified
//     (shown as null until verified again). For e-mail fields null keeps a
//     pending (unverified) address, since null is how GET shows it, and
//     clears a verified one; "" always clears, so GET-modify-PUT never
//     erases an address waiting for verification.
//   - PATCH/PUT also accept login and password (ours: the spec's
//     modifiable list has neither, but a partner created without a login
//     "can be given them later"), never required by PUT: a login for a
//     partner without one, a new login name, or a new password. Only an
//     ancestor may (403 for the partner itself, which changes its own
//     password with its current one); a login cannot be removed (422);
//     null is the same as not sending the key, so GET-modify-PUT keeps
//     the login.
//   - A suspended or inactive partner, and every partner below it, cannot
//     authenticate (401 for its users, keys, tokens and login) until it is
//     reactivated; it stays readable from above.
//   - parent_assigned_acls changed by the partner itself (the caller's home
//     partner is the target) is a 422 naming the field; sending the stored
//     value back unchanged is allowed so GET-modify-PUT works.
//   - ETag is the strong quoted version ("3"). If-Match accepts one strong
//     tag or *; a list, a weak tag or garbage is 400; a stale one is 412.
//   - Lists: limit is 1..1000 (0 is a 400). An empty after= selects cursor
//     mode from the start, so that pagination.next walks by cursor rather
//     than by offset. pagination links are built on the base URL New is
//     given (serve's --public-url, else its listen address), never on the
//     request's Host or X-Forwarded-* headers. filter and order take the
//     Partner object's keys (company_name is the organisation, name the
//     contact person, partner_sid, date_created, ...) and, as before, id,
//     ref, parent_id, depth, version, reference, billing_id and
//     date_modified (vocabulary.go); errors name fields as the caller wrote
//     them. A query parameter that cannot be percent-decoded, or carries a
//     raw ';', is a 400 naming it, never ignored.
//     include_fields is applied before exclude_fields when both are given.
//   - OAuth (/oauth/token, /oauth/token/{partner_sid}): bodies are
//     application/x-www-form-urlencoded only (else 415; the sub-partner
//     grant also takes no body at all); parameters come from the body,
//     never the query string, and may not repeat. Form problems, an
//     unknown grant_type and a bad access_token_expires_in (a positive
//     whole number of seconds; capped at hub.MaxTokenTTL) are 400 naming
//     the parameter; bad credentials or refresh token 401; the password
//     grant checks the password through the authenticator's Basic, so
//     failures are throttled exactly as for HTTP Basic (429 with
//     Retry-After). client_secret is accepted and ignored; client_id is
//     recorded on the token. Issued tokens answer with Cache-Control:
//     no-store. Scopes needed: tokens.manage for every OAuth route but the
//     public /oauth/token.
//   - GET /oauth/tokens lists the caller's user's tokens (revoked and
//     expired ones too, as the hub lists them), newest first, with
//     access_token and refresh_token null; filter/order take token_sid,
//     name, client_id, date_created and date_expiration_access_token.
//     DELETE /oauth/tokens/{token_sid} follows the hub: the caller's own
//     tokens, or those of a user the caller may manage; anything else 404.
//   - available_scopes is hub.AvailableScopes: every scope for the root;
//     for any other partner the scopes of hub.RolePartnerSupervisor,
//     sorted (the highest role a non-root partner's users can hold).
//     parent_sid is shown to a caller that cannot see the parent: it is
//     part of the child's own object.
package carrierx
