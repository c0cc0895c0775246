/* test_codes: the reply-code knowledge base (codes), its SQL tables
 * (codes_sql) and its commands (cmd_codes): coverage and uniqueness of the
 * tables, every field in every language, agreement with the seed pages in
 * ../shared/seeds/, page structure, fallbacks, code extraction, JSON
 * validity, and the commands' exit statuses and messages.
 * SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include <sqlite3.h>

#include "cli.h"
#include "codes.h"
#include "codes_sql.h"
#include "reasons.h"

static const enum codes_lang all_langs[] = { CODES_EN, CODES_JA, CODES_KO, CODES_ZH };

static char *explain1(const char *code, enum codes_lang lang, enum codes_format fmt)
{
	struct sl_buf b;
	const char *one[1] = { code };
	sl_buf_init(&b);
	codes_explain(&b, one, 1, lang, fmt);
	return sl_buf_detach(&b);
}

static char *compare(const char *a, const char *b, enum codes_lang lang, enum codes_format fmt)
{
	struct sl_buf buf;
	sl_buf_init(&buf);
	codes_compare(&buf, a, b, lang, fmt);
	return sl_buf_detach(&buf);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		print_error("missing \"%s\"\nin:\n%s\n", needle, hay);
		fail();
	}
}

/* ---- a tiny JSON validator: accepts exactly RFC 8259 documents */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = (unsigned char)*p;
		if (c == '\0' || c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 5;
				continue;
			}
			if (!strchr("\"\\/bfnrt", *p))
				return NULL;
			p++;
			continue;
		}
		if (c >= 0x80) {
			/* well-formed UTF-8 only */
			size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0;
			if (n == 0)
				return NULL;
			for (size_t k = 1; k < n; k++)
				if (((unsigned char)p[k] & 0xc0) != 0x80)
					return NULL;
			p += n;
			continue;
		}
		p++;
	}
	return p + 1;
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 32)
		return NULL;
	p = json_ws(p);
	if (*p == '"')
		return json_string(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';
		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = json_string(json_ws(p));
				if (!p)
					return NULL;
				p = json_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = json_value(p, depth + 1);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p == close)
				return p + 1;
			return NULL;
		}
	}
	if (strncmp(p, "true", 4) == 0)
		return p + 4;
	if (strncmp(p, "false", 5) == 0)
		return p + 5;
	if (strncmp(p, "null", 4) == 0)
		return p + 4;
	if (*p == '-' || isdigit((unsigned char)*p)) {
		p += *p == '-';
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
		return p;
	}
	return NULL;
}

static bool json_valid(const char *doc)
{
	const char *end = json_value(doc, 0);
	return end && *json_ws(end) == '\0';
}

static void assert_json(const char *doc)
{
	if (!json_valid(doc)) {
		print_error("invalid JSON:\n%s\n", doc);
		fail();
	}
}

/* ---- the tables */

/* Every row, every language: every field present and non-empty. */
static void test_every_field_every_language(void **state)
{
	(void)state;
	assert_true(codes_count() > 200);
	for (size_t i = 0; i < codes_count(); i++) {
		for (size_t l = 0; l < SL_ARRAY_LEN(all_langs); l++) {
			struct codes_info ci;
			assert_true(codes_at(i, all_langs[l], &ci));
			const char *f[] = { ci.code, ci.class_name, ci.title, ci.description,
			                    ci.when, ci.fix_sender, ci.fix_admin };
			for (size_t k = 0; k < SL_ARRAY_LEN(f); k++) {
				assert_non_null(f[k]);
				assert_true(f[k][0] != '\0');
			}
			assert_true(ci.known);
			assert_int_equal(ci.klass, ci.code[0] - '0');
		}
	}
	struct codes_info ci;
	assert_false(codes_at(codes_count(), CODES_EN, &ci));
}

static void test_keys_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < codes_count(); i++) {
		struct codes_info a;
		codes_at(i, CODES_EN, &a);
		for (size_t j = i + 1; j < codes_count(); j++) {
			struct codes_info b;
			codes_at(j, CODES_EN, &b);
			if (strcmp(a.code, b.code) == 0) {
				print_error("duplicate code %s at rows %zu and %zu\n", a.code, i, j);
				fail();
			}
		}
	}
	for (size_t i = 0; i < reasons_count(); i++)
		for (size_t j = i + 1; j < reasons_count(); j++)
			assert_string_not_equal(reasons_id_at(i), reasons_id_at(j));
}

