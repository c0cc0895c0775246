/* ingest: drives one run over the inputs. See include/ingest.h. */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logline.h"
#include "logline_wrap.h"
#include "patterns.h"
#include "reader.h"
#include "codes_sql.h"
#include "reasons.h"
#include "recog.h"
#include "writer.h"

#define INGEST_MAX_PROGRAMS 256   /* distinct (program, reason) per file; more fold into "(other)" */
#define INGEST_PROGRAM_MAX 64

struct tally {
	char program[INGEST_PROGRAM_MAX];
	const char *reason;
	uint64_t count;
	char *samples[STORE_UNRECOGNIZED_SAMPLES];
	size_t nsamples;
};

/* The reasons of failure rows, on one thread: the producer's uses the
 * pattern set of recog, the writer thread's a copy of its reason entries
 * (a set and a memo are used by one thread). */
struct reason_side {
	struct reasons *reasons;
	bool whole_log;                /* an Exim refusal of a domain seen: see ingest_finish */
};

struct ingest {
	struct ingest_options opt;
	struct store *st;
	struct pattern_set *patterns;
	struct recog *recog;
	struct reason_side on_producer;
	struct pattern_set *writer_patterns;
	struct reason_side on_writer;  /* read after writer_sync */
	struct pattern_stats pstats;   /* both sets' counts, for ingest_pattern_stats */
	struct correlate *corr;        /* NULL after ingest_release */
	struct correlate_stats corr_stats;   /* its stats, kept by ingest_release */
	struct writer *writer;         /* the store, written on its own thread */
	struct tally tallies[INGEST_MAX_PROGRAMS];
	size_t ntallies;
};

/* classify_reason - the writer's classifier, on either thread (ctx: its side) */
static const char *classify_reason(void *ctx, const struct store_event *row)
{
	struct reason_side *side = ctx;
	if (sl_span_empty(row->reply))
		return NULL;
	const char *r = reasons_classify(side->reasons, row->reply.p, row->reply.len, row->smtp_code,
	                                 row->enhanced_code);
	/* an Exim refusal of a domain: ingest_finish looks at the whole log */
	if (r && row->mta == EV_MTA_EXIM && row->kind == EV_REJECTED &&
	    strcmp(r, "host-not-found") == 0)
		side->whole_log = true;
	return r;
}

struct ingest *ingest_new(struct store *st, const struct ingest_options *opt, struct sl_error *err)
{
	struct ingest *in = xcalloc(1, sizeof *in);
	in->opt = *opt;
	if (!in->opt.checkpoint_lines)
		in->opt.checkpoint_lines = 100000;
	in->st = st;
	in->patterns = patterns_new();
	if (patterns_add_builtin(in->patterns, err) ||
	    (opt->patterns_dir && patterns_add_dir(in->patterns, opt->patterns_dir, err)) ||
	    patterns_compile(in->patterns, err))
		goto fail;
	in->recog = recog_new(in->patterns, opt->force_mta, err);
	if (!in->recog)
		goto fail;
	in->on_producer.reasons = reasons_new(in->patterns, err);
	if (!in->on_producer.reasons)
		goto fail;
	/* copied now, before the producer's thread matches (and JIT-compiles)
	 * anything: the copy is the same rules, compiled alike */
	in->writer_patterns = patterns_copy(in->patterns, "reason");
	in->on_writer.reasons = reasons_new(in->writer_patterns, err);
	if (!in->on_writer.reasons)
		goto fail;
	in->writer = writer_new(st, err);
	if (!in->writer)
		goto fail;
	writer_set_classifier(in->writer, &(struct writer_classifier){
		.classify = classify_reason, .producer_ctx = &in->on_producer,
		.writer_ctx = &in->on_writer, .side = opt->reasons_side });
	struct correlate_config cc = opt->corr;
	for (size_t i = 0; recog_mtas[i]; i++)
		if (recog_mtas[i]->no_removal_line)
			cc.close_when_delivered |= 1u << recog_mtas[i]->mta;
	in->corr = correlate_new(&cc, writer_sink(in->writer));
	/* the messages the last run left open, continued (the writer thread
	 * has nothing yet: the store is free to use here) */
	struct sl_buf state;
	sl_buf_init(&state);
	int rc = store_load_state(st, &state, err);
	if (rc == 0 && state.len)
		rc = correlate_load(in->corr, state.data, state.len, err);
	sl_buf_release(&state);
	if (rc)
		goto fail;
	sl_fault("opened");
	return in;
fail:
	ingest_free(in);
	return NULL;
}

