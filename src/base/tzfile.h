/*
 * tzfile.h - the system time zone database (Debian package tzdata): the
 * only place that touches its files. service/zone.c parses what it reads;
 * TZ and TZDIR are never consulted, so results do not depend on the
 * process environment.
 */
#ifndef TODOD_BASE_TZFILE_H
#define TODOD_BASE_TZFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define TZFILE_DIR "/usr/share/zoneinfo"
#define TZFILE_MAX_BYTES (1 << 20)

/* tzfile_read - the TZif bytes of zone @name (a checked IANA name, see
 * service/zone.h) into *@buf (malloc'd) and *@len. TODO_ENOTFOUND when the
 * database has no such regular file (or one over TZFILE_MAX_BYTES),
 * TODO_EINTERNAL when the database itself cannot be read. */
int tzfile_read(const char *name, unsigned char **buf, size_t *len, struct err *e);

/* tzfile_exists - whether the database has a regular file for @name. */
bool tzfile_exists(const char *name);

#endif