/* RFC 5321 and extensions, and the whole IANA enhanced-code registry. */
static void test_coverage(void **state)
{
	(void)state;
	static const int replies[] = { 211, 214, 220, 221, 235, 250, 251, 252, 334, 354, 421, 432,
		                       450, 451, 452, 454, 455, 500, 501, 502, 503, 504, 521, 523,
		                       530, 534, 535, 538, 550, 551, 552, 553, 554, 555, 556 };
	static const int max_detail[8] = { 0, 10, 4, 6, 7, 6, 10, 30 };
	for (size_t i = 0; i < SL_ARRAY_LEN(replies); i++) {
		struct codes_info ci;
		assert_true(codes_reply(replies[i], CODES_EN, &ci));
		if (!ci.known) {
			print_error("reply code %d not in the table\n", replies[i]);
			fail();
		}
		assert_int_equal(ci.klass, replies[i] / 100);
	}
	for (int s = 0; s < 8; s++) {
		for (int d = 0; d <= max_detail[s]; d++) {
			for (int c = 4; c <= 5; c++) {
				char code[40];
				struct codes_info ci;
				snprintf(code, sizeof code, "%d.%d.%d", c, s, d);
				assert_true(codes_enhanced(code, CODES_EN, &ci));
				if (!ci.known || strcmp(ci.code, code) != 0) {
					print_error("enhanced code %s not in the table (got %s)\n", code, ci.code);
					fail();
				}
			}
		}
	}
	/* success forms servers really send */
	static const char *const ok[] = { "2.0.0", "2.1.0", "2.1.5", "2.6.0", "2.7.0", "2.6.4" };
	for (size_t i = 0; i < SL_ARRAY_LEN(ok); i++) {
		struct codes_info ci;
		assert_true(codes_enhanced(ok[i], CODES_EN, &ci));
		assert_true(ci.known);
	}
}

static void test_fallbacks(void **state)
{
	(void)state;
	static const struct {
		const char *code;      /* "599" or "4.7.99" */
		bool valid;
		bool known;
		const char *row;       /* row used */
		int klass;
	} cases[] = {
		{ "599", true, false, "5xx", 5 },    { "470", true, false, "4xx", 4 },
		{ "299", true, false, "2xx", 2 },    { "100", true, false, "1xx", 1 },
		{ "99", false, false, NULL, 0 },     { "600", false, false, NULL, 0 },
		{ "550", true, true, "550", 5 },     { "4.7.99", true, false, "4.7.X", 4 },
		{ "5.9.1", true, false, "5.X.X", 5 }, { "5.12.345", true, false, "5.X.X", 5 },
		{ "2.1.1", true, false, "2.1.X", 2 }, { "2.1.5", true, true, "2.1.5", 2 },
		{ "5.1.1", true, true, "5.1.1", 5 },  { "3.1.1", false, false, NULL, 0 },
		{ "5.1", false, false, NULL, 0 },    { "5.1.1.1", false, false, NULL, 0 },
		{ "5.1.1234", false, false, NULL, 0 }, { "x.1.1", false, false, NULL, 0 },
		{ "", false, false, NULL, 0 },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		struct codes_info ci;
		bool got;
		if (strchr(cases[i].code, '.') || !cases[i].code[0] || cases[i].code[0] == 'x')
			got = codes_enhanced(cases[i].code, CODES_EN, &ci);
		else
			got = codes_reply(atoi(cases[i].code), CODES_EN, &ci);
		if (got != cases[i].valid) {
			print_error("%s: got valid=%d, want %d\n", cases[i].code, got, cases[i].valid);
			fail();
		}
		if (!got)
			continue;
		if (ci.known != cases[i].known || strcmp(ci.code, cases[i].row) != 0 ||
		    ci.klass != cases[i].klass) {
			print_error("%s: got row \"%s\" known=%d class=%d, want \"%s\" known=%d class=%d\n",
			            cases[i].code, ci.code, ci.known, ci.klass, cases[i].row,
			            cases[i].known, cases[i].klass);
			fail();
		}
	}
	/* the page says the code is not in the table, and names the fallback */
	char *page = explain1("4.7.99", CODES_EN, CODES_FMT_TEXT);
	assert_contains(page, "4.7.99 is not in smtplog's table");
	assert_contains(page, "general meaning of 4.7.X");
	free(page);
	page = explain1("599", CODES_JA, CODES_FMT_TEXT);
	assert_contains(page, "599 は smtplog の表にありません");
	free(page);
}

/* ---- the seeds: tests/seeds/00[0-4]_*.txt */

struct seed_code {
	int code;
	int klass;
	const char *title, *description, *when, *fix;
};

/* The English sentences of the seed pages, verbatim (the seeds' "when when"
 * doubling and the truncated "identificati" in 003's summary are typos of
 * the pages, not facts). */