static void tally_clear(struct ingest *in)
{
	for (size_t i = 0; i < in->ntallies; i++)
		for (size_t k = 0; k < in->tallies[i].nsamples; k++)
			free(in->tallies[i].samples[k]);
	in->ntallies = 0;
}

static void tally_add(struct ingest *in, struct sl_span program, const char *reason,
                      const char *line, size_t len)
{
	char name[INGEST_PROGRAM_MAX];
	size_t n = program.len < sizeof name - 1 ? program.len : sizeof name - 1;
	memcpy(name, program.p ? program.p : "", n);
	name[n] = '\0';
	/* a pid-like suffix such as "deliver(user@x)" stays: it is the program's own name */
	struct tally *t = NULL;
	for (size_t i = 0; i < in->ntallies; i++)
		if (in->tallies[i].reason == reason && strcmp(in->tallies[i].program, name) == 0) {
			t = &in->tallies[i];
			break;
		}
	if (!t) {
		if (in->ntallies == INGEST_MAX_PROGRAMS) {
			t = &in->tallies[INGEST_MAX_PROGRAMS - 1];
			snprintf(t->program, sizeof t->program, "(other)");
		} else {
			t = &in->tallies[in->ntallies++];
			memset(t, 0, sizeof *t);
			snprintf(t->program, sizeof t->program, "%s", name);
			t->reason = reason;
		}
	}
	t->count++;
	if (t->nsamples < STORE_UNRECOGNIZED_SAMPLES)
		t->samples[t->nsamples++] = xstrndup(line, len < 1000 ? len : 1000);
}

/* resume_point - the end of a file: the state of its open messages,
 * its progress and what was not understood, committed at once (writes the
 * store directly: the writer thread is synced first) */
static int resume_point(struct ingest *in, int64_t source_id, const struct store_progress *p,
                        bool from_start, struct sl_error *err)
{
	/* deliveries held for a copy that did not come back are decided
	 * (settled) before the state is saved: a saved state holds none */
	if (correlate_settle(in->corr, err) || correlate_flush(in->corr, err) ||
	    writer_sync(in->writer, err))
		return -1;
	sl_fault("flushed");
	struct store_tally tallies[INGEST_MAX_PROGRAMS];
	for (size_t i = 0; i < in->ntallies; i++) {
		struct tally *t = &in->tallies[i];
		tallies[i] = (struct store_tally){ t->program, t->reason, t->count,
		                                   (const char *const *)t->samples, t->nsamples };
	}
	struct sl_buf state;
	sl_buf_init(&state);
	correlate_save(in->corr, &state, writer_stored_id, in->writer);
	struct store_resume rp = {
		.source_id = source_id, .progress = *p, .from_start = from_start,
		.tallies = tallies, .ntallies = in->ntallies,
		.state = state.data, .state_len = state.len,
		.open_messages = correlate_stats(in->corr)->open,
	};
	int rc = store_resume_point(in->st, &rp, err);
	sl_buf_release(&state);
	return rc;
}

/* The earliest and latest stamps of a file, formatted only when progress
 * is recorded (not once per line). */
struct span_ts {
	struct sl_time first, last;
	bool any;
	char first_iso[SL_TIME_ISO_MAX], last_iso[SL_TIME_ISO_MAX];
};

static void progress_fill(struct store_progress *p, const struct reader_stats *rs,
                          const struct ingest_file_result *res, struct span_ts *ts)
{
	const char *first = "", *last = "";
	if (ts->any) {
		sl_time_format_iso(ts->first, ts->first_iso);
		sl_time_format_iso(ts->last, ts->last_iso);
		first = ts->first_iso;
		last = ts->last_iso;
	}
	p->offset = rs->bytes;
	p->lines = res->lines;
	p->recognized = res->recognized;
	p->unrecognized = res->unrecognized;
	p->foreign = res->foreign;
	p->truncated = res->truncated;
	p->first_ts = first[0] ? first : NULL;
	p->last_ts = last[0] ? last : NULL;
}

/* Feeds the event, one per address when the line names several recipients
 * ("to=<a>,<b>"): each gets its own seq so each is its own row. */
