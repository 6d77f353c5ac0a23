/*
 * mcp_json.h - the JSON side of the MCP server (src/mcp/): the JSON-RPC 2.0
 * envelope, the arguments of a tool call, and the result shapes. Only this
 * file's .c includes jansson; src/mcp/ sees opaque handles and C values.
 *
 * Envelope rules (MCP 2025-11-25, basic/index): one message per body (a batch
 * is refused), "jsonrpc" must be "2.0", an id is a string or an integer and
 * never null, a notification has no id. A message with an id and no method is
 * a client's response (to a server request we never send): it is accepted
 * and ignored like a notification.
 */
#ifndef TODOD_JSON_MCP_JSON_H
#define TODOD_JSON_MCP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* JSON-RPC error codes. */
#define MCP_PARSE_ERROR -32700
#define MCP_INVALID_REQUEST -32600
#define MCP_METHOD_NOT_FOUND -32601
#define MCP_INVALID_PARAMS -32602
#define MCP_INTERNAL_ERROR -32603

/* The arguments object of a tools/call (a jansson object inside). */
struct mcp_args;

struct mcp_message {
	char *method;            /* malloc'd; NULL for a client response */
	char *id;                /* malloc'd JSON text of the id; NULL: none */
	struct mcp_args *params; /* the params object, or NULL when absent */
};

/* mcp_json_parse - decode one message. Returns 0, or a JSON-RPC error code
 * (MCP_PARSE_ERROR / MCP_INVALID_REQUEST) with the reason in @e->msg; in
 * that case @m->id holds the id when it could be read (else NULL: the error
 * answer carries id null, as JSON-RPC prescribes). Release with
 * mcp_message_release on every path. */
int mcp_json_parse(const uint8_t *body, size_t len, struct mcp_message *m, struct err *e);
void mcp_message_release(struct mcp_message *m);

/* mcp_json_call_params - the name and arguments of tools/call (@args NULL
 * when no arguments were given; borrowed from @m). TODO_EINVAL otherwise. */
int mcp_json_call_params(const struct mcp_message *m, const char **name,
			 const struct mcp_args **args, struct err *e);

/* ---- arguments (each TODO_EINVAL naming the field on a wrong type) ---- */

/* mcp_args_check_known - every key of @a is in @known (NULL-terminated). */
int mcp_args_check_known(const struct mcp_args *a, const char *const *known, struct err *e);
/* mcp_args_has - the key is present (even when null). */
bool mcp_args_has(const struct mcp_args *a, const char *key);
/* mcp_args_int - an integer in [@min, @max]; absent: *@present false (or
 * TODO_EINVAL when @required). */
int mcp_args_int(const struct mcp_args *a, const char *key, bool required, int64_t min,
		 int64_t max, int64_t *out, bool *present, struct err *e);
/* mcp_args_str - a string without NUL (borrowed); absent or null: NULL (or
 * TODO_EINVAL when @required). */
int mcp_args_str(const struct mcp_args *a, const char *key, bool required, const char **out,
		 struct err *e);
/* mcp_args_bool - a boolean; absent: *@out unchanged, *@present false. */
int mcp_args_bool(const struct mcp_args *a, const char *key, bool *out, bool *present,
		  struct err *e);
/* mcp_args_body - the arguments without the keys in @drop, as the JSON
 * text of a REST request body (malloc'd), so the REST codec parses it. */
char *mcp_args_body(const struct mcp_args *a, const char *const *drop);

/* mcp_json_param_str - string member @key of the params object, or NULL. */
const char *mcp_json_param_str(const struct mcp_message *m, const char *key);

/* ---- answers (malloc'd JSON text) ---- */

/* A tool as tools/list shows it; schemas are JSON text. */
struct mcp_tool_desc {
	const char *name;
	const char *title;
	const char *description;
	const char *input_schema;
	const char *output_schema;
	bool read_only;
	bool destructive;
	bool idempotent;
};

/* mcp_json_result - {"jsonrpc":"2.0","id":@id,"result":@result_json}. */
char *mcp_json_result(const char *id, const char *result_json);
/* mcp_json_error - a JSON-RPC error answer (@id NULL: null). */
char *mcp_json_error(const char *id, int code, const char *message);
/* mcp_json_initialize - the initialize result. */
char *mcp_json_initialize(const char *version, const char *name, const char *server_version,
			  const char *instructions);
/* mcp_json_tools_list - the tools/list result; NULL if a schema in @tools
 * is not valid JSON (a bug, caught by the unit test). */
char *mcp_json_tools_list(const struct mcp_tool_desc *tools, size_t n);
/* mcp_json_tool_result - a CallToolResult: on success @json (an object) as
 * structuredContent and as a text block; on failure (@is_error) the text
 * @json is the message and there is no structuredContent. */
char *mcp_json_tool_result(const char *json, bool is_error);

#endif
