/* ingest: the pipeline of one run into an in-memory store: every line
 * counted once (recognized, not understood, other programs), unrecognized
 * lines tallied by program with samples and written to --unrecognized,
 * one event per recipient of a multi-recipient line, unreadable files
 * reported without stopping the run. */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <unistd.h>

#include "testutil.h"
#include "ingest.h"

static struct store *st;

static int setup(void **state)
{
	(void)state;
	struct sl_error err;
	st = store_open(":memory:", &err);
	return st ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	struct sl_error err;
	store_close(st, &err);
	return 0;
}

static long long q1(const char *sql)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	long long v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void test_sample_day(void **state)
{
	(void)state;
	struct sl_error err;
	char path[] = "/tmp/smtplog-unrec-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *unrec = fdopen(fd, "w+");
	struct ingest_options opt = { .year = 2026, .unrecognized_out = unrec };
	struct ingest *in = ingest_new(st, &opt, &err);
	assert_non_null(in);
	struct ingest_file_result res;
	assert_int_equal(ingest_file(in, SOURCE_DIR "/sample-logs/mail.log", &res, &err), 0);
	assert_int_equal(ingest_finish(in, &err), 0);
	assert_int_equal(res.lines, 43);
	assert_int_equal(res.recognized, 40);
	assert_int_equal(res.foreign, 3);
	assert_int_equal(res.unrecognized, 0);
	assert_int_equal(q1("SELECT count(*) FROM unrecognized WHERE reason = 'not mail-transfer'"), 3);
	assert_int_equal(q1("SELECT count(*) FROM events WHERE kind = 'bounced'"), 1);
	assert_int_equal(q1("SELECT count(*) FROM messages WHERE origin = 'content-filter'"), 1);
	/* messages still open at the end stay open, saved for the next run */
	assert_int_equal(q1("SELECT open_messages FROM correlate_state"),
	                 (long long)ingest_correlate_stats(in)->open);
	ingest_free(in);
	fclose(unrec);
	unlink(path);
}

static void test_unrecognized_tally_and_file(void **state)
{
	(void)state;
	struct sl_error err;
	char log[] = "/tmp/smtplog-in-XXXXXX";
	int fd = mkstemp(log);
	FILE *f = fdopen(fd, "w");
	fputs("Nov 23 10:00:00 mx1 postfix/smtpd[1]: a line nobody has seen\n"
	      "Nov 23 10:00:01 mx1 postfix/smtpd[1]: another one\n"
	      "Nov 23 10:00:02 mx1 postfix/qmgr[2]: ABC1: removed\n"
	      "Nov 23 10:00:03 mx1 CRON[3]: (root) CMD (true)\n"
	      "just some text\n", f);
	fclose(f);
	char out[] = "/tmp/smtplog-out-XXXXXX";
	FILE *unrec = fdopen(mkstemp(out), "w+");
	struct ingest_options opt = { .year = 2026, .unrecognized_out = unrec };
	struct ingest *in = ingest_new(st, &opt, &err);
	struct ingest_file_result res;
	assert_int_equal(ingest_file(in, log, &res, &err), 0);
	assert_int_equal(res.lines, 5);
	assert_int_equal(res.recognized, 1);
	assert_int_equal(res.unrecognized, 3);   /* two smtpd lines and the bare one */
	assert_int_equal(res.foreign, 1);
	assert_int_equal(q1("SELECT count FROM unrecognized WHERE program = 'postfix/smtpd'"), 2);
	assert_int_equal(q1("SELECT count FROM unrecognized WHERE program = '(no header)'"), 1);
	assert_int_equal(q1("SELECT count FROM unrecognized WHERE program = 'CRON'"), 1);
	assert_int_equal(q1("SELECT sample2 IS NOT NULL FROM unrecognized WHERE program = 'postfix/smtpd'"), 1);
	fflush(unrec);
	rewind(unrec);
	char buf[256];
	int n = 0;
	while (fgets(buf, sizeof buf, unrec))
		n++;
	assert_int_equal(n, 3);
	ingest_free(in);
	fclose(unrec);
	unlink(out);
	unlink(log);
}

static void test_one_event_per_recipient(void **state)
{
	(void)state;
	struct sl_error err;
	struct ingest_options opt = { .year = 2016 };
	struct ingest *in = ingest_new(st, &opt, &err);
	struct ingest_file_result res;
	assert_int_equal(ingest_file(in, SOURCE_DIR "/tests/corpus/sendmail/fluent-plugin-sendmail-data.log",
	                             &res, &err), 0);
	assert_int_equal(ingest_finish(in, &err), 0);
	/* line 4 names two recipients: two rows, seq 0 and 1, same position */
	assert_int_equal(q1("SELECT count(*) FROM events WHERE line = 4"), 2);
	assert_int_equal(q1("SELECT count(DISTINCT recipient) FROM events WHERE line = 4"), 2);
	assert_int_equal(q1("SELECT max(seq) FROM events WHERE line = 4"), 1);
	ingest_free(in);
}

static void test_unreadable_file_is_not_fatal(void **state)
{
	(void)state;
	struct sl_error err;
	struct ingest_options opt = { 0 };
	struct ingest *in = ingest_new(st, &opt, &err);
	struct ingest_file_result res;
	assert_int_equal(ingest_file(in, "/nonexistent/mail.log", &res, &err), 1);
	assert_int_equal(err.code, SL_EIO);
	assert_non_null(strstr(err.msg, "cannot open '/nonexistent/mail.log'"));
	assert_int_equal(ingest_file(in, SOURCE_DIR "/sample-logs/mail.log", &res, &err), 0);
	ingest_free(in);
}

static void test_bad_patterns_dir(void **state)
{
	(void)state;
	struct sl_error err;
	struct ingest_options opt = { .patterns_dir = "/nonexistent/patterns" };
	assert_null(ingest_new(st, &opt, &err));
	assert_int_equal(err.code, SL_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sample_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unrecognized_tally_and_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_event_per_recipient, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_file_is_not_fatal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_patterns_dir, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
