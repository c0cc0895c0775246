/* codes: lookups in the reply-code knowledge base and the pages built from
 * it (explain, compare) as text, Markdown or JSON. The tables come from
 * build/gen/codes_data.c, generated from data/codes/ by tools/gencodes.c;
 * this file holds no knowledge of its own. Depends on util only.
 * SPDX-License-Identifier: MIT */
#include "codes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the generated tables (see tools/gencodes.c for their layout) */
extern const size_t codes_gen_count, codes_gen_nfields;
extern const char *const codes_gen_key[];
extern const unsigned char codes_gen_class[];
extern const char *const codes_gen_text[];
extern const size_t codes_gen_nheadings;
extern const char *const codes_gen_heading_key[];
extern const char *const codes_gen_heading[];

enum { F_TITLE, F_DESCRIPTION, F_WHEN, F_FIX_SENDER, F_FIX_ADMIN, F_COUNT };

static const char *const lang_names[CODES_LANG_COUNT] = {
	[CODES_EN] = "en", [CODES_JA] = "ja", [CODES_KO] = "ko", [CODES_ZH] = "zh",
};

/* enum codes_heading -> key in the [headings] records of data/codes/ */
static const char *const heading_keys[CODES_H_COUNT] = {
	[CODES_H_DESCRIPTION] = "description",
	[CODES_H_WHEN] = "when",
	[CODES_H_FIX] = "fix",
	[CODES_H_FIX_SENDER] = "fix_sender",
	[CODES_H_FIX_ADMIN] = "fix_admin",
	[CODES_H_KEY_DIFFERENCES] = "key_differences",
	[CODES_H_WHEN_EACH] = "when_each",
	[CODES_H_SUMMARY] = "summary",
	[CODES_H_CLASS] = "class",
	[CODES_H_NOT_IN_TABLE] = "not_in_table",
	[CODES_H_REASON] = "reason",
	[CODES_H_ADVICE] = "advice",
	[CODES_H_REPORT_TITLE] = "report_title",
	[CODES_H_TOTALS] = "totals",
	[CODES_H_TRANSIENT] = "transient",
	[CODES_H_PERMANENT] = "permanent",
	[CODES_H_FORWARDING] = "forwarding",
	[CODES_H_REJECTED] = "rejected",
	[CODES_H_UNRECOGNIZED] = "unrecognized",
	[CODES_H_CODE] = "code",
	[CODES_H_TITLE] = "title",
	[CODES_H_DIAGNOSIS] = "diagnosis",
	[CODES_H_REMEDY] = "remedy",
	[CODES_H_REPORT_FILES] = "report_files",
	[CODES_H_REPORT_FILE_LINES] = "report_file_lines",
	[CODES_H_REPORT_MORE_FILES] = "report_more_files",
	[CODES_H_REPORT_PERIOD] = "report_period",
	[CODES_H_REPORT_PERIOD_RANGE] = "report_period_range",
	[CODES_H_REPORT_WHOLE_FILES] = "report_whole_files",
	[CODES_H_REPORT_COUNT] = "report_count",
	[CODES_H_REPORT_RECEIVED] = "report_received",
	[CODES_H_REPORT_DELIVERED] = "report_delivered",
	[CODES_H_REPORT_OF_THEM_FORWARDED] = "report_of_them_forwarded",
	[CODES_H_REPORT_DEFERRED] = "report_deferred",
	[CODES_H_REPORT_BOUNCED] = "report_bounced",
	[CODES_H_REPORT_EXPIRED] = "report_expired",
	[CODES_H_REPORT_REJECTED] = "report_rejected",
	[CODES_H_REPORT_PROBES] = "report_probes",
	[CODES_H_REPORT_POLICY] = "report_policy",
	[CODES_H_REPORT_NOTIFICATIONS] = "report_notifications",
	[CODES_H_REPORT_LINES_READ] = "report_lines_read",
	[CODES_H_REPORT_NOT_UNDERSTOOD] = "report_not_understood",
	[CODES_H_REPORT_OTHER_PROGRAMS] = "report_other_programs",
	[CODES_H_REPORT_TRUNCATED] = "report_truncated",
	[CODES_H_REPORT_TOTAL_EVENTS_MESSAGES] = "report_total_events_messages",
	[CODES_H_REPORT_EVENTS_MESSAGES] = "report_events_messages",
	[CODES_H_REPORT_EVENTS_CLIENTS] = "report_events_clients",
	[CODES_H_REPORT_DOMAINS] = "report_domains",
	[CODES_H_REPORT_HOSTS] = "report_hosts",
	[CODES_H_REPORT_CLIENTS] = "report_clients",
	[CODES_H_REPORT_REPLY] = "report_reply",
	[CODES_H_REPORT_MEANING] = "report_meaning",
	[CODES_H_REPORT_NONE] = "report_none",
	[CODES_H_REPORT_NO_CODE] = "report_no_code",
	[CODES_H_REPORT_FWD_251] = "report_fwd_251",
	[CODES_H_REPORT_FWD_551] = "report_fwd_551",
	[CODES_H_REPORT_FWD_LOCAL] = "report_fwd_local",
	[CODES_H_REPORT_FWD_COPIES] = "report_fwd_copies",
	[CODES_H_REPORT_FWD_COPY_OUTCOMES] = "report_fwd_copy_outcomes",
	[CODES_H_REPORT_FWD_TARGETS] = "report_fwd_targets",
	[CODES_H_REPORT_KIND_DELIVERED] = "report_kind_delivered",
	[CODES_H_REPORT_KIND_DEFERRED] = "report_kind_deferred",
	[CODES_H_REPORT_KIND_BOUNCED] = "report_kind_bounced",
	[CODES_H_REPORT_KIND_EXPIRED] = "report_kind_expired",
	[CODES_H_REPORT_KIND_REJECTED] = "report_kind_rejected",
	[CODES_H_REPORT_KIND_FORWARDED] = "report_kind_forwarded",
	[CODES_H_REPORT_KIND_PROBE] = "report_kind_probe",
	[CODES_H_REPORT_KIND_POLICY] = "report_kind_policy",
	[CODES_H_REPORT_NOTHING_DROPPED] = "report_nothing_dropped",
	[CODES_H_REPORT_SAMPLE] = "report_sample",
	[CODES_H_REPORT_PROGRAM] = "report_program",
	[CODES_H_REPORT_NO_PATTERN] = "report_no_pattern",
	[CODES_H_REPORT_PROGRAM_OTHER] = "report_program_other",
};

