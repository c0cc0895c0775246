/* cli_progress: the progress line of a long analyze on a terminal: bytes
 * read of the total, lines a second, time left, on one line of standard
 * error redrawn at most four times a second and erased at the end (and
 * before any other message). Nothing when standard error is not a
 * terminal or with --quiet: logs of cron jobs and pipes stay clean.
 * SPDX-License-Identifier: MIT */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_INTERVAL 0.25   /* seconds between redraws, at least */

struct cli_progress {
	uint64_t total;        /* bytes of all inputs on disk; 0: unknown (a pipe) */
	uint64_t before;       /* bytes of the files done */
	uint64_t size;         /* the current file's */
	uint64_t first, at;    /* the current file: first position seen, the last */
	uint64_t read;         /* bytes read in this run, files done */
	uint64_t lines, file_lines;
	double start, last;    /* monotonic seconds: the run's start, the last redraw */
	bool shown;
};

static double mono(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* cli_progress_new - see cli.h */
struct cli_progress *cli_progress_new(const struct cli_args *a, uint64_t total)
{
	if (a->quiet || !isatty(STDERR_FILENO))
		return NULL;
	struct cli_progress *p = xcalloc(1, sizeof *p);
	p->total = total;
	p->start = mono();
	return p;
}

/* cli_progress_file - see cli.h */
void cli_progress_file(struct cli_progress *p, uint64_t size)
{
	if (!p)
		return;
	p->before += p->size;
	p->read += p->at - p->first;
	p->lines += p->file_lines;
	p->size = size;
	p->first = p->at = 0;
	p->file_lines = 0;
}

/* mb - bytes as megabytes, one decimal */
static double mb(uint64_t n)
{
	return (double)n / 1e6;
}

/* cli_progress_update - see cli.h */
void cli_progress_update(void *ctx, uint64_t raw, uint64_t lines)
{
	struct cli_progress *p = ctx;
	if (lines == 0)
		p->first = raw;   /* where reading starts: a resumed file's offset */
	p->at = raw > p->first ? raw : p->first;
	p->file_lines = lines;
	double now = mono();
	if (lines == 0 || (p->shown && now - p->last < PROGRESS_INTERVAL))
		return;
	p->last = now;
	double secs = now - p->start;
	uint64_t done = p->before + (p->at < p->size || !p->size ? p->at : p->size);
	uint64_t read = p->read + (p->at - p->first), nlines = p->lines + p->file_lines;
	char line[160];
	int n;
	if (p->total) {
		if (done > p->total)
			done = p->total;
		n = snprintf(line, sizeof line, "\rsmtplog: %.1f of %.1f MB read (%d%%), %.0f lines/s",
		             mb(done), mb(p->total), (int)(100 * done / p->total),
		             secs > 0 ? (double)nlines / secs : 0.0);
		if (read > 0 && secs > 0) {
			double left = (double)(p->total - done) / ((double)read / secs);
			n += snprintf(line + n, sizeof line - (size_t)n, ", %d:%02d left",
			              (int)(left / 60), (int)left % 60);
		}
	} else {
		n = snprintf(line, sizeof line, "\rsmtplog: %.1f MB read, %.0f lines/s", mb(done),
		             secs > 0 ? (double)nlines / secs : 0.0);
	}
	/* then erase what a longer line before left */
	n += snprintf(line + n, sizeof line - (size_t)n, "\033[K");
	if (write(STDERR_FILENO, line, (size_t)n) == n)
		p->shown = true;
}

/* cli_progress_clear - see cli.h */
void cli_progress_clear(struct cli_progress *p)
{
	if (!p || !p->shown)
		return;
	static const char erase[] = "\r\033[K";
	if (write(STDERR_FILENO, erase, sizeof erase - 1) < 0)
		return;   /* (a terminal gone: nothing to erase) */
	p->shown = false;
}

/* cli_progress_free - see cli.h */
void cli_progress_free(struct cli_progress *p)
{
	cli_progress_clear(p);
	free(p);
}
