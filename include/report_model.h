/* report_model: the report as plain data, independent of SQL and of any
 * output format. report.c fills it from the database; another producer
 * (totals kept in memory) may fill it the same way. Renderers (render_*.c)
 * only read it. A section is one entry of the model: adding one touches
 * the producer, never a renderer's control flow.
 * SPDX-License-Identifier: MIT */
#ifndef SMTPLOG_REPORT_MODEL_H
#define SMTPLOG_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "codes.h"

/* How a cell is shown. Numbers are kept as double: counts stay exact up to 2^53. */
enum rm_type {
	RM_STR,      /* text from the log or a label */
	RM_INT,      /* a count */
	RM_BYTES,    /* a size in bytes */
	RM_SECS,     /* a duration in seconds */
	RM_CHANGE,   /* a relative change: 0.25 = +25%; none = no comparison */
};

#define RM_MAX_COLS 10

struct rm_col {
	const char *key;       /* stable English id: JSON member, CSV header, metric label */
	const char *label;     /* localized heading (static storage) */
	enum rm_type type;
	bool wrap;             /* text: long, printed wrapped on its own line below the row */
	bool cut;              /* text: like wrap, but one line, cut to the width */
};

struct rm_cell {
	char *s;               /* RM_STR: owned text; NULL = none */
	double v;
	bool none;             /* numbers: no value (shown "-", JSON null) */
};

enum rm_chart { RM_CHART_NONE = 0, RM_CHART_BARS };

struct rm_table {
	const char *key;       /* stable id within its section: "hourly", "domains" */
	const char *title;     /* localized subheading, or NULL */
	size_t ncols;
	struct rm_col cols[RM_MAX_COLS];
	size_t nrows, cap;
	struct rm_cell *cells; /* row-major: nrows * ncols */
	int64_t omitted;       /* rows left out (top-N); 0 = complete */
	enum rm_chart chart;   /* RM_CHART_BARS: chart columns 1.. (counts) over column 0 */
	bool vertical;         /* one row of figures: shown as "label: value" lines */
	bool noheader;         /* text: rows only (a list rather than a table) */
	int detail;            /* shown from this --detail level on */
};

struct rm_top {            /* one row of a top list inside a group */
	char *key;
	int64_t n;
};

/* Advice for a failure group: texts in static storage (codes, reasons, labels). */
struct rm_advice {
	const char *meaning_reply, *meaning_enhanced;   /* titles of the codes, or NULL */
	const char *reason_title, *diagnosis, *remedy;  /* from the reason, or NULL */
	const char *fix_sender, *fix_admin;             /* the code's, when no reason */
	const char *admin;     /* rejections: advice for the administrator of this server */
};

struct rm_group {          /* failures sharing code, enhanced code, reason and status text */
	int code;              /* 0: none */
	char *enhanced;        /* NULL: none */
	char *reason;          /* reason id, or NULL */
	char *status;          /* no-code groups: the shape of the status text, else NULL */
	char *title;           /* "451 4.7.1 greylisting" */
	int64_t count, distinct;   /* events; messages (clients for rejections) */
	const char *kind;      /* the label of its events' kind when they share one
	                          (static storage), else NULL: "expired", not "bounced" */
	struct rm_top *domains, *hosts;
	size_t ndomains, nhosts;
	char *sample;
	struct rm_advice advice;
	int advice_ref;        /* -1: advice given here; else the index in the report's
	                          advice order (rm_model.advised) of the group that gave it */
	int advice_no;         /* this group's number in that order (when advice_ref = -1) */
};

struct rm_section {
	const char *id;        /* stable English id: "totals", "traffic", "transient" */
	const char *title;     /* localized */
	char *note;            /* localized sentence under the title, or NULL (owned) */
	int detail;            /* shown from this --detail level on */
	struct rm_table *tables;
	size_t ntables;
	struct rm_group *groups;   /* failure sections */
	size_t ngroups;
	const char *distinct_key;  /* "messages" or "clients" */
	const char *hosts_key;     /* "hosts" or "clients_top" */
	const char *hosts_label, *counts_label;   /* localized; counts: "{n} events, {m} ..." */
};

/* Machine totals of a period (JSON "totals", Prometheus, --fail-on). */
struct rm_totals {
	int64_t received, delivered, forwarded, deferred, deferred_msgs, bounced, bounced_msgs;
	int64_t expired, rejected_4xx, rejected_5xx, probes, policy, notifications;
	int64_t bytes_received, bytes_delivered;
	int64_t lines, recognized, unrecognized, foreign, truncated;
	int64_t warnings, errors, fatal, panic;    /* daemon health */
	int64_t sasl, tls;                         /* SASL and TLS failures (daemon health) */
	int64_t queued;        /* deferred, unfinished at the end of the period */
};

#define RM_DELAY_BUCKETS 10
extern const double rm_delay_bounds[RM_DELAY_BUCKETS];   /* seconds, upper bounds */

struct rm_model {
	enum codes_lang lang;
	int detail;            /* 0 (first screen) .. 10 (everything) */
	const char *title;
	char *files;           /* "a.log (100 lines), +3 more files" */
	char *period;          /* "FROM to TO" */
	char *since, *until;   /* the period's bounds, ISO 8601 or NULL */
	char *prev_since, *prev_until;   /* the previous period compared with, or NULL */
	int64_t generated;     /* Unix time the report was made (SOURCE_DATE_EPOCH if set) */
	struct rm_totals t, prev;
	bool has_prev;         /* prev holds the previous period's totals */
	/* delivery delays: cumulative counts per rm_delay_bounds, sum and count */
	int64_t delay_buckets[RM_DELAY_BUCKETS];
	double delay_sum;
	int64_t delay_count;
	struct rm_section *sections;
	size_t nsections;
};

/* ---- building (report_model.c) */
struct rm_section *rm_section_add(struct rm_model *m, const char *id, const char *title,
                                  int detail);
struct rm_table *rm_table_add(struct rm_section *s, const char *key, const char *title);
void rm_col_add(struct rm_table *t, const char *key, const char *label, enum rm_type type);
/* Appends an empty row; returns its cells (ncols of them, all "none"). */
struct rm_cell *rm_row_add(struct rm_table *t);
void rm_cell_str(struct rm_cell *c, const char *s);    /* copies s; NULL = none */
void rm_cell_num(struct rm_cell *c, double v);
static inline struct rm_cell *rm_cell(const struct rm_table *t, size_t row, size_t col)
{
	return &t->cells[row * t->ncols + col];
}
struct rm_section *rm_section_find(const struct rm_model *m, const char *id);
struct rm_table *rm_table_find(const struct rm_section *s, const char *key);
/* Numbers advice once: the first group of the report with a given advice
 * gives it, later ones point back (advice_ref). Call when all groups are in. */
void rm_number_advice(struct rm_model *m);
void rm_model_free(struct rm_model *m);
/* Frees what one group owns (its texts and top lists), not g itself. */
void rm_group_release(struct rm_group *g);
/* --redact (report_redact.c): the local parts of the addresses in every
 * log-derived text of m replaced by redact's keyed tokens. */
struct redact;
void rm_model_redact(struct rm_model *m, const struct redact *r);

#endif
