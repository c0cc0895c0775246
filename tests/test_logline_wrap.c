/* test_logline_wrap: which lines start and continue a broken log line, how
 * the parts are joined, and the limits. Shapes from pasted logs (see
 * logline_wrap.c): a mailing list's quoted maillog, a blog's line with each
 * field on its own. */
#include <time.h>

#include "testutil.h"

#include "logline.h"
#include "logline_wrap.h"

static struct logline_ctx ctx;

static struct logline parse(const char *line)
{
	struct logline ll;
	logline_parse(&ctx, line, strlen(line), &ll);
	return ll;
}

static void hold(struct logline_wrap *w, const char *line)
{
	struct logline ll = parse(line);
	assert_true(logline_wrap_may_start(&ll));
	logline_wrap_hold(w, line, strlen(line), 7, 700, ll.program);
}

static void check_join(struct logline_wrap *w, const char *rest, const char *want)
{
	struct logline ll = parse(rest);
	assert_true(logline_wrap_may_continue(w, &ll, strlen(rest)));
	struct sl_span j = logline_wrap_join(w, rest, strlen(rest));
	if (j.len != strlen(want) || memcmp(j.p, want, j.len) != 0)
		fail_msg("join of \"%s\":\n got \"%.*s\"\nwant \"%s\"", rest, (int)j.len, j.p, want);
}

static void test_start(void **state)
{
	(void)state;
	struct logline ll = parse("Jan 12 14:29:38 F055 postfix/qmgr[26852]: 78F628C4596: from=<a@b>, size=366,");
	assert_true(logline_wrap_may_start(&ll));
	ll = parse("2026-01-12T14:29:38+01:00 F055 postfix/qmgr[26852]: 78F628C4596: from=<a@b>,");
	assert_true(logline_wrap_may_start(&ll));
	/* no header: nothing to continue; Exim's own log and journald's records
	 * are not broken by mail clients */
	ll = parse("nrcpt=1 (queue active)");
	assert_false(logline_wrap_may_start(&ll));
	ll = parse("2026-01-12 14:29:38 1vAbCd-0001Xy-Ab <= a@b.example H=x [192.0.2.1]");
	assert_false(logline_wrap_may_start(&ll));
	ll = parse("{\"MESSAGE\":\"x\",\"SYSLOG_IDENTIFIER\":\"postfix/qmgr\"}");
	assert_false(logline_wrap_may_start(&ll));
}

static void test_join(void **state)
{
	(void)state;
	struct logline_wrap w;
	logline_wrap_init(&w);
	/* the break took a blank: one joins them */
	hold(&w, "> Jan 12 14:29:38 F055 postfix/qmgr[26852]: 78F628C4596: from=<a@b>, size=366,");
	assert_int_equal(w.n, 1);
	assert_true(w.lineno == 7 && w.offset == 700);
	check_join(&w, "> nrcpt=1 (queue active)",
	           "> Jan 12 14:29:38 F055 postfix/qmgr[26852]: 78F628C4596: from=<a@b>, size=366, "
	           "nrcpt=1 (queue active)");
	/* a held text that ends in a blank needs none; a rest's own blanks go */
	hold(&w, "Dec 21 21:54:51 s postfix/smtp[1]: 9E04: to=<a@b>, ");
	check_join(&w, "   relay=mx.b[192.0.2.1]:25, ",
	           "Dec 21 21:54:51 s postfix/smtp[1]: 9E04: to=<a@b>, relay=mx.b[192.0.2.1]:25,");
	/* a join not understood is kept as the held text, the next rest after it */
	const char *r2 = "   relay=mx.b[192.0.2.1]:25, ";
	assert_true(logline_wrap_add(&w, r2, strlen(r2)));
	assert_int_equal(w.n, 2);
	check_join(&w, "delay=0.35,", "Dec 21 21:54:51 s postfix/smtp[1]: 9E04: to=<a@b>, "
	           "relay=mx.b[192.0.2.1]:25, delay=0.35,");
	/* a candidate not kept leaves the held text as it was */
	check_join(&w, "dsn=5.1.8,", "Dec 21 21:54:51 s postfix/smtp[1]: 9E04: to=<a@b>, "
	           "relay=mx.b[192.0.2.1]:25, dsn=5.1.8,");
	/* the held lines as read, for counting them if no rest comes */
	assert_int_equal(w.lines.len, 52 + 30);
	assert_int_equal(memcmp(w.lines.data, "Dec 21 21:54:51 s postfix/smtp[1]: 9E04: to=<a@b>, \n"
	                        "   relay=mx.b[192.0.2.1]:25, \n", w.lines.len), 0);
	logline_wrap_clear(&w);
	assert_int_equal(w.n, 0);
	logline_wrap_release(&w);
}

static void test_not_a_rest(void **state)
{
	(void)state;
	struct logline_wrap w;
	logline_wrap_init(&w);
	struct logline ll = parse("nrcpt=1 (queue active)");
	/* nothing held */
	assert_false(logline_wrap_may_continue(&w, &ll, 22));
	hold(&w, "Jan 12 14:29:38 F055 postfix/qmgr[26852]: 78F628C4596: from=<a@b>, size=366,");
	/* a line with a header of its own, a blank line, quote marks alone */
	ll = parse("Jan 12 14:29:39 F055 postfix/qmgr[26852]: 78F628C4596: removed");
	assert_false(logline_wrap_may_continue(&w, &ll, ll.message.len));
	ll = parse("   ");
	assert_false(logline_wrap_may_continue(&w, &ll, 3));
	ll = parse(">  > ");
	assert_false(logline_wrap_may_continue(&w, &ll, 5));
	/* at most LOGLINE_WRAP_PARTS parts */
	for (unsigned i = 1; i < LOGLINE_WRAP_PARTS; i++) {
		ll = parse("x=1,");
		assert_true(logline_wrap_may_continue(&w, &ll, 4));
		logline_wrap_join(&w, "x=1,", 4);
		assert_true(logline_wrap_add(&w, "x=1,", 4));
	}
	assert_int_equal(w.n, LOGLINE_WRAP_PARTS);
	ll = parse("x=1,");
	assert_false(logline_wrap_may_continue(&w, &ll, 4));
	assert_false(logline_wrap_add(&w, "x=1,", 4));
	/* and no join longer than LOGLINE_WRAP_MAX */
	hold(&w, "Jan 12 14:29:38 F055 postfix/qmgr[26852]: 78F628C4596: from=<a@b>, size=366,");
	ll = parse("x=1,");
	assert_false(logline_wrap_may_continue(&w, &ll, LOGLINE_WRAP_MAX));
	logline_wrap_release(&w);
}

static bool open_(const char *t)
{
	return logline_wrap_open((struct sl_span){ t, strlen(t) });
}

/* a reply whose rest was broken off leaves its parenthesis open */
static void test_open(void **state)
{
	(void)state;
	assert_true(open_("4AB: to=<a@b>, relay=x[192.0.2.1]:25, status=bounced (host x[192.0.2.1] "
	                  "said: 550 5.1.1 <a@b>: Recipient"));
	assert_false(open_("4AB: to=<a@b>, status=bounced (host x said: 550 5.1.1 (in reply to RCPT "
	                   "TO command))"));
	assert_false(open_("4AB: removed"));
	assert_false(open_("a :) b"));
	assert_true(open_("((a)"));
}

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	logline_ctx_init(&ctx, 2026, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	logline_ctx_release(&ctx);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_not_a_rest),
		cmocka_unit_test(test_open),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
