/* test_report: a small known mail history written through the store's sink
 * into a :memory: database, then the report of it: exact totals, the
 * failure groups and their order, forwarding, lines not understood, the
 * source and time filters, top-N, line width, control characters, Markdown,
 * and JSON that parses; in en, ja, ko and zh every label of the text and
 * Markdown reports, none left in English, columns aligned by display width,
 * and JSON that differs from the English only in its human-readable strings. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sqlite3.h>

#include "testutil.h"
#include "report.h"
#include "store.h"
#include "util.h"

/* ---- building the history */

static struct sl_span S(const char *s)
{
	return s ? (struct sl_span){ s, strlen(s) } : SL_SPAN_NULL;
}

static struct sl_time T(const char *iso)
{
	struct sl_time t = { 0, 0, 0 };
	assert_int_equal(sl_time_parse_iso(iso, strlen(iso), &t), 0);
	return t;
}

struct fixture {
	struct store *st;
	int64_t src_a, src_b;
	uint64_t offset;          /* next line's offset */
};

static void fail_on(int rc, const struct sl_error *err)
{
	if (rc != 0)
		fail_msg("%s", err->msg);
}

static int64_t msg(struct fixture *fx, int64_t src, const char *qid, const char *ts,
                   bool arrived, int64_t origin_id, enum corr_origin origin)
{
	struct sl_error err = { 0 };
	struct corr_message m;
	memset(&m, 0, sizeof m);
	m.mta = EV_MTA_POSTFIX;
	m.host = "mx1";
	m.queue_id = (char *)qid;
	m.sender = "alice@example.org";
	m.size = 1000;
	m.nrcpt = 1;
	m.first_ts = m.last_ts = T(ts);
	m.arrived = arrived;
	m.removed = true;
	m.origin_id = origin_id;
	m.origin = origin;
	m.source_id = src;
	m.first_offset = fx->offset;
	fx->offset += 100;
	const struct sink *k = store_sink(fx->st);
	fail_on(k->message_open(k->ctx, &m, &err), &err);
	return m.id;
}

struct ev {
	enum ev_kind kind;
	enum ev_class cls;
	int code;
	const char *enh;
	const char *rcpt;
	const char *remote_host, *remote_ip;
	const char *reply;
	const char *forward_to;
	bool handoff;
};

static void event(struct fixture *fx, int64_t src, int64_t message_id, const char *ts,
                  const struct ev *e)
{
	struct sl_error err = { 0 };
	struct logline ll;
	struct event ev;
	struct corr_pos pos = { .source_id = src, .file = "mail.log", .line = fx->offset / 100 + 1,
	                        .offset = fx->offset };
	fx->offset += 100;
	memset(&ll, 0, sizeof ll);
	ll.format = LOGLINE_RFC3164;
	ll.has_ts = true;
	ll.ts = T(ts);
	ll.host = S("mx1");
	ll.program = S(e->kind == EV_REJECTED ? "postfix/smtpd" : "postfix/smtp");
	memset(&ev, 0, sizeof ev);
	ev.mta = EV_MTA_POSTFIX;
	ev.kind = e->kind;
	ev.class = e->cls;
	ev.smtp_code = e->code;
	if (e->enh)
		strcpy(ev.enhanced_code, e->enh);
	ev.recipient = S(e->rcpt);
	ev.remote_host = S(e->remote_host);
	ev.remote_ip = S(e->remote_ip);
	ev.reply = S(e->reply);
	ev.forward_to = S(e->forward_to);
	ev.size = ev.nrcpt = -1;
	ev.delay = -1;
	struct corr_event ce = { .ev = &ev, .ll = &ll, .pos = &pos, .message_id = message_id,
	                         .handoff = e->handoff };
	const struct sink *k = store_sink(fx->st);
	fail_on(k->event(k->ctx, &ce, &err), &err);
}

/* Reasons as the reasons module would find them, keyed by code here. */
static const char *classify(void *ctx, const struct event *ev)
{
	(void)ctx;
	switch (ev->smtp_code) {
	case 451: return "greylisting";
	case 550: return "user-unknown";
	case 554: return "relay-denied";
	default: return NULL;
	}
}

static int64_t source(struct fixture *fx, const char *content, uint64_t lines,
                      const char *first, const char *last)
{
	char path[] = "/tmp/test_report_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
	struct sl_error err = { 0 };
	struct reader *r = reader_open(path, 0, &err);
	assert_non_null(r);
	struct store_source src;
	fail_on(store_source_begin(fx->st, "mail.log", r, &src, &err), &err);
	reader_free(r);
	unlink(path);
	struct store_progress p = { .offset = strlen(content), .lines = lines,
	                            .recognized = lines - 7, .unrecognized = 2, .foreign = 5,
	                            .first_ts = first, .last_ts = last };
	fail_on(store_checkpoint(fx->st, src.id, &p, &err), &err);
	return src.id;
}

