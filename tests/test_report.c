/* test_report: a small known mail history written through the store's sink
 * into a :memory: database, then the report of it in every format: exact
 * totals, the first screen, failure groups (no-code groups split by status
 * text), advice given once, detail levels, the source and time filters,
 * top-N, line width in every language, hostile strings escaped in every
 * format, formats that agree with each other and with SQL, --fail-on, and
 * every label translated. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sqlite3.h>

#include "testutil.h"
#include "report.h"
#include "store.h"
#include "store_summary.h"
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
	/* a second greylisting group: same advice as the first */
	event(&fx, a, m2, day, &(struct ev){ EV_DEFERRED, EV_CLASS_TRANSIENT, 451, "4.7.0", "dave@slow.example",
	                                      "mx.slow.example", "192.0.2.2", "451 4.7.0 try later", NULL, false });
	/* rejects without a code (Exim ACL lines): one group per status text,
	 * whatever the addresses in them */
	static const char *const nocode[] = {
		"rejected RCPT <a@x.example>: Sender verify failed",
		"rejected RCPT <b@y.example>: Sender verify failed",
		"rejected RCPT <c@z.example>: Could not complete sender verify callout",
		"rejected RCPT <d@z.example>: Access denied",
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(nocode); i++)
		event(&fx, a, 0, day, &(struct ev){ EV_REJECTED, EV_CLASS_PERMANENT, 0, NULL, "v@us.example",
		                                     "client.example", "203.0.113.5", nocode[i], NULL, false });
	/* hostile strings: markup, a CSV formula, a terminal escape, quotes */
	event(&fx, a, 0, day, &(struct ev){ EV_REJECTED, EV_CLASS_PERMANENT, 550, "5.1.1",
	                                     "=HYPERLINK(\"http://x\")@evil.example",
	                                     "<script>alert(1)</script>", "198.51.100.66",
	                                     "550 5.1.1 <b>\"bold\"</b>\x1b]0;pwned\x07 \\ back", NULL, false });
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

/* row - the line of a text table starting with "  label" and whose next
 * non-blank field is n */
static void row(const char *out, const char *label, const char *n)
{
	size_t ln = strlen(label);
	for (const char *p = out; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *a = p;
		while (*a == ' ')
			a++;
		if (a - p < 2 || strncmp(a, label, ln) != 0)
			continue;
		const char *q = a + ln;
		while (*q == ' ')
			q++;
		if (strncmp(q, n, strlen(n)) == 0 && (q[strlen(n)] == ' ' || q[strlen(n)] == '\n'))
			return;
	}
	fail_msg("no row \"%s ... %s\" in:\n%s", label, n, out);
}

static char *text_at(struct fixture *fx, int detail)
{
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT, .detail = detail,
	                              .detail_given = true };
	return run(fx, &opt);
}

static void test_text_totals(void **state)
{
	char *out = text_at(*state, 5);
	row(out, "Messages received", "7");
	row(out, "Delivered (recipients)", "7");
	row(out, "of them forwarded", "2");
	row(out, "Deferred", "5  1 messages");
	row(out, "Bounced", "2  2 messages");
	row(out, "Expired", "1");
	row(out, "Rejected by this server", "10  4xx 2, 5xx 8");
	row(out, "Address-verification probes", "1");
	row(out, "Bounce notifications sent", "1");
	row(out, "Lines read", "120  10 of other programs");
	/* no earlier period in the database: no comparison columns */
	lacks(out, "Before");
	lacks(out, "Compared with");
	free(out);
}

static void test_first_screen(void **state)
{
	char *out = text_at(*state, 0);
	const char *p = strstr(out, "\nLargest problems\n");
	assert_non_null(p);
	/* the five largest groups, largest first, each with one line of diagnosis */
	row(p, "3  deferred", "451 4.7.1 greylisting");
	row(p, "3  rejected", "554 5.7.1 relay-denied");
	assert_true(strstr(p, "451 4.7.1 greylisting") < strstr(p, "554 5.7.1 relay-denied"));
	assert_non_null(strstr(p, "      Greylisting: The receiving server greylists"));
	/* the diagnosis of a rejection speaks to this server's administrator */
	assert_non_null(strstr(p, "      Relay access denied: Your server refused to relay"));
	has_line(out, "Needs a look");
	row(out, "4", "lines of the MTA not understood (see the last section)");
	/* level 0 is the first screen only */
	lacks(out, "Traffic");
	lacks(out, "Temporary failures");
	free(out);
}

