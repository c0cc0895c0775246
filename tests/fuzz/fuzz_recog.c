/* fuzz_recog: the recognizers with every built-in pattern of all three
 * MTAs. Each input is a run of lines; each line is parsed, recognized as
 * analyze does (MTA decided per line), recognized again as each MTA
 * (--mta), matched against every pattern by id (the first four lines of
 * an input: so each pattern meets any line, whatever program it names),
 * classified by the reasons rules, and fed to a correlator with a small
 * cap, so eviction, linking and the end-of-input flush run too. Checks
 * that event fields point into the line and that what reaches the sink
 * is well formed.
 * SPDX-License-Identifier: MIT */
#include "fuzz.h"

#include <time.h>
#include "correlate.h"
#include "logline.h"
#include "patterns.h"
#include "reasons.h"
#include "recog.h"

static struct pattern_set *set;
static struct recog *recog_auto;
static struct recog *recog_forced[3];
static struct reasons *reasons;
static const char **ids;
static size_t nids;

static void die_on(int rc, const struct sl_error *err)
{
	if (rc) {
		fprintf(stderr, "fuzz_recog: %s\n", err->msg);
		exit(1);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	setenv("TZ", "UTC", 1);
	tzset();
	struct sl_error err;
	sl_error_clear(&err);
	set = patterns_new();
	die_on(patterns_add_builtin(set, &err), &err);
	die_on(patterns_compile(set, &err), &err);
	recog_auto = recog_new(set, NULL, &err);
	die_on(!recog_auto, &err);
	static const char *const mtas[3] = { "postfix", "exim", "sendmail" };
	for (size_t i = 0; i < 3; i++) {
		recog_forced[i] = recog_new(set, mtas[i], &err);
		die_on(!recog_forced[i], &err);
	}
	reasons = reasons_new(set, &err);
	die_on(!reasons, &err);
	nids = patterns_count(set, NULL);
	ids = calloc(nids, sizeof *ids);
	for (size_t i = 0; i < nids; i++)
		ids[i] = pattern_id(patterns_at(set, NULL, i));
	return 0;
}

/* ---- a sink that checks what the correlator hands over */

struct check_sink {
	int64_t next_id;
};

static void check_str(const char *what, const char *s)
{
	if (s)
		FUZZ_CHECK(strlen(s) < 1 << 20, "%s: %zu bytes", what, strlen(s));
}

static void check_message(const struct check_sink *cs, const struct corr_message *m)
{
	check_str("host", m->host);
	check_str("queue_id", m->queue_id);
	check_str("sender", m->sender);
	check_str("header_msgid", m->header_msgid);
	check_str("client_host", m->client_host);
	check_str("client_ip", m->client_ip);
	check_str("helo", m->helo);
	check_str("protocol", m->protocol);
	/* a copy's origin may have been opened after it (an evicted origin
	 * seen again), but it was opened, and it is another message */
	FUZZ_CHECK(m->origin_id >= 0 && m->origin_id <= cs->next_id && m->origin_id != m->id,
	           "origin %lld of message %lld", (long long)m->origin_id, (long long)m->id);
}

static int sink_open(void *ctx, struct corr_message *m, struct sl_error *err)
{
	(void)err;
	struct check_sink *cs = ctx;
	m->id = ++cs->next_id;
	check_message(cs, m);
	return 0;
}

static int sink_update(void *ctx, const struct corr_message *m, struct sl_error *err)
{
	(void)err;
	struct check_sink *cs = ctx;
	FUZZ_CHECK(m->id > 0 && m->id <= cs->next_id, "update of message %lld never opened",
	           (long long)m->id);
	check_message(cs, m);
	return 0;
}

static int sink_event(void *ctx, const struct corr_event *e, struct sl_error *err)
{
	(void)err;
	struct check_sink *cs = ctx;
	FUZZ_CHECK(e->message_id >= 0 && e->message_id <= cs->next_id, "event of message %lld",
	           (long long)e->message_id);
	FUZZ_CHECK(e->ev && e->ll && e->pos, "event without its line");
	return 0;
}

/* check_event - every field of a recognized event lies in the line (or in
 * the parser's scratch buffer, for journal JSON, or is a static action word) */
static void check_event(const struct event *ev, const char *line, size_t len,
                        const struct logline_ctx *ctx)
{
	const struct sl_span *spans[] = {
		&ev->queue_id, &ev->sender, &ev->recipient, &ev->orig_recipient, &ev->remote_host,
		&ev->remote_ip, &ev->helo, &ev->relay, &ev->reply, &ev->status, &ev->action,
		&ev->header_msgid, &ev->new_queue_id, &ev->forward_to, &ev->protocol,
		&ev->origin_queue_id,
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(spans); i++)
		FUZZ_CHECK(fuzz_span_within(spans[i]->p, spans[i]->len, line, len) ||
		           fuzz_span_within(spans[i]->p, spans[i]->len, ctx->scratch.data,
		                            ctx->scratch.len) ||
		           fuzz_span_within(spans[i]->p, spans[i]->len, recog_action_discard,
		                            strlen(recog_action_discard)),
		           "field %zu of %s (%zu bytes) outside the line", i,
		           ev->pattern_id ? ev->pattern_id : "?", spans[i]->len);
	FUZZ_CHECK(memchr(ev->enhanced_code, '\0', sizeof ev->enhanced_code), "enhanced code");
	FUZZ_CHECK(ev->smtp_code >= 0 && ev->smtp_code < 1000, "smtp code %d", ev->smtp_code);
	FUZZ_CHECK(ev->kind >= EV_NONE && ev->kind < EV_KIND_COUNT, "kind %d", (int)ev->kind);
	if (ev->kind != EV_NONE && ev->kind < EV_MSG_ARRIVAL)
		FUZZ_CHECK(ev_kind_name(ev->kind), "kind %d has no name", (int)ev->kind);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_error err;
	sl_error_clear(&err);
	struct check_sink cs = { 0 };
	const struct sink sink = { .ctx = &cs, .message_open = sink_open,
	                           .message_update = sink_update, .event = sink_event };
	/* a cap of four and an hour's idle window: eviction and adoption run often */
	const struct correlate_config cfg = {
		.max_open = 4, .idle_seconds = 3600, .close_when_delivered = 1u << EV_MTA_SENDMAIL,
	};
	struct correlate *corr = correlate_new(&cfg, &sink);
	struct logline_ctx ctx;
	logline_ctx_init(&ctx, 0, 1795000000);
	struct corr_pos pos = { .source_id = 1, .file = "fuzz" };
	size_t at = 0, len;
	char *line;
	while ((line = fuzz_line_next(data, size, &at, &len))) {
		pos.line++;
		pos.offset = at;
		pos.seq = 0;
		struct logline ll;
		logline_parse(&ctx, line, len, &ll);
		struct event ev;
		struct sl_span program;
		for (size_t i = 0; i < 3; i++)
			if (recog_line(recog_forced[i], &ll, &ev, &program) == RECOG_MATCHED)
				check_event(&ev, line, len, &ctx);
		/* every pattern on the first lines only: on all twenty it costs
		 * five times the rest, and the fuzzer can put any line first */
		for (size_t i = 0; i < nids && pos.line <= 4; i++) {
			struct pattern_match m;
			if (patterns_match_id(set, ids[i], ll.message.p, ll.message.len, &m))
				FUZZ_CHECK(m.pattern == patterns_at(set, NULL, i), "id %s matched another",
				           ids[i]);
		}
		enum recog_result rr = recog_line(recog_auto, &ll, &ev, &program);
		if (rr == RECOG_MATCHED) {
			check_event(&ev, line, len, &ctx);
			if (!sl_span_empty(ev.reply))
				(void)reasons_classify(reasons, ev.reply.p, ev.reply.len, ev.smtp_code,
				                       ev.enhanced_code);
			FUZZ_CHECK(correlate_feed(corr, &ll, &ev, &pos, &err) == 0, "feed: %s", err.msg);
		} else {
			FUZZ_CHECK(fuzz_span_within(program.p, program.len, line, len) ||
			           fuzz_span_within(program.p, program.len, ctx.scratch.data,
			                            ctx.scratch.len) ||
			           (program.p && program.len == strlen(program.p)),
			           "program span of an unrecognized line");
		}
		free(line);
	}
	FUZZ_CHECK(correlate_finish(corr, &err) == 0, "finish: %s", err.msg);
	const struct correlate_stats *st = correlate_stats(corr);
	FUZZ_CHECK(st->open == 0, "%zu messages left open after finish", st->open);
	correlate_free(corr);
	logline_ctx_release(&ctx);
	return 0;
}