static int feed_once(struct ingest *in, const struct logline *ll, struct event *ev,
                     struct corr_pos *pos, struct sl_error *err)
{
	if (!ev->recipient_list)
		return correlate_feed(in->corr, ll, ev, pos, err);
	struct sl_span list = ev->recipient;
	const char *p = list.p, *end = list.p + list.len;
	struct event one = *ev;
	one.recipient_list = false;
	while (p < end) {
		const char *next = recog_address_list_next(p, end);
		const char *comma = next < end ? next : NULL;
		struct sl_span a = recog_address((struct sl_span){ p, (size_t)(next - p) });
		if (a.len) {
			one.recipient = a;
			one.more_recipients = comma != NULL;
			if (correlate_feed(in->corr, ll, &one, pos, err))
				return -1;
			pos->seq++;
		}
		p = comma ? comma + 1 : end;
	}
	return 0;
}

/* feed_event - feed_once(), as many times as the syslog daemon folded the
 * line (ll->repeat). Each repeat is a row of its own, its seq after the
 * last; a row id is the line's offset plus seq, so seq stays below the
 * line's length (line_len) and repeats past that are not stored. */
static int feed_event(struct ingest *in, const struct logline *ll, struct event *ev,
                      struct corr_pos *pos, size_t line_len, struct sl_error *err)
{
	unsigned times = ll->repeat ? ll->repeat : 1;
	for (unsigned i = 0; i < times; i++) {
		if (i > 0) {
			if (!ev->recipient_list)
				pos->seq++;
			if ((size_t)pos->seq >= line_len)
				break;
		}
		struct event one = *ev;
		if (feed_once(in, ll, &one, pos, err))
			return -1;
	}
	return 0;
}

/* wrap_unrecognized - the lines held as the start of a broken line, their
 * rest never found: each is a line not understood */
static void wrap_unrecognized(struct ingest *in, struct logline_wrap *w,
                              struct ingest_file_result *res)
{
	struct sl_span program = { w->program.data, w->program.len };
	const char *p = w->lines.data, *e = p + w->lines.len;
	for (unsigned i = 0; i < w->n && p < e; i++) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t len = (size_t)((nl ? nl : e) - p);
		res->unrecognized++;
		tally_add(in, program, "no pattern", p, len);
		if (in->opt.unrecognized_out) {
			fwrite(p, 1, len, in->opt.unrecognized_out);
			fputc('\n', in->opt.unrecognized_out);
		}
		p = nl ? nl + 1 : e;
	}
	logline_wrap_clear(w);
}

/* wrap_cut - an understood line that was cut short, whose rest may follow
 * on a line of its own (logline_wrap.h): a parenthesis left open (a reply
 * "(host ... said: 550 ..."), or a Postfix refusal without the "proto="
 * that smtpd_check.c writes after every reply ("...; from=<a@b>" then
 * " to=<c@d> proto=ESMTP helo=<h>") */
static bool wrap_cut(const struct logline *ll, const struct event *ev)
{
	return logline_wrap_open(ll->message) ||
	       (ev->kind == EV_REJECTED && ev->mta == EV_MTA_POSTFIX && sl_span_empty(ev->protocol));
}

/* wrap_emit - the held lines read as the one line `jll` they were (every
 * part of it understood), its event at the first part's place */
static int wrap_emit(struct ingest *in, struct logline_wrap *w, const struct logline *jll,
                     struct event *ev, struct corr_pos *pos, struct ingest_file_result *res,
                     unsigned parts, struct sl_error *err)
{
	res->recognized += parts;
	pos->line = w->lineno;
	pos->offset = w->offset;
	pos->seq = 0;
	if (ev->kind != EV_NONE && ev->kind < EV_MSG_ARRIVAL)
		res->events++;
	int rc = feed_event(in, jll, ev, pos, w->len, err);
	logline_wrap_clear(w);
	return rc;
}

/* wrap_flush - no more rest for the held lines: the longest join of them
 * that was understood (a line left open, logline_wrap.h) is read as it
 * is; with none, each is a line not understood */
static int wrap_flush(struct ingest *in, struct logline_wrap *w, struct logline_ctx *lctx,
                      struct corr_pos *pos, struct ingest_file_result *res, struct sl_error *err)
{
	if (w->matched) {
		struct logline jll;
		struct event ev;
		struct sl_span prog;
		logline_parse(lctx, w->joined.data, w->matched, &jll);
		if (recog_line(in->recog, &jll, &ev, &prog) == RECOG_MATCHED)
			return wrap_emit(in, w, &jll, &ev, pos, res, w->n, err);
	}
	wrap_unrecognized(in, w, res);
	return 0;
}

