/* render_util: display width, cleaning, wrapping, number formats and
 * escaping shared by the renderers (include/render.h).
 * SPDX-License-Identifier: MIT */
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

size_t render_u8_next(const unsigned char *s, size_t n, size_t i, uint32_t *cp)
{
	unsigned c = s[i];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	if (i + len > n)
		goto bad;
	for (size_t k = 1; k < len; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		goto bad;
	*cp = v;
	return len;
bad:
	*cp = 0xfffd;
	return 1;
}

/* render_cp_width - columns a code point takes in a terminal: 2 for East
 * Asian wide and fullwidth (Unicode EAW W/F), 0 for combining marks */
int render_cp_width(uint32_t cp)
{
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp == 0xfe0f)
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
	    (cp >= 0x3041 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
	    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
	    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) ||
	    (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

size_t render_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += render_u8_next(p, n, i, &cp);
		w += (size_t)render_cp_width(cp);
	}
	return w;
}

/* put_cp - append a code point as UTF-8; control characters become '?' so
 * that a log line cannot move the cursor of whoever reads the report */
static void put_cp(struct sl_buf *b, uint32_t cp)
{
	char u[4];
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		cp = cp == '\t' ? ' ' : '?';
	if (cp < 0x80) {
		sl_buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		sl_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		sl_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		sl_buf_add(b, u, 4);
	}
}

void render_clean(struct sl_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += render_u8_next(p, n, i, &cp);
		put_cp(b, cp);
	}
}

size_t render_fit(struct sl_buf *b, const char *s, size_t width, bool ascii)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), w = 0;
	size_t total = render_width((const char *)p);
	size_t ell = ascii ? 3 : 1;
	size_t room = total <= width ? width : (width > ell ? width - ell : 0);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = render_u8_next(p, n, i, &cp);
		size_t cw = (size_t)render_cp_width(cp);
		if (w + cw > room)
			break;
		put_cp(b, cp);
		w += cw;
		i += len;
	}
	if (total > width && width >= ell) {
		sl_buf_adds(b, ascii ? "..." : "\xe2\x80\xa6");
		w += ell;
	}
	return w;
}

void render_pad(struct sl_buf *b, size_t n)
{
	while (n-- > 0)
		sl_buf_addc(b, ' ');
}

/* is_closing_punct - CJK punctuation that must not start a line */
static bool is_closing_punct(uint32_t cp)
{
	switch (cp) {
	case 0x3001: case 0x3002: case 0xff0c: case 0xff0e: case 0xff1a: case 0xff1b:
	case 0xff01: case 0xff1f: case 0xff09: case 0x300d: case 0x300f: case 0x3011:
	case 0x3009: case 0x300b: case 0x30fc: case 0xff5e: case 0x2019: case 0x201d:
		return true;
	default:
		return false;
	}
}

void render_wrap(struct sl_buf *b, const char *s, size_t *col, size_t indent, size_t width)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0;
	bool line_empty = true;
	while (i < n) {
		if (p[i] == ' ' || p[i] == '\n' || p[i] == '\t') {
			i++;
			continue;
		}
		size_t end = i, w = 0, first_w = 0;
		bool wide = false, first_done = false;
		int first_class = -1;
		while (end < n && p[end] != ' ' && p[end] != '\n' && p[end] != '\t') {
			uint32_t cp;
			end += render_u8_next(p, n, end, &cp);
			int cw = render_cp_width(cp);
			w += (size_t)cw;
			/* Hangul words are separated by spaces: keep them whole */
			wide = wide || (cw == 2 && !(cp >= 0xac00 && cp <= 0xd7a3) &&
			                !(cp >= 0x1100 && cp <= 0x115f));
			if (!first_done) {
				if (first_class < 0 || is_closing_punct(cp) || (first_class == 1 && cw == 1)) {
					first_w += (size_t)cw;
					if (first_class < 0)
						first_class = cw;
				} else {
					first_done = true;
				}
			}
		}
		/* A word holding Chinese or Japanese characters may break
		 * anywhere, so it fills the line instead of moving down whole. */
		if (!line_empty && *col + 1 + (wide ? first_w : w) > width) {
			sl_buf_addc(b, '\n');
			render_pad(b, indent);
			*col = indent;
			line_empty = true;
		} else if (!line_empty) {
			sl_buf_addc(b, ' ');
			(*col)++;
		}
		while (i < end) {
			/* Break between units: one wide character, or a run of narrow
			 * ones, each with the closing punctuation that follows it. */
			size_t uend = i, uw = 0;
			uint32_t cp;
			size_t len = render_u8_next(p, n, uend, &cp);
			bool narrow = render_cp_width(cp) == 1;
			do {
				uend += len;
				uw += (size_t)render_cp_width(cp);
				if (uend >= end)
					break;
				len = render_u8_next(p, n, uend, &cp);
			} while ((narrow && render_cp_width(cp) == 1) || is_closing_punct(cp));
			if (*col + uw > width && *col > indent && indent + uw <= width) {
				sl_buf_addc(b, '\n');
				render_pad(b, indent);
				*col = indent;
			}
			while (i < uend) {
				len = render_u8_next(p, n, i, &cp);
				size_t cw = (size_t)render_cp_width(cp);
				if (*col + cw > width && *col > indent) {
					sl_buf_addc(b, '\n');
					render_pad(b, indent);
					*col = indent;
				}
				put_cp(b, cp);
				*col += cw;
				i += len;
			}
		}
		line_empty = false;
	}
}