static void test_groups(void **state)
{
	char *out = text_at(*state, 10);
	/* full groups: the first of an advice gives it, numbered; the next refers back */
	const char *g1 = strstr(out, "  [1] 451 4.7.1 greylisting: 3 events, 1 messages\n");
	const char *g2 = strstr(out, "  451 4.7.0 greylisting: 1 events, 1 messages\n");
	assert_non_null(g1);
	assert_non_null(g2);
	assert_non_null(strstr(g1, "    Remedy:     "));
	assert_non_null(strstr(g2, "    Advice:     as for [1] above\n"));
	assert_true(strstr(g2, "Remedy") == NULL || strstr(g2, "Remedy") > strstr(g2, "\n\n"));
	/* each advice text once in the whole report */
	const char *remedy = strstr(out, "Nothing to do: your server retries");
	assert_non_null(remedy);
	assert_null(strstr(remedy + 1, "Nothing to do: your server retries"));
	/* rejections: advice for this server's administrator, not the sender's */
	const char *rj = strstr(out, "554 5.7.1 relay-denied: 3 events, 1 clients");
	assert_non_null(rj);
	assert_non_null(strstr(rj, "    For you:    Your server refused to relay"));
	/* no-code groups: one per status text, the addresses blanked */
	assert_non_null(strstr(out, "(no code) \"rejected RCPT <>: Sender verify failed\": 2 events"));
	assert_non_null(strstr(out, "(no code) \"rejected RCPT <>: Could not complete sender"));
	assert_non_null(strstr(out, "(no code) \"rejected RCPT <>: Access denied\": 1 events"));
	free(out);
	/* compact at the default level: one line per group */
	out = text_at(*state, 5);
	row(out, "3", "1  451 4.7.1 greylisting");
	lacks(out, "as for [1] above");
	free(out);
}

static void test_detail(void **state)
{
	char *lo = text_at(*state, 0), *mid = text_at(*state, 5), *hi = text_at(*state, 10);
	lacks(lo, "Volume");
	has_line(mid, "Volume");
	has_line(mid, "Traffic (UTC)");
	lacks(mid, "Top senders by size");
	assert_non_null(strstr(hi, "Top senders by size"));
	assert_true(strlen(lo) < strlen(mid) && strlen(mid) < strlen(hi));
	free(lo);
	free(mid);
	free(hi);
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
		w += (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0xa4cf) ||
		     (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xff00 && cp <= 0xff60) ? 2 : 1;
		i += len;
	}
	return w;
}

static void test_width(void **state)
{
	for (int l = 0; l < CODES_LANG_COUNT; l++)
		for (int d = 0; d <= 10; d += 5) {
			struct report_options opt = { .lang = (enum codes_lang)l, .format = REPORT_TEXT,
			                              .detail = d, .detail_given = true };
			char *out = run(*state, &opt);
			for (const char *p = out; *p;) {
				const char *e = strchr(p, '\n');
				size_t n = e ? (size_t)(e - p) : strlen(p);
				if (display_width(p, n) > 80)
					fail_msg("%s detail %d: wider than 80 columns: %.*s",
					         codes_lang_name((enum codes_lang)l), d, (int)n, p);
				p += n + (e ? 1 : 0);
			}
			free(out);
		}
}

static void test_ascii_and_color(void **state)
{
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT, .ascii = true };
	char *out = run(*state, &opt);
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		if (*p >= 0x80)
			fail_msg("non-ASCII byte in the ASCII report: %s", (const char *)p);
	assert_non_null(strstr(out, "#"));
	lacks(out, "\033");
	free(out);
	opt.ascii = false;
	opt.color = true;
	out = run(*state, &opt);
	assert_non_null(strstr(out, "\033[1mTotals\033[0m"));
	free(out);
}

/* Hostile strings from a log: nothing reaches the terminal as an escape,
 * the page as markup, the spreadsheet as a formula, the metrics as a label
 * break. */
