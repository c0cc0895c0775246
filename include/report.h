/* report: reads the database (the views of docs/schema.md) into the report
 * model (include/report_model.h) for one run or one time range, and hands
 * it to a renderer: text, Markdown, HTML, JSON, CSV or Prometheus, one file
 * each (src/render_*.c) behind struct report_renderer. Advice comes from
 * codes, reasons and the report's own texts (data/report/), the same
 * knowledge as `smtplog explain`. */
#ifndef SMTPLOG_REPORT_H
#define SMTPLOG_REPORT_H

#include <stdint.h>
#include "codes.h"
#include "report_model.h"
#include "util.h"

struct sqlite3;

enum report_format {
	REPORT_TEXT = 0, REPORT_MARKDOWN, REPORT_JSON, REPORT_HTML, REPORT_CSV, REPORT_PROMETHEUS,
	REPORT_FORMAT_COUNT
};

#define REPORT_DETAIL_DEFAULT 5   /* --detail: 0 first screen only .. 10 everything */
#define REPORT_DETAIL_MAX 10

struct report_options {
	enum codes_lang lang;
	enum report_format format;
	int top;                       /* rows per top-N list; 0 = 5 */
	int detail;                    /* 0..10, used when detail_given */
	bool detail_given;             /* else REPORT_DETAIL_DEFAULT */
	const char *section;           /* csv: the section id (and ".table"), or NULL */
	bool color;                    /* text: ANSI colours */
	bool ascii;                    /* text: no block characters (the locale is not UTF-8) */
	const int64_t *source_ids;     /* report on these sources only; NULL = all */
	size_t nsources;
	const char *since, *until;     /* ISO 8601 bounds on event time; NULL = open */
	bool events_only;              /* read the events, not the summary tables (tests) */
	bool parallel;                 /* a second connection reads what this one does (analyze's
	                                  reader: no other writer): count keys beside */
	size_t key_budget;             /* bytes for the per-key lists; 0 = REPORT_KEYS_BUDGET,
	                                  1 = none (every list from SQL: tests) */
	struct report_keys_job *keys_job;   /* the key passes, started by report_keys_start
	                                       with these options: report_build takes their
	                                       lists (the caller still frees the job) */
};

/* The per-key sections' passes (volume, domains, relays, senders,
 * recipients) need no index: they read the rows in order. analyze starts
 * them as soon as its rows are committed, on a read connection of their own
 * to db's file and a thread, while it builds the report's indexes; db (a
 * connection to a file in WAL mode) is only read to set the period up. The
 * caller guarantees that no row changes until the report is built (only
 * indexes may be added), so both connections read the same rows. NULL if
 * they cannot start (report_build then counts them itself). Free with
 * report_keys_job_free (waits for the thread) after report_build. */
struct report_keys_job;
struct report_keys_job *report_keys_start(struct sqlite3 *db, const struct report_options *opt);
void report_keys_job_free(struct report_keys_job *j);

/* The SQL functions the report's queries call (smtplog_reply_shape: a
 * reply's shape, src/shape.c) on db, for report_build and for tests that
 * run its SQL. SQLITE_OK or an SQLite error code. */
int report_register_functions(struct sqlite3 *db);

/* Fills m (zeroed first) from the database; 0, or -1 with err (SL_EUSAGE for
 * a bad bound, SL_EDB). On error m is freed. Free with rm_model_free. */
int report_build(struct sqlite3 *db, const struct report_options *opt, struct rm_model *m,
                 struct sl_error *err);

/* One output format. render appends to out; -1 with err (SL_EUSAGE: csv
 * without a known --section). */
struct report_renderer {
	const char *name;              /* --format value */
	enum report_format format;
	int (*render)(const struct rm_model *m, const struct report_options *opt,
	              struct sl_buf *out, struct sl_error *err);
};
extern const struct report_renderer render_text, render_markdown, render_json, render_html,
                                    render_csv, render_prometheus;
/* By --format name, or NULL; report_renderer_for by enum (never NULL). */
const struct report_renderer *report_renderer_find(const char *name);
const struct report_renderer *report_renderer_for(enum report_format f);

