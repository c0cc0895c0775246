/* test_sqlext: the SQL functions, and the views on a fresh database. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "codes_sql.h"
#include "sqlext.h"
#include "store.h"

/* one_text - the first column of the first row as text ("NULL" for NULL,
 * "ERROR: ..." for an error), into buf */
static const char *one_text(sqlite3 *db, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(buf, size, "ERROR: %s", sqlite3_errmsg(db));
		return buf;
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf, size, "%s", sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL"
		                          : (const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_DONE)
		snprintf(buf, size, "no row");
	else
		snprintf(buf, size, "ERROR: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return buf;
}

static void test_functions(void **state)
{
	(void)state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlext_register(db), SQLITE_OK);
	static const struct {
		const char *sql, *want;
	} cases[] = {
		{ "SELECT domain_of('Bob@Example.ORG')", "example.org" },
		{ "SELECT domain_of('<a@b.example>')", "b.example" },
		{ "SELECT domain_of('a@b@c.example')", "c.example" },
		{ "SELECT domain_of('postmaster')", "NULL" },
		{ "SELECT domain_of(NULL)", "NULL" },
		{ "SELECT code_class(250)", "success" },
		{ "SELECT code_class('354')", "intermediate" },
		{ "SELECT code_class(451)", "transient" },
		{ "SELECT code_class('5.7.26')", "permanent" },
		{ "SELECT code_class(199)", "NULL" },
		{ "SELECT code_class('hello')", "NULL" },
		{ "SELECT code_title(550)", "Mailbox Unavailable" },
		{ "SELECT code_title('5.1.1', 'en')", "Bad Destination Mailbox Address" },
		{ "SELECT code_title(550, 'fr')", "ERROR: unknown language (expected en, ja, ko or zh)" },
		{ "SELECT advice('no-such-thing')", "NULL" },
		{ "SELECT advice('greylisting') LIKE 'Nothing to do%'", "1" },
		{ "SELECT advice('greylisting', 'ja') <> advice('greylisting', 'en')", "1" },
		{ "SELECT advice(421) IS NOT NULL", "1" },
	};
	char buf[512];
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		const char *got = one_text(db, cases[i].sql, buf, sizeof buf);
		if (strcmp(got, cases[i].want) != 0) {
			print_error("%s: got \"%s\", want \"%s\"\n", cases[i].sql, got, cases[i].want);
			fail();
		}
	}
	sqlite3_close(db);
}

static void test_views(void **state)
{
	(void)state;
	struct sl_error err;
	struct store *st = store_open(":memory:", &err);
	assert_non_null(st);
	sqlite3 *db = store_db(st);
	assert_int_equal(codes_sql_load(db, &err), 0);
	char before[64], after[64], buf[512], sql[128];
	assert_int_equal(sqlext_views_load(db, &err), 0);
	one_text(db, "PRAGMA schema_version", before, sizeof before);
	assert_int_equal(sqlext_views_load(db, &err), 0);   /* again: nothing written */
	assert_string_equal(one_text(db, "PRAGMA schema_version", after, sizeof after), before);
	/* an old definition is replaced */
	assert_int_equal(sqlite3_exec(db, "DROP VIEW v_daily_volume; CREATE VIEW v_daily_volume AS SELECT 1",
	                              NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlext_views_load(db, &err), 0);
	assert_string_equal(one_text(db, "SELECT count(*) FROM pragma_table_info('v_daily_volume')", buf,
	                             sizeof buf), "6");
	static const char *const views[] = {
		"v_daily_volume", "v_daily_senders", "v_message_timeline", "v_failures_advice",
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(views); i++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", views[i]);
		assert_string_equal(one_text(db, sql, buf, sizeof buf), "0");
	}
	assert_int_equal(store_close(st, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_views),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
