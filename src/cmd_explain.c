/* cmd_explain: `smtplog explain`: what reply codes and enhanced status codes mean, and the
 * reason in a pasted reply (reasons).
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "patterns.h"
#include "reasons.h"

const struct cli_option cmd_explain_options[] = {
	CLI_OPT_LANG,
	CLI_OPT_FORMAT,
	CLI_OPT_HELP,
	CLI_OPT_END,
};

/* is_bare_code - the whole argument is one reply code or enhanced code */
static bool is_bare_code(const char *s)
{
	int reply;
	char enh[CODES_ENHANCED_MAX], num[8];
	if (!codes_extract(s, &reply, enh) || (reply && enh[0]))
		return false;
	if (reply) {
		snprintf(num, sizeof num, "%d", reply);
		return strcmp(num, s) == 0;
	}
	return strcmp(enh, s) == 0;
}

/* add_reason - the reason section for a pasted reply, if a rule fits */
static void add_reason(struct sl_buf *out, const char *text, enum codes_lang lang,
                       enum codes_format fmt)
{
	struct sl_error err;
	struct reason_info ri;
	struct pattern_set *set = patterns_new();
	struct reasons *r = NULL;
	sl_error_clear(&err);
	if (patterns_add_builtin(set, &err) || patterns_compile(set, &err))
		goto out;   /* the built-in patterns are tested; without them there is no reason */
	r = reasons_new(set, &err);
	if (!r)
		goto out;
	int reply;
	char enh[CODES_ENHANCED_MAX];
	codes_extract(text, &reply, enh);
	const char *id = reasons_classify(r, text, strlen(text), reply, enh);
	if (!id || !reasons_text(id, lang, &ri))
		goto out;
	if (fmt == CODES_FMT_JSON) {
		/* codes_explain's JSON object ends in "}\n": add a member before it */
		if (out->len < 2 || out->data[out->len - 2] != '}')
			SL_BUG("unexpected end of the explain JSON");
		out->len -= 2;
		sl_buf_adds(out, ",\"reason\":{\"id\":");
		codes_json_string(out, ri.id);
		sl_buf_adds(out, ",\"title\":");
		codes_json_string(out, ri.title);
		sl_buf_adds(out, ",\"diagnosis\":");
		codes_json_string(out, ri.diagnosis);
		sl_buf_adds(out, ",\"remedy\":");
		codes_json_string(out, ri.remedy);
		sl_buf_adds(out, "}}\n");
	} else if (fmt == CODES_FMT_MARKDOWN) {
		sl_buf_addf(out, "\n## %s: %s\n\n### %s\n\n%s\n\n### %s\n\n%s\n",
		            codes_heading(CODES_H_REASON, lang), ri.title,
		            codes_heading(CODES_H_DIAGNOSIS, lang), ri.diagnosis,
		            codes_heading(CODES_H_REMEDY, lang), ri.remedy);
	} else {
		sl_buf_addf(out, "\n%s: %s\n\n%s\n%s\n\n%s\n%s\n", codes_heading(CODES_H_REASON, lang),
		            ri.title, codes_heading(CODES_H_DIAGNOSIS, lang), ri.diagnosis,
		            codes_heading(CODES_H_REMEDY, lang), ri.remedy);
	}
out:
	reasons_free(r);
	patterns_free(set);
}

/* cmd_explain - smtplog explain CODE... | REPLY-TEXT */
int cmd_explain(struct cli_args *a)
{
	enum codes_format fmt = (enum codes_format)cmd_codes_format(a);
	struct sl_buf out, line;
	int rc = CLI_EXIT_OK;
	sl_buf_init(&out);
	sl_buf_init(&line);
	if (a->noperands == 0) {
		rc = cli_usage_error(a, "expected a code or a reply text");
		goto done;
	}
	bool all_codes = true;
	for (int i = 0; i < a->noperands; i++)
		all_codes &= is_bare_code(a->operands[i]);
	if (all_codes) {
		codes_explain(&out, (const char *const *)a->operands, (size_t)a->noperands,
		              (enum codes_lang)a->lang, fmt);
	} else {
		/* a reply, quoted or not: "550 5.1.1 <bob@...>: Recipient address rejected" */
		for (int i = 0; i < a->noperands; i++) {
			if (i)
				sl_buf_addc(&line, ' ');
			sl_buf_adds(&line, a->operands[i]);
		}
		int reply;
		char enh[CODES_ENHANCED_MAX];
		if (!codes_extract(line.data, &reply, enh)) {
			rc = cli_usage_error(a, "'%s' holds no reply code or enhanced status code",
			                     line.data);
			goto done;
		}
		const char *one[1] = { line.data };
		codes_explain(&out, one, 1, (enum codes_lang)a->lang, fmt);
		add_reason(&out, line.data, (enum codes_lang)a->lang, fmt);
	}
	rc = cli_write_out(a, &out);
done:
	sl_buf_release(&out);
	sl_buf_release(&line);
	return rc;
}

