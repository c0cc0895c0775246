/* test_pattern_files: every entry of every patterns/NAME.pat against hostile
 * lines built from its own shape. For each entry the test takes a line it
 * matches (the first in tests/corpus, else a documented example below), the
 * literals of its regex (its delimiters: "; from=<", " defer (", "H=", '>'),
 * and builds long repeats of them inserted at every field boundary, near
 * misses (the line cut short, a delimiter taken out, then junk), and lines
 * of the --max-line length. It asserts two results, never a time:
 *   - the matcher smtplog uses (JIT, its match limit) gives the regex's own
 *     answer: the same match or no match, the same fields; no limit cut it
 *     short;
 *   - the regex stays linear: PCRE2's interpreter, with a callout before
 *     every item of the regex, counts the items it tries and the bytes it
 *     moves over (a possessive scan to the end of the line counts its
 *     length), over every start position; that work must stay within a
 *     budget proportional to the line (twice the costliest entry's need).
 *     A rescan of the line from each repeated delimiter needs several
 *     times the budget at these lengths, and more the longer the line.
 * To look closer: HOSTILE_TOKENS=1 prints each entry's literals, HOSTILE_WORK=N
 * the lines that cost N or more per byte.
 * SPDX-License-Identifier: MIT */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <dirent.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "logline.h"
#include "patterns.h"
#include "reader.h"

/* Budget of work (items tried and bytes moved over, over all start
 * positions): PER_BYTE per byte of the line, plus BASE. */
#define BUDGET_PER_BYTE 32
#define BUDGET_BASE 4000
#define SWEEP_LEN 4096                              /* most hostile lines */
#define MAX_LEN (READER_DEFAULT_MAX_LINE - 200)     /* the message of the longest line read */
#define MAX_TOKENS 14
#define MAX_POINTS 12
#define MAX_PRINTED 40

/* Entries whose lines the corpus does not show: a line each, written from
 * the MTA's documentation (cited). */