static void test_hostile(void **state)
{
	struct fixture *fx = *state;
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
		struct report_options opt = { .lang = CODES_EN, .format = (enum report_format)f,
		                              .detail = 10, .detail_given = true,
		                              .section = f == REPORT_CSV ? "rejected" : NULL };
		char *out = run(fx, &opt);
		lacks(out, "\x1b");
		lacks(out, "\x07");
		switch (f) {
		case REPORT_TEXT:
			assert_non_null(strstr(out, "?]0;pwned?"));
			break;
		case REPORT_HTML:
			lacks(out, "<script");
			lacks(out, "<b>");
			assert_non_null(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;"));
			assert_non_null(strstr(out, "&lt;b&gt;&quot;bold&quot;&lt;/b&gt;"));
			break;
		case REPORT_MARKDOWN:
			lacks(out, "<script>");
			assert_non_null(strstr(out, "\\<script\\>"));
			break;
		case REPORT_JSON:
			assert_true(json_valid(out));
			assert_non_null(strstr(out, "<b>\\\"bold\\\"</b>\\u001b]0;pwned\\u0007 \\\\ back"));
			break;
		case REPORT_CSV:
			/* a formula cell made inert, quotes doubled */
			assert_non_null(strstr(out, "\"550 5.1.1 <b>\"\"bold\"\"</b>?]0;pwned? \\ back\""));
			break;
		case REPORT_PROMETHEUS:
			break;
		}
		free(out);
	}
	struct report_options csv = { .lang = CODES_EN, .format = REPORT_CSV,
	                              .section = "rejected.clients" };
	char *out = run(fx, &csv);
	assert_non_null(strstr(out, "client,helo,count\r\n"));
	free(out);
	csv.section = "recipients.recipients";
	out = run(fx, &csv);
	lacks(out, "\n=HYPERLINK");
	free(out);
}

/* every format's numbers equal each other and an ad-hoc SQL query */
static void test_formats_agree(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = store_db(fx->st);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT (SELECT count(*) FROM messages WHERE arrived = 1 AND origin_id IS NULL),"
		" (SELECT count(*) FROM v_deliveries), (SELECT count(*) FROM v_rejections),"
		" (SELECT count(*) FROM events WHERE kind = 'deferred')", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	long long received = sqlite3_column_int64(s, 0), delivered = sqlite3_column_int64(s, 1),
	          rejected = sqlite3_column_int64(s, 2), deferred = sqlite3_column_int64(s, 3);
	sqlite3_finalize(s);
	char want[256];

	struct report_options opt = { .lang = CODES_EN, .format = REPORT_JSON };
	char *out = run(fx, &opt);
	snprintf(want, sizeof want, "\"totals\":{\"received\":%lld,\"delivered\":%lld,", received,
	         delivered);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof want, "\"rejected\":%lld,", rejected);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "{\"schema\":\"smtplog-report/1\","));
	free(out);

	opt.format = REPORT_CSV;
	opt.section = "totals";
	out = run(fx, &opt);
	snprintf(want, sizeof want, "received,Messages received,%lld,,,\r\n", received);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof want, "deferred,Deferred,%lld,,,", deferred);
	assert_non_null(strstr(out, want));
	free(out);

	opt.format = REPORT_PROMETHEUS;
	out = run(fx, &opt);
	snprintf(want, sizeof want, "\nsmtplog_messages_received_total %lld\n", received);
	assert_non_null(strstr(out, want));
	snprintf(want, sizeof want, "smtplog_events_total{kind=\"deferred\",class=\"transient\"} %lld\n",
	         deferred);
	assert_non_null(strstr(out, want));
	free(out);

	opt.format = REPORT_HTML;
	out = run(fx, &opt);
	snprintf(want, sizeof want, "<tr id=\"totals-received\"><td>Messages received</td>"
	         "<td class=\"n\" align=\"right\">%lld</td>", received);
	assert_non_null(strstr(out, want));
	free(out);

	opt.format = REPORT_MARKDOWN;
	out = run(fx, &opt);
	snprintf(want, sizeof want, "| Messages received | %lld |", received);
	assert_non_null(strstr(out, want));
	free(out);
}

static void test_prometheus(void **state)
{
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_PROMETHEUS };
	char *out = run(*state, &opt);
	assert_non_null(strstr(out, "# TYPE smtplog_failures_total counter\n"));
	assert_non_null(strstr(out, "smtplog_failures_total{kind=\"failure\",class=\"transient\","
	                            "code=\"451\",enhanced_code=\"4.7.1\",reason=\"greylisting\"} 3\n"));
	/* the no-code groups share one label set: summed, not repeated */
	assert_non_null(strstr(out, "smtplog_failures_total{kind=\"rejected\",class=\"permanent\","
	                            "code=\"\",enhanced_code=\"\",reason=\"\"} 4\n"));
	assert_non_null(strstr(out, "smtplog_delivery_delay_seconds_bucket{le=\"+Inf\"} "));
	assert_non_null(strstr(out, "smtplog_unrecognized_lines_total{program=\"postfix/smtpd\","
	                            "reason=\"no pattern\"} 2\n"));
	free(out);
}