static int setup(void **state)
{
	static struct fixture fx;
	struct sl_error err = { 0 };
	memset(&fx, 0, sizeof fx);
	fx.st = store_open(":memory:", &err);
	if (!fx.st)
		fail_msg("%s", err.msg);
	store_set_reason_classifier(fx.st, classify, NULL);
	fx.src_a = source(&fx, "content of a\n", 100, "2026-11-23T05:00:00Z", "2026-11-23T23:00:00Z");
	fx.src_b = source(&fx, "content of b\n", 20, "2026-11-22T05:00:00Z", "2026-11-22T23:00:00Z");
	int64_t a = fx.src_a;
	const char *day = "2026-11-23T06:00:00Z";

	/* M1 goes through a content filter; its copy M1c delivers */
	int64_t m1 = msg(&fx, a, "M1", day, true, 0, CORR_ORIGIN_NONE);
	event(&fx, a, m1, day, &(struct ev){ EV_DELIVERED, EV_CLASS_SUCCESS, 250, "2.0.0", "bob@example.net",
	                                      "127.0.0.1", "127.0.0.1", "250 2.0.0 Ok: queued as M1C",
	                                      NULL, true });
	int64_t m1c = msg(&fx, a, "M1C", day, true, m1, CORR_ORIGIN_FILTER);
	event(&fx, a, m1c, day, &(struct ev){ EV_DELIVERED, EV_CLASS_SUCCESS, 250, "2.0.0", "bob@example.net",
	                                       "mx.example.net", "192.0.2.1", "250 ok", NULL, false });
	event(&fx, a, m1c, day, &(struct ev){ EV_DELIVERED, EV_CLASS_SUCCESS, 250, "2.0.0", "carol@example.net",
	                                       "mx.example.net", "192.0.2.1", "250 ok", NULL, false });
	/* M2 is greylisted three times, deferred once otherwise, then delivered */
	int64_t m2 = msg(&fx, a, "M2", day, true, 0, CORR_ORIGIN_NONE);
	for (int i = 0; i < 3; i++)
		event(&fx, a, m2, day, &(struct ev){ EV_DEFERRED, EV_CLASS_TRANSIENT, 451, "4.7.1",
		                                      "dave@Slow.Example", "mx.slow.example", "192.0.2.2",
		                                      i ? "451 4.7.1 later" : "451 4.7.1 Greylisted\x1b[31m red",
		                                      NULL, false });
	event(&fx, a, m2, day, &(struct ev){ EV_DEFERRED, EV_CLASS_TRANSIENT, 421, "4.7.0", "erin@other.example",
	                                      "mx.other.example", "192.0.2.3", "421 4.7.0 busy", NULL, false });
	event(&fx, a, m2, day, &(struct ev){ EV_DELIVERED, EV_CLASS_SUCCESS, 250, "2.0.0", "dave@slow.example",
	                                      "mx.slow.example", "192.0.2.2", "250 ok", NULL, false });
	/* M3 bounces one recipient and expires another; M6 is its notification */
	int64_t m3 = msg(&fx, a, "M3", day, true, 0, CORR_ORIGIN_NONE);
	event(&fx, a, m3, day, &(struct ev){ EV_BOUNCED, EV_CLASS_PERMANENT, 550, "5.1.1", "frank@gone.example",
	                                      "mx.gone.example", "192.0.2.4", "550 5.1.1 User unknown",
	                                      NULL, false });
	event(&fx, a, m3, day, &(struct ev){ EV_EXPIRED, EV_CLASS_PERMANENT, 0, NULL, "gina@x.example",
	                                      NULL, NULL, NULL, NULL, false });
	msg(&fx, a, "M6", day, true, m3, CORR_ORIGIN_NOTIFY);
	/* M4 is accepted with 251, M5 refused with 551 naming another address */
	int64_t m4 = msg(&fx, a, "M4", day, true, 0, CORR_ORIGIN_NONE);
	event(&fx, a, m4, day, &(struct ev){ EV_FORWARDED, EV_CLASS_SUCCESS, 251, "2.1.5", "hank@old.example",
	                                      "mx.old.example", "192.0.2.5",
	                                      "251 2.1.5 User not local; will forward to <hank@new.example>",
	                                      "hank@new.example", false });
	int64_t m5 = msg(&fx, a, "M5", day, true, 0, CORR_ORIGIN_NONE);
	event(&fx, a, m5, day, &(struct ev){ EV_BOUNCED, EV_CLASS_PERMANENT, 551, "5.1.6", "ivan@moved.example",
	                                      "mx.moved.example", "192.0.2.6",
	                                      "551 5.1.6 User not local; please try <ivan@elsewhere.example>",
	                                      "ivan@elsewhere.example", false });
	/* M7 is forwarded by .forward; its copy M7F delivers */
	int64_t m7 = msg(&fx, a, "M7", day, true, 0, CORR_ORIGIN_NONE);
	event(&fx, a, m7, day, &(struct ev){ EV_FORWARDED, EV_CLASS_SUCCESS, 0, "2.0.0", "judy@localhost",
	                                      NULL, NULL, "forwarded as M7F", NULL, false });
	int64_t m7f = msg(&fx, a, "M7F", day, true, m7, CORR_ORIGIN_FORWARD);
	event(&fx, a, m7f, day, &(struct ev){ EV_DELIVERED, EV_CLASS_SUCCESS, 250, "2.0.0", "judy@remote.example",
	                                       "mx.remote.example", "192.0.2.7", "250 ok", NULL, false });
	/* rejections by this server */
	for (int i = 0; i < 3; i++)
		event(&fx, a, 0, day, &(struct ev){ EV_REJECTED, EV_CLASS_PERMANENT, 554, "5.7.1",
		                                     i == 1 ? "w@example.org" : "x@example.com",
		                                     "bad.example", "192.0.2.66",
		                                     "554 5.7.1 <x@example.com>: Relay access denied", NULL, false });
	for (int i = 0; i < 2; i++)
		event(&fx, a, 0, day, &(struct ev){ EV_REJECTED, EV_CLASS_TRANSIENT, 450, "4.1.8", "y@us.example",
		                                     "unknown", "198.51.100.9",
		                                     "450 4.1.8 <z@bad.domain>: Sender address rejected", NULL, false });
	event(&fx, a, 0, day, &(struct ev){ EV_PROBE, EV_CLASS_SUCCESS, 250, "2.0.0", "k@example.net",
	                                     NULL, NULL, "250 ok", NULL, false });
	event(&fx, a, 0, day, &(struct ev){ EV_POLICY, EV_CLASS_NONE, 0, NULL, "l@example.net",
	                                     NULL, NULL, "warn: header Subject", NULL, false });
	const char *samples[] = { "postfix/smtpd[1]: something new", "second" };
	fail_on(store_set_unrecognized(fx.st, a, "postfix/smtpd", "no pattern", 2, samples, 2, &err), &err);
	fail_on(store_set_unrecognized(fx.st, a, "dovecot", "not mail-transfer", 5, NULL, 0, &err), &err);

	/* the day before, in another file */
	int64_t m9 = msg(&fx, fx.src_b, "M9", "2026-11-22T06:00:00Z", true, 0, CORR_ORIGIN_NONE);
	event(&fx, fx.src_b, m9, "2026-11-22T06:00:01Z",
	      &(struct ev){ EV_DELIVERED, EV_CLASS_SUCCESS, 250, "2.0.0", "max@example.net", "mx.example.net",
	                    "192.0.2.1", "250 ok", NULL, false });
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	struct sl_error err = { 0 };
	return store_close(fx->st, &err);
}