static const struct seed_code seeds[] = {
	{ 220, 2, "Service Ready",
	  "The SMTP server is ready to begin the mail transaction. This greeting is the first response a client receives upon connecting, and it typically includes the server's hostname and software identification.",
	  "Immediately after establishing a TCP connection to the mail server on port 25, 465, or 587. This is the server's welcome banner confirming it is ready to accept commands.",
	  "No fix needed — this confirms a successful connection. If you do not receive this greeting, check that the server is running, the port is correct, and no firewall is blocking the connection." },
	{ 221, 2, "Closing Connection",
	  "The server is closing the transmission channel. This is the normal response to the QUIT command, indicating a graceful end to the SMTP session.",
	  "After sending the QUIT command at the end of a mail session. The server acknowledges the disconnect and the TCP connection will be closed.",
	  "No fix needed — this is the expected response when ending an SMTP session. If you see this unexpectedly, the server may be shutting down or timing out idle connections." },
	{ 251, 2, "User Not Local",
	  "The recipient is not local to the server, but it will forward the message to the specified forwarding address. The server acts as a relay for this recipient.",
	  "When sending to a recipient whose mailbox is hosted on a different server. The current server knows the forwarding address and will relay the message on your behalf.",
	  "No fix needed — the message will be forwarded automatically. To avoid relaying, send directly to the address provided in the server's response." },
	{ 421, 4, "Service Not Available",
	  "The SMTP service is not available and the server is closing the transmission channel. This may be sent as a greeting or during a session if the server needs to shut down.",
	  "When connecting to a mail server that is overloaded, undergoing maintenance, or shutting down. The server cannot handle your request right now.",
	  "Retry the connection after a delay. If the issue persists, check server status and resources (CPU, memory, disk). Rate limiting or greylisting may also trigger this response." },
	{ 451, 4, "Local Error",
	  "The requested action was aborted due to a local error in processing. The server encountered an internal issue that prevented it from completing the command.",
	  "When the receiving server hits an internal error such as a database failure, DNS lookup timeout, or anti-spam filter processing error.",
	  "Retry the message later. If you control the server, check its logs for the specific error — common causes include DNS resolution failures, disk I/O errors, or database connectivity issues." },
	{ 551, 5, "User Not Local",
	  "The recipient is not local to this server and the server does not accept mail for forwarding. Unlike 251, this is a rejection — the server will not relay the message.",
	  "When sending to a recipient that has moved or whose mailbox is hosted elsewhere, and this server refuses to forward the message to the new location.",
	  "Check the server's response for a forwarding address and resend directly to that address. Update your contact records if the recipient has permanently moved to a new mail server." },
};

/* The seeds' headings: description, when, fix, key differences, when each. */
static const char *const seed_headings[CODES_LANG_COUNT][5] = {
	[CODES_JA] = { "説明", "このコードが表示される場合", "解決方法", "主な違い", "どちらをいつ使うか" },
	[CODES_KO] = { "설명", "이 코드를 보게 되는 경우", "해결 방법", "주요 차이점", "언제 어떤 것을 사용할지" },
	[CODES_ZH] = { "描述", "何时出现", "如何修复", "主要区别", "何时使用哪个" },
};
static const enum codes_heading seed_heading_ids[5] = {
	CODES_H_DESCRIPTION, CODES_H_WHEN, CODES_H_FIX, CODES_H_KEY_DIFFERENCES, CODES_H_WHEN_EACH,
};

static void test_seed_codes_agree(void **state)
{
	(void)state;
	for (size_t i = 0; i < SL_ARRAY_LEN(seeds); i++) {
		struct codes_info ci;
		assert_true(codes_reply(seeds[i].code, CODES_EN, &ci));
		assert_true(ci.known);
		assert_int_equal(ci.klass, seeds[i].klass);
		assert_string_equal(ci.title, seeds[i].title);
		assert_string_equal(ci.description, seeds[i].description);
		assert_string_equal(ci.when, seeds[i].when);
		assert_string_equal(ci.fix_sender, seeds[i].fix);
		/* the translations of the seed codes exist (not the English fallback) */
		for (size_t l = 1; l < SL_ARRAY_LEN(all_langs); l++) {
			struct codes_info tr;
			assert_true(codes_reply(seeds[i].code, all_langs[l], &tr));
			assert_string_not_equal(tr.description, ci.description);
			assert_string_not_equal(tr.fix_sender, ci.fix_sender);
		}
	}
	/* class names as the seeds write them */
	struct codes_info ci;
	codes_reply(251, CODES_EN, &ci);
	assert_string_equal(ci.class_name, "Positive Completion");
	codes_reply(421, CODES_EN, &ci);
	assert_string_equal(ci.class_name, "Transient Negative");
	codes_reply(551, CODES_EN, &ci);
	assert_string_equal(ci.class_name, "Permanent Negative");
}

static void test_seed_headings(void **state)
{
	(void)state;
	for (size_t l = 1; l < SL_ARRAY_LEN(all_langs); l++)
		for (size_t h = 0; h < 5; h++)
			assert_string_equal(codes_heading(seed_heading_ids[h], all_langs[l]),
			                    seed_headings[all_langs[l]][h]);
	for (int h = 0; h < CODES_H_COUNT; h++)
		for (size_t l = 0; l < SL_ARRAY_LEN(all_langs); l++) {
			const char *t = codes_heading((enum codes_heading)h, all_langs[l]);
			assert_non_null(t);
			assert_true(t[0] != '\0');
		}
}

