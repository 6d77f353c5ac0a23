/*
 * status.h - the one table from project error codes to transport statuses.
 *
 * daprd maps the gRPC status of OnInvoke to the HTTP status its caller
 * sees (dapr pkg/messaging/v1/util.go HTTPStatusFromCode), so choosing the
 * gRPC code chooses the HTTP status. gRPC has no 405 or 413: a verb not
 * allowed on a known route and an oversize body both become 400.
 */
#ifndef TODOD_HTTP_STATUS_H
#define TODOD_HTTP_STATUS_H

/* status_rpc_code - enum rpc_code for a TODO_E* code (0 -> OK). */
int status_rpc_code(int err);

/* status_http_code - the HTTP status a client of daprd sees for @err. */
int status_http_code(int err);

/* status_from_rpc - TODO_E* code for a failed call to daprd with @rpc_code. */
int status_from_rpc(int rpc_code);

#endif
