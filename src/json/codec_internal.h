/* codec_internal.h - helpers shared by the codecs of src/json only. Their
 * prefix is codec__, not jansson's json_. As in jansson, a name ending in
 * _new takes ownership of its json_t argument, on every path. */
#ifndef TODOD_JSON_CODEC_INTERNAL_H
#define TODOD_JSON_CODEC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* codec__dump_new - compact text of @j (malloc'd); takes @j (decref'd). jansson fails
 * here only when out of memory, which aborts (see base/alloc.h). */
char *codec__dump_new(json_t *j);

/* codec__string_copy - a malloc'd copy of string @v (NULL for JSON null when
 * @nullable); TODO_EINVAL naming @field for another type or an embedded NUL. */
int codec__string_copy(json_t *v, const char *field, bool nullable, char **out, struct err *e);

/* codec__load_object - parse a request body that must be one JSON object
 * (UTF-8, no duplicate keys); TODO_EINVAL with field "body" otherwise. The
 * caller json_decref()s *@root. */
int codec__load_object(const uint8_t *body, size_t len, json_t **root, struct err *e);

struct task;
/* task_json__object - a task as a JSON object (new reference). */
json_t *task_json__object(const struct task *t);

#endif
