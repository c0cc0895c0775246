/* report_summary: the parts of the report that the summary tables
 * (include/store_summary.h) answer exactly: totals other than distinct
 * messages, traffic per hour, the delay distributions. A report over a
 * month then reads a few thousand rows of counts instead of its events.
 * They serve a period whose bounds are whole hours (a date, or
 * "…T06:00:00") or open, and only while complete (their triggers exist);
 * report.c asks the events otherwise, with the same numbers. Reads only.
 * SPDX-License-Identifier: MIT */
#include "report.h"

#include <string.h>
#include <sqlite3.h>

#include "store_summary.h"

/* aligned - an open bound, a date, or a whole hour "YYYY-MM-DDTHH:00:00"
 * (report.c's bounds: UTC, without 'Z') */
static bool aligned(const char *b)
{
	size_t n = strlen(b);
	return n == 0 || n == 10 || (n == 19 && b[10] == 'T' && strcmp(b + 13, ":00:00") == 0);
}

bool report_summary_usable(struct sqlite3 *db, const char *since, const char *until)
{
	return aligned(since) && aligned(until) && store_summary_ready(db);
}

/* prep - sql with %s for the filter (sources and hours); binds the bounds
 * as hour prefixes: ts >= '…T06:00:00' is hour >= '…T06' */
static sqlite3_stmt *prep(sqlite3 *db, struct sl_error *err, const char *sql,
                          const char *src_in, const char *since, const char *until)
{
	char *f = sqlite3_mprintf("%s%s%s%s%s%s", src_in ? "source_id IN " : "1",
	                          src_in ? src_in : "", since[0] ? " AND hour >= @since" : "",
	                          until[0] ? " AND hour < @until" : "",
	                          since[0] || until[0] ? " AND hour <> ''" : "", "");
	char *q = f ? sqlite3_mprintf(sql, f) : NULL;
	sqlite3_free(f);
	if (!q)
		SL_BUG("out of memory in sqlite3_mprintf");
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db, q, -1, &s, NULL);
	sqlite3_free(q);
	if (rc != SQLITE_OK) {
		sl_error_set(err, SL_EDB, "cannot read the database (summary): %s", sqlite3_errmsg(db));
		return NULL;
	}
	int i;
	if ((i = sqlite3_bind_parameter_index(s, "@since")) > 0)
		sqlite3_bind_text(s, i, since, strlen(since) > 13 ? 13 : -1, SQLITE_TRANSIENT);
	if ((i = sqlite3_bind_parameter_index(s, "@until")) > 0)
		sqlite3_bind_text(s, i, until, strlen(until) > 13 ? 13 : -1, SQLITE_TRANSIENT);
	return s;
}

static int done(sqlite3 *db, struct sl_error *err, sqlite3_stmt *s, int rc)
{
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sl_error_set(err, SL_EDB, "cannot read the database (summary): %s",
		                    sqlite3_errmsg(db));
	return 0;
}

