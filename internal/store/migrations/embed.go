// Package migrations holds the embedded goose migrations, one folder per
// SQL dialect. Both folders carry the same version numbers.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
