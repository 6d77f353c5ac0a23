#include "json/tag_json.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json/codec_internal.h"

#include "base/alloc.h"

int tag_json_parse_input(const uint8_t *body, size_t len, struct tag_input *in, struct err *e)
{
	memset(in, 0, sizeof(*in));
	json_t *root;
	int rc = codec__load_object(body, len, &root, e);
	if (rc)
		return rc;
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "name") == 0) {
			in->has_name = true;
			rc = codec__string_copy(v, "name", false, &in->name, e);
		} else if (strcmp(key, "color") == 0) {
			in->has_color = true;
			rc = codec__string_copy(v, "color", true, &in->color, e);
		} else {
			rc = err_set(e, TODO_EINVAL, key, "unknown field \"%.64s\"", key);
		}
		if (rc)
			goto out_decref;
	}
out_decref:
	json_decref(root);
	return rc;
}

static json_t *tag_to_json(const struct tag *t)
{
	return json_pack("{sI ss ss? ss}",
			 "id", (json_int_t)t->id,
			 "name", t->name,
			 "color", t->color[0] ? t->color : NULL,
			 "created_at", t->created_at);
}

char *tag_json_encode(const struct tag *t)
{
	return codec__dump_new(tag_to_json(t));
}

char *tag_json_encode_list(const struct tag *tags, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, tag_to_json(&tags[i]));
	return codec__dump_new(json_pack("{so sI}", "tags", arr, "count", (json_int_t)n));
}

char *tag_json_encode_deleted(int64_t id)
{
	return codec__dump_new(json_pack("{sI sb}", "id", (json_int_t)id, "deleted", 1));
}

char *tag_json_encode_link(int64_t task_id, int64_t tag_id, bool attached)
{
	return codec__dump_new(json_pack("{sI sI sb}", "task_id", (json_int_t)task_id,
				    "tag_id", (json_int_t)tag_id, "attached", (int)attached));
}