int ingest_file(struct ingest *in, const char *path, struct ingest_file_result *res,
                struct sl_error *err)
{
	return ingest_file_at(in, path, path, res, err);
}

int ingest_file_at(struct ingest *in, const char *open_path, const char *path,
                   struct ingest_file_result *res, struct sl_error *err)
{
	memset(res, 0, sizeof *res);
	struct reader *r = reader_open(open_path, in->opt.max_line, err);
	if (!r)
		return 1;
	int rc = 0;
	const struct reader_info *info = reader_info(r);
	/* (a plain file: its size is known, and zlib passes it through) */
	bool hold = !in->opt.final && !info->is_stdin && info->size >= 0 && !info->compressed &&
	            !ingest_rotated_name(path);
	if (hold)
		reader_hold_partial(r);
	struct store_source src;
	/* the store is used directly here: first let the writer thread finish */
	if (writer_sync(in->writer, err) || store_source_begin(in->st, path, r, &src, err)) {
		reader_free(r);
		return -1;
	}
	sl_fault("source");
	res->source_id = src.id;
	res->seen_before = src.seen_before;
	res->shrank = src.shrank;
	res->replaced = src.replaced;
	bool from_start = !src.resume || in->opt.reread;
	if (!from_start || (src.unchanged && !in->opt.reread)) {
		/* go on from where the last run stopped, counts included */
		res->resumed_at = src.before.offset;
		res->resumed_lines = src.before.lines;
		res->lines = src.before.lines;
		res->recognized = src.before.recognized;
		res->unrecognized = src.before.unrecognized;
		res->foreign = src.before.foreign;
		res->truncated = src.before.truncated;
	}
	if (src.unchanged && !in->opt.reread) {
		/* An earlier run read it to its end and it has not grown: its rows
		 * and counts are stored, and reading it again would add nothing
		 * (an hourly job names yesterday's file every time). The commit
		 * records its identity (path, inode) as it is now. */
		res->skipped = true;
		reader_free(r);
		return store_commit(in->st, err) ? -1 : 0;
	}
	tally_clear(in);
	if (!from_start && reader_seek(r, src.before.offset, src.before.lines, err)) {
		reader_free(r);
		return 1;
	}