static const struct doc_example {
	const char *id, *line, *source;
} doc_examples[] = {
	{ "reason.retry-wait.queued", "domain matches queue_smtp_domains, or -odqs set",
	  "Exim src/deliver.c, a deferral by queue_smtp_domains (an Exim mainlog of 2012 quoted "
	  "in many public parsers' tests)" },
	{ "postfix.debug", "send attr reason = lost connection with mail.example.com[192.0.2.1] while "
	  "receiving the initial server greeting",
	  "Postfix verbose logging (-v): a paste of a postfix/smtp's, pastebin.com/JwjKubgK" },
	{ "postfix.debug.local-attr", "exp_from: null",
	  "Postfix local/deliver_attr.c deliver_attr_dump (local -v), as an Ubuntu Forums thread of "
	  "2008-11-12 quotes it (\"postfix/local[6908]: why: buffer\")" },
	{ "exim.split-line", "[2/2]  c@example.net d@example.net",
	  "Exim src/log.c write_syslog: \"[%d%c%d] %.*s\" for each piece of a long line" },
	{ "exim.reject.helo-syntax", "rejected EHLO from mail.mra.mu [196.27.73.162]: syntactically "
	  "invalid argument(s): mra_esa1.mra.mu",
	  "an Exim rejectlog quoted on a Q&A page (2017); Exim smtp_in.c" },
	{ "exim.health.taint-quoting", "10HmaX-0005vi-00 tainted search query is not properly quoted "
	  "(router r1, TESTSUITE/test-config 66): select name from them where id='ph10'",
	  "Exim src/search.c; the Exim test suite's test/paniclog/2610" },
	{ "sendmail.health.daemon", "daemon MTA-v4: problem creating SMTP socket",
	  "Sendmail daemon.c opendaemonsocket(); an Ubuntu Forums post, \"ERROR while configure "
	  "sendmail on ubuntu server\" (2009)" },
	{ "sendmail.health.warning", "gethostbyaddr(127.0.0.2) failed: 1",
	  "Sendmail conf.c at start-up; an Ubuntu Forums post, \"How to setup mail server using "
	  "sendmail on Ubuntu 13.04?\" (2014)" },
	{ "exim.health.paniclog-alert", "ALERT: exim paniclog /var/log/exim4/paniclog has non-zero size, "
	  "mail system possibly broken",
	  "Debian's exim4-base (init script, cron.daily), as quoted from /var/log/mail.warn in a "
	  "Raspberry Pi note (2019)" },
	{ "exim.panic", "Exim configuration error in line 42 of /etc/exim4/exim4.conf:",
	  "Exim spec, ch. 6 (the configuration file): errors are logged to the paniclog" },
	{ "reason.user-not-local.code", "551 User not local; try elsewhere",
	  "RFC 5321 4.2.2 (551), as an SMTP client library's test server words it" },
	{ "postfix.postlog", "postfix/postlog: starting the Postfix mail system",
	  "systemctl status postfix in a Russian guide (Postfix 3.10): the postfix command's "
	  "standard error in the journal" },
	{ "postfix.smtpd.proxy-accept", "5A1B2C3D4E: proxy-accept: END-OF-MESSAGE: 250 2.0.0 Ok: "
	  "queued as 6F7A8B9C0D; from=<a@example.org> to=<b@example.net> proto=ESMTP helo=<mx.example.org>",
	  "Postfix SMTPD_PROXY_README (before-queue content filter), smtpd/smtpd_proxy.c" },
	{ "reason.dmarc", "550 5.7.26 Unauthenticated email from example.com is not accepted due to "
	  "domain's DMARC policy.", "Gmail, support.google.com/a/answer/81126" },
	{ "reason.spf", "550 5.7.23 The message was rejected because of Sender Policy Framework violation",
	  "RFC 7372, 3.2" },
	{ "reason.blocked-ip.microsoft", "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. "
	  "Please contact your Internet service provider since part of their network is on our block "
	  "list (S3150).", "Microsoft, learn.microsoft.com (Outlook.com sender support)" },
	{ "reason.blocked-ip", "550 5.7.606 Access denied, banned sending IP [192.0.2.1].",
	  "Microsoft, Exchange Online NDR 5.7.606-649" },
	{ "reason.rate-limit.microsoft", "451 4.7.650 The mail server [192.0.2.1] has been temporarily "
	  "rate limited due to IP reputation. (AS843)", "Microsoft, Exchange Online NDR 4.7.650" },
	{ "reason.rate-limit.yahoo", "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred "
	  "due to unexpected volume or user complaints", "Yahoo Sender Hub, SMTP error codes" },
	{ "sendmail.health.tls-ruleset", "ruleset=tls_server, arg1=SOFTWARE, relay=mx.example.com, "
	  "reject=403 4.7.0 TLS handshake failed.",
	  "Sendmail cf/README (tls_server, run when sendmail acts as client); sonic.net's sendmail "
	  "lines in a grok test" },
	{ "sendmail.session.flood", "s1GNXHYB005134: x.example [192.0.2.1]: Possible SMTP RCPT flood, "
	  "throttling.", "Sendmail srvrsmtp.c: \"%s: Possible SMTP RCPT flood, throttling.\"" },
	{ "sendmail.discarded", "k876hJS0063495: discarded",
	  "Sendmail deliver.c sendall(): sm_syslog(LOG_INFO, e->e_id, \"discarded\")" },
	{ "sendmail.health.milter", "j4K9lEiQ019678: Milter (clamav): error connecting to filter: "
	  "Connection refused by /var/run/clamav/clamav-milter.ctl",
	  "Sendmail milter.c: \"Milter (%s): error connecting to filter: %s\" (LOG_ERR)" },
	{ "reason.tls-required", "530 5.7.0 Must issue a STARTTLS command first", "RFC 3207, 4" },
	{ "reason.user-not-local", "551 User not local; please try <bob@example.net>", "RFC 5321, 3.4" },
	{ "sendmail.tls-auth", "STARTTLS=server, relay=[130.67.61.19], version=TLSv1.3, verify=NO, "
	  "cipher=TLS_AES_256_GCM_SHA384, bits=256/256", "tests/test_recog_sendmail.c (op.me, STARTTLS)" },
	{ "sendmail.milter", "6AM0020058361: Milter: to=<grace80@example.org>, reject=451 4.7.1 "
	  "Greylisting in action, please come back in 00:05:00", "Sendmail libmilter docs" },
	{ "sendmail.health.lose", "5ANBP3Qx002003: Losing ./qf5ANBP3Qx002003: savemail panic",
	  "sendmail queue.c loseqfile(): sm_syslog(LOG_ALERT, e->e_id, \"Losing %s: %s\", buf, why), "
	  "why \"savemail panic\" from savemail.c" },
	{ "sendmail.reject.tcpwrappers", "NOQUEUE: tcpwrappers (bad.example.com, 192.0.2.66) rejection",
	  "Sendmail op.me, TCP wrappers" },
	{ "exim.health.warning", "Warning: No server certificate defined; will use a selfsigned one.",
	  "Exim tls-openssl.c: log_write(0, LOG_MAIN, \"Warning: No server certificate defined; ...\")" },
	{ "sendmail.health.tls", "STARTTLS=server, error: accept failed=0, reason=unknown, "
	  "SSL_error=5, errno=104, retry=-1, relay=[192.0.2.9]",
	  "Sendmail srvrsmtp.c: \"STARTTLS=server, error: accept failed=%d, reason=%s, ...\"" },
	{ "sendmail.syserr", "SYSERR(root): hash map \"Alias0\": missing map file /etc/mail/aliases.db: "
	  "No such file or directory", "Sendmail op.me, SYSERR" },
	{ "reason.null-mx", "556 5.1.10 <foo@example.com>: Recipient address rejected: Domain "
	  "example.com does not accept mail (nullMX)", "RFC 7505, 4.3; Postfix dns_lookup.c" },
	{ "reason.blocked-ip.yahoo", "553 5.7.2 [TSS09] All messages from 192.0.2.1 will be "
	  "permanently deferred; Retrying will NOT succeed.", "Yahoo Sender Hub, SMTP error codes" },
	{ "reason.user-unknown.microsoft", "550 5.4.1 Recipient address rejected: Access denied. "
	  "AS(201806281)", "Microsoft, Fix NDR error 550 5.4.1 in Exchange Online" },
	{ "reason.network-unreachable", "connect to mx.example.com[2001:db8::25]:25: Network is "
	  "unreachable", "Postfix smtp_connect.c, strerror(ENETUNREACH)" },
	{ NULL, NULL, NULL },
};