/* ---- languages */

/* codes_lang_parse - "ja", "ja_JP.UTF-8", "zh-TW", "C" -> language, or -1 */
int codes_lang_parse(const char *s)
{
	if (!s || !*s)
		return -1;
	if (strcmp(s, "C") == 0 || strcmp(s, "POSIX") == 0 || strncmp(s, "C.", 2) == 0)
		return CODES_EN;
	for (int l = 0; l < CODES_LANG_COUNT; l++) {
		const char *n = lang_names[l];
		if (tolower((unsigned char)s[0]) == n[0] && tolower((unsigned char)s[1]) == n[1] &&
		    (s[2] == '\0' || s[2] == '_' || s[2] == '-' || s[2] == '.' || s[2] == '@'))
			return l;
	}
	return -1;
}

/* codes_lang_from_env - the first of LC_ALL, LC_MESSAGES, LANG that names a language we have */
enum codes_lang codes_lang_from_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	for (size_t i = 0; i < SL_ARRAY_LEN(vars); i++) {
		int l = codes_lang_parse(getenv(vars[i]));
		if (l >= 0)
			return (enum codes_lang)l;
	}
	return CODES_EN;
}

/* codes_lang_name - "en", "ja", "ko", "zh" */
const char *codes_lang_name(enum codes_lang l)
{
	if ((unsigned)l >= CODES_LANG_COUNT)
		SL_BUG("bad language %d", (int)l);
	return lang_names[l];
}

/* ---- table access */

/* heading_text - a [headings] entry by key; English when lang lacks it */
static const char *heading_text(const char *key, enum codes_lang lang)
{
	for (size_t h = 0; h < codes_gen_nheadings; h++) {
		if (strcmp(codes_gen_heading_key[h], key) != 0)
			continue;
		const char *t = codes_gen_heading[(size_t)lang * codes_gen_nheadings + h];
		return t ? t : codes_gen_heading[h];
	}
	SL_BUG("heading '%s' missing from the generated table", key);
}

