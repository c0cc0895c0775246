/* report: reads the database into the report model (include/report_model.h):
 * the first screen (totals against the previous period, largest problems,
 * anything abnormal), traffic, volume, domains and relays, top lists,
 * delays, failure and reject groups with their advice, forwarding, queue
 * and daemon health, lines not understood. Reads through bound parameters
 * only and writes nothing. Rendering is render_*.c's job.
 * SPDX-License-Identifier: MIT */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <sqlite3.h>

#include "reasons.h"
#include "shape.h"
#include "store.h"
#include "util_time.h"

#define REPORT_DEFAULT_TOP 5
#define REPORT_MAX_FILES 10       /* files named in the scope; the rest are counted */

/* ---- query context: one period and set of sources */

struct ctx {
	sqlite3 *db;
	struct sl_error *err;
	enum codes_lang lang;
	int top;
	char since[SL_TIME_ISO_MAX], until[SL_TIME_ISO_MAX];   /* "" when open */
	char *src_in;              /* "(1,2,3)" or NULL for all sources */
	char *ev_ranges;           /* "e.id BETWEEN a AND b OR ..." of those sources */
	char *ev_time, *msg_time;  /* the period on events e and messages m */
	char *ev_scan;             /* the period's events as row id ranges, read in
	                              order, or NULL when events(kind, ts) is better */
	bool sum;                  /* the summary tables answer this period */
	bool events_only;          /* never ask them (report_options.events_only) */
	size_t key_budget;         /* report_options.key_budget, 0 replaced */
};

#define L(key) report_label(key, c->lang)

static int db_fail(struct ctx *c, const char *what)
{
	return sl_error_set(c->err, SL_EDB, "cannot read the database (%s): %s", what,
	                    sqlite3_errmsg(c->db));
}

/* prep - SQL from fmt, whose %s arguments are compile-time fragments and the
 * integer IN list (never user text); binds @since, @until, @top where used */
static sqlite3_stmt *prep(struct ctx *c, const char *fmt, ...) SL_PRINTF(2, 3);
static sqlite3_stmt *prep(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (!sql)
		SL_BUG("out of memory in sqlite3_vmprintf");
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK) {
		db_fail(c, "prepare");
		sqlite3_free(sql);
		return NULL;
	}
	sqlite3_free(sql);
	int i;
	if ((i = sqlite3_bind_parameter_index(s, "@since")) > 0 && c->since[0])
		sqlite3_bind_text(s, i, c->since, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(s, "@until")) > 0 && c->until[0])
		sqlite3_bind_text(s, i, c->until, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(s, "@top")) > 0)
		sqlite3_bind_int(s, i, c->top);
	return s;
}

/* finish - finalize s; -1 if its last step failed */
static int finish(struct ctx *c, sqlite3_stmt *s, int rc)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_fail(c, "step");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
	const char *v = col_text(s, i);
	return v ? xstrdup(v) : NULL;
}

static char *mprintf(const char *fmt, ...) SL_PRINTF(1, 2);
static char *mprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (!s)
		SL_BUG("out of memory in sqlite3_vmprintf");
	return s;
}

/* time_condition - "col >= @since AND col < @until", the bounds given, or "1" */
static char *time_condition(const struct ctx *c, const char *col)
{
	return mprintf("%s%s%s%s%s%s", c->since[0] ? col : "", c->since[0] ? " >= @since" : "",
	               c->since[0] && c->until[0] ? " AND " : "", c->until[0] ? col : "",
	               c->until[0] ? " < @until" : "", c->since[0] || c->until[0] ? "" : "1");
}

/* id_ranges - "col BETWEEN lo AND hi" over the row ids (store keys) of
 * sources ids[0..n), ascending: one range, which SQLite reads in row id
 * order, narrowed to the sources themselves by an OR that no index serves
 * (an OR of ranges as the access path collects every row id in memory
 * first; a constant among them made SQLite scan the whole table). "0" when
 * there are none. */
static void id_ranges(struct sl_buf *b, const char *col, const int64_t *ids, size_t n)
{
	if (n == 0) {
		sl_buf_adds(b, "0");
		return;
	}
	int64_t lo = store_key(ids[0], 0);
	int64_t hi = ids[n - 1] < STORE_MAX_SOURCE ? store_key(ids[n - 1] + 1, 0) - 1 : INT64_MAX;
	sl_buf_addf(b, "%s BETWEEN %lld AND %lld", col, (long long)lo, (long long)hi);
	bool contiguous = true;
	for (size_t i = 1; i < n; i++)
		contiguous = contiguous && ids[i] == ids[i - 1] + 1;
	if (contiguous)
		return;
	sl_buf_adds(b, " AND (");
	for (size_t i = 0; i < n; i++) {
		int64_t a = store_key(ids[i], 0);
		int64_t z = ids[i] < STORE_MAX_SOURCE ? store_key(ids[i] + 1, 0) - 1 : INT64_MAX;
		sl_buf_addf(b, "%s+%s BETWEEN %lld AND %lld", i ? " OR " : "", col, (long long)a,
		            (long long)z);
	}
	sl_buf_addc(b, ')');
}

/* time_filters - c->ev_time and c->msg_time. Only the bounds given are
 * spelled out, so events(kind, ts) serves a period as a range. messages has
 * no index on first_ts: a period also limits it to the row ids of the
 * sources whose lines overlap it (a message's id is its first line's
 * place), so a nightly report reads one day's messages, not every day's. */
static int time_filters(struct ctx *c)
{
	c->ev_time = time_condition(c, "e.ts");
	char *msg = time_condition(c, "m.first_ts");
	if (!c->since[0] && !c->until[0]) {
		c->msg_time = msg;
		return 0;
	}
	enum { MAX_RANGES = 64 };   /* beyond that, a scan is as good */
	/* each source's lines, and the share of its time span inside the period */
	sqlite3_stmt *s = prep(c,
		"SELECT id, coalesce(lines, 0), CASE WHEN first_ts IS NULL OR last_ts IS NULL"
		"  OR julianday(last_ts) <= julianday(first_ts) THEN 1.0"
		"  ELSE max(0.0, min(1.0, (julianday(CASE WHEN @until IS NOT NULL AND @until < last_ts"
		"  THEN @until ELSE last_ts END) - julianday(CASE WHEN @since IS NOT NULL AND"
		"  @since > first_ts THEN @since ELSE first_ts END))"
		"  / (julianday(last_ts) - julianday(first_ts)))) END"
		" FROM sources WHERE (@until IS NULL OR first_ts IS NULL OR first_ts < @until)"
		" AND (@since IS NULL OR last_ts IS NULL OR last_ts >= @since) ORDER BY id LIMIT %d",
		MAX_RANGES + 1);
	if (!s) {
		sqlite3_free(msg);
		return -1;
	}
	int64_t ids[MAX_RANGES];
	size_t n = 0;
	int rc;
	double inside = 0;
	bool limited = true;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		if (n == MAX_RANGES || id < 0 || id > STORE_MAX_SOURCE) {
			limited = false;
			break;
		}
		ids[n++] = id;
		inside += (double)sqlite3_column_int64(s, 1) * sqlite3_column_double(s, 2);
	}
	if (finish(c, s, rc == SQLITE_ROW ? SQLITE_DONE : rc) < 0) {
		sqlite3_free(msg);
		return -1;
	}
	if (!limited) {
		c->msg_time = msg;
		return 0;
	}
	struct sl_buf b;
	sl_buf_init(&b);
	sl_buf_addf(&b, "%s AND ", msg);
	id_ranges(&b, "m.id", ids, n);
	c->msg_time = mprintf("%s", b.data);
	sqlite3_free(msg);
	/* Most of the rows of the sources in those ids' range inside the period
	 * (a file a day, as logrotate leaves them): a pass over the period's
	 * delivery events reads them in order and leaves out the rest, at less
	 * cost than a lookup of each row from events(kind, ts) (a one-day pass
	 * over a week of files: 40% less CPU). The "+" keeps SQLite off the time
	 * indexes. */
	int64_t all = 0;
	if (n > 0) {
		s = prep(c, "SELECT coalesce(sum(lines), 0) FROM sources WHERE id BETWEEN %lld AND %lld",
		         (long long)ids[0], (long long)ids[n - 1]);
		if (!s) {
			sl_buf_release(&b);
			return -1;
		}
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			all = sqlite3_column_int64(s, 0);
		if (finish(c, s, rc == SQLITE_ROW ? SQLITE_DONE : rc) < 0) {
			sl_buf_release(&b);
			return -1;
		}
	}
	if (n > 0 && 2 * inside >= (double)all) {
		char *t = time_condition(c, "+e.ts");
		sl_buf_reset(&b);
		id_ranges(&b, "e.id", ids, n);
		c->ev_scan = mprintf("%s AND %s", b.data, t);
		sqlite3_free(t);
	}
	sl_buf_release(&b);
	return 0;
}

/* src_filter - "column IN (...)", or "1" for all sources */
static char *src_filter(const struct ctx *c, const char *column)
{
	return c->src_in ? mprintf("%s IN %s", column, c->src_in) : mprintf("1");
}

/* ev_filter - src_filter of events e, with the row id ranges of those
 * sources (an event's id is its store_key: the source in its top bits), so
 * a run's report reads that run's rows, not every day's of the database */
static char *ev_filter(const struct ctx *c)
{
	return c->src_in ? mprintf("e.source_id IN %s AND (%s)", c->src_in, c->ev_ranges)
	                 : mprintf("1");
}

static void ctx_release(struct ctx *c)
{
	sqlite3_free(c->src_in);
	sqlite3_free(c->ev_ranges);
	sqlite3_free(c->ev_time);
	sqlite3_free(c->msg_time);
	sqlite3_free(c->ev_scan);
	c->src_in = c->ev_ranges = c->ev_time = c->msg_time = c->ev_scan = NULL;
}

/* ---- small helpers for tables */

int report_table_rows(sqlite3_stmt *s, struct rm_table *t)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct rm_cell *row = rm_row_add(t);
		for (size_t i = 0; i < t->ncols; i++) {
			if (sqlite3_column_type(s, (int)i) == SQLITE_NULL)
				continue;
			if (t->cols[i].type == RM_STR)
				rm_cell_str(&row[i], col_text(s, (int)i));
			else
				rm_cell_num(&row[i], sqlite3_column_double(s, (int)i));
		}
	}
	return rc;
}

/* table_from - every row of s into t (report_table_rows), then finish */
static int table_from(struct ctx *c, sqlite3_stmt *s, struct rm_table *t)
{
	if (!s)
		return -1;
	return finish(c, s, report_table_rows(s, t));
}

/* count_of - a one-number query */
static int count_of(struct ctx *c, sqlite3_stmt *s, int64_t *out)
{
	if (!s)
		return -1;
	int rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	return finish(c, s, rc);
}

/* label_kind - an event kind as the report names it */
static const char *label_kind(struct ctx *c, const char *kind)
{
	char key[48];
	snprintf(key, sizeof key, "kind.%s", kind);
	const char *l = report_label_opt(key, c->lang);
	return l ? l : kind;
}

/* ---- scope and totals */

static int read_scope(struct ctx *c, struct rm_model *m, char **first_ts, char **last_ts)
{
	char *f = src_filter(c, "s.id");
	int ret = -1;
	struct sl_buf b;
	sl_buf_init(&b);
	sqlite3_stmt *s = prep(c, "SELECT path, lines FROM sources s WHERE %s ORDER BY id LIMIT %d",
	                       f, REPORT_MAX_FILES);
	if (!s)
		goto out;
	int rc, n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sl_buf_addf(&b, "%s%s (", n++ ? ", " : "", col_text(s, 0) ? col_text(s, 0) : "");
		sl_buf_addf(&b, L("file_lines"), (long long)sqlite3_column_int64(s, 1));
		sl_buf_addc(&b, ')');
	}
	if (finish(c, s, rc) < 0)
		goto out;
	s = prep(c,
	         "SELECT count(*), min(first_ts), max(last_ts), coalesce(sum(lines), 0),"
	         " coalesce(sum(recognized), 0), coalesce(sum(unrecognized), 0),"
	         " coalesce(sum(foreign_lines), 0), coalesce(sum(truncated), 0)"
	         " FROM sources s WHERE %s", f);
	rc = s ? sqlite3_step(s) : SQLITE_ERROR;
	if (rc == SQLITE_ROW) {
		int64_t nfiles = sqlite3_column_int64(s, 0);
		if (nfiles > n) {
			sl_buf_adds(&b, ", ");
			sl_buf_addf(&b, L("more_files"), (long long)(nfiles - n));
		}
		*first_ts = col_dup(s, 1);
		*last_ts = col_dup(s, 2);
		m->t.lines = sqlite3_column_int64(s, 3);
		m->t.recognized = sqlite3_column_int64(s, 4);
		m->t.unrecognized = sqlite3_column_int64(s, 5);
		m->t.foreign = sqlite3_column_int64(s, 6);
		m->t.truncated = sqlite3_column_int64(s, 7);
	}
	if (!s || finish(c, s, rc) < 0)
		goto out;
	m->files = xstrdup(b.len ? b.data : "-");
	ret = 0;
