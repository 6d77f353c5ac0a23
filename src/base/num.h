/*
 * num.h - the one parser of the positive integers clients send: ids, in a
 * path or a query, versions and limits. Callers word their own message.
 */
#ifndef TODOD_BASE_NUM_H
#define TODOD_BASE_NUM_H

#include <stdbool.h>
#include <stdint.h>

/* num_parse_positive - true when @s is decimal digits only (no sign, no
 * space, no other base) with a value in 1..@max; then *@out is it. NULL is
 * not a number. */
bool num_parse_positive(const char *s, int64_t max, int64_t *out);

#endif