/* codes_heading - a localized heading or fixed phrase */
const char *codes_heading(enum codes_heading h, enum codes_lang lang)
{
	if ((unsigned)h >= CODES_H_COUNT || !heading_keys[h])
		SL_BUG("bad heading %d", (int)h);
	return heading_text(heading_keys[h], lang);
}

/* row_text - one field of a row; English when lang lacks it */
static const char *row_text(size_t row, enum codes_lang lang, int field)
{
	const char *t = codes_gen_text[((size_t)lang * codes_gen_count + row) * codes_gen_nfields +
	                               (size_t)field];
	return t ? t : codes_gen_text[row * codes_gen_nfields + (size_t)field];
}

/* row_is_enhanced - "4.7.1", "4.7.X", "4.X.X" rows */
static bool row_is_enhanced(size_t row)
{
	return strchr(codes_gen_key[row], '.') != NULL;
}

/* fill - a codes_info from a row */
static void fill(size_t row, enum codes_lang lang, bool known, struct codes_info *out)
{
	char key[16];
	int k = codes_gen_class[row];
	snprintf(key, sizeof key, "%s_%d", row_is_enhanced(row) ? "eclass" : "class", k);
	out->code = codes_gen_key[row];
	out->klass = k;
	out->class_name = heading_text(key, lang);
	out->title = row_text(row, lang, F_TITLE);
	out->description = row_text(row, lang, F_DESCRIPTION);
	out->when = row_text(row, lang, F_WHEN);
	out->fix_sender = row_text(row, lang, F_FIX_SENDER);
	out->fix_admin = row_text(row, lang, F_FIX_ADMIN);
	out->known = known;
}

/* find_row - index of key in the table, or -1 */
static long find_row(const char *key)
{
	for (size_t i = 0; i < codes_gen_count; i++)
		if (strcmp(codes_gen_key[i], key) == 0)
			return (long)i;
	return -1;
}

/* codes_count - rows in the table */
size_t codes_count(void)
{
	return codes_gen_count;
}

/* codes_at - row i, in lang */
bool codes_at(size_t i, enum codes_lang lang, struct codes_info *out)
{
	if (i >= codes_gen_count || (unsigned)lang >= CODES_LANG_COUNT)
		return false;
	fill(i, lang, true, out);
	return true;
}

/* codes_translated - row i has its own text in lang */
bool codes_translated(size_t i, enum codes_lang lang)
{
	if (i >= codes_gen_count || (unsigned)lang >= CODES_LANG_COUNT)
		return false;
	for (size_t f = 0; f < codes_gen_nfields; f++)
		if (!codes_gen_text[((size_t)lang * codes_gen_count + i) * codes_gen_nfields + f])
			return false;
	return true;
}

/* codes_untranslated - rows and headings lang lacks */
size_t codes_untranslated(enum codes_lang lang)
{
	size_t n = 0;
	for (size_t i = 0; i < codes_gen_count; i++)
		n += !codes_translated(i, lang);
	for (size_t h = 0; h < codes_gen_nheadings; h++)
		n += codes_gen_heading[(size_t)lang * codes_gen_nheadings + h] == NULL;
	return n;
}

/* codes_reply - a reply code's entry, or its class's generic text (known = false) */
bool codes_reply(int code, enum codes_lang lang, struct codes_info *out)
{
	char key[8];
	if (code < 100 || code > 599 || (unsigned)lang >= CODES_LANG_COUNT)
		return false;
	snprintf(key, sizeof key, "%d", code);
	long row = find_row(key);
	if (row >= 0) {
		fill((size_t)row, lang, true, out);
		return true;
	}
	snprintf(key, sizeof key, "%dxx", code / 100);
	row = find_row(key);
	if (row < 0)
		SL_BUG("reply class '%s' missing from the generated table", key);
	fill((size_t)row, lang, false, out);
	return true;
}

/* parse_enhanced - "c.s.d" (1 to 3 digits each, class 2/4/5) from exactly n bytes */
static bool parse_enhanced(const char *s, size_t n, int *c, int *subj, int *det)
{
	int part[3] = { 0, 0, 0 }, digits = 0, np = 0;
	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i])) {
			if (++digits > 3)
				return false;
			part[np] = part[np] * 10 + (s[i] - '0');
		} else if (s[i] == '.' && digits > 0 && np < 2) {
			np++;
			digits = 0;
		} else {
			return false;
		}
	}
	if (np != 2 || digits == 0)
		return false;
	if (part[0] != 2 && part[0] != 4 && part[0] != 5)
		return false;
	/* the class is one digit */
	if (s[1] != '.')
		return false;
	*c = part[0];
	*subj = part[1];
	*det = part[2];
	return true;
}

