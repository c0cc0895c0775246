/* test_store_health: which lines become rows of the health table (category,
 * program, shape, client), and that a row counts each line once however
 * often it is read. Lines from ../shared/corpus (file named at each case). */
#include "testutil.h"

#include <sqlite3.h>

#include "recog.h"
#include "store.h"
#include "store_health.h"

static struct pattern_set *set;
static struct recog *rec;

static int setup(void **state)
{
	(void)state;
	struct sl_error err;
	set = patterns_new();
	if (patterns_add_builtin(set, &err) || patterns_compile(set, &err))
		return -1;
	rec = recog_new(set, NULL, &err);
	return rec ? test_tmp_setup(state) : -1;
}

static int teardown(void **state)
{
	recog_free(rec);
	patterns_free(set);
	return test_tmp_teardown(state);
}

struct hcase {
	const char *prog, *msg;
	const char *category;   /* NULL: not a health line */
	const char *shape, *client;
};

static const struct hcase cases[] = {
	/* Postfix: ../shared/corpus/postfix/crowdsec-postfix-sasl-bf.log, kumina-postfix-exporter-test.log */
	{ "postfix/smtpd", "warning: unknown[1.2.3.4]: SASL LOGIN authentication failed: authentication failure",
	  "sasl", "SASL LOGIN authentication failed: authentication failure", "1.2.3.4" },
	{ "postfix/smtps/smtpd", "warning: unknown[122.166.249.154]:48123: SASL LOGIN authentication failed: "
	  "UGFzc3dvcmQ6", "sasl", "SASL LOGIN authentication failed: *", "122.166.249.154" },
	{ "postfix/smtpd", "warning: unknown[2001:db8::a11:beef:7ac0]: SASL LOGIN authentication failed: "
	  "UGFzc3dvcmQ6", "sasl", "SASL LOGIN authentication failed: *", "2001:db8::a11:beef:7ac0" },
	{ "postfix/smtpd", "SSL_accept error from unknown[203.0.113.10]: lost connection", "tls",
	  "SSL_accept error from unknown[]: lost connection", NULL },
	{ "postfix/smtp", "certificate verification failed for mail.example.com[113.169.17.115]:25: "
	  "self-signed certificate.", "tls", "certificate verification failed for *[]:#: self-signed certificate.",
	  NULL },
	{ "postfix/smtpd", "warning: TLS library problem: error:14094418:SSL routines:ssl3_read_bytes:tlsv1 "
	  "alert unknown ca", "tls", "TLS library problem: error:#:SSL routines:ssl3_read_bytes:tlsv1 alert "
	  "unknown ca", NULL },
	{ "postfix/postscreen", "PASS NEW [192.0.2.1]:51244", "postscreen", "PASS NEW", NULL },
	{ "postfix/postscreen", "DNSBL rank 3 for [192.0.2.2]:36240", "postscreen", "DNSBL rank", NULL },
	{ "postfix/postscreen", "HANGUP after 0.61 from [192.0.2.3]:52712 in tests after SMTP handshake",
	  "postscreen", "HANGUP", NULL },
	{ "postfix/qmgr", "warning: lots of deferred mail, that is bad for performance", "warning",
	  "lots of deferred mail, that is bad for performance", NULL },
	{ "postfix/smtpd", "fatal: file /etc/postfix/main.cf: parameter default_privs: unknown user name "
	  "value: nobody", "fatal", "file *: parameter default_privs: unknown user name value: nobody", NULL },
	{ "postfix/master", "panic: myfree: corrupt or unallocated memory block", "panic",
	  "myfree: corrupt or unallocated memory block", NULL },
	{ "postfix/smtpd", "warning: C48C428351: queue file size limit exceeded", "warning",
	  "*: queue file size limit exceeded", NULL },
	/* header_checks' warn action is a policy event, not a daemon's warning */
	{ "postfix/cleanup", "4D1E13E0B2: warning: header Subject: hi from local; from=<a@example.org> "
	  "to=<b@example.org>", NULL, NULL, NULL },
	/* session noise stays no row */
	{ "postfix/smtpd", "connect from unknown[192.0.2.9]", NULL, NULL, NULL },
	/* Exim: ../shared/corpus/exim/crowdsec-exim-bf.log, exim-testsuite-log-5510.log */
	{ "exim", "dovecot_login authenticator failed for ([1.2.3.5]) [1.2.3.4]:55379: 535 Incorrect "
	  "authentication data (set_id=info@test.com)", "sasl",
	  "dovecot_login authenticator failed for () []:#: # Incorrect authentication data (set_id=*)",
	  "1.2.3.4" },
	{ "exim", "login authenticator failed for no-helo.example.org [192.0.2.11]:5432: 535 Incorrect "
	  "authentication data (set_id=user)", "sasl",
	  "login authenticator failed for * []:#: # Incorrect authentication data (set_id=*)", "192.0.2.11" },
	{ "exim", "TLS error on connection from (win-077ccx) [128.1.57.122] (SSL_accept): error:0A000126:SSL "
	  "routines::unexpected eof while reading", "tls",
	  "TLS error on connection from () [] (SSL_accept): error:#A#:SSL routines::unexpected eof "
	  "while reading", NULL },
	/* Exim tls-openssl.c; an ACL's warn verb (acl.c, "H=... Warning: ...") is no health row */
	{ "exim", "Warning: No server certificate defined; will use a selfsigned one.", "warning",
	  "No server certificate defined; will use a selfsigned one.", NULL },
	{ "exim", "H=(example.com) [192.0.2.7]:4321 Warning: listed at zen.spamhaus.org", NULL, NULL, NULL },
	{ "exim", "Exim configuration error in line 42 of /etc/exim4/exim4.conf:", "panic",
	  "Exim configuration error in line # of *:", NULL },
	/* Sendmail: ../shared/corpus/sendmail/fail2ban-sendmail-auth.log; op.me (SYSERR) */
	{ "sendmail", "06I02CNi016764: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): "
	  "authentication failure: checkpass failed, user=user@example.com, relay=example.com [192.0.2.3] "
	  "(may be forged)", "sasl", "AUTH failure (LOGIN): authentication failure (-#) SASL(-#): "
	  "authentication failure: checkpass failed, user=*, relay=* [] (may be forged)", "192.0.2.3" },
	{ "sendmail", "06I02CNi016765: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): "
	  "authentication failure: checkpass failed, user=criminal, relay=[192.0.2.100], relay=[192.0.2.4] "
	  "(may be forged)", "sasl", "AUTH failure (LOGIN): authentication failure (-#) SASL(-#): "
	  "authentication failure: checkpass failed, user=*, relay=[], relay=[] (may be forged)", "192.0.2.4" },
	{ "sm-mta", "STARTTLS=server, error: accept failed=0, reason=unknown, SSL_error=5, errno=104, "
	  "retry=-1, relay=[192.0.2.9]", "tls", "STARTTLS=*, error: accept failed=*, reason=*, SSL_error=*, "
	  "errno=*, retry=*, relay=[]", NULL },
	{ "sm-mta", "j4KDbUaV007215: SYSERR(root): collect: Cannot write ./dfj4KDbUaV007215 (bfcommit, "
	  "uid=0, gid=25): No space left on device", "error",
	  "collect: Cannot write * (bfcommit, uid=*, gid=*): No space left on device", NULL },
	/* an ordinary STARTTLS line is no failure */
	{ "sm-mta", "STARTTLS=server, relay=[130.67.61.19], version=TLSv1.3, verify=NO, bits=256/256",
	  NULL, NULL, NULL },
};

