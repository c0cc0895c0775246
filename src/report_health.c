/* report_health: the daemon-health section of the report from the health
 * table (see docs/schema.md, written by store_health.c): MTA warnings,
 * errors, fatal errors and panics by program and message shape, SASL
 * authentication failures by client, TLS failures, postscreen counts.
 * Reads only. SPDX-License-Identifier: MIT */
#include "report.h"

#include <stdio.h>
#include <string.h>
#include <sqlite3.h>

static int fail(sqlite3 *db, struct sl_error *err, const char *what)
{
	return sl_error_set(err, SL_EDB, "cannot read the database (%s): %s", what,
	                    sqlite3_errmsg(db));
}

/* query - run sql (%s: the filter) into t, binding the period and the top */
static int query(sqlite3 *db, struct sl_error *err, const char *sql, const char *filter,
                 const char *since, const char *until, int top, struct rm_table *t)
{
	char *q = sqlite3_mprintf(sql, filter);
	sqlite3_stmt *s = NULL;
	if (!q)
		SL_BUG("out of memory in sqlite3_mprintf");
	int rc = sqlite3_prepare_v2(db, q, -1, &s, NULL);
	sqlite3_free(q);
	if (rc != SQLITE_OK)
		return fail(db, err, "prepare");
	int i;
	if ((i = sqlite3_bind_parameter_index(s, "@since")) > 0 && since[0])
		sqlite3_bind_text(s, i, since, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(s, "@until")) > 0 && until[0])
		sqlite3_bind_text(s, i, until, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(s, "@top")) > 0)
		sqlite3_bind_int(s, i, top);
	rc = report_table_rows(s, t);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : fail(db, err, "step");
}

/* omitted - how many groups of `by` (columns of h) beyond the t->nrows shown */
static int omitted(sqlite3 *db, struct sl_error *err, const char *by, const char *where,
                   const char *filter, const char *since, const char *until, struct rm_table *t)
{
	char *q = sqlite3_mprintf("SELECT count(*) FROM (SELECT 1 FROM health h WHERE %s AND %s"
	                          " GROUP BY %s)", filter, where, by);
	sqlite3_stmt *st = NULL;
	if (!q)
		SL_BUG("out of memory in sqlite3_mprintf");
	int rc = sqlite3_prepare_v2(db, q, -1, &st, NULL);
	sqlite3_free(q);
	if (rc != SQLITE_OK)
		return fail(db, err, "prepare");
	int i;
	if ((i = sqlite3_bind_parameter_index(st, "@since")) > 0 && since[0])
		sqlite3_bind_text(st, i, since, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, "@until")) > 0 && until[0])
		sqlite3_bind_text(st, i, until, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > (int64_t)t->nrows)
		t->omitted = sqlite3_column_int64(st, 0) - (int64_t)t->nrows;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : fail(db, err, "step");
}

#define LB(key) report_label(key, lang)