/* codes_enhanced - exact entry, else the subject's text, else the class's */
bool codes_enhanced(const char *code, enum codes_lang lang, struct codes_info *out)
{
	int c, s, d;
	char key[24];
	if (!code || (unsigned)lang >= CODES_LANG_COUNT ||
	    !parse_enhanced(code, strlen(code), &c, &s, &d))
		return false;
	snprintf(key, sizeof key, "%d.%d.%d", c, s, d);
	long row = find_row(key);
	if (row >= 0) {
		fill((size_t)row, lang, true, out);
		return true;
	}
	snprintf(key, sizeof key, "%d.%d.X", c, s);
	row = find_row(key);
	if (row < 0) {
		snprintf(key, sizeof key, "%d.X.X", c);
		row = find_row(key);
	}
	if (row < 0)
		SL_BUG("enhanced class '%s' missing from the generated table", key);
	fill((size_t)row, lang, false, out);
	return true;
}

/* ---- extracting codes from a pasted reply */

/* is_code_char - part of a code token */
static bool is_code_char(char ch)
{
	return isdigit((unsigned char)ch) || ch == '.';
}

/* codes_extract - the reply code and enhanced code in a reply text */
bool codes_extract(const char *text, int *reply, char enhanced[CODES_ENHANCED_MAX])
{
	int first_reply = 0, paired_reply = 0;
	*reply = 0;
	enhanced[0] = '\0';
	if (!text)
		return false;
	size_t len = strlen(text);
	for (size_t i = 0; i < len;) {
		if (!isdigit((unsigned char)text[i]) || (i > 0 && is_code_char(text[i - 1]))) {
			i++;
			continue;
		}
		/* a token of digits and dots, not glued to other digits or dots */
		size_t j = i;
		while (j < len && is_code_char(text[j]))
			j++;
		size_t n = j - i;
		while (n > 0 && text[i + n - 1] == '.')   /* "550 5.1.1." at a sentence end */
			n--;
		int c, s, d;
		if (n == 3 && text[i] >= '1' && text[i] <= '5' && isdigit((unsigned char)text[i + 1]) &&
		    isdigit((unsigned char)text[i + 2])) {
			int code = atoi(text + i);
			bool word_start = i == 0 || !isalnum((unsigned char)text[i - 1]);
			bool word_end = j == len || text[j] == ' ' || text[j] == '-' || text[j] == '\t';
			if (word_start && word_end) {
				if (!first_reply)
					first_reply = code;
				/* "550 5.1.1" or "550-5.1.1": the pair a server sends */
				size_t k = j + 1;
				size_t e = k;
				while (e < len && is_code_char(text[e]))
					e++;
				while (e > k && text[e - 1] == '.')
					e--;
				if (j < len && k < len && !paired_reply && !enhanced[0] &&
				    parse_enhanced(text + k, e - k, &c, &s, &d)) {
					paired_reply = code;
					snprintf(enhanced, CODES_ENHANCED_MAX, "%d.%d.%d", c, s, d);
				}
			}
		} else if (!enhanced[0] && parse_enhanced(text + i, n, &c, &s, &d) &&
		           (i == 0 || !isalnum((unsigned char)text[i - 1])) &&
		           (j == len || !isalnum((unsigned char)text[j]))) {
			snprintf(enhanced, CODES_ENHANCED_MAX, "%d.%d.%d", c, s, d);
		}
		i = j;
	}
	*reply = paired_reply ? paired_reply : first_reply;
	return *reply != 0 || enhanced[0] != '\0';
}

/* ---- output helpers */

