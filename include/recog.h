/* recog: one parsed log line -> an event, by the patterns of the MTA that
 * wrote it. The MTA is decided line by line from the program name (or the
 * native format), so mixed files work; each MTA is a vtable in a registry. */
#ifndef SMTPLOG_RECOG_H
#define SMTPLOG_RECOG_H

#include "event.h"
#include "logline.h"
#include "patterns.h"

enum recog_result {
	RECOG_MATCHED,       /* an MTA line a pattern understood: *ev is filled (kind may be EV_NONE) */
	RECOG_UNRECOGNIZED,  /* an MTA line no pattern matched: count it, keep a sample */
	RECOG_FOREIGN,       /* not a mail-transfer line (dovecot, opendkim, cron...): counted apart */
};

/* One MTA's recognizer. */
struct recog_mta {
	const char *name;                 /* "postfix": also the patterns' mta: value */
	enum ev_mta mta;
	/* Does this MTA claim the line? (program name, or native format) */
	bool (*claims)(const struct logline *ll);
	/* Post-processing after a pattern matched: derive kind/class from status
	 * words, codes from the reply text. Optional. */
	void (*refine)(const struct logline *ll, const struct pattern_match *m, struct event *ev);
	/* The MTA logs no line when a message leaves the queue (Sendmail): the
	 * correlator then takes it as finished when every recipient it
	 * announced has a final status. */
	bool no_removal_line;
};

struct recog;

/* force_mta: NULL to detect per line, or "postfix"/"exim"/"sendmail".
 * The pattern set must be compiled and outlive the recognizer. */
struct recog *recog_new(struct pattern_set *set, const char *force_mta, struct sl_error *err);
void recog_free(struct recog *r);

/* For RECOG_UNRECOGNIZED and RECOG_FOREIGN, *program_out names the program the
 * line is counted under ("postfix/smtpd", "dovecot", "(no header)"). */
enum recog_result recog_line(struct recog *r, const struct logline *ll, struct event *ev,
                             struct sl_span *program_out);

/* Shared helpers for refine(): find "NNN" and "x.y.z" in reply text such as
 * "host mx[1.2.3.4] said: 451 4.7.1 Try later (in reply to RCPT TO command)";
 * fills ev->smtp_code (if 0) and ev->enhanced_code (if empty), and
 * ev->forward_to from "will forward to <x>" / "please try <x>". */
void recog_reply_codes(struct event *ev);
/* The value of s if it is all decimal digits, saturated at max (>= 9);
 * dflt when s is empty or holds anything else. No sign, no overflow. */
long recog_number(struct sl_span s, long dflt, long max);
/* The address of an envelope field as an MTA logs it: "<a@b>", a bare
 * "a@b", or "Name <a@b>" / "\"Name\" <a@b>" (Sendmail logs a recipient as it
 * was given, a To: header's phrase included): the inside of the last <...>,
 * else the text without blanks around it. "<>" gives an empty, non-NULL span. */
struct sl_span recog_address(struct sl_span s);
/* The end of the first address of a ','-separated list at p (before e): the
 * next ',' outside "..." and <...>, or e. */
const char *recog_address_list_next(const char *p, const char *e);
/* Class from the event kind (and, for rejects, the code's first digit). */
enum ev_class recog_class_for(const struct event *ev);

/* The health category (static storage) named by name[0..len): "warning",
 * "error", "fatal", "panic", "sasl", "tls", "postscreen"; NULL for others. */
const char *recog_health_category(const char *name, size_t len);

/* The action word a recognizer sets when the line names none (amavisd-new's
 * "Ok, discarded" reply is a discard): static storage, the one place an
 * event's span may point outside the line and the logline's scratch. */
extern const char recog_action_discard[];

/* Registry, NULL-terminated. */
extern const struct recog_mta *const recog_mtas[];
const struct recog_mta *recog_mta_by_name(const char *name);

const char *ev_kind_name(enum ev_kind k);     /* "delivered", ... ; NULL for lifecycle kinds */
enum ev_kind ev_kind_from_name(const char *s);/* EV_NONE if unknown */
const char *ev_class_name(enum ev_class c);   /* "success", "transient", "permanent", NULL */
const char *ev_mta_name(enum ev_mta m);

#endif