struct subject {
	const struct pattern *p;
	pcre2_code *re;              /* interpreted, no JIT, callouts: the oracle */
	pcre2_match_data *md;
	uint32_t ngroups;
	int *group_field;            /* group number -> enum pat_field, -1 for none */
	char *tokens[MAX_TOKENS];
	size_t ntokens;
	char *example;               /* a line the entry matches */
	size_t example_len;
	const char *example_from;
};

/* The work of one match, counted by the callout. */
struct work {
	uint64_t done, budget;
	size_t start, last;          /* start of the attempt, position at the last callout */
};

struct harness {
	struct pattern_set *set;
	struct subject *s;
	size_t n;
	pcre2_match_context *mctx;
	struct work work;
	char *buf;                   /* MAX_LEN + 1 */
	size_t lines, failures;
};

/* ---- the literals of a regex */

static void add_token(struct subject *s, const char *t, size_t n)
{
	if (n == 0 || s->ntokens == MAX_TOKENS)
		return;
	for (size_t i = 0; i < s->ntokens; i++)
		if (strlen(s->tokens[i]) == n && memcmp(s->tokens[i], t, n) == 0)
			return;
	s->tokens[s->ntokens++] = xstrndup(t, n);
}

static bool has_punct(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
		      (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
			return true;
	return false;
}

/* extract_tokens - runs of literal bytes of the regex source, and the bytes
 * a negated class stops at ("[^>]*": '>'). A rough reading of PCRE2 syntax
 * is enough: the tokens only seed hostile lines. Longer runs first, as
 * they are the delimiters of fields. */
static void extract_tokens(struct subject *s, const char *re)
{
	char run[256];
	size_t n = 0, keep = 0;   /* keep: run length just after a class escape */
	char singles[64];
	size_t nsingles = 0;
	struct {
		char t[256];
		size_t n;
	} runs[64];
	size_t nruns = 0;
#define FLUSH()                                                  \
	do {                                                         \
		if (n && nruns < 64) {                                   \
			memcpy(runs[nruns].t, run, n);                       \
			runs[nruns++].n = n;                                 \
		}                                                        \
		n = 0;                                                   \
	} while (0)
	for (const char *p = re; *p;) {
		char c = *p;
		if (c == '\\' && p[1]) {
			char e = p[1];
			p += 2;
			/* a class escape stands for one of its bytes: "\\s*from=<" reads "; from=<" */
			char stand = e == 's' ? ' ' : e == 'd' ? '0' : e == 'w' ? '_' : e == 'S' ? '.' : 0;
			if (stand) {
				if (n < sizeof run)
					run[n++] = stand;
				keep = n;
				continue;
			}
			if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) {
				FLUSH();
				continue;
			}
			if (n < sizeof run)
				run[n++] = e;
			continue;
		}
		if (c == '[') {
			const char *q = p + 1;
			bool neg = *q == '^';
			if (neg)
				q++;
			const char *start = q;
			if (*q == ']')
				q++;
			while (*q && *q != ']') {
				if (*q == '\\' && q[1])
					q++;
				q++;
			}
			/* "[ ]": a literal space */
			if (!neg && q - start == 1) {
				if (n < sizeof run)
					run[n++] = *start;
			} else {
				FLUSH();
				if (neg)
					for (const char *k = start; k < q; k++) {
						if (*k == '\\') {
							k++;
							if (!(*k >= 'a' && *k <= 'z') && !(*k >= 'A' && *k <= 'Z') &&
							    nsingles < sizeof singles)
								singles[nsingles++] = *k;
							continue;
						}
						if (nsingles < sizeof singles)
							singles[nsingles++] = *k;
					}
			}
			p = *q ? q + 1 : q;
			continue;
		}
		if (c == '(' && p[1] == '?') {
			FLUSH();
			p += 2;
			if (*p == '<' && p[1] != '=' && p[1] != '!') {   /* (?<name> */
				while (*p && *p != '>')
					p++;
				if (*p)
					p++;
			} else if (*p == '<') {
				p += 2;
			} else {
				while (*p && strchr("imnsxJU-", *p))
					p++;
				if (*p == ':' || *p == '=' || *p == '!' || *p == '>' || *p == ')')
					p++;
			}
			continue;
		}
		if (c == '*' || c == '+' || c == '?' || c == '{') {
			/* the byte before a quantifier is not always there */
			if (c == '{') {
				const char *q = p + 1;
				while (*q && *q != '}')
					q++;
				p = *q ? q + 1 : q;
			} else {
				p++;
			}
			if (c == '+' || (n && keep == n))
				continue;   /* at least once; or a class escape, kept as its example byte */
			if (n) {
				n--;
				FLUSH();
			}
			continue;
		}
		if (strchr("()|^$.", c)) {
			FLUSH();
			p++;
			continue;
		}
		if (n < sizeof run)
			run[n++] = c;
		p++;
	}
	FLUSH();
#undef FLUSH
	/* delimiters first (runs with punctuation, longest first), then the
	 * bytes negated classes stop at, then words */
	for (size_t want = 256; want > 0; want--)
		for (size_t i = 0; i < nruns; i++)
			if (runs[i].n == want && has_punct(runs[i].t, runs[i].n))
				add_token(s, runs[i].t, runs[i].n);
	for (size_t i = 0; i < nsingles; i++)
		add_token(s, &singles[i], 1);
	for (size_t want = 256; want > 0; want--)
		for (size_t i = 0; i < nruns; i++)
			if (runs[i].n == want && !has_punct(runs[i].t, runs[i].n))
				add_token(s, runs[i].t, runs[i].n);
	if (s->ntokens == 0)
		add_token(s, " ", 1);
}