/* codes_json_string - s as a JSON string; invalid UTF-8 becomes U+FFFD */
void codes_json_string(struct sl_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	sl_buf_addc(b, '"');
	while (*p) {
		unsigned char ch = *p;
		if (ch == '"' || ch == '\\') {
			sl_buf_addc(b, '\\');
			sl_buf_addc(b, (char)ch);
			p++;
		} else if (ch == '\n') {
			sl_buf_adds(b, "\\n");
			p++;
		} else if (ch == '\t') {
			sl_buf_adds(b, "\\t");
			p++;
		} else if (ch < 0x20 || ch == 0x7f) {
			sl_buf_addf(b, "\\u%04x", ch);
			p++;
		} else if (ch < 0x80) {
			sl_buf_addc(b, (char)ch);
			p++;
		} else {
			/* copy one well-formed UTF-8 sequence, or replace the byte */
			size_t n = ch >= 0xf0 && ch <= 0xf4 ? 4 : ch >= 0xe0 && ch <= 0xef ? 3
			         : ch >= 0xc2 && ch <= 0xdf ? 2 : 0;
			bool ok = n > 0;
			for (size_t k = 1; ok && k < n; k++)
				ok = (p[k] & 0xc0) == 0x80;
			if (ok && n == 3)
				ok = !(ch == 0xe0 && p[1] < 0xa0) && !(ch == 0xed && p[1] >= 0xa0);
			if (ok && n == 4)
				ok = !(ch == 0xf0 && p[1] < 0x90) && !(ch == 0xf4 && p[1] >= 0x90);
			if (ok) {
				sl_buf_add(b, p, n);
				p += n;
			} else {
				sl_buf_adds(b, "\\ufffd");
				p++;
			}
		}
	}
	sl_buf_addc(b, '"');
}

/* add_md - text with Markdown punctuation escaped so it renders literally */
static void add_md(struct sl_buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#", *s))
			sl_buf_addc(b, '\\');
		sl_buf_addc(b, *s);
	}
}

/* add_text - text as the format needs it */
static void add_text(struct sl_buf *b, const char *s, enum codes_format fmt)
{
	if (fmt == CODES_FMT_MARKDOWN)
		add_md(b, s);
	else
		sl_buf_adds(b, s);
}

/* One code on a page: what the user asked for and what the table says. */
struct item {
	char label[64];          /* as asked: "550", "4.7.99" */
	struct codes_info info;
	bool ok;                 /* false: the argument held no code */
};

/* class_label - "5xx Permanent Negative" or "5.X.X Permanent Failure" */
static void class_label(char *dst, size_t n, const struct codes_info *ci)
{
	if (strchr(ci->code, '.'))
		snprintf(dst, n, "%d.X.X %s", ci->klass, ci->class_name);
	else
		snprintf(dst, n, "%dxx %s", ci->klass, ci->class_name);
}

/* add_lc - s with its first letter lower-cased when it starts an ordinary
 * word ("The server" -> "the server", but "SMTP service" stays) */
static void add_lc(struct sl_buf *b, const char *s, bool drop_when)
{
	if (drop_when && (strncmp(s, "When ", 5) == 0 || strncmp(s, "when ", 5) == 0))
		s += 5;
	if (isupper((unsigned char)s[0]) && islower((unsigned char)s[1])) {
		sl_buf_addc(b, (char)tolower((unsigned char)s[0]));
		s++;
	}
	sl_buf_adds(b, s);
}

/* expand - fills a template from data/codes ([headings]) for one or two codes */
static void expand(struct sl_buf *b, const char *tmpl, const struct item *a, const struct item *bb)
{
	const char *p = tmpl;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			sl_buf_adds(b, p);
			return;
		}
		sl_buf_add(b, p, (size_t)(open - p));
		char name[32];
		size_t n = (size_t)(close - open - 1);
		if (n >= sizeof name)
			SL_BUG("placeholder too long in '%s'", tmpl);
		memcpy(name, open + 1, n);
		name[n] = '\0';
		const struct item *it = a;
		const char *field = name;
		if (strcmp(name, "a") == 0 || strcmp(name, "b") == 0) {
			it = name[0] == 'a' ? a : bb;
			field = "code";
		} else if ((name[0] == 'a' || name[0] == 'b') && name[1] == '_') {
			it = name[0] == 'a' ? a : bb;
			field = name + 2;
		}
		if (!it)
			SL_BUG("template '%s' needs a second code", tmpl);
		const struct codes_info *ci = &it->info;
		char cl[160];
		if (strcmp(field, "code") == 0)
			sl_buf_adds(b, it->label);
		else if (strcmp(field, "key") == 0)
			sl_buf_adds(b, ci->code);
		else if (strcmp(field, "title") == 0)
			sl_buf_adds(b, ci->title);
		else if (strcmp(field, "class") == 0) {
			class_label(cl, sizeof cl, ci);
			sl_buf_adds(b, cl);
		} else if (strcmp(field, "desc") == 0)
			sl_buf_adds(b, ci->description);
		else if (strcmp(field, "desc_lc") == 0)
			add_lc(b, ci->description, false);
		else if (strcmp(field, "when") == 0)
			sl_buf_adds(b, ci->when);
		else if (strcmp(field, "when_lc") == 0)
			add_lc(b, ci->when, true);
		else if (strcmp(field, "fix") == 0)
			sl_buf_adds(b, ci->fix_sender);
		else
			SL_BUG("unknown placeholder '{%s}'", name);   /* gencodes rejects these */
		p = close + 1;
	}
}