static void test_csv_sections(void **state)
{
	struct sl_buf b;
	struct sl_error err = { 0 };
	sl_buf_init(&b);
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_CSV, .section = "nope" };
	assert_int_equal(report_write(store_db(((struct fixture *)*state)->st), &opt, &b, &err), -1);
	assert_int_equal(err.code, SL_EUSAGE);
	assert_non_null(strstr(err.msg, "no such section 'nope' (one of: totals, problems,"));
	assert_non_null(strstr(err.msg, "senders.senders_by_size"));
	sl_buf_release(&b);
	opt.section = "transient";
	char *out = run(*state, &opt);
	assert_non_null(strstr(out, "smtp_code,enhanced_code,reason,status,count,messages,"));
	assert_non_null(strstr(out, "451,4.7.1,greylisting,,3,1,slow.example,mx.slow.example,"));
	free(out);
}

static void test_source_filter(void **state)
{
	struct fixture *fx = *state;
	int64_t only_b[] = { fx->src_b };
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT,
	                              .source_ids = only_b, .nsources = 1 };
	char *out = run(fx, &opt);
	has_line(out, "Files: mail.log (20 lines)");
	row(out, "Messages received", "1");
	row(out, "Deferred", "0  0 messages");
	row(out, "Lines read", "20  5 of other programs");
	free(out);
	struct report_options none = { .lang = CODES_EN, .format = REPORT_TEXT,
	                               .source_ids = only_b, .nsources = 0 };
	out = run(fx, &none);
	row(out, "Messages received", "0");
	free(out);
}

static void test_time_filter(void **state)
{
	struct fixture *fx = *state;
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT,
	                              .since = "2026-11-23T00:00:00+00:00",
	                              .until = "2026-11-24T00:00:00Z" };
	char *out = run(fx, &opt);
	has_line(out, "Period: 2026-11-23T00:00:00+00:00 .. 2026-11-24T00:00:00Z");
	/* the day before, from the other file, is the previous period */
	has_line(out, "Compared with: 2026-11-22T00:00:00Z .. 2026-11-23T00:00:00Z");
	row(out, "Messages received", "6       1   +500%");
	row(out, "Delivered (recipients)", "6       1   +500%");
	free(out);

	/* until is exclusive; a fraction of a second after the bound is after it */
	struct report_options until = { .lang = CODES_EN, .format = REPORT_TEXT,
	                                .until = "2026-11-22T06:00:01Z" };
	out = run(fx, &until);
	row(out, "Messages received", "1");
	row(out, "Delivered (recipients)", "0");
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

/* The summary tables, counted as the rows were written, give the report
 * the events give: every format, every kind of period and source filter. */
static void test_summary_path(void **state)
{
	struct fixture *fx = *state;
	struct sl_error err = { 0 };
	fail_on(store_end_load(fx->st, &err), &err);
	assert_true(store_summary_ready(store_db(fx->st)));
	int64_t src[] = { fx->src_a };
	static const char *const bounds[][2] = {
		{ NULL, NULL }, { "2026-11-23", "2026-11-24" }, { "2026-11-23T06:00:00Z", NULL },
		{ NULL, "2026-11-23T07:00:00Z" }, { "2026-11-22T06:00:01Z", NULL },
	};
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	for (size_t b = 0; b < SL_ARRAY_LEN(bounds); b++)
		for (int f = 0; f < REPORT_FORMAT_COUNT; f++)
			for (int filtered = 0; filtered < 2; filtered++) {
				struct report_options opt = {
					.lang = CODES_EN, .format = (enum report_format)f, .detail = 10,
					.detail_given = true, .section = "totals", .since = bounds[b][0],
					.until = bounds[b][1], .source_ids = filtered ? src : NULL,
					.nsources = filtered ? 1 : 0 };
				char *sum = run(fx, &opt);
				opt.events_only = true;
				char *ev = run(fx, &opt);
				assert_string_equal(sum, ev);
				/* and the per-key lists from SQL give what the counted ones do */
				opt.key_budget = 1;
				char *sql = run(fx, &opt);
				assert_string_equal(sum, sql);
				free(sum);
				free(ev);
				free(sql);
			}
}

static void test_top(void **state)
{
	struct report_options opt = { .lang = CODES_EN, .format = REPORT_TEXT, .detail = 10,
	                              .detail_given = true };
	char *out = run(*state, &opt);
	assert_non_null(strstr(out, "    Domains:    example.com (2), example.org (1)\n"));
	free(out);
	opt.top = 1;
	out = run(*state, &opt);
	assert_non_null(strstr(out, "    Domains:    example.com (2)\n"));
	free(out);
}

