/* report: reads the database into a small report model (totals, failure
 * groups by reply code, enhanced code and reason, forwarding, lines not
 * understood) and renders it as text for a terminal or a cron mail,
 * Markdown, or JSON. It reads through bound parameters only and writes
 * nothing to the database. Advice comes from codes and reasons.
 * SPDX-License-Identifier: MIT */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "reasons.h"
#include "store.h"
#include "util_time.h"

#define REPORT_DEFAULT_TOP 5
#define REPORT_WIDTH 100          /* text lines never get wider */
#define REPORT_MAX_FILES 10       /* files named in the scope; the rest are counted */

/* ---- labels: every human-readable word of the text and Markdown reports
 * comes from data/codes ([headings], keys report_*) through codes_heading(),
 * so translators edit data, not C; JSON keys stay English */

/* expand - append tmpl with {n} and {m} replaced by the counts and {from}
 * and {to} by the times (gencodes checks which placeholders each label uses) */
static void expand(struct sl_buf *b, const char *tmpl, int64_t n, int64_t m, const char *from,
                   const char *to)
{
	for (const char *p = tmpl; *p;) {
		if (strncmp(p, "{n}", 3) == 0) {
			sl_buf_addf(b, "%lld", (long long)n);
			p += 3;
		} else if (strncmp(p, "{m}", 3) == 0) {
			sl_buf_addf(b, "%lld", (long long)m);
			p += 3;
		} else if (strncmp(p, "{from}", 6) == 0) {
			sl_buf_adds(b, from ? from : "-");
			p += 6;
		} else if (strncmp(p, "{to}", 4) == 0) {
			sl_buf_adds(b, to ? to : "-");
			p += 4;
		} else {
			sl_buf_addc(b, *p++);
		}
	}
}

/* kind_label - an event kind as the copies' outcomes name it, localized */
static const char *kind_label(const char *kind, enum codes_lang lang)
{
	static const struct {
		const char *kind;
		enum codes_heading label;
	} kinds[] = {
		{ "delivered", CODES_H_REPORT_KIND_DELIVERED },
		{ "deferred", CODES_H_REPORT_KIND_DEFERRED },
		{ "bounced", CODES_H_REPORT_KIND_BOUNCED },
		{ "expired", CODES_H_REPORT_KIND_EXPIRED },
		{ "rejected", CODES_H_REPORT_KIND_REJECTED },
		{ "forwarded", CODES_H_REPORT_KIND_FORWARDED },
		{ "probe", CODES_H_REPORT_KIND_PROBE },
		{ "policy", CODES_H_REPORT_KIND_POLICY },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(kinds); i++)
		if (strcmp(kind, kinds[i].kind) == 0)
			return codes_heading(kinds[i].label, lang);
	return kind;
}

/* program_label - a program name; ingest's bucket "(other)" localized */
static const char *program_label(const char *program, enum codes_lang lang)
{
	return strcmp(program, "(other)") == 0 ? codes_heading(CODES_H_REPORT_PROGRAM_OTHER, lang)
	                                       : program;
}

/* unrec_reason_label - why a line was not understood; ingest's "no pattern"
 * localized (the JSON keeps the stored text) */
static const char *unrec_reason_label(const char *reason, enum codes_lang lang)
{
	return strcmp(reason, "no pattern") == 0 ? codes_heading(CODES_H_REPORT_NO_PATTERN, lang)
	                                         : reason;
}

/* ---- the model */

struct item {                  /* one row of a top list */
	char *key;
	char *key2;                /* second column (forward target), or NULL */
	int64_t n;
};

struct list {
	struct item *v;
	size_t n;
};

struct group {                 /* failures sharing a code, enhanced code and reason */
	int code;                  /* 0: none */
	char *enhanced;            /* NULL: none */
	char *reason;              /* NULL: none */
	int64_t count;
	int64_t distinct;          /* messages, or clients for rejections */
	struct list domains, hosts;
	char *sample;
};

/* Sections of failure groups, and what selects their events. Failures are
 * the kinds that delay or end a delivery (deliveries succeed by definition,
 * rejections have their own section, probes deliver nothing); naming the
 * kinds lets the events(kind, ts) index serve. */
enum section { SEC_TRANSIENT, SEC_PERMANENT, SEC_REJECTED, SEC_COUNT };

static const struct section_def {
	const char *json_key;
	enum codes_heading heading;
	const char *where;         /* SQL condition on events e */
	const char *distinct;      /* what "distinct" counts */
	const char *host_key;      /* the host column of the top list */
	enum codes_heading host_label;
	enum codes_heading counts;  /* "{n} events, {m} messages" or "... clients" */
} sections[SEC_COUNT] = {
	[SEC_TRANSIENT] = {
		.json_key = "transient", .heading = CODES_H_TRANSIENT,
		.where = "e.kind IN ('deferred', 'bounced', 'expired', 'policy')"
		         " AND e.class = 'transient'",
		.distinct = "e.message_id",
		.host_key = "coalesce(e.remote_host, e.remote_ip)",
		.host_label = CODES_H_REPORT_HOSTS, .counts = CODES_H_REPORT_EVENTS_MESSAGES,
	},
	[SEC_PERMANENT] = {
		.json_key = "permanent", .heading = CODES_H_PERMANENT,
		.where = "e.kind IN ('deferred', 'bounced', 'expired', 'policy')"
		         " AND e.class = 'permanent'",
		.distinct = "e.message_id",
		.host_key = "coalesce(e.remote_host, e.remote_ip)",
		.host_label = CODES_H_REPORT_HOSTS, .counts = CODES_H_REPORT_EVENTS_MESSAGES,
	},
	[SEC_REJECTED] = {
		.json_key = "rejected", .heading = CODES_H_REJECTED,
		.where = "e.kind = 'rejected'",
		.distinct = "coalesce(e.remote_ip, e.remote_host)",
		.host_key = "CASE WHEN e.remote_ip IS NULL THEN e.remote_host"
		            " WHEN e.remote_host IS NULL THEN '[' || e.remote_ip || ']'"
		            " ELSE e.remote_host || '[' || e.remote_ip || ']' END",
		.host_label = CODES_H_REPORT_CLIENTS, .counts = CODES_H_REPORT_EVENTS_CLIENTS,
	},
};

struct unrec {                 /* a "not understood" row */
	char *program, *reason, *sample;
	int64_t n;
};

struct totals {
	int64_t received, delivered, forwarded, deferred, deferred_msgs, bounced, bounced_msgs;
	int64_t expired, rejected_4xx, rejected_5xx, probes, policy, notifications;
	int64_t lines, recognized, unrecognized, foreign, truncated;
};

struct report {
	sqlite3 *db;
	const struct report_options *opt;
	enum codes_lang lang;
	int top;
	char since[SL_TIME_ISO_MAX], until[SL_TIME_ISO_MAX];   /* "" when open */
	char *src_in;              /* "(1,2,3)" or NULL for all sources */
	char *ev_time, *msg_time;  /* the period on events e and messages m (see time_filters) */
	struct sl_error *err;

	struct list files;         /* path, lines */
	int64_t nfiles;
	char *first_ts, *last_ts;
	struct totals t;
	struct list unrec_top, foreign_top;
	struct group *groups[SEC_COUNT];
	size_t ngroups[SEC_COUNT];
	struct list fwd251, fwd551, fwd_local, copy_outcomes, copy_targets;
	int64_t n251, n551, nlocal, copies;
	struct unrec *unrec;
	size_t nunrec;
};

/* ---- reading */

/* db_fail - err from the connection; -1 */
static int db_fail(struct report *r, const char *what)
{
	return sl_error_set(r->err, SL_EDB, "cannot read the database (%s): %s", what,
	                    sqlite3_errmsg(r->db));
}

/* prep - SQL from fmt, whose %s arguments are compile-time fragments and the
 * integer IN list (never user text); binds @since, @until, @top where used */
static sqlite3_stmt *prep(struct report *r, const char *fmt, ...) SL_PRINTF(2, 3);
static sqlite3_stmt *prep(struct report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *sql = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	if (!sql)
		SL_BUG("out of memory in sqlite3_vmprintf");
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(r->db, sql, -1, &s, NULL) != SQLITE_OK) {
		db_fail(r, "prepare");
		sqlite3_free(sql);
		return NULL;
	}
	sqlite3_free(sql);
	int i;
	if ((i = sqlite3_bind_parameter_index(s, "@since")) > 0 && r->since[0])
		sqlite3_bind_text(s, i, r->since, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(s, "@until")) > 0 && r->until[0])
		sqlite3_bind_text(s, i, r->until, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(s, "@top")) > 0)
		sqlite3_bind_int(s, i, r->top);
	return s;
}

