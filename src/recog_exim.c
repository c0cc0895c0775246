/* recog_exim: which lines are Exim's. Line shapes: patterns/exim.pat. */
#include <string.h>

#include "recog.h"

static bool exim_claims(const struct logline *ll)
{
	if (ll->format == LOGLINE_EXIM)
		return true;
	return sl_span_eq(ll->program, "exim") || sl_span_eq(ll->program, "exim4");
}

const struct recog_mta recog_exim = {
	.name = "exim",
	.mta = EV_MTA_EXIM,
	.claims = exim_claims,
	.refine = NULL,
};