/* ---- helpers */

static char *run(struct fixture *fx, struct report_options *opt)
{
	struct sl_buf out;
	struct sl_error err = { 0 };
	sl_buf_init(&out);
	if (report_write(store_db(fx->st), opt, &out, &err) != 0)
		fail_msg("report_write: %s", err.msg);
	return sl_buf_detach(&out);
}

static void has_line(const char *out, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = out; (p = strstr(p, line)) != NULL; p++)
		if ((p == out || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return;
	fail_msg("no line \"%s\" in:\n%s", line, out);
}

static void lacks(const char *out, const char *text)
{
	if (strstr(out, text))
		fail_msg("unexpected \"%s\" in:\n%s", text, out);
}

/* ---- a minimal JSON validator (RFC 8259 grammar, no semantics) */

struct json {
	const char *p;
	int depth;
};

static void ws(struct json *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t')
		j->p++;
}

static bool value(struct json *j);

static bool string(struct json *j)
{
	if (*j->p++ != '"')
		return false;
	while (*j->p != '"') {
		unsigned char c = (unsigned char)*j->p;
		if (c < 0x20)
			return false;
		if (c == '\\') {
			j->p++;
			if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i])
						return false;
				j->p += 5;
				continue;
			}
			if (!*j->p || !strchr("\"\\/bfnrt", *j->p))
				return false;
		}
		j->p++;
	}
	j->p++;
	return true;
}

static bool number(struct json *j)
{
	const char *s = j->p;
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!(*j->p >= '0' && *j->p <= '9'))
			return false;
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static bool members(struct json *j, char close, bool object)
{
	j->p++;
	ws(j);
	if (*j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		ws(j);
		if (object) {
			if (!string(j))
				return false;
			ws(j);
			if (*j->p++ != ':')
				return false;
		}
		if (!value(j))
			return false;
		ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		return *j->p++ == close;
	}
}