/* ---- setup: the entries, their oracles and examples */

static void compile_subject(struct subject *s)
{
	int ec;
	PCRE2_SIZE eoff;
	s->re = pcre2_compile((PCRE2_SPTR)pattern_regex(s->p), PCRE2_ZERO_TERMINATED,
	                      PCRE2_DUPNAMES | PCRE2_AUTO_CALLOUT, &ec, &eoff, NULL);
	if (!s->re)
		SL_BUG("pattern '%s' does not compile", pattern_id(s->p));
	s->md = pcre2_match_data_create_from_pattern(s->re, NULL);
	uint32_t ncap = 0, namecount = 0, entrysize = 0;
	PCRE2_SPTR table;
	pcre2_pattern_info(s->re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	pcre2_pattern_info(s->re, PCRE2_INFO_NAMECOUNT, &namecount);
	pcre2_pattern_info(s->re, PCRE2_INFO_NAMEENTRYSIZE, &entrysize);
	pcre2_pattern_info(s->re, PCRE2_INFO_NAMETABLE, &table);
	s->ngroups = ncap + 1;
	s->group_field = xmalloc(s->ngroups * sizeof *s->group_field);
	for (uint32_t g = 0; g < s->ngroups; g++)
		s->group_field[g] = -1;
	const char *const *names = patterns_field_names();
	for (uint32_t i = 0; i < namecount; i++) {
		const unsigned char *e = table + (size_t)i * entrysize;
		uint32_t num = ((uint32_t)e[0] << 8) | e[1];
		for (int f = 0; f < PF_COUNT; f++)
			if (strcmp(names[f], (const char *)e + 2) == 0)
				s->group_field[num] = f;
	}
	extract_tokens(s, pattern_regex(s->p));
}

static void set_example(struct subject *s, const char *msg, size_t len, const char *from)
{
	s->example = xstrndup(msg, len);
	s->example_len = len;
	s->example_from = from;
}

/* examples_from_corpus - the first line of tests/corpus each entry matches */
static void examples_from_corpus(struct harness *h)
{
	static const char *const dirs[] = { "postfix", "exim", "sendmail" };
	for (size_t d = 0; d < SL_ARRAY_LEN(dirs); d++) {
		char dir[1024];
		snprintf(dir, sizeof dir, "%s/tests/corpus/%s", SOURCE_DIR, dirs[d]);
		struct dirent **names;
		int nn = scandir(dir, &names, NULL, alphasort);
		assert_true(nn > 0);
		for (int k = 0; k < nn; k++) {
			char path[2048];
			snprintf(path, sizeof path, "%s/%s", dir, names[k]->d_name);
			free(names[k]);
			FILE *f = strstr(path, ".log") ? fopen(path, "rb") : NULL;
			if (!f)
				continue;
			struct logline_ctx ctx;
			logline_ctx_init(&ctx, 2024, 0);
			char *line = NULL;
			size_t cap = 0;
			ssize_t got;
			while ((got = getline(&line, &cap, f)) > 0) {
				while (got && (line[got - 1] == '\n' || line[got - 1] == '\r'))
					line[--got] = '\0';
				struct logline ll;
				logline_parse(&ctx, line, (size_t)got, &ll);
				for (size_t i = 0; i < h->n; i++) {
					struct pattern_match m;
					if (h->s[i].example ||
					    !patterns_match_id(h->set, pattern_id(h->s[i].p), ll.message.p,
					                       ll.message.len, &m))
						continue;
					set_example(&h->s[i], ll.message.p, ll.message.len, dirs[d]);
				}
			}
			free(line);
			logline_ctx_release(&ctx);
			fclose(f);
		}
		free(names);
	}
}

/* count_work - callout before every item: one for the item, plus the
 * bytes moved over since the last one; aborts the match over budget */
static int count_work(pcre2_callout_block *cb, void *data)
{
	struct work *w = data;
	if (cb->start_match != w->start) {   /* the next start position: no bytes moved over */
		w->start = cb->start_match;
		w->last = cb->start_match;
	}
	w->done++;
	if (cb->current_position > w->last)
		w->done += cb->current_position - w->last;
	w->last = cb->current_position;
	return w->done > w->budget ? PCRE2_ERROR_CALLOUT : 0;
}

static int setup(void **state)
{
	struct harness *h = xcalloc(1, sizeof *h);
	struct sl_error err;
	h->set = patterns_new();
	if (patterns_add_dir(h->set, SOURCE_DIR "/patterns", &err) ||
	    patterns_compile(h->set, &err)) {
		print_error("%s\n", err.msg);
		return -1;
	}
	h->n = patterns_count(h->set, NULL);
	h->s = xcalloc(h->n, sizeof *h->s);
	for (size_t i = 0; i < h->n; i++) {
		h->s[i].p = patterns_at(h->set, NULL, i);
		compile_subject(&h->s[i]);
	}
	h->mctx = pcre2_match_context_create(NULL);
	pcre2_set_depth_limit(h->mctx, UINT32_MAX);
	pcre2_set_match_limit(h->mctx, UINT32_MAX);
	pcre2_set_callout(h->mctx, count_work, &h->work);
	pcre2_set_heap_limit(h->mctx, 1024 * 1024);   /* KiB: 1 GiB, never the limit that bites */
	h->buf = xmalloc(MAX_LEN + 1);
	examples_from_corpus(h);
	for (size_t k = 0; doc_examples[k].id; k++)
		for (size_t i = 0; i < h->n; i++)
			if (strcmp(pattern_id(h->s[i].p), doc_examples[k].id) == 0 && !h->s[i].example)
				set_example(&h->s[i], doc_examples[k].line, strlen(doc_examples[k].line),
				            doc_examples[k].source);
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	struct harness *h = *state;
	for (size_t i = 0; i < h->n; i++) {
		struct subject *s = &h->s[i];
		pcre2_match_data_free(s->md);
		pcre2_code_free(s->re);
		free(s->group_field);
		for (size_t t = 0; t < s->ntokens; t++)
			free(s->tokens[t]);
		free(s->example);
	}
	free(h->s);
	pcre2_match_context_free(h->mctx);
	patterns_free(h->set);
	free(h->buf);
	free(h);
	return 0;
}

/* ---- one hostile line */

static void report(struct harness *h, const struct subject *s, const char *what, const char *line,
                   size_t len, const char *why)
{
	if (++h->failures > MAX_PRINTED)
		return;
	printf("%s: %s (%zu bytes): %s\n    line: \"%.100s%s\"\n", pattern_id(s->p), what, len, why,
	       line, len > 100 ? "..." : "");
}

/* check_line - production and oracle agree, within the budget */
static void check_line(struct harness *h, struct subject *s, const char *line, size_t len,
                       const char *what)
{
	h->lines++;
	h->work = (struct work){
		.budget = (uint64_t)BUDGET_PER_BYTE * len + BUDGET_BASE,
		.start = SIZE_MAX,
	};
	int rc = pcre2_match(s->re, (PCRE2_SPTR)line, len, 0, 0, s->md, h->mctx);
	if (getenv("HOSTILE_WORK") && h->work.done / (len + 1) >= strtoull(getenv("HOSTILE_WORK"), NULL, 10))
		printf("work %s %s: %llu for %zu bytes\n", pattern_id(s->p), what,
		       (unsigned long long)h->work.done, len);
	if (rc == PCRE2_ERROR_CALLOUT) {
		report(h, s, what, line, len, "more work than a linear budget allows");
		return;
	}
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
		report(h, s, what, line, len, "the interpreter failed (heap or depth limit)");
		return;
	}
	unsigned long limits = patterns_stats(h->set)->limit_hits;
	struct pattern_match m;
	bool got = patterns_match_id(h->set, pattern_id(s->p), line, len, &m);
	if (patterns_stats(h->set)->limit_hits != limits) {
		report(h, s, what, line, len, "smtplog's matcher hit its match limit");
		return;
	}
	if (got != (rc >= 0)) {
		report(h, s, what, line, len, got ? "matched, the regex does not" : "no match, the regex matches");
		return;
	}
	if (!got)
		return;
	/* the same fields: the first group that took part fills each */
	struct sl_span want[PF_COUNT];
	memset(want, 0, sizeof want);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
	for (uint32_t g = 1; g < s->ngroups; g++) {
		int f = s->group_field[g];
		if (f < 0 || ov[2 * g] == PCRE2_UNSET || want[f].p)
			continue;
		want[f] = (struct sl_span){ line + ov[2 * g], ov[2 * g + 1] - ov[2 * g] };
	}
	for (int f = 0; f < PF_COUNT; f++)
		if (want[f].p != m.field[f].p || want[f].len != m.field[f].len) {
			report(h, s, what, line, len, "fields differ from the regex's");
			return;
		}
}

