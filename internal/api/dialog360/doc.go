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
//   - Order of checks: authentication (401), the query string (400), the
//     body's form (415, 400, 413), then the hub: visibility (404), the
//     scope (403), the rules (400, 409).
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
//     organisation of a client, or the ref, client refs and client name of
//     a change request. The clients and channels lists show the partner's
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
//     400. webhook_url is checked (https, public address, unless serve
//     runs with --allow-private-webhooks) before anything is written, so a
//     refused URL changes nothing; the answer that sets a partner's first
//     webhook_url carries the signing secret once, in webhook_secret.
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
