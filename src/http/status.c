#include "http/status.h"

#include <stddef.h>

#include "base/err.h"
#include "rpc/rpc.h"

static const struct {
	int err;
	int rpc;
	int http;
} table[] = {
	{ TODO_OK, RPC_OK, 200 },
	{ TODO_EINVAL, RPC_INVALID_ARGUMENT, 400 },
	{ TODO_EUNAUTH, RPC_UNAUTHENTICATED, 401 },
	{ TODO_EFORBIDDEN, RPC_PERMISSION_DENIED, 403 },
	{ TODO_ENOTFOUND, RPC_NOT_FOUND, 404 },
	{ TODO_ECONFLICT, RPC_ALREADY_EXISTS, 409 },
	{ TODO_EMETHOD, RPC_FAILED_PRECONDITION, 400 },
	{ TODO_ETOOBIG, RPC_OUT_OF_RANGE, 400 },
	{ TODO_EUNAVAIL, RPC_UNAVAILABLE, 503 },
	{ TODO_ETIMEOUT, RPC_DEADLINE_EXCEEDED, 504 },
	{ TODO_EBUSY, RPC_RESOURCE_EXHAUSTED, 429 },
	{ TODO_EINTERNAL, RPC_INTERNAL, 500 },
};

int status_rpc_code(int err)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].err == err)
			return table[i].rpc;
	return RPC_INTERNAL;
}

int status_http_code(int err)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].err == err)
			return table[i].http;
	return 500;
}

int status_from_rpc(int rpc_code)
{
	switch (rpc_code) {
	case RPC_OK: return TODO_OK;
	case RPC_UNAVAILABLE: return TODO_EUNAVAIL;
	case RPC_DEADLINE_EXCEEDED: return TODO_ETIMEOUT;
	case RPC_NOT_FOUND: return TODO_ENOTFOUND;
	case RPC_ALREADY_EXISTS:
	case RPC_ABORTED: return TODO_ECONFLICT;
	case RPC_INVALID_ARGUMENT: return TODO_EINVAL;
	case RPC_RESOURCE_EXHAUSTED: return TODO_EBUSY;
	default: return TODO_EINTERNAL;
	}
}
