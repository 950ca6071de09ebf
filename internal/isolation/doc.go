// Package isolation holds only tests: the tenant-isolation matrix of the
// HTTP faces.
//
// The matrix is driven by each face's route table (carrierx.Routes,
// bluefin.Routes), so a new route is covered without anyone remembering to
// add it. For every
// authenticated route it sends the route, as principals of every role
// (System Admin and System User at the root, Partner Supervisor and
// Partner User at every other level of a small tree, Client Admin and
// Client User at a client of every partner) holding every credential type
// their role can hold (client-level users hold no API key: keys belong to
// partners), against partners, tokens, users and clients inside and
// outside the principal's subtree and against an id that does not exist, and checks
// that
//
//   - an invisible target gets exactly the answer of a missing one (status
//     and body) and is not changed;
//   - a visible target is served when the principal's role holds the
//     route's scope;
//   - a principal without the scope gets 403 for a visible target, and
//     for an invisible one the answer of a missing one (the hub checks
//     visibility, then the scope; before issue 8 the face answered 403
//     first, whatever the target);
//   - lists show the principal's subtree, all of it and nothing else;
//   - a client-level principal sees no partner at all: every partner
//     route answers it as for a missing id.
//
// A route whose path parameter the matrix does not know fails the test,
// so that the matrix is extended with each new kind of route.
//
// The /api/v2 face (dialog360.Routes) has its own matrix
// (TestIsolationMatrixV2, v2_*_test.go) over the same callers: its routes
// name a partner and objects below it (a client, a change request seen
// from either side, an API key) in one path, so each target fills every
// parameter at once; the rules checked are the same, plus who decides a
// change request (the target side; the source side gets 403) and that a
// partner's lists hold that partner's objects only.
package isolation