/* The seed files (copied into tests/seeds/) still hold the sentences above. */
static void test_seed_files_match(void **state)
{
	(void)state;
	static const char *const files[] = {
		"000_812ce73916e86eaf.txt", "001_c239c2a03a063b8b.txt", "002_7fb606780c63b7bb.txt",
		"003_8ef77bea665c499a.txt", "004_70370e8ef8f44624.txt",
	};
	struct sl_buf all;
	sl_buf_init(&all);
	for (size_t i = 0; i < SL_ARRAY_LEN(files); i++) {
		char path[1024];
		snprintf(path, sizeof path, "%s/tests/seeds/%s", SOURCE_DIR, files[i]);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		char chunk[4096];
		size_t n;
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			sl_buf_add(&all, chunk, n);
		fclose(f);
	}
	for (size_t i = 0; i < SL_ARRAY_LEN(seeds); i++) {
		assert_contains(all.data, seeds[i].description);
		assert_contains(all.data, seeds[i].when);
		assert_contains(all.data, seeds[i].fix);
	}
	for (size_t l = 1; l < SL_ARRAY_LEN(all_langs); l++)
		for (size_t h = 0; h < 5; h++)
			assert_contains(all.data, seed_headings[all_langs[l]][h]);
	sl_buf_release(&all);
}

/* English comparison pages reproduce the seeds' sentences. */
static void test_compare_matches_seed_sentences(void **state)
{
	(void)state;
	char *p = compare("251", "551", CODES_EN, CODES_FMT_TEXT);
	assert_contains(p, "SMTP 251 User Not Local vs 551 User Not Local\n");
	assert_contains(p, "SMTP 251 (User Not Local) is a 2xx Positive Completion response, while 551 (User Not Local) is a 5xx Permanent Negative response. 251 indicates that the recipient is not local to the server, but it will forward the message to the specified forwarding address. The server acts as a relay for this recipient. In contrast, 551 means that the recipient is not local to this server and the server does not accept mail for forwarding. Unlike 251, this is a rejection — the server will not relay the message.");
	assert_contains(p, "251 is a 2xx Positive Completion response, while 551 is a 5xx Permanent Negative response.");
	assert_contains(p, "SMTP 551: The recipient is not local to this server and the server does not accept mail for forwarding. Unlike 251, this is a rejection — the server will not relay the message.");
	assert_contains(p, "You encounter 251 when sending to a recipient whose mailbox is hosted on a different server.");
	assert_contains(p, "You encounter 551 when sending to a recipient that has moved or whose mailbox is hosted elsewhere, and this server refuses to forward the message to the new location.");
	assert_contains(p, "For 251 (User Not Local): No fix needed — the message will be forwarded automatically.");
	assert_contains(p, "For 551 (User Not Local): Check the server's response for a forwarding address and resend directly to that address.");
	assert_null(strstr(p, "when when"));
	free(p);

	p = compare("221", "251", CODES_EN, CODES_FMT_TEXT);
	assert_contains(p, "Both SMTP 221 (Closing Connection) and 251 (User Not Local) belong to the 2xx Positive Completion category. 221 indicates that the server is closing the transmission channel. This is the normal response to the QUIT command, indicating a graceful end to the SMTP session. Meanwhile, 251 means that the recipient is not local to the server, but it will forward the message to the specified forwarding address. The server acts as a relay for this recipient.");
	assert_contains(p, "You encounter 221 when after sending the QUIT command at the end of a mail session.");
	/* same class: no class line among the differences, as in seeds 000 and 003 */
	assert_null(strstr(p, "response, while"));
	free(p);

	p = compare("221", "451", CODES_EN, CODES_FMT_TEXT);
	assert_contains(p, "SMTP 221 Closing Connection vs 451 Local Error\n");
	assert_contains(p, "SMTP 221 (Closing Connection) is a 2xx Positive Completion response, while 451 (Local Error) is a 4xx Transient Negative response. 221 indicates that the server is closing the transmission channel.");
	assert_contains(p, "In contrast, 451 means that the requested action was aborted due to a local error in processing.");
	assert_contains(p, "You encounter 451 when the receiving server hits an internal error such as a database failure, DNS lookup timeout, or anti-spam filter processing error.");
	free(p);

	p = compare("220", "251", CODES_EN, CODES_FMT_TEXT);
	assert_contains(p, "Both SMTP 220 (Service Ready) and 251 (User Not Local) belong to the 2xx Positive Completion category. 220 indicates that the SMTP server is ready to begin the mail transaction.");
	assert_contains(p, "You encounter 220 when immediately after establishing a TCP connection to the mail server on port 25, 465, or 587.");
	free(p);

	p = compare("251", "421", CODES_EN, CODES_FMT_TEXT);
	assert_contains(p, "SMTP 251 (User Not Local) is a 2xx Positive Completion response, while 421 (Service Not Available) is a 4xx Transient Negative response.");
	assert_contains(p, "In contrast, 421 means that the SMTP service is not available and the server is closing the transmission channel.");
	assert_contains(p, "You encounter 421 when connecting to a mail server that is overloaded, undergoing maintenance, or shutting down.");
	free(p);
}