/* add_expanded - a filled template in the page's format */
static void add_expanded(struct sl_buf *b, const char *key, enum codes_lang lang,
                         const struct item *a, const struct item *bb, enum codes_format fmt)
{
	struct sl_buf t;
	sl_buf_init(&t);
	expand(&t, heading_text(key, lang), a, bb);
	if (fmt == CODES_FMT_JSON)
		codes_json_string(b, t.data);
	else
		add_text(b, t.data, fmt);
	sl_buf_release(&t);
}

/* resolve - an item from one argument: a reply code, an enhanced code, or a
 * reply text holding them (reply code first). */
static struct item resolve(const char *arg, enum codes_lang lang, bool want_enhanced)
{
	struct item it;
	int reply;
	char enh[CODES_ENHANCED_MAX];
	memset(&it, 0, sizeof it);
	snprintf(it.label, sizeof it.label, "%s", arg);
	if (codes_extract(arg, &reply, enh)) {
		if (reply && !(want_enhanced && enh[0])) {
			snprintf(it.label, sizeof it.label, "%d", reply);
			it.ok = codes_reply(reply, lang, &it.info);
		} else {
			snprintf(it.label, sizeof it.label, "%s", enh);
			it.ok = codes_enhanced(enh, lang, &it.info);
		}
	}
	return it;
}

/* ---- explain */

/* json_field - "name":"value" */
static void json_field(struct sl_buf *b, const char *name, const char *value, bool comma)
{
	codes_json_string(b, name);
	sl_buf_addc(b, ':');
	codes_json_string(b, value);
	if (comma)
		sl_buf_addc(b, ',');
}

/* json_item - one code as a JSON object */
static void json_item(struct sl_buf *b, const struct item *it)
{
	const struct codes_info *ci = &it->info;
	sl_buf_addc(b, '{');
	json_field(b, "query", it->label, true);
	json_field(b, "code", ci->code, true);
	sl_buf_addf(b, "\"known\":%s,\"class\":%d,", ci->known ? "true" : "false", ci->klass);
	json_field(b, "class_name", ci->class_name, true);
	json_field(b, "title", ci->title, true);
	json_field(b, "description", ci->description, true);
	json_field(b, "when", ci->when, true);
	json_field(b, "fix_sender", ci->fix_sender, true);
	json_field(b, "fix_admin", ci->fix_admin, false);
	sl_buf_addc(b, '}');
}

/* add_heading - a section heading: a plain line (text) or "### x" (Markdown) */
static void add_heading(struct sl_buf *b, int level, const char *h, enum codes_format fmt)
{
	if (fmt == CODES_FMT_MARKDOWN) {
		for (int i = 0; i < level; i++)
			sl_buf_addc(b, '#');
		sl_buf_addc(b, ' ');
	}
	add_text(b, h, fmt);
	sl_buf_adds(b, fmt == CODES_FMT_MARKDOWN ? "\n\n" : "\n");
}

/* add_para - a paragraph and a blank line */
static void add_para(struct sl_buf *b, const char *s, enum codes_format fmt)
{
	add_text(b, s, fmt);
	sl_buf_adds(b, "\n\n");
}

/* add_code_sections - title, class, description, when, fix of one code (text/Markdown) */
static void add_code_sections(struct sl_buf *b, const struct item *it, enum codes_lang lang,
                              enum codes_format fmt, int level)
{
	const struct codes_info *ci = &it->info;
	char cl[160];
	struct sl_buf t;
	sl_buf_init(&t);
	expand(&t, heading_text("code_title", lang), it, NULL);
	add_heading(b, level, t.data, fmt);
	sl_buf_release(&t);
	if (fmt == CODES_FMT_TEXT)
		sl_buf_addc(b, '\n');