/* finish - finalize s; -1 if its last step failed */
static int finish(struct report *r, sqlite3_stmt *s, int rc)
{
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_fail(r, "step");
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

static char *col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);
	return v ? xstrdup((const char *)v) : NULL;
}

/* Filters: on events e (sources and time), messages m, sources s, unrecognized u. */

/* time_condition - "col >= @since AND col < @until", the bounds given, or "1" */
static char *time_condition(const struct report *r, const char *col)
{
	char *c = sqlite3_mprintf("%s%s%s%s%s%s", r->since[0] ? col : "",
	                          r->since[0] ? " >= @since" : "",
	                          r->since[0] && r->until[0] ? " AND " : "",
	                          r->until[0] ? col : "", r->until[0] ? " < @until" : "",
	                          r->since[0] || r->until[0] ? "" : "1");
	if (!c)
		SL_BUG("out of memory in sqlite3_mprintf");
	return c;
}

/* time_filters - r->ev_time and r->msg_time. Only the bounds given are
 * spelled out (not "@since IS NULL OR ..."), so events(kind, ts) serves a
 * period as a range. messages has no index on first_ts: a period also
 * limits it to the row ids of the sources whose lines overlap it (a
 * message's id is its first line's place, and that line is in its period),
 * so a nightly report reads one day's messages, not every day's. */
static int time_filters(struct report *r)
{
	r->ev_time = time_condition(r, "e.ts");
	char *msg = time_condition(r, "m.first_ts");
	if (!r->since[0] && !r->until[0]) {
		r->msg_time = msg;
		return 0;
	}
	enum { MAX_RANGES = 64 };   /* beyond that, a scan is as good */
	sqlite3_stmt *s = prep(r,
		"SELECT id FROM sources WHERE (@until IS NULL OR first_ts IS NULL OR first_ts < @until)"
		" AND (@since IS NULL OR last_ts IS NULL OR last_ts >= @since) ORDER BY id LIMIT %d",
		MAX_RANGES + 1);
	if (!s) {
		sqlite3_free(msg);
		return -1;
	}
	struct sl_buf b;
	sl_buf_init(&b);
	sl_buf_addf(&b, "%s AND (0", msg);
	int rc, n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		int64_t lo = store_key(id, 0);
		if (lo < 0 || ++n > MAX_RANGES)
			break;
		sl_buf_addf(&b, " OR m.id BETWEEN %lld AND %lld", (long long)lo,
		            (long long)(lo + (INT64_C(1) << STORE_KEY_BITS) - 1));
	}
	bool limited = rc == SQLITE_DONE;
	if (finish(r, s, rc == SQLITE_ROW ? SQLITE_DONE : rc) < 0) {
		sqlite3_free(msg);
		sl_buf_release(&b);
		return -1;
	}
	sl_buf_addc(&b, ')');
	r->msg_time = sqlite3_mprintf("%s", limited ? b.data : msg);
	if (!r->msg_time)
		SL_BUG("out of memory in sqlite3_mprintf");
	sqlite3_free(msg);
	sl_buf_release(&b);
	return 0;
}

/* The "x.source_id IN (...)" prefix, or "1" for all sources. */
static char *src_filter(const struct report *r, const char *column)
{
	char *f = r->src_in ? sqlite3_mprintf("%s IN %s", column, r->src_in)
	                    : sqlite3_mprintf("1");
	if (!f)
		SL_BUG("out of memory in sqlite3_mprintf");
	return f;
}

/* read_list - rows of (key, [key2,] count) into l */
static int read_list(struct report *r, sqlite3_stmt *s, struct list *l, bool two_keys)
{
	int rc;
	size_t cap = 0;
	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (l->n == cap) {
			cap = cap ? cap * 2 : 8;
			l->v = xrealloc(l->v, cap * sizeof *l->v);
		}
		struct item *it = &l->v[l->n++];
		it->key = col_dup(s, 0);
		if (!it->key)
			it->key = xstrdup("");
		it->key2 = two_keys ? col_dup(s, 1) : NULL;
		it->n = sqlite3_column_int64(s, two_keys ? 2 : 1);
	}
	return finish(r, s, rc);
}

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].key2);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* read_scope - the files and the period */
static int read_scope(struct report *r)
{
	char *f = src_filter(r, "s.id");
	sqlite3_stmt *s = prep(r, "SELECT path, lines FROM sources s WHERE %s ORDER BY id LIMIT %d",
	                       f, REPORT_MAX_FILES);
	int ret = read_list(r, s, &r->files, false);
	if (ret == 0) {
		s = prep(r,
		         "SELECT count(*), min(first_ts), max(last_ts), coalesce(sum(lines), 0),"
		         " coalesce(sum(recognized), 0), coalesce(sum(unrecognized), 0),"
		         " coalesce(sum(foreign_lines), 0), coalesce(sum(truncated), 0)"
		         " FROM sources s WHERE %s", f);
		int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
		if (rc == SQLITE_ROW) {
			r->nfiles = sqlite3_column_int64(s, 0);
			r->first_ts = col_dup(s, 1);
			r->last_ts = col_dup(s, 2);
			r->t.lines = sqlite3_column_int64(s, 3);
			r->t.recognized = sqlite3_column_int64(s, 4);
			r->t.unrecognized = sqlite3_column_int64(s, 5);
			r->t.foreign = sqlite3_column_int64(s, 6);
			r->t.truncated = sqlite3_column_int64(s, 7);
		}
		ret = s ? finish(r, s, rc) : -1;
	}
	sqlite3_free(f);
	return ret;
}

/* read_totals - counts of events and messages */
static int read_totals(struct report *r)
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
		{ "coalesce(sum(e.smtp_code / 100 = 4 OR (e.smtp_code IS NULL AND e.class = 'transient')), 0)",
		  "= 'rejected'", NULL },
		{ "coalesce(sum(NOT (coalesce(e.smtp_code / 100 = 4, 0)"
		  " OR (e.smtp_code IS NULL AND coalesce(e.class = 'transient', 0)))), 0)",
		  "= 'rejected'", NULL },
		{ "count(*)", "= 'probe'", NULL },
		{ "count(*)", "= 'policy'", NULL },
	};
	char *f = src_filter(r, STORE_SOURCE_SQL("e.id"));
	char *ts_unindexed = time_condition(r, "+e.ts");
	struct sl_buf sql;
	sl_buf_init(&sql);
	sl_buf_adds(&sql, "SELECT ");
	for (size_t i = 0; i < SL_ARRAY_LEN(totals); i++) {
		sl_buf_addf(&sql, "%s(SELECT %s FROM events e WHERE %s AND %s AND e.kind %s)",
		            i ? ", " : "", totals[i].value, f, r->ev_time, totals[i].kinds);
		/* "+e.kind", "+e.ts": the partial index of hand-offs, not every
		 * delivery of the period */
		if (totals[i].minus)
			sl_buf_addf(&sql, " - (SELECT count(*) FROM events e WHERE %s AND %s"
			            " AND e.handoff <> 0 AND +e.kind %s)", f, ts_unindexed, totals[i].kinds);
	}
	sqlite3_stmt *s = prep(r, "%s", sql.data);
	sl_buf_release(&sql);
	sqlite3_free(ts_unindexed);
	sqlite3_free(f);
	int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
	if (rc == SQLITE_ROW) {
		int64_t *dst[] = { &r->t.delivered, &r->t.forwarded, &r->t.deferred, &r->t.deferred_msgs,
		                   &r->t.bounced, &r->t.bounced_msgs, &r->t.expired, &r->t.rejected_4xx,
		                   &r->t.rejected_5xx, &r->t.probes, &r->t.policy };
		for (size_t i = 0; i < SL_ARRAY_LEN(dst); i++)
			*dst[i] = sqlite3_column_int64(s, (int)i);
	}
	if (!s || finish(r, s, rc) < 0)
		return -1;

	f = src_filter(r, "m.source_id");
	s = prep(r,
	         "SELECT coalesce(sum(arrived = 1 AND origin_id IS NULL), 0),"
	         " coalesce(sum(origin = 'notification'), 0), coalesce(sum(origin = 'forward'), 0)"
	         " FROM messages m WHERE %s AND %s", f, r->msg_time);
	sqlite3_free(f);
	rc = s ? sqlite3_step(s) : SQLITE_ERROR;
	if (rc == SQLITE_ROW) {
		r->t.received = sqlite3_column_int64(s, 0);
		r->t.notifications = sqlite3_column_int64(s, 1);
		r->copies = sqlite3_column_int64(s, 2);
	}
	return s ? finish(r, s, rc) : -1;
}

