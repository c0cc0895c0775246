/* query_format: a result set as an aligned table, CSV (RFC 4180), TSV
 * (tab, newline and backslash escaped), JSON, JSON lines or Markdown. The
 * table is buffered to measure its columns; the others stream.
 * SPDX-License-Identifier: MIT */
#include "query.h"

#include <stdlib.h>
#include <string.h>

struct query_out {
	enum query_format fmt;
	bool header;
	FILE *out;
	int ncols;
	char **names;
	size_t nrows;        /* rows written (JSON: for the commas) */
	/* QUERY_TABLE: every cell, row-major, names first */
	char **cells;
	bool *right;         /* per cell: numbers align right */
	size_t ncells, cap;
};

static const char *const format_names[] = {
	[QUERY_TABLE] = "table", [QUERY_CSV] = "csv", [QUERY_TSV] = "tsv",
	[QUERY_JSON] = "json", [QUERY_JSONL] = "jsonl", [QUERY_MARKDOWN] = "markdown",
};

/* query_format_parse - see query.h */
int query_format_parse(const char *name)
{
	for (size_t i = 0; i < SL_ARRAY_LEN(format_names); i++)
		if (strcmp(name, format_names[i]) == 0)
			return (int)i;
	return -1;
}

/* utf8_next - the code point at *p (advancing p); invalid bytes count as one */
static unsigned utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0];
	int n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	if (c < 0x80 || c >= 0xf8) {
		*p = s + 1;
		return c;
	}
	unsigned cp = c & (0x3fu >> n);
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + 1;
			return c;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*p = s + n + 1;
	return cp;
}

/* query_text_width - see query.h (the wide ranges of Unicode's East Asian
 * Width property that Japanese, Korean and Chinese text uses) */
size_t query_text_width(const char *s)
{
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = utf8_next(&p);
		if ((c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
		    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
		    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
		    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd))
			w += 2;
		else if (c >= 0x20 && (c < 0x7f || c >= 0xa0) && !(c >= 0x300 && c <= 0x36f))
			w += 1;
	}
	return w;
}

/* query_out_new - see query.h */
struct query_out *query_out_new(enum query_format fmt, bool header, FILE *out)
{
	struct query_out *o = xcalloc(1, sizeof *o);
	o->fmt = fmt;
	o->header = header;
	o->out = out;
	return o;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void csv_field(FILE *f, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static void tsv_field(FILE *f, const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p == '\\')
			fputs("\\\\", f);
		else
			fputc(*p, f);
	}
}

static void md_field(FILE *f, const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '|')
			fputs("\\|", f);
		else if (*p == '\n' || *p == '\r')
			fputs("<br>", f);
		else
			fputc(*p, f);
	}
}

