/* render_text: the report as plain text for a terminal or a cron mail: at
 * most RENDER_WIDTH columns (counted in display width, so Japanese, Korean
 * and Chinese line up), control characters of log lines neutralized, bars
 * of block characters (ASCII when the locale is not UTF-8), colour only
 * when asked. SPDX-License-Identifier: MIT */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct text {
	const struct rm_model *m;
	const struct report_options *opt;
	struct sl_buf *b;
	enum codes_lang lang;
	bool ascii;
};

#define LT(key) report_label(key, x->lang)

static void sgr(struct text *x, const char *code)
{
	if (x->opt->color)
		sl_buf_addf(x->b, "\033[%sm", code);
}

static void heading(struct text *x, const char *h, char under)
{
	sl_buf_addc(x->b, '\n');
	sgr(x, "1");
	render_fit(x->b, h, RENDER_WIDTH, x->ascii);
	sgr(x, "0");
	sl_buf_addc(x->b, '\n');
	size_t w = render_width(h);
	for (size_t i = w < RENDER_WIDTH ? w : RENDER_WIDTH; i > 0; i--)
		sl_buf_addc(x->b, under);
	sl_buf_addc(x->b, '\n');
}

/* para - text wrapped at indent */
static void para(struct text *x, const char *s, size_t indent)
{
	render_pad(x->b, indent);
	size_t col = indent;
	render_wrap(x->b, s, &col, indent, RENDER_WIDTH);
	sl_buf_addc(x->b, '\n');
}


static void bar(struct text *x, double v, double max, size_t width)
{
	static const char *const eighths[] = { "", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
	                                       "\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a",
	                                       "\xe2\x96\x89" };
	if (max <= 0 || v <= 0)
		return;
	double cells = v / max * (double)width;
	size_t full = (size_t)cells;
	int frac = (int)((cells - (double)full) * 8);
	if (full == 0 && frac == 0)
		frac = 1;   /* something, however little, shows */
	for (size_t i = 0; i < full; i++)
		sl_buf_adds(x->b, x->ascii ? "#" : "\xe2\x96\x88");
	if (frac > 0)
		sl_buf_adds(x->b, x->ascii ? (frac >= 4 ? "+" : "") : eighths[frac]);
	if (x->ascii && frac > 0 && frac < 4 && full == 0)
		sl_buf_addc(x->b, '.');
}

static void table(struct text *x, const struct rm_table *t)
{
	struct sl_buf *b = x->b;
	if (t->title) {
		sl_buf_adds(b, "  ");
		sgr(x, "1");
		render_fit(b, t->title, RENDER_WIDTH - 2, x->ascii);
		sgr(x, "0");
		sl_buf_addc(b, '\n');
	}
	if (t->nrows == 0) {
		para(x, LT("none"), 4);
		return;
	}
	size_t n = t->ncols;
	bool show[RM_MAX_COLS];
	size_t w[RM_MAX_COLS];
	char **cell = xcalloc(t->nrows * n, sizeof *cell);
	for (size_t c = 0; c < n; c++) {
		show[c] = !render_hidden_col(&t->cols[c]) && !t->cols[c].wrap && !t->cols[c].cut &&
		          !render_column_empty(t, c);
		w[c] = render_width(t->cols[c].label);
		for (size_t r = 0; r < t->nrows; r++) {
			struct sl_buf v;
			sl_buf_init(&v);
			render_value(&v, rm_cell(t, r, c), t->cols[c].type);
			cell[r * n + c] = sl_buf_detach(&v);
			size_t cw = render_width(cell[r * n + c]);
			if (cw > w[c])
				w[c] = cw;
		}
	}
	if (t->vertical) {
		size_t lw = 0;
		for (size_t c = 0; c < n; c++)
			if (show[c] && render_width(t->cols[c].label) > lw)
				lw = render_width(t->cols[c].label);
		for (size_t c = 0; c < n; c++) {
			if (!show[c])
				continue;
			sl_buf_adds(b, "  ");
			size_t used = render_fit(b, t->cols[c].label, 40, x->ascii);
			render_pad(b, (lw > 40 ? 40 : lw) - used + 2);
			render_fit(b, cell[c], RENDER_WIDTH - 6 - (lw > 40 ? 40 : lw), x->ascii);
			sl_buf_addc(b, '\n');
		}
		goto out;
	}
	/* fit in the width: shrink the widest text column, then the others */
	size_t total;
	for (;;) {
		total = 2;
		size_t widest = n;
		for (size_t c = 0; c < n; c++) {
			if (!show[c])
				continue;
			total += w[c] + 2;
			if (t->cols[c].type == RM_STR && w[c] > 8 && (widest == n || w[c] > w[widest]))
				widest = c;
		}
		if (total <= RENDER_WIDTH + 2 || widest == n)
			break;
		w[widest]--;
	}
	size_t barw = 0;
	double max = 0;
	if (t->chart == RM_CHART_BARS && n > 1) {
		barw = total < RENDER_WIDTH ? RENDER_WIDTH - total : 0;
		if (barw > 40)
			barw = 40;
		if (barw < 8)
			barw = 0;
		for (size_t r = 0; r < t->nrows; r++)
			if (rm_cell(t, r, 1)->v > max)
				max = rm_cell(t, r, 1)->v;
	}
	/* header */
	if (t->noheader)
		goto rows;
	sl_buf_adds(b, "  ");
	for (size_t c = 0; c < n; c++) {
		if (!show[c])
			continue;
		struct sl_buf h;
		sl_buf_init(&h);
		size_t hw = render_fit(&h, t->cols[c].label, w[c], x->ascii);
		if (t->cols[c].type != RM_STR)
			render_pad(b, w[c] - hw);
		sl_buf_add(b, h.data, h.len);
		if (t->cols[c].type == RM_STR)
			render_pad(b, w[c] - hw);
		sl_buf_adds(b, "  ");
		sl_buf_release(&h);
	}
	while (b->len && b->data[b->len - 1] == ' ')
		b->len--;
	sl_buf_addc(b, '\n');
rows:
	for (size_t r = 0; r < t->nrows; r++) {
		size_t start = b->len;
		sl_buf_adds(b, "  ");
		for (size_t c = 0; c < n; c++) {
			if (!show[c])
				continue;
			const char *v = cell[r * n + c];
			if (t->cols[c].type != RM_STR) {
				render_pad(b, w[c] - render_width(v));
				sl_buf_adds(b, v);
			} else {
				render_pad(b, w[c] - render_fit(b, v, w[c], x->ascii));
			}
			sl_buf_adds(b, "  ");
		}
		if (barw)
			bar(x, rm_cell(t, r, 1)->v, max, barw);
		while (b->len > start && b->data[b->len - 1] == ' ')
			b->len--;
		sl_buf_addc(b, '\n');
		for (size_t c = 0; c < n; c++)
			if (t->cols[c].wrap && !rm_cell(t, r, c)->none && rm_cell(t, r, c)->s &&
			    *rm_cell(t, r, c)->s)
				para(x, rm_cell(t, r, c)->s, 6);
			else if (t->cols[c].cut && rm_cell(t, r, c)->s && *rm_cell(t, r, c)->s) {
				render_pad(b, 6);
				render_fit(b, rm_cell(t, r, c)->s, RENDER_WIDTH - 6, x->ascii);
				sl_buf_addc(b, '\n');
			}
	}
	if (t->omitted > 0) {
		char more[96];
		snprintf(more, sizeof more, LT("more_rows"), (long long)t->omitted);
		para(x, more, 4);
	}
out:
	for (size_t i = 0; i < t->nrows * n; i++)
		free(cell[i]);
	free(cell);
}

