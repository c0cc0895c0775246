/* test_export: exact JSON Lines and CSV rows, keys that stay the same when
 * a source's fingerprint moves on, --since/--until, incremental runs per
 * destination (new rows only, open messages sent again until complete,
 * nothing recorded when the output fails), redaction, and escaping. Rows
 * are written with SQL into a database made by store_open. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sqlite3.h>

#include "testutil.h"
#include "export.h"
#include "redact.h"
#include "store.h"
#include "util.h"

static char tmpdir[64];
static struct store *st;
static sqlite3 *db;

static void exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* Source 1 (mx1's mail.log, 4000 bytes read): message Q1 at offset 100,
 * complete, with a delivery at 300 and two deferrals of one line at 400;
 * message Q2 at 500, still open. Source 2: an Exim mainlog, no host. */
static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_export_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char path[128];
	snprintf(path, sizeof path, "%s/x.db", tmpdir);
	struct sl_error err = { 0 };
	st = store_open(path, &err);
	if (!st)
		return -1;
	db = store_db(st);
	char *sql = sqlite3_mprintf(
		"INSERT INTO sources(id, path, fingerprint, fingerprint_len, bytes, first_ts, last_ts,"
		" key_fingerprint) VALUES"
		" (1, 'mail.log', '00000000000000a1', 4000, 4000, '2026-11-23T06:00:00Z',"
		"  '2026-11-23T07:00:00Z', '00000000000000a1'),"
		" (2, 'mainlog', '00000000000000b2', 900, 900, '2026-11-23T06:00:00Z',"
		"  '2026-11-23T07:00:00Z', '00000000000000b2');"
		"INSERT INTO messages(id, host, mta, queue_id, sender, sender_domain, size, nrcpt,"
		" header_message_id, client_host, client_ip, first_ts, last_ts, arrived, complete,"
		" origin_id, origin, source_id, first_offset) VALUES"
		" (%lld, 'mx1', 'postfix', 'Q1', 'alice@example.org', 'example.org', 1234, 3,"
		"  'id1@example.org', 'client.example.org', '192.0.2.7', '2026-11-23T06:00:00Z',"
		"  '2026-11-23T06:00:09Z', 1, 1, NULL, NULL, 1, 100),"
		" (%lld, 'mx1', 'postfix', 'Q2', '', '', NULL, NULL, NULL, NULL, NULL,"
		"  '2026-11-23T06:10:00Z', '2026-11-23T06:10:00Z', 1, 0, %lld, 'notification', 1, 500);"
		"INSERT INTO events(id, ts, host, mta, program, instance, queue_id, message_id, kind,"
		" sender, recipient, recipient_domain, relay, smtp_code, enhanced_code, class, reply,"
		" reason, status, delay, handoff, pattern, source_id, file, line, offset, seq) VALUES"
		" (%lld, '2026-11-23T06:00:05Z', 'mx1', 'postfix', 'postfix/smtp', 'postfix', 'Q1', %lld,"
		"  'delivered', 'alice@example.org', 'bob@example.net', 'example.net',"
		"  'mx.example.net[192.0.2.1]:25', 250, '2.0.0', 'success', '250 2.0.0 Ok: queued',"
		"  NULL, 'sent', 1.5, 0, 'postfix.smtp.status', 1, 'mail.log', 3, 300, 0),"
		" (%lld, '2026-11-23T06:00:06Z', 'mx1', 'postfix', 'postfix/smtp', 'postfix', 'Q1', %lld,"
		"  'deferred', 'alice@example.org', 'carol@example.com', 'example.com', NULL, 450,"
		"  '4.2.0', 'transient', '450 4.2.0 <carol@example.com>: \"greylisted\", =1+1',"
		"  'greylisting', 'deferred', 0.25, 0, NULL, 1, 'mail.log', 4, 400, 0),"
		" (%lld, '2026-11-23T06:00:06Z', 'mx1', 'postfix', 'postfix/smtp', 'postfix', 'Q1', %lld,"
		"  'deferred', 'alice@example.org', 'dave@example.com', 'example.com', NULL, 450,"
		"  '4.2.0', 'transient', '450 4.2.0 try again', 'greylisting', 'deferred', 0.25, 0,"
		"  NULL, 1, 'mail.log', 4, 400, 1),"
		" (%lld, '2026-11-23T06:30:00Z', NULL, 'exim', 'exim', NULL, NULL, NULL,"
		"  'rejected', NULL, 'x@example.com', 'example.com', NULL, 550, NULL, 'permanent',"
		"  'rejected RCPT <x@example.com>: bad \x01 byte \xff', NULL, NULL, NULL, 0, NULL, 2,"
		"  'mainlog', 7, 640, 0);",
		(long long)store_key(1, 100), (long long)store_key(1, 500), (long long)store_key(1, 100),
		(long long)store_key(1, 300), (long long)store_key(1, 100),
		(long long)store_key(1, 400), (long long)store_key(1, 100),
		(long long)store_key(1, 401), (long long)store_key(1, 100),
		(long long)store_key(2, 640));
	exec(sql);
	sqlite3_free(sql);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	struct sl_error err = { 0 };
	store_close(st, &err);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* run - export with o into a string (caller frees) */
