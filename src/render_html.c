/* render_html: the report as one self-contained HTML page: inline CSS and
 * SVG charts, no script, no external request (a Content-Security-Policy
 * forbids them), every log-derived string escaped, plain tables with
 * attributes that mail clients render even when they drop the <style>.
 * SPDX-License-Identifier: MIT */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LH(key) report_label(key, m->lang)
#define esc render_html_escape

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5em auto;"
	"max-width:64em;padding:0 1em;color:#1b1f24;line-height:1.4}"
	"h1{font-size:1.5em;border-bottom:2px solid #1b1f24}"
	"h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #c8ccd0}"
	"h3{font-size:1em;margin:1em 0 .3em}"
	"table{border-collapse:collapse;margin:.4em 0 1em}"
	"th,td{border:1px solid #c8ccd0;padding:.2em .5em;vertical-align:top}"
	"th{background:#eef1f4;text-align:left}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"td.w{font-family:ui-monospace,monospace;font-size:.85em;word-break:break-all}"
	"p.note{color:#4a5560}.scope{color:#4a5560}"
	"section#abnormal td{color:#a40e26}"
	".group{border-left:3px solid #c8ccd0;padding-left:.8em;margin:1em 0}"
	"dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em;margin:.3em 0}"
	"dt{font-weight:600}dd{margin:0}"
	"svg{max-width:100%;height:auto}";

static const char *const palette[] = { "#3b6fb6", "#2e9c5a", "#d9a21b", "#c8452c", "#7a4fb0" };

/* id_attr - a value safe inside an id attribute: [a-z0-9_-] only */
static void id_attr(struct sl_buf *b, const char *s)
{
	for (; s && *s; s++) {
		char c = *s;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
			sl_buf_addc(b, c);
		else if (c >= 'A' && c <= 'Z')
			sl_buf_addc(b, (char)(c - 'A' + 'a'));
		else
			sl_buf_addc(b, '_');
	}
}


/* chart - grouped bars of the count columns over column 0, as inline SVG */
static void chart(struct sl_buf *b, const struct rm_table *t)
{
	enum { W = 760, H = 180, LEFT = 48, BOTTOM = 22, TOP = 20 };
	size_t nser = t->ncols - 1 > 5 ? 5 : t->ncols - 1;
	double max = 0;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 1; c <= nser; c++)
			if (rm_cell(t, r, c)->v > max)
				max = rm_cell(t, r, c)->v;
	if (t->nrows == 0 || max <= 0)
		return;
	double slot = (double)(W - LEFT) / (double)t->nrows;
	double bw = slot / (double)(nser + 1);
	sl_buf_addf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
	            " viewBox=\"0 0 %d %d\" role=\"img\" font-size=\"10\""
	            " font-family=\"sans-serif\">", W, H, W, H);
	sl_buf_adds(b, "<title>");
	esc(b, t->title ? t->title : t->key);
	sl_buf_adds(b, "</title>");
	double plot = H - BOTTOM - TOP;
	sl_buf_addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>", LEFT,
	            H - BOTTOM, W, H - BOTTOM);
	sl_buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>", LEFT - 4, TOP + 4,
	            max);
	sl_buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", LEFT - 4,
	            H - BOTTOM);
	/* a label every ~48 px */
	size_t every = (size_t)(48.0 / slot) + 1;
	for (size_t r = 0; r < t->nrows; r++) {
		double x0 = LEFT + slot * (double)r;
		for (size_t c = 1; c <= nser; c++) {
			double v = rm_cell(t, r, c)->v, h = v / max * plot;
			sl_buf_addf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
			            " fill=\"%s\"><title>", x0 + bw * (double)(c - 1) + bw / 2,
			            H - BOTTOM - h, bw, h, palette[c - 1]);
			esc(b, rm_cell(t, r, 0)->s);
			sl_buf_adds(b, " ");
			esc(b, t->cols[c].label);
			sl_buf_addf(b, ": %.0f</title></rect>", v);
		}
		if (r % every == 0) {
			sl_buf_addf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
			            x0 + slot / 2, H - 8);
			struct sl_buf k;
			sl_buf_init(&k);
			/* "2026-11-22" -> "11-22": the end of a key tells the slots apart */
			const char *key = rm_cell(t, r, 0)->s ? rm_cell(t, r, 0)->s : "";
			render_fit(&k, strlen(key) > 5 ? key + strlen(key) - 5 : key, 5, true);
			esc(b, k.data);
			sl_buf_release(&k);
			sl_buf_adds(b, "</text>");
		}
	}
	double lx = LEFT;
	for (size_t c = 1; c <= nser; c++) {
		sl_buf_addf(b, "<rect x=\"%.0f\" y=\"4\" width=\"10\" height=\"10\" fill=\"%s\"/>"
		            "<text x=\"%.0f\" y=\"13\">", lx, palette[c - 1], lx + 14);
		esc(b, t->cols[c].label);
		sl_buf_adds(b, "</text>");
		lx += 14 + 7.0 * (double)render_width(t->cols[c].label) + 16;
	}
	sl_buf_adds(b, "</svg>\n");
}

