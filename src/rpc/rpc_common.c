#include "rpc/rpc.h"

#include <string.h>

#include <grpc/grpc.h>

const char *rpc_code_name(int code)
{
	static const char *const names[] = {
		"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
		"PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
		"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
		"UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
	};
	if (code < 0 || code > RPC_UNAUTHENTICATED)
		return "UNKNOWN";
	return names[code];
}

const char *rpc_call_md(const struct rpc_call *call, const char *key)
{
	for (size_t i = 0; i < call->md_count; i++)
		if (strcmp(call->md[i].key, key) == 0)
			return call->md[i].value;
	return NULL;
}

void rpc_init(void)
{
	grpc_init();
}

void rpc_shutdown(void)
{
	grpc_shutdown();
}

/* ---- byte buffers (shared by server and client) ---- */

#include "base/alloc.h"
#include "rpc/rpc_internal.h"

#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>

void rpc__bb_read(grpc_byte_buffer *bb, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (!bb)
		return;
	grpc_byte_buffer_reader reader;
	if (!grpc_byte_buffer_reader_init(&reader, bb))
		return;
	grpc_slice s = grpc_byte_buffer_reader_readall(&reader);
	*len = GRPC_SLICE_LENGTH(s);
	*out = xmalloc(*len);
	memcpy(*out, GRPC_SLICE_START_PTR(s), *len);
	grpc_slice_unref(s);
	grpc_byte_buffer_reader_destroy(&reader);
}

grpc_byte_buffer *rpc__bb_new(const uint8_t *data, size_t len)
{
	grpc_slice s = grpc_slice_from_copied_buffer((const char *)data, len);
	grpc_byte_buffer *bb = grpc_raw_byte_buffer_create(&s, 1);
	grpc_slice_unref(s);
	return bb;
}

char *rpc__slice_dup(grpc_slice s)
{
	return xstrndup((const char *)GRPC_SLICE_START_PTR(s), GRPC_SLICE_LENGTH(s));
}