/* same_key - NULL-aware equality of a group's key and a result row's */
static bool same_key(const struct group *g, sqlite3_stmt *s)
{
	const char *enh = (const char *)sqlite3_column_text(s, 1);
	const char *reason = (const char *)sqlite3_column_text(s, 2);
	return g->code == sqlite3_column_int(s, 0) &&
	       (g->enhanced ? enh && strcmp(g->enhanced, enh) == 0 : !enh) &&
	       (g->reason ? reason && strcmp(g->reason, reason) == 0 : !reason);
}

/* list_add - append (key, key2, n) to l; key2 may be NULL */
static void list_add(struct list *l, const char *key, const char *key2, int64_t n)
{
	/* grows one by one: lists hold at most `top` rows */
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n].key = xstrdup(key ? key : "");
	l->v[l->n].key2 = key2 ? xstrdup(key2) : NULL;
	l->v[l->n].n = n;
	l->n++;
}

/* read_group_tops - the top domains (which = 0) or hosts (1) of every group
 * of a section in one scan: a window ranks the keys within each group */
static int read_group_tops(struct report *r, enum section sec, int which, const char *f)
{
	const struct section_def *d = &sections[sec];
	const char *key = which ? d->host_key : "e.recipient_domain";
	sqlite3_stmt *s = prep(r,
		"SELECT smtp_code, enhanced_code, reason, k, n FROM ("
		" SELECT e.smtp_code, e.enhanced_code, e.reason, %s AS k, count(*) AS n,"
		"  row_number() OVER (PARTITION BY e.smtp_code, e.enhanced_code, e.reason"
		"   ORDER BY count(*) DESC, %s) AS rank"
		" FROM events e WHERE %s AND %s AND %s AND (%s) IS NOT NULL"
		" GROUP BY e.smtp_code, e.enhanced_code, e.reason, k)"
		" WHERE rank <= @top ORDER BY smtp_code, enhanced_code, reason, rank",
		key, key, f, r->ev_time, d->where, key);
	if (!s)
		return -1;
	struct group *g = NULL;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		/* rows come grouped by key: search only when the key changes */
		if (!g || !same_key(g, s)) {
			g = NULL;
			for (size_t i = 0; i < r->ngroups[sec] && !g; i++)
				if (same_key(&r->groups[sec][i], s))
					g = &r->groups[sec][i];
			if (!g)
				continue;   /* cannot happen: same filter as the groups */
		}
		list_add(which ? &g->hosts : &g->domains, (const char *)sqlite3_column_text(s, 3),
		         NULL, sqlite3_column_int64(s, 4));
	}
	return finish(r, s, rc);
}

/* read_groups - one section's groups: count desc, then code, enhanced code, reason */
static int read_groups(struct report *r, enum section sec)
{
	const struct section_def *d = &sections[sec];
	char *f = src_filter(r, "e.source_id");
	int ret = -1;
	size_t cap = 0;
	/* The bare reply comes from the row of the min() (SQLite's min/max
	 * rule): the first event in log order that has a reply. */
	sqlite3_stmt *s = prep(r,
		"SELECT e.smtp_code, e.enhanced_code, e.reason, count(*) AS n,"
		" count(DISTINCT %s), min((e.reply IS NULL) * 4611686018427387904 + e.id), e.reply"
		" FROM events e"
		" WHERE %s AND %s AND %s"
		" GROUP BY e.smtp_code, e.enhanced_code, e.reason"
		" ORDER BY n DESC, e.smtp_code, e.enhanced_code, e.reason", d->distinct, f, r->ev_time,
		d->where);
	if (!s)
		goto out;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (r->ngroups[sec] == cap) {
			cap = cap ? cap * 2 : 8;
			r->groups[sec] = xrealloc(r->groups[sec], cap * sizeof *r->groups[sec]);
		}
		struct group *g = &r->groups[sec][r->ngroups[sec]++];
		memset(g, 0, sizeof *g);
		g->code = sqlite3_column_int(s, 0);
		g->enhanced = col_dup(s, 1);
		g->reason = col_dup(s, 2);
		g->count = sqlite3_column_int64(s, 3);
		g->distinct = sqlite3_column_int64(s, 4);
		g->sample = col_dup(s, 6);
	}
	if (finish(r, s, rc) < 0)
		goto out;
	if (r->ngroups[sec] > 0 &&
	    (read_group_tops(r, sec, 0, f) < 0 || read_group_tops(r, sec, 1, f) < 0))
		goto out;
	ret = 0;
out:
	sqlite3_free(f);
	return ret;
}

/* count_of - a one-number query */
static int count_of(struct report *r, sqlite3_stmt *s, int64_t *out)
{
	if (!s)
		return -1;
	int rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	return finish(r, s, rc);
}

/* read_replies_25x - 251 (will forward) and 551 (please try) replies in one
 * scan: totals, and the top (recipient, address named) pairs of each */
static int read_replies_25x(struct report *r, const char *f)
{
	sqlite3_stmt *s = prep(r,
		"SELECT e.smtp_code, e.recipient, e.forward_to, count(*) AS n FROM events e"
		" WHERE %s AND %s AND e.smtp_code IN (251, 551)"
		" GROUP BY 1, 2, 3 ORDER BY 1, n DESC, 2, 3", f, r->ev_time);
	if (!s)
		return -1;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		bool is251 = sqlite3_column_int(s, 0) == 251;
		struct list *l = is251 ? &r->fwd251 : &r->fwd551;
		int64_t n = sqlite3_column_int64(s, 3);
		*(is251 ? &r->n251 : &r->n551) += n;
		if (l->n < (size_t)r->top)
			list_add(l, (const char *)sqlite3_column_text(s, 1),
			         (const char *)sqlite3_column_text(s, 2), n);
	}
	return finish(r, s, rc);
}

/* read_forwarding - 251s, 551s, local .forward and what became of the copies */
static int read_forwarding(struct report *r)
{
	char *f = src_filter(r, "e.source_id");
	char *fm = src_filter(r, "m.source_id");
	static const char local_cond[] =
		"e.kind = 'forwarded' AND e.handoff = 0 AND coalesce(e.smtp_code, 0) <> 251";
	/* Copies made by local delivery of messages in scope. */
	static const char copies[] =
		"e.message_id IN (SELECT m.id FROM messages m WHERE m.origin = 'forward'"
		" AND %s AND %s)";
	char *copy_cond = sqlite3_mprintf(copies, fm, r->msg_time);
	int ret = -1;
	if (!copy_cond)
		SL_BUG("out of memory in sqlite3_mprintf");

	if (read_replies_25x(r, f) < 0 ||
	    read_list(r, prep(r,
	                      "SELECT e.recipient, count(*) AS n FROM events e WHERE %s AND %s"
	                      " AND %s GROUP BY 1 ORDER BY n DESC, 1 LIMIT @top",
	                      f, r->ev_time, local_cond),
	              &r->fwd_local, false) < 0 ||
	    count_of(r, prep(r, "SELECT count(*) FROM events e WHERE %s AND %s AND %s", f,
	                     r->ev_time, local_cond),
	             &r->nlocal) < 0 ||
	    read_list(r, prep(r,
	                      "SELECT e.kind, count(*) AS n FROM events e WHERE %s AND e.handoff = 0"
	                      " GROUP BY 1 ORDER BY n DESC, 1",
	                      copy_cond),
	              &r->copy_outcomes, false) < 0 ||
	    read_list(r, prep(r,
	                      "SELECT e.recipient, count(*) AS n FROM events e WHERE %s"
	                      " AND e.handoff = 0 AND e.recipient IS NOT NULL"
	                      " GROUP BY 1 ORDER BY n DESC, 1 LIMIT @top",
	                      copy_cond),
	              &r->copy_targets, false) < 0)
		goto out;
	ret = 0;
out:
	sqlite3_free(copy_cond);
	sqlite3_free(f);
	sqlite3_free(fm);
	return ret;
}

/* read_unrecognized - lines not understood by program and reason (all of
 * them: nothing is dropped silently), and the top programs of each kind */
static int read_unrecognized(struct report *r)
{
	char *f = src_filter(r, "u.source_id");
	int ret = -1;
	size_t cap = 0;
	sqlite3_stmt *s = prep(r,
		"SELECT u.program, u.reason, sum(u.count) AS n, min(u.source_id), u.sample1"
		" FROM unrecognized u WHERE %s AND u.reason <> 'not mail-transfer'"
		" GROUP BY u.program, u.reason ORDER BY n DESC, 1, 2", f);
	if (!s)
		goto out;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (r->nunrec == cap) {
			cap = cap ? cap * 2 : 8;
			r->unrec = xrealloc(r->unrec, cap * sizeof *r->unrec);
		}
		struct unrec *u = &r->unrec[r->nunrec++];
		u->program = col_dup(s, 0);
		u->reason = col_dup(s, 1);
		u->n = sqlite3_column_int64(s, 2);
		u->sample = col_dup(s, 4);
	}
	if (finish(r, s, rc) < 0)
		goto out;
	static const char tops[] =
		"SELECT u.program, sum(u.count) AS n FROM unrecognized u WHERE %s AND u.reason %s"
		" 'not mail-transfer' GROUP BY 1 ORDER BY n DESC, 1 LIMIT @top";
	if (read_list(r, prep(r, tops, f, "<>"), &r->unrec_top, false) < 0 ||
	    read_list(r, prep(r, tops, f, "="), &r->foreign_top, false) < 0)
		goto out;
	ret = 0;
