/*
 * tools.h - the MCP tool table and the tool calls (module-internal to
 * src/mcp/). Every call into the use cases and the store of the MCP server
 * is in tools.c, so that a change of the use-case layer touches one file.
 */
#ifndef TODOD_MCP_TOOLS_H
#define TODOD_MCP_TOOLS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "json/mcp_json.h"

/* mcp__tools_list - the tools/list result, tools in table order (malloc'd);
 * NULL if a schema in the table is not valid JSON (a bug the tests catch). */
char *mcp__tools_list(void);

/* mcp__tool_find - the tool named @name, or NULL. */
const struct mcp_tool_desc *mcp__tool_find(const char *name);

/* mcp__tool_call - run tool @name for user @user with @args (may be NULL).
 * Returns 0 with *@out the structured result (malloc'd JSON object); or a
 * business failure the model can act on (invalid argument, not found,
 * conflict: TODO_EINVAL/ENOTFOUND/ECONFLICT/EFORBIDDEN) with the message in
 * @e, answered as a result with isError; or a failure of the service itself
 * (TODO_EUNAVAIL, TODO_ETIMEOUT, TODO_EINTERNAL), answered as a transport or
 * JSON-RPC error. */
int mcp__tool_call(const char *name, const struct mcp_args *args, const char *user, char **out,
		   struct err *e);

#endif
