package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The methods below implement auth.FailureStore: counts of failed password
// checks in fixed windows, shared by every process on the database. They
// work below the domain (no hub.Tx, no read cache): a count must be read
// fresh by every replica, and a failure is recorded even when the request
// that caused it fails. Subjects are opaque strings built by internal/auth
// (digests, never raw usernames); times are stored as Unix milliseconds.

// LoginFailures returns, for each subjects[i], the failures counted in its
// current window (counts[i]) and the window's start (starts[i]). A subject
// without a row, or whose window started at or before since, has a count
// of 0 and a zero start.
func (db *DB) LoginFailures(ctx context.Context, subjects []string, since time.Time) (counts []int, starts []time.Time, err error) {
	counts, starts = make([]int, len(subjects)), make([]time.Time, len(subjects))
	if len(subjects) == 0 {
		return counts, starts, nil
	}
	args := make([]any, 0, len(subjects)+1)
	args = append(args, since.UnixMilli())
	rows, err := db.read.QueryContext(ctx, `SELECT subject, failures, window_start FROM login_failures WHERE window_start > $1 AND subject IN (`+
		placeholders(2, len(subjects))+`)`, appendStrings(args, subjects)...)
	if err != nil {
		return nil, nil, classify(db.d, err)
	}
	defer rows.Close()
	for rows.Next() {
		var subject string
		var n int
		var start int64
		if err := rows.Scan(&subject, &n, &start); err != nil {
			return nil, nil, classify(db.d, err)
		}
		for i, s := range subjects {
			if s == subject {
				counts[i], starts[i] = n, time.UnixMilli(start).UTC()
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, classify(db.d, err)
	}
	return counts, starts, nil
}

// RecordLoginFailure counts one failure at now for each subject, in one
// statement: a subject whose window started at or before since, or that
// has no row, starts a new window at now with a count of 1. Concurrent
// calls from any process are counted exactly (the upsert is atomic per
// row); subjects are written in sorted order so that two calls sharing
// subjects lock their rows in the same order and cannot deadlock.
func (db *DB) RecordLoginFailure(ctx context.Context, subjects []string, now, since time.Time) error {
	if len(subjects) == 0 {
		return nil
	}
	sorted := slices.Compact(slices.Sorted(slices.Values(subjects)))
	var values strings.Builder
	for i := range sorted {
		if i > 0 {
			values.WriteString(", ")
		}
		values.WriteString("($" + strconv.Itoa(i+3) + ", 1, $1)")
	}
	args := make([]any, 0, len(sorted)+2)
	args = append(args, now.UnixMilli(), since.UnixMilli())
	_, err := db.write.ExecContext(ctx, `INSERT INTO login_failures (subject, failures, window_start) VALUES `+values.String()+
		` ON CONFLICT (subject) DO UPDATE SET`+
		` failures = CASE WHEN login_failures.window_start <= $2 THEN 1 ELSE login_failures.failures + 1 END,`+
		` window_start = CASE WHEN login_failures.window_start <= $2 THEN excluded.window_start ELSE login_failures.window_start END`,
		appendStrings(args, sorted)...)
	return classify(db.d, err)
}

// ClearLoginFailures deletes the failures of subjects (after a success).
func (db *DB) ClearLoginFailures(ctx context.Context, subjects []string) error {
	if len(subjects) == 0 {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE subject IN (`+placeholders(1, len(subjects))+`)`,
		appendStrings(nil, subjects)...)
	return classify(db.d, err)
}

// PruneLoginFailures deletes every window that started at or before since:
// those no longer count, so the table holds only windows still running.
func (db *DB) PruneLoginFailures(ctx context.Context, since time.Time) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE window_start <= $1`, since.UnixMilli())
	return classify(db.d, err)
}

// appendStrings appends ss to args as query arguments.
func appendStrings(args []any, ss []string) []any {
	for _, s := range ss {
		args = append(args, s)
	}
	return args
}