static void test_lines(void **state)
{
	(void)state;
	int failures = 0;
	struct sl_buf scratch;
	sl_buf_init(&scratch);
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		const struct hcase *c = &cases[i];
		struct logline ll = { .pid = -1, .has_ts = true };
		ll.ts.sec = 1790000000;   /* 2026-09-21T14:13:20Z */
		ll.program = (struct sl_span){ c->prog, strlen(c->prog) };
		ll.message = (struct sl_span){ c->msg, strlen(c->msg) };
		struct event ev;
		struct sl_span program;
		if (recog_line(rec, &ll, &ev, &program) != RECOG_MATCHED) {
			printf("case %zu: not recognized\n", i);
			failures++;
			continue;
		}
		if (!c->category) {
			if (ev.kind == EV_HEALTH) {
				printf("case %zu: a health line (%s), want none\n", i, ev.health);
				failures++;
			}
			continue;
		}
		struct corr_pos pos = { .source_id = 1, .offset = 100 };
		struct corr_event ce = { .ev = &ev, .ll = &ll, .pos = &pos };
		struct store_health_row row;
		if (ev.kind != EV_HEALTH || !store_health_fill(&ce, &row, &scratch)) {
			printf("case %zu: kind %d, not a health row\n", i, (int)ev.kind);
			failures++;
			continue;
		}
		if (strcmp(row.category, c->category) != 0 || !sl_span_eq(row.shape, c->shape) ||
		    (c->client ? !sl_span_eq(row.client, c->client) : !sl_span_empty(row.client)) ||
		    !sl_span_eq(row.program, c->prog) || !sl_span_eq(row.sample, c->msg) ||
		    strcmp(row.hour, "2026-09-21T14:00:00Z") != 0) {
			printf("case %zu: got %s \"%.*s\" client \"%.*s\" hour %s\n", i, row.category,
			       (int)row.shape.len, row.shape.p, (int)row.client.len,
			       row.client.p ? row.client.p : "", row.hour);
			failures++;
		}
	}
	sl_buf_release(&scratch);
	assert_int_equal(failures, 0);
}