/* fill - len bytes of tok repeated (then sep) */
static void fill(char *dst, size_t len, const char *tok, const char *sep)
{
	size_t tn = strlen(tok), sn = strlen(sep), i = 0;
	while (i < len) {
		for (size_t k = 0; k < tn && i < len; k++)
			dst[i++] = tok[k];
		for (size_t k = 0; k < sn && i < len; k++)
			dst[i++] = sep[k];
	}
}

/* fill_mix - every token in turn */
static void fill_mix(const struct subject *s, char *dst, size_t len)
{
	size_t i = 0;
	for (size_t t = 0; i < len; t = (t + 1) % s->ntokens)
		for (const char *p = s->tokens[t]; *p && i < len; p++)
			dst[i++] = *p;
}

/* spliced - example[0..at) + filler of total length len + example[at..) */
static size_t spliced(struct harness *h, const struct subject *s, size_t at, size_t total,
                      int tok, const char *sep)
{
	size_t e = s->example_len;
	if (total <= e)
		total = e + 1;
	size_t flen = total - e;
	memcpy(h->buf, s->example, at);
	if (tok < 0)
		fill_mix(s, h->buf + at, flen);
	else
		fill(h->buf + at, flen, s->tokens[tok], sep);
	memcpy(h->buf + at + flen, s->example + at, e - at);
	h->buf[total] = '\0';
	return total;
}

