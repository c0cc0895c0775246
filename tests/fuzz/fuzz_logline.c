/* fuzz_logline: the header parser. Each input is a run of lines, parsed
 * with one context as a file is (so year inference across lines is
 * exercised), once with the year inferred and once with --year. Checks that
 * every span lies in the line or in the context's scratch buffer, and that
 * a parsed stamp survives a round trip through the ISO 8601 formatter and
 * parser; the line itself also goes to sl_time_parse_iso.
 * SPDX-License-Identifier: MIT */
#include "fuzz.h"

#include <time.h>
#include "logline.h"
#include "util_time.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* A zone with daylight saving time, so RFC 3164 stamps meet its gaps */
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	return 0;
}

/* check_span - a span of the parse lies in the line, in the scratch buffer
 * or in the line's HTML-decoded copy; a message joined from Sendmail's
 * pieces (joined set) in the pieces' buffer */
static void check_span(const char *what, struct sl_span s, const char *line, size_t len,
                       const struct logline_ctx *ctx, bool joined)
{
	FUZZ_CHECK(fuzz_span_within(s.p, s.len, line, len) ||
	           fuzz_span_within(s.p, s.len, ctx->scratch.data, ctx->scratch.len) ||
	           fuzz_span_within(s.p, s.len, ctx->unescaped.data, ctx->unescaped.len) ||
	           (joined && fuzz_span_within(s.p, s.len, ctx->piece_text.data, ctx->piece_text.len)),
	           "%s span (%zu bytes) outside the line and the scratch buffer", what, s.len);
}

static void check_time(struct sl_time t)
{
	FUZZ_CHECK(t.usec >= 0 && t.usec <= 999999, "usec %d", (int)t.usec);
	char iso[SL_TIME_ISO_MAX];
	size_t n = sl_time_format_iso(t, iso);
	FUZZ_CHECK(n > 0 && n < SL_TIME_ISO_MAX && iso[n] == '\0', "format length %zu", n);
	struct sl_time back;
	FUZZ_CHECK(sl_time_parse_iso(iso, n, &back) == 0, "cannot parse own output '%s'", iso);
	FUZZ_CHECK(back.sec == t.sec, "'%s' reads back as %lld, not %lld", iso, (long long)back.sec,
	           (long long)t.sec);
	if (t.has_frac)
		FUZZ_CHECK(back.usec == t.usec, "'%s' reads back with usec %d, not %d", iso,
		           (int)back.usec, (int)t.usec);
}

static void parse_all(const uint8_t *data, size_t size, int year)
{
	struct logline_ctx ctx;
	/* a fixed reference time: the same input must always parse the same way */
	logline_ctx_init(&ctx, year, 1795000000);   /* 2026-11-18 */
	size_t pos = 0, len;
	char *line;
	while ((line = fuzz_line_next(data, size, &pos, &len))) {
		struct logline ll;
		logline_parse(&ctx, line, len, &ll);
		FUZZ_CHECK(ll.format >= LOGLINE_BARE && ll.format <= LOGLINE_EXIM, "format %d",
		           (int)ll.format);
		check_span("host", ll.host, line, len, &ctx, false);
		if (!(ll.format == LOGLINE_EXIM && sl_span_eq(ll.program, "exim")))
			check_span("program", ll.program, line, len, &ctx, false);   /* Exim's is a constant */
		check_span("message", ll.message, line, len, &ctx, ll.joined);
		if (ll.format == LOGLINE_BARE)
			FUZZ_CHECK(!ll.has_ts, "a bare line with a time stamp");
		if (ll.has_ts)
			check_time(ll.ts);
		struct sl_time t;
		if (sl_time_parse_iso(line, len, &t) == 0)
			check_time(t);
		free(line);
	}
	logline_ctx_release(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_all(data, size, 0);
	parse_all(data, size, 2026);
	return 0;
}