out:
	sl_buf_release(&b);
	sqlite3_free(f);
	return ret;
}

/* The condition of a rejection answered with 4xx (or transient without a code). */
#define REJECT_4XX "(e.smtp_code / 100 = 4 OR (e.smtp_code IS NULL AND e.class = 'transient'))"

/* read_totals - counts of events and messages in c's period and sources */
static int read_totals(struct ctx *c, struct rm_totals *t)
{
	/* Each total is a subquery on one kind, which the index on (kind, ts)
	 * answers without the rows: it also holds the row id, and so the source
	 * (STORE_SOURCE_SQL). Hand-offs are subtracted through their small
	 * partial index. One scan of every event cost 0.18 s on 1M lines. */
	static const struct {
		const char *value, *kinds, *minus;   /* minus: subtract the hand-offs */
	} totals[] = {
		{ "count(*)", "IN ('delivered', 'forwarded')", "yes" },
		{ "count(*)", "= 'forwarded'", "yes" },
		{ "count(*)", "= 'deferred'", NULL },
		{ "count(DISTINCT e.message_id)", "= 'deferred'", NULL },
		{ "count(*)", "= 'bounced'", NULL },
		{ "count(DISTINCT e.message_id)", "= 'bounced'", NULL },
		{ "count(*)", "= 'expired'", NULL },
		{ "coalesce(sum(" REJECT_4XX "), 0)", "= 'rejected'", NULL },
		{ "coalesce(sum(NOT coalesce(" REJECT_4XX ", 0)), 0)", "= 'rejected'", NULL },
		{ "count(*)", "= 'probe'", NULL },
		{ "count(*)", "= 'policy'", NULL },
	};
	int64_t *dst[] = { &t->delivered, &t->forwarded, &t->deferred, &t->deferred_msgs,
	                   &t->bounced, &t->bounced_msgs, &t->expired, &t->rejected_4xx,
	                   &t->rejected_5xx, &t->probes, &t->policy };
	_Static_assert(SL_ARRAY_LEN(dst) == SL_ARRAY_LEN(totals), "one total each");
	/* The summaries hold every count but those of distinct messages. */
	if (c->sum && report_summary_totals(c->db, c->err, c->src_in, c->since, c->until, t) < 0)
		return -1;
	char *f = src_filter(c, STORE_SOURCE_SQL("e.id"));
	char *ts_unindexed = time_condition(c, "+e.ts");
	struct sl_buf sql;
	sl_buf_init(&sql);
	sl_buf_adds(&sql, "SELECT ");
	size_t ncols = 0;
	int64_t *cols[SL_ARRAY_LEN(totals)];
	for (size_t i = 0; i < SL_ARRAY_LEN(totals); i++) {
		if (c->sum && strncmp(totals[i].value, "count(DISTINCT", 14) != 0)
			continue;
		sl_buf_addf(&sql, "%s(SELECT %s FROM events e WHERE %s AND %s AND e.kind %s)",
		            ncols ? ", " : "", totals[i].value, f, c->ev_time, totals[i].kinds);
		cols[ncols++] = dst[i];
		if (totals[i].minus)
			sl_buf_addf(&sql, " - (SELECT count(*) FROM events e WHERE %s AND %s"
			            " AND e.handoff <> 0 AND +e.kind %s)", f, ts_unindexed, totals[i].kinds);
	}
	sqlite3_stmt *s = prep(c, "%s", sql.data);
	sl_buf_release(&sql);
	sqlite3_free(ts_unindexed);
	sqlite3_free(f);
	int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
	if (rc == SQLITE_ROW)
		for (size_t i = 0; i < ncols; i++)
			*cols[i] = sqlite3_column_int64(s, (int)i);
	if (!s || finish(c, s, rc) < 0)
		return -1;
	if (c->sum)
		return 0;

	f = src_filter(c, "m.source_id");
	s = prep(c,
	         "SELECT coalesce(sum(arrived = 1 AND origin_id IS NULL), 0),"
	         " coalesce(sum(origin = 'notification'), 0),"
	         " coalesce(sum(CASE WHEN arrived = 1 AND origin_id IS NULL THEN size END), 0)"
	         " FROM messages m WHERE %s AND %s", f, c->msg_time);
	sqlite3_free(f);
	rc = s ? sqlite3_step(s) : SQLITE_ERROR;
	if (rc == SQLITE_ROW) {
		t->received = sqlite3_column_int64(s, 0);
		t->notifications = sqlite3_column_int64(s, 1);
		t->bytes_received = sqlite3_column_int64(s, 2);
	}
	return s ? finish(c, s, rc) : -1;
}

/* The deliveries of the period: rows of v_deliveries, joined with their message's size. */
#define DELIVERED "e.kind IN ('delivered', 'forwarded') AND e.handoff = 0"

/* ---- sections. Each builder fills its section; the table below gives
 * their order on the page, their detail level and their titles. */

struct build {
	struct ctx *c;             /* the report's period */
	struct rm_model *m;
	struct rm_section *groups[3];   /* transient, permanent, rejected: for the problems */
	struct report_keys keys;   /* the per-key sections' numbers, when keys_counted */
	bool keys_counted;
	struct report_keys_job *job;   /* counting them on a thread (start_keys, or the
	                                  caller's report_keys_start) */
	bool own_job;              /* start_keys's: freed by end_keys */
	struct report_group_counts rejected;   /* the rejections' client and sender lists,
	                                          when counted with their groups */
};

static void add_total(struct build *bd, struct rm_table *t, const char *key, int64_t now,
                      int64_t before, const char *note)
{
	struct ctx *c = bd->c;
	struct rm_cell *row = rm_row_add(t);
	rm_cell_str(&row[0], key);
	rm_cell_str(&row[1], L(key));
	rm_cell_num(&row[2], (double)now);
	if (bd->m->has_prev) {
		rm_cell_num(&row[3], (double)before);
		if (before > 0)
			rm_cell_num(&row[4], ((double)now - (double)before) / (double)before);
	}
	rm_cell_str(&row[5], note);
}

static int sec_totals(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	const struct rm_totals *x = &bd->m->t, *p = &bd->m->prev;
	struct rm_table *t = rm_table_add(s, "totals", NULL);
	rm_col_add(t, "id", L("col.id"), RM_STR);
	rm_col_add(t, "what", L("col.what"), RM_STR);
	rm_col_add(t, "count", L("col.count"), RM_INT);
	rm_col_add(t, "previous", L("col.previous"), RM_INT);
	rm_col_add(t, "change", L("col.change"), RM_CHANGE);
	rm_col_add(t, "note", L("col.note"), RM_STR);
	char note[160];
	add_total(bd, t, "received", x->received, p->received, NULL);
	add_total(bd, t, "delivered", x->delivered, p->delivered, NULL);
	add_total(bd, t, "forwarded", x->forwarded, p->forwarded, NULL);
	snprintf(note, sizeof note, L("note.messages"), (long long)x->deferred_msgs);
	add_total(bd, t, "deferred", x->deferred, p->deferred, note);
	snprintf(note, sizeof note, L("note.messages"), (long long)x->bounced_msgs);
	add_total(bd, t, "bounced", x->bounced, p->bounced, note);
	add_total(bd, t, "expired", x->expired, p->expired, NULL);
	snprintf(note, sizeof note, "4xx %lld, 5xx %lld", (long long)x->rejected_4xx,
	         (long long)x->rejected_5xx);
	add_total(bd, t, "rejected", x->rejected_4xx + x->rejected_5xx,
	          p->rejected_4xx + p->rejected_5xx, note);
	if (x->probes || p->probes)
		add_total(bd, t, "probes", x->probes, p->probes, NULL);
	if (x->policy || p->policy)
		add_total(bd, t, "policy", x->policy, p->policy, NULL);
	add_total(bd, t, "notifications", x->notifications, p->notifications, NULL);
	/* line counts cover whole files: no previous period */
	struct rm_cell *row = rm_row_add(t);
	rm_cell_str(&row[0], "lines");
	rm_cell_str(&row[1], L("lines"));
	rm_cell_num(&row[2], (double)x->lines);
	if (x->foreign) {
		snprintf(note, sizeof note, L("note.foreign"), (long long)x->foreign);
		rm_cell_str(&row[5], note);
	}
	if (bd->c->since[0] || bd->c->until[0])
		s->note = xstrdup(L("note.whole_files"));
	return 0;
}

/* first_sentence - up to the first ". " (or the end), at most n bytes, into out */
static void first_sentence(const char *s, char *out, size_t n)
{
	size_t i = 0;
	for (; s[i] && i + 1 < n; i++) {
		out[i] = s[i];
		if ((s[i] == '.' && (s[i + 1] == ' ' || !s[i + 1])) ||
		    (!strncmp(s + i, "\xe3\x80\x82", 3) && i + 3 < n)) {   /* 。 */
			if (s[i] != '.') {
				memcpy(out + i, s + i, 3);
				i += 2;
			}
			i++;
			break;
		}
	}
	out[i] = '\0';
}

/* diagnosis_line - one line saying what a group is about */
static void diagnosis_line(const struct rm_group *g, char *out, size_t n)
{
	char first[400];
	const struct rm_advice *a = &g->advice;
	if (a->admin) {
		/* a rejection by this server: what its administrator can do */
		first_sentence(a->admin, first, sizeof first);
		snprintf(out, n, "%s%s%s", a->reason_title ? a->reason_title : "",
		         a->reason_title ? ": " : "", first);
	} else if (a->reason_title && a->diagnosis) {
		first_sentence(a->diagnosis, first, sizeof first);
		snprintf(out, n, "%s: %s", a->reason_title, first);
	} else if (a->meaning_enhanced || a->meaning_reply) {
		snprintf(out, n, "%s", a->meaning_enhanced ? a->meaning_enhanced : a->meaning_reply);
	} else {
		snprintf(out, n, "%s", g->sample ? g->sample : "");
	}
}

/* sec_problems - the largest failure and reject groups, one line each */
static int sec_problems(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	struct rm_table *t = rm_table_add(s, "problems", NULL);
	rm_col_add(t, "events", L("col.events"), RM_INT);
	rm_col_add(t, "kind", L("col.kind"), RM_STR);
	rm_col_add(t, "group", L("col.group"), RM_STR);
	rm_col_add(t, "diagnosis", L("col.diagnosis"), RM_STR);
	t->cols[3].cut = true;
	enum { NPROBLEMS = 5 };
	const struct rm_group *best[NPROBLEMS];
	const char *kinds[NPROBLEMS];
	size_t nbest = 0;
	static const char *const kind_of[3] = { "deferred", "bounced", "rejected" };
	for (;;) {
		const struct rm_group *pick = NULL;
		const char *pick_kind = NULL;
		for (int k = 0; k < 3; k++) {
			const struct rm_section *gs = bd->groups[k];
			for (size_t i = 0; gs && i < gs->ngroups; i++) {
				const struct rm_group *g = &gs->groups[i];
				bool taken = false;
				for (size_t j = 0; j < nbest; j++)
					taken = taken || best[j] == g;
				if (!taken && (!pick || g->count > pick->count)) {
					pick = g;
					pick_kind = kind_of[k];
				}
			}
		}
		if (!pick || nbest == NPROBLEMS)
			break;
		best[nbest] = pick;
		kinds[nbest++] = pick_kind;
	}
	for (size_t i = 0; i < nbest; i++) {
		char diag[512];
		struct rm_cell *row = rm_row_add(t);
		rm_cell_num(&row[0], (double)best[i]->count);
		rm_cell_str(&row[1], best[i]->kind ? best[i]->kind : label_kind(c, kinds[i]));
		rm_cell_str(&row[2], best[i]->title);
		diagnosis_line(best[i], diag, sizeof diag);
		rm_cell_str(&row[3], diag);
	}
	if (nbest == 0)
		s->note = xstrdup(L("note.no_problems"));
	return 0;
}

