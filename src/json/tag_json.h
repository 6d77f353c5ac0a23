/*
 * tag_json.h - JSON <-> tags (the only users of jansson are in src/json/).
 *
 * Parsing is strict, as for tasks: the body must be one JSON object in
 * UTF-8, with no duplicate keys, no unknown keys, and the right type for
 * each key: {"name": string, "color": string | null}.
 */
#ifndef TODOD_JSON_TAG_JSON_H
#define TODOD_JSON_TAG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/tag.h"

/* tag_json_parse_input - parse a create/update body into @in (released by
 * the caller with tag_input_release on every path). Returns 0 or
 * TODO_EINVAL naming the field ("body" for the body as a whole) and the
 * reason in @e. Does not check lengths or the color format: that is
 * tag_input_validate's job. */
int tag_json_parse_input(const uint8_t *body, size_t len, struct tag_input *in, struct err *e);

/* Encoders return a malloc'd compact JSON text. */

/* {"id", "name", "color" (null when none), "created_at"} */
char *tag_json_encode(const struct tag *t);
/* {"tags": [tag...], "count": n} */
char *tag_json_encode_list(const struct tag *tags, size_t n);
/* {"id": N, "deleted": true} */
char *tag_json_encode_deleted(int64_t id);
/* {"task_id": N, "tag_id": M, "attached": @attached} */
char *tag_json_encode_link(int64_t task_id, int64_t tag_id, bool attached);

#endif
