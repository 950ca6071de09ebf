// Package bluefin is the /api/v1 face: a Bluefin ShieldConex Management API
// compatible translator over the hub for partners, users and clients (see
// /work/shared/spec/bluefin.md and the vendor's OpenAPI description). It
// decodes requests, maps each to hub.Service calls and encodes the answers
// in the vendor's shapes; the rules (roles, visibility, the tree, versions,
// contacts, names) are the hub's. routes.go is the whole route table,
// served by New and exported as data by Routes.
//
// Decisions where the spec is silent:
//
//   - Order of checks: authenticate (401 7401, or 429 7429 with
//     Retry-After) -> the caller's rate budget (429 7429 with Retry-After;
//     every authenticated answer carries X-RateLimit-Limit, -Remaining and
//     -Reset) -> the query string decodes (400 7400) -> the request body is
//     JSON (415, 400, 413) -> the hub's order: the object's visibility
//     (404, byte for byte the same for a missing object), the scope and
//     the role ranks (403 7403, a fresh uuid each time), then the input
//     (409 7409 keyed by attribute). On creates, the references that say
//     where the object goes (parent, partner, client, directPartner) are
//     resolved first among what the caller can see (a missing and an
//     invisible one are the same 409 naming the attribute), then the
//     caller's right to create there and to grant the role
//     (hub.Service.CheckNewUser: a Partner Supervisor asking for a System
//     Admin gets 403 whatever else is wrong), and only then the body's
//     shape: wrong JSON types, unknown attributes and missing required
//     ones (409). On updates the hub calls the face's change after the
//     object's visibility, the scope and the version, and judges role
//     changes before the body's problems (hub.Service.UpdateUser).
//   - Unknown attributes are a 409 naming them; the read-only attributes a
//     GET shows (id, partnerId, created, modified; a client's partner) are
//     accepted and ignored, and a contact sent back as {id, firstName,
//     lastName, email} counts by its id, so a GET-modify-PATCH round trip
//     works. References are {"id": n} (a number or a string of digits) or
//     {"name": "..."}; with both, the id wins. Roles are "Partner User" or
//     {"name": "Partner User"}.
//   - Names are not unique: a name resolves among the partners (clients)
//     the caller can see; none is a 409 naming the attribute (or the 7403
//     for partner= and client=), several a 409 naming it. A partner= or
//     client= value of digits only is an id.
//   - Partners: the root stands for the operator, so the root and its
//     children (the top-level partners) show no parent; every other
//     partner shows parent {id, name}: part of its own record, even to a
//     caller homed at the partner itself. isActive is false for a
//     suspended or inactive partner; setting it false deactivates (a
//     caller cannot deactivate its own home partner: 409 naming isActive),
//     true reactivates. A partner created here is active (no e-mail
//     verification: Bluefin has none). contact is an inline user (the
//     partner's login user: a Partner Supervisor homed at it, whose
//     userName is the partner's login; userRole, if sent, must be Partner
//     Supervisor) or {"id": n} of an existing partner-level user the caller
//     can see, homed at the parent or above. PATCH takes contact {"id"}
//     only (the user must be homed at the partner or above). Details
//     expand the contact to {id, firstName, lastName, email} when the
//     caller can see that user, else {id}; without a contact the attribute
//     is absent.
//   - Reparenting is PATCH with parent: the caller must see the partner and
//     the new parent and may not move its own home partner; a cycle, the
//     depth bound or the own home partner is a 409 naming parent.
//   - Users: partner-level users show partner {id, name}, client-level ones
//     client {id, name}. GET /users lists every user the caller can see
//     (the users of its subtree's partners and clients). A partner-level
//     role needs partner, a client-level role client (409 naming the one
//     missing); partner beside client must be the client's owner. PATCH
//     cannot change partner or client (409); password in a PATCH is a
//     manager's reset (403 for the caller's own: it counts as an update of
//     its own, so version grows by 2). sendWelcomeEmail is accepted and
//     recorded in the audit row of the creation; no mail is sent.
//   - Clients: partner is the top-level partner of the client's branch,
//     directPartner the owner. POST needs an inline contact (a Client Admin
//     unless userRole says Client User), who is created with the client.
//     PATCH takes contact {"id"} of a user of the client; directPartner
//     cannot change here (a change request moves a client; 409). DELETE
//     removes a client without channels, with its users (200 {"id": n});
//     one with channels is a 409.
//   - version in a PATCH body must equal the stored version (a version
//     below 1 never does): otherwise 409 naming version and nothing
//     changes. Without it the update applies to the current version.
//   - Lists are in id order: take (1 to 1000, default 10) and skip (from
//     0) page through them without repeats or gaps while partners are
//     added. A take or skip that is not a whole number, or out of range,
//     is a 409 naming it.
//   - Rate limit: a budget per caller (a user, whatever credential it
//     uses; an API key on its own), counted in this process over a window
//     of an hour that starts with the caller's first request; X-RateLimit-
//     Reset is when it ends.
//   - Errors: 7000 + the HTTP status as errorCode; 404, 401, 429, 500 in
//     the vendor's ErrorServer shape; 409 in ErrorValidation (errors keyed
//     by attribute; a Conflict without an attribute, such as a client with
//     channels, has errors {}).
package bluefin
