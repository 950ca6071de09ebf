// Package isolation holds only tests: the tenant-isolation matrix of the
// HTTP faces.
//
// The matrix is driven by each face's route table (carrierx.Routes), so a
// new route is covered without anyone remembering to add it. For every
// authenticated route it sends the route, as principals homed at every
// level of a small tree and holding every credential type, against
// partners and tokens inside and outside the principal's subtree and
// against an id that does not exist, and checks that
//
//   - an invisible target gets exactly the answer of a missing one (status
//     and body) and is not changed;
//   - a visible target is served when the principal's role holds the
//     route's scope;
//   - a principal without the scope gets 403 whatever the target;
//   - lists show the principal's subtree, all of it and nothing else.
//
// A route whose path parameter the matrix does not know fails the test,
// so that the matrix is extended with each new kind of route.
package isolation
