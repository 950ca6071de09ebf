package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// listSpec describes one listable resource to the list engine. Every
// string in it is trusted SQL written in this package.
type listSpec struct {
	from    string        // FROM clause, with joins
	columns string        // select list, in the order scan expects
	id      string        // the unique id column: the final tie-breaker
	schema  filter.Schema // public field -> column: the filter and order whitelist
}

// sortable reports whether a field may be ordered by: NOT NULL scalar
// columns only, so keyset comparisons never meet a NULL.
func sortable(f filter.Field) bool { return !f.Nullable && f.Type != filter.JSON }

// runList is the one list engine: scope + filter + order + page + total.
// scope is a trusted WHERE fragment whose placeholders are $1..$len(args).
func runList[T any](ctx context.Context, r reader, spec listSpec, scope string, args []any, q hub.ListQuery,
	scan func(rowScanner) (T, error)) (hub.Page[T], error) {
	var page hub.Page[T]
	scopeArgs := slices.Clone(args)
	fsql, args, err := filter.Compile(q.Filter, spec.schema, r.d.filter, args)
	if err != nil {
		return page, filterError(err)
	}
	where := scope + ` AND (` + fsql + `)`
	if err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM `+spec.from+` WHERE `+where, args...).Scan(&page.Total); err != nil {
		return page, classify(r.d, err)
	}
	terms, err := orderTerms(spec, q.Order)
	if err != nil {
		return page, err
	}
	backward := q.Before != 0
	if cursor := max(q.After, q.Before); cursor != 0 {
		var cond string
		cond, args, err = keyset(ctx, r, spec, scope, scopeArgs, terms, cursor, backward, args)
		if err != nil {
			return page, err
		}
		where += ` AND ` + cond
	}
	var order []string
	for _, t := range terms {
		desc := t.desc != backward
		order = append(order, t.column+map[bool]string{false: " ASC", true: " DESC"}[desc])
	}
	orderBy := strings.Join(order, ", ")
	if q.Shuffle {
		orderBy = `random()`
	}
	stmt := fmt.Sprintf(`SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT %d OFFSET %d`,
		spec.columns, spec.from, where, orderBy, q.Limit+1, q.Offset)
	rows, err := r.q.QueryContext(ctx, stmt, args...)
	if err != nil {
		return page, classify(r.d, err)
	}
	defer rows.Close()
	page.Items = make([]T, 0, min(q.Limit, 128))
	for rows.Next() {
		if len(page.Items) == q.Limit {
			page.HasMore = true
			break
		}
		item, err := scan(rows)
		if err != nil {
			return page, classify(r.d, err)
		}
		page.Items = append(page.Items, item)
	}
	if err := rows.Err(); err != nil {
		return page, classify(r.d, err)
	}
	if backward {
		slices.Reverse(page.Items)
	}
	return page, nil
}

type orderTerm struct {
	column string
	desc   bool
}

// orderTerms resolves the requested order through the whitelist and adds
// the id as the unique tie-breaker.
func orderTerms(spec listSpec, req []hub.OrderTerm) ([]orderTerm, error) {
	terms := make([]orderTerm, 0, len(req)+1)
	for _, o := range req {
		f, ok := spec.schema[o.Field]
		if !ok || !sortable(f) {
			return nil, hub.InvalidField("order", "cannot order by %q; allowed: %s", o.Field, strings.Join(sortableFields(spec.schema), ", "))
		}
		terms = append(terms, orderTerm{column: f.Column, desc: o.Desc})
	}
	return append(terms, orderTerm{column: spec.id}), nil
}

func sortableFields(s filter.Schema) []string {
	var names []string
	for name, f := range s {
		if sortable(f) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// keyset builds the condition "row comes after (or before) the cursor row
// in this order", expanded term by term so mixed directions work:
// (a > va) OR (a = va AND b > vb) OR ... The cursor must lie in scope.
func keyset(ctx context.Context, r reader, spec listSpec, scope string, scopeArgs []any, terms []orderTerm, cursor int64, backward bool, args []any) (string, []any, error) {
	cols := make([]string, len(terms))
	for i, t := range terms {
		cols[i] = t.column
	}
	vals := make([]any, len(terms))
	ptrs := make([]any, len(terms))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	stmt := fmt.Sprintf(`SELECT %s FROM %s WHERE %s AND %s = $%d`, strings.Join(cols, ", "), spec.from, scope, spec.id, len(scopeArgs)+1)
	err := r.q.QueryRowContext(ctx, stmt, append(slices.Clone(scopeArgs), cursor)...).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		field := "after"
		if backward {
			field = "before"
		}
		return "", nil, hub.InvalidField(field, "cursor %d is not an item of this list", cursor)
	}
	if err != nil {
		return "", nil, classify(r.d, err)
	}
	bind := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	var ors []string
	for i, t := range terms {
		var ands []string
		for j := range i {
			ands = append(ands, terms[j].column+" = "+bind(vals[j]))
		}
		op := ">"
		if t.desc != backward {
			op = "<"
		}
		ands = append(ands, t.column+" "+op+" "+bind(vals[i]))
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")", args, nil
}

// filterError turns a filter parse or compile error into an Invalid error
// that names the filter parameter and keeps the pointing message.
func filterError(err error) error {
	var fe *filter.Error
	if errors.As(err, &fe) {
		return &hub.Error{Kind: hub.Invalid, Message: fe.Error(), Fields: []hub.FieldError{{Field: "filter", Message: fe.Error()}}}
	}
	return &hub.Error{Kind: hub.Invalid, Message: "filter: " + err.Error()}
}