/* field - "    Label:  text", the text wrapped under itself */
static void field(struct text *x, const char *label, const char *text, size_t at)
{
	if (!text || !*text)
		return;
	struct sl_buf *b = x->b;
	sl_buf_adds(b, "    ");
	render_clean(b, label);
	sl_buf_addc(b, ':');
	size_t col = 4 + render_width(label) + 1;
	if (col < at) {
		render_pad(b, at - col);
		col = at;
	} else {
		sl_buf_addc(b, ' ');
		col++;
	}
	render_wrap(b, text, &col, col <= 40 ? col : at, RENDER_WIDTH);
	sl_buf_addc(b, '\n');
}

/* field_column - where the texts of "Label: text" fields start */
static size_t field_column(struct text *x)
{
	static const char *const keys[] = { "domains", "hosts", "clients", "reply", "meaning",
	                                    "reason", "diagnosis", "remedy", "advice",
	                                    "admin_advice" };
	size_t at = 16;
	for (size_t i = 0; i < SL_ARRAY_LEN(keys); i++) {
		size_t c = 4 + render_width(LT(keys[i])) + 2;
		if (c > at && c <= 32)
			at = c;
	}
	return at;
}

static void groups_full(struct text *x, const struct rm_section *s)
{
	struct sl_buf *b = x->b, t;
	sl_buf_init(&t);
	size_t at = field_column(x);
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct rm_group *g = &s->groups[i];
		const struct rm_advice *a = &g->advice;
		sl_buf_adds(b, i ? "\n  " : "  ");
		sl_buf_reset(&t);
		if (g->advice_no >= 0)
			sl_buf_addf(&t, "[%d] ", g->advice_no + 1);
		sl_buf_addf(&t, "%s: ", g->title);
		sl_buf_addf(&t, s->counts_label, (long long)g->count, (long long)g->distinct);
		size_t col = 2;
		sgr(x, "1");
		render_wrap(b, t.data, &col, 6, RENDER_WIDTH);
		sgr(x, "0");
		sl_buf_addc(b, '\n');
		render_tops(&t, g->domains, g->ndomains);
		field(x, LT("domains"), t.data, at);
		render_tops(&t, g->hosts, g->nhosts);
		field(x, s->hosts_label, t.data, at);
		field(x, LT("reply"), g->sample, at);
		render_meaning(&t, g);
		field(x, LT("meaning"), t.data, at);
		field(x, LT("reason"), a->reason_title, at);
		if (g->advice_ref >= 0) {
			sl_buf_reset(&t);
			sl_buf_addf(&t, LT("advice_see"), g->advice_ref + 1);
			field(x, LT("advice"), t.data, at);
			continue;
		}
		field(x, LT("diagnosis"), a->diagnosis, at);
		field(x, LT("remedy"), a->remedy, at);
		field(x, LT("admin_advice"), a->admin, at);
		if (a->fix_sender) {
			sl_buf_adds(b, "    ");
			render_clean(b, LT("fix_sender"));
			sl_buf_adds(b, ":\n");
			para(x, a->fix_sender, 6);
		}
		if (a->fix_admin) {
			sl_buf_adds(b, "    ");
			render_clean(b, LT("fix_admin"));
			sl_buf_adds(b, ":\n");
			para(x, a->fix_admin, 6);
		}
	}
	sl_buf_release(&t);
}