/* sec_abnormal - what needs a look even on a good day */
static int sec_abnormal(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	const struct rm_totals *x = &bd->m->t;
	struct rm_table *t = rm_table_add(s, "abnormal", NULL);
	rm_col_add(t, "id", L("col.id"), RM_STR);
	rm_col_add(t, "count", L("col.count"), RM_INT);
	rm_col_add(t, "what", L("col.what"), RM_STR);
	t->noheader = true;
	const struct {
		const char *id;
		int64_t n;
	} checks[] = {
		{ "panic", x->panic },   { "fatal", x->fatal },       { "errors", x->errors },
		{ "queued", x->queued }, { "unrecognized", x->unrecognized },
		{ "truncated", x->truncated },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(checks); i++) {
		if (checks[i].n <= 0)
			continue;
		char key[48];
		snprintf(key, sizeof key, "abnormal.%s", checks[i].id);
		struct rm_cell *row = rm_row_add(t);
		rm_cell_str(&row[0], checks[i].id);
		rm_cell_num(&row[1], (double)checks[i].n);
		rm_cell_str(&row[2], L(key));
	}
	if (t->nrows == 0)
		s->note = xstrdup(L("note.nothing_abnormal"));
	return 0;
}

/* ---- traffic */

struct slot {                 /* one hour ("YYYY-MM-DDTHH") */
	char key[16];
	int64_t n[5];             /* received, delivered, deferred, bounced, rejected */
};

static struct slot *slot_get(struct slot **v, size_t *n, const char *key)
{
	for (size_t i = *n; i-- > 0;)    /* rows come in key order: the last is likely */
		if (strcmp((*v)[i].key, key) == 0)
			return &(*v)[i];
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	struct slot *sl = &(*v)[(*n)++];
	memset(sl, 0, sizeof *sl);
	snprintf(sl->key, sizeof sl->key, "%s", key);
	return sl;
}

struct slots {
	struct slot *v;
	size_t n;
};

static void slot_add(void *ctx, const char *hour, int col, int64_t n)
{
	struct slots *sl = ctx;
	slot_get(&sl->v, &sl->n, hour)->n[col] += n;
}

static int slot_cmp(const void *a, const void *b)
{
	return strcmp(((const struct slot *)a)->key, ((const struct slot *)b)->key);
}

static void traffic_cols(struct ctx *c, struct rm_table *t, const char *first_key,
                         const char *first_label)
{
	rm_col_add(t, first_key, first_label, RM_STR);
	rm_col_add(t, "received", L("col.received"), RM_INT);
	rm_col_add(t, "delivered", L("col.delivered"), RM_INT);
	rm_col_add(t, "deferred", L("col.deferred"), RM_INT);
	rm_col_add(t, "bounced", L("col.bounced"), RM_INT);
	rm_col_add(t, "rejected", L("col.rejected"), RM_INT);
	t->chart = RM_CHART_BARS;
}

static void traffic_row(struct rm_table *t, const char *key, const int64_t n[5])
{
	struct rm_cell *row = rm_row_add(t);
	rm_cell_str(&row[0], key);
	for (int i = 0; i < 5; i++)
		rm_cell_num(&row[1 + i], (double)n[i]);
}

/* sec_traffic - per hour (per hour of day, and per day, when the period
 * spans days), UTC */
static int sec_traffic(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	struct slot *v = NULL;
	size_t n = 0;
	int ret = -1;
	char *fe = ev_filter(c), *fm = src_filter(c, "m.source_id");
	int rc;
	if (c->sum) {
		struct slots sl = { 0 };
		rc = report_summary_traffic(c->db, c->err, c->src_in, c->since, c->until, slot_add,
		                            &sl);
		v = sl.v;
		n = sl.n;
		if (rc < 0)
			goto out;
		goto slots;
	}
	sqlite3_stmt *q = prep(c,
		"SELECT substr(e.ts, 1, 13) AS k, sum(" DELIVERED "), sum(e.kind = 'deferred'),"
		" sum(e.kind IN ('bounced', 'expired')), sum(e.kind = 'rejected')"
		" FROM events e WHERE %s AND %s AND e.ts IS NOT NULL AND e.ts <> '' GROUP BY k", fe,
		c->ev_time);
	if (!q)
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct slot *sl = slot_get(&v, &n, col_text(q, 0));
		for (int i = 0; i < 4; i++)
			sl->n[1 + i] += sqlite3_column_int64(q, 1 + i);
	}
	if (finish(c, q, rc) < 0)
		goto out;
	q = prep(c,
		"SELECT substr(m.first_ts, 1, 13) AS k, count(*) FROM messages m"
		" WHERE %s AND %s AND m.arrived = 1 AND m.origin_id IS NULL AND m.first_ts <> ''"
		" GROUP BY k", fm, c->msg_time);
	if (!q)
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		slot_get(&v, &n, col_text(q, 0))->n[0] += sqlite3_column_int64(q, 1);
	if (finish(c, q, rc) < 0)
		goto out;
slots:
	if (n)
		qsort(v, n, sizeof *v, slot_cmp);
	size_t days = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strncmp(v[i].key, v[i - 1].key, 10) != 0)
			days++;
	if (n == 0) {
		s->note = xstrdup(L("note.no_traffic"));
	} else if (days <= 1 || (n <= 24 && days == 2)) {
		struct rm_table *t = rm_table_add(s, "hourly", L("table.hourly"));
		traffic_cols(c, t, "hour", L("col.hour"));
		for (size_t i = 0; i < n; i++) {
			char key[24];
			/* "06:00", or "11-23 06:00" when the day changes within */
			if (days <= 1)
				snprintf(key, sizeof key, "%.2s:00", v[i].key + 11);
			else
				snprintf(key, sizeof key, "%.5s %.2s:00", v[i].key + 5, v[i].key + 11);
			traffic_row(t, key, v[i].n);
		}
	} else {
		struct rm_table *d = rm_table_add(s, "daily", L("table.daily"));
		traffic_cols(c, d, "day", L("col.day"));
		int64_t acc[5] = { 0 }, hours[24][5];
		memset(hours, 0, sizeof hours);
		for (size_t i = 0; i < n; i++) {
			int h = atoi(v[i].key + 11);
			for (int k = 0; k < 5; k++) {
				acc[k] += v[i].n[k];
				if (h >= 0 && h < 24)
					hours[h][k] += v[i].n[k];
			}
			if (i + 1 == n || strncmp(v[i].key, v[i + 1].key, 10) != 0) {
				char key[16];
				snprintf(key, sizeof key, "%.10s", v[i].key);
				traffic_row(d, key, acc);
				memset(acc, 0, sizeof acc);
			}
		}
		struct rm_table *t = rm_table_add(s, "hour_of_day", L("table.hour_of_day"));
		traffic_cols(c, t, "hour", L("col.hour"));
		t->detail = 6;
		for (int h = 0; h < 24; h++) {
			char key[8];
			snprintf(key, sizeof key, "%02d:00", h);
			traffic_row(t, key, hours[h]);
		}
	}
	ret = 0;
out:
	free(v);
	sqlite3_free(fe);
	sqlite3_free(fm);
	return ret;
}

/* ---- volume, domains, relays, top lists */

/* The sending host as the lists show it, and the relay of a delivery */
#define SENDING_HOST "CASE WHEN m.client_ip IS NULL THEN m.client_host" \
                     " ELSE coalesce(m.client_host, '') || '[' || m.client_ip || ']' END"
#define RELAY_KEY "coalesce(e.remote_host, e.relay)"
#define DELIVERY_KINDS "e.kind IN ('delivered', 'forwarded', 'deferred', 'bounced', 'expired')"

/* scan_kind - the events' kind column for a pass over nearly every row: with
 * a period, "e.kind" (events(kind, ts) reads the period's range); without,
 * "+e.kind", so SQLite reads the table (or the sources' row id ranges) in
 * order instead of looking up each row from the index (a third faster) */
static const char *scan_kind(const struct ctx *c)
{
	return c->since[0] || c->until[0] ? "e.kind" : "+e.kind";
}

/* key_statements - the three passes of report_keys_count, on c's connection */
static int key_statements(struct ctx *c, sqlite3_stmt *st[3])
{
	char *fe = ev_filter(c), *fm = src_filter(c, "m.source_id");
	st[0] = prep(c,
		"SELECT m.sender, m.sender_domain, " SENDING_HOST ", m.size FROM messages m"
		" WHERE %s AND %s AND m.arrived = 1 AND m.origin_id IS NULL", fm, c->msg_time);
	/* its sums are integers, so the order it reads the rows in changes
	 * nothing: the period's rows in row id order where that is cheaper */
	st[1] = st[0] ? prep(c,
		"SELECT e.kind, e.recipient, e.recipient_domain, " RELAY_KEY ", m.size, e.delay"
		" FROM events e LEFT JOIN messages m ON m.id = e.message_id"
		" WHERE %s AND %s AND %s IN ('delivered', 'forwarded', 'deferred', 'bounced', 'expired')"
		" AND e.handoff = 0", fe, c->ev_scan ? c->ev_scan : c->ev_time,
		c->ev_scan ? "+e.kind" : scan_kind(c)) : NULL;
	st[2] = st[1] ? prep(c,
		"SELECT e.recipient_domain, " RELAY_KEY ", e.delay FROM events e"
		" WHERE %s AND %s AND %s IN ('delivered', 'forwarded') AND e.handoff = 0"
		" AND e.delay IS NOT NULL", fe, c->ev_time, scan_kind(c)) : NULL;
	sqlite3_free(fe);
	sqlite3_free(fm);
	if (st[2])
		return 0;
	sqlite3_finalize(st[0]);
	sqlite3_finalize(st[1]);
	st[0] = st[1] = NULL;
	return -1;
}

/* The key passes on a thread and a connection of their own, while the
 * report's other sections are read (start_keys), or from before them:
 * while analyze builds the report's indexes (report_keys_start) */
struct report_keys_job {
	struct ctx c;              /* the report's, on the job's connection */
	struct sl_error err;
	sqlite3_stmt *st[3];
	struct report_keys keys;
	int ret;
	bool joined;
	pthread_t thread;
};

static void *keys_thread(void *arg)
{
	struct report_keys_job *j = arg;
	int rc = report_keys_count(j->st[0], j->st[1], j->st[2], j->c.top, j->c.key_budget,
	                           &j->keys);
	j->ret = rc ? db_fail(&j->c, "step") : 0;
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(j->st[i]);
	return NULL;
}

/* keys_job_start - c's key passes on a new read connection to the file at
 * path, on a thread; NULL if anything fails (they are then counted in turn).
 * The job's read transaction starts here: the caller makes sure that it
 * sees the rows the report's other sections will. */
static struct report_keys_job *keys_job_start(const struct ctx *c, const char *path)
{
	struct report_keys_job *j = xcalloc(1, sizeof *j);
	j->c = *c;
	j->c.err = &j->err;
	j->c.db = NULL;
	/* a small page cache: its passes read each page once, in order (the
	 * messages' upper pages for the join are what it keeps) */
	if ((j->c.db = store_open_read_connection(path, &j->err)) != NULL &&
	    sqlite3_exec(j->c.db, "PRAGMA cache_size = -1024; BEGIN", NULL, NULL, NULL) ==
	        SQLITE_OK &&
	    key_statements(&j->c, j->st) == 0) {
		/* the thread needs none of the period's SQL texts (c's to free) */
		j->c.src_in = j->c.ev_ranges = j->c.ev_time = j->c.msg_time = j->c.ev_scan = NULL;
		/* the first step takes the read lock now */
		if (sqlite3_exec(j->c.db, "SELECT count(*) FROM sources", NULL, NULL, NULL) ==
		        SQLITE_OK &&
		    pthread_create(&j->thread, NULL, keys_thread, j) == 0)
			return j;
		for (int i = 0; i < 3; i++)
			sqlite3_finalize(j->st[i]);
	}
	store_close_reader(j->c.db);
	free(j);
	return NULL;
}

/* keys_job_join - wait for the job's thread (once); its result */
static int keys_job_join(struct report_keys_job *j)
{
	if (!j->joined) {
		pthread_join(j->thread, NULL);
		j->joined = true;
	}
	return j->ret;
}

/* report_keys_job_free - see report.h */
void report_keys_job_free(struct report_keys_job *j)
{
	if (!j)
		return;
	keys_job_join(j);
	report_keys_free(&j->keys);
	store_close_reader(j->c.db);
	free(j);
}

