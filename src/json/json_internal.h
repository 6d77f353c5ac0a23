/* json_internal.h - helpers shared by the files of src/json only. */
#ifndef TODOD_JSON_INTERNAL_H
#define TODOD_JSON_INTERNAL_H

#include <jansson.h>

/* json__dump - compact text of @j (malloc'd), consuming @j. jansson fails
 * here only when out of memory, which aborts (see base/alloc.h). */
char *json__dump(json_t *j);

struct task;
/* task_json__object - a task as a JSON object (new reference). */
json_t *task_json__object(const struct task *t);

#endif
