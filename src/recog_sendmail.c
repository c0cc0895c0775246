/* recog_sendmail: which lines are Sendmail's. Line shapes: patterns/sendmail.pat. */
#include <string.h>

#include "recog.h"

static bool sendmail_claims(const struct logline *ll)
{
	struct sl_span p = ll->program;
	if (memchr(p.p, '/', p.len))
		return false;   /* postfix/sendmail is Postfix's compatibility command */
	return sl_span_eq(p, "sendmail") || (p.len > 3 && memcmp(p.p, "sm-", 3) == 0);
}

const struct recog_mta recog_sendmail = {
	.name = "sendmail",
	.mta = EV_MTA_SENDMAIL,
	.claims = sendmail_claims,
	.refine = NULL,
};
