package hub

import (
	"strconv"
	"strings"
)

// The tree's ancestry is materialised as a path of ids, "/1/5/23/": the
// root's path is "/<id>/" and every other path is its parent's path plus
// "<id>/". Paths compare byte-wise, so a subtree is the half-open range
// [path, PathUpperBound(path)).

// ChildPath returns the path of a child with the given id under parentPath.
func ChildPath(parentPath string, id int64) string {
	return parentPath + strconv.FormatInt(id, 10) + "/"
}

// RootPath returns the path of a root partner with the given id.
func RootPath(id int64) string { return ChildPath("/", id) }

// PathUpperBound returns the smallest string greater than every path in
// the subtree rooted at path. Paths end in '/', and '0' is the byte after
// '/', so the bound replaces the final '/' with '0'.
func PathUpperBound(path string) string {
	return path[:len(path)-1] + "0"
}

// PathContains reports whether path lies in the subtree rooted at ancestor
// (ancestor itself included).
func PathContains(ancestor, path string) bool {
	return ancestor != "" && strings.HasPrefix(path, ancestor)
}

// PathDepth returns the depth of a path: 0 for a root.
func PathDepth(path string) int { return strings.Count(path, "/") - 2 }

// PathIDs returns the ids along path, root first.
func PathIDs(path string) []int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	ids := make([]int64, 0, len(parts))
	for _, s := range parts {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil
		}
		ids = append(ids, id)
	}
	return ids
}