out:
	sqlite3_free(f);
	return ret;
}

/* ---- advice for a group */

struct advice {
	struct codes_info reply, enhanced;
	bool has_reply, has_enhanced;
	struct reason_info reason;
	bool has_reason;
	const char *fix_sender, *fix_admin;   /* the most specific known texts, or NULL */
};

static void advice_for(const struct group *g, enum codes_lang lang, struct advice *a)
{
	memset(a, 0, sizeof *a);
	a->has_reply = g->code && codes_reply(g->code, lang, &a->reply);
	a->has_enhanced = g->enhanced && codes_enhanced(g->enhanced, lang, &a->enhanced);
	a->has_reason = g->reason && reasons_text(g->reason, lang, &a->reason);
	/* The enhanced code is the more specific when the table knows it;
	 * otherwise the reply code's entry, then whatever generic text exists. */
	const struct codes_info *pick = NULL;
	if (a->has_enhanced && a->enhanced.known)
		pick = &a->enhanced;
	else if (a->has_reply && a->reply.known)
		pick = &a->reply;
	else if (a->has_enhanced)
		pick = &a->enhanced;
	else if (a->has_reply)
		pick = &a->reply;
	/* A recognized reason's remedy is specific to what the server said; the
	 * code's general fix texts would only repeat or blur it. */
	if (pick && !a->has_reason) {
		a->fix_sender = pick->fix_sender;
		a->fix_admin = pick->fix_admin;
	}
}

/* ---- text helpers: UTF-8 aware cleaning and wrapping */

/* u8_next - the code point at s[i..n) and its length; invalid bytes give
 * U+FFFD with length 1 */
static size_t u8_next(const unsigned char *s, size_t n, size_t i, uint32_t *cp)
{
	unsigned c = s[i];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	if (i + len > n)
		goto bad;
	for (size_t k = 1; k < len; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		goto bad;
	*cp = v;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}

/* cp_width - columns a code point takes in a terminal: 2 for East Asian wide */
static int cp_width(uint32_t cp)
{
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* put_cp - append a code point as UTF-8; control characters become '?' so
 * that a log line cannot move the cursor of whoever reads the report */
static void put_cp(struct sl_buf *b, uint32_t cp)
{
	char u[4];
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		cp = cp == '\t' ? ' ' : '?';
	if (cp < 0x80) {
		sl_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		sl_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		sl_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		sl_buf_add(b, u, 4);
	}
}

/* text_width - display columns of s */
static size_t text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += u8_next(p, n, i, &cp);
		w += (size_t)cp_width(cp);
	}
	return w;
}

static void put_clean(struct sl_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += u8_next(p, n, i, &cp);
		put_cp(b, cp);
	}
}

static void pad(struct sl_buf *b, size_t n)
{
	while (n-- > 0)
		sl_buf_addc(b, ' ');
}

/* is_closing_punct - CJK punctuation that must not start a line */
static bool is_closing_punct(uint32_t cp)
{
	switch (cp) {
	case 0x3001: case 0x3002: case 0xff0c: case 0xff0e: case 0xff1a: case 0xff1b:
	case 0xff01: case 0xff1f: case 0xff09: case 0x300d: case 0x300f: case 0x3011:
	case 0x3009: case 0x300b: case 0x30fc: case 0xff5e: case 0x2019: case 0x201d:
		return true;
	default:
		return false;
	}
}

/* wrap - append s, cleaned, at column *col, breaking lines at spaces (or
 * between characters for text without spaces, such as Japanese) before
 * REPORT_WIDTH; continuation lines start at column indent */
static void wrap(struct sl_buf *b, const char *s, size_t *col, size_t indent)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	bool line_empty = true;
	while (i < n) {
		if (p[i] == ' ' || p[i] == '\n' || p[i] == '\t') {
			i++;
			continue;
		}
		size_t end = i, w = 0, first_w = 0;
		bool wide = false, first_done = false;
		int first_class = -1;
		while (end < n && p[end] != ' ' && p[end] != '\n' && p[end] != '\t') {
			uint32_t cp;
			end += u8_next(p, n, end, &cp);
			int cw = cp_width(cp);
			w += (size_t)cw;
			/* Hangul words are separated by spaces: keep them whole */
			wide = wide || (cw == 2 && !(cp >= 0xac00 && cp <= 0xd7a3) &&
			                !(cp >= 0x1100 && cp <= 0x115f));
			/* the first unit (as in the loop below) must fit after the space */
			if (!first_done) {
				if (first_class < 0 || is_closing_punct(cp) || (first_class == 1 && cw == 1)) {
					first_w += (size_t)cw;
					if (first_class < 0)
						first_class = cw;
				} else {
					first_done = true;
				}
			}
		}
		/* A word holding Chinese or Japanese characters may break
		 * anywhere, so it fills the line instead of moving down whole. */
		if (!line_empty && *col + 1 + (wide ? first_w : w) > REPORT_WIDTH) {
			sl_buf_addc(b, '\n');
			pad(b, indent);
			*col = indent;
			line_empty = true;
		} else if (!line_empty) {
			sl_buf_addc(b, ' ');
			(*col)++;
		}
		while (i < end) {
			/* Break between units: one wide character, or a run of narrow
			 * ones (an identifier, a number, a code), each with the closing
			 * punctuation that follows it, so no line starts with "、" and
			 * default_destination_concurrency_limit stays whole. */
			size_t uend = i, uw = 0;
			uint32_t cp;
			size_t len = u8_next(p, n, uend, &cp);
			bool narrow = cp_width(cp) == 1;
			do {
				uend += len;
				uw += (size_t)cp_width(cp);
				if (uend >= end)
					break;
				len = u8_next(p, n, uend, &cp);
			} while ((narrow && cp_width(cp) == 1) || is_closing_punct(cp));
			if (*col + uw > REPORT_WIDTH && *col > indent && indent + uw <= REPORT_WIDTH) {
				sl_buf_addc(b, '\n');
				pad(b, indent);
				*col = indent;
			}
			while (i < uend) {
				len = u8_next(p, n, i, &cp);
				size_t cw = (size_t)cp_width(cp);
				if (*col + cw > REPORT_WIDTH && *col > indent) {
					/* only a unit longer than a whole line breaks inside */
					sl_buf_addc(b, '\n');
					pad(b, indent);
					*col = indent;
				}
				put_cp(b, cp);
				*col += cw;
				i += len;
			}
		}
		line_empty = false;
	}
}

/* ---- text */

static void text_heading(struct sl_buf *b, const char *h, char under)
{
	sl_buf_addc(b, '\n');
	put_clean(b, h);
	sl_buf_addc(b, '\n');
	for (size_t i = text_width(h); i > 0; i--)
		sl_buf_addc(b, under);
	sl_buf_addc(b, '\n');
}

/* text_total - "  label ......... 123  extra" with aligned numbers */
static void text_total(struct sl_buf *b, const char *label, int64_t n, const char *extra)
{
	/* columns by display width, so that CJK labels align with the rest */
	size_t w = text_width(label), gap = w < 36 ? 36 - w : 1;
	sl_buf_adds(b, "  ");
	put_clean(b, label);
	pad(b, gap);
	sl_buf_addf(b, "%10lld", (long long)n);
	if (extra && *extra) {
		size_t col = 2 + w + gap + 10 + 1;
		sl_buf_addc(b, ' ');
		wrap(b, extra, &col, 49);
	}
	sl_buf_addc(b, '\n');
}

/* How a list's keys are shown: as stored (NULL), or through a label function
 * for keys that are words of smtplog's own (event kinds, "(other)"). */
typedef const char *key_label_fn(const char *key, enum codes_lang lang);

/* list_text - "a (3), b (2)" into t (reset first) */
static void list_text(struct sl_buf *t, const struct list *l, key_label_fn *show,
                      enum codes_lang lang)
{
	sl_buf_reset(t);
	for (size_t i = 0; i < l->n; i++)
		sl_buf_addf(t, "%s%s (%lld)", i ? ", " : "",
		            show ? show(l->v[i].key, lang) : l->v[i].key, (long long)l->v[i].n);
}

