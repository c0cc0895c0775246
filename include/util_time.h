/* util_time: calendar arithmetic in UTC and ISO 8601 formatting, without
 * calling mktime() per line. */
#ifndef SMTPLOG_UTIL_TIME_H
#define SMTPLOG_UTIL_TIME_H

#include <stdint.h>
#include <stddef.h>

/* A point in time: seconds since the epoch (UTC) and microseconds. */
struct sl_time {
	int64_t sec;
	int32_t usec;      /* 0..999999 */
	int8_t has_frac;   /* the source gave a fraction: keep it when formatting */
};

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; month 1..12). */
int64_t sl_days_from_civil(int y, int m, int d);
/* Seconds since epoch of a UTC civil time. */
int64_t sl_time_from_utc(int y, int mon, int d, int h, int mi, int s);
/* Inverse: fills y..s from epoch seconds. */
void sl_time_to_utc(int64_t sec, int *y, int *mon, int *d, int *h, int *mi, int *s);

/* "2026-11-23T06:25:01Z" or "2026-11-23T06:25:01.123456Z" when has_frac.
 * out needs SL_TIME_ISO_MAX bytes; returns the length written. */
#define SL_TIME_ISO_MAX 32
size_t sl_time_format_iso(struct sl_time t, char *out);
/* Parses what sl_time_format_iso writes (and offsets like +02:00); 0 or -1. */
int sl_time_parse_iso(const char *s, size_t len, struct sl_time *out);

/* Month number 1..12 from a three-letter English abbreviation, 0 if none. */
int sl_month_from_abbr(const char *p);

#endif
