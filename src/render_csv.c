/* render_csv: one section of the report (--section ID, or ID.TABLE) as
 * RFC 4180 CSV: a header of stable column keys, CRLF line ends, fields
 * quoted when needed, and text cells that a spreadsheet would run as a
 * formula (starting with = + - @, a tab or a CR) prefixed with a quote
 * so they stay text. SPDX-License-Identifier: MIT */
#include "render.h"

#include <stdio.h>
#include <string.h>

static void field(struct sl_buf *b, const char *s, bool text)
{
	struct sl_buf c;
	sl_buf_init(&c);
	render_clean(&c, s ? s : "");
	bool inert = text && c.len && strchr("=+-@\t\r", c.data[0]);
	bool quote = inert || strpbrk(c.data, ",\"\r\n") != NULL;
	if (quote)
		sl_buf_addc(b, '"');
	if (inert)
		sl_buf_addc(b, '\'');
	for (size_t i = 0; i < c.len; i++) {
		if (c.data[i] == '"')
			sl_buf_addc(b, '"');
		sl_buf_addc(b, c.data[i]);
	}
	if (quote)
		sl_buf_addc(b, '"');
	sl_buf_release(&c);
}

static void table(struct sl_buf *b, const struct rm_table *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			sl_buf_addc(b, ',');
		field(b, t->cols[c].key, false);
	}
	sl_buf_adds(b, "\r\n");
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const struct rm_cell *cell = rm_cell(t, r, c);
			if (c)
				sl_buf_addc(b, ',');
			if (cell->none)
				continue;
			if (t->cols[c].type == RM_STR)
				field(b, cell->s, true);
			else
				render_number(b, cell->v, t->cols[c].type);
		}
		sl_buf_adds(b, "\r\n");
	}
}

static void groups(struct sl_buf *b, const struct rm_section *s)
{
	sl_buf_addf(b, "smtp_code,enhanced_code,reason,status,count,%s,top_domain,top_%s,"
	            "sample_reply\r\n", s->distinct_key,
	            strcmp(s->distinct_key, "clients") == 0 ? "client" : "host");
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct rm_group *g = &s->groups[i];
		if (g->code)
			sl_buf_addf(b, "%d", g->code);
		sl_buf_addc(b, ',');
		field(b, g->enhanced, true);
		sl_buf_addc(b, ',');
		field(b, g->reason, true);
		sl_buf_addc(b, ',');
		field(b, g->status, true);
		sl_buf_addf(b, ",%lld,%lld,", (long long)g->count, (long long)g->distinct);
		field(b, g->ndomains ? g->domains[0].key : NULL, true);
		sl_buf_addc(b, ',');
		field(b, g->nhosts ? g->hosts[0].key : NULL, true);
		sl_buf_addc(b, ',');
		field(b, g->sample, true);
		sl_buf_adds(b, "\r\n");
	}
}

/* choices - "totals, problems, ..., traffic.hourly, ..." for the error message */
static void choices(const struct rm_model *m, struct sl_buf *b)
{
	for (size_t i = 0; i < m->nsections; i++) {
		const struct rm_section *s = &m->sections[i];
		if (s->ngroups || s->ntables == 1 || s->distinct_key)
			sl_buf_addf(b, "%s%s", b->len ? ", " : "", s->id);
		for (size_t k = 0; s->ntables > 1 && k < s->ntables; k++)
			sl_buf_addf(b, "%s%s.%s", b->len ? ", " : "", s->id, s->tables[k].key);
	}
}

static int render(const struct rm_model *m, const struct report_options *opt,
                  struct sl_buf *b, struct sl_error *err)
{
	const char *want = opt->section ? opt->section : "";
	const char *dot = strchr(want, '.');
	size_t idlen = dot ? (size_t)(dot - want) : strlen(want);
	for (size_t i = 0; i < m->nsections; i++) {
		const struct rm_section *s = &m->sections[i];
		if (strlen(s->id) != idlen || strncmp(s->id, want, idlen) != 0)
			continue;
		if (!dot && s->distinct_key) {
			groups(b, s);
			return 0;
		}
		if (!dot && s->ntables == 1) {
			table(b, &s->tables[0]);
			return 0;
		}
		const struct rm_table *t = dot ? rm_table_find(s, dot + 1) : NULL;
		if (t) {
			table(b, t);
			return 0;
		}
	}
	struct sl_buf c;
	sl_buf_init(&c);
	choices(m, &c);
	sl_error_set(err, SL_EUSAGE, "%s '%s' (one of: %s)",
	             opt->section ? "no such section" : "csv needs --section", want, c.data);
	sl_buf_release(&c);
	return -1;
}

const struct report_renderer render_csv = {
	.name = "csv",
	.format = REPORT_CSV,
	.render = render,
};
