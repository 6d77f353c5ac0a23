/*
 * dead_letter_repo.h - messages seen on a dead-letter topic, kept for
 * inspection; idempotent by (topic, event id).
 */
#ifndef TODOD_STORE_DEAD_LETTER_REPO_H
#define TODOD_STORE_DEAD_LETTER_REPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* dead_letter_repo_insert - remember a message seen on a dead-letter topic. */
int dead_letter_repo_insert(const char *topic, const char *event_id, const uint8_t *payload,
		       size_t len, struct err *e);

/* dead_letter_repo_exists - whether (topic, event id) was seen. */
int dead_letter_repo_exists(const char *topic, const char *event_id, bool *exists, struct err *e);

#endif
