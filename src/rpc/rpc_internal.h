/* rpc_internal.h - helpers shared by rpc_server.c and rpc_client.c only. */
#ifndef TODOD_RPC_INTERNAL_H
#define TODOD_RPC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <grpc/byte_buffer.h>
#include <grpc/grpc.h>

/* rpc__bb_read - copy a received byte buffer into one malloc'd block
 * (*@out, *@len); a NULL buffer gives an empty block. */
void rpc__bb_read(grpc_byte_buffer *bb, uint8_t **out, size_t *len);

/* rpc__bb_new - a byte buffer holding a copy of @data[0..len). */
grpc_byte_buffer *rpc__bb_new(const uint8_t *data, size_t len);

/* rpc__slice_dup - NUL-terminated malloc'd copy of @s. */
char *rpc__slice_dup(grpc_slice s);

#endif