static void lookup_any(const char *code, enum codes_lang lang, struct codes_info *ci)
{
	if (!codes_enhanced(code, lang, ci))
		assert_true(codes_reply(atoi(code), lang, ci));
}

/* Sections in the seeds' order, for every language and both page formats. */
static void test_compare_sections_in_order(void **state)
{
	(void)state;
	static const char *const pairs[][2] = { { "251", "551" }, { "251", "421" }, { "220", "251" },
		                                { "221", "451" }, { "4.2.2", "5.2.2" } };
	static const enum codes_format fmts[] = { CODES_FMT_TEXT, CODES_FMT_MARKDOWN };
	for (size_t l = 0; l < SL_ARRAY_LEN(all_langs); l++)
		for (size_t k = 0; k < SL_ARRAY_LEN(pairs); k++)
			for (size_t f = 0; f < SL_ARRAY_LEN(fmts); f++) {
				enum codes_lang lang = all_langs[l];
				char *p = compare(pairs[k][0], pairs[k][1], lang, fmts[f]);
				struct codes_info a, b;
				char want[1024];
				const char *at = p;
				lookup_any(pairs[k][0], lang, &a);
				lookup_any(pairs[k][1], lang, &b);
				const char *seq[] = {
					pairs[k][0], pairs[k][1],                              /* title */
					a.class_name, b.class_name,                            /* summary */
					codes_heading(CODES_H_DESCRIPTION, lang), a.description,
					codes_heading(CODES_H_WHEN, lang), a.when,
					codes_heading(CODES_H_FIX, lang), a.fix_sender,
					codes_heading(CODES_H_DESCRIPTION, lang), b.description,
					codes_heading(CODES_H_WHEN, lang), b.when,
					codes_heading(CODES_H_FIX, lang), b.fix_sender,
					codes_heading(CODES_H_KEY_DIFFERENCES, lang),
					codes_heading(CODES_H_WHEN_EACH, lang),
				};
				for (size_t s = 0; s < SL_ARRAY_LEN(seq); s++) {
					/* Markdown escapes punctuation in texts; compare a plain prefix */
					snprintf(want, sizeof want, "%.12s", seq[s]);
					const char *hit = strstr(at, want);
					if (!hit) {
						print_error("lang %s, %s vs %s, format %d: \"%s\" missing or out of order\n%s\n",
						            codes_lang_name(lang), pairs[k][0], pairs[k][1], (int)fmts[f],
						            want, p);
						fail();
					}
					at = hit + strlen(want);
				}
				free(p);
			}
}

static void test_compare_json(void **state)
{
	(void)state;
	for (size_t l = 0; l < SL_ARRAY_LEN(all_langs); l++) {
		char *p = compare("251", "551", all_langs[l], CODES_FMT_JSON);
		assert_json(p);
		assert_contains(p, "\"key_differences\":[");
		assert_contains(p, "\"when_each\":[");
		free(p);
	}
	char *p = compare("nonsense", "551", CODES_EN, CODES_FMT_JSON);
	assert_json(p);
	assert_contains(p, "\"error\"");
	free(p);
}

/* ---- explain */

static void test_explain_pasted_reply(void **state)
{
	(void)state;
	char *p = explain1("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown",
	                   CODES_EN, CODES_FMT_TEXT);
	assert_contains(p, "SMTP 550 Mailbox Unavailable\n");
	assert_contains(p, "SMTP 5.1.1 Bad Destination Mailbox Address\n");
	assert_contains(p, "Class: 5.X.X Permanent Failure");
	free(p);

	/* several arguments, duplicates explained once */
	const char *args[] = { "451", "4.7.1", "451" };
	struct sl_buf b;
	sl_buf_init(&b);
	codes_explain(&b, args, 3, CODES_EN, CODES_FMT_TEXT);
	assert_contains(b.data, "SMTP 451 Local Error");
	assert_contains(b.data, "SMTP 4.7.1 Delivery Temporarily Not Authorized");
	assert_null(strstr(strstr(b.data, "SMTP 451") + 1, "SMTP 451 "));
	sl_buf_release(&b);

	p = explain1("hello", CODES_KO, CODES_FMT_TEXT);
	assert_contains(p, "hello: 응답 코드도 확장 상태 코드도 아닙니다");
	free(p);

	p = explain1("5.1.1 <bob@example.com>", CODES_EN, CODES_FMT_MARKDOWN);
	assert_contains(p, "## SMTP 5.1.1 Bad Destination Mailbox Address");
	assert_contains(p, "\\<bob@example.com\\>");
	assert_contains(p, "local\\_recipient\\_maps");
	free(p);
}

