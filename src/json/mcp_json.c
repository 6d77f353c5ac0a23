/* mcp_json.c - JSON-RPC envelope, tool arguments and results of the MCP
 * server (see mcp_json.h). */
#include "json/mcp_json.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json/codec_internal.h"

#include "base/alloc.h"

#define J(a) ((json_t *)(a))

static bool is_id(json_t *v)
{
	return json_is_string(v) || json_is_integer(v);
}

int mcp_json_parse(const uint8_t *body, size_t len, struct mcp_message *m, struct err *e)
{
	memset(m, 0, sizeof(*m));
	json_error_t jerr;
	json_t *root = len ? json_loadb((const char *)body, len,
					 JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr) : NULL;
	if (!root) {
		err_set(e, TODO_EINVAL, "body", "could not parse JSON-RPC message: %s",
			len ? jerr.text : "empty body");
		return MCP_PARSE_ERROR;
	}
	int code = MCP_INVALID_REQUEST;
	if (json_is_array(root)) {
		err_set(e, TODO_EINVAL, "body", "JSON-RPC batches are not supported: send one message per request");
		goto out;
	}
	if (!json_is_object(root)) {
		err_set(e, TODO_EINVAL, "body", "a JSON-RPC message must be an object");
		goto out;
	}
	json_t *id = json_object_get(root, "id");
	if (id && is_id(id))
		m->id = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
	json_t *ver = json_object_get(root, "jsonrpc");
	if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0") != 0) {
		err_set(e, TODO_EINVAL, "jsonrpc", "jsonrpc must be \"2.0\"");
		goto out;
	}
	if (id && !is_id(id)) {
		err_set(e, TODO_EINVAL, "id", "id must be a string or an integer, not %s",
			json_is_null(id) ? "null" : "another type");
		goto out;
	}
	json_t *method = json_object_get(root, "method");
	json_t *params = json_object_get(root, "params");
	if (!method) {
		/* A response from the client: needs an id and a result or error. */
		if (!id || (!json_object_get(root, "result") && !json_object_get(root, "error"))) {
			err_set(e, TODO_EINVAL, "method", "method is missing");
			goto out;
		}
		code = 0;
		goto out;
	}
	if (!json_is_string(method) || json_string_length(method) == 0 ||
	    strlen(json_string_value(method)) != json_string_length(method)) {
		err_set(e, TODO_EINVAL, "method", "method must be a non-empty string");
		goto out;
	}
	if (params && !json_is_object(params)) {
		err_set(e, TODO_EINVAL, "params", "params must be an object");
		goto out;
	}
	m->method = xstrdup(json_string_value(method));
	if (params) {
		json_incref(params);
		m->params = (struct mcp_args *)params;
	}
	code = 0;
out:
	json_decref(root);
	return code;
}

void mcp_message_release(struct mcp_message *m)
{
	free(m->method);
	free(m->id);
	json_decref(J(m->params));
	memset(m, 0, sizeof(*m));
}

int mcp_json_call_params(const struct mcp_message *m, const char **name,
			 const struct mcp_args **args, struct err *e)
{
	json_t *p = J(m->params);
	json_t *n = p ? json_object_get(p, "name") : NULL;
	if (!json_is_string(n) || strlen(json_string_value(n)) != json_string_length(n))
		return err_set(e, TODO_EINVAL, "name", "params.name must be the name of a tool");
	json_t *a = json_object_get(p, "arguments");
	if (a && !json_is_null(a) && !json_is_object(a))
		return err_set(e, TODO_EINVAL, "arguments", "params.arguments must be an object");
	*name = json_string_value(n);
	*args = json_is_object(a) ? (const struct mcp_args *)a : NULL;
	return 0;
}

