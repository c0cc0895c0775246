/* reasons: classify a reply text into a reason id with the `mta: reason`
 * rules of patterns/NAME.pat, and give the reason's localized texts, which are
 * generated from data/reasons/ into build/gen/codes_data.c. Sits beside
 * codes: it uses patterns for matching and nothing above it.
 * SPDX-License-Identifier: MIT */
#include "reasons.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- the generated tables (see tools/gencodes.c) */
extern const size_t codes_gen_nreasons, codes_gen_nreason_fields;
extern const char *const codes_gen_reason_id[];
extern const char *const codes_gen_reason_text[];

enum { RF_TITLE, RF_DIAGNOSIS, RF_REMEDY };

#define REASONS_MTA "reason"
#define REASONS_MAX_CODES 8
/* Answers kept for replies seen before: a log repeats its deferral and
 * bounce texts ("452 4.2.2 Mailbox full"), and trying every rule on a
 * reply costs some thirty regex scans. Direct-mapped; texts up to
 * REASONS_MEMO_TEXT bytes. */
#define REASONS_MEMO 1024
#define REASONS_MEMO_TEXT 256

/* One token of a rule's codes: attribute. */
struct code_token {
	enum { TOK_REPLY, TOK_CLASS, TOK_ENHANCED } type;
	int value;                          /* 550, or 5 for "5xx" */
	char enhanced[CODES_ENHANCED_MAX];  /* "5.7.1" */
};

struct rule {
	const struct pattern *pattern;   /* owned by the pattern set */
	const char *reason;              /* static, from the generated table */
	struct code_token codes[REASONS_MAX_CODES];
	size_t ncodes;                   /* 0: any code */
};

/* One remembered answer: the reply text, its codes, and the reason. */
struct memo {
	uint64_t hash;
	char *text;                      /* NULL: empty slot */
	size_t len;
	int smtp_code;
	char enhanced[CODES_ENHANCED_MAX];
	const char *reason;
};

struct reasons {
	struct pattern_set *set;
	struct rule *rules;
	size_t n;
	struct memo *memo;               /* REASONS_MEMO slots */
};

/* reason_index - position of id in the generated table, or -1 */
static long reason_index(const char *id)
{
	for (size_t i = 0; i < codes_gen_nreasons; i++)
		if (strcmp(codes_gen_reason_id[i], id) == 0)
			return (long)i;
	return -1;
}

/* parse_codes - "4xx", "550 554", "5.7.1" into tokens; 0 or -1 */
static int parse_codes(struct rule *r, const char *attr, struct sl_error *err)
{
	const char *p = attr;
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, " ,\t");
		char tok[32];
		if (n >= sizeof tok || r->ncodes == REASONS_MAX_CODES)
			return sl_error_set(err, SL_EFORMAT, "pattern '%s': bad codes '%s'",
			                    pattern_id(r->pattern), attr);
		memcpy(tok, p, n);
		tok[n] = '\0';
		struct code_token *t = &r->codes[r->ncodes];
		int reply;
		if (n == 3 && tok[0] >= '1' && tok[0] <= '5' && tok[1] == 'x' && tok[2] == 'x') {
			t->type = TOK_CLASS;
			t->value = tok[0] - '0';
		} else if (codes_extract(tok, &reply, t->enhanced) && reply && !t->enhanced[0] &&
		           n == 3) {
			t->type = TOK_REPLY;
			t->value = reply;
		} else if (codes_extract(tok, &reply, t->enhanced) && !reply && t->enhanced[0] &&
		           strcmp(tok, t->enhanced) == 0) {
			t->type = TOK_ENHANCED;
		} else {
			return sl_error_set(err, SL_EFORMAT,
			                    "pattern '%s': bad code '%s' in codes (expected 550, 5xx or 5.7.1)",
			                    pattern_id(r->pattern), tok);
		}
		r->ncodes++;
		p += n;
	}
	return 0;
}

/* reasons_new - the rules of set's "reason" entries, checked against data/reasons/ */
struct reasons *reasons_new(struct pattern_set *set, struct sl_error *err)
{
	struct reasons *r = xcalloc(1, sizeof *r);
	r->set = set;
	r->memo = xcalloc(REASONS_MEMO, sizeof *r->memo);
	size_t n = patterns_count(set, REASONS_MTA);
	r->rules = xcalloc(n ? n : 1, sizeof *r->rules);
	for (size_t i = 0; i < n; i++) {
		struct rule *ru = &r->rules[i];
		ru->pattern = patterns_at(set, REASONS_MTA, i);
		const char *id = pattern_attr(ru->pattern, "reason");
		if (!id) {
			sl_error_set(err, SL_EFORMAT, "pattern '%s': no 'reason:' attribute",
			             pattern_id(ru->pattern));
			goto fail;
		}
		long k = reason_index(id);
		if (k < 0) {
			sl_error_set(err, SL_EFORMAT,
			             "pattern '%s': unknown reason '%s' (not in data/reasons/en.txt)",
			             pattern_id(ru->pattern), id);
			goto fail;
		}
		ru->reason = codes_gen_reason_id[k];
		const char *codes = pattern_attr(ru->pattern, "codes");
		if (codes && parse_codes(ru, codes, err))
			goto fail;
		r->n++;
	}
	return r;
fail:
	reasons_free(r);
	return NULL;
}

