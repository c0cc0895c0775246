/* report: reads the database (the views of the README's schema) into a
 * report of one run or one time range, and writes it as text, Markdown
 * or JSON. Advice comes from codes and reasons, the same knowledge as
 * `smtplog explain`. */
#ifndef SMTPLOG_REPORT_H
#define SMTPLOG_REPORT_H

#include <stdint.h>
#include "codes.h"
#include "util.h"

struct sqlite3;

enum report_format { REPORT_TEXT = 0, REPORT_MARKDOWN, REPORT_JSON };

struct report_options {
	enum codes_lang lang;
	enum report_format format;
	int top;                       /* rows per top-N list; 0 = 5 */
	const int64_t *source_ids;     /* report on these sources only; NULL = all */
	size_t nsources;
	const char *since, *until;     /* ISO 8601 bounds on event time; NULL = open */
};

int report_write(struct sqlite3 *db, const struct report_options *opt, struct sl_buf *out,
                 struct sl_error *err);

#endif