static bool value(struct json *j)
{
	ws(j);
	if (++j->depth > 64)
		return false;
	bool ok;
	switch (*j->p) {
	case '{': ok = members(j, '}', true); break;
	case '[': ok = members(j, ']', false); break;
	case '"': ok = string(j); break;
	case 't': ok = strncmp(j->p, "true", 4) == 0 && (j->p += 4); break;
	case 'f': ok = strncmp(j->p, "false", 5) == 0 && (j->p += 5); break;
	case 'n': ok = strncmp(j->p, "null", 4) == 0 && (j->p += 4); break;
	default: ok = number(j); break;
	}
	j->depth--;
	return ok;
}

static bool json_valid(const char *s)
{
	struct json j = { s, 0 };
	if (!value(&j))
		return false;
	ws(&j);
	return *j.p == '\0';
}

/* ---- tests */

static void test_json_validator(void **state)
{
	(void)state;
	assert_true(json_valid("{\"a\":[1,2.5,-3,true,false,null,\"x\\n\\u00e9\"],\"b\":{}}\n"));
	assert_false(json_valid("{\"a\":1,}"));
	assert_false(json_valid("{\"a\":\"\x01\"}"));
	assert_false(json_valid("[1] x"));
	assert_false(json_valid("{\"a\" 1}"));
}

static void test_text_totals(void **state)
{
	struct fixture *fx = *state;
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT };
	char *out = run(fx, &opt);
	if (getenv("TEST_REPORT_DUMP"))   /* to look at the whole report */
		print_message("%s", out);
	has_line(out, "Mail delivery report");
	has_line(out, "====================");
	has_line(out, "Period: 2026-11-22T05:00:00Z to 2026-11-23T23:00:00Z");
	has_line(out, "Totals");
	has_line(out, "  Messages received                            7");
	has_line(out, "  Delivered (recipients)                       7");
	has_line(out, "    of them forwarded                          2");
	has_line(out, "  Deferred                                     4 events, 1 messages");
	has_line(out, "  Bounced                                      2 events, 2 messages");
	has_line(out, "  Expired                                      1");
	has_line(out, "  Rejected by this server                      5 (4xx 2, 5xx 3)");
	has_line(out, "  Address-verification probes                  1");
	has_line(out, "  Policy actions                               1");
	has_line(out, "  Bounce notifications sent                    1");
	has_line(out, "  Lines read                                 120");
	has_line(out, "  Lines not understood                         4 postfix/smtpd (2)");
	has_line(out, "  Lines of other programs                     10 dovecot (5)");
	free(out);
}

static void test_text_groups(void **state)
{
	struct fixture *fx = *state;
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT };
	char *out = run(fx, &opt);

	/* transient: greylisting first (3), then 421 (1); rejections stay apart */
	const char *t = strstr(out, "\nTemporary failures");
	const char *p = strstr(out, "\nPermanent failures");
	const char *rj = strstr(out, "\nRejected by this server\n");
	const char *fw = strstr(out, "\nForwarded recipients");
	const char *nu = strstr(out, "\nLines not understood\n");
	assert_non_null(t);
	assert_non_null(p);
	assert_non_null(rj);
	assert_non_null(fw);
	assert_non_null(nu);
	assert_true(t < p && p < rj && rj < fw && fw < nu);
	const char *g451 = strstr(t, "  451 4.7.1 greylisting: 3 events, 1 messages\n");
	const char *g421 = strstr(t, "  421 4.7.0: 1 events, 1 messages\n");
	assert_non_null(g451);
	assert_non_null(g421);
	assert_true(g451 < g421 && g421 < p);
	has_line(out, "    Domains:    slow.example (3)");
	has_line(out, "    Hosts:      mx.slow.example (3)");
	/* the first reply in log order, with its escape character defused */
	has_line(out, "    Reply:      451 4.7.1 Greylisted?[31m red");
	lacks(out, "\x1b");
	/* advice: the reason's texts and the codes' fixes */
	assert_non_null(strstr(g451, "    Reason:     Greylisting\n    Diagnosis:  "));
	assert_non_null(strstr(g451, "    Remedy:     "));
	assert_non_null(strstr(g451, "    Meaning:    451 "));
	assert_non_null(strstr(g451, "    For the sender:\n      "));
	assert_non_null(strstr(g451, "    For the administrator of the answering server:\n      "));

	/* permanent: equal counts, so code order with "no code" first */
	const char *nc = strstr(p, "  (no code): 1 events, 1 messages\n");
	const char *g550 = strstr(p, "  550 5.1.1 user-unknown: 1 events, 1 messages\n");
	const char *g551 = strstr(p, "  551 5.1.6: 1 events, 1 messages\n");
	assert_non_null(nc);
	assert_non_null(g550);
	assert_non_null(g551);
	assert_true(nc < g550 && g550 < g551 && g551 < rj);
	assert_non_null(strstr(g550, "    Domains:    gone.example (1)\n"));

	/* rejections by this server, with their clients */
	const char *r554 = strstr(rj, "  554 5.7.1 relay-denied: 3 events, 1 clients\n");
	const char *r450 = strstr(rj, "  450 4.1.8: 2 events, 1 clients\n");
	assert_non_null(r554);
	assert_non_null(r450);
	assert_true(r554 < r450 && r450 < fw);
	has_line(out, "    Clients:    bad.example[192.0.2.66] (3)");
	has_line(out, "    Clients:    unknown[198.51.100.9] (2)");

	/* forwarding */
	has_line(out, "  Accepted for forwarding (251): recipient -> forwarded to: 1");
	has_line(out, "    hank@old.example -> hank@new.example (1)");
	has_line(out, "  User not local (551): recipient -> address named: 1");
	has_line(out, "    ivan@moved.example -> ivan@elsewhere.example (1)");
	has_line(out, "  Forwarded by local delivery (.forward): 1");
	has_line(out, "    judy@localhost (1)");
	has_line(out, "  Copies sent: 1");
	has_line(out, "    Outcome of the copies: delivered (1)");
	has_line(out, "    Copies sent to: judy@remote.example (1)");

	/* nothing dropped silently */
	has_line(out, "  postfix/smtpd (no pattern): 2");
	has_line(out, "    Sample:     postfix/smtpd[1]: something new");

	/* a cron mail: no line wider than 100 columns, no escape sequences */
	for (const char *l = out; *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (n > 100)
			fail_msg("line of %zu columns: %.*s", n, (int)n, l);
		l += n + (e ? 1 : 0);
	}
	free(out);
}