static void test_deterministic(void **state)
{
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
		if (f == REPORT_CSV)
			continue;
		struct report_options opt = { .lang = CODES_EN, .format = (enum report_format)f };
		setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
		char *a = run(*state, &opt), *b = run(*state, &opt);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

static void test_fail_on(void **state)
{
	struct fixture *fx = *state;
	struct report_options opt = { .lang = CODES_EN };
	struct rm_model m;
	struct sl_error err = { 0 };
	fail_on(report_build(store_db(fx->st), &opt, &m, &err), &err);
	bool hit;
	char what[128];
	assert_int_equal(report_fail_on(&m, "permanent>100", &hit, what, sizeof what, &err), 0);
	assert_false(hit);
	/* bounced 2 + expired 1 + rejected 5xx 8 */
	assert_int_equal(report_fail_on(&m, "permanent>100,permanent>=11", &hit, what, sizeof what,
	                                &err), 0);
	assert_true(hit);
	assert_string_equal(what, "permanent>=11 (permanent = 11)");
	assert_int_equal(report_fail_on(&m, "unrecognized>0", &hit, what, sizeof what, &err), 0);
	assert_true(hit);
	assert_int_equal(report_fail_on(&m, "fatal>0", &hit, what, sizeof what, &err), 0);
	assert_false(hit);
	assert_int_equal(report_fail_on(&m, "bogus>1", &hit, what, sizeof what, &err), -1);
	assert_int_equal(err.code, SL_EUSAGE);
	assert_int_equal(report_fail_on(&m, "fatal>x", &hit, what, sizeof what, &err), -1);
	assert_int_equal(report_fail_on(&m, "fatal", &hit, what, sizeof what, &err), -1);
	rm_model_free(&m);
}

/* count_conversions - "%lld %lld" -> 2; %% does not count */
static int count_conversions(const char *s, char *kinds, size_t n)
{
	int c = 0;
	size_t k = 0;
	for (const char *p = s; (p = strchr(p, '%')) != NULL; p++) {
		if (p[1] == '%') {
			p++;
			continue;
		}
		const char *q = p + 1;
		while (*q && strchr("0123456789$", *q))
			q++;
		if (k + 1 < n)
			kinds[k++] = strncmp(q, "lld", 3) == 0 ? 'l' : *q;
		c++;
	}
	kinds[k] = '\0';
	return c;
}

static void test_lang_complete(void **state)
{
	(void)state;
	assert_true(report_label_count() > 100);
	for (size_t i = 0; i < report_label_count(); i++) {
		const char *key = report_label_key_at(i);
		char ken[16], kl[16];
		count_conversions(report_label(key, CODES_EN), ken, sizeof ken);
		for (int l = 0; l < CODES_LANG_COUNT; l++) {
			if (!report_label_translated(key, (enum codes_lang)l))
				fail_msg("data/report/%s.txt lacks '%s'", codes_lang_name((enum codes_lang)l),
				         key);
			count_conversions(report_label(key, (enum codes_lang)l), kl, sizeof kl);
			if (strcmp(ken, kl) != 0)
				fail_msg("data/report/%s.txt '%s': conversions '%s', English has '%s'",
				         codes_lang_name((enum codes_lang)l), key, kl, ken);
		}
	}
}

static void test_lang(void **state)
{
	struct report_options opt = { .lang = CODES_JA, .format = REPORT_TEXT, .detail = 10,
	                              .detail_given = true };
	char *out = run(*state, &opt);
	assert_non_null(strstr(out, report_label("title", CODES_JA)));
	assert_non_null(strstr(out, report_label("sec.rejected", CODES_JA)));
	lacks(out, "Messages received");
	free(out);
	opt.format = REPORT_JSON;
	out = run(*state, &opt);
	assert_true(json_valid(out));
	assert_non_null(strstr(out, "\"lang\":\"ja\""));
	assert_non_null(strstr(out, "\"received\":7,"));
	free(out);
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
		cmocka_unit_test(test_first_screen),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_detail),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_ascii_and_color),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_formats_agree),
		cmocka_unit_test(test_prometheus),
		cmocka_unit_test(test_csv_sections),
		cmocka_unit_test(test_source_filter),
		cmocka_unit_test(test_time_filter),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_fail_on),
		cmocka_unit_test(test_lang_complete),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_not_a_database),
		cmocka_unit_test(test_summary_path),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