/* field_column - the column where the texts of "Label: text" fields start:
 * after the widest label of the language, and at least at column 16 */
static size_t field_column(enum codes_lang lang)
{
	static const enum codes_heading labels[] = {
		CODES_H_REPORT_DOMAINS, CODES_H_REPORT_HOSTS, CODES_H_REPORT_CLIENTS,
		CODES_H_REPORT_REPLY, CODES_H_REPORT_MEANING, CODES_H_REASON, CODES_H_DIAGNOSIS,
		CODES_H_REMEDY, CODES_H_REPORT_SAMPLE,
	};
	size_t at = 16;
	for (size_t i = 0; i < SL_ARRAY_LEN(labels); i++) {
		size_t c = 4 + text_width(codes_heading(labels[i], lang)) + 2;   /* ": " */
		if (c > at)
			at = c;
	}
	return at;
}

/* text_field - "    Label:  text", the text from column at (see
 * field_column) and wrapped under itself; columns count display width, so
 * Japanese, Korean and Chinese labels line up too */
static void text_field(struct sl_buf *b, const char *label, const char *text, size_t at)
{
	if (!text || !*text)
		return;
	sl_buf_adds(b, "    ");
	put_clean(b, label);
	sl_buf_addc(b, ':');
	size_t col = 4 + text_width(label) + 1;
	if (col < at) {
		pad(b, at - col);
		col = at;
	} else {
		sl_buf_addc(b, ' ');
		col++;
	}
	/* a label wider than the column (the forwarding's longer ones) moves
	 * the text right; keep the wrapped lines under it unless that leaves
	 * too little room */
	wrap(b, text, &col, col <= 40 ? col : at);
	sl_buf_addc(b, '\n');
}

/* text_para - a label on its own line, then the text indented */
static void text_para(struct sl_buf *b, const char *label, const char *text)
{
	if (!text || !*text)
		return;
	sl_buf_adds(b, "    ");
	put_clean(b, label);
	sl_buf_adds(b, ":\n      ");
	size_t col = 6;
	wrap(b, text, &col, 6);
	sl_buf_addc(b, '\n');
}

/* group_title - "451 4.7.1 greylisting" */
static void group_title(struct sl_buf *t, const struct group *g, enum codes_lang lang)
{
	sl_buf_reset(t);
	if (g->code)
		sl_buf_addf(t, "%d", g->code);
	if (g->enhanced)
		sl_buf_addf(t, "%s%s", t->len ? " " : "", g->enhanced);
	if (!g->code && !g->enhanced)
		sl_buf_addf(t, "(%s)", codes_heading(CODES_H_REPORT_NO_CODE, lang));
	if (g->reason)
		sl_buf_addf(t, " %s", g->reason);
}

/* meaning - "451 Local Error; 4.7.1 Delivery not authorized" */
static void meaning(struct sl_buf *t, const struct group *g, const struct advice *a)
{
	sl_buf_reset(t);
	if (a->has_reply)
		sl_buf_addf(t, "%d %s", g->code, a->reply.title);
	if (a->has_enhanced)
		sl_buf_addf(t, "%s%s %s", t->len ? "; " : "", g->enhanced, a->enhanced.title);
}

static void text_groups(struct report *r, struct sl_buf *b, enum section sec, struct sl_buf *t)
{
	const struct section_def *d = &sections[sec];
	enum codes_lang lang = r->lang;
	size_t at = field_column(lang);
	text_heading(b, codes_heading(d->heading, lang), '-');
	if (r->ngroups[sec] == 0) {
		sl_buf_addf(b, "  %s\n", codes_heading(CODES_H_REPORT_NONE, lang));
		return;
	}
	for (size_t i = 0; i < r->ngroups[sec]; i++) {
		const struct group *g = &r->groups[sec][i];
		struct advice a;
		advice_for(g, lang, &a);
		group_title(t, g, lang);
		sl_buf_adds(b, i ? "\n  " : "  ");
		put_clean(b, t->data);
		sl_buf_reset(t);
		expand(t, codes_heading(d->counts, lang), g->count, g->distinct, NULL, NULL);
		sl_buf_adds(b, ": ");
		put_clean(b, t->data);
		sl_buf_addc(b, '\n');
		list_text(t, &g->domains, NULL, lang);
		text_field(b, codes_heading(CODES_H_REPORT_DOMAINS, lang), t->data, at);
		list_text(t, &g->hosts, NULL, lang);
		text_field(b, codes_heading(d->host_label, lang), t->data, at);
		text_field(b, codes_heading(CODES_H_REPORT_REPLY, lang), g->sample, at);
		meaning(t, g, &a);
		text_field(b, codes_heading(CODES_H_REPORT_MEANING, lang), t->data, at);
		if (a.has_reason) {
			text_field(b, codes_heading(CODES_H_REASON, lang), a.reason.title, at);
			text_field(b, codes_heading(CODES_H_DIAGNOSIS, lang), a.reason.diagnosis, at);
			text_field(b, codes_heading(CODES_H_REMEDY, lang), a.reason.remedy, at);
		}
		text_para(b, codes_heading(CODES_H_FIX_SENDER, lang), a.fix_sender);
		text_para(b, codes_heading(CODES_H_FIX_ADMIN, lang), a.fix_admin);
	}
}

/* text_pairs - "    recipient -> target (n)" rows */
static void text_pairs(struct sl_buf *b, const char *label, int64_t total, const struct list *l)
{
	sl_buf_adds(b, "  ");
	put_clean(b, label);
	sl_buf_addf(b, ": %lld\n", (long long)total);
	for (size_t i = 0; i < l->n; i++) {
		struct sl_buf line;
		sl_buf_init(&line);
		sl_buf_addf(&line, "%s%s%s (%lld)", l->v[i].key, l->v[i].key2 ? " -> " : "",
		            l->v[i].key2 ? l->v[i].key2 : "", (long long)l->v[i].n);
		size_t col = 4;
		sl_buf_adds(b, "    ");
		wrap(b, line.data, &col, 6);
		sl_buf_addc(b, '\n');
		sl_buf_release(&line);
	}
}

/* scope_files - "a.log (100 lines), b.log (20 lines), +3 more files" into t (reset first) */
static void scope_files(const struct report *r, struct sl_buf *t)
{
	enum codes_lang lang = r->lang;
	sl_buf_reset(t);
	for (size_t i = 0; i < r->files.n; i++) {
		sl_buf_addf(t, "%s%s (", i ? ", " : "", r->files.v[i].key);
		expand(t, codes_heading(CODES_H_REPORT_FILE_LINES, lang), r->files.v[i].n, 0, NULL,
		       NULL);
		sl_buf_addc(t, ')');
	}
	if (r->nfiles > (int64_t)r->files.n) {
		sl_buf_adds(t, ", ");
		expand(t, codes_heading(CODES_H_REPORT_MORE_FILES, lang),
		       r->nfiles - (int64_t)r->files.n, 0, NULL, NULL);
	}
}

/* scope_period - "FROM to TO (line counts cover whole files)" into t (reset first) */
static void scope_period(const struct report *r, struct sl_buf *t)
{
	enum codes_lang lang = r->lang;
	const char *from = r->since[0] ? r->opt->since : r->first_ts;
	const char *to = r->until[0] ? r->opt->until : r->last_ts;
	sl_buf_reset(t);
	expand(t, codes_heading(CODES_H_REPORT_PERIOD_RANGE, lang), 0, 0, from, to);
	if (r->since[0] || r->until[0])
		sl_buf_addf(t, " (%s)", codes_heading(CODES_H_REPORT_WHOLE_FILES, lang));
}