/* one line per cell in the table: newlines and tabs shown as spaces */
static char *table_cell(const char *s)
{
	char *c = xstrdup(s);
	for (char *p = c; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return c;
}

static void table_add(struct query_out *o, char *cell, bool right)
{
	if (o->ncells == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->cells = xrealloc(o->cells, o->cap * sizeof *o->cells);
		o->right = xrealloc(o->right, o->cap * sizeof *o->right);
	}
	o->cells[o->ncells] = cell;
	o->right[o->ncells++] = right;
}

/* query_out_columns - see query.h */
void query_out_columns(struct query_out *o, int n, const char *const *names)
{
	o->ncols = n;
	o->names = xcalloc((size_t)n, sizeof *o->names);
	for (int i = 0; i < n; i++)
		o->names[i] = xstrdup(names[i]);
	switch (o->fmt) {
	case QUERY_TABLE:
		for (int i = 0; i < n; i++)
			table_add(o, table_cell(names[i]), false);
		break;
	case QUERY_CSV:
	case QUERY_TSV:
		if (!o->header)
			break;
		for (int i = 0; i < n; i++) {
			if (i)
				fputc(o->fmt == QUERY_CSV ? ',' : '\t', o->out);
			(o->fmt == QUERY_CSV ? csv_field : tsv_field)(o->out, names[i]);
		}
		fputc('\n', o->out);
		break;
	case QUERY_MARKDOWN:
		fputc('|', o->out);
		for (int i = 0; i < n; i++) {
			fputc(' ', o->out);
			md_field(o->out, names[i]);
			fputs(" |", o->out);
		}
		fputs("\n|", o->out);
		for (int i = 0; i < n; i++)
			fputs("---|", o->out);
		fputc('\n', o->out);
		break;
	case QUERY_JSON:
		fputc('[', o->out);
		break;
	case QUERY_JSONL:
		break;
	}
}

/* query_out_row - see query.h */
void query_out_row(struct query_out *o, const char *const *v, const bool *numeric)
{
	FILE *f = o->out;
	switch (o->fmt) {
	case QUERY_TABLE:
		for (int i = 0; i < o->ncols; i++)
			table_add(o, table_cell(v[i] ? v[i] : "NULL"), numeric[i]);
		break;
	case QUERY_CSV:
	case QUERY_TSV:
		for (int i = 0; i < o->ncols; i++) {
			if (i)
				fputc(o->fmt == QUERY_CSV ? ',' : '\t', f);
			if (v[i])   /* NULL: an empty field */
				(o->fmt == QUERY_CSV ? csv_field : tsv_field)(f, v[i]);
		}
		fputc('\n', f);
		break;
	case QUERY_MARKDOWN:
		fputc('|', f);
		for (int i = 0; i < o->ncols; i++) {
			fputc(' ', f);
			md_field(f, v[i] ? v[i] : "NULL");
			fputs(" |", f);
		}
		fputc('\n', f);
		break;
	case QUERY_JSON:
	case QUERY_JSONL:
		if (o->fmt == QUERY_JSON)
			fputs(o->nrows ? ",\n" : "\n", f);
		fputc('{', f);
		for (int i = 0; i < o->ncols; i++) {
			if (i)
				fputc(',', f);
			json_string(f, o->names[i]);
			fputc(':', f);
			if (!v[i])
				fputs("null", f);
			else if (numeric[i])
				fputs(v[i], f);
			else
				json_string(f, v[i]);
		}
		fputs(o->fmt == QUERY_JSONL ? "}\n" : "}", f);
		break;
	}
	o->nrows++;
}

static void table_rule(FILE *f, const size_t *w, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			fputs("  ", f);
		for (size_t k = 0; k < w[i]; k++)
			fputc('-', f);
	}
	fputc('\n', f);
}

static void table_write(struct query_out *o)
{
	int n = o->ncols;
	size_t *w = xcalloc((size_t)n, sizeof *w);
	for (size_t c = 0; c < o->ncells; c++) {
		size_t cw = query_text_width(o->cells[c]);
		if (cw > w[c % (size_t)n])
			w[c % (size_t)n] = cw;
	}
	for (size_t c = o->header ? 0 : (size_t)n; c < o->ncells; c++) {
		size_t col = c % (size_t)n, pad = w[col] - query_text_width(o->cells[c]);
		if (col)
			fputs("  ", o->out);
		if (o->right[c])
			fprintf(o->out, "%*s", (int)pad, "");
		fputs(o->cells[c], o->out);
		if (!o->right[c] && col + 1 < (size_t)n)
			fprintf(o->out, "%*s", (int)pad, "");
		if (col + 1 == (size_t)n) {
			fputc('\n', o->out);
			if (c + 1 == (size_t)n && o->header)
				table_rule(o->out, w, n);
		}
	}
	free(w);
}

/* query_out_end - see query.h */
void query_out_end(struct query_out *o)
{
	if (o->fmt == QUERY_TABLE && o->ncols)
		table_write(o);
	else if (o->fmt == QUERY_JSON)
		fputs(o->nrows ? "\n]\n" : "]\n", o->out);
	for (size_t i = 0; i < o->ncells; i++)
		free(o->cells[i]);
	for (int i = 0; i < o->ncols; i++)
		free(o->names[i]);
	free(o->names);
	free(o->cells);
	free(o->right);
	free(o);
}