void render_value(struct sl_buf *b, const struct rm_cell *c, enum rm_type t)
{
	if (c->none)
		return;
	double v = c->v;
	switch (t) {
	case RM_STR:
		render_clean(b, c->s);
		break;
	case RM_INT:
		sl_buf_addf(b, "%.0f", v);
		break;
	case RM_BYTES: {
		static const char units[] = "BKMGTP";
		int u = 0;
		while (fabs(v) >= 1024 && u < 5) {
			v /= 1024;
			u++;
		}
		if (u == 0)
			sl_buf_addf(b, "%.0f%c", v, units[u]);
		else
			sl_buf_addf(b, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
		break;
	}
	case RM_SECS:
		if (v < 10)
			sl_buf_addf(b, "%.1fs", v);
		else if (v < 60)
			sl_buf_addf(b, "%.0fs", v);
		else if (v < 3600)
			sl_buf_addf(b, v < 600 ? "%.1fm" : "%.0fm", v / 60);
		else if (v < 86400)
			sl_buf_addf(b, v < 36000 ? "%.1fh" : "%.0fh", v / 3600);
		else
			sl_buf_addf(b, "%.1fd", v / 86400);
		break;
	case RM_CHANGE:
		if (fabs(v) < 0.005)
			sl_buf_adds(b, "0%");
		else
			sl_buf_addf(b, "%+.0f%%", v * 100);
		break;
	}
}

void render_number(struct sl_buf *b, double v, enum rm_type t)
{
	if (!isfinite(v))
		v = 0;
	if (t == RM_INT || t == RM_BYTES || (v == floor(v) && fabs(v) < 9e15))
		sl_buf_addf(b, "%.0f", v);
	else
		sl_buf_addf(b, "%.6g", v);
}

bool render_shown(const struct rm_model *m, int detail)
{
	return detail <= m->detail;
}

bool render_hidden_col(const struct rm_col *c)
{
	return strcmp(c->key, "id") == 0;
}

void render_html_escape(struct sl_buf *b, const char *s)
{
	struct sl_buf c;
	sl_buf_init(&c);
	render_clean(&c, s ? s : "");
	for (size_t i = 0; i < c.len; i++) {
		switch (c.data[i]) {
		case '&': sl_buf_adds(b, "&amp;"); break;
		case '<': sl_buf_adds(b, "&lt;"); break;
		case '>': sl_buf_adds(b, "&gt;"); break;
		case '"': sl_buf_adds(b, "&quot;"); break;
		case '\'': sl_buf_adds(b, "&#39;"); break;
		default: sl_buf_addc(b, c.data[i]);
		}
	}
	sl_buf_release(&c);
}

bool render_column_empty(const struct rm_table *t, size_t col)
{
	if (t->cols[col].type == RM_STR)
		return false;
	for (size_t r = 0; r < t->nrows; r++)
		if (!rm_cell(t, r, col)->none)
			return false;
	return true;
}

void render_tops(struct sl_buf *t, const struct rm_top *v, size_t n)
{
	sl_buf_reset(t);
	for (size_t i = 0; i < n; i++)
		sl_buf_addf(t, "%s%s (%lld)", i ? ", " : "", v[i].key, (long long)v[i].n);
}

void render_meaning(struct sl_buf *t, const struct rm_group *g)
{
	sl_buf_reset(t);
	if (g->advice.meaning_reply)
		sl_buf_addf(t, "%d %s", g->code, g->advice.meaning_reply);
	if (g->advice.meaning_enhanced)
		sl_buf_addf(t, "%s%s %s", t->len ? "; " : "", g->enhanced, g->advice.meaning_enhanced);
}
