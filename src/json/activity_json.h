/* activity_json.h - JSON of the activity log and of the ops routes. */
#ifndef TODOD_JSON_ACTIVITY_JSON_H
#define TODOD_JSON_ACTIVITY_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "service/activity.h"

/* {"entries": [...], "next_cursor": "..." | null} */
char *activity_json_list(const struct activity_entry *a, size_t n, const char *next_cursor);

/* {"backlog": n, "oldest_age_ms": ms, "published": p, "failed": f} */
char *activity_json_outbox(int64_t backlog, int64_t oldest_age_ms, uint64_t published, uint64_t failed);

/* {"topic": t, "event_id": id, "seen": bool} */
char *activity_json_dead_letter(const char *topic, const char *event_id, int seen);

#endif
