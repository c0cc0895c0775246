/* cmd_report: `smtplog report`: the report of the whole database or of a
 * time range, read from an existing database.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "redact.h"
#include "report.h"
#include "report_model.h"
#include "store.h"

const struct cli_option cmd_report_options[] = {
	CLI_OPT_DB,
	CLI_OPT_SINCE,
	CLI_OPT_UNTIL,
	CLI_OPT_TZ,
	CLI_OPT_LANG,
	CLI_OPT_REPORT_FORMAT,
	CLI_OPT_TOP,
	CLI_OPT_WAIT,
	CLI_OPTS_REPORT,
	CLI_OPT_REDACT,
	CLI_OPT_REDACT_KEY,
	CLI_OPT_HELP,
	CLI_OPT_END,
};

/* utf8_locale - whether the locale's characters are UTF-8 (else the text
 * report draws its bars in ASCII) */
static bool utf8_locale(void)
{
	const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	for (size_t i = 0; i < SL_ARRAY_LEN(vars); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			char low[64];
			size_t n = 0;
			for (; v[n] && n + 1 < sizeof low; n++)
				low[n] = (char)(v[n] >= 'A' && v[n] <= 'Z' ? v[n] - 'A' + 'a' : v[n]);
			low[n] = '\0';
			return strstr(low, "utf-8") || strstr(low, "utf8");
		}
	}
	return false;
}

/* cmd_report_options_from - see cli.h */
void cmd_report_options_from(const struct cli_args *a, struct report_options *ro)
{
	memset(ro, 0, sizeof *ro);
	ro->lang = (enum codes_lang)a->lang;
	const struct report_renderer *r = a->format ? report_renderer_find(a->format) : NULL;
	ro->format = r ? r->format : REPORT_TEXT;
	ro->top = (int)a->top;
	ro->detail = (int)a->detail;
	ro->detail_given = a->detail >= 0;
	ro->section = a->section;
	ro->since = a->since[0] ? a->since : NULL;
	ro->until = a->until[0] ? a->until : NULL;
	ro->ascii = !utf8_locale();
	/* the bytes the per-key lists may hold (tests and tuning; see DEVELOPERS.md) */
	const char *kb = getenv("SMTPLOG_KEY_BUDGET");
	if (kb && *kb)
		ro->key_budget = (size_t)strtoull(kb, NULL, 10);
	/* colour only on a terminal, never into a file or a mail, and never
	 * when NO_COLOR is set (https://no-color.org/) */
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
	if (a->color && strcmp(a->color, "always") == 0)
		ro->color = true;
	else if (!a->color || strcmp(a->color, "auto") == 0)
		ro->color = !a->output && isatty(STDOUT_FILENO) && !(nc && *nc) &&
		            !(term && strcmp(term, "dumb") == 0);
}

/* mail_address_ok - one address, nothing that could start another header */
static bool mail_address_ok(const char *s)
{
	if (!*s || *s == '-')
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == ',' || *s == ';' || *s == 0x7f)
			return false;
	return true;
}

/* cmd_report_emit - see cli.h */
int cmd_report_emit(const struct cli_args *a, struct sqlite3 *db, const struct report_options *ro,
                    const struct redact *redact)
{
	struct rm_model m;
	struct sl_error err;
	struct sl_buf out, html, msg;
	sl_error_clear(&err);
	sl_buf_init(&out);
	sl_buf_init(&html);
	sl_buf_init(&msg);
	int status = CLI_EXIT_OK;
	bool hit = false;
	char what[160] = "";
	if (a->mail_to && !mail_address_ok(a->mail_to))
		return cli_usage_error(a, "bad --mail-to address '%s' (one address, no spaces)",
		                       a->mail_to);
	if (report_build(db, ro, &m, &err) < 0)
		return cli_fail_err(a, &err);
	if (redact)   /* before --fail-on, every format, the file and the mail */
		rm_model_redact(&m, redact);
	if (a->fail_on && report_fail_on(&m, a->fail_on, &hit, what, sizeof what, &err) < 0) {
		status = cli_fail_err(a, &err);
		goto out;
	}
	if (report_renderer_for(ro->format)->render(&m, ro, &out, &err) < 0) {
		status = cli_fail_err(a, &err);
		goto out;
	}
	if (a->mail_to) {
		/* the mail carries text and HTML whatever --format says; the text
		 * part plain (no colour), in the mail's own UTF-8 */
		struct report_options plain = *ro;
		struct sl_buf text;
		sl_buf_init(&text);
		plain.color = false;
		plain.ascii = false;
		plain.format = REPORT_TEXT;
		render_text.render(&m, &plain, &text, &err);
		plain.format = REPORT_HTML;
		render_html.render(&m, &plain, &html, &err);
		char subject[512];
		snprintf(subject, sizeof subject, "%s: %s", m.title, m.period);
		report_mime(&msg, a->mail_to, subject, text.data, html.data, m.generated);
		sl_buf_release(&text);
		if (report_sendmail(&msg, &err) < 0) {
			status = cli_fail_err(a, &err);
			goto out;
		}
	}
	if (a->output) {
		if (report_write_file(a->output, out.data, out.len, &err) < 0) {
			status = cli_fail_err(a, &err);
			goto out;
		}
	} else if (!a->mail_to) {
		status = cli_write_out(a, &out);
	}
	if (status == CLI_EXIT_OK && hit) {
		fprintf(stderr, "smtplog %s: --fail-on: %s\n", a->cmd, what);
		status = CLI_EXIT_FAIL_ON;
	}
out:
	rm_model_free(&m);
	sl_buf_release(&out);
	sl_buf_release(&html);
	sl_buf_release(&msg);
	return status;
}

/* cmd_report - smtplog report [OPTIONS] */
int cmd_report(struct cli_args *a)
{
	if (a->noperands > 0)
		return cli_usage_error(a, "unexpected argument '%s' (to read logs, use 'smtplog analyze')",
		                       a->operands[0]);
	char buf[PATH_MAX];
	int status = CLI_EXIT_OK;
	const char *path = cli_existing_db(a, buf, sizeof buf, &status);
	if (!path)
		return status;
	struct redact *r = cli_redact_open(a, path, &status);
	if (status != CLI_EXIT_OK)
		return status;
	struct store *st = cli_open_store_readonly(a, path, &status);
	if (!st) {
		redact_free(r);
		return status;
	}
	struct report_options ro;
	cmd_report_options_from(a, &ro);
	status = cmd_report_emit(a, store_db(st), &ro, r);
	redact_free(r);
	return cli_close_store(a, st, status);
}
