/* test_merge: two hosts' databases merged into one; merging again adds
 * nothing; a later copy of a host's database brings an open message up to
 * date and adds only the new rows, matched by key fingerprint although the
 * file grew; the merged database exports the same keys as its parts; and
 * the refusals (missing file, not smtplog's, another schema version, the
 * target itself). Databases are made by store_open, rows by SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sqlite3.h>

#include "testutil.h"
#include "export.h"
#include "merge.h"
#include "store.h"
#include "util.h"

static struct store *must_open(const char *path)
{
	struct sl_error err = { 0 };
	struct store *st = store_open(path, &err);
	if (!st)
		fail_msg("store_open: %s", err.msg);
	return st;
}

static void must_close(struct store *st)
{
	struct sl_error err = { 0 };
	if (store_close(st, &err))
		fail_msg("store_close: %s", err.msg);
}

static void exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static int64_t q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* A host's database: its mail.log as source `sid` (fingerprint fp, bytes
 * read), message Q1 at offset 100 with a delivery at 300; if `later`, the
 * file has grown: Q1 is complete and a bounce at 2100 was added. An
 * unrelated source before it shifts the ids, as on a real host. */
static void make_host(const char *path, const char *host, const char *fp, int sid, bool later)
{
	struct store *st = must_open(path);
	sqlite3 *db = store_db(st);
	char *sql = sqlite3_mprintf(
		"INSERT INTO sources(id, path, fingerprint, fingerprint_len, bytes, lines,"
		" key_fingerprint, last_ts) VALUES (%d, 'mail.log', %Q, %d, %d, %d, %Q,"
		" '2026-11-23T07:00:00Z');"
		"INSERT INTO messages(id, host, mta, queue_id, sender, first_ts, last_ts, arrived,"
		" complete, source_id, first_offset) VALUES (%lld, %Q, 'postfix', 'Q1', 'a@example.org',"
		" '2026-11-23T06:00:00Z', %Q, 1, %d, %d, 100);"
		"INSERT INTO events(id, ts, host, mta, queue_id, message_id, kind, class, recipient,"
		" source_id, file, line, offset, seq) VALUES (%lld, '2026-11-23T06:00:05Z', %Q,"
		" 'postfix', 'Q1', %lld, 'delivered', 'success', 'b@example.net', %d, 'mail.log', 3,"
		" 300, 0);"
		"INSERT INTO unrecognized(source_id, program, reason, count) VALUES (%d, 'postfix/x',"
		" 'no pattern', %d);",
		sid, later ? "ffffffffffffffff" : fp, later ? 65536 : 2000, later ? 3000 : 2000,
		later ? 30 : 20, fp, (long long)store_key(sid, 100), host,
		later ? "2026-11-23T06:30:00Z" : "2026-11-23T06:00:05Z", later ? 1 : 0, sid,
		(long long)store_key(sid, 300), host, (long long)store_key(sid, 100), sid, sid,
		later ? 7 : 5);
	exec(db, sql);
	sqlite3_free(sql);
	if (later) {
		sql = sqlite3_mprintf(
			"INSERT INTO events(id, ts, host, mta, queue_id, message_id, kind, class, recipient,"
			" source_id, file, line, offset, seq) VALUES (%lld, '2026-11-23T06:30:00Z', %Q,"
			" 'postfix', 'Q1', %lld, 'bounced', 'permanent', 'c@example.net', %d, 'mail.log',"
			" 25, 2100, 0);",
			(long long)store_key(sid, 2100), host, (long long)store_key(sid, 100), sid);
		exec(db, sql);
		sqlite3_free(sql);
	}
	if (sid > 1)
		exec(db, "INSERT INTO sources(id, path, fingerprint, fingerprint_len, bytes,"
		         " key_fingerprint) VALUES (1, 'empty.log', '0000000000000000', 0, 0, '0000000000000000')");
	must_close(st);
}

static void merge_ok(sqlite3 *db, const char *path, struct merge_stats *stats)
{
	struct sl_error err = { 0 };
	if (merge_database(db, path, stats, &err))
		fail_msg("merge '%s': %s", path, err.msg);
}

static char *export_all(sqlite3 *db)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct export_options o = { .format = EXPORT_JSONL };
	struct sl_error err = { 0 };
	if (export_run(db, &o, f, NULL, &err))
		fail_msg("export: %s", err.msg);
	fclose(f);
	return buf;
}

/* the lines of s, sorted, as one string (caller frees) */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *sorted_lines(const char *s)
{
	char *copy = xstrdup(s);
	char *lines[64];
	size_t n = 0;
	for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l && n < 64; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof *lines, cmp_str);
	struct sl_buf b;
	sl_buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		sl_buf_adds(&b, lines[i]);
		sl_buf_addc(&b, '\n');
	}
	free(copy);
	return sl_buf_detach(&b);
}

