/* test_report_groups: the failure groups counted in one pass
 * (report_groups_count) against the SQL the report used for them (a copy of
 * report.c's read_groups, read_group_tops and the rejections' lists): on
 * random rows from small value sets, so that counts tie, codes and texts are
 * NULL or not, replies shape alike, values counted distinct mix types; and
 * a budget too small for the groups gives none (the report then asks SQL). */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

#include "testutil.h"
#include "report.h"
#include "shape.h"
#include "util.h"

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	return s;
}

static sqlite3 *open_db(void)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(report_register_functions(db), SQLITE_OK);
	/* dv without a type: its values keep theirs (integers, reals, texts) */
	exec(db, "CREATE TABLE e (id INTEGER PRIMARY KEY, smtp_code INTEGER, enhanced_code TEXT,"
	         " reason TEXT, reply TEXT, kind TEXT, dv, recipient_domain TEXT, host TEXT,"
	         " client_helo TEXT, sender TEXT)");
	return db;
}

#define PICK(v) (v)[rand() % (int)SL_ARRAY_LEN(v)]

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static void fill(sqlite3 *db, int rows)
{
	static const int codes[] = { 0, 0, 450, 451, 550 };
	static const char *const enh[] = { NULL, NULL, "4.7.1", "5.1.1", "5.1.10" };
	static const char *const reasons[] = { NULL, "greylisting", "user-unknown", "Greylisting" };
	static const char *const replies[] = {
		NULL, "Sender verify failed", "user <a@x.org> unknown", "user <b@y.org> unknown",
		"host [192.0.2.1] refused", "host [192.0.2.7] refused", "Access denied", "",
	};
	static const char *const kinds[] = { "deferred", "deferred", "bounced", "expired" };
	static const char *const domains[] = { NULL, "a.org", "A.org", "a.or", "b.org", "", "a.org\xc3\xa9" };
	static const char *const hosts[] = { NULL, "mx.a.org", "mx.b.org", "[192.0.2.1]", "mx.a.or" };
	static const char *const helos[] = { NULL, "x", "y", "Y", "xx" };
	static const char *const senders[] = { NULL, "", "<>", "s@a.org", "S@a.org" };
	exec(db, "DELETE FROM e");
	sqlite3_stmt *s = prep(db, "INSERT INTO e VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	for (int i = 0; i < rows; i++) {
		/* ids out of order, some far apart */
		sqlite3_bind_int64(s, 1, (int64_t)((i * 7919) % 1009) + (i % 3 ? 0 : INT64_C(1) << 45));
		int code = PICK(codes);
		if (code)
			sqlite3_bind_int(s, 2, code);
		else
			sqlite3_bind_null(s, 2);
		bind_text(s, 3, PICK(enh));
		bind_text(s, 4, PICK(reasons));
		bind_text(s, 5, PICK(replies));
		bind_text(s, 6, PICK(kinds));
		switch (rand() % 6) {
		case 0: sqlite3_bind_null(s, 7); break;
		case 1: sqlite3_bind_int(s, 7, rand() % 4); break;
		case 2: sqlite3_bind_double(s, 7, (double)(rand() % 4)); break;
		case 3: sqlite3_bind_double(s, 7, 0.5); break;
		case 4: sqlite3_bind_text(s, 7, rand() % 2 ? "1" : "x", -1, SQLITE_STATIC); break;
		default: sqlite3_bind_text(s, 7, rand() % 2 ? "192.0.2.1" : "mx.a.org", -1,
		                           SQLITE_STATIC); break;
		}
		bind_text(s, 8, PICK(domains));
		bind_text(s, 9, PICK(hosts));
		bind_text(s, 10, PICK(helos));
		bind_text(s, 11, PICK(senders));
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
}

static const char *col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static void same_text(const char *sql, const char *counted)
{
	if (!sql || !counted)
		assert_ptr_equal(sql, counted);
	else
		assert_string_equal(counted, sql);
}

#define SHAPE "CASE WHEN smtp_code IS NULL AND enhanced_code IS NULL THEN smtplog_reply_shape(reply) END"
#define KEY "smtp_code, enhanced_code, reason, " SHAPE

/* same_group - whether an SQL row (code, enhanced, reason, shape) names g */
static bool same_group(sqlite3_stmt *s, const struct rm_group *g)
{
	const char *enh = col(s, 1), *reason = col(s, 2), *shape = col(s, 3);
	return g->code == sqlite3_column_int(s, 0) &&
	       (g->enhanced ? enh && strcmp(g->enhanced, enh) == 0 : !enh) &&
	       (g->reason ? reason && strcmp(g->reason, reason) == 0 : !reason) &&
	       (g->status ? shape && strcmp(g->status, shape) == 0 : !shape);
}

/* check_tops - an SQL top list (report.c's read_group_tops) against the counted */
static void check_tops(sqlite3 *db, const struct report_group_counts *gc, const char *k,
                       int top, bool hosts)
{
	char *sql = sqlite3_mprintf(
		"SELECT smtp_code, enhanced_code, reason, shape, k, n FROM ("
		" SELECT smtp_code, enhanced_code, reason, " SHAPE " AS shape, %s AS k, count(*) AS n,"
		"  row_number() OVER (PARTITION BY " KEY " ORDER BY count(*) DESC, %s) AS rank"
		" FROM e WHERE (%s) IS NOT NULL GROUP BY " KEY ", k)"
		" WHERE rank <= %d ORDER BY smtp_code, enhanced_code, reason, shape, rank",
		k, k, k, top);
	sqlite3_stmt *s = prep(db, sql);
	sqlite3_free(sql);
	size_t *seen = xcalloc(gc->ngroups + 1, sizeof *seen);
	while (sqlite3_step(s) == SQLITE_ROW) {
		size_t g = 0;
		while (g < gc->ngroups && !same_group(s, &gc->groups[g]))
			g++;
		assert_true(g < gc->ngroups);
		const struct rm_group *grp = &gc->groups[g];
		size_t n = hosts ? grp->nhosts : grp->ndomains;
		const struct rm_top *list = hosts ? grp->hosts : grp->domains;
		assert_true(seen[g] < n);
		assert_string_equal(list[seen[g]].key, col(s, 4));
		assert_int_equal(list[seen[g]].n, sqlite3_column_int64(s, 5));
		seen[g]++;
	}
	sqlite3_finalize(s);
	for (size_t g = 0; g < gc->ngroups; g++)
		assert_int_equal(seen[g], hosts ? gc->groups[g].nhosts : gc->groups[g].ndomains);
	free(seen);
}

static void check_list(sqlite3 *db, const char *sql, const struct report_group_key *v, size_t n,
                       bool helo)
{
	sqlite3_stmt *s = prep(db, sql);
	size_t i = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		assert_true(i < n);
		assert_string_equal(v[i].key, col(s, 0));
		if (helo)
			same_text(col(s, 1), v[i].helo);
		assert_int_equal(v[i].n, sqlite3_column_int64(s, helo ? 2 : 1));
		i++;
	}
	assert_int_equal(i, n);
	sqlite3_finalize(s);
}