static void test_deterministic(void **state)
{
	struct fixture *fx = *state;
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT };
	char *a = run(fx, &opt);
	char *b = run(fx, &opt);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_source_filter(void **state)
{
	struct fixture *fx = *state;
	int64_t only_b[] = { fx->src_b };
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT,
	                              .source_ids = only_b, .nsources = 1 };
	char *out = run(fx, &opt);
	has_line(out, "Files: mail.log (20 lines)");
	has_line(out, "  Messages received                            1");
	has_line(out, "  Delivered (recipients)                       1");
	has_line(out, "  Deferred                                     0 events, 0 messages");
	has_line(out, "  Lines read                                  20");
	has_line(out, "  Lines not understood                         2");
	has_line(out, "  None.");
	has_line(out, "  Every line was understood or belongs to another program.");
	free(out);

	struct report_options none = { .lang = CODES_EN, .format = REPORT_TEXT,
	                               .source_ids = only_b, .nsources = 0 };
	out = run(fx, &none);
	has_line(out, "  Messages received                            0");
	free(out);
}

static void test_time_filter(void **state)
{
	struct fixture *fx = *state;
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT,
	                              .since = "2026-11-23T00:00:00+00:00" };
	char *out = run(fx, &opt);
	has_line(out, "Period: 2026-11-23T00:00:00+00:00 to 2026-11-23T23:00:00Z (line counts cover "
	              "whole files)");
	has_line(out, "  Messages received                            6");
	has_line(out, "  Delivered (recipients)                       6");
	free(out);

	/* until is exclusive; a fraction of a second after the bound is after it */
	struct report_options until = { .lang = CODES_EN, .format = REPORT_TEXT,
	                                .until = "2026-11-22T06:00:01Z" };
	out = run(fx, &until);
	has_line(out, "  Messages received                            1");
	has_line(out, "  Delivered (recipients)                       0");
	free(out);
	until.until = "2026-11-22";
	out = run(fx, &until);
	has_line(out, "  Messages received                            0");
	free(out);

	struct sl_buf b;
	struct sl_error err = { 0 };
	sl_buf_init(&b);
	struct report_options bad = { .lang = CODES_EN, .since = "yesterday" };
	assert_int_equal(report_write(store_db(fx->st), &bad, &b, &err), -1);
	assert_int_equal(err.code, SL_EUSAGE);
	assert_string_equal(err.msg,
	                    "bad --since 'yesterday' (expected ISO 8601, e.g. 2026-11-23T00:00:00Z)");
	sl_buf_release(&b);
}

static void test_top(void **state)
{
	struct fixture *fx = *state;
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT };
	char *out = run(fx, &opt);
	has_line(out, "    Domains:    example.com (2), example.org (1)");
	free(out);
	opt.top = 1;
	out = run(fx, &opt);
	has_line(out, "    Domains:    example.com (2)");
	free(out);
}

/* display_width - columns of s[0..n): CJK and Hangul take two */
static size_t display_width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		unsigned cp = 0;
		if (len == 3 && i + 2 < n)
			cp = ((c & 0x0fu) << 12) | (((unsigned char)s[i + 1] & 0x3fu) << 6) |
			     ((unsigned char)s[i + 2] & 0x3fu);
		w += (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
		     (cp >= 0xff00 && cp <= 0xff60) ? 2 : 1;
		i += len;
	}
	return w;
}

static const enum codes_lang cjk[] = { CODES_JA, CODES_KO, CODES_ZH };

