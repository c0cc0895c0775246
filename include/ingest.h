/* ingest: the pipeline of one run. For each input: reader -> logline ->
 * recog -> correlate -> store, with unrecognized and foreign lines counted
 * by program (never dropped), progress committed with the rows it covers. */
#ifndef SMTPLOG_INGEST_H
#define SMTPLOG_INGEST_H

#include <stdio.h>
#include "correlate.h"
#include "store.h"
#include "writer.h"

#define INGEST_PROGRESS_LINES 8192

struct ingest_options {
	const char *patterns_dir;        /* extra/overriding patterns (--patterns), or NULL */
	const char *force_mta;           /* --mta, or NULL to detect per line */
	int year;                        /* --year, 0 to infer */
	size_t max_line;                 /* 0 = READER_DEFAULT_MAX_LINE */
	struct correlate_config corr;
	FILE *unrecognized_out;          /* --unrecognized FILE: MTA lines no pattern understood */
	uint64_t checkpoint_lines;       /* commit every N lines; 0 = 100000 */
	bool reread;                     /* --reread: read files an earlier run read whole */
	bool final;                      /* --final: every file is complete (see ingest_file) */
	const volatile int *stop;        /* set (by a signal): stop at the next line, as at the
	                                    file's end; NULL: never */
	/* called every INGEST_PROGRESS_LINES lines read: how far into the file
	 * on disk (reader_raw_offset) and the lines read of it; NULL: never */
	void (*progress)(void *ctx, uint64_t raw_offset, uint64_t lines);
	void *progress_ctx;
	/* the thread that classifies the reasons of failures and shapes the
	 * health lines: whichever has room (0), or forced (tests compare the
	 * two; the rows are the same) */
	enum writer_side reasons_side;
};

/* What one input gave. */
struct ingest_file_result {
	int64_t source_id;
	bool seen_before;
	bool skipped;                    /* unchanged since an earlier run read it whole: the
	                                    counts are the stored ones, events 0 */
	uint64_t resumed_at;             /* read from this offset, where the last run stopped */
	uint64_t resumed_lines;          /* the lines before it */
	bool shrank, replaced;           /* truncated since it was read: read from the start */
	uint64_t lines, recognized, unrecognized, foreign, truncated, events;
};

struct ingest;

/* Loads and compiles the patterns (built-in, then patterns_dir). */
struct ingest *ingest_new(struct store *st, const struct ingest_options *opt, struct sl_error *err);

/* 0: the file was read; 1: it could not be read (err names it; the run goes
 * on with other files); -1: a fatal error (database): stop.
 * A last line without its newline in a plain file (neither compressed nor
 * standard input nor a FIFO) is left for a later run, which reads it once
 * its writer has finished it: it is not stored and the source's offset
 * stops before it. It is read as a line when the file is complete: its
 * name is a rotated one (ingest_rotated_name), or final is set. The lines
 * held just before it as the start of a broken line (logline_wrap.h) wait
 * with it, as do those before a stop (opt.stop). */
int ingest_file(struct ingest *in, const char *path, struct ingest_file_result *res,
                struct sl_error *err);
/* The same, opening open_path (e.g. /proc/self/fd/N: a file renamed away
 * while it was followed) but storing it under the name path. */
int ingest_file_at(struct ingest *in, const char *open_path, const char *path,
                   struct ingest_file_result *res, struct sl_error *err);

/* The files read from now on are complete (or not): their last line is
 * read even without its newline (follow: a file rotated away). */
void ingest_set_final(struct ingest *in, bool final);
/* A rotated generation's name, so no longer written to: it ends in .N
 * (1 to 4 digits) or -YYYYMMDD, either followed by .gz or not. */
bool ingest_rotated_name(const char *path);

/* Waits until everything is written. Messages still open stay open: the
 * end of each file saved them for the next run (store_resume_point). */
int ingest_finish(struct ingest *in, struct sl_error *err);
/* After the last ingest_finish of a run: frees the correlator (its open
 * messages were saved), so that the report after a load does not hold
 * them too. Its stats stay readable; nothing more can be read. */
void ingest_release(struct ingest *in);
/* After ingest_finish: builds the indexes a first load left out on the
 * writer thread, while the caller goes on (with a store_open_reader()
 * connection: the store's own is the writer thread's until ingest_wait). */
int ingest_end_load_async(struct ingest *in, struct sl_error *err);
/* Waits for what the writer thread is doing; its error, if any. */
int ingest_wait(struct ingest *in, struct sl_error *err);
const struct correlate_stats *ingest_correlate_stats(const struct ingest *in);
/* The pattern counts of both threads (reasons are matched on either) */
const struct pattern_stats *ingest_pattern_stats(struct ingest *in);
const struct writer_stats *ingest_writer_stats(const struct ingest *in);   /* after ingest_finish */
void ingest_free(struct ingest *in);

#endif
