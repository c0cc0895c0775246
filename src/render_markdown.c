/* render_markdown: the report as GitHub-flavoured Markdown: headings, pipe
 * tables, every log-derived string escaped so that it cannot open a link,
 * an image, HTML or a table cell. SPDX-License-Identifier: MIT */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LM(key) report_label(key, m->lang)

/* md - s with Markdown's special characters escaped, and no line breaks */
static void md(struct sl_buf *b, const char *s)
{
	struct sl_buf c;
	sl_buf_init(&c);
	render_clean(&c, s ? s : "");
	for (size_t i = 0; i < c.len; i++) {
		char ch = c.data[i];
		if (strchr("\\`*_[]<>|#~!&{}", ch))
			sl_buf_addc(b, '\\');
		sl_buf_addc(b, ch);
	}
	sl_buf_release(&c);
}


static void table(const struct rm_model *m, struct sl_buf *b, const struct rm_table *t)
{
	if (t->title) {
		sl_buf_adds(b, "\n### ");
		md(b, t->title);
		sl_buf_addc(b, '\n');
	}
	sl_buf_addc(b, '\n');
	if (t->nrows == 0) {
		md(b, LM("none"));
		sl_buf_addc(b, '\n');
		return;
	}
	struct sl_buf v;
	sl_buf_init(&v);
	if (t->vertical) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (render_hidden_col(&t->cols[c]))
				continue;
			sl_buf_adds(b, "- ");
			md(b, t->cols[c].label);
			sl_buf_adds(b, ": ");
			sl_buf_reset(&v);
			render_value(&v, rm_cell(t, 0, c), t->cols[c].type);
			md(b, v.data);
			sl_buf_addc(b, '\n');
		}
		sl_buf_release(&v);
		return;
	}
	bool show[RM_MAX_COLS];
	for (size_t c = 0; c < t->ncols; c++)
		show[c] = !render_hidden_col(&t->cols[c]) && !render_column_empty(t, c);
	sl_buf_addc(b, '|');
	for (size_t c = 0; c < t->ncols; c++)
		if (show[c]) {
			sl_buf_addc(b, ' ');
			md(b, t->cols[c].label);
			sl_buf_adds(b, " |");
		}
	sl_buf_adds(b, "\n|");
	for (size_t c = 0; c < t->ncols; c++)
		if (show[c])
			sl_buf_adds(b, t->cols[c].type == RM_STR ? "---|" : "---:|");
	sl_buf_addc(b, '\n');
	for (size_t r = 0; r < t->nrows; r++) {
		sl_buf_addc(b, '|');
		for (size_t c = 0; c < t->ncols; c++) {
			if (!show[c])
				continue;
			sl_buf_reset(&v);
			render_value(&v, rm_cell(t, r, c), t->cols[c].type);
			sl_buf_addc(b, ' ');
			md(b, v.data);
			sl_buf_adds(b, " |");
		}
		sl_buf_addc(b, '\n');
	}
	if (t->omitted > 0) {
		char more[96];
		snprintf(more, sizeof more, LM("more_rows"), (long long)t->omitted);
		sl_buf_addc(b, '\n');
		md(b, more);
		sl_buf_addc(b, '\n');
	}
	sl_buf_release(&v);
}

static void field(struct sl_buf *b, const char *label, const char *text)
{
	if (!text || !*text)
		return;
	sl_buf_adds(b, "- **");
	md(b, label);
	sl_buf_adds(b, ":** ");
	md(b, text);
	sl_buf_addc(b, '\n');
}

static void tops(struct sl_buf *b, const char *label, const struct rm_top *v, size_t n)
{
	if (!n)
		return;
	struct sl_buf t;
	sl_buf_init(&t);
	render_tops(&t, v, n);
	field(b, label, t.data);
	sl_buf_release(&t);
}

static void groups(const struct rm_model *m, struct sl_buf *b, const struct rm_section *s)
{
	struct sl_buf t;
	sl_buf_init(&t);
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct rm_group *g = &s->groups[i];
		const struct rm_advice *a = &g->advice;
		sl_buf_adds(b, "\n### ");
		if (g->advice_no >= 0)
			sl_buf_addf(b, "\\[%d\\] ", g->advice_no + 1);
		md(b, g->title);
		sl_buf_reset(&t);
		sl_buf_addf(&t, s->counts_label, (long long)g->count, (long long)g->distinct);
		sl_buf_adds(b, ": ");
		md(b, t.data);
		sl_buf_adds(b, "\n\n");
		tops(b, LM("domains"), g->domains, g->ndomains);
		tops(b, s->hosts_label, g->hosts, g->nhosts);
		field(b, LM("reply"), g->sample);
		render_meaning(&t, g);
		field(b, LM("meaning"), t.data);
		field(b, LM("reason"), a->reason_title);
		if (g->advice_ref >= 0) {
			sl_buf_reset(&t);
			sl_buf_addf(&t, LM("advice_see"), g->advice_ref + 1);
			field(b, LM("advice"), t.data);
			continue;
		}
		field(b, LM("diagnosis"), a->diagnosis);
		field(b, LM("remedy"), a->remedy);
		field(b, LM("admin_advice"), a->admin);
		field(b, LM("fix_sender"), a->fix_sender);
		field(b, LM("fix_admin"), a->fix_admin);
	}
	sl_buf_release(&t);
}

static int render(const struct rm_model *m, const struct report_options *opt,
                  struct sl_buf *b, struct sl_error *err)
{
	(void)opt;
	(void)err;
	sl_buf_adds(b, "# ");
	md(b, m->title);
	sl_buf_adds(b, "\n\n- ");
	md(b, LM("files"));
	sl_buf_adds(b, ": ");
	md(b, m->files);
	sl_buf_adds(b, "\n- ");
	md(b, LM("period"));
	sl_buf_adds(b, ": ");
	md(b, m->period);
	sl_buf_addc(b, '\n');
	if (m->has_prev) {
		sl_buf_adds(b, "- ");
		md(b, LM("compared"));
		sl_buf_adds(b, ": ");
		md(b, m->prev_since);
		sl_buf_adds(b, " .. ");
		md(b, m->prev_until);
		sl_buf_addc(b, '\n');
	}
	for (size_t i = 0; i < m->nsections; i++) {
		const struct rm_section *s = &m->sections[i];
		if (!render_shown(m, s->detail))
			continue;
		sl_buf_adds(b, "\n## ");
		md(b, s->title);
		sl_buf_addc(b, '\n');
		if (s->note) {
			sl_buf_addc(b, '\n');
			md(b, s->note);
			sl_buf_addc(b, '\n');
		}
		if (s->distinct_key && s->ngroups == 0) {
			sl_buf_addc(b, '\n');
			md(b, LM("none"));
			sl_buf_addc(b, '\n');
		}
		groups(m, b, s);
		for (size_t k = 0; k < s->ntables; k++) {
			const struct rm_table *t = &s->tables[k];
			if (render_shown(m, t->detail) && !(t->nrows == 0 && (s->note || s->distinct_key)))
				table(m, b, t);
		}
	}
	return 0;
}

const struct report_renderer render_markdown = {
	.name = "markdown",
	.format = REPORT_MARKDOWN,
	.render = render,
};
