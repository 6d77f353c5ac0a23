/*
 * ratelimit.h - token buckets keyed by a string (a user id), thread-safe.
 *
 * Each key has a bucket of @burst tokens that refills at @rate tokens per
 * second; a request takes one token or is refused. Buckets are created on
 * first use. The table holds at most @max_keys buckets: when it is full,
 * buckets that have refilled completely (their key has been idle long
 * enough to be indistinguishable from a new key) are dropped first; if none
 * is, the request is allowed without a bucket rather than refused, so a
 * flood of distinct keys can never lock out a real user. Time is passed in
 * by the caller (monotonic microseconds), which keeps the unit tests exact.
 */
#ifndef TODOD_BASE_RATELIMIT_H
#define TODOD_BASE_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ratelimit;

/* ratelimit_new - a table of buckets; @rate > 0 tokens/s, @burst >= 1. */
struct ratelimit *ratelimit_new(double rate, double burst, size_t max_keys);
void ratelimit_free(struct ratelimit *rl);

/* ratelimit_take - take one token from @key's bucket at time @now_us.
 * Returns true if allowed; false if the bucket is empty, and then stores
 * in *@retry_after_ms (if non-NULL) when the next token will be there. */
bool ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_us, int64_t *retry_after_ms);

/* ratelimit_size - buckets held now (for tests and metrics). */
size_t ratelimit_size(struct ratelimit *rl);

#endif
