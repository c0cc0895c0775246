/* Numeric fields of every recognizer: each saturates or is rejected, never
 * overflows (the lines run under UBSan in make check). Line shapes: Postfix
 * qmgr and smtp lines as in tests/corpus/postfix, Exim's "<=" line as in its
 * spec (chapter "Log files", S= size), Sendmail's from= and to= lines as in
 * tests/corpus/sendmail, with the numbers made as large as a line can say. */
#include <limits.h>
#include <stdlib.h>

#include "testutil.h"
#include "logline.h"
#include "recog.h"
#include "recog_testutil.h"

static struct logline ll;
static struct event ev;

static void run(const char *prog, const char *msg)
{
	memset(&ll, 0, sizeof ll);
	ll.format = LOGLINE_RFC3164;
	ll.has_ts = true;
	ll.host = (struct sl_span){ "mx1", 3 };
	ll.program = (struct sl_span){ prog, strlen(prog) };
	ll.pid = 1;
	ll.message = (struct sl_span){ msg, strlen(msg) };
	struct sl_span program;
	assert_int_equal(recog_line(rec, &ll, &ev, &program), RECOG_MATCHED);
}

static struct sl_span sp(const char *s)
{
	return (struct sl_span){ s, strlen(s) };
}

/* the helper itself: digits only, saturating at max */
static void test_recog_number(void **state)
{
	(void)state;
	assert_int_equal(recog_number(sp("0"), -1, LONG_MAX), 0);
	assert_int_equal(recog_number(sp("58095"), -1, LONG_MAX), 58095);
	assert_int_equal(recog_number(sp("9223372036854775807"), -1, LONG_MAX), LONG_MAX);
	assert_int_equal(recog_number(sp("9223372036854775808"), -1, LONG_MAX), LONG_MAX);
	assert_int_equal(recog_number(sp("99999999999999999999999999999999"), -1, LONG_MAX), LONG_MAX);
	assert_int_equal(recog_number(sp("2147483648"), -1, INT_MAX), INT_MAX);
	assert_int_equal(recog_number(sp("4294967297"), -1, INT_MAX), INT_MAX);
	assert_int_equal(recog_number(sp("1000"), 0, 999), 999);
	assert_int_equal(recog_number(sp(""), -1, LONG_MAX), -1);
	assert_int_equal(recog_number(sp("-5"), -1, LONG_MAX), -1);
	assert_int_equal(recog_number(sp("12x"), -1, LONG_MAX), -1);
	assert_int_equal(recog_number(sp("999999999999999999999x"), -1, LONG_MAX), -1);
	assert_int_equal(recog_number(sp(" 5"), -1, LONG_MAX), -1);
}

static void test_size(void **state)
{
	(void)state;
	run("postfix/qmgr", "4F0A1C0A12: from=<a@example.org>, size=99999999999999999999, nrcpt=1 "
	                    "(queue active)");
	assert_int_equal(ev.size, LONG_MAX);
	run("exim", "1vAbCd-0001Xy-Ab <= a@example.org H=mx.example.org [192.0.2.1] P=esmtp "
	            "S=99999999999999999999999 id=x@y");
	assert_int_equal(ev.size, LONG_MAX);
	run("sm-mta", "6AM0000058366: from=<a@example.org>, size=99999999999999999999, class=0, "
	              "nrcpts=1, proto=ESMTP, relay=mx.example.org [192.0.2.1]");
	assert_int_equal(ev.size, LONG_MAX);
}

static void test_nrcpt(void **state)
{
	(void)state;
	/* 2^32 + 1 once became 1 in an int */
	run("postfix/qmgr", "4F0A1C0A12: from=<a@example.org>, size=100, nrcpt=4294967297 "
	                    "(queue active)");
	assert_int_equal(ev.nrcpt, INT_MAX);
	run("sm-mta", "6AM0000058366: from=<a@example.org>, size=100, class=0, "
	              "nrcpts=99999999999999999999, proto=ESMTP, relay=mx.example.org [192.0.2.1]");
	assert_int_equal(ev.nrcpt, INT_MAX);
}

static void test_smtp_code(void **state)
{
	(void)state;
	/* a code is three digits: a longer number in the text is none */
	run("postfix/smtp", "4F0A1C0A12: to=<b@example.net>, relay=mx.example.net[192.0.2.2]:25, "
	                    "delay=1, delays=0/0/0/1, dsn=4.0.0, status=deferred (host "
	                    "mx.example.net[192.0.2.2] said: 99999999999999999999 try later)");
	assert_int_equal(ev.smtp_code, 0);
	assert_string_equal(ev.enhanced_code, "4.0.0");
}

static void test_delay(void **state)
{
	(void)state;
	/* Postfix: seconds with a fraction; a huge one is a huge double */
	run("postfix/smtp", "4F0A1C0A12: to=<b@example.net>, relay=mx.example.net[192.0.2.2]:25, "
	                    "delay=99999999999999999999, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)");
	assert_true(ev.delay > 9.9e19 && ev.delay < 1.1e20);
	/* Sendmail: "[D+]HH:MM:SS"; a bare number is none, parts saturate */
	run("sm-mta", "6AM0000058400: to=<b@example.org>, delay=99999999999999999999, mailer=local, "
	              "pri=1, dsn=2.0.0, stat=Sent");
	assert_true(ev.delay == -1);
	run("sm-mta", "6AM0000058400: to=<b@example.org>, delay=99999999999999999999+00:00:01, "
	              "mailer=local, pri=1, dsn=2.0.0, stat=Sent");
	assert_true(ev.delay == 999999999.0 * 86400 + 1);
	run("sm-mta", "6AM0000058400: to=<b@example.org>, delay=00:99999999999999999999:01, "
	              "mailer=local, pri=1, dsn=2.0.0, stat=Sent");
	assert_true(ev.delay == 999999999.0 * 60 + 1);
	run("sm-mta", "6AM0000058400: to=<b@example.org>, delay=1+02:03:04, mailer=local, pri=1, "
	              "dsn=2.0.0, stat=Sent");
	assert_true(ev.delay == 86400 + 2 * 3600 + 3 * 60 + 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recog_number), cmocka_unit_test(test_size),
		cmocka_unit_test(test_nrcpt),        cmocka_unit_test(test_smtp_code),
		cmocka_unit_test(test_delay),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
