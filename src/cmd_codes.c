/* cmd_codes: `smtplog codes`: the knowledge base as a table, or the codes with a prefix.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"

const struct cli_option cmd_codes_options[] = {
	CLI_OPT_LANG,
	CLI_OPT_FORMAT,
	CLI_OPT_HELP,
	CLI_OPT_END,
};

/* cmd_codes_format - see cli.h */
int cmd_codes_format(const struct cli_args *a)
{
	if (!a->format || strcmp(a->format, "text") == 0)
		return CODES_FMT_TEXT;
	return strcmp(a->format, "markdown") == 0 ? CODES_FMT_MARKDOWN : CODES_FMT_JSON;
}

/* row_matches - no prefixes, or the code starts with one of them */
static bool row_matches(const char *code, char **prefixes, int n)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (sl_str_has_prefix(code, prefixes[i]))
			return true;
	return false;
}

/* cmd_codes - smtplog codes [PREFIX...] */
int cmd_codes(struct cli_args *a)
{
	enum codes_format fmt = (enum codes_format)cmd_codes_format(a);
	enum codes_lang lang = (enum codes_lang)a->lang;
	struct sl_buf out;
	int rc = CLI_EXIT_OK;
	size_t shown = 0;
	sl_buf_init(&out);
	if (fmt == CODES_FMT_JSON) {
		sl_buf_adds(&out, "{\"lang\":");
		codes_json_string(&out, codes_lang_name(lang));
		sl_buf_adds(&out, ",\"codes\":[");
	} else if (fmt == CODES_FMT_MARKDOWN) {
		sl_buf_addf(&out, "| %s | %s | %s |\n|---|---|---|\n", codes_heading(CODES_H_CODE, lang),
		            codes_heading(CODES_H_CLASS, lang), codes_heading(CODES_H_TITLE, lang));
	}
	for (size_t i = 0; i < codes_count(); i++) {
		struct codes_info ci;
		char cl[128];
		codes_at(i, lang, &ci);
		if (!row_matches(ci.code, a->operands, a->noperands))
			continue;
		snprintf(cl, sizeof cl, strchr(ci.code, '.') ? "%d.X.X %s" : "%dxx %s", ci.klass,
		         ci.class_name);
		if (fmt == CODES_FMT_JSON) {
			if (shown)
				sl_buf_addc(&out, ',');
			sl_buf_adds(&out, "{\"code\":");
			codes_json_string(&out, ci.code);
			sl_buf_addf(&out, ",\"class\":%d,\"class_name\":", ci.klass);
			codes_json_string(&out, ci.class_name);
			sl_buf_adds(&out, ",\"title\":");
			codes_json_string(&out, ci.title);
			sl_buf_adds(&out, ",\"description\":");
			codes_json_string(&out, ci.description);
			sl_buf_adds(&out, ",\"when\":");
			codes_json_string(&out, ci.when);
			sl_buf_adds(&out, ",\"fix_sender\":");
			codes_json_string(&out, ci.fix_sender);
			sl_buf_adds(&out, ",\"fix_admin\":");
			codes_json_string(&out, ci.fix_admin);
			sl_buf_addc(&out, '}');
		} else if (fmt == CODES_FMT_MARKDOWN) {
			sl_buf_addf(&out, "| %s | %s | %s |\n", ci.code, cl, ci.title);
		} else {
			sl_buf_addf(&out, "%-8s %-36s %s\n", ci.code, cl, ci.title);
		}
		shown++;
	}
	if (fmt == CODES_FMT_JSON)
		sl_buf_adds(&out, "]}\n");
	if (shown == 0 && a->noperands > 0) {
		rc = cli_usage_error(a, "no code in the table starts with '%s'", a->operands[0]);
		goto done;
	}
	rc = cli_write_out(a, &out);
done:
	sl_buf_release(&out);
	return rc;
}