static void test_lang(void **state)
{
	struct fixture *fx = *state;
	for (size_t k = 0; k < SL_ARRAY_LEN(cjk); k++) {
		struct report_options opt = { .lang = cjk[k], .format = REPORT_TEXT };
		char *out = run(fx, &opt);
		for (const char *l = out; *l;) {
			const char *e = strchr(l, '\n');
			size_t n = e ? (size_t)(e - l) : strlen(l);
			if (display_width(l, n) > 100)
				fail_msg("line of %zu columns: %.*s", display_width(l, n), (int)n, l);
			if (n > 0 && l[n - 1] == ' ')
				fail_msg("trailing space: %.*s", (int)n, l);
			l += n + (e ? 1 : 0);
		}
		const char *totals = codes_heading(CODES_H_TOTALS, cjk[k]);
		const char *title = codes_heading(CODES_H_REPORT_TITLE, cjk[k]);
		has_line(out, title);
		has_line(out, totals);
		assert_string_not_equal(totals, codes_heading(CODES_H_TOTALS, CODES_EN));
		free(out);
	}
}

/* ---- every label in every language */

/* Headings and labels the report shows: the section headings, the advice
 * fields, and every report_* label. */
static bool report_label(enum codes_heading h)
{
	switch (h) {
	case CODES_H_REPORT_TITLE: case CODES_H_TOTALS: case CODES_H_TRANSIENT:
	case CODES_H_PERMANENT: case CODES_H_REJECTED: case CODES_H_FORWARDING:
	case CODES_H_UNRECOGNIZED: case CODES_H_REASON: case CODES_H_DIAGNOSIS:
	case CODES_H_REMEDY: case CODES_H_FIX_SENDER: case CODES_H_FIX_ADMIN:
		return true;
	default:
		return h >= CODES_H_REPORT_FIRST && h <= CODES_H_REPORT_LAST;
	}
}

/* Labels the fixture cannot bring out: more than REPORT_MAX_FILES files,
 * ingest's "(other)" bucket of programs, and copies that end other than
 * delivered. */
static bool not_in_fixture(enum codes_heading h)
{
	return h == CODES_H_REPORT_MORE_FILES || h == CODES_H_REPORT_PROGRAM_OTHER ||
	       (h >= CODES_H_REPORT_KIND_DEFERRED && h <= CODES_H_REPORT_KIND_POLICY);
}

/* all_reports - text and Markdown of the whole history, of the file without
 * failures (None., nothing dropped) and of a time range (whole files) */
static char *all_reports(struct fixture *fx, enum codes_lang lang)
{
	int64_t only_b[] = { fx->src_b };
	struct report_options opts[] = {
		{ .lang = lang, .format = REPORT_TEXT },
		{ .lang = lang, .format = REPORT_MARKDOWN },
		{ .lang = lang, .format = REPORT_TEXT, .source_ids = only_b, .nsources = 1 },
		{ .lang = lang, .format = REPORT_MARKDOWN, .source_ids = only_b, .nsources = 1 },
		{ .lang = lang, .format = REPORT_TEXT, .since = "2026-11-23T00:00:00Z" },
	};
	struct sl_buf all;
	sl_buf_init(&all);
	for (size_t i = 0; i < SL_ARRAY_LEN(opts); i++) {
		char *out = run(fx, &opts[i]);
		sl_buf_adds(&all, out);
		sl_buf_addc(&all, '\n');
		free(out);
	}
	return sl_buf_detach(&all);
}

/* check_fragments - each piece of template t between its placeholders is
 * (want) or is not (!want) in out; pieces shorter than min characters
 * after trimming spaces are not checked */
static void check_fragments(const char *out, const char *t, bool want, size_t min,
                            const char *what)
{
	while (*t) {
		size_t n = strcspn(t, "{");
		while (n > 0 && *t == ' ')
			t++, n--;
		size_t m = n;
		while (m > 0 && t[m - 1] == ' ')
			m--;
		if (m >= min && m > 0) {
			char frag[256];
			snprintf(frag, sizeof frag, "%.*s", (int)m, t);
			if ((strstr(out, frag) != NULL) != want)
				fail_msg("%s: \"%s\" %s in:\n%s", what, frag,
				         want ? "missing" : "left in English", out);
		}
		t += n;
		if (*t == '{') {
			const char *e = strchr(t, '}');
			t = e ? e + 1 : t + strlen(t);
		}
	}
}