static void check(sqlite3 *db, int top)
{
	sqlite3_stmt *rows = prep(db,
		"SELECT smtp_code, enhanced_code, reason, reply, kind, id, dv, recipient_domain, host,"
		" client_helo, CASE WHEN sender = '' THEN '<>' ELSE sender END FROM e");
	struct report_group_counts gc;
	assert_int_equal(report_groups_count(rows, true, top, 1u << 20, &gc), 0);
	sqlite3_finalize(rows);
	assert_true(gc.ok);
	sqlite3_stmt *s = prep(db,
		"SELECT smtp_code, enhanced_code, reason, " SHAPE " AS shape, count(*) AS n,"
		" count(DISTINCT dv), min((reply IS NULL) * 4611686018427387904 + id), reply,"
		" CASE WHEN min(kind) = max(kind) THEN min(kind) END"
		" FROM e GROUP BY " KEY " ORDER BY n DESC, smtp_code, enhanced_code, reason, shape");
	size_t i = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		assert_true(i < gc.ngroups);
		const struct rm_group *g = &gc.groups[i];
		assert_true(same_group(s, g));
		assert_int_equal(g->count, sqlite3_column_int64(s, 4));
		assert_int_equal(g->distinct, sqlite3_column_int64(s, 5));
		same_text(col(s, 7), g->sample);
		same_text(col(s, 8), gc.kinds[i]);
		i++;
	}
	sqlite3_finalize(s);
	assert_int_equal(i, gc.ngroups);
	check_tops(db, &gc, "recipient_domain", top, false);
	check_tops(db, &gc, "host", top, true);
	char *sql = sqlite3_mprintf("SELECT host AS k, max(client_helo), count(*) AS n FROM e"
	                            " WHERE k IS NOT NULL GROUP BY k ORDER BY n DESC, k LIMIT %d", top);
	check_list(db, sql, gc.clients, gc.nclients, true);
	sqlite3_free(sql);
	sql = sqlite3_mprintf("SELECT CASE WHEN sender = '' THEN '<>' ELSE sender END AS k,"
	                      " count(*) AS n FROM e WHERE sender IS NOT NULL GROUP BY k"
	                      " ORDER BY n DESC, k LIMIT %d", top);
	check_list(db, sql, gc.senders, gc.nsenders, false);
	sqlite3_free(sql);
	report_group_counts_free(&gc);
}

static void test_same_as_sql(void **state)
{
	(void)state;
	sqlite3 *db = open_db();
	srand(13);
	static const int tops[] = { 1, 2, 5, 100 };
	for (int round = 0; round < 60; round++) {
		fill(db, round < 10 ? round : 20 + rand() % 400);
		check(db, tops[round % 4]);
	}
	sqlite3_close(db);
}

static void test_budget(void **state)
{
	(void)state;
	sqlite3 *db = open_db();
	srand(7);
	fill(db, 300);
	static const size_t budgets[] = { 0, 1, 100, 4096 };
	for (size_t b = 0; b < SL_ARRAY_LEN(budgets); b++) {
		sqlite3_stmt *rows = prep(db,
			"SELECT smtp_code, enhanced_code, reason, reply, kind, id, dv, recipient_domain,"
			" host, client_helo, sender FROM e");
		struct report_group_counts gc;
		assert_int_equal(report_groups_count(rows, true, 5, budgets[b], &gc), 0);
		sqlite3_finalize(rows);
		assert_false(gc.ok);
		assert_int_equal(gc.ngroups, 0);
		report_group_counts_free(&gc);
	}
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_sql),
		cmocka_unit_test(test_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
