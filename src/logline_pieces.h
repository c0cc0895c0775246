/* logline_pieces: lines an MTA cut into pieces (for logline.c only). */
#ifndef SMTPLOG_LOGLINE_PIECES_H
#define SMTPLOG_LOGLINE_PIECES_H

#include "logline.h"

/* Exim's "[1/N] ..." first piece: its message becomes the text after the tag. */
void logline_exim_first_piece(struct logline *out);

/* Sendmail's "qid[N]: text" pieces: sets out->piece; at the last piece of a
 * run seen from its first, out->message becomes the joined "qid: text"
 * (in ctx, valid until the next call) and out->joined is set. */
void logline_sendmail_pieces(struct logline_ctx *ctx, struct logline *out);

#endif