/* points - where the example's fields begin and end, and its end */
static size_t points(struct harness *h, struct subject *s, size_t *pt)
{
	size_t n = 0;
	int rc = pcre2_match(s->re, (PCRE2_SPTR)s->example, s->example_len, 0, 0, s->md, NULL);
	if (rc >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
		for (uint32_t g = 1; g < s->ngroups && n + 2 < MAX_POINTS; g++) {
			if (ov[2 * g] == PCRE2_UNSET)
				continue;
			pt[n++] = ov[2 * g];
			pt[n++] = ov[2 * g + 1];
		}
	}
	(void)h;
	pt[n++] = s->example_len;
	pt[n++] = s->example_len / 2;
	/* no duplicates */
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			dup |= pt[j] == pt[i];
		if (!dup)
			pt[k++] = pt[i];
	}
	return k;
}

/* longest_field - the start of the example's longest field */
static size_t longest_field(struct subject *s)
{
	size_t best = s->example_len, best_len = 0;
	if (pcre2_match(s->re, (PCRE2_SPTR)s->example, s->example_len, 0, 0, s->md, NULL) < 0)
		return best;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
	for (uint32_t g = 1; g < s->ngroups; g++)
		if (ov[2 * g] != PCRE2_UNSET && ov[2 * g + 1] - ov[2 * g] > best_len) {
			best = ov[2 * g];
			best_len = ov[2 * g + 1] - ov[2 * g];
		}
	return best;
}

