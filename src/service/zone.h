/*
 * zone.h - IANA time zones for the recurrence engine (service/recurrence.h
 * states the rules: a gap moves a wall time forward by its length, an
 * overlap takes the earlier instant). A zone is parsed from the TZif data
 * base/tzfile.h reads, once, and cached for the life of the process.
 * Instants are Unix seconds; a "local" time is the wall clock read as if
 * it were UTC (see base/civil.h). Thread-safe.
 */
#ifndef TODOD_SERVICE_ZONE_H
#define TODOD_SERVICE_ZONE_H

#include <stdint.h>

#include "base/err.h"

#define ZONE_NAME_MAX 64              /* bytes of a zone name, with the NUL */

struct zone;

/* zone_get - the zone @name ("UTC" needs no file), loaded on first use.
 * TODO_EINVAL (field "timezone") for a malformed or unknown name,
 * TODO_EINTERNAL when the database cannot be read. */
int zone_get(const char *name, const struct zone **out, struct err *e);

/* zone_utc - UTC, always available. */
const struct zone *zone_utc(void);

/* zone_offset_at - the UT offset (east positive) of @z at instant @t. */
int32_t zone_offset_at(const struct zone *z, int64_t t);

/* zone_resolve - the instant of wall time @local (gap and overlap rules). */
int64_t zone_resolve(const struct zone *z, int64_t local);

/* zone_local - the wall time of instant @utc. */
int64_t zone_local(const struct zone *z, int64_t utc);

/* zone_cache_release - free every cached zone (process exit and tests
 * only: no other thread may use a zone meanwhile). */
void zone_cache_release(void);

#endif