/* start_keys - count the keys beside the other sections when a second
 * connection sees the rows this one does: the caller says so (analyze's
 * own reader, the rows written), or the file is not in WAL mode, where no
 * write can commit while this connection's read transaction holds it.
 * Otherwise, or if anything fails here, count_keys counts them in turn.
 * (This connection holds its read transaction already: the job's, which
 * starts now, reads the same rows.) */
static void start_keys(struct build *bd, bool parallel)
{
	struct ctx *c = bd->c;
	const char *path = sqlite3_db_filename(c->db, "main");
	if (!path || !*path)
		return;
	if (!parallel) {
		sqlite3_stmt *s = NULL;
		bool wal = true;
		if (sqlite3_prepare_v2(c->db, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			wal = strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
		sqlite3_finalize(s);
		if (wal)
			return;
	}
	if ((bd->job = keys_job_start(c, path)) != NULL) {
		bd->own_job = true;
		bd->keys_counted = true;
	}
}

/* end_keys - wait for the job's thread and take its lists; -1 (with the
 * report's error) if its passes failed */
static int end_keys(struct build *bd)
{
	struct report_keys_job *j = bd->job;
	if (!j)
		return 0;
	bd->job = NULL;
	int ret = keys_job_join(j);
	if (ret < 0)
		sl_error_set(bd->c->err, j->err.code, "%s", j->err.msg);
	report_keys_free(&bd->keys);
	bd->keys = j->keys;   /* moved: the job keeps none */
	memset(&j->keys, 0, sizeof j->keys);
	if (bd->own_job)
		report_keys_job_free(j);
	return ret;
}

/* count_keys - bd->keys, counted on the first call (or by start_keys's
 * thread): one pass over the period's received mail, one over its
 * delivery events, one over their delays (report_keys.c) */
static int count_keys(struct build *bd)
{
	struct ctx *c = bd->c;
	if (bd->job)
		return end_keys(bd);
	if (bd->keys_counted)
		return 0;
	bd->keys_counted = true;
	sqlite3_stmt *st[3];
	if (key_statements(c, st) < 0)
		return -1;
	int rc = report_keys_count(st[0], st[1], st[2], c->top, c->key_budget, &bd->keys);
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(st[i]);
	return rc ? db_fail(c, "step") : 0;
}

static int sec_volume(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	struct rm_table *t = rm_table_add(s, "volume", NULL);
	rm_col_add(t, "bytes_received", L("col.bytes_received"), RM_BYTES);
	rm_col_add(t, "bytes_delivered", L("col.bytes_delivered"), RM_BYTES);
	rm_col_add(t, "senders", L("col.senders"), RM_INT);
	rm_col_add(t, "sender_domains", L("col.sender_domains"), RM_INT);
	rm_col_add(t, "recipients", L("col.recipients"), RM_INT);
	rm_col_add(t, "recipient_domains", L("col.recipient_domains"), RM_INT);
	t->vertical = true;
	if (count_keys(bd) < 0)
		return -1;
	const struct report_keys *k = &bd->keys;
	if (k->messages_ok && k->events_ok) {
		struct rm_cell *row = rm_row_add(t);
		const int64_t v[] = { k->bytes_received, k->bytes_delivered, k->senders,
		                      k->sender_domains, k->recipients, k->recipient_domains };
		for (size_t i = 0; i < SL_ARRAY_LEN(v); i++)
			rm_cell_num(&row[i], (double)v[i]);
		bd->m->t.bytes_delivered = k->bytes_delivered;
		return 0;
	}
	char *fe = ev_filter(c), *fm = src_filter(c, "m.source_id");
	sqlite3_stmt *q = prep(c,
		"SELECT (SELECT coalesce(sum(m.size), 0) FROM messages m WHERE %s AND %s"
		"        AND m.arrived = 1 AND m.origin_id IS NULL),"
		" (SELECT coalesce(sum(m.size), 0) FROM events e JOIN messages m ON m.id = e.message_id"
		"        WHERE %s AND %s AND " DELIVERED "),"
		" (SELECT count(DISTINCT m.sender) FROM messages m WHERE %s AND %s"
		"        AND m.arrived = 1 AND m.origin_id IS NULL),"
		" (SELECT count(DISTINCT m.sender_domain) FROM messages m WHERE %s AND %s"
		"        AND m.arrived = 1 AND m.origin_id IS NULL),"
		" (SELECT count(DISTINCT e.recipient) FROM events e WHERE %s AND %s AND " DELIVERED "),"
		" (SELECT count(DISTINCT e.recipient_domain) FROM events e WHERE %s AND %s AND "
		DELIVERED ")",
		fm, c->msg_time, fe, c->ev_time, fm, c->msg_time, fm, c->msg_time, fe, c->ev_time, fe,
		c->ev_time);
	int ret = table_from(c, q, t);
	if (ret == 0 && t->nrows == 1)
		bd->m->t.bytes_delivered = (int64_t)rm_cell(t, 0, 1)->v;
	sqlite3_free(fe);
	sqlite3_free(fm);
	return ret;
}

/* key_delays - the average, 95th percentile and maximum delay of the
 * deliveries of each listed key (by expr), into columns 5..7 of t's rows:
 * the SQL list's window over the keys shown only, so the same numbers */
static int key_delays(struct ctx *c, struct rm_table *t, const char *expr)
{
	if (t->nrows == 0)
		return 0;
	struct sl_buf in;
	sl_buf_init(&in);
	for (size_t i = 0; i < t->nrows; i++)
		sl_buf_adds(&in, i ? ", ?" : "?");
	char *fe = ev_filter(c);
	sqlite3_stmt *q = prep(c,
		"WITH x AS (SELECT %s AS k, e.delay, cume_dist() OVER (PARTITION BY %s ORDER BY e.delay)"
		"  AS cd FROM events e WHERE %s AND %s AND " DELIVERED " AND e.delay IS NOT NULL"
		"  AND %s IN (%s))"
		" SELECT k, avg(delay), min(CASE WHEN cd >= 0.95 THEN delay END), max(delay)"
		" FROM x GROUP BY k",
		expr, expr, fe, c->ev_time, expr, in.data);
	sqlite3_free(fe);
	sl_buf_release(&in);
	if (!q)
		return -1;
	for (int i = 1, k = 0; i <= sqlite3_bind_parameter_count(q); i++)
		if (!sqlite3_bind_parameter_name(q, i))
			sqlite3_bind_text(q, i, rm_cell(t, (size_t)k++, 0)->s, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *k = col_text(q, 0);
		for (size_t r = 0; k && r < t->nrows; r++)
			if (strcmp(rm_cell(t, r, 0)->s, k) == 0)
				for (int i = 1; i < 4; i++)
					if (sqlite3_column_type(q, i) != SQLITE_NULL)
						rm_cell_num(rm_cell(t, r, (size_t)(4 + i)),
						            sqlite3_column_double(q, i));
	}
	return finish(c, q, rc);
}

/* delivery_table - per key (recipient domain, relay host): delivered, bytes,
 * deferred, bounced, and the average, 95th percentile and maximum delay of
 * the deliveries; the keys with the most events first */
static int delivery_table(struct build *bd, struct rm_section *s, const char *tkey,
                          const char *title, const char *col_key, const char *col_label,
                          const char *expr, enum report_key_lists list)
{
	struct ctx *c = bd->c;
	struct rm_table *t = rm_table_add(s, tkey, title);
	rm_col_add(t, col_key, col_label, RM_STR);
	rm_col_add(t, "delivered", L("col.delivered"), RM_INT);
	rm_col_add(t, "bytes", L("col.bytes"), RM_BYTES);
	rm_col_add(t, "deferred", L("col.deferred"), RM_INT);
	rm_col_add(t, "bounced", L("col.bounced"), RM_INT);
	rm_col_add(t, "delay_avg", L("col.delay_avg"), RM_SECS);
	rm_col_add(t, "delay_p95", L("col.delay_p95"), RM_SECS);
	rm_col_add(t, "delay_max", L("col.delay_max"), RM_SECS);
	if (count_keys(bd) < 0)
		return -1;
	if (bd->keys.events_ok) {
		const struct report_key_list *l = &bd->keys.list[list];
		bool delays = true;
		for (size_t i = 0; i < l->nrows; i++) {
			struct rm_cell *row = rm_row_add(t);
			const struct report_key_row *r = &l->rows[i];
			rm_cell_str(&row[0], r->key);
			rm_cell_num(&row[1], (double)r->v[1]);
			rm_cell_num(&row[2], (double)r->v[4]);
			rm_cell_num(&row[3], (double)r->v[2]);
			rm_cell_num(&row[4], (double)r->v[3]);
			const double d[3] = { r->delay_avg, r->delay_p95, r->delay_max };
			for (int j = 0; j < 3; j++)
				if (!isnan(d[j]))
					rm_cell_num(&row[5 + j], d[j]);
			delays = delays && r->has_delays;
		}
		if (l->keys > (int64_t)t->nrows)
			t->omitted = l->keys - (int64_t)t->nrows;
		return delays ? 0 : key_delays(c, t, expr);
	}
	char *fe = ev_filter(c);
	/* cume_dist over the deliveries with a delay of each key: the 95th
	 * percentile is the smallest delay at or above 0.95 */
	sqlite3_stmt *q = prep(c,
		"WITH x AS (SELECT %s AS k, e.kind, e.handoff, e.delay, m.size,"
		"  CASE WHEN " DELIVERED " AND e.delay IS NOT NULL THEN cume_dist() OVER"
		"   (PARTITION BY %s, (" DELIVERED " AND e.delay IS NOT NULL) ORDER BY e.delay) END AS cd"
		"  FROM events e LEFT JOIN messages m ON m.id = e.message_id WHERE %s AND %s"
		"  AND " DELIVERY_KINDS " AND e.handoff = 0 AND %s IS NOT NULL),"
		" g AS (SELECT k, sum(kind IN ('delivered', 'forwarded')) AS d,"
		"  sum(kind = 'deferred') AS df, sum(kind IN ('bounced', 'expired')) AS b,"
		"  avg(CASE WHEN kind IN ('delivered', 'forwarded') THEN delay END) AS av,"
		"  min(CASE WHEN cd >= 0.95 THEN delay END) AS p95,"
		"  max(CASE WHEN kind IN ('delivered', 'forwarded') THEN delay END) AS mx, count(*) AS n,"
		"  sum(CASE WHEN kind IN ('delivered', 'forwarded') THEN size END) AS bytes"
		"  FROM x GROUP BY k)"
		" SELECT k, d, bytes, df, b, av, p95, mx, count(*) OVER ()"
		" FROM g ORDER BY n DESC, k LIMIT @top",
		expr, expr, fe, c->ev_time, expr);
	sqlite3_free(fe);
	if (!q)
		return -1;
	int rc;
	int64_t total = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct rm_cell *row = rm_row_add(t);
		rm_cell_str(&row[0], col_text(q, 0));
		for (int i = 1; i < 8; i++)
			if (sqlite3_column_type(q, i) != SQLITE_NULL)
				rm_cell_num(&row[i], sqlite3_column_double(q, i));
			else if (i < 5)
				rm_cell_num(&row[i], 0);
		total = sqlite3_column_int64(q, 8);
	}
	if (total > (int64_t)t->nrows)
		t->omitted = total - (int64_t)t->nrows;
	return finish(c, q, rc);
}

static int sec_domains(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	return delivery_table(bd, s, "domains", NULL, "domain", L("col.domain"),
	                      "e.recipient_domain", RK_DOMAINS);
}

static int sec_relays(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	return delivery_table(bd, s, "relays", NULL, "relay", L("col.relay"), RELAY_KEY,
	                      RK_RELAYS);
}

/* top_table - key, count, bytes of the top keys by count (or by size):
 * from the counted list when there is one, else from SQL */
static int top_table(struct build *bd, struct rm_section *s, const char *tkey, const char *title,
                     const char *key_col, const char *key_label, const char *from_where,
                     const char *key_expr, const char *size_expr, bool by_size, int detail,
                     const struct report_key_list *list)
{
	struct ctx *c = bd->c;
	struct rm_table *t = rm_table_add(s, tkey, title);
	t->detail = detail;
	rm_col_add(t, key_col, key_label, RM_STR);
	rm_col_add(t, "count", L("col.messages"), RM_INT);
	rm_col_add(t, "bytes", L("col.bytes"), RM_BYTES);
	if (list) {
		for (size_t i = 0; i < list->nrows; i++) {
			struct rm_cell *row = rm_row_add(t);
			const struct report_key_row *r = &list->rows[i];
			rm_cell_str(&row[0], *r->key ? r->key : "<>");
			rm_cell_num(&row[1], (double)r->v[0]);
			if (r->set & 2)
				rm_cell_num(&row[2], (double)r->v[1]);
		}
		if (list->keys > (int64_t)t->nrows)
			t->omitted = list->keys - (int64_t)t->nrows;
		return 0;
	}
	sqlite3_stmt *q = prep(c,
		"SELECT %s AS k, count(*) AS n, sum(%s) AS b, count(*) OVER () FROM %s"
		" AND (%s) IS NOT NULL GROUP BY k ORDER BY %s DESC, k LIMIT @top",
		key_expr, size_expr, from_where, key_expr, by_size ? "b" : "n");
	if (!q)
		return -1;
	int rc;
	int64_t total = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct rm_cell *row = rm_row_add(t);
		const char *k = col_text(q, 0);
		rm_cell_str(&row[0], k && !*k ? "<>" : k);
		rm_cell_num(&row[1], sqlite3_column_double(q, 1));
		if (sqlite3_column_type(q, 2) != SQLITE_NULL)
			rm_cell_num(&row[2], sqlite3_column_double(q, 2));
		total = sqlite3_column_int64(q, 3);
	}
	if (total > (int64_t)t->nrows)
		t->omitted = total - (int64_t)t->nrows;
	return finish(c, q, rc);
}

