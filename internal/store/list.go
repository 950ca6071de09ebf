package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
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
	schema  filter.Schema // domain field name -> column: the filter and order whitelist
	// eqIndexed names the columns c with an index (c, scope column): a
	// filter that is the one condition "c eq value" is counted from that
	// index alone, and its page is read apart (see runListScoped). The
	// value lists the order columns o with an index (c, o, id, scope
	// column), which yields such a page in order.
	eqIndexed map[string][]string
	// eqCounted names, per column c of eqIndexed, a table (c, n) that
	// holds the number n of the resource's rows with each value of c,
	// kept exact in the writers' transactions: the total of "c eq value"
	// over a scope that is the whole table (listScope.whole) is read there,
	// one row, rather than counted over the index.
	eqCounted map[string]string
	// lateRows reads a page's ids (and order keys) first, over indexes
	// alone where they cover them, and the page's whole rows after, by
	// id: rows that are costly to build (subqueries, wide columns) are
	// built for the page only, not for every row a sort considers. Only
	// for a from that is one table (its name qualifies the id); not where
	// the page is planned per call (see runListScoped).
	lateRows bool
	// customPlans plans each page statement with its values where the
	// reader can (reader.custom): for a resource whose best plan depends
	// on how wide the scope's range is. Planning costs every call, so a
	// resource whose one plan serves every value keeps its prepared
	// statement's.
	customPlans bool
}

// walkFactor is how many matches per row of the requested page (offset,
// limit and the one extra) make an index walk in the requested order
// cheaper than reading every match and sorting them: the walk reads the
// equality's entries in order until the page is full, which for a scope
// holding a small share of the equality's rows means many entries per
// match (see runListScoped).
const walkFactor = 10

// afterListBegin, when set (by tests only), runs once a SQLite list's
// read transaction has begun.
var afterListBegin func()

// afterListCount, when set (by tests only), runs after a list's count
// apart and before its page is read.
var afterListCount func()

// indexedEq returns the column of e when e is one condition "column eq
// value" (a scalar column, not null) on a column spec.eqIndexed names,
// else "". Only then does the (column, scope) index answer the count by
// itself: any further condition needs the table's row of every match,
// and the combined statement reads those once rather than twice.
func indexedEq(spec listSpec, e filter.Expr) string {
	x, ok := e.(*filter.Cond)
	if !ok || x.Op != filter.Eq || len(x.Values) != 1 || x.Values[0].IsNull() {
		return ""
	}
	f, ok := spec.schema[x.Field]
	if !ok || f.Type == filter.JSON {
		return ""
	}
	if _, ok := spec.eqIndexed[f.Column]; ok {
		return f.Column
	}
	return ""
}

// walksInOrder reports whether an index (eq, terms[0], id, ...) yields the
// order of terms: its first column is one of eq's order columns, the id
// follows, and every term has one direction (an index is walked forward
// or backward, not both).
func walksInOrder(spec listSpec, eq string, terms []orderTerm) bool {
	if len(terms) != 2 || !slices.Contains(spec.eqIndexed[eq], terms[0].column) {
		return false
	}
	return terms[0].desc == terms[1].desc
}

// whitelist builds a resource's filter and order whitelist from the
// domain's list vocabulary (fields) and the column of each field. The
// store knows exactly the domain's names, never a face's: a column for a
// name the domain does not have, or a name without a column, is a wiring
// bug and panics when the package loads.
func whitelist(fields hub.ListFields, columns map[string]string) filter.Schema {
	s := make(filter.Schema, len(fields))
	for name, f := range fields {
		col, ok := columns[name]
		if !ok || col == "" {
			panic(fmt.Sprintf("store: list field %q of the domain has no column", name))
		}
		s[name] = filter.Field{Column: col, Type: f.Type, Nullable: f.Nullable, Convert: f.Convert}
	}
	for name := range columns {
		if _, ok := fields[name]; !ok {
			panic(fmt.Sprintf("store: column for %q, which is not a list field of the domain", name))
		}
	}
	return s
}

// sortable reports whether a field may be ordered by: NOT NULL scalar
// columns only, so keyset comparisons never meet a NULL (the rule of
// hub.ListField.Sortable, which hub.ListQuery.Validate applies first).
func sortable(f filter.Field) bool { return !f.Nullable && f.Type != filter.JSON }