static void hostile_lines(struct harness *h, struct subject *s)
{
	char what[160];
	size_t pt[MAX_POINTS + 2];
	size_t npt = points(h, s, pt);
	/* the example itself */
	check_line(h, s, s->example, s->example_len, "the example");
	for (size_t i = 0; i < npt; i++) {
		for (int t = -1; t < (int)s->ntokens; t++) {
			/* long repeats of a delimiter at a field boundary */
			snprintf(what, sizeof what, "%s repeated at byte %zu", t < 0 ? "all literals" :
			         s->tokens[t], pt[i]);
			size_t len = spliced(h, s, pt[i], SWEEP_LEN, t, "");
			check_line(h, s, h->buf, len, what);
			if (t >= 0) {
				len = spliced(h, s, pt[i], SWEEP_LEN, t, "x ");
				check_line(h, s, h->buf, len, what);
			}
			/* a near miss: the line cut at the boundary, then junk */
			snprintf(what, sizeof what, "cut at byte %zu, then %s repeated", pt[i],
			         t < 0 ? "all literals" : s->tokens[t]);
			len = spliced(h, s, pt[i], SWEEP_LEN, t, "");
			len = pt[i] + (len - s->example_len);
			h->buf[len] = '\0';
			check_line(h, s, h->buf, len, what);
		}
		/* near misses: cut short, a byte taken out */
		check_line(h, s, s->example, pt[i], "the example cut short");
		if (pt[i] < s->example_len) {
			memcpy(h->buf, s->example, pt[i]);
			memcpy(h->buf + pt[i], s->example + pt[i] + 1, s->example_len - pt[i] - 1);
			check_line(h, s, h->buf, s->example_len - 1, "the example less one byte");
		}
	}
	/* the longest lines read: filler at the end, in the middle, and in
	 * the longest field */
	size_t at[3] = { s->example_len, s->example_len / 2, longest_field(s) };
	for (size_t i = 0; i < 3; i++) {
		if ((i == 1 && at[1] == at[0]) || (i == 2 && (at[2] == at[0] || at[2] == at[1])))
			continue;
		for (int t = -1; t < (int)s->ntokens && t < 3; t++) {
			snprintf(what, sizeof what, "a line of the maximum length, %s at byte %zu",
			         t < 0 ? "all literals" : s->tokens[t], at[i]);
			size_t len = spliced(h, s, at[i], MAX_LEN, t, "");
			check_line(h, s, h->buf, len, what);
		}
	}
}

/* Every entry has a line it matches, from the corpus or the documentation. */
static void test_every_entry_has_an_example(void **state)
{
	struct harness *h = *state;
	size_t missing = 0;
	for (size_t i = 0; i < h->n; i++)
		if (!h->s[i].example) {
			printf("%s: no line in tests/corpus matches it; add one to doc_examples[]\n",
			       pattern_id(h->s[i].p));
			missing++;
		}
	assert_int_equal(missing, 0);
}