int report_summary_totals(struct sqlite3 *db, struct sl_error *err, const char *src_in,
                          const char *since, const char *until, struct rm_totals *t)
{
	/* the kinds as read_totals counts them: deliveries and forwards
	 * without the hand-offs to content filters */
	sqlite3_stmt *s = prep(db, err,
		"SELECT coalesce(sum(CASE WHEN kind IN ('delivered', 'forwarded') AND handoff = 0"
		"  THEN n END), 0),"
		" coalesce(sum(CASE WHEN kind = 'forwarded' AND handoff = 0 THEN n END), 0),"
		" coalesce(sum(CASE WHEN kind = 'deferred' THEN n END), 0),"
		" coalesce(sum(CASE WHEN kind = 'bounced' THEN n END), 0),"
		" coalesce(sum(CASE WHEN kind = 'expired' THEN n END), 0),"
		" coalesce(sum(CASE WHEN kind = 'rejected' AND reject_4xx THEN n END), 0),"
		" coalesce(sum(CASE WHEN kind = 'rejected' AND NOT reject_4xx THEN n END), 0),"
		" coalesce(sum(CASE WHEN kind = 'probe' THEN n END), 0),"
		" coalesce(sum(CASE WHEN kind = 'policy' THEN n END), 0)"
		" FROM summary_events WHERE %s", src_in, since, until);
	if (!s)
		return -1;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		int64_t *dst[] = { &t->delivered, &t->forwarded, &t->deferred, &t->bounced,
		                   &t->expired, &t->rejected_4xx, &t->rejected_5xx, &t->probes,
		                   &t->policy };
		for (size_t i = 0; i < SL_ARRAY_LEN(dst); i++)
			*dst[i] = sqlite3_column_int64(s, (int)i);
	}
	if (done(db, err, s, rc) < 0)
		return -1;
	s = prep(db, err,
		"SELECT coalesce(sum(received), 0), coalesce(sum(notifications), 0),"
		" coalesce(sum(bytes_received), 0) FROM summary_messages WHERE %s",
		src_in, since, until);
	if (!s)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		t->received = sqlite3_column_int64(s, 0);
		t->notifications = sqlite3_column_int64(s, 1);
		t->bytes_received = sqlite3_column_int64(s, 2);
	}
	return done(db, err, s, rc);
}

int report_summary_traffic(struct sqlite3 *db, struct sl_error *err, const char *src_in,
                           const char *since, const char *until,
                           void (*add)(void *ctx, const char *hour, int col, int64_t n),
                           void *ctx)
{
	/* columns: received, delivered, deferred, bounced, rejected; an hour
	 * is a row when it holds any event (or received message), as in the
	 * events' GROUP BY */
	sqlite3_stmt *s = prep(db, err,
		"SELECT hour, sum(CASE WHEN kind IN ('delivered', 'forwarded') AND handoff = 0"
		"  THEN n ELSE 0 END), sum(CASE WHEN kind = 'deferred' THEN n ELSE 0 END),"
		" sum(CASE WHEN kind IN ('bounced', 'expired') THEN n ELSE 0 END),"
		" sum(CASE WHEN kind = 'rejected' THEN n ELSE 0 END)"
		" FROM summary_events WHERE %s AND hour <> '' GROUP BY hour HAVING sum(n) > 0",
		src_in, since, until);
	if (!s)
		return -1;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		for (int i = 0; i < 4; i++)
			add(ctx, (const char *)sqlite3_column_text(s, 0), 1 + i,
			    sqlite3_column_int64(s, 1 + i));
	if (done(db, err, s, rc) < 0)
		return -1;
	s = prep(db, err,
		"SELECT hour, sum(received) FROM summary_messages WHERE %s AND hour <> ''"
		" GROUP BY hour HAVING sum(received) > 0", src_in, since, until);
	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		add(ctx, (const char *)sqlite3_column_text(s, 0), 0, sqlite3_column_int64(s, 1));
	return done(db, err, s, rc);
}

int report_summary_delays(struct sqlite3 *db, struct sl_error *err, const char *src_in,
                          const char *since, const char *until, bool deferred,
                          void (*add)(void *ctx, double delay, int64_t n), void *ctx)
{
	char *sql = sqlite3_mprintf("SELECT delay, sum(n) FROM summary_delays WHERE %%s AND %s"
	                            " GROUP BY delay HAVING sum(n) > 0 ORDER BY delay",
	                            deferred ? "kind = 'deferred'"
	                                     : "kind IN ('delivered', 'forwarded') AND handoff = 0");
	if (!sql)
		SL_BUG("out of memory in sqlite3_mprintf");
	sqlite3_stmt *s = prep(db, err, sql, src_in, since, until);
	sqlite3_free(sql);
	if (!s)
		return -1;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		add(ctx, sqlite3_column_double(s, 0), sqlite3_column_int64(s, 1));
	return done(db, err, s, rc);
}