const char *mcp_json_param_str(const struct mcp_message *m, const char *key)
{
	json_t *v = m->params ? json_object_get(J(m->params), key) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int mcp_args_check_known(const struct mcp_args *a, const char *const *known, struct err *e)
{
	const char *key;
	json_t *v;
	if (!a)
		return 0;
	json_object_foreach(J(a), key, v) {
		bool ok = false;
		for (size_t i = 0; known[i] && !ok; i++)
			ok = strcmp(known[i], key) == 0;
		if (!ok)
			return err_set(e, TODO_EINVAL, "arguments", "unknown argument \"%.64s\"", key);
	}
	return 0;
}

bool mcp_args_has(const struct mcp_args *a, const char *key)
{
	return a && json_object_get(J(a), key) != NULL;
}

int mcp_args_int(const struct mcp_args *a, const char *key, bool required, int64_t min,
		 int64_t max, int64_t *out, bool *present, struct err *e)
{
	json_t *v = a ? json_object_get(J(a), key) : NULL;
	if (present)
		*present = v != NULL;
	if (!v) {
		if (required)
			return err_set(e, TODO_EINVAL, key, "argument %s is required", key);
		return 0;
	}
	if (!json_is_integer(v))
		return err_set(e, TODO_EINVAL, key, "argument %s must be an integer", key);
	json_int_t i = json_integer_value(v);
	if (i < min || i > max)
		return err_set(e, TODO_EINVAL, key, "argument %s is %lld, not in [%lld, %lld]", key,
			       (long long)i, (long long)min, (long long)max);
	*out = i;
	return 0;
}

int mcp_args_str(const struct mcp_args *a, const char *key, bool required, const char **out,
		 struct err *e)
{
	json_t *v = a ? json_object_get(J(a), key) : NULL;
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return err_set(e, TODO_EINVAL, key, "argument %s is required", key);
		return 0;
	}
	if (!json_is_string(v))
		return err_set(e, TODO_EINVAL, key, "argument %s must be a string", key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return err_set(e, TODO_EINVAL, key, "argument %s must not contain NUL characters", key);
	*out = json_string_value(v);
	return 0;
}

int mcp_args_bool(const struct mcp_args *a, const char *key, bool *out, bool *present,
		  struct err *e)
{
	json_t *v = a ? json_object_get(J(a), key) : NULL;
	if (present)
		*present = v != NULL;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return err_set(e, TODO_EINVAL, key, "argument %s must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

char *mcp_args_body(const struct mcp_args *a, const char *const *drop)
{
	json_t *o = a ? json_copy(J(a)) : json_object();
	for (size_t i = 0; drop && drop[i]; i++)
		json_object_del(o, drop[i]);
	return codec__dump_new(o);
}

static json_t *envelope(const char *id)
{
	json_t *jid = id ? json_loads(id, JSON_DECODE_ANY, NULL) : NULL;
	return json_pack("{ss so}", "jsonrpc", "2.0", "id", jid ? jid : json_null());
}

char *mcp_json_result(const char *id, const char *result_json)
{
	json_t *o = envelope(id);
	json_t *r = json_loads(result_json, 0, NULL);
	json_object_set_new(o, "result", r ? r : json_object());
	return codec__dump_new(o);
}

char *mcp_json_error(const char *id, int code, const char *message)
{
	json_t *o = envelope(id);
	json_object_set_new(o, "error", json_pack("{si ss}", "code", code, "message", message));
	return codec__dump_new(o);
}

char *mcp_json_initialize(const char *version, const char *name, const char *server_version,
			  const char *instructions)
{
	return codec__dump_new(json_pack("{ss s{s{sb}} s{ss ss} ss}",
				    "protocolVersion", version,
				    "capabilities", "tools", "listChanged", 0,
				    "serverInfo", "name", name, "version", server_version,
				    "instructions", instructions));
}

char *mcp_json_tools_list(const struct mcp_tool_desc *tools, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct mcp_tool_desc *t = &tools[i];
		json_t *in = json_loads(t->input_schema, 0, NULL);
		json_t *out = json_loads(t->output_schema, 0, NULL);
		if (!in || !out) {
			json_decref(in);
			json_decref(out);
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, json_pack("{ss ss ss so so s{sb sb sb sb}}",
			"name", t->name, "title", t->title, "description", t->description,
			"inputSchema", in, "outputSchema", out,
			"annotations", "readOnlyHint", t->read_only, "destructiveHint", t->destructive,
			"idempotentHint", t->idempotent, "openWorldHint", 0));
	}
	return codec__dump_new(json_pack("{so}", "tools", arr));
}

char *mcp_json_tool_result(const char *json, bool is_error)
{
	json_t *sc = is_error ? NULL : json_loads(json, 0, NULL);
	json_t *o = json_pack("{s[{ss ss}] sb}", "content", "type", "text", "text", json,
			      "isError", is_error);
	if (sc)
		json_object_set_new(o, "structuredContent", sc);
	return codec__dump_new(o);
}
