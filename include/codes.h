/* codes: the reply-code knowledge base. SMTP reply codes (RFC 5321 and
 * extensions) and RFC 3463 enhanced status codes, each with class, title,
 * description, when you see it, and how to fix it (for the sender and for
 * the administrator of the answering server), in English, Japanese, Korean
 * and Chinese; pairwise comparisons built from them; localized headings.
 * The tables are generated at build time from data/codes/ (do not edit the
 * generated C). Depends on util only. */
#ifndef SMTPLOG_CODES_H
#define SMTPLOG_CODES_H

#include <stdbool.h>
#include "util.h"

enum codes_lang { CODES_EN = 0, CODES_JA, CODES_KO, CODES_ZH, CODES_LANG_COUNT };

/* "en", "ja", "ko", "zh" -> lang; also accepts locale strings such as
 * "ja_JP.UTF-8", "zh_CN", "ko". -1 if none fits. */
int codes_lang_parse(const char *s);
/* From LC_ALL, LC_MESSAGES, LANG in that order; CODES_EN if none fits. */
enum codes_lang codes_lang_from_env(void);
const char *codes_lang_name(enum codes_lang l);

enum codes_class { CODES_CLASS_2XX = 2, CODES_CLASS_3XX = 3, CODES_CLASS_4XX = 4, CODES_CLASS_5XX = 5 };

/* One code's knowledge, in one language. Strings are static. */
struct codes_info {
	const char *code;         /* "451", "4.7.1" */
	int klass;                /* 2, 3, 4 or 5 (first digit) */
	const char *class_name;   /* "Transient Negative" (localized) */
	const char *title;        /* "Local Error" (localized) */
	const char *description;
	const char *when;         /* when you see it */
	const char *fix_sender;   /* how to fix it, as the sender */
	const char *fix_admin;    /* how to fix it, as the answering server's administrator */
	bool known;               /* false: not in the table; fields give the class's generic text */
};

/* Reply code 100..599. Returns false for a code outside that range. */
bool codes_reply(int code, enum codes_lang lang, struct codes_info *out);
/* Enhanced status code "c.s.d" (class 2, 4 or 5). Exact entry if present,
 * else subject-level ("X.7.x" text for 4.7.99), else class-level. false if
 * the text is not an enhanced status code. */
bool codes_enhanced(const char *code, enum codes_lang lang, struct codes_info *out);