/* reasons_free - frees r (not the pattern set) */
void reasons_free(struct reasons *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < REASONS_MEMO; i++)
		free(r->memo[i].text);
	free(r->memo);
	free(r->rules);
	free(r);
}

/* codes_allow - whether a rule's codes: admit this reply. A token the
 * caller cannot decide (the code is unknown) does not exclude the rule. */
static bool codes_allow(const struct rule *ru, int smtp_code, const char *enhanced)
{
	bool decidable = false;
	if (ru->ncodes == 0)
		return true;
	for (size_t i = 0; i < ru->ncodes; i++) {
		const struct code_token *t = &ru->codes[i];
		switch (t->type) {
		case TOK_REPLY:
			if (smtp_code) {
				decidable = true;
				if (smtp_code == t->value)
					return true;
			}
			break;
		case TOK_CLASS:
			if (smtp_code) {
				decidable = true;
				if (smtp_code / 100 == t->value)
					return true;
			} else if (enhanced[0]) {
				decidable = true;
				if (enhanced[0] - '0' == t->value)
					return true;
			}
			break;
		case TOK_ENHANCED:
			if (enhanced[0]) {
				decidable = true;
				if (strcmp(enhanced, t->enhanced) == 0)
					return true;
			}
			break;
		}
	}
	return !decidable;
}

/* multiline_code - the code of a multi-line reply ("550-5.7.1 first line"):
 * the first "NNN-" at a word start, else 0 */
static int multiline_code(const char *t, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if ((i == 0 || !isalnum((unsigned char)t[i - 1])) && t[i] >= '2' && t[i] <= '5' &&
		    isdigit((unsigned char)t[i + 1]) && isdigit((unsigned char)t[i + 2]) && t[i + 3] == '-')
			return (t[i] - '0') * 100 + (t[i + 1] - '0') * 10 + (t[i + 2] - '0');
	return 0;
}

/* marker_len - the length of a continuation line's start at t: "\n" (Exim
 * writes a reply's line breaks so) or a space (Postfix joins the lines
 * with one), then the reply's code, '-' or ' ', and an enhanced code and
 * a space if any; 0 if none starts there */
static size_t marker_len(const char *t, const char *e, int code)
{
	const char *p = t;
	if (e - p >= 2 && p[0] == '\\' && p[1] == 'n')
		p += 2;
	else if (p < e && *p == ' ')
		p++;
	else
		return 0;
	if (e - p < 4 || p[0] - '0' != code / 100 || p[1] - '0' != code / 10 % 10 ||
	    p[2] - '0' != code % 10 || (p[3] != '-' && p[3] != ' '))
		return 0;
	p += 4;
	const char *q = p;
	if (q < e && *q >= '2' && *q <= '5' && q + 1 < e && q[1] == '.') {
		q += 2;
		while (q < e && (isdigit((unsigned char)*q) || *q == '.'))
			q++;
		if (q < e && *q == ' ')
			p = q + 1;
	}
	return (size_t)(p - t);
}

/* join_lines - a multi-line reply as one line of text: each continuation
 * line's "\n550-5.7.1 " (Exim) or " 550-5.7.1 " (Postfix) becomes a space,
 * so that a phrase cut by a line break still reads whole ("not authorized
 * to\n550-5.7.1 send email directly"). The first line keeps its code.
 * Returns a malloc'd copy, or NULL when the text is no multi-line reply. */