static void test_explain_json(void **state)
{
	(void)state;
	static const char *const inputs[] = {
		"550 5.1.1 <bob@example.com>: \"quoted\" back\\slash\ttab",
		"421-4.7.0 [1.2.3.4 15] Our system has detected an unusual rate",
		"599", "4.7.99", "junk \x01\x7f\xff\xfe end", "2.0.0",
	};
	for (size_t l = 0; l < SL_ARRAY_LEN(all_langs); l++)
		for (size_t i = 0; i < SL_ARRAY_LEN(inputs); i++) {
			char *p = explain1(inputs[i], all_langs[l], CODES_FMT_JSON);
			assert_json(p);
			free(p);
		}
	char *p = explain1("junk \x01\xff end", CODES_EN, CODES_FMT_JSON);
	assert_contains(p, "\\u0001");
	assert_contains(p, "\\ufffd");
	free(p);
	p = explain1("599", CODES_EN, CODES_FMT_JSON);
	assert_contains(p, "\"known\":false");
	assert_contains(p, "\"code\":\"5xx\"");
	free(p);
	/* the validator itself rejects broken documents */
	assert_false(json_valid("{\"a\":\"x\"y\"}"));
	assert_false(json_valid("{\"a\":1,}"));
	assert_false(json_valid("[\"\x01\"]"));
	assert_false(json_valid("[\"\xff\"]"));
	assert_true(json_valid("{\"a\":[1,true,null,\"\\u00e9\"]}"));
}

/* Every byte that cannot start a UTF-8 sequence (0x80-0xc1, 0xf5-0xff) is
 * replaced, even when continuation bytes follow it (found by fuzz_report:
 * 0xf5-0xff were copied as the lead of a three-byte sequence). */
static void test_json_string_bad_lead_bytes(void **state)
{
	(void)state;
	for (int lead = 0x80; lead <= 0xff; lead++) {
		const char s[] = { (char)lead, (char)0xb5, (char)0xb5, (char)0xb5, 0 };
		struct sl_buf b;
		sl_buf_init(&b);
		codes_json_string(&b, s);
		assert_json(b.data);
		sl_buf_release(&b);
	}
	struct sl_buf b;
	sl_buf_init(&b);
	codes_json_string(&b, "\xff\xb5\xb5 \xf8\x88\x80\x80\x80");
	assert_string_equal(b.data, "\"\\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	sl_buf_release(&b);
}

/* ---- code extraction and languages */

static void test_extract(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int reply;
		const char *enhanced;
	} cases[] = {
		{ "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown", 550, "5.1.1" },
		{ "550-5.7.1 [2607:4100:3:25:100::2      12] Our system has detected", 550, "5.7.1" },
		{ "host mx.example.com[192.0.2.1] said: 451 4.7.1 Please try later", 451, "4.7.1" },
		{ "connect to 192.168.45.120[192.168.45.120]:25: Connection timed out", 0, "" },
		{ "dsn=4.4.1, status=deferred (delay=0.25)", 0, "4.4.1" },
		{ "size=580, nrcpt=1 then 550 5.1.1 unknown", 550, "5.1.1" },
		{ "4.7.1", 0, "4.7.1" },
		{ "451", 451, "" },
		{ "554 no smtp service here", 554, "" },
		{ "5.01.001", 0, "5.1.1" },
		{ "reply was 550 5.1.1.", 550, "5.1.1" },
		{ "1.2.3.4 and 10.0.0.1", 0, "" },
		{ "id=31619-02 - spam", 0, "" },
		{ "2024-08-26 status 250", 250, "" },
		{ "", 0, "" },
		{ "6.1.1 700", 0, "" },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		int reply;
		char enh[CODES_ENHANCED_MAX];
		bool found = codes_extract(cases[i].text, &reply, enh);
		if (reply != cases[i].reply || strcmp(enh, cases[i].enhanced) != 0 ||
		    found != (cases[i].reply || cases[i].enhanced[0])) {
			print_error("\"%s\": got %d \"%s\", want %d \"%s\"\n", cases[i].text, reply, enh,
			            cases[i].reply, cases[i].enhanced);
			fail();
		}
	}
}

