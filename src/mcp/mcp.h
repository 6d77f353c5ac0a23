/*
 * mcp.h - the MCP (Model Context Protocol) server: the tools of
 * src/mcp/tools.c behind one JSON-RPC endpoint, reached through daprd as
 * `POST /v1.0/invoke/<app-id>/method/mcp`.
 *
 * Profile (MCP revision 2025-11-25, Streamable HTTP, see README "MCP"):
 * stateless (no Mcp-Session-Id; any request is served without a prior
 * initialize, so replicas share nothing), JSON answers only, HTTP 200 for
 * every JSON-RPC answer (daprd maps gRPC OK to 200 and replaces the body of
 * any other status), 200 with an empty body for a notification (202 is not
 * reachable through daprd). Transport refusals are gRPC errors: no or bad
 * bearer token -> 401, foreign Origin -> 403, unsupported
 * MCP-Protocol-Version or a verb other than POST -> 400 (a GET must never get
 * OK: an empty 200 event stream sends the TypeScript client into a reconnect
 * loop), rate limit -> 429.
 *
 * Identity is the bearer token's subject, exactly as for REST; no tool takes
 * a user id.
 */
#ifndef TODOD_MCP_MCP_H
#define TODOD_MCP_MCP_H

#include "app.h"
#include "http/http.h"

#define MCP_PATH "mcp"
#define MCP_PROTOCOL_VERSION "2025-11-25"

/* mcp_dispatch - answer one MCP POST. Returns 0 with resp->body the JSON-RPC
 * answer (NULL for a notification: an empty 200), or a TODO_E* code with
 * resp->err set (a transport refusal). */
int mcp_dispatch(struct app *app, struct http_request *req, struct http_response *resp);

#endif
