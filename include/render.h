/* render: what the report's renderers (render_*.c) share: display width of
 * UTF-8 text (East Asian wide characters take two columns), cleaning of
 * control characters, wrapping, number formats, escaping. Depends on util
 * and the report model only. */
#ifndef SMTPLOG_RENDER_H
#define SMTPLOG_RENDER_H

#include <stdint.h>
#include "report.h"
#include "util.h"

#define RENDER_WIDTH 80              /* text lines never get wider */
#define RENDER_FULL_GROUPS 7         /* --detail from which groups show all fields */

/* The code point at s[i..n) and its length; invalid bytes give U+FFFD, length 1. */
size_t render_u8_next(const unsigned char *s, size_t n, size_t i, uint32_t *cp);
int render_cp_width(uint32_t cp);     /* 0, 1 or 2 columns */
size_t render_width(const char *s);   /* display columns of s */
/* Appends s with control characters (C0, DEL, C1: terminal escapes) as '?'
 * and invalid UTF-8 as U+FFFD. */
void render_clean(struct sl_buf *b, const char *s);
/* Appends s cleaned, cut to at most width columns (ending in an ellipsis,
 * "..." when ascii); returns the columns written. */
size_t render_fit(struct sl_buf *b, const char *s, size_t width, bool ascii);
/* Appends s cleaned at column *col, breaking lines at spaces (or between
 * wide characters) before width; continuation lines start at indent. */
void render_wrap(struct sl_buf *b, const char *s, size_t *col, size_t indent, size_t width);
void render_pad(struct sl_buf *b, size_t n);

/* A cell as people read it: counts as digits, bytes as "1.2M", seconds as
 * "3.1s"/"12m"/"2.5h", changes as "+12%"; "" for none. */
void render_value(struct sl_buf *b, const struct rm_cell *c, enum rm_type t);
/* A number as JSON, Prometheus and CSV write it: integers without a
 * fraction, others with up to 6 significant digits after the point. */
void render_number(struct sl_buf *b, double v, enum rm_type t);

bool render_shown(const struct rm_model *m, int detail);   /* detail <= m->detail */
/* Whether a column is for machines only (the stable "id" column). */
bool render_hidden_col(const struct rm_col *c);

/* A number column with no value in any row (a comparison that does not
 * exist): the human formats leave it out. */
bool render_column_empty(const struct rm_table *t, size_t col);
/* "example.org (12), example.net (3)" of a top list, into t (reset first). */
void render_tops(struct sl_buf *t, const struct rm_top *v, size_t n);
/* "451 Local Error; 4.7.1 Delivery not authorized" of a group, into t (reset first). */
void render_meaning(struct sl_buf *t, const struct rm_group *g);

void render_html_escape(struct sl_buf *b, const char *s);  /* & < > " ' */

#endif