static void test_lang(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int want;
	} cases[] = {
		{ "en", CODES_EN }, { "ja", CODES_JA }, { "ko", CODES_KO }, { "zh", CODES_ZH },
		{ "ja_JP.UTF-8", CODES_JA }, { "ko_KR", CODES_KO }, { "zh_CN.UTF-8", CODES_ZH },
		{ "zh_TW", CODES_ZH }, { "zh-Hant", CODES_ZH }, { "C", CODES_EN }, { "POSIX", CODES_EN },
		{ "C.UTF-8", CODES_EN }, { "en_US.UTF-8", CODES_EN }, { "JA", CODES_JA },
		{ "fr", -1 }, { "fr_FR.UTF-8", -1 }, { "", -1 }, { "j", -1 }, { "jap", -1 },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		int got = codes_lang_parse(cases[i].s);
		if (got != cases[i].want) {
			print_error("codes_lang_parse(\"%s\"): got %d, want %d\n", cases[i].s, got,
			            cases[i].want);
			fail();
		}
	}
	assert_int_equal(codes_lang_parse(NULL), -1);
	setenv("LC_ALL", "", 1);
	setenv("LC_MESSAGES", "ko_KR.UTF-8", 1);
	setenv("LANG", "ja_JP.UTF-8", 1);
	assert_int_equal(codes_lang_from_env(), CODES_KO);
	setenv("LC_ALL", "zh_CN.UTF-8", 1);
	assert_int_equal(codes_lang_from_env(), CODES_ZH);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	unsetenv("LANG");
	assert_int_equal(codes_lang_from_env(), CODES_EN);
	assert_string_equal(codes_lang_name(CODES_ZH), "zh");
}

/* Every text in every language is a real translation. Until the translators
 * are done, SMTPLOG_TRANSLATIONS_PENDING=1 marks this test as skipped. */
static void test_translations_complete(void **state)
{
	(void)state;
	size_t missing = 0;
	for (size_t l = 1; l < SL_ARRAY_LEN(all_langs); l++) {
		size_t n = codes_untranslated(all_langs[l]);
		for (size_t i = 0; i < reasons_count(); i++)
			n += !reasons_translated(i, all_langs[l]);
		if (n)
			print_message("%s: %zu code rows, headings or reasons still in English\n",
			              codes_lang_name(all_langs[l]), n);
		missing += n;
	}
	const char *pending = getenv("SMTPLOG_TRANSLATIONS_PENDING");
	if (missing && pending && strcmp(pending, "1") == 0)
		skip();
	assert_int_equal(missing, 0);
}

/* ---- codes_sql */

