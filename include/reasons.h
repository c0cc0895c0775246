/* reasons: why a server refused, from the words of its reply. The same 550
 * can mean "user unknown", "relay denied", "listed on a DNS blocklist" or
 * "SPF failure", and each needs a different remedy. The rules are PCRE2
 * patterns with `mta: reason` in patterns/reasons.pat (data); the diagnosis
 * and remedy texts, in every language, live in data/reasons/. */
#ifndef SMTPLOG_REASONS_H
#define SMTPLOG_REASONS_H

#include <stdbool.h>
#include "codes.h"
#include "patterns.h"

struct reason_info {
	const char *id;          /* stable id: "greylisting", "user-unknown", "dnsbl", ... */
	const char *title;       /* localized short name */
	const char *diagnosis;   /* localized: what is going on */
	const char *remedy;      /* localized: what to do */
};

struct reasons;
/* Uses the entries of `set` whose mta is "reason" (each has a `reason:` attribute
 * naming an id of the text table); set must be compiled and outlive r. */
struct reasons *reasons_new(struct pattern_set *set, struct sl_error *err);
void reasons_free(struct reasons *r);

/* The reason id for a reply text (static string), or NULL when no rule fits.
 * smtp_code and enhanced (may be 0 / "") let rules be restricted by code. */
const char *reasons_classify(struct reasons *r, const char *text, size_t len,
                             int smtp_code, const char *enhanced);

/* Localized texts of a reason id; false if the id is unknown. */
bool reasons_text(const char *id, enum codes_lang lang, struct reason_info *out);
size_t reasons_count(void);
const char *reasons_id_at(size_t i);

/* ---- additions (reasons module) */

/* Whether reason i has its own texts in lang (false: English is shown). */
bool reasons_translated(size_t i, enum codes_lang lang);

#endif