	struct logline_ctx lctx;
	logline_ctx_init(&lctx, in->opt.year, info->mtime >= 0 ? info->mtime : (int64_t)time(NULL));
	struct span_ts span = { .any = false };
	struct reader_line line;
	struct logline ll;
	struct event ev;
	struct store_progress prog;
	struct corr_pos pos = { .source_id = src.id, .file = path };
	struct sl_buf prev;   /* the line before: "last message repeated N times" names it */
	sl_buf_init(&prev);
	/* the last first piece of a message Sendmail cut (logline.h): a
	 * joined line's rows take its place, whose length bounds their seq */
	struct reader_line piece1 = { 0 };
	/* a line not understood, held while the lines after it may be its
	 * rest (logline_wrap.h) */
	struct logline_wrap wrap;
	logline_wrap_init(&wrap);
	if (in->opt.progress)
		in->opt.progress(in->opt.progress_ctx, reader_raw_offset(r), 0);
	int got = 1;   /* stays 1 when stopped (in->opt.stop) before the end */
	uint64_t last_lineno = 0;
	struct span_ts held_span = span;   /* the span before the first line held */
	while ((in->opt.stop == NULL || !*in->opt.stop) && (got = reader_next(r, &line, err)) == 1) {
		res->lines++;
		last_lineno = line.lineno;
		if (line.truncated)
			res->truncated++;
		logline_parse(&lctx, line.text, line.len, &ll);
		if (ll.repeat_previous && prev.len) {
			/* the line before, N times more, here and at this line's time */
			struct sl_time at = ll.ts;
			bool has_ts = ll.has_ts;
			unsigned times = ll.repeat_previous;
			logline_parse(&lctx, prev.data, prev.len, &ll);
			ll.repeat = times;
			if (has_ts)
				ll.ts = at;
		} else if (!ll.repeat_previous) {
			sl_buf_reset(&prev);
			sl_buf_add(&prev, line.text, line.len);
		}
		struct span_ts before_line = span;   /* what a line given back leaves */
		if (ll.has_ts) {
			/* the earliest second's first stamp, the latest second's last */
			if (!span.any || ll.ts.sec < span.first.sec)
				span.first = ll.ts;
			if (!span.any || ll.ts.sec >= span.last.sec)
				span.last = ll.ts;
			span.any = true;
		}
		if (ll.piece == 1)
			piece1 = line;
		const struct reader_line *at = ll.joined && piece1.lineno ? &piece1 : &line;
		struct sl_span program;
		enum recog_result rr = recog_line(in->recog, &ll, &ev, &program);
		if (wrap.n && rr == RECOG_UNRECOGNIZED &&
		    logline_wrap_may_continue(&wrap, &ll, line.len)) {
			/* the rest of the line held: understood joined, or held on */
			struct sl_span j = logline_wrap_join(&wrap, line.text, line.len);
			struct logline jll;
			struct sl_span jprog;
			logline_parse(&lctx, j.p, j.len, &jll);
			bool ok = recog_line(in->recog, &jll, &ev, &jprog) == RECOG_MATCHED;
			/* still cut short, or not understood: held on while there is room */
			if ((!ok || wrap_cut(&jll, &ev)) && logline_wrap_add(&wrap, line.text, line.len)) {
				if (ok)
					wrap.matched = wrap.joined_len;
				goto next;
			}
			if (ok) {
				if (wrap_emit(in, &wrap, &jll, &ev, &pos, res, wrap.n + 1, err)) {
					rc = -1;
					goto out;
				}
				goto next;
			}
		}
		/* blank lines between the parts leave the held line held */
		if (wrap.n && !(rr == RECOG_FOREIGN && sl_span_empty(ll.program))) {
			/* the flush parses the held text: a line decoded from HTML
			 * (its text in lctx's buffer) is parsed again after it */
			bool decoded = lctx.unescaped.len && ll.message.p >= lctx.unescaped.data &&
			               ll.message.p <= lctx.unescaped.data + lctx.unescaped.len;
			if (wrap_flush(in, &wrap, &lctx, &pos, res, err)) {
				rc = -1;
				goto out;
			}
			if (decoded) {
				logline_parse(&lctx, line.text, line.len, &ll);
				rr = recog_line(in->recog, &ll, &ev, &program);
			}
		}
		switch (rr) {
		case RECOG_MATCHED:
			if (logline_wrap_may_start(&ll) && wrap_cut(&ll, &ev)) {
				/* cut short: its rest may follow (logline_wrap.h) */
				held_span = before_line;
				logline_wrap_hold(&wrap, line.text, line.len, line.lineno, line.offset,
				                  program);
				wrap.matched = wrap.joined_len;
				break;
			}
			res->recognized++;
			pos.line = at->lineno;
			pos.offset = at->offset;
			pos.seq = 0;
			if (ev.kind != EV_NONE && ev.kind < EV_MSG_ARRIVAL)
				res->events++;   /* lines with events; a recipient list counts once */
			if (feed_event(in, &ll, &ev, &pos, at->len, err)) {
				rc = -1;
				goto out;
			}
			break;
		case RECOG_UNRECOGNIZED:
			if (logline_wrap_may_start(&ll)) {
				held_span = before_line;
				logline_wrap_hold(&wrap, line.text, line.len, line.lineno, line.offset,
				                  program);
				break;
			}
			res->unrecognized++;
			tally_add(in, program, "no pattern", line.text, line.len);
			if (in->opt.unrecognized_out) {
				fwrite(line.text, 1, line.len, in->opt.unrecognized_out);
				fputc('\n', in->opt.unrecognized_out);
			}
			break;
		case RECOG_FOREIGN:
			res->foreign++;
			tally_add(in, program, "not mail-transfer", line.text, line.len);
			break;
		}
	next:
		if (in->opt.progress && res->lines % INGEST_PROGRESS_LINES == 0)
			in->opt.progress(in->opt.progress_ctx, reader_raw_offset(r),
			                 res->lines - res->resumed_lines);
		if (res->lines % in->opt.checkpoint_lines == 0) {
			/* rows only: progress is recorded with the state it needs,
			 * at the end of the file */
			if (writer_commit(in->writer, err)) {
				rc = -1;
				goto out;
			}
			sl_fault("checkpoint");
		}
	}
	/* Lines held as the start of a broken line, last before a line still
	 * being written (or before a stop), are left for a later run, which
	 * reads them with what follows: the offset stops before them as before
	 * the unfinished line, so that a log read in pieces is read as one
	 * reading reads it. A file that ends with a whole line ends there: its
	 * held lines are read as they are. */
	bool give_back = wrap.n && got >= 0 && (got == 1 || (hold && reader_held(r) > 0)) &&
	                 wrap.lineno + wrap.n - 1 == last_lineno;
	uint64_t back_offset = wrap.offset;
	if (give_back) {
		res->lines -= wrap.n;
		span = held_span;   /* their stamps are read with them */
		logline_wrap_clear(&wrap);
	} else if (wrap.n && wrap_flush(in, &wrap, &lctx, &pos, res, err)) {
		rc = -1;
		goto out;
	}
	if (got < 0)
		rc = 1;   /* a read error mid-file: keep what was read, report the file */
	if (got == 0 && !info->compressed && info->size > 0 &&
	    reader_stats(r)->bytes + reader_held(r) < (uint64_t)info->size) {
		/* it ended before the size it had when opened: truncated meanwhile */
		sl_error_set(err, SL_EIO, "'%s' became shorter while it was read (truncated, "
		             "copytruncate?)", path);
		rc = 1;
		got = -1;
	}
	{
		struct sl_error err2;
		sl_error_clear(&err2);
		progress_fill(&prog, reader_stats(r), res, &span);
		if (give_back)
			prog.offset = back_offset;
		/* read to its end: the size vouches that nothing is left */
		prog.size = got == 0 && info->size > 0 &&
		            (info->compressed || prog.offset == (uint64_t)info->size) ? info->size : 0;
		/* when ingest_file returns, the file's rows, counts and the state
		 * of its open messages are in the database */
		if (resume_point(in, src.id, &prog, from_start, &err2)) {
			*err = err2;
			rc = -1;
		}
	}
out:
	logline_wrap_release(&wrap);
	sl_buf_release(&prev);
	logline_ctx_release(&lctx);
	reader_free(r);
	return rc;
}