/* report_build, then the renderer of opt->format. */
int report_write(struct sqlite3 *db, const struct report_options *opt, struct sl_buf *out,
                 struct sl_error *err);

/* --fail-on EXPR: "NAME>N" terms joined by ',' (any term true fails), NAME
 * one of received delivered deferred bounced expired rejected permanent
 * transient unrecognized truncated warnings errors fatal panic queued.
 * 0 with *hit set (and what, when hit, naming the term), or -1 with err
 * (SL_EUSAGE) for a bad expression. */
int report_fail_on(const struct rm_model *m, const char *expr, bool *hit, char *what,
                   size_t whatsz, struct sl_error *err);

/* Localized label of the report by key (data/report/LANG.txt); English when
 * lang lacks it. Never NULL: an unknown key is a bug. */
const char *report_label(const char *key, enum codes_lang lang);
/* The same, NULL for a key English lacks (optional texts: admin advice). */
const char *report_label_opt(const char *key, enum codes_lang lang);
/* Whether lang has its own text for key; the keys, for tests. */
bool report_label_translated(const char *key, enum codes_lang lang);
size_t report_label_count(void);
const char *report_label_key_at(size_t i);

/* ---- delivery (report_deliver.c) */
/* data to path through a temporary file in the same directory, fsync and
 * rename: readers see the old file or the new one. 0 or -1 (SL_EIO). */
int report_write_file(const char *path, const char *data, size_t len, struct sl_error *err);
/* "Subject: ..." with RFC 2047 encoded words when text is not ASCII. */
void report_subject_header(struct sl_buf *b, const char *text);
/* A MIME multipart/alternative message of the text and HTML reports. */
void report_mime(struct sl_buf *b, const char *to, const char *subject, const char *text,
                 const char *html, int64_t now);
/* Pipes msg to `$SMTPLOG_SENDMAIL -t -oi` (default /usr/sbin/sendmail). */
int report_sendmail(const struct sl_buf *msg, struct sl_error *err);

/* report_table_rows - every row of the prepared statement s into t, column i
 * of s into column i of t (NULL left empty); the last sqlite3_step code,
 * SQLITE_DONE when all were read. For the section modules. */
struct sqlite3_stmt;
struct rm_table;
int report_table_rows(struct sqlite3_stmt *s, struct rm_table *t);

/* The daemon-health section (report_health.c) from the health table, when
 * the database has one: fills s and the totals' warnings/errors/fatal/panic.
 * src_in: "(1,2)" or NULL; since/until: bounds ("" when open). 0 or -1. */
int report_health(struct sqlite3 *db, struct sl_error *err, enum codes_lang lang, int top,
                  const char *src_in, const char *since, const char *until,
                  struct rm_totals *t, struct rm_section *s);

/* The per-key sections (report_keys.c): volume, domains, relays, senders
 * and recipients, counted in memory (key_tally.h) in one pass over the
 * messages and one over the events of the period, where one SQL GROUP BY a
 * list cost a sort each. A pass whose keys outgrow the budget goes on
 * through partition files by key; only when one cannot be made, or a
 * partition split twice still outgrows it, is the pass dropped (ok false)
 * and its sections read with SQL: the same numbers. */