	class_label(cl, sizeof cl, ci);
	if (fmt == CODES_FMT_MARKDOWN)
		sl_buf_adds(b, "**");
	add_text(b, codes_heading(CODES_H_CLASS, lang), fmt);
	sl_buf_adds(b, fmt == CODES_FMT_MARKDOWN ? ":** " : ": ");
	add_para(b, cl, fmt);
	if (!ci->known) {
		add_expanded(b, "not_in_table", lang, it, NULL, fmt);
		sl_buf_adds(b, "\n\n");
	}

	add_heading(b, level + 1, codes_heading(CODES_H_DESCRIPTION, lang), fmt);
	add_para(b, ci->description, fmt);
	add_heading(b, level + 1, codes_heading(CODES_H_WHEN, lang), fmt);
	add_para(b, ci->when, fmt);
	add_heading(b, level + 1, codes_heading(CODES_H_FIX, lang), fmt);
	add_para(b, ci->fix_sender, fmt);
	if (fmt == CODES_FMT_MARKDOWN)
		sl_buf_adds(b, "**");
	add_text(b, codes_heading(CODES_H_FIX_ADMIN, lang), fmt);
	sl_buf_adds(b, fmt == CODES_FMT_MARKDOWN ? ":** " : ": ");
	add_para(b, ci->fix_admin, fmt);
}

/* codes_explain - a page for each code found in the arguments */
void codes_explain(struct sl_buf *out, const char *const *codes, size_t ncodes,
                   enum codes_lang lang, enum codes_format fmt)
{
	struct item *items = xcalloc(ncodes * 2 + 1, sizeof *items);
	size_t n = 0;
	for (size_t i = 0; i < ncodes; i++) {
		int reply;
		char enh[CODES_ENHANCED_MAX];
		struct item it;
		memset(&it, 0, sizeof it);
		snprintf(it.label, sizeof it.label, "%s", codes[i]);
		if (!codes_extract(codes[i], &reply, enh)) {
			items[n++] = it;   /* not a code: reported as such */
			continue;
		}
		/* a reply line gives both codes; each is explained once */
		for (int pass = 0; pass < 2; pass++) {
			if (pass == 0 && reply) {
				snprintf(it.label, sizeof it.label, "%d", reply);
				it.ok = codes_reply(reply, lang, &it.info);
			} else if (pass == 1 && enh[0]) {
				snprintf(it.label, sizeof it.label, "%s", enh);
				it.ok = codes_enhanced(enh, lang, &it.info);
			} else {
				continue;
			}
			bool dup = false;
			for (size_t k = 0; k < n; k++)
				dup |= items[k].ok && strcmp(items[k].label, it.label) == 0;
			if (!dup)
				items[n++] = it;
		}
	}

	if (fmt == CODES_FMT_JSON) {
		sl_buf_adds(out, "{\"lang\":");
		codes_json_string(out, codes_lang_name(lang));
		sl_buf_adds(out, ",\"codes\":[");
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			if (!items[i].ok)
				continue;
			if (!first)
				sl_buf_addc(out, ',');
			first = false;
			json_item(out, &items[i]);
		}
		sl_buf_adds(out, "],\"not_codes\":[");
		first = true;
		for (size_t i = 0; i < n; i++) {
			if (items[i].ok)
				continue;
			if (!first)
				sl_buf_addc(out, ',');
			first = false;
			codes_json_string(out, items[i].label);
		}
		sl_buf_adds(out, "]}\n");
		free(items);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!items[i].ok) {
			add_expanded(out, "not_a_code", lang, &items[i], NULL, fmt);
			sl_buf_adds(out, "\n\n");
			continue;
		}
		add_code_sections(out, &items[i], lang, fmt, 2);
	}
	/* one trailing newline, not a blank line */
	while (out->len >= 2 && out->data[out->len - 1] == '\n' && out->data[out->len - 2] == '\n')
		out->data[--out->len] = '\0';
	free(items);
}

/* ---- compare */

/* codes_compare - the seed pages' structure: summary naming both classes,
 * each code's description / when / fix, key differences, when each applies */