/* list_of - the counted list, or NULL when SQL must answer */
static const struct report_key_list *list_of(struct build *bd, enum report_key_lists i)
{
	bool ok = i < RK_RECIPIENTS ? bd->keys.messages_ok : bd->keys.events_ok;
	return ok ? &bd->keys.list[i] : NULL;
}

static int sec_senders(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	if (count_keys(bd) < 0)
		return -1;
	char *fm = src_filter(c, "m.source_id");
	char *from = mprintf("messages m WHERE %s AND %s AND m.arrived = 1 AND m.origin_id IS NULL",
	                     fm, c->msg_time);
	int ret = top_table(bd, s, "senders", L("table.senders"), "sender", L("col.sender"), from,
	                    "m.sender", "m.size", false, 0, list_of(bd, RK_SENDERS)) < 0 ||
	          top_table(bd, s, "senders_by_size", L("table.senders_by_size"), "sender",
	                    L("col.sender"), from, "m.sender", "m.size", true, 7,
	                    list_of(bd, RK_SENDERS_BY_SIZE)) < 0 ||
	          top_table(bd, s, "sending_domains", L("table.sending_domains"), "domain",
	                    L("col.domain"), from, "m.sender_domain", "m.size", false, 6,
	                    list_of(bd, RK_SENDING_DOMAINS)) < 0 ||
	          top_table(bd, s, "sending_hosts", L("table.sending_hosts"), "host", L("col.host"),
	                    from, SENDING_HOST, "m.size", false, 6,
	                    list_of(bd, RK_SENDING_HOSTS)) < 0 ? -1 : 0;
	sqlite3_free(from);
	sqlite3_free(fm);
	return ret;
}

static int sec_recipients(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	if (count_keys(bd) < 0)
		return -1;
	char *fe = ev_filter(c);
	char *from = mprintf("events e LEFT JOIN messages m ON m.id = e.message_id WHERE %s AND %s"
	                     " AND " DELIVERED, fe, c->ev_time);
	int ret = top_table(bd, s, "recipients", L("table.recipients"), "recipient",
	                    L("col.recipient"), from, "e.recipient", "m.size", false, 0,
	                    list_of(bd, RK_RECIPIENTS)) < 0 ||
	          top_table(bd, s, "recipients_by_size", L("table.recipients_by_size"), "recipient",
	                    L("col.recipient"), from, "e.recipient", "m.size", true, 7,
	                    list_of(bd, RK_RECIPIENTS_BY_SIZE)) < 0 ? -1 : 0;
	sqlite3_free(from);
	sqlite3_free(fe);
	return ret;
}

/* ---- delays */

/* The delays in ascending order as runs of one value: as many runs as
 * distinct values (a few thousand), however many deliveries a period holds */
struct delays {
	double *v;
	int64_t *k;                /* how many of v[i] */
	size_t n, cap;
	int64_t total;
};

/* delays_add - k more of delay d (in ascending order) */
static void delays_add(void *ctx, double d, int64_t k)
{
	struct delays *ds = ctx;
	if (k <= 0)
		return;
	ds->total += k;
	if (ds->n && ds->v[ds->n - 1] == d) {
		ds->k[ds->n - 1] += k;
		return;
	}
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 256;
		ds->v = xrealloc(ds->v, ds->cap * sizeof *ds->v);
		ds->k = xrealloc(ds->k, ds->cap * sizeof *ds->k);
	}
	ds->v[ds->n] = d;
	ds->k[ds->n++] = k;
}

/* delay_at - the delay of rank r (1-based, ascending) */
static double delay_at(const struct delays *ds, int64_t r)
{
	int64_t seen = 0;
	for (size_t i = 0; i < ds->n; i++)
		if ((seen += ds->k[i]) >= r)
			return ds->v[i];
	return ds->n ? ds->v[ds->n - 1] : 0;
}

/* percentiles - of the delays of the events where cond (deliveries, or
 * deferrals when deferred), in seconds. The summary of delays holds each
 * value with its count: the same ascending list, so the same figures. */
static int delay_row(struct build *bd, struct rm_table *t, const char *id, const char *cond,
                     bool deferred, bool histogram)
{
	struct ctx *c = bd->c;
	struct delays ds = { 0 };
	int ret;
	if (c->sum) {
		ret = report_summary_delays(c->db, c->err, c->src_in, c->since, c->until, deferred,
		                            delays_add, &ds);
	} else {
		char *fe = ev_filter(c);
		sqlite3_stmt *q = prep(c,
			"SELECT e.delay FROM events e WHERE %s AND %s AND %s AND e.delay IS NOT NULL"
			" ORDER BY e.delay", fe, c->ev_time, cond);
		sqlite3_free(fe);
		if (!q)
			return -1;
		int rc;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			delays_add(&ds, sqlite3_column_double(q, 0), 1);
		ret = finish(c, q, rc);
	}
	int64_t n = ds.total;
	if (ret == 0) {
		struct rm_cell *row = rm_row_add(t);
		rm_cell_str(&row[0], id);
		rm_cell_str(&row[1], L(id));
		rm_cell_num(&row[2], (double)n);
		static const double ps[] = { 0.5, 0.9, 0.95, 0.99 };
		for (size_t i = 0; n && i < SL_ARRAY_LEN(ps); i++) {
			/* nearest rank: the smallest value with at least p of them at or below */
			int64_t r = (int64_t)ceil(ps[i] * (double)n);
			rm_cell_num(&row[3 + i], delay_at(&ds, r ? r : 1));
		}
		if (n)
			rm_cell_num(&row[7], ds.v[ds.n - 1]);
		if (histogram) {
			struct rm_model *m = bd->m;
			size_t i = 0;
			int64_t below = 0;
			for (int b = 0; b < RM_DELAY_BUCKETS; b++) {
				while (i < ds.n && ds.v[i] <= rm_delay_bounds[b])
					below += ds.k[i++];
				m->delay_buckets[b] = below;
			}
			/* one value at a time, in ascending order: the sum a list of
			 * every delay gives, to the last bit */
			for (size_t j = 0; j < ds.n; j++)
				for (int64_t k = 0; k < ds.k[j]; k++)
					m->delay_sum += ds.v[j];
			m->delay_count = n;
		}
	}
	free(ds.v);
	free(ds.k);
	return ret;
}

static int sec_delays(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	struct rm_table *t = rm_table_add(s, "delays", NULL);
	rm_col_add(t, "id", L("col.id"), RM_STR);
	rm_col_add(t, "what", L("col.what"), RM_STR);
	rm_col_add(t, "count", L("col.count"), RM_INT);
	rm_col_add(t, "p50", "50%", RM_SECS);
	rm_col_add(t, "p90", "90%", RM_SECS);
	rm_col_add(t, "p95", "95%", RM_SECS);
	rm_col_add(t, "p99", "99%", RM_SECS);
	rm_col_add(t, "max", L("col.max"), RM_SECS);
	return delay_row(bd, t, "delay.delivered", DELIVERED, false, true) < 0 ||
	       delay_row(bd, t, "delay.deferred", "e.kind = 'deferred'", true, false) < 0 ? -1 : 0;
}

/* ---- failure and reject groups */

/* Sections of failure groups, and what selects their events. Failures are
 * the kinds that delay or end a delivery (deliveries succeed by definition,
 * rejections have their own section, probes deliver nothing); naming the
 * kinds lets the events(kind, ts) index serve. */
struct group_def {
	const char *from;          /* the events, as e */
	const char *where;         /* SQL condition on events e */
	const char *distinct;      /* what "distinct" counts */
	const char *host_key;      /* the host column of the top list */
	bool rejected;
};

/* Rejections with the client that was refused: the event's, or where the
 * line names none (Sendmail's "<addr>... User unknown", logged before the
 * transaction's from= line that names the relay) its message's client. */
#define REJECTED_EVENTS \
	"(SELECT e.*, CASE WHEN e.remote_ip IS NULL AND e.remote_host IS NULL" \
	"  THEN m.client_ip ELSE e.remote_ip END AS client_ip," \
	"  CASE WHEN e.remote_ip IS NULL AND e.remote_host IS NULL" \
	"  THEN m.client_host ELSE e.remote_host END AS client_host," \
	"  coalesce(e.helo, m.helo) AS client_helo" \
	"  FROM events e LEFT JOIN messages m ON m.id = e.message_id) e"

static const struct group_def group_defs[3] = {
	{ .from = "events e", .where = "e.kind IN ('deferred', 'bounced', 'expired', 'policy')"
	           " AND e.class = 'transient'",
	  .distinct = "e.message_id", .host_key = "coalesce(e.remote_host, e.remote_ip)" },
	{ .from = "events e", .where = "e.kind IN ('deferred', 'bounced', 'expired', 'policy')"
	           " AND e.class = 'permanent'",
	  .distinct = "e.message_id", .host_key = "coalesce(e.remote_host, e.remote_ip)" },
	{ .from = REJECTED_EVENTS, .where = "e.kind = 'rejected'",
	  .distinct = "coalesce(e.client_ip, e.client_host)",
	  .host_key = "CASE WHEN e.client_ip IS NULL THEN e.client_host"
	              " WHEN e.client_host IS NULL THEN '[' || e.client_ip || ']'"
	              " ELSE e.client_host || '[' || e.client_ip || ']' END",
	  .rejected = true },
};

/* Events without a code are grouped by their status text too (issue: "Sender
 * verify failed" and "Access denied" are different problems); the text's
 * shape (shape_text) hides addresses, hosts, IP addresses and numbers. */
#define GROUP_SHAPE "CASE WHEN e.smtp_code IS NULL AND e.enhanced_code IS NULL" \
                    " THEN smtplog_reply_shape(e.reply) END"
#define GROUP_KEY "e.smtp_code, e.enhanced_code, e.reason, " GROUP_SHAPE

static void sql_reply_shape(sqlite3_context *cx, int argc, sqlite3_value **argv);

/* report_register_functions - see report.h */
int report_register_functions(struct sqlite3 *db)
{
	return sqlite3_create_function_v2(db, "smtplog_reply_shape", 1,
	                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_reply_shape,
	                                  NULL, NULL, NULL);
}

static void sql_reply_shape(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	if (!s) {
		sqlite3_result_null(cx);
		return;
	}
	struct sl_buf b;
	sl_buf_init(&b);
	shape_text(s, strlen(s), REPORT_SHAPE_MAX, &b);
	sqlite3_result_text(cx, b.data, (int)b.len, SQLITE_TRANSIENT);
	sl_buf_release(&b);
}

/* same_key - NULL-aware equality of a group's key and a result row's */
static bool same_key(const struct rm_group *g, sqlite3_stmt *s)
{
	const char *enh = col_text(s, 1), *reason = col_text(s, 2), *status = col_text(s, 3);
	return g->code == sqlite3_column_int(s, 0) &&
	       (g->enhanced ? enh && strcmp(g->enhanced, enh) == 0 : !enh) &&
	       (g->reason ? reason && strcmp(g->reason, reason) == 0 : !reason) &&
	       (g->status ? status && strcmp(g->status, status) == 0 : !status);
}