static void test_hostile_lines(void **state)
{
	struct harness *h = *state;
	for (size_t i = 0; i < h->n; i++)
		if (h->s[i].example)
			hostile_lines(h, &h->s[i]);
	if (getenv("HOSTILE_TOKENS"))
		for (size_t i = 0; i < h->n; i++) {
			printf("%s:", pattern_id(h->s[i].p));
			for (size_t t = 0; t < h->s[i].ntokens; t++)
				printf(" \"%s\"", h->s[i].tokens[t]);
			printf("\n");
		}
	printf("%zu entries, %zu hostile lines, %zu failures\n", h->n, h->lines, h->failures);
	assert_int_equal(h->failures, 0);
}

/* long_line - prefix, then filler repeated up to total bytes, then suffix */
static size_t long_line(char *buf, size_t total, const char *prefix, const char *filler,
                        const char *suffix)
{
	size_t p = strlen(prefix), sfx = strlen(suffix);
	memcpy(buf, prefix, p);
	fill(buf + p, total - p - sfx, filler, "");
	memcpy(buf + total - sfx, suffix, sfx + 1);
	return total;
}

/* The lines the issue names, at the lengths where they used to be lost:
 * legitimate, and understood whole. Line shapes: Postfix smtpd_check.c
 * ("reject: RCPT from host[ip]: reply; from=<s> to=<r> proto=ESMTP
 * helo=<h>") and smtp(8) status lines. */
static void test_long_legitimate_lines(void **state)
{
	struct harness *h = *state;
	struct pattern_match m;
	unsigned long limits = patterns_stats(h->set)->limit_hits;
	const struct sl_span smtpd = { "smtpd", 5 }, smtp = { "smtp", 4 };

	/* a reply of 60,000 bytes that quotes "; from=<" again and again */
	static const char head[] = "NOQUEUE: reject: RCPT from unknown[192.0.2.1]:4711: ";
	static const char tail[] = "; from=<s@example.org> to=<r@example.net> proto=ESMTP helo=<h.example>";
	char prefix[256];
	snprintf(prefix, sizeof prefix, "%s550 5.7.1 <r@example.net>: Recipient address rejected: quoted",
	         head);
	size_t len = long_line(h->buf, 60000, prefix, "; from=<x", tail);
	assert_true(patterns_match(h->set, "postfix", smtpd, h->buf, len, &m));
	assert_string_equal(pattern_id(m.pattern), "postfix.smtpd.action");
	assert_true(sl_span_eq(m.field[PF_SENDER], "s@example.org"));
	assert_true(sl_span_eq(m.field[PF_RECIPIENT], "r@example.net"));
	assert_true(sl_span_eq(m.field[PF_HELO], "h.example"));
	assert_ptr_equal(m.field[PF_REPLY].p, h->buf + strlen(head));
	assert_ptr_equal(m.field[PF_REPLY].p + m.field[PF_REPLY].len, h->buf + len - strlen(tail));

	/* a reject of 50,000 bytes of words */
	len = long_line(h->buf, 50000, "NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 554 5.7.1 ",
	                "Service unavailable ", "; from=<s@example.org> to=<r@example.net> proto=SMTP");
	assert_true(patterns_match(h->set, "postfix", smtpd, h->buf, len, &m));
	assert_true(sl_span_eq(m.field[PF_RECIPIENT], "r@example.net"));
	assert_true(sl_span_eq(m.field[PF_PROTOCOL], "SMTP"));

	/* a bounce of 40,000 bytes, its reply in parentheses */
	len = long_line(h->buf, 40000,
	                "4BC3D2E1F0: to=<r@example.net>, relay=mx.example.net[192.0.2.2]:25, delay=1.2, "
	                "delays=0.1/0/0.5/0.6, dsn=5.0.0, status=bounced (host mx.example.net[192.0.2.2] "
	                "said: 550 ",
	                "a b (c) ", "(in reply to end of DATA command))");
	assert_true(patterns_match(h->set, "postfix", smtp, h->buf, len, &m));
	assert_string_equal(pattern_id(m.pattern), "postfix.delivery.status");
	assert_true(sl_span_eq(m.field[PF_STATUS], "bounced"));
	/* the reply runs to its own last ')', not the one that closes it */
	struct sl_span r = m.field[PF_REPLY];
	assert_ptr_equal(r.p + r.len, h->buf + len - 1);
	assert_true(r.len > 39000);

	assert_int_equal(patterns_stats(h->set)->limit_hits, limits);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_entry_has_an_example),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_long_legitimate_lines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