static void render_text(struct report *r, struct sl_buf *b)
{
	enum codes_lang lang = r->lang;
	struct sl_buf t;
	sl_buf_init(&t);
	const char *title = codes_heading(CODES_H_REPORT_TITLE, lang);
	put_clean(b, title);
	sl_buf_addc(b, '\n');
	for (size_t i = text_width(title); i > 0; i--)
		sl_buf_addc(b, '=');
	sl_buf_addc(b, '\n');

	/* scope */
	scope_files(r, &t);
	const char *label = codes_heading(CODES_H_REPORT_FILES, lang);
	put_clean(b, label);
	sl_buf_adds(b, ": ");
	size_t col = text_width(label) + 2;
	wrap(b, r->files.n ? t.data : "-", &col, 4);
	sl_buf_addc(b, '\n');
	scope_period(r, &t);
	label = codes_heading(CODES_H_REPORT_PERIOD, lang);
	put_clean(b, label);
	sl_buf_adds(b, ": ");
	col = text_width(label) + 2;
	wrap(b, t.data, &col, 4);
	sl_buf_addc(b, '\n');

	/* totals */
	const struct totals *x = &r->t;
	text_heading(b, codes_heading(CODES_H_TOTALS, lang), '-');
	text_total(b, codes_heading(CODES_H_REPORT_RECEIVED, lang), x->received, NULL);
	text_total(b, codes_heading(CODES_H_REPORT_DELIVERED, lang), x->delivered, NULL);
	sl_buf_reset(&t);
	sl_buf_addf(&t, "  %s", codes_heading(CODES_H_REPORT_OF_THEM_FORWARDED, lang));
	text_total(b, t.data, x->forwarded, NULL);
	sl_buf_reset(&t);
	expand(&t, codes_heading(CODES_H_REPORT_TOTAL_EVENTS_MESSAGES, lang), x->deferred_msgs, 0,
	       NULL, NULL);
	text_total(b, codes_heading(CODES_H_REPORT_DEFERRED, lang), x->deferred, t.data);
	sl_buf_reset(&t);
	expand(&t, codes_heading(CODES_H_REPORT_TOTAL_EVENTS_MESSAGES, lang), x->bounced_msgs, 0,
	       NULL, NULL);
	text_total(b, codes_heading(CODES_H_REPORT_BOUNCED, lang), x->bounced, t.data);
	text_total(b, codes_heading(CODES_H_REPORT_EXPIRED, lang), x->expired, NULL);
	sl_buf_reset(&t);
	sl_buf_addf(&t, "(4xx %lld, 5xx %lld)", (long long)x->rejected_4xx,
	            (long long)x->rejected_5xx);
	text_total(b, codes_heading(CODES_H_REPORT_REJECTED, lang),
	           x->rejected_4xx + x->rejected_5xx, t.data);
	text_total(b, codes_heading(CODES_H_REPORT_PROBES, lang), x->probes, NULL);
	text_total(b, codes_heading(CODES_H_REPORT_POLICY, lang), x->policy, NULL);
	text_total(b, codes_heading(CODES_H_REPORT_NOTIFICATIONS, lang), x->notifications, NULL);
	text_total(b, codes_heading(CODES_H_REPORT_LINES_READ, lang), x->lines, NULL);
	list_text(&t, &r->unrec_top, program_label, lang);
	text_total(b, codes_heading(CODES_H_REPORT_NOT_UNDERSTOOD, lang), x->unrecognized, t.data);
	list_text(&t, &r->foreign_top, program_label, lang);
	text_total(b, codes_heading(CODES_H_REPORT_OTHER_PROGRAMS, lang), x->foreign, t.data);
	text_total(b, codes_heading(CODES_H_REPORT_TRUNCATED, lang), x->truncated, NULL);

	for (int s = 0; s < SEC_COUNT; s++)
		text_groups(r, b, (enum section)s, &t);

	/* forwarding */
	size_t at = field_column(lang);
	text_heading(b, codes_heading(CODES_H_FORWARDING, lang), '-');
	text_pairs(b, codes_heading(CODES_H_REPORT_FWD_251, lang), r->n251, &r->fwd251);
	text_pairs(b, codes_heading(CODES_H_REPORT_FWD_551, lang), r->n551, &r->fwd551);
	text_pairs(b, codes_heading(CODES_H_REPORT_FWD_LOCAL, lang), r->nlocal, &r->fwd_local);
	if (r->copies) {
		sl_buf_adds(b, "  ");
		put_clean(b, codes_heading(CODES_H_REPORT_FWD_COPIES, lang));
		sl_buf_addf(b, ": %lld\n", (long long)r->copies);
		list_text(&t, &r->copy_outcomes, kind_label, lang);
		text_field(b, codes_heading(CODES_H_REPORT_FWD_COPY_OUTCOMES, lang), t.data, at);
		list_text(&t, &r->copy_targets, NULL, lang);
		text_field(b, codes_heading(CODES_H_REPORT_FWD_TARGETS, lang), t.data, at);
	}

	/* not understood */
	text_heading(b, codes_heading(CODES_H_UNRECOGNIZED, lang), '-');
	if (r->nunrec == 0)
		sl_buf_addf(b, "  %s\n", codes_heading(CODES_H_REPORT_NOTHING_DROPPED, lang));
	for (size_t i = 0; i < r->nunrec; i++) {
		const struct unrec *u = &r->unrec[i];
		sl_buf_adds(b, "  ");
		put_clean(b, u->program ? program_label(u->program, lang) : "");
		sl_buf_adds(b, " (");
		put_clean(b, u->reason ? unrec_reason_label(u->reason, lang) : "");
		sl_buf_addf(b, "): %lld\n", (long long)u->n);
		text_field(b, codes_heading(CODES_H_REPORT_SAMPLE, lang), u->sample, at);
	}
	sl_buf_release(&t);
}

/* ---- Markdown */

/* md - s with Markdown's special characters escaped, and no line breaks */
static void md(struct sl_buf *b, const char *s)
{
	struct sl_buf c;
	sl_buf_init(&c);
	put_clean(&c, s ? s : "");
	for (size_t i = 0; i < c.len; i++) {
		char ch = c.data[i];
		if (strchr("\\`*_[]<>|#~", ch))
			sl_buf_addc(b, '\\');
		sl_buf_addc(b, ch);
	}
	sl_buf_release(&c);
}

static void md_list(struct sl_buf *b, const char *label, const struct list *l,
                    key_label_fn *show, enum codes_lang lang)
{
	if (l->n == 0)
		return;
	sl_buf_adds(b, "- ");
	md(b, label);
	sl_buf_adds(b, ": ");
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			sl_buf_adds(b, ", ");
		md(b, show ? show(l->v[i].key, lang) : l->v[i].key);
		if (l->v[i].key2) {
			sl_buf_adds(b, " → ");
			md(b, l->v[i].key2);
		}
		sl_buf_addf(b, " (%lld)", (long long)l->v[i].n);
	}
	sl_buf_addc(b, '\n');
}

static void md_field(struct sl_buf *b, const char *label, const char *text)
{
	if (!text || !*text)
		return;
	sl_buf_adds(b, "- **");
	md(b, label);
	sl_buf_adds(b, ":** ");
	md(b, text);
	sl_buf_addc(b, '\n');
}

static void md_row(struct sl_buf *b, const char *label, int64_t n, const char *extra)
{
	sl_buf_adds(b, "| ");
	md(b, label);
	sl_buf_addf(b, " | %lld | ", (long long)n);
	md(b, extra ? extra : "");
	sl_buf_adds(b, " |\n");
}