struct report_key_row {
	char *key;                 /* NUL-terminated, len bytes before it */
	uint32_t len;
	int64_t v[6];
	uint32_t set;              /* bit i: v[i] is a sum with a value (else SQL's NULL) */
	bool has_delays;           /* the deliveries' delays below were counted */
	double delay_avg, delay_p95, delay_max;   /* NAN: no delivery with a delay */
};
struct report_key_list {       /* the top rows, ranked as the SQL lists are */
	struct report_key_row *rows;
	size_t nrows;
	int64_t keys;              /* keys in all */
};
enum report_key_lists {
	/* messages: v0 messages, v1 bytes */
	RK_SENDERS, RK_SENDERS_BY_SIZE, RK_SENDING_DOMAINS, RK_SENDING_HOSTS,
	/* deliveries: v0 deliveries, v1 bytes */
	RK_RECIPIENTS, RK_RECIPIENTS_BY_SIZE,
	/* delivery events: v0 events, v1 delivered, v2 deferred, v3 bounced, v4 bytes,
	 * v5 deliveries with a delay */
	RK_DOMAINS, RK_RELAYS,
	RK_LIST_COUNT
};
struct report_keys {
	bool messages_ok, events_ok;
	unsigned parts;            /* partitions counted one by one (0: all in memory) */
	int64_t bytes_received, bytes_delivered;
	int64_t senders, sender_domains, recipients, recipient_domains;   /* distinct */
	struct report_key_list list[RK_LIST_COUNT];
};
#define REPORT_KEYS_BUDGET (16u << 20)   /* bytes of keys held at once */
/* msgs: rows of (sender, sender_domain, sending host, size) of the mail
 * received; events: rows of (kind, recipient, recipient_domain, relay, size,
 * delay) of the delivery events (not hand-offs); delays: rows of
 * (recipient_domain, relay, delay) of the deliveries with a delay, for the
 * average, 95th percentile (SQL's cume_dist() >= 0.95) and maximum of the
 * listed domains and relays. Steps all three (finalizing none); 0, or the
 * failing sqlite3_step code. top: rows kept per list. */
int report_keys_count(struct sqlite3_stmt *msgs, struct sqlite3_stmt *events,
                      struct sqlite3_stmt *delays, int top, size_t budget,
                      struct report_keys *k);
void report_keys_free(struct report_keys *k);

/* The failure groups of one section (transient, permanent, rejected)
 * counted in one pass (report_groups.c) instead of SQL's GROUP BY and
 * window sorts, with the same numbers and order. rows: (smtp_code,
 * enhanced_code, reason, reply, kind, id, the value counted distinct, the
 * recipient domain, the host key), for rejections also (the client's HELO,
 * the sender as listed: '<>' for the null one). */
#define REPORT_SHAPE_MAX 64        /* bytes of a no-code group's status text */
struct report_group_key {
	char *key, *helo;          /* helo: the largest (SQL's max()), clients only */
	int64_t n;
};
struct report_group_counts {
	bool ok;                   /* counted within the budget; else ask SQL */
	struct rm_group *groups;   /* by count desc, code, enhanced code, reason, status;
	                              title, kind label and advice left to the caller */
	char **kinds;              /* per group: its events' kind when all share one */
	size_t ngroups;
	struct report_group_key *clients, *senders;   /* rejections: the top lists */
	size_t nclients, nsenders;
};
/* Steps rows (not finalized); 0 (out->ok false when budget bytes could not
 * hold the groups and their keys), or the failing sqlite3_step code. */
int report_groups_count(struct sqlite3_stmt *rows, bool rejected, int top, size_t budget,
                        struct report_group_counts *out);
void report_group_counts_free(struct report_group_counts *gc);

/* The summary tables (report_summary.c) answer a period whose bounds are
 * open or whole hours ("" when open; a date or "…T06:00:00"), while they
 * are complete; the report reads the events otherwise. src_in as above. */
bool report_summary_usable(struct sqlite3 *db, const char *since, const char *until);
/* Every total but deferred_msgs and bounced_msgs (distinct messages). */
int report_summary_totals(struct sqlite3 *db, struct sl_error *err, const char *src_in,
                          const char *since, const char *until, struct rm_totals *t);
/* Per hour ("YYYY-MM-DDTHH") with events or received mail: add(ctx, hour,
 * col, n), col 0..4 = received, delivered, deferred, bounced, rejected. */
int report_summary_traffic(struct sqlite3 *db, struct sl_error *err, const char *src_in,
                           const char *since, const char *until,
                           void (*add)(void *ctx, const char *hour, int col, int64_t n),
                           void *ctx);
/* The delays of deliveries (or deferrals), ascending: add(ctx, delay, how many). */
int report_summary_delays(struct sqlite3 *db, struct sl_error *err, const char *src_in,
                          const char *since, const char *until, bool deferred,
                          void (*add)(void *ctx, double delay, int64_t n), void *ctx);

#endif