static void test_two_hosts(void **state)
{
	(void)state;
	make_host(test_tmp_path("mx1.db"), "mx1", "00000000000000a1", 1, false);
	make_host(test_tmp_path("mx2.db"), "mx2", "00000000000000b2", 2, false);
	struct store *st = must_open(test_tmp_path("all.db"));
	sqlite3 *db = store_db(st);
	struct merge_stats stats = { 0 };
	merge_ok(db, test_tmp_path("mx1.db"), &stats);
	merge_ok(db, test_tmp_path("mx2.db"), &stats);
	assert_int_equal(stats.sources_new, 3);      /* mx2's empty source too */
	assert_int_equal(stats.events, 2);
	assert_int_equal(stats.messages, 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM messages WHERE queue_id = 'Q1'"), 2);
	assert_int_equal(q_int(db, "SELECT count(DISTINCT host) FROM events"), 2);
	/* ids rebuilt on the target's sources; events still name their message */
	assert_int_equal(q_int(db, "SELECT count(*) FROM events e JOIN messages m ON m.id = e.message_id"
	                           " AND m.host = e.host"), 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM events WHERE id >> 43 <> source_id"), 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM unrecognized"), 2);

	/* the same databases again: nothing added, nothing changed */
	struct merge_stats again = { 0 };
	merge_ok(db, test_tmp_path("mx1.db"), &again);
	merge_ok(db, test_tmp_path("mx2.db"), &again);
	assert_int_equal(again.sources_new, 0);
	assert_int_equal(again.sources_known, 3);
	assert_int_equal(again.events + again.messages, 0);
	assert_int_equal(q_int(db, "SELECT count(*) FROM events"), 2);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sources"), 3);

	/* the merged database exports the rows of both parts, with the same keys */
	char *merged = export_all(db);
	struct store *a = must_open(test_tmp_path("mx1.db")), *b = must_open(test_tmp_path("mx2.db"));
	char *ea = export_all(store_db(a)), *eb = export_all(store_db(b));
	must_close(a);
	must_close(b);
	char *both = xmalloc(strlen(ea) + strlen(eb) + 1);
	strcpy(both, ea);
	strcat(both, eb);
	char *s1 = sorted_lines(merged), *s2 = sorted_lines(both);
	/* file and source ids may differ; the keys and fields may not */
	assert_string_equal(s1, s2);
	free(merged);
	free(ea);
	free(eb);
	free(both);
	free(s1);
	free(s2);
	must_close(st);
}

static void test_later_copy(void **state)
{
	(void)state;
	make_host(test_tmp_path("mx1-monday.db"), "mx1", "00000000000000a1", 1, false);
	make_host(test_tmp_path("mx1-tuesday.db"), "mx1", "00000000000000a1", 1, true);
	struct store *st = must_open(test_tmp_path("all.db"));
	sqlite3 *db = store_db(st);
	struct merge_stats stats = { 0 };
	merge_ok(db, test_tmp_path("mx1-monday.db"), &stats);
	assert_int_equal(q_int(db, "SELECT complete FROM messages"), 0);
	memset(&stats, 0, sizeof stats);
	merge_ok(db, test_tmp_path("mx1-tuesday.db"), &stats);
	/* the same file (its key fingerprint), grown: one source, the new rows */
	assert_int_equal(stats.sources_known, 1);
	assert_int_equal(stats.sources_new, 0);
	assert_int_equal(stats.events, 1);
	assert_int_equal(stats.messages, 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM sources"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM messages"), 1);
	assert_int_equal(q_int(db, "SELECT complete FROM messages"), 1);
	assert_int_equal(q_int(db, "SELECT last_ts = '2026-11-23T06:30:00Z' FROM messages"), 1);
	assert_int_equal(q_int(db, "SELECT count(*) FROM events"), 2);
	/* whole-file figures from the copy that read further */
	assert_int_equal(q_int(db, "SELECT bytes FROM sources"), 3000);
	assert_int_equal(q_int(db, "SELECT count FROM unrecognized"), 7);
	/* the older copy again changes nothing back */
	memset(&stats, 0, sizeof stats);
	merge_ok(db, test_tmp_path("mx1-monday.db"), &stats);
	assert_int_equal(stats.events + stats.messages, 0);
	assert_int_equal(q_int(db, "SELECT complete FROM messages"), 1);
	assert_int_equal(q_int(db, "SELECT bytes FROM sources"), 3000);
	assert_int_equal(q_int(db, "SELECT count FROM unrecognized"), 7);
	must_close(st);
}

static void test_refused(void **state)
{
	(void)state;
	struct store *st = must_open(test_tmp_path("all.db"));
	sqlite3 *db = store_db(st);
	struct sl_error err = { 0 };
	assert_int_equal(merge_database(db, test_tmp_path("missing.db"), NULL, &err), -1);
	assert_int_equal(err.code, SL_EIO);
	assert_int_equal(access(test_tmp_path("missing.db"), F_OK), -1);   /* not created */

	sqlite3 *other;
	assert_int_equal(sqlite3_open(test_tmp_path("other.db"), &other), SQLITE_OK);
	exec(other, "CREATE TABLE t(x)");
	sqlite3_close(other);
	assert_int_equal(merge_database(db, test_tmp_path("other.db"), NULL, &err), -1);
	assert_int_equal(err.code, SL_EDB);
	assert_non_null(strstr(err.msg, "not an smtplog database"));

	make_host(test_tmp_path("old.db"), "mx1", "00000000000000a1", 1, false);
	assert_int_equal(sqlite3_open(test_tmp_path("old.db"), &other), SQLITE_OK);
	exec(other, "PRAGMA user_version = 2");
	sqlite3_close(other);
	assert_int_equal(merge_database(db, test_tmp_path("old.db"), NULL, &err), -1);
	assert_non_null(strstr(err.msg, "schema version is 2"));
	must_close(st);

	st = must_open(test_tmp_path("all.db"));
	assert_int_equal(merge_database(store_db(st), test_tmp_path("all.db"), NULL, &err), -1);
	assert_non_null(strstr(err.msg, "into itself"));
	/* nothing was left attached or open: a good merge still works */
	make_host(test_tmp_path("mx1.db"), "mx1", "00000000000000a1", 1, false);
	merge_ok(store_db(st), test_tmp_path("mx1.db"), NULL);
	must_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_hosts, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_later_copy, test_tmp_setup, test_tmp_teardown),
		cmocka_unit_test_setup_teardown(test_refused, test_tmp_setup, test_tmp_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
