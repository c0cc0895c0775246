/* test_util_time: calendar arithmetic against libc's gmtime_r, ISO 8601
 * formatting and parsing, month abbreviations. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "testutil.h"
#include "util.h"
#include "util_time.h"

static void test_days_from_civil(void **state)
{
	(void)state;
	assert_int_equal(sl_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(sl_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(sl_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(sl_days_from_civil(2024, 2, 29), 19782);
	assert_int_equal(sl_time_from_utc(2026, 11, 23, 6, 25, 1), 1795415101);
}

/* Every day from 1900 to 2200 at a varying time of day, against gmtime_r. */
static void test_roundtrip_vs_gmtime(void **state)
{
	(void)state;
	for (int64_t t = -2208988800LL; t < 7258118400LL; t += 86400 + 3607) {
		time_t tt = (time_t)t;
		struct tm tm;
		assert_non_null(gmtime_r(&tt, &tm));
		int y, mon, d, h, mi, s;
		sl_time_to_utc(t, &y, &mon, &d, &h, &mi, &s);
		if (y != tm.tm_year + 1900 || mon != tm.tm_mon + 1 || d != tm.tm_mday ||
		    h != tm.tm_hour || mi != tm.tm_min || s != tm.tm_sec)
			fail_msg("t=%lld: got %d-%d-%d %d:%d:%d", (long long)t, y, mon, d, h, mi, s);
		assert_int_equal(sl_time_from_utc(y, mon, d, h, mi, s), t);
	}
}

struct fmt_case {
	int64_t sec;
	int32_t usec;
	int8_t has_frac;
	const char *want;
};

static const struct fmt_case fmt_cases[] = {
	{ 0, 0, 0, "1970-01-01T00:00:00Z" },
	{ 1795415101, 0, 0, "2026-11-23T06:25:01Z" },
	{ 1795415101, 123456, 1, "2026-11-23T06:25:01.123456Z" },
	{ 1795415101, 7, 1, "2026-11-23T06:25:01.000007Z" },
	{ 1795415101, 999, 0, "2026-11-23T06:25:01Z" },     /* fraction kept only when given */
	{ 951782400, 0, 0, "2000-02-29T00:00:00Z" },
	{ -1, 0, 0, "1969-12-31T23:59:59Z" },
};

static void test_format_iso(void **state)
{
	(void)state;
	for (size_t i = 0; i < SL_ARRAY_LEN(fmt_cases); i++) {
		const struct fmt_case *c = &fmt_cases[i];
		char out[SL_TIME_ISO_MAX];
		struct sl_time t = { c->sec, c->usec, c->has_frac };
		size_t n = sl_time_format_iso(t, out);
		if (strcmp(out, c->want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, c->want);
		assert_int_equal(n, strlen(c->want));

		/* and back */
		struct sl_time back;
		assert_int_equal(sl_time_parse_iso(out, n, &back), 0);
		assert_int_equal(back.sec, c->sec);
		assert_int_equal(back.has_frac, c->has_frac);
		if (c->has_frac)
			assert_int_equal(back.usec, c->usec);
	}
}

struct parse_case {
	const char *in;
	int ok;
	int64_t sec;
	int32_t usec;
};

static const struct parse_case parse_cases[] = {
	{ "2026-11-23T06:25:01Z", 1, 1795415101, 0 },
	{ "2026-11-23T07:25:01+01:00", 1, 1795415101, 0 },
	{ "2026-11-23T07:25:01+0100", 1, 1795415101, 0 },
	{ "2026-11-23T01:25:01-05:00", 1, 1795415101, 0 },
	{ "2026-11-23T06:25:01.5Z", 1, 1795415101, 500000 },
	{ "2026-11-23T06:25:01.1234567Z", 1, 1795415101, 123456 },
	{ "2026-11-23 06:25:01", 1, 1795415101, 0 },         /* no zone: UTC */
	{ "2026-11-23T06:25:01.Z", 0, 0, 0 },
	{ "2026-13-23T06:25:01Z", 0, 0, 0 },
	{ "2026-11-23T06:25:01Zx", 0, 0, 0 },
	{ "2026-11-23T06:25", 0, 0, 0 },
	{ "2026-11-23T06:25:01+1", 0, 0, 0 },
	{ "", 0, 0, 0 },
};

static void test_parse_iso(void **state)
{
	(void)state;
	for (size_t i = 0; i < SL_ARRAY_LEN(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct sl_time t = { -7, -7, -7 };
		int rc = sl_time_parse_iso(c->in, strlen(c->in), &t);
		if ((rc == 0) != c->ok)
			fail_msg("\"%s\": got rc %d, want %s", c->in, rc, c->ok ? "success" : "failure");
		if (c->ok) {
			if (t.sec != c->sec || t.usec != c->usec)
				fail_msg("\"%s\": got %lld.%06d, want %lld.%06d", c->in, (long long)t.sec,
				         t.usec, (long long)c->sec, c->usec);
		} else {
			assert_int_equal(t.sec, -7);   /* untouched on failure */
		}
	}
}

static void test_month_from_abbr(void **state)
{
	(void)state;
	static const char *const names[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	for (int i = 0; i < 12; i++)
		assert_int_equal(sl_month_from_abbr(names[i]), i + 1);
	assert_int_equal(sl_month_from_abbr("nov"), 11);
	assert_int_equal(sl_month_from_abbr("DEC"), 12);
	assert_int_equal(sl_month_from_abbr("Foo"), 0);
	assert_int_equal(sl_month_from_abbr("Ju "), 0);
	assert_int_equal(sl_month_from_abbr("123"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_from_civil),
		cmocka_unit_test(test_roundtrip_vs_gmtime),
		cmocka_unit_test(test_format_iso),
		cmocka_unit_test(test_parse_iso),
		cmocka_unit_test(test_month_from_abbr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