void ingest_set_final(struct ingest *in, bool final)
{
	in->opt.final = final;
}

/* ingest_rotated_name - see ingest.h */
bool ingest_rotated_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".gz") == 0)
		n -= 3;
	size_t d = n;
	while (d > 0 && base[d - 1] >= '0' && base[d - 1] <= '9')
		d--;
	if (d == n || d < 2)
		return false;
	return (base[d - 1] == '.' && n - d <= 4) || (base[d - 1] == '-' && n - d == 8);
}

int ingest_finish(struct ingest *in, struct sl_error *err)
{
	/* open messages were written, and saved for the next run, at the end
	 * of each file: they stay open */
	if (writer_sync(in->writer, err))
		return -1;
	bool whole_log = in->on_producer.whole_log || in->on_writer.whole_log;
	if (whole_log && codes_sql_whole_log_reasons(store_db(in->st), err))
		return -1;
	in->on_producer.whole_log = in->on_writer.whole_log = false;
	return 0;
}

void ingest_release(struct ingest *in)
{
	if (!in->corr)
		return;
	in->corr_stats = *correlate_stats(in->corr);
	correlate_free(in->corr);
	in->corr = NULL;
}

const struct correlate_stats *ingest_correlate_stats(const struct ingest *in)
{
	return in->corr ? correlate_stats(in->corr) : &in->corr_stats;
}

int ingest_end_load_async(struct ingest *in, struct sl_error *err)
{
	return writer_end_load(in->writer, err);
}

int ingest_wait(struct ingest *in, struct sl_error *err)
{
	return writer_sync(in->writer, err);
}

const struct writer_stats *ingest_writer_stats(const struct ingest *in)
{
	return writer_stats(in->writer);
}

/* ingest_pattern_stats - the counts of both threads' sets (after ingest_finish) */
const struct pattern_stats *ingest_pattern_stats(struct ingest *in)
{
	const struct pattern_stats *a = patterns_stats(in->patterns);
	const struct pattern_stats *b = patterns_stats(in->writer_patterns);
	in->pstats = (struct pattern_stats){ a->attempts + b->attempts,
	                                     a->prefiltered_out + b->prefiltered_out,
	                                     a->matches + b->matches, a->limit_hits + b->limit_hits,
	                                     a->compiled + b->compiled };
	return &in->pstats;
}

void ingest_free(struct ingest *in)
{
	if (!in)
		return;
	tally_clear(in);
	correlate_free(in->corr);
	/* before the patterns: queued rows point at pattern and reason ids */
	writer_free(in->writer);
	reasons_free(in->on_writer.reasons);
	patterns_free(in->writer_patterns);
	reasons_free(in->on_producer.reasons);
	recog_free(in->recog);
	patterns_free(in->patterns);
	free(in);
}