void codes_compare(struct sl_buf *out, const char *a, const char *b, enum codes_lang lang,
                   enum codes_format fmt)
{
	struct item ia = resolve(a, lang, false), ib = resolve(b, lang, false);
	if (!ia.ok || !ib.ok) {
		/* cmd_compare rejects such arguments; a library caller still gets a page */
		struct item *bad = !ia.ok ? &ia : &ib;
		snprintf(bad->label, sizeof bad->label, "%s", !ia.ok ? a : b);
		if (fmt == CODES_FMT_JSON) {
			sl_buf_adds(out, "{\"lang\":");
			codes_json_string(out, codes_lang_name(lang));
			sl_buf_adds(out, ",\"error\":");
			add_expanded(out, "not_a_code", lang, bad, NULL, fmt);
			sl_buf_adds(out, "}\n");
		} else {
			add_expanded(out, "not_a_code", lang, bad, NULL, fmt);
			sl_buf_addc(out, '\n');
		}
		return;
	}
	bool same = ia.info.klass == ib.info.klass &&
	            (strchr(ia.info.code, '.') != NULL) == (strchr(ib.info.code, '.') != NULL);
	const struct item *two[2] = { &ia, &ib };

	if (fmt == CODES_FMT_JSON) {
		sl_buf_adds(out, "{\"lang\":");
		codes_json_string(out, codes_lang_name(lang));
		sl_buf_adds(out, ",\"title\":");
		add_expanded(out, "compare_title", lang, &ia, &ib, fmt);
		sl_buf_adds(out, ",\"summary\":");
		add_expanded(out, same ? "summary_same" : "summary_diff", lang, &ia, &ib, fmt);
		sl_buf_adds(out, ",\"codes\":[");
		json_item(out, &ia);
		sl_buf_addc(out, ',');
		json_item(out, &ib);
		sl_buf_adds(out, "],\"key_differences\":[");
		if (!same) {
			add_expanded(out, "diff_class", lang, &ia, &ib, fmt);
			sl_buf_addc(out, ',');
		}
		add_expanded(out, "diff_desc", lang, &ia, NULL, fmt);
		sl_buf_addc(out, ',');
		add_expanded(out, "diff_desc", lang, &ib, NULL, fmt);
		sl_buf_addc(out, ',');
		add_expanded(out, "diff_when", lang, &ia, NULL, fmt);
		sl_buf_addc(out, ',');
		add_expanded(out, "diff_when", lang, &ib, NULL, fmt);
		sl_buf_adds(out, "],\"when_each\":[");
		add_expanded(out, "when_each_item", lang, &ia, NULL, fmt);
		sl_buf_addc(out, ',');
		add_expanded(out, "when_each_item", lang, &ib, NULL, fmt);
		sl_buf_adds(out, "]}\n");
		return;
	}

	struct sl_buf t;
	sl_buf_init(&t);
	expand(&t, heading_text("compare_title", lang), &ia, &ib);
	add_heading(out, 1, t.data, fmt);
	sl_buf_release(&t);
	if (fmt == CODES_FMT_TEXT)
		sl_buf_addc(out, '\n');
	add_expanded(out, same ? "summary_same" : "summary_diff", lang, &ia, &ib, fmt);
	sl_buf_adds(out, "\n\n");

	for (int i = 0; i < 2; i++)
		add_code_sections(out, two[i], lang, fmt, 2);

	/* key differences: a numbered list, as in the seed pages */
	add_heading(out, 2, codes_heading(CODES_H_KEY_DIFFERENCES, lang), fmt);
	int num = 1;
	if (!same) {
		sl_buf_addf(out, "%d. ", num++);
		add_expanded(out, "diff_class", lang, &ia, &ib, fmt);
		sl_buf_addc(out, '\n');
	}
	for (int i = 0; i < 2; i++) {
		sl_buf_addf(out, "%d. ", num++);
		add_expanded(out, "diff_desc", lang, two[i], NULL, fmt);
		sl_buf_addc(out, '\n');
	}
	for (int i = 0; i < 2; i++) {
		sl_buf_addf(out, "%d. ", num++);
		add_expanded(out, "diff_when", lang, two[i], NULL, fmt);
		sl_buf_addc(out, '\n');
	}
	sl_buf_addc(out, '\n');

	add_heading(out, 2, codes_heading(CODES_H_WHEN_EACH, lang), fmt);
	for (int i = 0; i < 2; i++) {
		add_expanded(out, "when_each_item", lang, two[i], NULL, fmt);
		sl_buf_adds(out, i == 0 ? "\n\n" : "\n");
	}
}
