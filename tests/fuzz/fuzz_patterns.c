/* fuzz_patterns: the pattern-file loader. Each input is the text of one
 * pattern file (as --patterns reads it): loaded, compiled when it loads,
 * and, when it compiles, used as the only patterns of a recognizer, of the
 * reasons rules and of direct matches against a few real lines. One input
 * in eight is loaded over the built-in patterns, as a file that overrides
 * some of them. A bad file must fail with SL_EFORMAT and a message that
 * names where; a good one must work whatever it holds.
 * SPDX-License-Identifier: MIT */
#include "fuzz.h"

#include <time.h>
#include "logline.h"
#include "patterns.h"
#include "reasons.h"
#include "recog.h"

/* One line of each MTA, from sample-logs/ */
static const char *const sample_lines[] = {
	"Nov 23 06:25:14 mx1 postfix/smtp[2302]: 4B2C71A0042: to=<bob@example.net>, "
	"relay=mx.example.net[192.0.2.10]:25, delay=1.2, delays=0.1/0/0.6/0.5, dsn=4.7.1, "
	"status=deferred (host mx.example.net[192.0.2.10] said: 451 4.7.1 Greylisted, try "
	"again later (in reply to RCPT TO command))",
	"Nov 23 06:25:01 mx1 postfix/smtpd[2291]: NOQUEUE: reject: RCPT from "
	"unknown[203.0.113.5]: 554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked "
	"using zen.spamhaus.org; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x>",
	"2026-11-23 06:25:01 1vHxyz-000Abc-12 ** bob@example.net R=dnslookup T=remote_smtp "
	"H=mx.example.net [192.0.2.10]: SMTP error from remote mail server after RCPT "
	"TO:<bob@example.net>: 550 5.1.1 User unknown",
	"Nov 23 06:25:02 mx1 sm-mta[812]: 5ANGP2x1000812: to=<bob@example.net>, delay=00:00:01, "
	"xdelay=00:00:01, mailer=esmtp, pri=120, relay=mx.example.net. [192.0.2.10], dsn=2.0.0, "
	"stat=Sent (OK id=1vHxyz)",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static void use_set(struct pattern_set *set)
{
	struct sl_error err;
	sl_error_clear(&err);
	struct recog *rec = recog_new(set, NULL, &err);
	FUZZ_CHECK(rec != NULL, "recog_new: %s", err.msg);
	struct reasons *rs = reasons_new(set, &err);   /* may refuse an unknown reason id */
	if (!rs)
		FUZZ_CHECK(err.msg[0], "reasons_new failed without a message");
	size_t n = patterns_count(set, NULL);
	for (size_t i = 0; i < SL_ARRAY_LEN(sample_lines); i++) {
		const char *text = sample_lines[i];
		size_t len = strlen(text);
		struct logline_ctx ctx;
		logline_ctx_init(&ctx, 2026, 1795000000);
		struct logline ll;
		logline_parse(&ctx, text, len, &ll);
		struct event ev;
		struct sl_span program;
		if (recog_line(rec, &ll, &ev, &program) == RECOG_MATCHED && rs && !sl_span_empty(ev.reply))
			(void)reasons_classify(rs, ev.reply.p, ev.reply.len, ev.smtp_code, ev.enhanced_code);
		for (size_t k = 0; k < n; k++) {
			const struct pattern *p = patterns_at(set, NULL, k);
			FUZZ_CHECK(pattern_id(p) && pattern_mta(p), "entry %zu without id or mta", k);
			struct pattern_match m;
			if (patterns_match_id(set, pattern_id(p), ll.message.p, ll.message.len, &m))
				for (size_t f = 0; f < PF_COUNT; f++)
					FUZZ_CHECK(fuzz_span_within(m.field[f].p, m.field[f].len, ll.message.p,
					                            ll.message.len),
					           "group %zu of %s outside the message", f, pattern_id(p));
		}
		logline_ctx_release(&ctx);
	}
	reasons_free(rs);
	recog_free(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_error err;
	sl_error_clear(&err);
	struct pattern_set *set = patterns_new();
	if (size % 8 == 0 && patterns_add_builtin(set, &err))
		FUZZ_CHECK(0, "built-in patterns: %s", err.msg);
	if (patterns_add_text(set, "fuzz.pat", (const char *)data, size, &err) == 0 &&
	    patterns_compile(set, &err) == 0) {
		use_set(set);
	} else {
		FUZZ_CHECK(err.code == SL_EFORMAT, "error code %d: %s", err.code, err.msg);
		FUZZ_CHECK(strncmp(err.msg, "fuzz.pat", 8) == 0 || strstr(err.msg, "fuzz.pat"),
		           "the message does not name the file: %s", err.msg);
	}
	patterns_free(set);
	return 0;
}