static void table(const struct rm_model *m, struct sl_buf *b, const struct rm_section *s,
                  const struct rm_table *t)
{
	if (t->title) {
		sl_buf_adds(b, "<h3>");
		esc(b, t->title);
		sl_buf_adds(b, "</h3>\n");
	}
	if (t->nrows == 0) {
		sl_buf_adds(b, "<p class=\"note\">");
		esc(b, LH("none"));
		sl_buf_adds(b, "</p>\n");
		return;
	}
	if (t->chart == RM_CHART_BARS)
		chart(b, t);
	struct sl_buf v;
	sl_buf_init(&v);
	sl_buf_addf(b, "<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\" id=\"%s-", s->id);
	id_attr(b, t->key);
	sl_buf_adds(b, "\">\n");
	if (t->vertical) {
		for (size_t c = 0; c < t->ncols; c++) {
			if (render_hidden_col(&t->cols[c]))
				continue;
			sl_buf_adds(b, "<tr><th>");
			esc(b, t->cols[c].label);
			sl_buf_adds(b, "</th><td class=\"n\" align=\"right\" data-key=\"");
			id_attr(b, t->cols[c].key);
			sl_buf_adds(b, "\">");
			sl_buf_reset(&v);
			render_value(&v, rm_cell(t, 0, c), t->cols[c].type);
			esc(b, v.data);
			sl_buf_adds(b, "</td></tr>\n");
		}
		sl_buf_adds(b, "</table>\n");
		sl_buf_release(&v);
		return;
	}
	bool show[RM_MAX_COLS];
	size_t idcol = t->ncols;
	for (size_t c = 0; c < t->ncols; c++) {
		show[c] = !render_hidden_col(&t->cols[c]) && !render_column_empty(t, c);
		if (render_hidden_col(&t->cols[c]))
			idcol = c;
	}
	sl_buf_adds(b, "<tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		if (!show[c])
			continue;
		sl_buf_adds(b, t->cols[c].type == RM_STR ? "<th>" : "<th class=\"n\" align=\"right\">");
		esc(b, t->cols[c].label);
		sl_buf_adds(b, "</th>");
	}
	sl_buf_adds(b, "</tr>\n");
	for (size_t r = 0; r < t->nrows; r++) {
		sl_buf_adds(b, "<tr");
		if (idcol < t->ncols && rm_cell(t, r, idcol)->s) {
			sl_buf_addf(b, " id=\"%s-", s->id);
			id_attr(b, rm_cell(t, r, idcol)->s);
			sl_buf_addc(b, '"');
		}
		sl_buf_addc(b, '>');
		for (size_t c = 0; c < t->ncols; c++) {
			if (!show[c])
				continue;
			sl_buf_reset(&v);
			render_value(&v, rm_cell(t, r, c), t->cols[c].type);
			if (t->cols[c].type != RM_STR)
				sl_buf_adds(b, "<td class=\"n\" align=\"right\">");
			else
				sl_buf_adds(b, t->cols[c].wrap ? "<td class=\"w\">" : "<td>");
			esc(b, v.data);
			sl_buf_adds(b, "</td>");
		}
		sl_buf_adds(b, "</tr>\n");
	}
	sl_buf_adds(b, "</table>\n");
	if (t->omitted > 0) {
		char more[96];
		snprintf(more, sizeof more, LH("more_rows"), (long long)t->omitted);
		sl_buf_adds(b, "<p class=\"note\">");
		esc(b, more);
		sl_buf_adds(b, "</p>\n");
	}
	sl_buf_release(&v);
}

static void dd(struct sl_buf *b, const char *label, const char *text)
{
	if (!text || !*text)
		return;
	sl_buf_adds(b, "<dt>");
	esc(b, label);
	sl_buf_adds(b, "</dt><dd>");
	esc(b, text);
	sl_buf_adds(b, "</dd>\n");
}

static void tops(struct sl_buf *b, const char *label, const struct rm_top *v, size_t n)
{
	struct sl_buf t;
	sl_buf_init(&t);
	render_tops(&t, v, n);
	dd(b, label, t.data);
	sl_buf_release(&t);
}