static char *join_lines(const char *text, size_t len, size_t *out_len)
{
	int code = multiline_code(text, len);
	if (!code)
		return NULL;
	const char *first = NULL;
	for (size_t i = 0; i + 4 <= len && !first; i++)
		if (text[i] - '0' == code / 100 && text[i + 1] - '0' == code / 10 % 10 &&
		    text[i + 2] - '0' == code % 10 && text[i + 3] == '-')
			first = text + i + 4;
	char *out = xmalloc(len + 1);
	size_t n = (size_t)(first - text);
	memcpy(out, text, n);
	const char *p = first, *e = text + len;
	while (p < e) {
		size_t m = marker_len(p, e, code);
		if (m) {
			out[n++] = ' ';
			p += m;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

/* classify - the first rule, in file order, that fits the text and code */
static const char *classify_line(struct reasons *r, const char *text, size_t len,
                                 int smtp_code, const char *enhanced)
{
	struct pattern_match m;
	/* Fast path: the set's own in-order match. Only when its first hit is
	 * excluded by codes: do the later rules get tried one by one. */
	if (!patterns_match(r->set, REASONS_MTA, SL_SPAN_NULL, text, len, &m))
		return NULL;
	size_t i = 0;
	while (i < r->n && r->rules[i].pattern != m.pattern)
		i++;
	if (i == r->n)
		SL_BUG("matched reason pattern '%s' is not among the rules", pattern_id(m.pattern));
	if (codes_allow(&r->rules[i], smtp_code, enhanced))
		return r->rules[i].reason;
	for (i++; i < r->n; i++) {
		const struct rule *ru = &r->rules[i];
		if (codes_allow(ru, smtp_code, enhanced) &&
		    patterns_match_id(r->set, pattern_id(ru->pattern), text, len, &m))
			return ru->reason;
	}
	return NULL;
}

/* classify - classify_line() on the reply, its lines joined */
static const char *classify(struct reasons *r, const char *text, size_t len, int smtp_code,
                            const char *enhanced)
{
	size_t jlen;
	char *joined = text ? join_lines(text, len, &jlen) : NULL;
	if (!joined)
		return classify_line(r, text, len, smtp_code, enhanced);
	const char *reason = classify_line(r, joined, jlen, smtp_code, enhanced);
	free(joined);
	return reason;
}

/* reasons_classify - classify(), remembered for texts seen before (the
 * answer depends on nothing else) */
const char *reasons_classify(struct reasons *r, const char *text, size_t len, int smtp_code,
                             const char *enhanced)
{
	if (!enhanced)
		enhanced = "";
	size_t elen = strlen(enhanced);
	if (!text || len == 0 || len > REASONS_MEMO_TEXT || elen >= CODES_ENHANCED_MAX)
		return classify(r, text, len, smtp_code, enhanced);
	uint64_t h = sl_hash64(text, len, SL_HASH_SEED ^ (uint64_t)(unsigned)smtp_code);
	h = sl_hash64(enhanced, elen, h);
	struct memo *e = &r->memo[h % REASONS_MEMO];
	if (e->text && e->hash == h && e->len == len && e->smtp_code == smtp_code &&
	    strcmp(e->enhanced, enhanced) == 0 && memcmp(e->text, text, len) == 0)
		return e->reason;
	const char *reason = classify(r, text, len, smtp_code, enhanced);
	free(e->text);
	e->text = xstrndup(text, len);
	e->hash = h;
	e->len = len;
	e->smtp_code = smtp_code;
	memcpy(e->enhanced, enhanced, elen + 1);
	e->reason = reason;
	return reason;
}

/* reasons_text - the localized texts of a reason, English where lang lacks them */
bool reasons_text(const char *id, enum codes_lang lang, struct reason_info *out)
{
	long k = id ? reason_index(id) : -1;
	if (k < 0 || (unsigned)lang >= CODES_LANG_COUNT)
		return false;
	const char *f[3];
	for (size_t j = 0; j < 3; j++) {
		const char *t =
		        codes_gen_reason_text[((size_t)lang * codes_gen_nreasons + (size_t)k) *
		                                      codes_gen_nreason_fields + j];
		f[j] = t ? t : codes_gen_reason_text[(size_t)k * codes_gen_nreason_fields + j];
	}
	out->id = codes_gen_reason_id[k];
	out->title = f[RF_TITLE];
	out->diagnosis = f[RF_DIAGNOSIS];
	out->remedy = f[RF_REMEDY];
	return true;
}

/* reasons_count - reasons in data/reasons/en.txt */
size_t reasons_count(void)
{
	return codes_gen_nreasons;
}

/* reasons_id_at - the i-th reason id, or NULL */
const char *reasons_id_at(size_t i)
{
	return i < codes_gen_nreasons ? codes_gen_reason_id[i] : NULL;
}

/* reasons_translated - reason i has its own texts in lang */
bool reasons_translated(size_t i, enum codes_lang lang)
{
	if (i >= codes_gen_nreasons || (unsigned)lang >= CODES_LANG_COUNT)
		return false;
	for (size_t j = 0; j < codes_gen_nreason_fields; j++)
		if (!codes_gen_reason_text[((size_t)lang * codes_gen_nreasons + i) *
		                                   codes_gen_nreason_fields + j])
			return false;
	return true;
}
