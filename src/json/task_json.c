#include "json/task_json.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json/json_internal.h"

#include "base/alloc.h"

/* Take a string member; NULL JSON value allowed only when @nullable. */
static int take_string(json_t *v, const char *field, bool nullable, char **out, struct err *e)
{
	if (json_is_null(v)) {
		if (!nullable)
			return err_set(e, TODO_EINVAL, field, "%s must be a string, not null", field);
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return err_set(e, TODO_EINVAL, field, "%s must be a string", field);
	*out = xstrndup(json_string_value(v), json_string_length(v));
	if (strlen(*out) != json_string_length(v)) {
		free(*out);
		*out = NULL;
		return err_set(e, TODO_EINVAL, field, "%s must not contain NUL characters", field);
	}
	return 0;
}

int task_json_parse_input(const uint8_t *body, size_t len, struct task_input *in, struct err *e)
{
	memset(in, 0, sizeof(*in));
	size_t ws = 0;   /* body is not NUL-terminated: count leading white space by hand */
	while (ws < len && (body[ws] == ' ' || body[ws] == '\t' || body[ws] == '\r' || body[ws] == '\n'))
		ws++;
	if (ws == len)
		return err_set(e, TODO_EINVAL, "body", "request body is empty: expected a JSON object");
	json_error_t jerr;
	json_t *root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!root)
		return err_set(e, TODO_EINVAL, "body",
			       "could not parse JSON body: %s at line %d column %d",
			       jerr.text, jerr.line, jerr.column);
	int rc = 0;
	if (!json_is_object(root)) {
		rc = err_set(e, TODO_EINVAL, "body", "request body must be a JSON object");
		goto out_decref;
	}
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "title") == 0) {
			in->has_title = true;
			rc = take_string(v, "title", false, &in->title, e);
		} else if (strcmp(key, "description") == 0) {
			in->has_description = true;
			rc = take_string(v, "description", true, &in->description, e);
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

static json_t *task_to_json(const struct task *t)
{
	return json_pack("{sI ss ss ss? sb sI ss ss}",
			 "id", (json_int_t)t->id,
			 "user_id", t->user_id,
			 "title", t->title,
			 "description", t->description,
			 "completed", t->completed,
			 "version", (json_int_t)t->version,
			 "created_at", t->created_at,
			 "updated_at", t->updated_at);
}

char *task_json_encode(const struct task *t)
{
	return json__dump(task_to_json(t));
}

char *task_json_encode_list(const struct task *tasks, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, task_to_json(&tasks[i]));
	return json__dump(json_pack("{so sI}", "tasks", arr, "count", (json_int_t)n));
}

char *task_json_encode_deleted(int64_t id)
{
	return json__dump(json_pack("{sI sb}", "id", (json_int_t)id, "deleted", 1));
}

char *json_encode_object_kv(const char *const *pairs)
{
	json_t *o = json_object();
	for (; pairs[0] && pairs[1]; pairs += 2)
		json_object_set_new(o, pairs[0], json_string(pairs[1]));
	return json__dump(o);
}

char *json__dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		abort();   /* out of memory: see base/alloc.h */
	return s;
}