static void test_lang_complete(void **state)
{
	struct fixture *fx = *state;
	for (int l = 0; l < CODES_LANG_COUNT; l++) {
		char *out = all_reports(fx, (enum codes_lang)l);
		for (int h = 0; h < CODES_H_COUNT; h++) {
			if (!report_label((enum codes_heading)h) || not_in_fixture((enum codes_heading)h))
				continue;
			check_fragments(out, codes_heading((enum codes_heading)h, (enum codes_lang)l),
			                true, 1, codes_lang_name((enum codes_lang)l));
		}
		free(out);
	}
	/* and no English label left: every English piece of four characters
	 * or more ("to" of "{from} to {to}" would match mail addresses; the
	 * replies quoted are English, so the labels the fixture cannot bring
	 * out, such as "rejected", are not looked for) */
	for (size_t l = 0; l < SL_ARRAY_LEN(cjk); l++) {
		char *out = all_reports(fx, cjk[l]);
		for (int h = 0; h < CODES_H_COUNT; h++) {
			if (!report_label((enum codes_heading)h) || not_in_fixture((enum codes_heading)h))
				continue;
			check_fragments(out, codes_heading((enum codes_heading)h, CODES_EN), false, 4,
			                codes_lang_name(cjk[l]));
		}
		free(out);
	}
}

/* line_at - the line of out that starts with prefix, or NULL */
static const char *line_at(const char *out, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const char *p = out; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, prefix, n) == 0)
			return p;
	return NULL;
}

/* Japanese, Korean and Chinese labels take two columns a character: the
 * totals' numbers and the fields' texts line up by display width (the texts
 * after the widest field label, at column 16 at least, as in English). */
static void test_lang_alignment(void **state)
{
	struct fixture *fx = *state;
	for (size_t l = 0; l < SL_ARRAY_LEN(cjk); l++) {
		enum codes_lang lang = cjk[l];
		struct report_options opt = { .lang = lang, .format = REPORT_TEXT };
		char *out = run(fx, &opt);
		static const enum codes_heading totals[] = {
			CODES_H_REPORT_RECEIVED, CODES_H_REPORT_DELIVERED, CODES_H_REPORT_DEFERRED,
			CODES_H_REPORT_BOUNCED, CODES_H_REPORT_EXPIRED, CODES_H_REPORT_REJECTED,
			CODES_H_REPORT_PROBES, CODES_H_REPORT_POLICY, CODES_H_REPORT_NOTIFICATIONS,
			CODES_H_REPORT_LINES_READ, CODES_H_REPORT_NOT_UNDERSTOOD,
			CODES_H_REPORT_OTHER_PROGRAMS, CODES_H_REPORT_TRUNCATED,
		};
		for (size_t i = 0; i < SL_ARRAY_LEN(totals); i++) {
			char prefix[256];
			snprintf(prefix, sizeof prefix, "  %s ", codes_heading(totals[i], lang));
			const char *line = line_at(out, prefix);
			if (!line)
				fail_msg("%s: no totals line \"%s\" in:\n%s", codes_lang_name(lang),
				         prefix, out);
			/* the number ends at column 48, as in English */
			const char *d = line + strlen(prefix);
			while (*d == ' ')
				d++;
			while (*d >= '0' && *d <= '9')
				d++;
			if (display_width(line, (size_t)(d - line)) != 48)
				fail_msg("%s: number ends at column %zu: %.*s", codes_lang_name(lang),
				         display_width(line, (size_t)(d - line)), (int)strcspn(line, "\n"),
				         line);
		}
		static const enum codes_heading fields[] = {
			CODES_H_REPORT_DOMAINS, CODES_H_REPORT_HOSTS, CODES_H_REPORT_CLIENTS,
			CODES_H_REPORT_REPLY, CODES_H_REPORT_MEANING, CODES_H_REASON,
			CODES_H_DIAGNOSIS, CODES_H_REMEDY, CODES_H_REPORT_SAMPLE,
		};
		size_t at = 16;
		for (size_t i = 0; i < SL_ARRAY_LEN(fields); i++) {
			const char *f = codes_heading(fields[i], lang);
			if (4 + display_width(f, strlen(f)) + 2 > at)
				at = 4 + display_width(f, strlen(f)) + 2;
		}
		for (size_t i = 0; i < SL_ARRAY_LEN(fields); i++) {
			char prefix[256];
			snprintf(prefix, sizeof prefix, "    %s:", codes_heading(fields[i], lang));
			const char *line = line_at(out, prefix);
			if (!line)
				fail_msg("%s: no field \"%s\" in:\n%s", codes_lang_name(lang), prefix, out);
			const char *v = line + strlen(prefix);
			while (*v == ' ')
				v++;
			if (display_width(line, (size_t)(v - line)) != at)
				fail_msg("%s: text starts at column %zu: %.*s", codes_lang_name(lang),
				         display_width(line, (size_t)(v - line)), (int)strcspn(line, "\n"),
				         line);
		}
		free(out);
	}
}