static struct store_health_row R(const char *shape, uint64_t offset, const char *hour)
{
	struct store_health_row r = { .source_id = 3, .offset = offset, .category = "warning" };
	snprintf(r.hour, sizeof r.hour, "%s", hour ? hour : "");
	r.program = (struct sl_span){ "postfix/qmgr", 12 };
	r.shape = (struct sl_span){ shape, strlen(shape) };
	r.sample = r.shape;
	return r;
}

static int64_t total(struct store *st, const char *shape)
{
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(store_db(st), "SELECT coalesce(sum(count), 0) FROM health"
	                                    " WHERE shape = ?1", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, shape, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* A row counts a line once: a second reading (--reread, a resume after a
 * kill that re-reads lines committed since the resume point) adds nothing,
 * lines after the last one counted add. */
static void test_exactly_once(void **state)
{
	(void)state;
	struct sl_error err = { 0 };
	struct store *st = store_open(test_tmp_path("h.db"), &err);
	if (!st)
		fail_msg("store_open: %s", err.msg);
	const uint64_t a[] = { 10, 50, 90 }, b[] = { 30, 70 };
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < 3; i++) {
			struct store_health_row r = R("a", a[i], "2026-11-23T06:00:00Z");
			assert_int_equal(store_health_write(st, &r, &err), 0);
			if (i < 2) {
				struct store_health_row q = R("b", b[i], NULL);   /* no stamp */
				assert_int_equal(store_health_write(st, &q, &err), 0);
			}
		}
		assert_int_equal(store_commit(st, &err), 0);
		assert_int_equal(total(st, "a"), 3);
		assert_int_equal(total(st, "b"), 2);
	}
	/* read from a resume point at offset 40: 50 and 90 were counted, 120 is new */
	const uint64_t again[] = { 50, 90, 120 };
	for (size_t i = 0; i < 3; i++) {
		struct store_health_row r = R("a", again[i], "2026-11-23T06:00:00Z");
		assert_int_equal(store_health_write(st, &r, &err), 0);
	}
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(total(st, "a"), 4);
	/* one row per key; the first line stays the sample */
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(store_db(st), "SELECT count(*), max(last_offset) FROM health"
	                                    " WHERE shape = 'a'", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 1);
	assert_int_equal(sqlite3_column_int(s, 1), 120);
	sqlite3_finalize(s);
	assert_int_equal(store_close(st, &err), 0);
}

/* The lines of one key are counted in memory and written once a batch; a
 * batch larger than the in-memory bound is flushed on the way, and what
 * is read again still counts once. Lines of keys with and without a
 * client are rows of their own. */
static void test_many_lines_one_key(void **state)
{
	(void)state;
	struct sl_error err = { 0 };
	struct store *st = store_open(test_tmp_path("many.db"), &err);
	if (!st)
		fail_msg("store_open: %s", err.msg);
	for (int pass = 0; pass < 2; pass++) {
		for (uint64_t o = 1; o <= 150000; o++) {
			struct store_health_row r = R("m", o * 10, "2026-11-23T07:00:00Z");
			if (o % 3 == 0)
				r.client = (struct sl_span){ "192.0.2.1", 9 };
			assert_int_equal(store_health_write(st, &r, &err), 0);
		}
		assert_int_equal(store_commit(st, &err), 0);
		assert_int_equal(total(st, "m"), 150000);
	}
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(store_db(st), "SELECT count(*), sum(count) FROM health"
	                                    " WHERE shape = 'm' AND client IS NULL", -1, &s, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 1);
	assert_int_equal(sqlite3_column_int(s, 1), 100000);
	sqlite3_finalize(s);
	assert_int_equal(store_close(st, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_exactly_once),
		cmocka_unit_test(test_many_lines_one_key),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