static void top_add(struct rm_top **v, size_t *n, const char *key, int64_t count)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[*n].key = xstrdup(key ? key : "");
	(*v)[*n].n = count;
	(*n)++;
}

/* read_group_tops - the top domains (which = 0) or hosts (1) of every group
 * of a section in one scan: a window ranks the keys within each group */
static int read_group_tops(struct ctx *c, struct rm_section *sec, const struct group_def *d,
                           int which, const char *f)
{
	const char *key = which ? d->host_key : "e.recipient_domain";
	sqlite3_stmt *s = prep(c,
		"SELECT smtp_code, enhanced_code, reason, shape, k, n FROM ("
		" SELECT e.smtp_code, e.enhanced_code, e.reason, " GROUP_SHAPE " AS shape,"
		"  %s AS k, count(*) AS n,"
		"  row_number() OVER (PARTITION BY " GROUP_KEY " ORDER BY count(*) DESC, %s) AS rank"
		" FROM %s WHERE %s AND %s AND %s AND (%s) IS NOT NULL"
		" GROUP BY " GROUP_KEY ", k)"
		" WHERE rank <= @top ORDER BY smtp_code, enhanced_code, reason, shape, rank",
		key, key, d->from, f, c->ev_time, d->where, key);
	if (!s)
		return -1;
	struct rm_group *g = NULL;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!g || !same_key(g, s)) {
			g = NULL;
			for (size_t i = 0; i < sec->ngroups && !g; i++)
				if (same_key(&sec->groups[i], s))
					g = &sec->groups[i];
			if (!g)
				continue;   /* cannot happen: same filter as the groups */
		}
		if (which)
			top_add(&g->hosts, &g->nhosts, col_text(s, 4), sqlite3_column_int64(s, 5));
		else
			top_add(&g->domains, &g->ndomains, col_text(s, 4), sqlite3_column_int64(s, 5));
	}
	return finish(c, s, rc);
}

/* advice_for - the texts for a group: the reason's, else the code's */
static void advice_for(struct ctx *c, struct rm_group *g, bool rejected)
{
	struct rm_advice *a = &g->advice;
	struct codes_info reply, enh;
	struct reason_info reason;
	bool has_reply = g->code && codes_reply(g->code, c->lang, &reply);
	bool has_enh = g->enhanced && codes_enhanced(g->enhanced, c->lang, &enh);
	bool has_reason = g->reason && reasons_text(g->reason, c->lang, &reason);
	memset(a, 0, sizeof *a);
	a->meaning_reply = has_reply ? reply.title : NULL;
	a->meaning_enhanced = has_enh ? enh.title : NULL;
	if (has_reason) {
		a->reason_title = reason.title;
		a->diagnosis = reason.diagnosis;
		a->remedy = reason.remedy;
	}
	if (rejected) {
		/* This server refused: the advice is for its administrator (what
		 * rejected it, whether it is a false positive, how to allow it),
		 * not for the remote sender the reason texts address. */
		char key[64];
		snprintf(key, sizeof key, "admin.%s", g->reason ? g->reason : "");
		a->admin = report_label_opt(key, c->lang);
		if (!a->admin)
			a->admin = L(g->code / 100 == 4 ? "admin.generic-4xx" : "admin.generic-5xx");
		a->remedy = NULL;
		return;
	}
	/* The enhanced code is the more specific when the table knows it;
	 * otherwise the reply code's entry. A recognized reason's remedy is
	 * specific to what the server said; the code's general texts would only
	 * repeat or blur it. */
	const struct codes_info *pick = NULL;
	if (has_enh && enh.known)
		pick = &enh;
	else if (has_reply && reply.known)
		pick = &reply;
	else if (has_enh)
		pick = &enh;
	else if (has_reply)
		pick = &reply;
	if (pick && !has_reason) {
		a->fix_sender = pick->fix_sender;
		a->fix_admin = pick->fix_admin;
	}
}

/* group_title - "451 4.7.1 greylisting", "(no code) \"Sender verify failed\"" */
static char *group_title(struct ctx *c, const struct rm_group *g)
{
	struct sl_buf t;
	sl_buf_init(&t);
	if (g->code)
		sl_buf_addf(&t, "%d", g->code);
	if (g->enhanced)
		sl_buf_addf(&t, "%s%s", t.len ? " " : "", g->enhanced);
	if (!g->code && !g->enhanced)
		sl_buf_addf(&t, "(%s)", L("no_code"));
	if (g->reason)
		sl_buf_addf(&t, " %s", g->reason);
	if (g->status)
		sl_buf_addf(&t, " \"%s\"", g->status);
	return sl_buf_detach(&t);
}

/* count_groups - a section's groups counted in one pass over its events
 * (report_groups.c) into sec, the rejections' lists into bd->rejected: 1;
 * 0 when its budget cannot hold them (read_groups asks SQL); -1 */
static int count_groups(struct build *bd, struct rm_section *sec, const struct group_def *d,
                        const char *f)
{
	struct ctx *c = bd->c;
	sqlite3_stmt *s = prep(c,
		"SELECT e.smtp_code, e.enhanced_code, e.reason, e.reply, e.kind, e.id, %s,"
		" e.recipient_domain, %s%s FROM %s WHERE %s AND %s AND %s",
		d->distinct, d->host_key,
		d->rejected ? ", e.client_helo, CASE WHEN e.sender = '' THEN '<>' ELSE e.sender END"
		            : "", d->from, f, c->ev_time, d->where);
	if (!s)
		return -1;
	/* half the key budget (8 MiB by default: a 1M-line Exim log's 16k
	 * rejections need 5), as the key passes may hold theirs meanwhile */
	struct report_group_counts gc;
	int rc = report_groups_count(s, d->rejected, c->top, c->key_budget / 2, &gc);
	if (finish(c, s, rc ? rc : SQLITE_DONE) < 0)
		return -1;
	if (!gc.ok)
		return 0;
	sec->groups = gc.ngroups ? gc.groups : NULL;   /* as SQL's: none without a group */
	sec->ngroups = gc.ngroups;
	if (!gc.ngroups)
		free(gc.groups);
	for (size_t i = 0; i < gc.ngroups; i++) {
		struct rm_group *g = &sec->groups[i];
		if (gc.kinds[i]) {   /* a label (static), never the column's text */
			char key[48];
			snprintf(key, sizeof key, "kind.%s", gc.kinds[i]);
			g->kind = report_label_opt(key, c->lang);
		}
		g->title = group_title(c, g);
		advice_for(c, g, d->rejected);
		free(gc.kinds[i]);
	}
	free(gc.kinds);
	gc.kinds = NULL;
	gc.groups = NULL;
	gc.ngroups = 0;
	if (d->rejected) {
		report_group_counts_free(&bd->rejected);
		bd->rejected = gc;
	} else {
		report_group_counts_free(&gc);
	}
	return 1;
}

/* read_groups - one section's groups: count desc, then the key */
static int read_groups(struct build *bd, struct rm_section *sec, const struct group_def *d)
{
	struct ctx *c = bd->c;
	char *f = ev_filter(c);
	int ret = -1;
	size_t cap = 0;
	int counted = count_groups(bd, sec, d, f);
	if (counted != 0) {
		sqlite3_free(f);
		return counted < 0 ? -1 : 0;
	}
	/* The bare reply: with several min() and max(), SQLite takes a bare
	 * column from the row where the last of them, max(e.kind), changed:
	 * the first row of the group's greatest kind in the scan's order
	 * (report_groups.c does the same), not always one with a reply. */
	sqlite3_stmt *s = prep(c,
		"SELECT e.smtp_code, e.enhanced_code, e.reason, " GROUP_SHAPE " AS shape,"
		" count(*) AS n, count(DISTINCT %s), min((e.reply IS NULL) * 4611686018427387904 + e.id),"
		" e.reply, CASE WHEN min(e.kind) = max(e.kind) THEN min(e.kind) END"
		" FROM %s WHERE %s AND %s AND %s"
		" GROUP BY " GROUP_KEY " ORDER BY n DESC, e.smtp_code, e.enhanced_code, e.reason, shape",
		d->distinct, d->from, f, c->ev_time, d->where);
	if (!s)
		goto out;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sec->ngroups == cap) {
			cap = cap ? cap * 2 : 8;
			sec->groups = xrealloc(sec->groups, cap * sizeof *sec->groups);
		}
		struct rm_group *g = &sec->groups[sec->ngroups++];
		memset(g, 0, sizeof *g);
		g->code = sqlite3_column_int(s, 0);
		g->enhanced = col_dup(s, 1);
		g->reason = col_dup(s, 2);
		g->status = col_dup(s, 3);
		g->count = sqlite3_column_int64(s, 4);
		g->distinct = sqlite3_column_int64(s, 5);
		g->sample = col_dup(s, 7);
		g->kind = NULL;
		if (col_text(s, 8)) {   /* a label (static), never the column's text */
			char key[48];
			snprintf(key, sizeof key, "kind.%s", col_text(s, 8));
			g->kind = report_label_opt(key, c->lang);
		}
		g->title = group_title(c, g);
		advice_for(c, g, d->rejected);
	}
	if (finish(c, s, rc) < 0)
		goto out;
	if (sec->ngroups > 0 &&
	    (read_group_tops(c, sec, d, 0, f) < 0 || read_group_tops(c, sec, d, 1, f) < 0))
		goto out;
	ret = 0;
out:
	sqlite3_free(f);
	return ret;
}

/* group_section - the groups of failure section k (0 transient, 1
 * permanent, 2 rejected), remembered for the largest problems */
static int group_section(struct build *bd, struct rm_section *s, int k)
{
	struct ctx *c = bd->c;
	bool rej = group_defs[k].rejected;
	s->distinct_key = rej ? "clients" : "messages";
	s->hosts_key = rej ? "clients_top" : "hosts";
	s->hosts_label = L(rej ? "clients" : "hosts");
	s->counts_label = L(rej ? "events_clients" : "events_messages");
	bd->groups[k] = s;
	return read_groups(bd, s, &group_defs[k]);
}

static int sec_transient(struct build *bd, struct rm_section *s)
{
	return group_section(bd, s, 0);
}

static int sec_permanent(struct build *bd, struct rm_section *s)
{
	return group_section(bd, s, 1);
}

static int sec_rejected(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	if (group_section(bd, s, 2) < 0)
		return -1;
	char *fe = ev_filter(c);
	struct rm_table *t = rm_table_add(s, "clients", L("table.reject_clients"));
	rm_col_add(t, "client", L("col.client"), RM_STR);
	rm_col_add(t, "helo", L("col.helo"), RM_STR);
	rm_col_add(t, "count", L("col.rejects"), RM_INT);
	const struct report_group_counts *rc = &bd->rejected;
	if (rc->ok) {   /* counted with the groups */
		for (size_t i = 0; i < rc->nclients; i++) {
			struct rm_cell *row = rm_row_add(t);
			rm_cell_str(&row[0], rc->clients[i].key);
			if (rc->clients[i].helo)
				rm_cell_str(&row[1], rc->clients[i].helo);
			rm_cell_num(&row[2], (double)rc->clients[i].n);
		}
		t = rm_table_add(s, "senders", L("table.reject_senders"));
		rm_col_add(t, "sender", L("col.sender"), RM_STR);
		rm_col_add(t, "count", L("col.rejects"), RM_INT);
		for (size_t i = 0; i < rc->nsenders; i++) {
			struct rm_cell *row = rm_row_add(t);
			rm_cell_str(&row[0], rc->senders[i].key);
			rm_cell_num(&row[1], (double)rc->senders[i].n);
		}
		t->detail = 6;
		report_group_counts_free(&bd->rejected);
		sqlite3_free(fe);
		return 0;
	}
	int ret = table_from(c, prep(c,
		"SELECT %s AS k, max(e.client_helo), count(*) AS n FROM %s WHERE %s AND %s"
		" AND e.kind = 'rejected' AND k IS NOT NULL GROUP BY k ORDER BY n DESC, k LIMIT @top",
		group_defs[2].host_key, group_defs[2].from, fe, c->ev_time), t);
	if (ret == 0) {
		t = rm_table_add(s, "senders", L("table.reject_senders"));
		rm_col_add(t, "sender", L("col.sender"), RM_STR);
		rm_col_add(t, "count", L("col.rejects"), RM_INT);
		ret = table_from(c, prep(c,
			"SELECT CASE WHEN e.sender = '' THEN '<>' ELSE e.sender END AS k, count(*) AS n"
			" FROM events e WHERE %s AND %s AND e.kind = 'rejected' AND e.sender IS NOT NULL"
			" GROUP BY k ORDER BY n DESC, k LIMIT @top", fe, c->ev_time), t);
		t->detail = 6;
	}
	sqlite3_free(fe);
	return ret;
}

