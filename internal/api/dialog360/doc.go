// Package dialog360 is the /api/v2 face: a 360dialog Partner API v2
// ("Partners V2 API") compatible translator over the hub, for clients,
// channels and partner change requests (see
// /work/shared/spec/dialog360.md). It decodes requests, maps each call to
// one hub.Service method and encodes the answer in the vendor's shape. It
// holds no business rules of its own; its plumbing is
// internal/api/httpapi's: routes.go is the whole route table, served by New
// and exported as data by Routes (the access matrix in internal/isolation
// runs over it), and openapi.json describes it (GET /api/v2/openapi.json;
// every answer of the package's tests is validated against it).
//
// Decisions where the spec is silent (ours):
//
//   - Identifiers: {partner_id} takes the partner's ref (...PA) or its UUID
//     (any case); answers always show the ref. Text that is neither names
//     nothing and answers exactly like a missing id. A partner, client,
//     request or key outside the caller's subtree, or one of another
//     partner than the path names, answers 404 with the same body as a
//     missing one. A client's own user (Client Admin) may name its
//     client's partner in the path for its own client (get, create
//     channels, ask for a migration); every other partner route answers it
//     404, as the hub's visibility says.
//   - Order of checks: authentication (401); the query string (400); the
//     body's form (415, 413, and 400 for anything but a JSON object) and
//     its members as this face reads them (400: an unknown member, a
//     wrong type, a required member missing, a value outside the vendor's
//     vocabulary such as account_mode). None of these looks anything up,
//     so a missing and an invisible object get the same answer whatever
//     the request holds. Then the hub, in the one order of every
//     operation (see hub.Requirement): the visibility of what the path
//     names (404, the same body as for a missing object); then the scope
//     the operation needs (403); then the operation's rules and the
//     values of its input: 400 for a value it refuses (an object the body
//     names, such as target_partner_id, that is unknown or not visible is
//     such a value, never a 404), 403 for a rule that refuses this caller
//     (the source side approving or rejecting a request, a client's user
//     adding a number while its partner's allow_client_to_add_phone_no is
//     off, scopes above the caller's own), 409 for a clash with the
//     current state (an open request, a number in use), 503 when a
//     dependency is down.
//   - Errors: the meta envelope everywhere but POST /token; http_code
//     repeats the status; 360dialog_trace_id is the request's id (the
//     X-Request-Id answered, the caller's when it sent a valid one); a
//     wrong payload (400, body or query) adds details ("field: message",
//     one per problem) and error_data {code: invalid_field|invalid_payload,
//     message, real_message (the first detail), status}. Validation is
//     400, never 422. POST /token answers OAuth-style
//     {"error","error_description"}: invalid_request 400 (415 for another
//     media type), invalid_grant 401, too_many_attempts 429 and
//     temporarily_unavailable 503 (both with Retry-After).
//   - Lists: limit (1..1000, default 10), offset, sort (default
//     -created_at, the id breaking ties), filters. A filter value is
//     compared for equality; a JSON array matches any of its values; null
//     matches an unset value where the field can be unset (else 400); a
//     date (2006-01-02) given for created_at matches that UTC day; q
//     matches case-insensitively anywhere in the name, ref and
//     organisation of a client, or the ref and client refs of a change
//     request, and its source client's name only where the caller may see
//     that client (a target partner cannot probe the names of another
//     partner's clients). The clients and channels lists show the partner's
//     own (its sub-partners' are listed under their own ids); the change
//     request list shows the requests addressed to the partner.
//   - POST .../clients, GET and the channels of a client, the
//     partner_change_request of a client, reject, GET of one request and
//     GET of the settings are ours (listed as such in spec/dialog360.md).
//     A new client is active; a new channel is ready, account_mode live
//     unless sandbox is sent; setup_info is kept as sent.
//   - PATCH of the partner: brand_name, logo_url, partner_redirect_url,
//     country (ISO 3166-1 alpha-3), allow_client_to_add_phone_no, settings
//     (replaced whole) and webhook_url; null leaves a member unchanged, ""
//     clears a text; id may be sent back unchanged; any other member is a
//     400. The whole PATCH is one hub operation, all or nothing (one
//     transaction, one version bump). webhook_url is checked (https,
//     public address, unless serve runs with --allow-private-webhooks)
//     after the partner's visibility and scope and before anything is
//     written, so a refused URL changes no other member either; the answer
//     that sets a partner's first webhook_url carries the signing secret
//     once, in webhook_secret. allow_client_to_add_phone_no decides
//     whether the partner's clients' own users may add channels (off: 403);
//     the partner's own keys and users add them either way.
//     POST .../webhook_secret rotates it; GET .../webhook_deliveries lists
//     the deliveries with their attempts and exact payload.
//   - Partner API keys (ours): GET and POST /partners/{partner_id}/api_keys,
//     DELETE /partners/{partner_id}/api_keys/{api_key_id} (204). Only the
//     partner's own keys; the plaintext (api_key) is shown once; scopes
//     default to the caller's.
//   - Client objects: contact_user is {name, email, phone} of the client's
//     contact user, null without one; created_by and modified_by are
//     {user_id: the hub's actor ("user:12", "key:7"), user_name: null};
//     suspicious is always false.
package dialog360
