/* report_redact: --redact for the report. Every text of the model that
 * comes from the log goes through redact (src/redact.c) before any
 * renderer sees it, so all formats, --output and --mail-to share it: the
 * address columns (sender, recipient, forward_to) as addresses, every
 * other text (samples, status texts, group titles, top lists, notes) by
 * the addresses found in it.
 * SPDX-License-Identifier: MIT */
#include "report_model.h"

#include <stdlib.h>
#include <string.h>

#include "redact.h"

/* redact_str - *s replaced by its redacted copy, as a value of field */
static void redact_str(char **s, const struct redact *r, const char *field, struct sl_buf *b)
{
	if (!*s || !**s)
		return;
	sl_buf_reset(b);
	redact_field(r, field, *s, strlen(*s), b);
	free(*s);
	*s = xstrndup(b->data ? b->data : "", b->len);
}

/* rm_model_redact - see report_model.h */
void rm_model_redact(struct rm_model *m, const struct redact *r)
{
	struct sl_buf b;
	sl_buf_init(&b);
	redact_str(&m->files, r, NULL, &b);
	for (size_t s = 0; s < m->nsections; s++) {
		struct rm_section *sec = &m->sections[s];
		redact_str(&sec->note, r, NULL, &b);
		for (size_t t = 0; t < sec->ntables; t++) {
			struct rm_table *tb = &sec->tables[t];
			for (size_t row = 0; row < tb->nrows; row++)
				for (size_t c = 0; c < tb->ncols; c++)
					if (tb->cols[c].type == RM_STR)
						redact_str(&rm_cell(tb, row, c)->s, r, tb->cols[c].key, &b);
		}
		for (size_t i = 0; i < sec->ngroups; i++) {
			struct rm_group *g = &sec->groups[i];
			redact_str(&g->status, r, NULL, &b);
			redact_str(&g->title, r, NULL, &b);
			redact_str(&g->sample, r, NULL, &b);
			for (size_t k = 0; k < g->nhosts; k++)
				redact_str(&g->hosts[k].key, r, NULL, &b);
			for (size_t k = 0; k < g->ndomains; k++)
				redact_str(&g->domains[k].key, r, NULL, &b);
		}
	}
	sl_buf_release(&b);
}