static void test_sql_tables(void **state)
{
	(void)state;
	sqlite3 *db;
	struct sl_error err;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	for (int round = 0; round < 2; round++) {   /* refilling replaces, never duplicates */
		assert_int_equal(codes_sql_load(db, &err), 0);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM codes", -1, &st, NULL),
		                 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int64(st, 0), (sqlite3_int64)(codes_count() * 4));
		sqlite3_finalize(st);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM reasons", -1, &st, NULL),
		                 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int64(st, 0), (sqlite3_int64)(reasons_count() * 4));
		sqlite3_finalize(st);
	}
	/* the join the tables are for */
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TABLE events (smtp_code INTEGER, enhanced_code TEXT, reason TEXT);"
	                              "INSERT INTO events VALUES (550, '5.1.1', 'user-unknown');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT c.title, x.title, r.title, c.class FROM events e"
	                                    " JOIN codes c ON c.code = CAST(e.smtp_code AS TEXT) AND c.lang = 'ja'"
	                                    " JOIN codes x ON x.code = e.enhanced_code AND x.lang = 'en'"
	                                    " JOIN reasons r ON r.id = e.reason AND r.lang = 'en'",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	struct codes_info ci;
	codes_reply(550, CODES_JA, &ci);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), ci.title);
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "Bad Destination Mailbox Address");
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "Recipient unknown");
	assert_int_equal(sqlite3_column_int(st, 3), 5);
	sqlite3_finalize(st);

	/* inside a caller's transaction, and a failure leaves the tables as they were */
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(codes_sql_load(db, &err), 0);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	/* the same texts again: nothing is written (a read-only database is fine) */
	assert_int_equal(sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(codes_sql_load(db, &err), 0);
	assert_int_equal(sqlite3_exec(db, "PRAGMA query_only = 0; UPDATE knowledge_version SET hash = 'x';"
	                                  " PRAGMA query_only = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(codes_sql_load(db, &err), -1);
	assert_int_equal(err.code, SL_EDB);
	assert_non_null(strstr(err.msg, "cannot load the codes table: "));
	sqlite3_close(db);
}

/* ---- the commands */

struct captured {
	int rc;
	char *out;   /* stdout and stderr together */
};

/* run - `smtplog ARGS...` through the command table */
static struct captured run(int argc, const char *const *args)
{
	char path[] = "/tmp/test_codes_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stdout);
	fflush(stderr);
	int saved_out = dup(1), saved_err = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	char **argv = xcalloc((size_t)argc + 2, sizeof *argv);
	argv[0] = xstrdup("smtplog");
	for (int i = 0; i < argc; i++)
		argv[i + 1] = xstrdup(args[i]);
	struct captured c;
	c.rc = cli_main(argc + 1, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	for (int i = 0; i <= argc; i++)
		free(argv[i]);
	free(argv);
	struct sl_buf b;
	sl_buf_init(&b);
	char chunk[4096];
	ssize_t n;
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		sl_buf_add(&b, chunk, (size_t)n);
	close(fd);
	unlink(path);
	c.out = sl_buf_detach(&b);
	return c;
}

static void test_commands(void **state)
{
	(void)state;
	static const struct {
		const char *args[6];
		int rc;
		const char *want;
	} cases[] = {
		{ { "compare", "251", "551", "--lang", "ja" }, CLI_EXIT_OK, "主な違い" },
		{ { "compare", "251", "421", "--lang=ko" }, CLI_EXIT_OK, "주요 차이점" },
		{ { "compare", "220", "251", "--lang", "zh" }, CLI_EXIT_OK, "何时使用哪个" },
		{ { "compare", "221", "451", "--lang", "en" }, CLI_EXIT_OK, "When each applies" },
		{ { "compare", "251", "551", "--lang", "fr" }, CLI_EXIT_USAGE,
		  "smtplog compare: unknown language 'fr' (expected en, ja, ko or zh)\n" },
		{ { "compare", "251" }, CLI_EXIT_USAGE, "smtplog compare: expected two codes, got 1\n" },
		{ { "compare", "251", "abc" }, CLI_EXIT_USAGE,
		  "smtplog compare: 'abc' is not a reply code or an enhanced status code\n" },
		{ { "compare", "--format", "xml", "1", "2" }, CLI_EXIT_USAGE,
		  "smtplog compare: unknown format 'xml' (expected text, markdown or json)\n" },
		{ { "compare", "--lang" }, CLI_EXIT_USAGE,
		  "smtplog compare: option '--lang' needs a value (en|ja|ko|zh)\n" },
		{ { "compare", "251", "251" }, CLI_EXIT_USAGE,
		  "smtplog compare: '251' and '251' are the same code (see 'smtplog explain 251')\n" },
		{ { "compare", "--bogus" }, CLI_EXIT_USAGE, "smtplog compare: unknown option '--bogus'\n" },
		{ { "compare", "--help=yes" }, CLI_EXIT_USAGE, "option '--help' takes no value" },
		{ { "compare", "-h" }, CLI_EXIT_OK, "usage: smtplog compare [OPTIONS] CODE CODE" },
		{ { "explain", "451", "4.7.1", "--lang", "en" }, CLI_EXIT_OK,
		  "SMTP 4.7.1 Delivery Temporarily Not Authorized" },
		{ { "explain", "550", "5.1.1", "<bob@example.com>:", "User", "unknown" }, CLI_EXIT_OK,
		  "Reason: Recipient unknown" },
		{ { "explain", "--format", "json", "421 4.7.0 unusual rate of unsolicited mail" },
		  CLI_EXIT_OK, "\"reason\":{\"id\":\"rate-limit\"" },
		{ { "explain", "hello" }, CLI_EXIT_USAGE,
		  "smtplog explain: 'hello' holds no reply code or enhanced status code\n" },
		{ { "explain" }, CLI_EXIT_USAGE, "smtplog explain: expected a code or a reply text\n" },
		{ { "explain", "--help" }, CLI_EXIT_OK, "--format text|markdown|json" },
		{ { "codes", "5.7.2", "--lang", "en" }, CLI_EXIT_OK, "5.7.26   5.X.X Permanent Failure" },
		{ { "codes", "55", "--format", "markdown", "--lang", "en" }, CLI_EXIT_OK,
		  "| 551 | 5xx Permanent Negative | User Not Local |" },
		{ { "codes", "6" }, CLI_EXIT_USAGE, "smtplog codes: no code in the table starts with '6'\n" },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(cases); i++) {
		int argc = 0;
		while (argc < 6 && cases[i].args[argc])
			argc++;
		struct captured c = run(argc, cases[i].args);
		if (c.rc != cases[i].rc || !strstr(c.out, cases[i].want)) {
			print_error("case %zu (%s %s): got rc %d, want %d; output lacks \"%s\":\n%s\n", i,
			            cases[i].args[0], cases[i].args[1] ? cases[i].args[1] : "", c.rc,
			            cases[i].rc, cases[i].want, c.out);
			fail();
		}
		free(c.out);
	}
	/* JSON listing of the whole table is valid */
	const char *args[] = { "codes", "--format", "json" };
	struct captured c = run(3, args);
	assert_int_equal(c.rc, 0);
	assert_json(c.out);
	free(c.out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_every_language),
		cmocka_unit_test(test_keys_unique),
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_fallbacks),
		cmocka_unit_test(test_seed_codes_agree),
		cmocka_unit_test(test_seed_headings),
		cmocka_unit_test(test_seed_files_match),
		cmocka_unit_test(test_compare_matches_seed_sentences),
		cmocka_unit_test(test_compare_sections_in_order),
		cmocka_unit_test(test_compare_json),
		cmocka_unit_test(test_explain_pasted_reply),
		cmocka_unit_test(test_explain_json),
		cmocka_unit_test(test_json_string_bad_lead_bytes),
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_sql_tables),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_translations_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
