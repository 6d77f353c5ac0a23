/*
 * recurrence_internal.h - helpers shared by the files of the recurrence
 * module (recurrence.c, rrule.c, zone.c); not for other modules.
 */
#ifndef TODOD_SERVICE_RECURRENCE_INTERNAL_H
#define TODOD_SERVICE_RECURRENCE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of a client value quoted in a message. */
#define QUOTE_MAX 120

/* RRULE FREQ names by enum recurrence_freq ("" for NONE). */
extern const char *const recurrence__freq_names[5];

/* recurrence__quote - @s[0..len) for a message into @buf: printable ASCII
 * kept, anything else shown as '?', long values cut with "...". */
const char *recurrence__quote(const char *s, size_t len, char *buf, size_t n);

/* recurrence__fmt_utc - "2026-03-08T07:30:00Z" into @buf (>= 32 bytes). */
const char *recurrence__fmt_utc(int64_t t, char *buf, size_t n);

#endif
