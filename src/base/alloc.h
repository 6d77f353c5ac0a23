/*
 * alloc.h - the out-of-memory policy, stated once.
 *
 * todod does not try to limp on after malloc fails: a service that cannot
 * allocate a few hundred bytes cannot answer correctly either, and every
 * request is retried by its client or by daprd. The x* wrappers abort with
 * a message on failure, so callers never check for NULL. Libraries that
 * allocate on our behalf (jansson, protobuf-c, libpq) report failure through
 * their own return values; those paths map to TODO_EINTERNAL.
 */
#ifndef TODOD_BASE_ALLOC_H
#define TODOD_BASE_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xasprintf - printf into a new malloc'd string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