static void groups(const struct rm_model *m, struct sl_buf *b, const struct rm_section *s)
{
	struct sl_buf t;
	sl_buf_init(&t);
	for (size_t i = 0; i < s->ngroups; i++) {
		const struct rm_group *g = &s->groups[i];
		const struct rm_advice *a = &g->advice;
		sl_buf_adds(b, "<div class=\"group\"");
		if (g->advice_no >= 0)
			sl_buf_addf(b, " id=\"advice-%d\"", g->advice_no + 1);
		sl_buf_adds(b, "><h3>");
		if (g->advice_no >= 0)
			sl_buf_addf(b, "[%d] ", g->advice_no + 1);
		esc(b, g->title);
		sl_buf_reset(&t);
		sl_buf_addf(&t, s->counts_label, (long long)g->count, (long long)g->distinct);
		sl_buf_adds(b, ": ");
		esc(b, t.data);
		sl_buf_adds(b, "</h3>\n<dl>\n");
		tops(b, LH("domains"), g->domains, g->ndomains);
		tops(b, s->hosts_label, g->hosts, g->nhosts);
		dd(b, LH("reply"), g->sample);
		render_meaning(&t, g);
		dd(b, LH("meaning"), t.data);
		dd(b, LH("reason"), a->reason_title);
		if (g->advice_ref >= 0) {
			sl_buf_adds(b, "<dt>");
			esc(b, LH("advice"));
			sl_buf_addf(b, "</dt><dd><a href=\"#advice-%d\">", g->advice_ref + 1);
			sl_buf_reset(&t);
			sl_buf_addf(&t, LH("advice_see"), g->advice_ref + 1);
			esc(b, t.data);
			sl_buf_adds(b, "</a></dd>\n");
		} else {
			dd(b, LH("diagnosis"), a->diagnosis);
			dd(b, LH("remedy"), a->remedy);
			dd(b, LH("admin_advice"), a->admin);
			dd(b, LH("fix_sender"), a->fix_sender);
			dd(b, LH("fix_admin"), a->fix_admin);
		}
		sl_buf_adds(b, "</dl></div>\n");
	}
	sl_buf_release(&t);
}

static int render(const struct rm_model *m, const struct report_options *opt,
                  struct sl_buf *b, struct sl_error *err)
{
	(void)opt;
	(void)err;
	sl_buf_addf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
	            codes_lang_name(m->lang));
	sl_buf_adds(b, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
	               " style-src 'unsafe-inline'\">\n"
	               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	               "<meta name=\"generator\" content=\"smtplog " SMTPLOG_VERSION "\">\n<title>");
	esc(b, m->title);
	sl_buf_addf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
	esc(b, m->title);
	sl_buf_adds(b, "</h1>\n<p class=\"scope\">");
	esc(b, LH("files"));
	sl_buf_adds(b, ": ");
	esc(b, m->files);
	sl_buf_adds(b, "<br>\n");
	esc(b, LH("period"));
	sl_buf_adds(b, ": <span id=\"period\">");
	esc(b, m->period);
	sl_buf_adds(b, "</span>");
	if (m->has_prev) {
		sl_buf_adds(b, "<br>\n");
		esc(b, LH("compared"));
		sl_buf_adds(b, ": ");
		esc(b, m->prev_since);
		sl_buf_adds(b, " .. ");
		esc(b, m->prev_until);
	}
	sl_buf_adds(b, "</p>\n");
	for (size_t i = 0; i < m->nsections; i++) {
		const struct rm_section *s = &m->sections[i];
		if (!render_shown(m, s->detail))
			continue;
		sl_buf_addf(b, "<section id=\"%s\">\n<h2>", s->id);
		esc(b, s->title);
		sl_buf_adds(b, "</h2>\n");
		if (s->note) {
			sl_buf_adds(b, "<p class=\"note\">");
			esc(b, s->note);
			sl_buf_adds(b, "</p>\n");
		}
		if (s->distinct_key && s->ngroups == 0) {
			sl_buf_adds(b, "<p class=\"note\">");
			esc(b, LH("none"));
			sl_buf_adds(b, "</p>\n");
		}
		groups(m, b, s);
		for (size_t k = 0; k < s->ntables; k++) {
			const struct rm_table *t = &s->tables[k];
			if (render_shown(m, t->detail) && !(t->nrows == 0 && (s->note || s->distinct_key)))
				table(m, b, s, t);
		}
		sl_buf_adds(b, "</section>\n");
	}
	sl_buf_adds(b, "</body>\n</html>\n");
	return 0;
}

const struct report_renderer render_html = {
	.name = "html",
	.format = REPORT_HTML,
	.render = render,
};
