/* json_internal.h - helpers shared by the files of src/json only. */
#ifndef TODOD_JSON_INTERNAL_H
#define TODOD_JSON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* json__dump - compact text of @j (malloc'd), consuming @j. jansson fails
 * here only when out of memory, which aborts (see base/alloc.h). */
char *json__dump(json_t *j);

/* json__take_string - a malloc'd copy of string @v (NULL for JSON null when
 * @nullable); TODO_EINVAL naming @field for another type or an embedded NUL. */
int json__take_string(json_t *v, const char *field, bool nullable, char **out, struct err *e);

/* json__load_object - parse a request body that must be one JSON object
 * (UTF-8, no duplicate keys); TODO_EINVAL with field "body" otherwise. The
 * caller json_decref()s *@root. */
int json__load_object(const uint8_t *body, size_t len, json_t **root, struct err *e);

struct task;
/* task_json__object - a task as a JSON object (new reference). */
json_t *task_json__object(const struct task *t);

#endif
