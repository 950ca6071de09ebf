package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The methods below implement auth.FailureStore: counts of failed password
// checks in fixed windows and the last success per subject, shared by
// every process on the database (migration 00006). They
// work below the domain (no hub.Tx, no read cache): a count must be read
// fresh by every replica, and a failure is recorded even when the request
// that caused it fails. Subjects are opaque strings built by internal/auth
// (digests, never raw usernames); times are stored as Unix milliseconds.

// LoginHistory reads, in one statement, what one password check needs:
// for each failures[i], the failures counted in its current window
// (counts[i]) and the window's start (starts[i]), a subject without a row
// or whose window started at or before since counting 0 with a zero
// start; and, unless success is "", when success last succeeded
// (RecordLoginSuccess) if that was after successSince, else zero.
func (db *DB) LoginHistory(ctx context.Context, failures []string, since time.Time, success string, successSince time.Time) (counts []int, starts []time.Time, lastSuccess time.Time, err error) {
	counts, starts = make([]int, len(failures)), make([]time.Time, len(failures))
	if len(failures) == 0 && success == "" {
		return counts, starts, time.Time{}, nil
	}
	// The first column tells a failure row (0) from the success row (1):
	// one round trip for both tables.
	var args []any
	var parts []string
	if len(failures) > 0 {
		args = appendStrings(append(args, since.UnixMilli()), failures)
		parts = append(parts, `SELECT 0, subject, failures, window_start FROM login_failures WHERE window_start > $1 AND subject IN (`+
			placeholders(2, len(failures))+`)`)
	}
	if success != "" {
		n := len(args)
		args = append(args, successSince.UnixMilli(), success)
		parts = append(parts, `SELECT 1, subject, 0, succeeded_at FROM login_successes WHERE succeeded_at > $`+strconv.Itoa(n+1)+
			` AND subject = $`+strconv.Itoa(n+2))
	}
	rows, err := db.read.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, nil, time.Time{}, classify(db.d, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, n int
		var subject string
		var at int64
		if err := rows.Scan(&kind, &subject, &n, &at); err != nil {
			return nil, nil, time.Time{}, classify(db.d, err)
		}
		if kind == 1 {
			lastSuccess = time.UnixMilli(at).UTC()
			continue
		}
		for i, s := range failures {
			if s == subject {
				counts[i], starts[i] = n, time.UnixMilli(at).UTC()
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, time.Time{}, classify(db.d, err)
	}
	return counts, starts, lastSuccess, nil
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

// RecordLoginSuccess remembers that subject succeeded at at; a later
// success already stored is kept (replicas may write out of order).
func (db *DB) RecordLoginSuccess(ctx context.Context, subject string, at time.Time) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO login_successes (subject, succeeded_at) VALUES ($1, $2)`+
		` ON CONFLICT (subject) DO UPDATE SET succeeded_at = excluded.succeeded_at WHERE login_successes.succeeded_at < excluded.succeeded_at`,
		subject, at.UnixMilli())
	return classify(db.d, err)
}

// PruneLoginFailures deletes every failure window that started at or
// before since and every success at or before successSince: those no
// longer count, so the tables hold only what still does.
func (db *DB) PruneLoginFailures(ctx context.Context, since, successSince time.Time) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE window_start <= $1`, since.UnixMilli()); err != nil {
		return classify(db.d, err)
	}
	_, err := db.write.ExecContext(ctx, `DELETE FROM login_successes WHERE succeeded_at <= $1`, successSince.UnixMilli())
	return classify(db.d, err)
}

// appendStrings appends ss to args as query arguments.
func appendStrings(args []any, ss []string) []any {
	for _, s := range ss {
		args = append(args, s)
	}
	return args
}
