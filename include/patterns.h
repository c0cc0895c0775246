/* patterns: the PCRE2 patterns that turn log messages into events, as data.
 *
 * A pattern file (patterns/NAME.pat) is a list of entries separated by blank
 * lines; '#' starts a comment line. Each entry:
 *
 *   id:        postfix.delivery.status      (unique; a later file with the same id replaces it)
 *   mta:       postfix | exim | sendmail | reply | reason
 *   programs:  smtp lmtp local              (basenames after the last '/'; '*' for any)
 *   kind:      delivered | deferred | ... | status | action | arrival | ...
 *   prefilter: status=                      (a literal the message must contain; optional)
 *   regex:     ^(?<queue_id>[0-9A-Za-z]+): to=<(?<recipient>[^>]*)>...
 *   (any other key, e.g. reason:, class:, is kept as an attribute for the caller;
 *   kind: health takes category: warning | error | fatal | panic | sasl | tls |
 *   postscreen, else the severity word its status group captured)
 *
 * Named groups map to event fields by name (see patterns_field_names()); an
 * unknown group name is a load error, so a typo cannot silently lose data.
 * Patterns are matched in byte mode (no UTF), JIT-compiled, with match and
 * depth limits so a hostile line costs a bounded time. */
#ifndef SMTPLOG_PATTERNS_H
#define SMTPLOG_PATTERNS_H

#include <stdbool.h>
#include <stddef.h>
#include "util.h"

/* Event fields a named group can fill. */
enum pat_field {
	PF_QUEUE_ID, PF_SENDER, PF_RECIPIENT, PF_ORIG_RECIPIENT, PF_REMOTE_HOST,
	PF_REMOTE_IP, PF_HELO, PF_RELAY, PF_REPLY, PF_STATUS, PF_ACTION,
	PF_HEADER_MSGID, PF_NEW_QUEUE_ID, PF_FORWARD_TO, PF_PROTOCOL, PF_SMTP_CODE,
	PF_ENHANCED_CODE, PF_SIZE, PF_NRCPT, PF_DELAY,
	PF_COUNT
};

struct pattern;        /* one compiled entry */
struct pattern_set;    /* all entries, grouped by mta, in file order */

/* Result of one successful match: for each field, the captured span
 * (empty when the group did not participate). */
struct pattern_match {
	const struct pattern *pattern;
	struct sl_span field[PF_COUNT];
};

struct pattern_set *patterns_new(void);
void patterns_free(struct pattern_set *set);

/* Adds the entries of one file's text; `origin` names it in error messages
 * ("patterns/postfix.pat:42: unknown group name 'recipent'"). An entry whose
 * id already exists replaces the earlier one in place. 0 or -1 (SL_EFORMAT). */
int patterns_add_text(struct pattern_set *set, const char *origin, const char *text,
                      size_t len, struct sl_error *err);
/* Adds every *.pat file of dir, in name order. 0 or -1. */
int patterns_add_dir(struct pattern_set *set, const char *dir, struct sl_error *err);
/* Adds the copies embedded in the binary at build time; each is compiled on
 * the first line that reaches it (the test suite compiles them all). */
int patterns_add_builtin(struct pattern_set *set, struct sl_error *err);
/* Compiles everything added so far but the built-in entries (JIT waits for
 * an entry's first attempt), and builds the lists. 0 or -1. */
int patterns_compile(struct pattern_set *set, struct sl_error *err);
/* patterns_compile, the built-in entries included. 0 or -1. */
int patterns_compile_all(struct pattern_set *set, struct sl_error *err);

/* A compiled copy of set's entries of mta (all when NULL), in the same order,
 * for another thread: matching changes a set (match data, the JIT code
 * compiled on an entry's first match, counters), so each thread that
 * matches needs its own. set must be compiled; the copy is independent. */
struct pattern_set *patterns_copy(const struct pattern_set *set, const char *mta);

/* Match outcome counters, for the report's "not understood" figures. */
struct pattern_stats {
	unsigned long attempts, prefiltered_out, matches, limit_hits;
	unsigned long compiled;   /* entries compiled (built-in ones on their first attempt) */
};

/* Tries the entries of `mta` (e.g. "postfix") in order against msg, skipping
 * those whose programs list does not name `program_base` (NULL or empty
 * program_base tries all) or whose prefilter literal is absent. Returns
 * true and fills *m on the first match. A match-limit hit counts as no match. */
bool patterns_match(struct pattern_set *set, const char *mta, struct sl_span program_base,
                    const char *msg, size_t len, struct pattern_match *m);

/* Same, but tries only the one entry with this id. */
bool patterns_match_id(struct pattern_set *set, const char *id, const char *msg, size_t len,
                       struct pattern_match *m);

/* Attributes of an entry. */
const char *pattern_id(const struct pattern *p);
const char *pattern_mta(const struct pattern *p);
const char *pattern_kind(const struct pattern *p);
/* The regex source, continuation lines joined (for tests that recompile it). */
const char *pattern_regex(const struct pattern *p);
/* Any other key of the entry, or NULL. */
const char *pattern_attr(const struct pattern *p, const char *key);

/* Iteration over one mta's entries (or all when mta is NULL), in order. */
size_t patterns_count(const struct pattern_set *set, const char *mta);
const struct pattern *patterns_at(const struct pattern_set *set, const char *mta, size_t i);

const struct pattern_stats *patterns_stats(const struct pattern_set *set);
/* The group names, indexed by enum pat_field. */
const char *const *patterns_field_names(void);

#endif