static void render_markdown(struct report *r, struct sl_buf *b)
{
	enum codes_lang lang = r->lang;
	struct sl_buf t;
	sl_buf_init(&t);

	sl_buf_adds(b, "# ");
	md(b, codes_heading(CODES_H_REPORT_TITLE, lang));
	sl_buf_adds(b, "\n\n- ");
	md(b, codes_heading(CODES_H_REPORT_FILES, lang));
	sl_buf_adds(b, ": ");
	scope_files(r, &t);
	md(b, t.data);
	sl_buf_adds(b, "\n- ");
	md(b, codes_heading(CODES_H_REPORT_PERIOD, lang));
	sl_buf_adds(b, ": ");
	scope_period(r, &t);
	md(b, t.data);

	const struct totals *x = &r->t;
	sl_buf_adds(b, "\n\n## ");
	md(b, codes_heading(CODES_H_TOTALS, lang));
	sl_buf_adds(b, "\n\n| | ");
	md(b, codes_heading(CODES_H_REPORT_COUNT, lang));
	sl_buf_adds(b, " | |\n|---|---:|---|\n");
	md_row(b, codes_heading(CODES_H_REPORT_RECEIVED, lang), x->received, NULL);
	md_row(b, codes_heading(CODES_H_REPORT_DELIVERED, lang), x->delivered, NULL);
	md_row(b, codes_heading(CODES_H_REPORT_OF_THEM_FORWARDED, lang), x->forwarded, NULL);
	sl_buf_reset(&t);
	expand(&t, codes_heading(CODES_H_REPORT_TOTAL_EVENTS_MESSAGES, lang), x->deferred_msgs, 0,
	       NULL, NULL);
	md_row(b, codes_heading(CODES_H_REPORT_DEFERRED, lang), x->deferred, t.data);
	sl_buf_reset(&t);
	expand(&t, codes_heading(CODES_H_REPORT_TOTAL_EVENTS_MESSAGES, lang), x->bounced_msgs, 0,
	       NULL, NULL);
	md_row(b, codes_heading(CODES_H_REPORT_BOUNCED, lang), x->bounced, t.data);
	md_row(b, codes_heading(CODES_H_REPORT_EXPIRED, lang), x->expired, NULL);
	sl_buf_reset(&t);
	sl_buf_addf(&t, "4xx %lld, 5xx %lld", (long long)x->rejected_4xx,
	            (long long)x->rejected_5xx);
	md_row(b, codes_heading(CODES_H_REPORT_REJECTED, lang), x->rejected_4xx + x->rejected_5xx,
	       t.data);
	md_row(b, codes_heading(CODES_H_REPORT_PROBES, lang), x->probes, NULL);
	md_row(b, codes_heading(CODES_H_REPORT_POLICY, lang), x->policy, NULL);
	md_row(b, codes_heading(CODES_H_REPORT_NOTIFICATIONS, lang), x->notifications, NULL);
	md_row(b, codes_heading(CODES_H_REPORT_LINES_READ, lang), x->lines, NULL);
	list_text(&t, &r->unrec_top, program_label, lang);
	md_row(b, codes_heading(CODES_H_REPORT_NOT_UNDERSTOOD, lang), x->unrecognized, t.data);
	list_text(&t, &r->foreign_top, program_label, lang);
	md_row(b, codes_heading(CODES_H_REPORT_OTHER_PROGRAMS, lang), x->foreign, t.data);
	md_row(b, codes_heading(CODES_H_REPORT_TRUNCATED, lang), x->truncated, NULL);

	for (int s = 0; s < SEC_COUNT; s++) {
		const struct section_def *d = &sections[s];
		sl_buf_adds(b, "\n## ");
		md(b, codes_heading(d->heading, lang));
		sl_buf_adds(b, "\n");
		if (r->ngroups[s] == 0) {
			sl_buf_adds(b, "\n");
			md(b, codes_heading(CODES_H_REPORT_NONE, lang));
			sl_buf_adds(b, "\n");
		}
		for (size_t i = 0; i < r->ngroups[s]; i++) {
			const struct group *g = &r->groups[s][i];
			struct advice a;
			advice_for(g, lang, &a);
			group_title(&t, g, lang);
			sl_buf_adds(b, "\n### ");
			md(b, t.data);
			sl_buf_reset(&t);
			expand(&t, codes_heading(d->counts, lang), g->count, g->distinct, NULL, NULL);
			sl_buf_adds(b, ": ");
			md(b, t.data);
			sl_buf_adds(b, "\n\n");
			md_list(b, codes_heading(CODES_H_REPORT_DOMAINS, lang), &g->domains, NULL, lang);
			md_list(b, codes_heading(d->host_label, lang), &g->hosts, NULL, lang);
			md_field(b, codes_heading(CODES_H_REPORT_REPLY, lang), g->sample);
			meaning(&t, g, &a);
			md_field(b, codes_heading(CODES_H_REPORT_MEANING, lang), t.data);
			if (a.has_reason) {
				md_field(b, codes_heading(CODES_H_REASON, lang), a.reason.title);
				md_field(b, codes_heading(CODES_H_DIAGNOSIS, lang), a.reason.diagnosis);
				md_field(b, codes_heading(CODES_H_REMEDY, lang), a.reason.remedy);
			}
			md_field(b, codes_heading(CODES_H_FIX_SENDER, lang), a.fix_sender);
			md_field(b, codes_heading(CODES_H_FIX_ADMIN, lang), a.fix_admin);
		}
	}

	sl_buf_adds(b, "\n## ");
	md(b, codes_heading(CODES_H_FORWARDING, lang));
	sl_buf_adds(b, "\n\n");
	const struct {
		enum codes_heading label;
		int64_t n;
		const struct list *l;
	} fw[] = {
		{ CODES_H_REPORT_FWD_251, r->n251, &r->fwd251 },
		{ CODES_H_REPORT_FWD_551, r->n551, &r->fwd551 },
		{ CODES_H_REPORT_FWD_LOCAL, r->nlocal, &r->fwd_local },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(fw); i++) {
		sl_buf_adds(b, "- ");
		md(b, codes_heading(fw[i].label, lang));
		sl_buf_addf(b, ": %lld\n", (long long)fw[i].n);
		for (size_t k = 0; k < fw[i].l->n; k++) {
			const struct item *it = &fw[i].l->v[k];
			sl_buf_adds(b, "  - ");
			md(b, it->key);
			if (it->key2) {
				sl_buf_adds(b, " → ");
				md(b, it->key2);
			}
			sl_buf_addf(b, " (%lld)\n", (long long)it->n);
		}
	}
	if (r->copies) {
		sl_buf_adds(b, "- ");
		md(b, codes_heading(CODES_H_REPORT_FWD_COPIES, lang));
		sl_buf_addf(b, ": %lld\n", (long long)r->copies);
		md_list(b, codes_heading(CODES_H_REPORT_FWD_COPY_OUTCOMES, lang), &r->copy_outcomes,
		        kind_label, lang);
		md_list(b, codes_heading(CODES_H_REPORT_FWD_TARGETS, lang), &r->copy_targets, NULL,
		        lang);
	}

	sl_buf_adds(b, "\n## ");
	md(b, codes_heading(CODES_H_UNRECOGNIZED, lang));
	sl_buf_adds(b, "\n\n");
	if (r->nunrec == 0) {
		md(b, codes_heading(CODES_H_REPORT_NOTHING_DROPPED, lang));
		sl_buf_addc(b, '\n');
	} else {
		sl_buf_adds(b, "| ");
		md(b, codes_heading(CODES_H_REPORT_PROGRAM, lang));
		sl_buf_adds(b, " | ");
		md(b, codes_heading(CODES_H_REASON, lang));
		sl_buf_adds(b, " | ");
		md(b, codes_heading(CODES_H_REPORT_COUNT, lang));
		sl_buf_adds(b, " | ");
		md(b, codes_heading(CODES_H_REPORT_SAMPLE, lang));
		sl_buf_adds(b, " |\n|---|---|---:|---|\n");
		for (size_t i = 0; i < r->nunrec; i++) {
			sl_buf_adds(b, "| ");
			const struct unrec *u = &r->unrec[i];
			md(b, u->program ? program_label(u->program, lang) : NULL);
			sl_buf_adds(b, " | ");
			md(b, u->reason ? unrec_reason_label(u->reason, lang) : NULL);
			sl_buf_addf(b, " | %lld | ", (long long)u->n);
			md(b, u->sample);
			sl_buf_adds(b, " |\n");
		}
	}
	sl_buf_release(&t);
}

/* ---- JSON: stable English keys; values escaped by codes_json_string */

static void js(struct sl_buf *b, const char *s)
{
	if (s)
		codes_json_string(b, s);
	else
		sl_buf_adds(b, "null");
}

static void jkey(struct sl_buf *b, bool *first, const char *key)
{
	sl_buf_adds(b, *first ? "" : ",");
	*first = false;
	codes_json_string(b, key);
	sl_buf_addc(b, ':');
}

static void jnum(struct sl_buf *b, bool *first, const char *key, int64_t n)
{
	jkey(b, first, key);
	sl_buf_addf(b, "%lld", (long long)n);
}

static void jstr(struct sl_buf *b, bool *first, const char *key, const char *s)
{
	jkey(b, first, key);
	js(b, s);
}

static void jlist(struct sl_buf *b, bool *first, const char *key, const struct list *l,
                  const char *name1, const char *name2)
{
	jkey(b, first, key);
	sl_buf_addc(b, '[');
	for (size_t i = 0; i < l->n; i++) {
		bool f = true;
		sl_buf_adds(b, i ? ",{" : "{");
		jstr(b, &f, name1, l->v[i].key);
		if (name2)
			jstr(b, &f, name2, l->v[i].key2);
		jnum(b, &f, "count", l->v[i].n);
		sl_buf_addc(b, '}');
	}
	sl_buf_addc(b, ']');
}

static void json_code(struct sl_buf *b, bool *first, const char *key, const char *code,
                      const struct codes_info *ci)
{
	bool f = true;
	jkey(b, first, key);
	sl_buf_addc(b, '{');
	jstr(b, &f, "code", code);
	jstr(b, &f, "title", ci->title);
	jkey(b, &f, "known");
	sl_buf_adds(b, ci->known ? "true" : "false");
	sl_buf_addc(b, '}');
}

