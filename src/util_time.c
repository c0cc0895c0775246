/* util_time: civil-calendar arithmetic in UTC and ISO 8601 text, without
 * mktime() or the time-zone database. Local-time handling lives in logline,
 * which needs it; everything here is pure arithmetic. */
#include "util_time.h"

#include <stdio.h>

/* floor_div - division rounding toward minus infinity */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* sl_days_from_civil - days since 1970-01-01 of a proleptic Gregorian date */
int64_t sl_days_from_civil(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil: count from 0000-03-01 so the leap
	 * day is the last day of the (shifted) year, then move the epoch. */
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;                                   /* [0, 399] */
	int64_t mp = m > 2 ? m - 3 : m + 9;                             /* [0, 11] */
	int64_t doy = (153 * mp + 2) / 5 + d - 1;                       /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* sl_time_from_utc - epoch seconds of a UTC civil time */
int64_t sl_time_from_utc(int y, int mon, int d, int h, int mi, int s)
{
	return sl_days_from_civil(y, mon, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

/* sl_time_to_utc - civil UTC fields of epoch seconds */
void sl_time_to_utc(int64_t sec, int *y, int *mon, int *d, int *h, int *mi, int *s)
{
	int64_t days = floor_div(sec, 86400);
	int64_t rem = sec - days * 86400;
	*h = (int)(rem / 3600);
	*mi = (int)(rem / 60 % 60);
	*s = (int)(rem % 60);

	/* civil_from_days, the inverse of the above */
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*mon <= 2));
}

/* put2 - two decimal digits */
static char *put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* sl_time_format_iso - "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" */
size_t sl_time_format_iso(struct sl_time t, char *out)
{
	int y, mon, d, h, mi, s;
	sl_time_to_utc(t.sec, &y, &mon, &d, &h, &mi, &s);
	if (y < 0 || y > 9999) {
		/* Outside what four digits hold; still well-formed, never overflowing. */
		int n = snprintf(out, SL_TIME_ISO_MAX, "%d-%02d-%02dT%02d:%02d:%02dZ", y, mon, d, h, mi, s);
		return n < 0 ? 0 : (size_t)n < SL_TIME_ISO_MAX ? (size_t)n : SL_TIME_ISO_MAX - 1;
	}
	/* Hand-rolled: this runs once per stored event. */
	char *p = out;
	p = put2(p, y / 100);
	p = put2(p, y % 100);
	*p++ = '-';
	p = put2(p, mon);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, h);
	*p++ = ':';
	p = put2(p, mi);
	*p++ = ':';
	p = put2(p, s);
	if (t.has_frac) {
		int32_t us = t.usec < 0 ? 0 : t.usec > 999999 ? 999999 : t.usec;
		*p++ = '.';
		for (int i = 5; i >= 0; i--) {
			p[i] = (char)('0' + us % 10);
			us /= 10;
		}
		p += 6;
	}
	*p++ = 'Z';
	*p = '\0';
	return (size_t)(p - out);
}

/* digits - n decimal digits at s into *v; false if any is not a digit */
static int digits(const char *s, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 1;
}

/* sl_time_parse_iso - the inverse of sl_time_format_iso, plus offsets */
int sl_time_parse_iso(const char *s, size_t len, struct sl_time *out)
{
	int y, mon, d, h, mi, sec;
	size_t i = 19;
	if (len < 19 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mon) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
	    s[16] != ':' || !digits(s + 17, 2, &sec))
		return -1;
	if (mon < 1 || mon > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;

	struct sl_time t = { 0, 0, 0 };
	if (i < len && (s[i] == '.' || s[i] == ',')) {
		int scale = 100000, n = 0;
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, n++) {
			t.usec += (s[i] - '0') * scale;   /* digits past the sixth are dropped */
			scale /= 10;
		}
		if (n == 0)
			return -1;
		t.has_frac = 1;
	}

	int64_t offset = 0;   /* no zone given: taken as UTC, which is what we write */
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < len && (s[i] == '+' || s[i] == '-')) {
		int oh, om;
		int sign = s[i] == '-' ? -1 : 1;
		i++;
		if (len - i >= 5 && s[i + 2] == ':' && digits(s + i, 2, &oh) && digits(s + i + 3, 2, &om))
			i += 5;
		else if (len - i >= 4 && digits(s + i, 2, &oh) && digits(s + i + 2, 2, &om))
			i += 4;
		else if (len - i >= 2 && digits(s + i, 2, &oh) && (om = 0, 1))
			i += 2;
		else
			return -1;
		if (oh > 23 || om > 59)
			return -1;
		offset = sign * ((int64_t)oh * 3600 + om * 60);
	}
	if (i != len)
		return -1;
	t.sec = sl_time_from_utc(y, mon, d, h, mi, sec) - offset;
	*out = t;
	return 0;
}

/* sl_month_from_abbr - 1..12 from "Jan".."Dec" (reads p[0..2]), 0 if none */
int sl_month_from_abbr(const char *p)
{
	/* Syslog writes the C locale's names; accept any letter case. */
	unsigned a = (unsigned char)p[0] | 0x20, b = (unsigned char)p[1] | 0x20,
		 c = (unsigned char)p[2] | 0x20;
	switch (a) {
	case 'j':
		if (b == 'a' && c == 'n') return 1;
		if (b == 'u' && c == 'n') return 6;
		if (b == 'u' && c == 'l') return 7;
		return 0;
	case 'f': return b == 'e' && c == 'b' ? 2 : 0;
	case 'm':
		if (b == 'a' && c == 'r') return 3;
		if (b == 'a' && c == 'y') return 5;
		return 0;
	case 'a':
		if (b == 'p' && c == 'r') return 4;
		if (b == 'u' && c == 'g') return 8;
		return 0;
	case 's': return b == 'e' && c == 'p' ? 9 : 0;
	case 'o': return b == 'c' && c == 't' ? 10 : 0;
	case 'n': return b == 'o' && c == 'v' ? 11 : 0;
	case 'd': return b == 'e' && c == 'c' ? 12 : 0;
	default: return 0;
	}
}
