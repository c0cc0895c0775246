/* ingest: the pipeline of one run into an in-memory store: every line
 * counted once (recognized, not understood, other programs), unrecognized
 * lines tallied by program with samples and written to --unrecognized,
 * one event per recipient of a multi-recipient line, unreadable files
 * reported without stopping the run, and the same reasons stored whichever
 * thread classifies them. */
#include <dirent.h>
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

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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

/* write_file - path's content becomes text (mode "w") or grows by it ("a") */
static void write_file(const char *path, const char *mode, const char *text)
{
	FILE *f = fopen(path, mode);
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* one run over path, as analyze does it: a new ingest on the same store */
static void run_once(const char *path, bool final, struct ingest_file_result *res)
{
	struct sl_error err;
	struct ingest_options opt = { .year = 2026, .final = final };
	struct ingest *in = ingest_new(st, &opt, &err);
	assert_non_null(in);
	assert_int_equal(ingest_file(in, path, res, &err), 0);
	assert_int_equal(ingest_finish(in, &err), 0);
	ingest_free(in);
}

/* A log's writer is halfway through its last line when a run reads it
 * (sample-logs/mail.log, lines 4 and 11, the latter cut after "dsn="):
 * the half is not stored, the offset stops at the last newline, and the
 * next run, once the line is whole, stores it once with all its fields. */
#define HEAD "Nov 23 09:14:03 mx1 postfix/qmgr[812]: 3F2A11C0A12: from=<jane.doe@gmail.com>, " \
	"size=5231, nrcpt=1 (queue active)\n"
#define HALF "Nov 23 09:14:04 mx1 postfix/smtp[4112]: 3F2A11C0A12: to=<bob@example.org>, " \
	"relay=127.0.0.1[127.0.0.1]:10024, delay=1.1, delays=0.2/0/0.01/0.89, dsn="
#define REST "2.0.0, status=sent (250 2.0.0 Ok: queued as 5B7C21C0A15)"

static void test_partial_last_line_waits(void **state)
{
	(void)state;
	char log[] = "/tmp/smtplog-partial-XXXXXX";
	close(mkstemp(log));
	write_file(log, "w", HEAD HALF);
	struct ingest_file_result res;
	run_once(log, false, &res);
	assert_int_equal(res.lines, 1);
	assert_int_equal(q1("SELECT count(*) FROM events"), 0);
	assert_int_equal(q1("SELECT bytes FROM sources"), (long long)strlen(HEAD));
	assert_int_equal(q1("SELECT size IS NULL FROM sources"), 1);   /* not read to its end */
	/* the run after: still no newline, still nothing */
	run_once(log, false, &res);
	assert_int_equal(res.lines, 1);
	assert_int_equal(q1("SELECT count(*) FROM events"), 0);
	write_file(log, "a", REST "\n");
	run_once(log, false, &res);
	assert_int_equal(res.lines, 2);
	assert_int_equal(res.resumed_at, strlen(HEAD));
	assert_int_equal(q1("SELECT count(*) FROM events"), 1);
	assert_int_equal(q1("SELECT count(*) FROM events WHERE kind = 'delivered' AND line = 2"
	                    " AND recipient = 'bob@example.org' AND sender = 'jane.doe@gmail.com'"
	                    " AND enhanced_code = '2.0.0' AND status = 'sent'"), 1);
	assert_int_equal(q1("SELECT size FROM messages"), 5231);
	assert_int_equal(q1("SELECT bytes = size FROM sources"), 1);
	unlink(log);
}

/* A complete file is read to its end, last line included: with final
 * (analyze --final), and under a rotated name. */
static void test_partial_last_line_of_complete_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/smtplog-rot-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char log[64], rotated[64];
	snprintf(log, sizeof log, "%s/mail.log", dir);
	snprintf(rotated, sizeof rotated, "%s/mail.log.1", dir);
	write_file(log, "w", HEAD HALF);
	struct ingest_file_result res;
	run_once(log, false, &res);
	assert_int_equal(res.lines, 1);
	/* rotated: the same source, read on to its end */
	assert_int_equal(rename(log, rotated), 0);
	run_once(rotated, false, &res);
	assert_int_equal(res.lines, 2);
	assert_int_equal(res.lines, res.recognized + res.unrecognized + res.foreign);
	assert_int_equal(q1("SELECT count(*) FROM sources"), 1);
	assert_int_equal(q1("SELECT bytes = size FROM sources"), 1);
	unlink(rotated);
	/* --final */
	write_file(log, "w", "Nov 24 00:00:00 mx1 postfix/qmgr[9]: 4A1B2C3D4E: removed\n" HALF);
	run_once(log, true, &res);
	assert_int_equal(res.lines, 2);
	unlink(log);
	rmdir(dir);
	assert_true(ingest_rotated_name("/var/log/mail.log.1"));
	assert_true(ingest_rotated_name("mail.log.12.gz"));
	assert_true(ingest_rotated_name("/var/log/maillog-20261122"));
	assert_false(ingest_rotated_name("/var/log/mail.log"));
	assert_false(ingest_rotated_name("mail.log.gz1"));
	assert_false(ingest_rotated_name("/var/log.1/mail.log"));
	assert_false(ingest_rotated_name("12345"));
	assert_false(ingest_rotated_name("mail-2026112"));
}

