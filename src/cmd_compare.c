/* cmd_compare: `smtplog compare`: two codes side by side.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"

const struct cli_option cmd_compare_options[] = {
	CLI_OPT_LANG,
	CLI_OPT_FORMAT,
	CLI_OPT_HELP,
	CLI_OPT_END,
};

/* cmd_compare - smtplog compare CODE CODE */
int cmd_compare(struct cli_args *a)
{
	if (a->noperands != 2)
		return cli_usage_error(a, "expected two codes, got %d", a->noperands);
	char enh[2][CODES_ENHANCED_MAX];
	int reply[2];
	for (int i = 0; i < 2; i++)
		if (!codes_extract(a->operands[i], &reply[i], enh[i]))
			return cli_usage_error(a, "'%s' is not a reply code or an enhanced status code",
			                       a->operands[i]);
	/* a page comparing a code with itself would say everything twice */
	if (reply[0] == reply[1] && strcmp(enh[0], enh[1]) == 0)
		return cli_usage_error(a, "'%s' and '%s' are the same code (see 'smtplog explain %s')",
		                       a->operands[0], a->operands[1], a->operands[0]);
	struct sl_buf out;
	sl_buf_init(&out);
	codes_compare(&out, a->operands[0], a->operands[1], (enum codes_lang)a->lang,
	              (enum codes_format)cmd_codes_format(a));
	int rc = cli_write_out(a, &out);
	sl_buf_release(&out);
	return rc;
}