static void test_markdown(void **state)
{
	struct fixture *fx = *state;
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_MARKDOWN };
	char *out = run(fx, &opt);
	has_line(out, "# Mail delivery report");
	has_line(out, "## Totals");
	has_line(out, "| | Count | |");
	has_line(out, "| Messages received | 7 |  |");
	has_line(out, "| Rejected by this server | 5 | 4xx 2, 5xx 3 |");
	has_line(out, "### 451 4.7.1 greylisting: 3 events, 1 messages");
	has_line(out, "- Domains: slow.example (3)");
	has_line(out, "  - hank@old.example → hank@new.example (1)");
	has_line(out, "| postfix/smtpd | no pattern | 2 | postfix/smtpd\\[1\\]: something new |");
	lacks(out, "\x1b");
	free(out);
}

static void test_json(void **state)
{
	struct fixture *fx = *state;
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_JSON };
	char *out = run(fx, &opt);
	if (!json_valid(out))
		fail_msg("invalid JSON:\n%s", out);
	assert_non_null(strstr(out, "\"received\":7,"));
	assert_non_null(strstr(out, "\"delivered\":7,"));
	assert_non_null(strstr(out, "\"rejected_4xx\":2,\"rejected_5xx\":3,"));
	assert_non_null(strstr(out, "\"transient\":[{\"smtp_code\":451,\"enhanced_code\":\"4.7.1\","
	                            "\"reason\":\"greylisting\",\"count\":3,\"messages\":1,"
	                            "\"domains\":[{\"name\":\"slow.example\",\"count\":3}]"));
	assert_non_null(strstr(out, "\"sample_reply\":\"451 4.7.1 Greylisted\\u001b[31m red\""));
	assert_non_null(strstr(out, "{\"recipient\":\"hank@old.example\",\"forward_to\":"
	                            "\"hank@new.example\",\"count\":1}"));
	free(out);

	opt.lang = CODES_JA;
	out = run(fx, &opt);
	if (!json_valid(out))
		fail_msg("invalid JSON:\n%s", out);
	free(out);
}

/* json_token - the next token of a valid JSON text at *p: a string with its
 * quotes, a number, a literal or one punctuation character; its length,
 * 0 at the end */
static size_t json_token(const char **p, const char **start)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	const char *e = s;
	if (*e == '"') {
		for (e++; *e != '"'; e++)
			if (*e == '\\')
				e++;
		e++;
	} else if (*e && strchr("{}[]:,", *e)) {
		e++;
	} else {
		while (*e && !strchr("{}[]:, \n\r\t", *e))
			e++;
	}
	*start = s;
	*p = e;
	return (size_t)(e - s);
}

/* The JSON of every language is the English one but for its human-readable
 * strings: same keys, same numbers, same codes, ids and log texts. */
static void test_json_languages(void **state)
{
	struct fixture *fx = *state;
	static const char *const human[] = { "\"title\"", "\"lang\"", "\"diagnosis\"",
		                             "\"remedy\"", "\"fix_sender\"", "\"fix_admin\"" };
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_JSON };
	char *en = run(fx, &opt);
	for (size_t l = 0; l < SL_ARRAY_LEN(cjk); l++) {
		opt.lang = cjk[l];
		char *out = run(fx, &opt);
		if (!json_valid(out))
			fail_msg("invalid JSON:\n%s", out);
		const char *p = en, *q = out, *key = NULL, *a, *b;
		size_t keylen = 0, ntranslated = 0, na, nb;
		bool after_colon = false;
		while ((na = json_token(&p, &a)) | (nb = json_token(&q, &b))) {
			bool same = na == nb && memcmp(a, b, na) == 0;
			bool is_human = false;   /* a value of one of the keys above */
			for (size_t h = 0; h < SL_ARRAY_LEN(human) && key && after_colon; h++)
				is_human = is_human || (keylen == strlen(human[h]) &&
				                        memcmp(key, human[h], keylen) == 0);
			if (!same && !(is_human && *a == '"' && *b == '"'))
				fail_msg("%s: JSON differs from English at %.*s: got %.*s, want %.*s",
				         codes_lang_name(cjk[l]), (int)keylen, key ? key : "", (int)nb, b,
				         (int)na, a);
			ntranslated += !same;
			if (*a == '"' && !after_colon) {   /* a key (or an array's string) */
				key = a;
				keylen = na;
			}
			after_colon = na == 1 && *a == ':';
		}
		assert_true(ntranslated > 0);
		free(out);
	}
	free(en);
}

static void test_not_a_database(void **state)
{
	(void)state;
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	struct sl_buf b;
	struct sl_error err = { 0 };
	sl_buf_init(&b);
	struct report_options opt = { .lang = CODES_EN };
	assert_int_equal(report_write(db, &opt, &b, &err), -1);
	assert_int_equal(err.code, SL_EDB);
	assert_string_equal(err.msg, "cannot read the database (prepare): no such table: sources");
	sl_buf_release(&b);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_validator),
		cmocka_unit_test(test_text_totals),
		cmocka_unit_test(test_text_groups),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_source_filter),
		cmocka_unit_test(test_time_filter),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_lang_complete),
		cmocka_unit_test(test_lang_alignment),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_languages),
		cmocka_unit_test(test_not_a_database),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
