/*
 * task_json.h - JSON <-> task structs (the only users of jansson are in
 * src/json/).
 *
 * Parsing is strict: the body must be one JSON object in UTF-8, with no
 * duplicate keys, no unknown keys, and the right type for each key.
 */
#ifndef TODOD_JSON_TASK_JSON_H
#define TODOD_JSON_TASK_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/task.h"

/* task_json_parse_input - parse a create/update body into @in (released by
 * the caller with task_input_release on every path). Returns 0 or
 * TODO_EINVAL naming the field and the reason in @e. Does not validate
 * lengths: that is task_input_validate's job. */
int task_json_parse_input(const uint8_t *body, size_t len, struct task_input *in, struct err *e);

/* Encoders return a malloc'd compact JSON text. */
char *task_json_encode(const struct task *t);
char *task_json_encode_list(const struct task *tasks, size_t n);
/* task_json_encode_page - {"tasks": [...], "count": n, "next_cursor": c|null}. */
char *task_json_encode_page(const struct task *tasks, size_t n, const char *next_cursor);
char *task_json_encode_deleted(int64_t id);

/* json_encode_object_kv - {"k1": "v1", ...} from NULL-terminated pairs of
 * strings; small fixed payloads (health, version). */
char *json_encode_object_kv(const char *const *pairs);

#endif