/* groups_compact - one line per group, the largest first */
static void groups_compact(struct text *x, const struct rm_section *s)
{
	enum { SHOWN = 8 };
	struct rm_table t;
	memset(&t, 0, sizeof t);
	t.key = "groups";
	rm_col_add(&t, "count", LT("col.events"), RM_INT);
	rm_col_add(&t, s->distinct_key, LT(strcmp(s->distinct_key, "clients") == 0 ? "col.clients"
	                                                                          : "col.messages"),
	           RM_INT);
	rm_col_add(&t, "group", LT("col.group"), RM_STR);
	rm_col_add(&t, "top", LT(strcmp(s->distinct_key, "clients") == 0 ? "col.top_client"
	                                                                 : "col.top_domain"),
	           RM_STR);
	for (size_t i = 0; i < s->ngroups && i < SHOWN; i++) {
		const struct rm_group *g = &s->groups[i];
		struct rm_cell *row = rm_row_add(&t);
		rm_cell_num(&row[0], (double)g->count);
		rm_cell_num(&row[1], (double)g->distinct);
		rm_cell_str(&row[2], g->title);
		const struct rm_top *top = strcmp(s->distinct_key, "clients") == 0
		                           ? (g->nhosts ? &g->hosts[0] : NULL)
		                           : (g->ndomains ? &g->domains[0] : NULL);
		if (top) {
			char v[300];
			snprintf(v, sizeof v, "%s (%lld)", top->key, (long long)top->n);
			rm_cell_str(&row[3], v);
		}
	}
	if (s->ngroups > SHOWN)
		t.omitted = (int64_t)(s->ngroups - SHOWN);
	table(x, &t);
	for (size_t i = 0; i < t.nrows * t.ncols; i++)
		free(t.cells[i].s);
	free(t.cells);
}

static int render(const struct rm_model *m, const struct report_options *opt,
                  struct sl_buf *out, struct sl_error *err)
{
	(void)err;
	struct text tx = { .m = m, .opt = opt, .b = out, .lang = m->lang, .ascii = opt->ascii };
	struct text *x = &tx;
	struct sl_buf *b = out;
	sgr(x, "1");
	render_clean(b, m->title);
	sgr(x, "0");
	sl_buf_addc(b, '\n');
	for (size_t i = render_width(m->title); i > 0; i--)
		sl_buf_addc(b, '=');
	sl_buf_addc(b, '\n');
	const struct {
		const char *label, *value;
	} head[] = {
		{ "files", m->files },
		{ "period", m->period },
	};
	for (size_t i = 0; i < SL_ARRAY_LEN(head); i++) {
		render_clean(b, LT(head[i].label));
		sl_buf_adds(b, ": ");
		size_t col = render_width(LT(head[i].label)) + 2;
		render_wrap(b, head[i].value, &col, 4, RENDER_WIDTH);
		sl_buf_addc(b, '\n');
	}
	if (m->has_prev) {
		render_clean(b, LT("compared"));
		sl_buf_addf(b, ": %s .. %s\n", m->prev_since, m->prev_until);
	}
	for (size_t i = 0; i < m->nsections; i++) {
		const struct rm_section *s = &m->sections[i];
		if (!render_shown(m, s->detail))
			continue;
		heading(x, s->title, '-');
		if (s->note)
			para(x, s->note, 2);
		bool abnormal = strcmp(s->id, "abnormal") == 0;
		if (s->ngroups) {
			if (m->detail >= RENDER_FULL_GROUPS)
				groups_full(x, s);
			else
				groups_compact(x, s);
		} else if (s->distinct_key) {
			para(x, LT("none"), 2);
		}
		for (size_t k = 0; k < s->ntables; k++) {
			const struct rm_table *t = &s->tables[k];
			if (!render_shown(m, t->detail) || (t->nrows == 0 && (s->note || s->ngroups ||
			                                                       s->distinct_key)))
				continue;
			if (k || s->ngroups)
				sl_buf_addc(b, '\n');
			if (abnormal)
				sgr(x, "31");
			table(x, t);
			if (abnormal)
				sgr(x, "0");
		}
	}
	return 0;
}

const struct report_renderer render_text = {
	.name = "text",
	.format = REPORT_TEXT,
	.render = render,
};