static char *run(const struct export_options *o, struct export_stats *stats)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct sl_error err = { 0 };
	if (export_run(db, o, f, stats, &err) != 0)
		fail_msg("export: %s", err.msg);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static int count_lines(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void test_jsonl_rows(void **state)
{
	(void)state;
	struct export_options o = { .format = EXPORT_JSONL };
	struct export_stats stats;
	char *out = run(&o, &stats);
	assert_int_equal(stats.messages, 2);
	assert_int_equal(stats.events, 4);
	/* messages first, then events, each in file order */
	const char *want_msg =
		"{\"v\":1,\"type\":\"message\",\"key\":\"mx1/00000000000000a1/100\","
		"\"ts\":\"2026-11-23T06:00:00Z\",\"host\":\"mx1\",\"mta\":\"postfix\",\"queue_id\":\"Q1\","
		"\"sender\":\"alice@example.org\",\"sender_domain\":\"example.org\",\"size\":1234,"
		"\"nrcpt\":3,\"header_message_id\":\"id1@example.org\",\"client_host\":\"client.example.org\","
		"\"client_ip\":\"192.0.2.7\",\"first_ts\":\"2026-11-23T06:00:00Z\","
		"\"last_ts\":\"2026-11-23T06:00:09Z\",\"arrived\":1,\"complete\":1,"
		"\"source\":\"00000000000000a1\",\"offset\":100}\n";
	if (strncmp(out, want_msg, strlen(want_msg)))
		fail_msg("got \"%.*s\", want \"%s\"", (int)strlen(want_msg), out, want_msg);
	/* the copy names its origin by key; the null sender stays "" */
	assert_non_null(strstr(out, "\"key\":\"mx1/00000000000000a1/500\",\"ts\":\"2026-11-23T06:10:00Z\","
	                            "\"host\":\"mx1\",\"mta\":\"postfix\",\"queue_id\":\"Q2\",\"sender\":\"\","));
	assert_non_null(strstr(out, "\"origin_key\":\"mx1/00000000000000a1/100\",\"origin\":\"notification\""));
	const char *want_ev =
		"{\"v\":1,\"type\":\"event\",\"key\":\"mx1/00000000000000a1/300/0\","
		"\"ts\":\"2026-11-23T06:00:05Z\",\"host\":\"mx1\",\"mta\":\"postfix\",\"program\":\"postfix/smtp\","
		"\"instance\":\"postfix\",\"queue_id\":\"Q1\",\"message_key\":\"mx1/00000000000000a1/100\","
		"\"kind\":\"delivered\",\"class\":\"success\",\"sender\":\"alice@example.org\","
		"\"recipient\":\"bob@example.net\",\"recipient_domain\":\"example.net\","
		"\"relay\":\"mx.example.net[192.0.2.1]:25\",\"smtp_code\":250,\"enhanced_code\":\"2.0.0\","
		"\"reply\":\"250 2.0.0 Ok: queued\",\"status\":\"sent\",\"delay\":1.5,\"handoff\":0,"
		"\"source\":\"00000000000000a1\",\"file\":\"mail.log\",\"line\":3,\"offset\":300,\"seq\":0,"
		"\"pattern\":\"postfix.smtp.status\"}\n";
	if (!strstr(out, want_ev))
		fail_msg("no line \"%s\" in \"%s\"", want_ev, out);
	/* two events of one line: seq tells them apart */
	assert_non_null(strstr(out, "\"key\":\"mx1/00000000000000a1/400/0\""));
	assert_non_null(strstr(out, "\"key\":\"mx1/00000000000000a1/400/1\""));
	/* escaping: quotes, a control byte, a byte that is not UTF-8; no host: "" in the key */
	assert_non_null(strstr(out, "\"reply\":\"450 4.2.0 <carol@example.com>: \\\"greylisted\\\", =1+1\""));
	assert_non_null(strstr(out, "\"key\":\"/00000000000000b2/640/0\""));
	assert_non_null(strstr(out, "bad \\u0001 byte \xef\xbf\xbd\""));
	/* the same export again is byte for byte the same */
	char *again = run(&o, NULL);
	assert_string_equal(out, again);
	/* a grown file changes the fingerprint, never the key */
	exec("UPDATE sources SET fingerprint = 'ffffffffffffffff', fingerprint_len = 65536 WHERE id = 1");
	char *grown = run(&o, NULL);
	assert_string_equal(out, grown);
	free(out);
	free(again);
	free(grown);
}

static void test_since_until(void **state)
{
	(void)state;
	struct export_options o = { .format = EXPORT_JSONL, .since = "2026-11-23T06:00:06Z",
	                            .until = "2026-11-23T06:30:00Z" };
	struct export_stats stats;
	char *out = run(&o, &stats);
	/* the two deferrals; Q1 (06:00:00 .. 06:00:09) and Q2 (06:10) overlap the range */
	assert_int_equal(stats.events, 2);
	assert_int_equal(stats.messages, 2);
	assert_int_equal(count_lines(out, "\"kind\":\"deferred\""), 2);
	free(out);
	o.since = "2026-11-23T06:05:00Z";
	out = run(&o, &stats);
	assert_int_equal(stats.events, 0);
	assert_int_equal(stats.messages, 1);
	free(out);
}

static void test_csv(void **state)
{
	(void)state;
	struct export_options o = { .format = EXPORT_CSV };
	struct export_stats stats;
	char *out = run(&o, &stats);
	assert_true(strncmp(out, "v,type,key,ts,host,mta,program,", 31) == 0);
	assert_non_null(strstr(out, ",pattern\r\n1,message,mx1/00000000000000a1/100,2026-11-23T06:00:00Z,"
	                            "mx1,postfix,,,Q1,,,,alice@example.org,example.org,"));
	/* RFC 4180: quotes doubled inside a quoted cell */
	assert_non_null(strstr(out, ",\"450 4.2.0 <carol@example.com>: \"\"greylisted\"\", =1+1\","));
	/* one header and six records, each ending in CRLF */
	assert_int_equal(count_lines(out, "\r\n"), 7);
	free(out);

	struct sl_buf b;
	sl_buf_init(&b);
	const struct { const char *in, *want; } cells[] = {
		{ "plain", "plain" },
		{ "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"" },
		{ "+1", "\"'+1\"" },
		{ "-1", "\"'-1\"" },
		{ "@SUM(A1)", "\"'@SUM(A1)\"" },
		{ "a,b", "\"a,b\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "", "" },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cells); i++) {
		sl_buf_reset(&b);
		export_csv_cell(&b, cells[i].in, strlen(cells[i].in));
		if (strcmp(b.data, cells[i].want))
			fail_msg("got \"%s\", want \"%s\"", b.data, cells[i].want);
	}
	sl_buf_release(&b);
}

static void test_json_string(void **state)
{
	(void)state;
	struct sl_buf b;
	sl_buf_init(&b);
	const struct { const char *in, *want; } cases[] = {
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "tab\there\r\n", "\"tab\\there\\r\\n\"" },
		{ "\x1f", "\"\\u001f\"" },
		{ "caf\xc3\xa9 \xe6\x97\xa5", "\"caf\xc3\xa9 \xe6\x97\xa5\"" },     /* valid UTF-8 kept */
		{ "\xc3(", "\"\xef\xbf\xbd(\"" },                                    /* cut sequence */
		{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },      /* a surrogate */
		{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },                      /* overlong */
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		sl_buf_reset(&b);
		export_json_string(&b, cases[i].in, strlen(cases[i].in));
		if (strcmp(b.data, cases[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, b.data, cases[i].want);
	}
	sl_buf_release(&b);
}

static void test_redacted(void **state)
{
	(void)state;
	struct redact *r = redact_new("Jefe", 4);
	struct export_options o = { .format = EXPORT_JSONL, .redact = r };
	char *out = run(&o, NULL);
	/* HMAC("Jefe", "alice") begins c826fd00e6fe4b67 (test_redact) */
	assert_non_null(strstr(out, "\"sender\":\"x-c826fd00e6fe4b67@example.org\""));
	assert_null(strstr(out, "alice"));
	assert_null(strstr(out, "bob@"));
	assert_null(strstr(out, "carol@"));       /* in the reply text too */
	assert_non_null(strstr(out, "\"recipient_domain\":\"example.net\""));
	assert_non_null(strstr(out, "\"sender\":\"\""));   /* the null sender */
	/* keys do not depend on redaction */
	assert_non_null(strstr(out, "\"key\":\"mx1/00000000000000a1/300/0\""));
	free(out);
	redact_free(r);
}

static int64_t q_int(const char *sql)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void test_incremental(void **state)
{
	(void)state;
	struct export_options o = { .format = EXPORT_JSONL, .destination = "clickhouse" };
	struct export_stats stats;
	char *out = run(&o, &stats);
	assert_int_equal(stats.events, 4);
	assert_int_equal(stats.messages, 2);
	free(out);
	assert_int_equal(q_int("SELECT count(*) FROM export_progress WHERE destination = 'clickhouse'"), 2);
	assert_int_equal(q_int("SELECT message_id FROM export_open"), store_key(1, 500));

	/* nothing new: only the open message Q2 again */
	out = run(&o, &stats);
	assert_int_equal(stats.events, 0);
	assert_int_equal(stats.messages, 1);
	assert_int_equal(stats.resent, 1);
	assert_non_null(strstr(out, "\"queue_id\":\"Q2\""));
	free(out);

	/* the file grew: a new event of Q2 at 4100, Q2 complete; another destination is unaffected */
	char *sql = sqlite3_mprintf(
		"UPDATE sources SET bytes = 5000 WHERE id = 1;"
		"UPDATE messages SET complete = 1, last_ts = '2026-11-23T06:40:00Z' WHERE id = %lld;"
		"INSERT INTO events(id, ts, host, mta, queue_id, message_id, kind, class, recipient,"
		" source_id, file, line, offset, seq) VALUES (%lld, '2026-11-23T06:40:00Z', 'mx1',"
		" 'postfix', 'Q2', %lld, 'delivered', 'success', 'alice@example.org', 1, 'mail.log', 40,"
		" 4100, 0);",
		(long long)store_key(1, 500), (long long)store_key(1, 4100), (long long)store_key(1, 500));
	exec(sql);
	sqlite3_free(sql);
	out = run(&o, &stats);
	assert_int_equal(stats.events, 1);
	assert_int_equal(stats.messages, 1);
	assert_non_null(strstr(out, "\"key\":\"mx1/00000000000000a1/4100/0\""));
	assert_non_null(strstr(out, "\"queue_id\":\"Q2\""));
	assert_non_null(strstr(out, "\"complete\":1"));
	free(out);
	/* complete now: not sent again */
	out = run(&o, &stats);
	assert_int_equal(stats.events + stats.messages, 0);
	assert_string_equal(out, "");
	free(out);
	/* a second destination starts from the beginning */
	struct export_options o2 = { .format = EXPORT_JSONL, .destination = "archive" };
	out = run(&o2, &stats);
	assert_int_equal(stats.events, 5);
	assert_int_equal(stats.messages, 2);
	free(out);
	/* no upper bound with a destination */
	struct sl_error err = { 0 };
	o2.until = "2026-11-24";
	assert_int_equal(export_run(db, &o2, stdout, NULL, &err), -1);
	assert_int_equal(err.code, SL_EUSAGE);
}

/* An output that cannot be written records nothing: the next run sends all again. */
static void test_failed_output(void **state)
{
	(void)state;
	FILE *full = fopen("/dev/full", "w");
	if (!full)
		skip();
	struct export_options o = { .format = EXPORT_JSONL, .destination = "broken" };
	struct sl_error err = { 0 };
	assert_int_equal(export_run(db, &o, full, NULL, &err), -1);
	assert_int_equal(err.code, SL_EIO);
	assert_non_null(strstr(err.msg, "cannot write the export"));
	fclose(full);
	assert_int_equal(q_int("SELECT count(*) FROM export_progress WHERE destination = 'broken'"), 0);
	struct export_stats stats;
	char *out = run(&o, &stats);
	assert_int_equal(stats.events, 4);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_jsonl_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_since_until, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test_setup_teardown(test_redacted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_output, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