// runList is the one list engine: scope + filter + order + page + total.
// scope is a trusted WHERE fragment whose placeholders are $1..$len(args);
// scan fills one zero item from a row of spec.columns.
func runList[T any](ctx context.Context, r reader, spec listSpec, scope string, args []any, q hub.ListQuery,
	scan func(rowScanner, *T) error) (hub.Page[T], error) {
	return runListScoped(ctx, r, spec, listScope{where: scope, rows: scope}, args, q, scan)
}

// listScope is a list's scope: a trusted WHERE fragment in up to three
// forms of one meaning, with the same placeholders ($1..$n of args).
type listScope struct {
	// where is the scope as counted (over index entries).
	where string
	// rows is the scope as the statements that read whole rows state it:
	// a caller can write it so the planner walks the primary key instead
	// of a scope index that covers the table.
	rows string
	// walk, when set, is the scope written so no index serves it (its
	// column is tested on the entries of whichever index is walked): the
	// form for a page read in order from an (eq, order, id, scope) index.
	walk string
	// whole reports that the scope holds every row of the table (the
	// root's subtree), so a count kept for the whole table is the
	// scope's (see listSpec.eqCounted).
	whole bool
}

// Names of the common table expression that holds the ids (and order keys)
// of every row a filtered list matches; chosen not to meet any table alias.
const (
	matchCTE   = `list_match`
	matchKeyAs = `list_k`
	latePage   = `list_page` // the page's ids and order keys (lateRows)
)

