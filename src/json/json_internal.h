/* json_internal.h - helpers shared by the files of src/json only. */
#ifndef TODOD_JSON_INTERNAL_H
#define TODOD_JSON_INTERNAL_H

#include <jansson.h>

/* json__dump - compact text of @j (malloc'd), consuming @j. jansson fails
 * here only when out of memory, which aborts (see base/alloc.h). */
char *json__dump(json_t *j);

#endif