static void render_json(struct report *r, struct sl_buf *b)
{
	enum codes_lang lang = r->lang;
	bool f = true;
	sl_buf_addc(b, '{');
	jstr(b, &f, "title", codes_heading(CODES_H_REPORT_TITLE, lang));
	jstr(b, &f, "lang", codes_lang_name(lang));

	jkey(b, &f, "scope");
	{
		bool g = true;
		sl_buf_addc(b, '{');
		jlist(b, &g, "files", &r->files, "path", NULL);
		jnum(b, &g, "nfiles", r->nfiles);
		jstr(b, &g, "first_ts", r->first_ts);
		jstr(b, &g, "last_ts", r->last_ts);
		jstr(b, &g, "since", r->since[0] ? r->opt->since : NULL);
		jstr(b, &g, "until", r->until[0] ? r->opt->until : NULL);
		sl_buf_addc(b, '}');
	}

	const struct totals *x = &r->t;
	jkey(b, &f, "totals");
	{
		bool g = true;
		sl_buf_addc(b, '{');
		jnum(b, &g, "received", x->received);
		jnum(b, &g, "delivered", x->delivered);
		jnum(b, &g, "forwarded", x->forwarded);
		jnum(b, &g, "deferred", x->deferred);
		jnum(b, &g, "deferred_messages", x->deferred_msgs);
		jnum(b, &g, "bounced", x->bounced);
		jnum(b, &g, "bounced_messages", x->bounced_msgs);
		jnum(b, &g, "expired", x->expired);
		jnum(b, &g, "rejected", x->rejected_4xx + x->rejected_5xx);
		jnum(b, &g, "rejected_4xx", x->rejected_4xx);
		jnum(b, &g, "rejected_5xx", x->rejected_5xx);
		jnum(b, &g, "probes", x->probes);
		jnum(b, &g, "policy", x->policy);
		jnum(b, &g, "notifications", x->notifications);
		jnum(b, &g, "lines", x->lines);
		jnum(b, &g, "recognized", x->recognized);
		jnum(b, &g, "unrecognized", x->unrecognized);
		jnum(b, &g, "foreign", x->foreign);
		jnum(b, &g, "truncated", x->truncated);
		jlist(b, &g, "unrecognized_programs", &r->unrec_top, "program", NULL);
		jlist(b, &g, "foreign_programs", &r->foreign_top, "program", NULL);
		sl_buf_addc(b, '}');
	}

	for (int s = 0; s < SEC_COUNT; s++) {
		const struct section_def *d = &sections[s];
		jkey(b, &f, d->json_key);
		sl_buf_addc(b, '[');
		for (size_t i = 0; i < r->ngroups[s]; i++) {
			const struct group *gr = &r->groups[s][i];
			struct advice a;
			advice_for(gr, lang, &a);
			bool g = true;
			sl_buf_adds(b, i ? ",{" : "{");
			jkey(b, &g, "smtp_code");
			if (gr->code)
				sl_buf_addf(b, "%d", gr->code);
			else
				sl_buf_adds(b, "null");
			jstr(b, &g, "enhanced_code", gr->enhanced);
			jstr(b, &g, "reason", gr->reason);
			jnum(b, &g, "count", gr->count);
			jnum(b, &g, s == SEC_REJECTED ? "clients" : "messages", gr->distinct);
			jlist(b, &g, "domains", &gr->domains, "name", NULL);
			jlist(b, &g, s == SEC_REJECTED ? "clients_top" : "hosts", &gr->hosts, "name", NULL);
			jstr(b, &g, "sample_reply", gr->sample);
			jkey(b, &g, "advice");
			{
				bool h = true;
				char code[8];
				snprintf(code, sizeof code, "%d", gr->code);
				sl_buf_addc(b, '{');
				if (a.has_reply)
					json_code(b, &h, "reply", code, &a.reply);
				if (a.has_enhanced)
					json_code(b, &h, "enhanced", gr->enhanced, &a.enhanced);
				if (a.has_reason) {
					bool k = true;
					jkey(b, &h, "reason");
					sl_buf_addc(b, '{');
					jstr(b, &k, "id", a.reason.id);
					jstr(b, &k, "title", a.reason.title);
					jstr(b, &k, "diagnosis", a.reason.diagnosis);
					jstr(b, &k, "remedy", a.reason.remedy);
					sl_buf_addc(b, '}');
				}
				jstr(b, &h, "fix_sender", a.fix_sender);
				jstr(b, &h, "fix_admin", a.fix_admin);
				sl_buf_addc(b, '}');
			}
			sl_buf_addc(b, '}');
		}
		sl_buf_addc(b, ']');
	}

	jkey(b, &f, "forwarding");
	{
		bool g = true;
		sl_buf_addc(b, '{');
		jnum(b, &g, "accepted_251", r->n251);
		jlist(b, &g, "accepted_251_top", &r->fwd251, "recipient", "forward_to");
		jnum(b, &g, "user_not_local_551", r->n551);
		jlist(b, &g, "user_not_local_551_top", &r->fwd551, "recipient", "forward_to");
		jnum(b, &g, "local", r->nlocal);
		jlist(b, &g, "local_top", &r->fwd_local, "recipient", NULL);
		jnum(b, &g, "copies", r->copies);
		jlist(b, &g, "copy_outcomes", &r->copy_outcomes, "kind", NULL);
		jlist(b, &g, "copy_targets", &r->copy_targets, "recipient", NULL);
		sl_buf_addc(b, '}');
	}

	jkey(b, &f, "not_understood");
	sl_buf_addc(b, '[');
	for (size_t i = 0; i < r->nunrec; i++) {
		bool g = true;
		sl_buf_adds(b, i ? ",{" : "{");
		jstr(b, &g, "program", r->unrec[i].program);
		jstr(b, &g, "reason", r->unrec[i].reason);
		jnum(b, &g, "count", r->unrec[i].n);
		jstr(b, &g, "sample", r->unrec[i].sample);
		sl_buf_addc(b, '}');
	}
	sl_buf_adds(b, "]}\n");
}

/* ---- entry */

/* bound - an ISO 8601 bound as the text ts columns compare against: UTC,
 * and without the final 'Z', so that "…:01Z" and "…:01.5Z" both sort at
 * or after the bound "…:01". A date alone ("2026-11-23") is used as is. */
static int bound(struct report *r, const char *in, char out[SL_TIME_ISO_MAX], const char *name)
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
	return sl_error_set(r->err, SL_EUSAGE,
	                    "bad %s '%s' (expected ISO 8601, e.g. 2026-11-23T00:00:00Z)", name, in);
}

static void report_release(struct report *r)
{
	list_free(&r->files);
	list_free(&r->unrec_top);
	list_free(&r->foreign_top);
	list_free(&r->fwd251);
	list_free(&r->fwd551);
	list_free(&r->fwd_local);
	list_free(&r->copy_outcomes);
	list_free(&r->copy_targets);
	for (int s = 0; s < SEC_COUNT; s++) {
		for (size_t i = 0; i < r->ngroups[s]; i++) {
			struct group *g = &r->groups[s][i];
			free(g->enhanced);
			free(g->reason);
			free(g->sample);
			list_free(&g->domains);
			list_free(&g->hosts);
		}
		free(r->groups[s]);
	}
	for (size_t i = 0; i < r->nunrec; i++) {
		free(r->unrec[i].program);
		free(r->unrec[i].reason);
		free(r->unrec[i].sample);
	}
	free(r->unrec);
	free(r->first_ts);
	free(r->last_ts);
	sqlite3_free(r->src_in);
	sqlite3_free(r->ev_time);
	sqlite3_free(r->msg_time);
}

/* report_write - read the database and append the report to out */
int report_write(struct sqlite3 *db, const struct report_options *opt, struct sl_buf *out,
                 struct sl_error *err)
{
	struct report r;
	int ret = -1;
	memset(&r, 0, sizeof r);
	r.db = db;
	r.opt = opt;
	r.err = err;
	r.lang = (unsigned)opt->lang < CODES_LANG_COUNT ? opt->lang : CODES_EN;
	r.top = opt->top > 0 ? opt->top : REPORT_DEFAULT_TOP;

	if (bound(&r, opt->since, r.since, "--since") < 0 ||
	    bound(&r, opt->until, r.until, "--until") < 0)
		goto out;
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
		r.src_in = sqlite3_mprintf("%s", in.data);
		sl_buf_release(&in);
		if (!r.src_in)
			SL_BUG("out of memory in sqlite3_mprintf");
	}

	if (time_filters(&r) < 0 || read_scope(&r) < 0 || read_totals(&r) < 0)
		goto out;
	for (int s = 0; s < SEC_COUNT; s++)
		if (read_groups(&r, (enum section)s) < 0)
			goto out;
	if (read_forwarding(&r) < 0 || read_unrecognized(&r) < 0)
		goto out;

	switch (opt->format) {
	case REPORT_TEXT:
		render_text(&r, out);
		break;
	case REPORT_MARKDOWN:
		render_markdown(&r, out);
		break;
	case REPORT_JSON:
		render_json(&r, out);
		break;
	default:
		SL_BUG("unknown report format %d", (int)opt->format);
	}
	ret = 0;
out:
	report_release(&r);
	return ret;
}
