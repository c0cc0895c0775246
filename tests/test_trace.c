/* test_trace: the family of a message (up to the original, down to every
 * copy), the seeds of each kind of key, the time order. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "trace.h"

static const char SCHEMA[] =
	"CREATE TABLE sources(id INTEGER PRIMARY KEY, path TEXT, fingerprint TEXT, fingerprint_len INTEGER);"
	"CREATE TABLE messages(id INTEGER PRIMARY KEY, host TEXT, mta TEXT, queue_id TEXT, sender TEXT,"
	" size INTEGER, nrcpt INTEGER, header_message_id TEXT, client_host TEXT, client_ip TEXT,"
	" first_ts TEXT, arrived INTEGER, origin_id INTEGER, origin TEXT, source_id INTEGER,"
	" first_offset INTEGER);"
	"CREATE TABLE events(id INTEGER PRIMARY KEY, ts TEXT, host TEXT, queue_id TEXT, message_id INTEGER,"
	" kind TEXT, sender TEXT, recipient TEXT, recipient_domain TEXT, orig_recipient TEXT,"
	" smtp_code INTEGER, enhanced_code TEXT, relay TEXT, remote_host TEXT, remote_ip TEXT,"
	" forward_to TEXT, handoff INTEGER, reply TEXT, source_id INTEGER, file TEXT, line INTEGER,"
	" offset INTEGER);"
	"INSERT INTO sources VALUES (1, 'x.log', '0', 0);"
	/* an original, its filter copy, a bounce of the copy, and an unrelated message */
	"INSERT INTO messages VALUES (10, 'mx', 'postfix', 'AAA', 'a@x.example', 100, 1, 'id1@x', 'c', '192.0.2.1',"
	" '2026-01-01T00:00:00Z', 1, NULL, NULL, 1, 0);"
	"INSERT INTO messages VALUES (20, 'mx', 'postfix', 'BBB', 'a@x.example', 120, 1, 'id1@x', 'localhost', '127.0.0.1',"
	" '2026-01-01T00:00:02Z', 1, 10, 'content-filter', 1, 200);"
	"INSERT INTO messages VALUES (30, 'mx', 'postfix', 'CCC', '', 300, 1, 'n@mx', NULL, NULL,"
	" '2026-01-01T00:00:05Z', 1, 20, 'notification', 1, 500);"
	"INSERT INTO messages VALUES (40, 'mx', 'postfix', 'DDD', 'z@y.example', 1, 1, 'other@y', NULL, NULL,"
	" '2026-01-01T00:00:03Z', 1, NULL, NULL, 1, 300);"
	"INSERT INTO events VALUES (1, '2026-01-01T00:00:01Z', 'mx', 'AAA', 10, 'delivered', 'a@x.example',"
	" 'b@y.example', 'y.example', NULL, 250, '2.0.0', '127.0.0.1', NULL, NULL, NULL, 1, 'ok', 1, 'x.log', 2, 100);"
	"INSERT INTO events VALUES (2, '2026-01-01T00:00:04Z', 'mx', 'BBB', 20, 'bounced', 'a@x.example',"
	" 'b@y.example', 'y.example', NULL, 550, '5.1.1', 'mx.y', NULL, NULL, NULL, 0, 'no', 1, 'x.log', 4, 400);"
	"INSERT INTO events VALUES (3, '2026-01-01T00:00:06Z', 'mx', 'DDD', 40, 'delivered', 'z@y.example',"
	" 'q@y.example', 'y.example', NULL, 250, '2.0.0', 'mx.y', NULL, NULL, NULL, 0, 'ok', 1, 'x.log', 6, 600);"
	"INSERT INTO events VALUES (4, '2026-01-01T00:00:07Z', 'mx', NULL, NULL, 'rejected', 'spam@z.example',"
	" 'B@Y.example', 'y.example', NULL, 554, '5.7.1', NULL, 'bad', '203.0.113.9', NULL, 0, 'go', 1, 'x.log', 7, 700);";

static sqlite3 *db;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, SCHEMA, NULL, NULL, NULL), SQLITE_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sqlite3_close(db);
	return 0;
}

static void test_keys(void **state)
{
	(void)state;
	static const struct {
		const char *key;
		size_t msgs, items;
		const char *first_what, *last_queue;
	} cases[] = {
		{ "AAA", 3, 5, "arrived", "CCC" },       /* down to the copy and its bounce */
		{ "CCC", 3, 5, "arrived", "CCC" },       /* up from the notification */
		{ "<id1@x>", 3, 5, "arrived", "CCC" },   /* the Message-ID both copies carry */
		{ "DDD", 1, 2, "arrived", "DDD" },
		{ "b@y.example", 3, 6, "arrived", "NOQUEUE" },   /* and the reject, in any case */
		{ "nothing", 0, 0, NULL, NULL },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		struct trace t;
		struct sl_error err;
		assert_int_equal(trace_find(db, cases[i].key, &t, &err), 0);
		if (t.nmsgs != cases[i].msgs || t.nitems != cases[i].items) {
			print_error("%s: got %zu messages, %zu items; want %zu, %zu\n", cases[i].key, t.nmsgs,
			            t.nitems, cases[i].msgs, cases[i].items);
			fail();
		}
		for (size_t k = 1; k < t.nitems; k++)
			assert_true(strcmp(t.items[k - 1].ts, t.items[k].ts) <= 0);
		if (t.nitems) {
			assert_string_equal(t.items[0].what, cases[i].first_what);
			assert_string_equal(t.items[t.nitems - 1].queue_id, cases[i].last_queue);
		}
		trace_release(&t);
	}
}

static void test_format(void **state)
{
	(void)state;
	struct trace t;
	struct sl_error err;
	assert_int_equal(trace_find(db, "BBB", &t, &err), 0);
	struct sl_buf out;
	sl_buf_init(&out);
	trace_format(&t, &out);
	assert_non_null(strstr(out.data, "BBB mx (postfix): content-filter of AAA: from <a@x.example>"));
	assert_non_null(strstr(out.data, "bounced     to <b@y.example>, 550 5.1.1, relay mx.y  [x.log:4]\n"
	                                 "                        no\n"));
	assert_non_null(strstr(out.data, "[x.log, byte 200]"));
	sl_buf_release(&out);
	trace_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