// runListScoped is runList with the scope in its several forms.
//
// A filtered list (without shuffle) reads the rows once: one statement
// materializes the ids and order keys of every match, counts them for the
// total and picks the page among them, so the scope and the filter are
// evaluated once per row rather than once for the count and again for the
// page. An unfiltered list counts the scope alone (an index-only count)
// and reads its page apart, which lets the page stop at limit+1 rows; on
// a dialect that folds the count (PostgreSQL) that count is a scalar
// subquery of the page's statement, one round trip for both.
//
// A filter that is one equality on a column of spec.eqIndexed is counted
// apart (from the (column, scope) index alone) and its page read apart:
// when the matches are many and the order is one an (equality, order, id,
// scope) index yields, the page walks that index in order and stops after
// the page's rows, so neither statement reads a row outside the page (see
// walkFactor).
func runListScoped[T any](ctx context.Context, r reader, spec listSpec, sc listScope, args []any, q hub.ListQuery,
	scan func(rowScanner, *T) error) (hub.Page[T], error) {
	var page hub.Page[T]
	if c, ok := r.q.(*stmtCache); ok {
		// SQLite's read pool: the list's statements (a count apart, a
		// cursor's keys, the page, its rows) read one snapshot, so that a
		// write committed between them cannot make the total disagree
		// with the page. (PostgreSQL folds the count into the page's
		// statement.)
		sqlTx, err := c.db.BeginTx(ctx, nil)
		if err != nil {
			return page, classify(r.d, err)
		}
		ts := txStmts{tx: sqlTx, cache: c, missed: new([]string)}
		defer func() {
			_ = sqlTx.Rollback()
			ts.prepareMissed(ctx)
		}()
		if afterListBegin != nil {
			afterListBegin()
		}
		r = reader{q: ts, d: r.d}
	}
	scope, rowScope := sc.where, sc.rows
	scopeArgs := slices.Clone(args)
	fsql, args, err := filter.Compile(q.Filter, spec.schema, r.d.filter, args)
	if err != nil {
		return page, filterError(err)
	}
	filterArgs := args
	terms, err := orderTerms(spec, q.Order)
	if err != nil {
		return page, err
	}
	backward := q.Before != 0
	cursor := max(q.After, q.Before)
	var eq string
	if q.Filter != nil && !q.Shuffle {
		eq = indexedEq(spec, q.Filter)
	}
	// A filter with an indexed equality is counted apart from its page
	// (both from indexes); any other filter is combined (see above).
	combined := q.Filter != nil && !q.Shuffle && eq == ""
	// A page planned with its values reads its rows directly: where the
	// planner walks an index in order it reads only the page's rows, and
	// where it sorts a narrow range's matches they are few, so the late
	// join's key lookups would cost more than they save (PostgreSQL,
	// 11,111-partner branch: 12-28 % more pages per second without them).
	late := spec.lateRows && !q.Shuffle && !combined && !r.plansPerCall(spec)
	// The total rides on the page's rows: always when combined, and on a
	// dialect that folds the count.
	folded := combined || r.d.foldCount
	countWhere := scope + ` AND (` + fsql + `)`
	// count is the total's statement apart (countArgs its arguments);
	// totalExpr the same as a scalar subquery over the page's arguments.
	count := `SELECT count(*) FROM ` + spec.from + ` WHERE ` + countWhere
	countArgs := filterArgs
	totalExpr := `(SELECT count(*) FROM ` + spec.from + ` WHERE ` + countWhere + `)`
	if counted := spec.eqCounted[eq]; eq != "" && sc.whole && counted != "" {
		// The filter's condition is on the column the counts table
		// shares, so it selects that country's row there. Apart, it
		// is compiled again without the scope's arguments.
		totalExpr = `(SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM ` + counted + ` WHERE ` + fsql + `)`
		own, ownArgs, err := filter.Compile(q.Filter, spec.schema, r.d.filter, nil)
		if err != nil {
			return page, filterError(err)
		}
		count, countArgs = `SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM `+counted+` WHERE `+own, ownArgs
	}
	if eq != "" && !folded {
		if err := r.q.QueryRowContext(ctx, count, countArgs...).Scan(&page.Total); err != nil {
			return page, classify(r.d, err)
		}
		if afterListCount != nil {
			afterListCount()
		}
		if sc.walk != "" && walksInOrder(spec, eq, terms) && page.Total >= int64(walkFactor*(q.Offset+q.Limit+1)) {
			// Many matches: walk the (eq, order, id, scope) index in
			// order and test the scope on its entries, rather than let
			// SQLite read every match through the scope's range and
			// sort them. The scope's column, not indexed here, still
			// comes from the walked index. (PostgreSQL's planner weighs
			// the LIMIT itself: callers set walk on SQLite only.)
			rowScope = sc.walk
		}
	}
	// Where a plan tests both the filter and the scope on each row it
	// reads, the filter goes first: most rows fail it, and then the
	// scope's comparisons are skipped. (AND commutes: same rows.)
	rowWhere := `(` + fsql + `) AND ` + rowScope

	// order renders the ORDER BY list over the given column names.
	order := func(cols []string) string {
		var b strings.Builder
		for i, t := range terms {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(cols[i])
			if t.desc != backward {
				b.WriteString(" DESC")
			} else {
				b.WriteString(" ASC")
			}
		}
		return b.String()
	}
	cols := make([]string, len(terms))
	for i, t := range terms {
		cols[i] = t.column
	}
	keys := cols
	if combined {
		keys = make([]string, len(terms))
		for i := range terms {
			keys[i] = keyName(i)
		}
	}
	var cond string
	if cursor != 0 {
		cond, args, err = keyset(ctx, r, spec, scope, scopeArgs, terms, keys, cursor, backward, args)
		if err != nil {
			return page, err
		}
	}

	// limit renders LIMIT and OFFSET: limit+1 rows tell whether more follow.
	limit := func() string {
		if r.d.bindLimit {
			args = append(args, q.Limit+1, q.Offset)
			return fmt.Sprintf(`LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
		}
		return fmt.Sprintf(`LIMIT %d OFFSET %d`, q.Limit+1, q.Offset)
	}
	var stmt string
	if combined {
		var b strings.Builder
		b.WriteString(`WITH ` + matchCTE + ` AS MATERIALIZED (SELECT ` + keySelect(cols))
		b.WriteString(` FROM ` + spec.from + ` WHERE ` + rowWhere + `)
	SELECT (SELECT count(*) FROM ` + matchCTE + `), ` + spec.columns + ` FROM ` + spec.from + ` WHERE ` + spec.id + ` IN (SELECT ` + keys[len(keys)-1] + ` FROM ` + matchCTE)
		if cond != "" {
			b.WriteString(` WHERE ` + cond)
		}
		fmt.Fprintf(&b, ` ORDER BY %s %s) ORDER BY %s`, order(keys), limit(), order(cols))
		stmt = b.String()
	} else {
		total := ""
		if folded {
			// The count's placeholders are the first of args.
			total = totalExpr + `, `
		} else if eq == "" {
			if err := r.q.QueryRowContext(ctx, count, countArgs...).Scan(&page.Total); err != nil {
				return page, classify(r.d, err)
			}
		}
		where := rowWhere
		if cond != "" {
			where += ` AND ` + cond
		}
		orderBy := order(cols)
		if q.Shuffle {
			orderBy = `random()`
		}
		if late {
			// The page's ids and order keys in order, then each one's
			// row by id, in the page's order: the page drives the join
			// (SQLite: CROSS JOIN fixes the loop order), so the rows
			// come out ordered by the page's keys and need no sort.
			pageKeys := make([]string, len(terms))
			for i := range terms {
				pageKeys[i] = latePage + `.` + keyName(i)
			}
			stmt = fmt.Sprintf(`SELECT %s%s FROM (SELECT %s FROM %s WHERE %s ORDER BY %s %s) AS %s CROSS JOIN %s WHERE %s.%s = %s ORDER BY %s`,
				total, spec.columns, keySelect(cols), spec.from, where, orderBy, limit(), latePage,
				spec.from, spec.from, spec.id, pageKeys[len(pageKeys)-1], order(pageKeys))
		} else {
			stmt = fmt.Sprintf(`SELECT %s%s FROM %s WHERE %s ORDER BY %s %s`,
				total, spec.columns, spec.from, where, orderBy, limit())
		}
	}
	rows, err := r.pageQuerier(spec).queryRows(ctx, stmt, args...)
	if err != nil {
		return page, classify(r.d, err)
	}
	defer rows.Close()
	var row rowScanner = rows
	if folded {
		row = &totalRow{rows: rows, total: &page.Total}
	}
	page.Items = make([]T, 0, min(q.Limit, 128))
	var extra T
	seen := false
	for rows.Next() {
		if len(page.Items) == q.Limit {
			page.HasMore = true
			if seen || !folded {
				break
			}
			// The total rides on every row: read it from this one.
			if err := scan(row, &extra); err != nil {
				return page, classify(r.d, err)
			}
			break
		}
		seen = true
		page.Items = append(page.Items, extra) // scanned in place
		if err := scan(row, &page.Items[len(page.Items)-1]); err != nil {
			page.Items = page.Items[:len(page.Items)-1]
			return page, classify(r.d, err)
		}
	}
	if err := rows.Err(); err != nil {
		return page, classify(r.d, err)
	}
	if folded && !page.HasMore && len(page.Items) == 0 && (q.Offset != 0 || cursor != 0) {
		// An empty page carries no total; count apart.
		if err := r.q.QueryRowContext(ctx, count, countArgs...).Scan(&page.Total); err != nil {
			return page, classify(r.d, err)
		}
	}
	if backward {
		slices.Reverse(page.Items)
	}
	return page, nil
}

// keyName is the name a statement gives the i-th order key of a page
// (with the id last) where it selects the keys apart from the rows.
func keyName(i int) string { return matchKeyAs + strconv.Itoa(i) }

// keySelect renders the select list "c0 AS list_k0, c1 AS list_k1, ...":
// the order key columns under their keyName.
func keySelect(cols []string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + ` AS ` + keyName(i))
	}
	return b.String()
}

// pageQuerier returns the querier of a page statement: the reader's
// custom-plan one where the spec asks for it and the reader has one (see
// listSpec.customPlans and reader.custom).
func (r reader) pageQuerier(spec listSpec) rowsQuerier {
	if r.plansPerCall(spec) {
		return r.custom
	}
	return sqlRowsQuerier{r.q}
}

// plansPerCall reports whether spec's page statements are planned with
// their values on every call here (listSpec.customPlans, reader.custom).
func (r reader) plansPerCall(spec listSpec) bool { return spec.customPlans && r.custom != nil }

// totalRow scans a row of a list statement the total rides on (combined,
// or folded): the total first, then the item's columns.
type totalRow struct {
	rows  resultRows
	total *int64
	dest  []any
}

func (t *totalRow) Scan(dest ...any) error {
	t.dest = append(append(t.dest[:0], t.total), dest...)
	return t.rows.Scan(t.dest...)
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
// The condition is written over keys (the terms' columns, or their aliases).
func keyset(ctx context.Context, r reader, spec listSpec, scope string, scopeArgs []any, terms []orderTerm, keys []string, cursor int64, backward bool, args []any) (string, []any, error) {
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
			ands = append(ands, keys[j]+" = "+bind(vals[j]))
		}
		op := ">"
		if t.desc != backward {
			op = "<"
		}
		ands = append(ands, keys[i]+" "+op+" "+bind(vals[i]))
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")", args, nil
}

// filterError turns a filter compile error into an Invalid error that
// names the filter parameter once ("filter: at position 3: ...") and keeps
// the pointing message.
func filterError(err error) error {
	var fe *filter.Error
	if errors.As(err, &fe) {
		return hub.InvalidField("filter", "%s", fe.Reason())
	}
	return hub.InvalidField("filter", "%s", err.Error())
}

// into adapts a scan function that returns its item to runList's form.
func into[T any](scan func(rowScanner) (T, error)) func(rowScanner, *T) error {
	return func(row rowScanner, item *T) (err error) {
		*item, err = scan(row)
		return err
	}
}
