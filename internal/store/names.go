package store

import "context"

// maxNameIDs bounds the ids of one names query: a list page holds at
// most hub.MaxLimit objects, each naming a few others.
const maxNameIDs = 4000

func (r reader) PartnerNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return r.names(ctx, "partners", ids)
}

func (r reader) ClientNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return r.names(ctx, "clients", ids)
}

// names reads id -> name of table (one of our own constant table names)
// for the distinct ids, in chunks of bound parameters.
func (r reader) names(ctx context.Context, table string, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	var distinct []any
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			distinct = append(distinct, id)
		}
	}
	for start := 0; start < len(distinct); start += maxNameIDs {
		chunk := distinct[start:min(start+maxNameIDs, len(distinct))]
		rows, err := r.q.QueryContext(ctx, `SELECT id, name FROM `+table+` WHERE id IN (`+placeholders(1, len(chunk))+`)`, chunk...)
		if err != nil {
			return nil, classify(r.d, err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, classify(r.d, err)
			}
			out[id] = name
		}
		if err := rows.Close(); err != nil {
			return nil, classify(r.d, err)
		}
		if err := rows.Err(); err != nil {
			return nil, classify(r.d, err)
		}
	}
	return out, nil
}