/* Headings and fixed phrases of pages and reports. */
enum codes_heading {
	CODES_H_DESCRIPTION, CODES_H_WHEN, CODES_H_FIX, CODES_H_FIX_SENDER, CODES_H_FIX_ADMIN,
	CODES_H_KEY_DIFFERENCES, CODES_H_WHEN_EACH, CODES_H_SUMMARY, CODES_H_CLASS,
	CODES_H_NOT_IN_TABLE, CODES_H_REASON, CODES_H_ADVICE,
	/* report */
	CODES_H_REPORT_TITLE, CODES_H_TOTALS, CODES_H_TRANSIENT, CODES_H_PERMANENT,
	CODES_H_FORWARDING, CODES_H_REJECTED, CODES_H_UNRECOGNIZED,
	/* additions: table columns and reason sections */
	CODES_H_CODE, CODES_H_TITLE, CODES_H_DIAGNOSIS, CODES_H_REMEDY,
	/* labels of the text and Markdown reports (keys report_*); JSON keys
	 * stay English. CODES_H_REPORT_FIRST..CODES_H_REPORT_LAST spans them. */
	CODES_H_REPORT_FILES, CODES_H_REPORT_FILE_LINES, CODES_H_REPORT_MORE_FILES,
	CODES_H_REPORT_PERIOD, CODES_H_REPORT_PERIOD_RANGE, CODES_H_REPORT_WHOLE_FILES,
	CODES_H_REPORT_COUNT, CODES_H_REPORT_RECEIVED, CODES_H_REPORT_DELIVERED,
	CODES_H_REPORT_OF_THEM_FORWARDED, CODES_H_REPORT_DEFERRED, CODES_H_REPORT_BOUNCED,
	CODES_H_REPORT_EXPIRED, CODES_H_REPORT_REJECTED, CODES_H_REPORT_PROBES,
	CODES_H_REPORT_POLICY, CODES_H_REPORT_NOTIFICATIONS, CODES_H_REPORT_LINES_READ,
	CODES_H_REPORT_NOT_UNDERSTOOD, CODES_H_REPORT_OTHER_PROGRAMS, CODES_H_REPORT_TRUNCATED,
	CODES_H_REPORT_TOTAL_EVENTS_MESSAGES, CODES_H_REPORT_EVENTS_MESSAGES,
	CODES_H_REPORT_EVENTS_CLIENTS, CODES_H_REPORT_DOMAINS, CODES_H_REPORT_HOSTS,
	CODES_H_REPORT_CLIENTS, CODES_H_REPORT_REPLY, CODES_H_REPORT_MEANING, CODES_H_REPORT_NONE,
	CODES_H_REPORT_NO_CODE, CODES_H_REPORT_FWD_251, CODES_H_REPORT_FWD_551,
	CODES_H_REPORT_FWD_LOCAL, CODES_H_REPORT_FWD_COPIES, CODES_H_REPORT_FWD_COPY_OUTCOMES,
	CODES_H_REPORT_FWD_TARGETS, CODES_H_REPORT_KIND_DELIVERED, CODES_H_REPORT_KIND_DEFERRED,
	CODES_H_REPORT_KIND_BOUNCED, CODES_H_REPORT_KIND_EXPIRED, CODES_H_REPORT_KIND_REJECTED,
	CODES_H_REPORT_KIND_FORWARDED, CODES_H_REPORT_KIND_PROBE, CODES_H_REPORT_KIND_POLICY,
	CODES_H_REPORT_NOTHING_DROPPED, CODES_H_REPORT_SAMPLE, CODES_H_REPORT_PROGRAM,
	CODES_H_REPORT_NO_PATTERN, CODES_H_REPORT_PROGRAM_OTHER,
	CODES_H_COUNT,
	CODES_H_REPORT_FIRST = CODES_H_REPORT_FILES,
	CODES_H_REPORT_LAST = CODES_H_REPORT_PROGRAM_OTHER
};
/* Never NULL; English where lang lacks the heading. CODES_H_NOT_IN_TABLE is a
 * template: "{code} is not in smtplog's table; ... {key}." (see data/codes/en.txt).
 * Report labels that are templates take {n} and {m} (counts) or {from} and
 * {to} (times); gencodes checks each uses exactly its own placeholders. */
const char *codes_heading(enum codes_heading h, enum codes_lang lang);

/* Writes a full explanation page / comparison page. */
enum codes_format { CODES_FMT_TEXT = 0, CODES_FMT_MARKDOWN, CODES_FMT_JSON };
void codes_explain(struct sl_buf *out, const char *const *codes, size_t ncodes,
                   enum codes_lang lang, enum codes_format fmt);
void codes_compare(struct sl_buf *out, const char *a, const char *b, enum codes_lang lang,
                   enum codes_format fmt);

/* Iteration over the whole table (for `smtplog codes` and the `codes` SQL table). */
size_t codes_count(void);
bool codes_at(size_t i, enum codes_lang lang, struct codes_info *out);

/* ---- additions (codes module) */

/* Room for an enhanced status code "5.123.123" and its NUL. */
#define CODES_ENHANCED_MAX 12
/* Finds the codes in a reply text pasted from a log or a bounce, such as
 * "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown",
 * "550-5.7.1 ...", "host mx.example.com[192.0.2.1] said: 451 4.7.1 ..." or
 * a bare "451" / "4.7.1". Sets *reply (0 if none) and enhanced ("" if none);
 * true if either was found. A reply code directly followed by an enhanced
 * code wins over an earlier lone number. */
bool codes_extract(const char *text, int *reply, char enhanced[CODES_ENHANCED_MAX]);

/* Whether row i of the table has its own text in lang (false: English is
 * shown instead). codes_untranslated counts such rows and missing headings. */
bool codes_translated(size_t i, enum codes_lang lang);
size_t codes_untranslated(enum codes_lang lang);

/* Appends s as a JSON string literal (quotes, escapes; invalid UTF-8
 * becomes U+FFFD), as the JSON pages do. */
void codes_json_string(struct sl_buf *b, const char *s);

#endif