/* ---- forwarding */

/* one forwarding code, spelled so that the partial index events_forwarding
 * (smtp_code IN (251, 551)) serves it: SQLite does not see that
 * "smtp_code = 251" implies the index's condition, and scanned every event */
#define FWD_CODE(code) "e.smtp_code IN (251, 551) AND e.smtp_code = " #code

static int sec_forwarding(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	char *f = ev_filter(c), *fm = src_filter(c, "m.source_id");
	int ret = -1;
	struct rm_table *t = rm_table_add(s, "summary", NULL);
	rm_col_add(t, "accepted_251", L("col.fwd_251"), RM_INT);
	rm_col_add(t, "probes_251", L("col.fwd_251_probes"), RM_INT);
	rm_col_add(t, "user_not_local_551", L("col.fwd_551"), RM_INT);
	rm_col_add(t, "local", L("col.fwd_local"), RM_INT);
	rm_col_add(t, "copies", L("col.fwd_copies"), RM_INT);
	t->vertical = true;
	if (table_from(c, prep(c,
		"SELECT (SELECT count(*) FROM events e WHERE %s AND %s AND " FWD_CODE(251) "),"
		" (SELECT count(*) FROM events e WHERE %s AND %s AND " FWD_CODE(251)
		"  AND e.kind = 'probe'),"
		" (SELECT count(*) FROM events e WHERE %s AND %s AND " FWD_CODE(551) "),"
		" (SELECT count(*) FROM events e WHERE %s AND %s AND e.kind = 'forwarded'"
		"  AND e.handoff = 0 AND coalesce(e.smtp_code, 0) <> 251),"
		" (SELECT count(*) FROM messages m WHERE %s AND %s AND m.origin = 'forward')",
		f, c->ev_time, f, c->ev_time, f, c->ev_time, f, c->ev_time, fm, c->msg_time), t) < 0)
		goto out;
	if (t->nrows == 1 && rm_cell(t, 0, 1)->v > 0) {
		char note[256];
		snprintf(note, sizeof note, L("note.probes_251"), (long long)rm_cell(t, 0, 1)->v,
		         (long long)rm_cell(t, 0, 0)->v);
		s->note = xstrdup(note);
	}
	t = rm_table_add(s, "addresses", L("table.forward_addresses"));
	t->detail = 6;
	rm_col_add(t, "code", L("col.code"), RM_STR);
	rm_col_add(t, "recipient", L("col.recipient"), RM_STR);
	rm_col_add(t, "forward_to", L("col.forward_to"), RM_STR);
	rm_col_add(t, "count", L("col.count"), RM_INT);
	if (table_from(c, prep(c,
		"SELECT code, recipient, forward_to, n FROM (SELECT CASE WHEN e.smtp_code IN (251, 551)"
		"  THEN CAST(e.smtp_code AS TEXT) ELSE '.forward' END AS code, e.recipient,"
		"  e.forward_to, count(*) AS n, row_number() OVER (PARTITION BY CASE WHEN e.smtp_code"
		"  IN (251, 551) THEN e.smtp_code END ORDER BY count(*) DESC, e.recipient) AS rank"
		" FROM events e WHERE %s AND %s AND (e.smtp_code IN (251, 551) OR"
		"  (e.kind = 'forwarded' AND e.handoff = 0))"
		" GROUP BY 1, 2, 3) WHERE rank <= @top ORDER BY code, n DESC, recipient",
		f, c->ev_time), t) < 0)
		goto out;
	t = rm_table_add(s, "copies", L("table.forward_copies"));
	t->detail = 6;
	rm_col_add(t, "kind", L("col.kind"), RM_STR);
	rm_col_add(t, "count", L("col.count"), RM_INT);
	if (table_from(c, prep(c,
		"SELECT e.kind, count(*) AS n FROM events e WHERE e.message_id IN (SELECT m.id FROM"
		" messages m WHERE m.origin = 'forward' AND %s AND %s) AND e.handoff = 0"
		" GROUP BY 1 ORDER BY n DESC, 1", fm, c->msg_time), t) < 0)
		goto out;
	for (size_t i = 0; i < t->nrows; i++)
		rm_cell_str(rm_cell(t, i, 0), label_kind(c, rm_cell(t, i, 0)->s));
	ret = 0;
out:
	sqlite3_free(f);
	sqlite3_free(fm);
	return ret;
}

/* ---- queue health */

static int sec_queue(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	char *fm = src_filter(c, "m.source_id");
	char *until = c->until[0] ? mprintf("m.first_ts < @until") : mprintf("1");
	/* messages_unfinished (complete = 0) is a small partial index */
	static const char deferred_unfinished[] =
		"FROM messages m WHERE m.complete = 0 AND %s AND %s AND EXISTS (SELECT 1 FROM events e"
		" WHERE e.message_id = m.id AND e.kind = 'deferred')"
		" AND NOT EXISTS (SELECT 1 FROM events e WHERE e.message_id = m.id"
		"  AND e.kind IN ('delivered', 'forwarded', 'bounced', 'expired')"
		"  AND e.id > (SELECT max(d.id) FROM events d WHERE d.message_id = m.id"
		"   AND d.kind = 'deferred'))";
	char *from = mprintf(deferred_unfinished, fm, until);
	int ret = count_of(c, prep(c, "SELECT count(*) %s", from), &bd->m->t.queued);
	struct rm_table *t = rm_table_add(s, "queued", NULL);
	rm_col_add(t, "queue_id", L("col.queue_id"), RM_STR);
	rm_col_add(t, "since", L("col.since"), RM_STR);
	rm_col_add(t, "deferrals", L("col.deferrals"), RM_INT);
	rm_col_add(t, "recipient", L("col.recipient"), RM_STR);
	rm_col_add(t, "last_reply", L("col.last_reply"), RM_STR);
	t->cols[4].cut = true;
	if (ret == 0)
		ret = table_from(c, prep(c,
			"SELECT m.queue_id, m.first_ts,"
			" (SELECT count(*) FROM events e WHERE e.message_id = m.id AND e.kind = 'deferred'),"
			" (SELECT e.recipient FROM events e WHERE e.message_id = m.id"
			"  AND e.kind = 'deferred' ORDER BY e.id DESC LIMIT 1),"
			" (SELECT e.reply FROM events e WHERE e.message_id = m.id"
			"  AND e.kind = 'deferred' ORDER BY e.id DESC LIMIT 1)"
			" %s ORDER BY m.first_ts, m.id LIMIT @top", from), t);
	if (ret == 0 && bd->m->t.queued > (int64_t)t->nrows)
		t->omitted = bd->m->t.queued - (int64_t)t->nrows;
	if (ret == 0 && bd->m->t.queued == 0)
		s->note = xstrdup(L("note.queue_empty"));
	sqlite3_free(from);
	sqlite3_free(until);
	sqlite3_free(fm);
	return ret;
}

/* ---- lines not understood */

static int sec_unrecognized(struct build *bd, struct rm_section *s)
{
	struct ctx *c = bd->c;
	char *f = src_filter(c, "u.source_id");
	struct rm_table *t = rm_table_add(s, "lines", NULL);
	rm_col_add(t, "program", L("col.program"), RM_STR);
	rm_col_add(t, "reason", L("col.reason"), RM_STR);
	rm_col_add(t, "count", L("col.count"), RM_INT);
	rm_col_add(t, "sample", L("col.sample"), RM_STR);
	t->cols[3].wrap = true;
	int ret = table_from(c, prep(c,
		"SELECT u.program, u.reason, sum(u.count) AS n, u.sample1"
		" FROM unrecognized u WHERE %s AND u.reason <> 'not mail-transfer'"
		" GROUP BY u.program, u.reason ORDER BY n DESC, 1, 2", f), t);
	s->note = xstrdup(L(t->nrows ? "note.teach_pattern" : "note.nothing_dropped"));
	if (ret == 0) {
		t = rm_table_add(s, "other_programs", L("table.other_programs"));
		rm_col_add(t, "program", L("col.program"), RM_STR);
		rm_col_add(t, "count", L("col.count"), RM_INT);
		t->detail = 6;
		ret = table_from(c, prep(c,
			"SELECT u.program, sum(u.count) AS n FROM unrecognized u WHERE %s"
			" AND u.reason = 'not mail-transfer' GROUP BY 1 ORDER BY n DESC, 1 LIMIT @top", f), t);
	}
	sqlite3_free(f);
	return ret;
}

/* ---- daemon health: the health table (store_health.c) when it exists */

static int sec_health(struct build *bd, struct rm_section *s)
{
	return report_health(bd->c->db, bd->c->err, bd->c->lang, bd->c->top, bd->c->src_in,
	                     bd->c->since, bd->c->until, &bd->m->t, s);
}

/* The sections, in page order. Builders run in this order except the
 * first screen's problems, built after the groups they rank (late). */
static const struct section_def {
	const char *id;
	const char *title;         /* label key */
	int detail;
	bool late;
	bool keys;                 /* reads bd->keys: built after the others, while the
	                              keys are counted beside them (start_keys) */
	int (*build)(struct build *bd, struct rm_section *s);
} section_defs[] = {
	{ .id = "totals", .title = "sec.totals", .detail = 0, .build = sec_totals },
	{ .id = "problems", .title = "sec.problems", .detail = 0, .late = true,
	  .build = sec_problems },
	{ .id = "abnormal", .title = "sec.abnormal", .detail = 0, .late = true,
	  .build = sec_abnormal },
	{ .id = "traffic", .title = "sec.traffic", .detail = 3, .build = sec_traffic },
	{ .id = "volume", .title = "sec.volume", .detail = 4, .keys = true,
	  .build = sec_volume },
	{ .id = "domains", .title = "sec.domains", .detail = 4, .keys = true,
	  .build = sec_domains },
	{ .id = "relays", .title = "sec.relays", .detail = 5, .keys = true,
	  .build = sec_relays },
	{ .id = "senders", .title = "sec.senders", .detail = 5, .keys = true,
	  .build = sec_senders },
	{ .id = "recipients", .title = "sec.recipients", .detail = 6, .keys = true,
	  .build = sec_recipients },
	{ .id = "delays", .title = "sec.delays", .detail = 4, .build = sec_delays },
	{ .id = "transient", .title = "sec.transient", .detail = 1, .build = sec_transient },
	{ .id = "permanent", .title = "sec.permanent", .detail = 1, .build = sec_permanent },
	{ .id = "rejected", .title = "sec.rejected", .detail = 1, .build = sec_rejected },
	{ .id = "forwarding", .title = "sec.forwarding", .detail = 5, .build = sec_forwarding },
	{ .id = "queue", .title = "sec.queue", .detail = 2, .build = sec_queue },
	{ .id = "health", .title = "sec.health", .detail = 2, .build = sec_health },
	{ .id = "unrecognized", .title = "sec.unrecognized", .detail = 2,
	  .build = sec_unrecognized },
};

/* ---- entry */

/* bound - an ISO 8601 bound as the text ts columns compare against: UTC,
 * and without the final 'Z', so that "…:01Z" and "…:01.5Z" both sort at
 * or after the bound "…:01". A date alone ("2026-11-23") is used as is. */
static int bound(struct ctx *c, const char *in, char out[SL_TIME_ISO_MAX], const char *name)
{
	struct sl_time t;
	out[0] = '\0';
	if (!in)
		return 0;
	size_t n = strlen(in);
	if (sl_time_parse_iso(in, n, &t) == 0) {
		size_t len = sl_time_format_iso(t, out);
		if (len > 0 && out[len - 1] == 'Z')
			out[len - 1] = '\0';
		return 0;
	}
	if (n == 10 && in[4] == '-' && in[7] == '-') {
		memcpy(out, in, 11);
		return 0;
	}
	return sl_error_set(c->err, SL_EUSAGE,
	                    "bad %s '%s' (expected ISO 8601, e.g. 2026-11-23T00:00:00Z)", name, in);
}