int report_health(struct sqlite3 *db, struct sl_error *err, enum codes_lang lang, int top,
                  const char *src_in, const char *since, const char *until,
                  struct rm_totals *t, struct rm_section *s)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
	                                " AND name = 'health'", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(db, err, "prepare");
	bool exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!exists) {
		s->note = xstrdup(LB("note.no_health"));
		return 0;
	}
	/* The table keeps an hour per row: a period is cut at whole hours. */
	char *filter = sqlite3_mprintf("%s%s%s%s%s",
		src_in ? "h.source_id IN " : "1", src_in ? src_in : "",
		since[0] ? " AND h.hour >= substr(@since, 1, 13)" : "",
		until[0] ? " AND h.hour < substr(@until, 1, 13)" : "", "");
	if (!filter)
		SL_BUG("out of memory in sqlite3_mprintf");
	int ret = -1;
	/* id: the category; what: its name in the report's language */
	struct rm_table *tot = rm_table_add(s, "severity", NULL);
	rm_col_add(tot, "id", LB("col.id"), RM_STR);
	rm_col_add(tot, "what", LB("col.category"), RM_STR);
	rm_col_add(tot, "count", LB("col.count"), RM_INT);
	if (query(db, err,
	          "SELECT h.category, NULL, sum(h.count) FROM health h WHERE %s GROUP BY 1"
	          " ORDER BY CASE h.category WHEN 'panic' THEN 0 WHEN 'fatal' THEN 1"
	          " WHEN 'error' THEN 2 WHEN 'warning' THEN 3 ELSE 4 END, 1",
	          filter, since, until, top, tot) < 0)
		goto out;
	for (size_t i = 0; i < tot->nrows; i++) {
		const char *cat = rm_cell(tot, i, 0)->s;
		int64_t n = (int64_t)rm_cell(tot, i, 2)->v;
		if (!cat)
			continue;
		char key[32];
		snprintf(key, sizeof key, "health.%s", cat);
		const char *what = report_label_opt(key, lang);
		rm_cell_str(rm_cell(tot, i, 1), what ? what : cat);
		if (strcmp(cat, "warning") == 0)
			t->warnings = n;
		else if (strcmp(cat, "error") == 0)
			t->errors = n;
		else if (strcmp(cat, "fatal") == 0)
			t->fatal = n;
		else if (strcmp(cat, "panic") == 0)
			t->panic = n;
		else if (strcmp(cat, "sasl") == 0)
			t->sasl = n;
		else if (strcmp(cat, "tls") == 0)
			t->tls = n;
	}
	/* rm_table_add moves the tables: pointers are taken once all are added */
	size_t first = s->ntables;
	rm_table_add(s, "messages", LB("table.health_messages"));
	rm_table_add(s, "sasl", LB("table.sasl"));
	rm_table_add(s, "tls", LB("table.tls"));
	rm_table_add(s, "postscreen", LB("table.postscreen"));
	struct rm_table *m = &s->tables[first], *sasl = &s->tables[first + 1],
	                *tls = &s->tables[first + 2], *ps = &s->tables[first + 3];
	rm_col_add(m, "category", LB("col.category"), RM_STR);
	rm_col_add(m, "program", LB("col.program"), RM_STR);
	rm_col_add(m, "count", LB("col.count"), RM_INT);
	rm_col_add(m, "shape", LB("col.message"), RM_STR);
	rm_col_add(m, "sample", LB("col.sample"), RM_STR);
	m->cols[4].wrap = true;
	rm_col_add(sasl, "client", LB("col.client"), RM_STR);
	rm_col_add(sasl, "count", LB("col.count"), RM_INT);
	rm_col_add(tls, "shape", LB("col.message"), RM_STR);
	rm_col_add(tls, "count", LB("col.count"), RM_INT);
	rm_col_add(ps, "verdict", LB("col.verdict"), RM_STR);
	rm_col_add(ps, "count", LB("col.count"), RM_INT);
	if (query(db, err,
	          "SELECT h.category, h.program, sum(h.count) AS n, h.shape, min(h.sample)"
	          " FROM health h WHERE %s AND h.category IN ('panic', 'fatal', 'error', 'warning')"
	          " GROUP BY 1, 2, 4 ORDER BY CASE h.category WHEN 'panic' THEN 0 WHEN 'fatal'"
	          " THEN 1 WHEN 'error' THEN 2 ELSE 3 END, n DESC, 2, 4 LIMIT @top",
	          filter, since, until, top, m) < 0 ||
	    query(db, err,
	          "SELECT h.client, sum(h.count) AS n FROM health h WHERE %s AND h.category = 'sasl'"
	          " GROUP BY 1 ORDER BY n DESC, 1 LIMIT @top", filter, since, until, top, sasl) < 0 ||
	    query(db, err,
	          "SELECT h.shape, sum(h.count) AS n FROM health h WHERE %s AND h.category = 'tls'"
	          " GROUP BY 1 ORDER BY n DESC, 1 LIMIT @top", filter, since, until, top, tls) < 0 ||
	    query(db, err,
	          "SELECT h.shape, sum(h.count) AS n FROM health h WHERE %s"
	          " AND h.category = 'postscreen' GROUP BY 1 ORDER BY n DESC, 1", filter, since,
	          until, top, ps) < 0 ||
	    omitted(db, err, "h.category, h.program, h.shape",
	            "h.category IN ('panic', 'fatal', 'error', 'warning')", filter, since, until, m) < 0 ||
	    omitted(db, err, "h.client", "h.category = 'sasl'", filter, since, until, sasl) < 0 ||
	    omitted(db, err, "h.shape", "h.category = 'tls'", filter, since, until, tls) < 0)
		goto out;
	/* an empty table says something only in the full report: the first
	 * screens stay short (a server without postscreen or SASL) */
	for (size_t k = first; k < s->ntables; k++)
		if (s->tables[k].nrows == 0)
			s->tables[k].detail = REPORT_DETAIL_MAX;
	if (s->tables[first - 1].nrows == 0)
		s->note = xstrdup(LB("note.health_quiet"));
	ret = 0;
out:
	sqlite3_free(filter);
	return ret;
}