/* the_corpus - every .log of tests/corpus/DIR, in name order */
static size_t the_corpus(const char *dir, char **paths, size_t max)
{
	char where[512];
	snprintf(where, sizeof where, "%s/tests/corpus/%s", SOURCE_DIR, dir);
	DIR *d = opendir(where);
	assert_non_null(d);
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < max) {
		size_t l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".log") == 0) {
			char *p = xmalloc(strlen(where) + l + 2);
			sprintf(p, "%s/%s", where, de->d_name);
			paths[n++] = p;
		}
	}
	closedir(d);
	qsort(paths, n, sizeof *paths, cmp_path);
	return n;
}

/* reasons_on - the corpus's failures and Exim's whole-log rule stored with
 * the reasons classified (and health lines shaped) on one side; every
 * event's id and reason, one a line, then the health table */
static char *reasons_on(enum writer_side side, const char *mainlog)
{
	struct sl_error err;
	struct store *s = store_open(":memory:", &err);
	assert_non_null(s);
	struct ingest_options opt = { .year = 2026, .reasons_side = side };
	struct ingest *in = ingest_new(s, &opt, &err);
	assert_non_null(in);
	static const char *const dirs[] = { "postfix", "exim", "sendmail" };
	struct ingest_file_result res;
	for (size_t k = 0; k < SL_ARRAY_LEN(dirs); k++) {
		char *paths[128];
		size_t n = the_corpus(dirs[k], paths, SL_ARRAY_LEN(paths));
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(ingest_file(in, paths[i], &res, &err), 0);
			free(paths[i]);
		}
	}
	assert_int_equal(ingest_file(in, mainlog, &res, &err), 0);
	assert_int_equal(ingest_finish(in, &err), 0);
	const struct writer_stats *ws = ingest_writer_stats(in);
	assert_true(ws->reasons_producer + ws->reasons_writer > 100);
	if (side == WRITER_SIDE_PRODUCER)
		assert_int_equal(ws->reasons_writer, 0);
	if (side == WRITER_SIDE_WRITER)
		assert_int_equal(ws->reasons_producer, 0);
	/* the refusal of a domain this host delivers to is "no such user",
	 * whichever thread saw it */
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(store_db(s), "SELECT reason FROM events WHERE "
	                                    "recipient = 'nobody@ours.example'", -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "user-unknown");
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_prepare_v2(store_db(s), "SELECT id, reason FROM events ORDER BY id",
	                                    -1, &q, NULL), SQLITE_OK);
	struct sl_buf out;
	sl_buf_init(&out);
	size_t named = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(q, 1);
		named += r != NULL;
		sl_buf_addf(&out, "%lld %s\n", (long long)sqlite3_column_int64(q, 0), r ? r : "-");
	}
	sqlite3_finalize(q);
	assert_true(named > 100);
	/* and the health lines, shaped on the same side */
	assert_int_equal(sqlite3_prepare_v2(store_db(s), "SELECT * FROM health ORDER BY rowid", -1, &q,
	                                    NULL), SQLITE_OK);
	size_t health = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(q); i++) {
			const char *v = (const char *)sqlite3_column_text(q, i);
			sl_buf_addf(&out, "%s%s", i ? "|" : "", v ? v : "~");
		}
		sl_buf_addc(&out, '\n');
		health++;
	}
	sqlite3_finalize(q);
	assert_true(health > 20);
	ingest_free(in);
	assert_int_equal(store_close(s, &err), 0);
	return sl_buf_detach(&out);
}

/* The reason of a failure is classified, and a health line shaped, on the
 * parse thread or on the writer thread (whichever has room): the stored
 * rows are the same. */
static void test_reasons_same_on_either_thread(void **state)
{
	(void)state;
	/* Exim's "Unrouteable address" for a domain it delivers locally
	 * (tests/e2e_reasons.sh; smtp_in.c smtp_handle_acl_fail, deliver.c
	 * delivery_log) */
	char mainlog[] = "/tmp/smtplog-mainlog-XXXXXX";
	int fd = mkstemp(mainlog);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("2026-11-23 06:00:00 H=mx.example.net [192.0.2.7] F=<a@example.net> rejected RCPT "
	      "<nobody@ours.example>: Unrouteable address\n"
	      "2026-11-23 06:05:00 1vAbCd-0001Xy-Ab <= a@example.net H=mx.example.net [192.0.2.7] "
	      "P=esmtp S=1234\n"
	      "2026-11-23 06:05:00 1vAbCd-0001Xy-Ab => bob <bob@ours.example> R=localuser "
	      "T=local_delivery\n"
	      "2026-11-23 06:05:00 1vAbCd-0001Xy-Ab Completed\n", f);
	fclose(f);
	char *producer = reasons_on(WRITER_SIDE_PRODUCER, mainlog);
	char *writer = reasons_on(WRITER_SIDE_WRITER, mainlog);
	char *balanced = reasons_on(WRITER_SIDE_BALANCED, mainlog);
	assert_string_equal(producer, writer);
	assert_string_equal(producer, balanced);
	free(producer);
	free(writer);
	free(balanced);
	unlink(mainlog);
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
		cmocka_unit_test(test_reasons_same_on_either_thread),
		cmocka_unit_test_setup_teardown(test_partial_last_line_waits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_last_line_of_complete_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