/* to_time - seconds of an ISO 8601 text (a bound, or a stored ts); -1 if none */
static int64_t to_time(const char *s)
{
	struct sl_time t;
	char buf[SL_TIME_ISO_MAX + 12];
	if (!s || !*s)
		return -1;
	snprintf(buf, sizeof buf, "%s%s", s, strlen(s) == 10 ? "T00:00:00Z" :
	         s[strlen(s) - 1] == 'Z' ? "" : "Z");
	return sl_time_parse_iso(buf, strlen(buf), &t) == 0 ? t.sec : -1;
}

static void iso_of(int64_t sec, char out[SL_TIME_ISO_MAX])
{
	sl_time_format_iso((struct sl_time){ .sec = sec }, out);
}

/* previous_period - the totals of the period of equal length just before
 * this one, from every source of the database (the rotated file of
 * yesterday is another source) */
static int previous_period(struct ctx *c, struct rm_model *m, const char *first_ts,
                           const char *last_ts)
{
	int64_t start = c->since[0] ? to_time(c->since) : to_time(first_ts);
	int64_t end = c->until[0] ? to_time(c->until) : to_time(last_ts);
	if (!c->until[0] && end >= 0)
		end++;               /* last_ts is inside the period */
	if (start < 0 || end <= start)
		return 0;
	struct ctx p = { .db = c->db, .err = c->err, .lang = c->lang, .top = c->top };
	char a[SL_TIME_ISO_MAX], b[SL_TIME_ISO_MAX];
	iso_of(start - (end - start), a);
	iso_of(start, b);
	int ret = -1;
	if (bound(&p, a, p.since, "previous") < 0 || bound(&p, b, p.until, "previous") < 0 ||
	    time_filters(&p) < 0)
		goto out;
	p.events_only = c->events_only;
	p.sum = !p.events_only && report_summary_usable(p.db, p.since, p.until);
	if (read_totals(&p, &m->prev) < 0)
		goto out;
	const struct rm_totals *x = &m->prev;
	m->has_prev = x->received || x->delivered || x->deferred || x->bounced || x->expired ||
	              x->rejected_4xx || x->rejected_5xx;
	if (m->has_prev) {
		m->prev_since = xstrdup(a);
		m->prev_until = xstrdup(b);
	}
	ret = 0;
out:
	ctx_release(&p);
	return ret;
}

/* ctx_setup - c (db and err set) for opt's period and sources */
static int ctx_setup(struct ctx *c, const struct report_options *opt)
{
	c->lang = (unsigned)opt->lang < CODES_LANG_COUNT ? opt->lang : CODES_EN;
	c->top = opt->top > 0 ? opt->top : REPORT_DEFAULT_TOP;
	if (bound(c, opt->since, c->since, "--since") < 0 ||
	    bound(c, opt->until, c->until, "--until") < 0)
		return -1;
	if (opt->source_ids) {
		/* Integers only: built with %lld, so it is safe to paste into SQL. */
		struct sl_buf in;
		sl_buf_init(&in);
		sl_buf_addc(&in, '(');
		for (size_t i = 0; i < opt->nsources; i++)
			sl_buf_addf(&in, "%s%lld", i ? "," : "", (long long)opt->source_ids[i]);
		if (opt->nsources == 0)
			sl_buf_adds(&in, "NULL");
		sl_buf_addc(&in, ')');
		c->src_in = mprintf("%s", in.data);
		sl_buf_reset(&in);
		int64_t *ids = xcalloc(opt->nsources ? opt->nsources : 1, sizeof *ids);
		size_t n = 0;
		for (size_t i = 0; i < opt->nsources; i++) {
			int64_t id = opt->source_ids[i];
			if (id < 0 || id > STORE_MAX_SOURCE) {
				n = 0;   /* not a store key: no range to give */
				break;
			}
			size_t at = n++;   /* in order, for id_ranges */
			for (; at > 0 && ids[at - 1] > id; at--)
				ids[at] = ids[at - 1];
			ids[at] = id;
		}
		if (n > 0)
			id_ranges(&in, "e.id", ids, n);
		free(ids);
		c->ev_ranges = mprintf("%s", in.len ? in.data : "1");
		sl_buf_release(&in);
	}
	c->events_only = opt->events_only;
	c->key_budget = opt->key_budget ? opt->key_budget : REPORT_KEYS_BUDGET;
	return time_filters(c);
}

/* report_keys_start - see report.h */
struct report_keys_job *report_keys_start(struct sqlite3 *db, const struct report_options *opt)
{
	struct sl_error err;
	struct ctx c = { .db = db, .err = &err };
	const char *path = sqlite3_db_filename(db, "main");
	struct report_keys_job *j = NULL;
	if (path && *path && ctx_setup(&c, opt) == 0)
		j = keys_job_start(&c, path);
	ctx_release(&c);
	return j;
}

/* report_build - the model of opt's period and sources */
int report_build(struct sqlite3 *db, const struct report_options *opt, struct rm_model *m,
                 struct sl_error *err)
{
	struct ctx cx = { .db = db, .err = err };
	struct ctx *c = &cx;
	struct build bd = { .c = c, .m = m };
	char *first_ts = NULL, *last_ts = NULL;
	int ret = -1;
	bool txn = false;
	memset(m, 0, sizeof *m);
	if (opt->keys_job) {
		/* counted from before (report_keys_start): taken at end_keys */
		bd.job = opt->keys_job;
		bd.keys_counted = true;
	}
	c->lang = (unsigned)opt->lang < CODES_LANG_COUNT ? opt->lang : CODES_EN;
	m->lang = c->lang;
	m->detail = opt->detail_given ? opt->detail : REPORT_DETAIL_DEFAULT;
	if (m->detail < 0)
		m->detail = 0;
	if (m->detail > REPORT_DETAIL_MAX)
		m->detail = REPORT_DETAIL_MAX;
	m->title = L("title");
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	m->generated = sde && *sde ? strtoll(sde, NULL, 10) : (int64_t)time(NULL);

	/* one read transaction: every section sees the same rows, even while a
	 * load (or `follow`) commits (unless the caller holds one already) */
	txn = sqlite3_get_autocommit(db) != 0;
	if (txn && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(c, "begin");
		txn = false;
		goto out;
	}
	if (report_register_functions(db) != SQLITE_OK) {
		db_fail(c, "function");
		goto out;
	}
	if (ctx_setup(c, opt) < 0)
		goto out;
	c->sum = !c->events_only && report_summary_usable(db, c->since, c->until);
	if (read_scope(c, m, &first_ts, &last_ts) < 0 ||
	    read_totals(c, &m->t) < 0 || previous_period(c, m, first_ts, last_ts) < 0)
		goto out;
	m->since = opt->since ? xstrdup(opt->since) : NULL;
	m->until = opt->until ? xstrdup(opt->until) : NULL;
	{
		struct sl_buf b;
		sl_buf_init(&b);
		const char *from = c->since[0] ? opt->since : first_ts;
		const char *to = c->until[0] ? opt->until : last_ts;
		sl_buf_adds(&b, from ? from : "-");
		sl_buf_adds(&b, " .. ");
		sl_buf_adds(&b, to ? to : "-");
		m->period = sl_buf_detach(&b);
	}
	for (size_t i = 0; i < SL_ARRAY_LEN(section_defs); i++)
		rm_section_add(m, section_defs[i].id, L(section_defs[i].title), section_defs[i].detail);
	/* three rounds: the sections of SQL alone (while the keys are counted,
	 * when start_keys could), those of the keys, the first screen's */
	if (!bd.job)
		start_keys(&bd, opt->parallel);
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < SL_ARRAY_LEN(section_defs); i++) {
			const struct section_def *d = &section_defs[i];
			if ((d->late ? 2 : d->keys ? 1 : 0) == round && d->build(&bd, &m->sections[i]) < 0)
				goto out;
		}
	rm_number_advice(m);
	ret = 0;
out:
	if (end_keys(&bd) < 0 && ret == 0)
		ret = -1;
	if (txn)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	report_keys_free(&bd.keys);
	report_group_counts_free(&bd.rejected);
	free(first_ts);
	free(last_ts);
	ctx_release(c);
	if (ret < 0)
		rm_model_free(m);
	return ret;
}

static const struct report_renderer *const renderers[] = {
	&render_text, &render_markdown, &render_json, &render_html, &render_csv, &render_prometheus,
	NULL,
};

const struct report_renderer *report_renderer_find(const char *name)
{
	for (size_t i = 0; renderers[i]; i++)
		if (strcmp(renderers[i]->name, name) == 0)
			return renderers[i];
	return NULL;
}

const struct report_renderer *report_renderer_for(enum report_format f)
{
	for (size_t i = 0; renderers[i]; i++)
		if (renderers[i]->format == f)
			return renderers[i];
	SL_BUG("unknown report format %d", (int)f);
}

/* report_write - read the database and append the report to out */
int report_write(struct sqlite3 *db, const struct report_options *opt, struct sl_buf *out,
                 struct sl_error *err)
{
	struct rm_model m;
	if (report_build(db, opt, &m, err) < 0)
		return -1;
	int ret = report_renderer_for(opt->format)->render(&m, opt, out, err);
	rm_model_free(&m);
	return ret;
}

/* ---- --fail-on */

static int64_t total_named(const struct rm_totals *t, const char *name, bool *known)
{
	const struct {
		const char *name;
		int64_t v;
	} names[] = {
		{ "received", t->received },
		{ "delivered", t->delivered },
		{ "deferred", t->deferred },
		{ "bounced", t->bounced },
		{ "expired", t->expired },
		{ "rejected", t->rejected_4xx + t->rejected_5xx },
		{ "permanent", t->bounced + t->expired + t->rejected_5xx },
		{ "transient", t->deferred + t->rejected_4xx },
		{ "unrecognized", t->unrecognized },
		{ "truncated", t->truncated },
		{ "warnings", t->warnings },
		{ "errors", t->errors },
		{ "fatal", t->fatal },
		{ "panic", t->panic },
		{ "sasl", t->sasl },
		{ "tls", t->tls },
		{ "queued", t->queued },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(names); i++)
		if (strcmp(names[i].name, name) == 0) {
			*known = true;
			return names[i].v;
		}
	*known = false;
	return 0;
}

/* report_fail_on - evaluate "NAME>N[,NAME>=N...]" on the model's totals */
int report_fail_on(const struct rm_model *m, const char *expr, bool *hit, char *what,
                   size_t whatsz, struct sl_error *err)
{
	*hit = false;
	const char *p = expr;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char term[128], name[64];
		if (len == 0 || len >= sizeof term)
			return sl_error_set(err, SL_EUSAGE, "bad --fail-on term in '%s'", expr);
		memcpy(term, p, len);
		term[len] = '\0';
		size_t k = strcspn(term, "<>=!");
		if (k == 0 || k >= sizeof name || !term[k])
			return sl_error_set(err, SL_EUSAGE,
			                    "bad --fail-on term '%s' (expected NAME>N, e.g. permanent>100)",
			                    term);
		memcpy(name, term, k);
		name[k] = '\0';
		const char *op = term + k;
		size_t oplen = (op[1] == '=') ? 2 : 1;
		char *numend;
		long long limit = strtoll(op + oplen, &numend, 10);
		if (*numend || numend == op + oplen)
			return sl_error_set(err, SL_EUSAGE, "bad number in --fail-on term '%s'", term);
		bool known;
		int64_t v = total_named(&m->t, name, &known);
		if (!known)
			return sl_error_set(err, SL_EUSAGE,
			                    "unknown --fail-on name '%s' (received, delivered, deferred, "
			                    "bounced, expired, rejected, permanent, transient, unrecognized, "
			                    "truncated, warnings, errors, fatal, panic, sasl, tls, queued)", name);
		bool t;
		if (oplen == 2 && op[0] == '>')
			t = v >= limit;
		else if (oplen == 2 && op[0] == '<')
			t = v <= limit;
		else if (oplen == 2 && (op[0] == '=' || op[0] == '!'))
			t = op[0] == '=' ? v == limit : v != limit;
		else if (op[0] == '>')
			t = v > limit;
		else if (op[0] == '<')
			t = v < limit;
		else if (op[0] == '=')
			t = v == limit;
		else
			return sl_error_set(err, SL_EUSAGE, "bad operator in --fail-on term '%s'", term);
		if (t && !*hit) {
			*hit = true;
			snprintf(what, whatsz, "%s (%s = %lld)", term, name, (long long)v);
		}
		p += len + (end ? 1 : 0);
	}
	return 0;
}
