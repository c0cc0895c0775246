/* test_report_keys: the per-key lists counted in memory, through partition
 * files, through partitions split again, and left to SQL, give the same
 * numbers; the budget decides which path a pass takes. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

enum { MESSAGES = 6000, EVENTS = 9000, TOP = 10 };

/* A database of random rows in the shapes of the three passes' queries:
 * many keys (each repeated a few times), ties, NULL keys, sizes and delays. */
static sqlite3 *fixture(void)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TABLE m(sender, sender_domain, host, size);"
	                              "CREATE TABLE e(kind, recipient, recipient_domain, relay, size,"
	                              " delay); BEGIN",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	srand(7);
	char sql[512];
	for (int i = 0; i < MESSAGES; i++) {
		int s = rand() % 2500, d = s % 97, h = rand() % 3000;
		char host[64] = "NULL";   /* a message without a client: no sending host */
		if (h % 50)
			snprintf(host, sizeof host, "'mx%d.sender.example [192.0.2.%d]'", h, h % 250);
		snprintf(sql, sizeof sql,
		         "INSERT INTO m VALUES('user%d@dom%d.example', 'dom%d.example', %s, %s)", s,
		         d, d, host, i % 7 ? "1000 + abs(random() % 50000)" : "NULL");
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	}
	static const char *const kinds[] = { "delivered", "forwarded", "deferred", "bounced",
		                             "expired", "delivered" };
	for (int i = 0; i < EVENTS; i++) {
		int r = rand() % 4000, d = r % 131, relay = rand() % 900;
		snprintf(sql, sizeof sql,
		         "INSERT INTO e VALUES('%s', 'rcpt%d@d%d.example', 'd%d.example',"
		         " 'relay%d.example[198.51.100.%d]:25', %s, %s)",
		         kinds[rand() % 6], r, d, d, relay, relay % 250,
		         i % 5 ? "abs(random() % 90000)" : "NULL",
		         i % 4 ? "(abs(random() % 5000)) / 10.0" : "NULL");
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	}
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	return s;
}

static void count(sqlite3 *db, size_t budget, struct report_keys *k)
{
	sqlite3_stmt *m = prep(db, "SELECT sender, sender_domain, host, size FROM m");
	sqlite3_stmt *e = prep(db, "SELECT kind, recipient, recipient_domain, relay, size, delay"
	                           " FROM e");
	sqlite3_stmt *d = prep(db, "SELECT recipient_domain, relay, delay FROM e"
	                           " WHERE kind IN ('delivered', 'forwarded') AND delay IS NOT NULL");
	assert_int_equal(report_keys_count(m, e, d, TOP, budget, k), 0);
	sqlite3_finalize(m);
	sqlite3_finalize(e);
	sqlite3_finalize(d);
}

static void assert_same_lists(const struct report_keys *a, const struct report_keys *b)
{
	assert_true(a->messages_ok && a->events_ok && b->messages_ok && b->events_ok);
	assert_int_equal(a->bytes_received, b->bytes_received);
	assert_int_equal(a->bytes_delivered, b->bytes_delivered);
	assert_int_equal(a->senders, b->senders);
	assert_int_equal(a->sender_domains, b->sender_domains);
	assert_int_equal(a->recipients, b->recipients);
	assert_int_equal(a->recipient_domains, b->recipient_domains);
	for (int l = 0; l < RK_LIST_COUNT; l++) {
		const struct report_key_list *x = &a->list[l], *y = &b->list[l];
		assert_int_equal(x->nrows, y->nrows);
		assert_int_equal(x->keys, y->keys);
		for (size_t i = 0; i < x->nrows; i++) {
			assert_string_equal(x->rows[i].key, y->rows[i].key);
			assert_int_equal(x->rows[i].set, y->rows[i].set);
			assert_memory_equal(x->rows[i].v, y->rows[i].v, sizeof x->rows[i].v);
			assert_int_equal(x->rows[i].has_delays, y->rows[i].has_delays);
			if (x->rows[i].has_delays && x->rows[i].v[5] > 0) {
				assert_true(x->rows[i].delay_p95 == y->rows[i].delay_p95);
				assert_true(x->rows[i].delay_max == y->rows[i].delay_max);
			}
		}
	}
}

static void test_paths_agree(void **state)
{
	(void)state;
	sqlite3 *db = fixture();
	struct report_keys mem, parts, split, none;
	count(db, SIZE_MAX, &mem);
	assert_int_equal(mem.parts, 0);   /* everything in memory */
	assert_true(mem.senders > 1000 && mem.recipients > 1000);
	assert_int_equal(mem.list[RK_SENDERS].nrows, TOP);

	/* a budget that holds a partition of 32 but not the pass: 32 files per
	 * pass, counted one by one */
	count(db, 160 * 1024, &parts);
	assert_int_equal(parts.parts, 64);
	assert_same_lists(&mem, &parts);

	/* a budget too small for a partition of 32: each is split eight ways */
	count(db, 20 * 1024, &split);
	assert_true(split.parts > 64);
	assert_same_lists(&mem, &split);

	/* a budget too small for any key: the passes are left to SQL */
	count(db, 1, &none);
	assert_false(none.messages_ok);
	assert_false(none.events_ok);
	assert_int_equal(none.senders, 0);
	assert_int_equal(none.list[RK_SENDERS].nrows, 0);

	report_keys_free(&mem);
	report_keys_free(&parts);
	report_keys_free(&split);
	report_keys_free(&none);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
