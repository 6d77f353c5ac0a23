/*
 * rpc_client.c - blocking unary calls to daprd (or, in tests, to todod).
 *
 * One channel per client, shared by every thread; each call has its own
 * pluck completion queue, so a call blocks only its own thread.
 */
#include "rpc/rpc.h"

#include <stdlib.h>
#include <string.h>

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>

#include "base/alloc.h"
#include "rpc/rpc_internal.h"

struct rpc_client {
	grpc_channel *channel;
	char *api_token;        /* NULL when none */
};

struct rpc_client *rpc_client_new(const char *target, const char *api_token,
				  size_t max_message_bytes)
{
	struct rpc_client *c = xcalloc(1, sizeof(*c));
	grpc_arg args[2];
	memset(args, 0, sizeof(args));
	args[0].type = GRPC_ARG_INTEGER;
	args[0].key = GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
	args[0].value.integer = (int)max_message_bytes;
	args[1].type = GRPC_ARG_INTEGER;
	args[1].key = GRPC_ARG_MAX_SEND_MESSAGE_LENGTH;
	args[1].value.integer = (int)max_message_bytes;
	grpc_channel_args chargs = { .num_args = 2, .args = args };
	grpc_channel_credentials *creds = grpc_insecure_credentials_create();
	c->channel = grpc_channel_create(target, creds, &chargs);
	grpc_channel_credentials_release(creds);
	if (api_token && *api_token)
		c->api_token = xstrdup(api_token);
	return c;
}

void rpc_client_free(struct rpc_client *c)
{
	if (!c)
		return;
	grpc_channel_destroy(c->channel);
	free(c->api_token);
	free(c);
}

void rpc_reply_release(struct rpc_reply *r)
{
	free(r->status_msg);
	free(r->data);
	memset(r, 0, sizeof(*r));
}

int rpc_client_call(struct rpc_client *c, const char *method,
		    const struct rpc_md *md, size_t md_count,
		    const uint8_t *req, size_t req_len, int timeout_ms,
		    struct rpc_reply *reply)
{
	memset(reply, 0, sizeof(*reply));
	grpc_completion_queue *cq = grpc_completion_queue_create_for_pluck(NULL);
	gpr_timespec deadline = gpr_time_add(gpr_now(GPR_CLOCK_REALTIME),
					     gpr_time_from_millis(timeout_ms, GPR_TIMESPAN));
	grpc_slice method_slice = grpc_slice_from_copied_string(method);
	grpc_call *call = grpc_channel_create_call(c->channel, NULL, GRPC_PROPAGATE_DEFAULTS,
						   cq, method_slice, NULL, deadline, NULL);
	grpc_slice_unref(method_slice);

	size_t n_md = md_count + (c->api_token ? 1 : 0);
	grpc_metadata *send_md = xcalloc(n_md ? n_md : 1, sizeof(*send_md));
	for (size_t i = 0; i < md_count; i++) {
		send_md[i].key = grpc_slice_from_copied_string(md[i].key);
		send_md[i].value = grpc_slice_from_copied_string(md[i].value);
	}
	if (c->api_token) {
		send_md[md_count].key = grpc_slice_from_static_string("dapr-api-token");
		send_md[md_count].value = grpc_slice_from_copied_string(c->api_token);
	}

	grpc_byte_buffer *send_bb = rpc__bb_new(req, req_len);
	grpc_byte_buffer *recv_bb = NULL;
	grpc_metadata_array initial_md, trailing_md;
	grpc_metadata_array_init(&initial_md);
	grpc_metadata_array_init(&trailing_md);
	grpc_status_code status = GRPC_STATUS_UNKNOWN;
	grpc_slice details = grpc_empty_slice();

	grpc_op ops[6];
	memset(ops, 0, sizeof(ops));
	ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
	ops[0].data.send_initial_metadata.count = n_md;
	ops[0].data.send_initial_metadata.metadata = send_md;
	ops[1].op = GRPC_OP_SEND_MESSAGE;
	ops[1].data.send_message.send_message = send_bb;
	ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
	ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
	ops[3].data.recv_initial_metadata.recv_initial_metadata = &initial_md;
	ops[4].op = GRPC_OP_RECV_MESSAGE;
	ops[4].data.recv_message.recv_message = &recv_bb;
	ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
	ops[5].data.recv_status_on_client.trailing_metadata = &trailing_md;
	ops[5].data.recv_status_on_client.status = &status;
	ops[5].data.recv_status_on_client.status_details = &details;

	int tag;
	grpc_call_error e = grpc_call_start_batch(call, ops, 6, &tag, NULL);
	if (e == GRPC_CALL_OK) {
		grpc_event ev = grpc_completion_queue_pluck(cq, &tag,
							    gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
		(void)ev;   /* the status op always completes, by deadline at worst */
		reply->status = (int)status;
		if (GRPC_SLICE_LENGTH(details))
			reply->status_msg = rpc__slice_dup(details);
		if (status == GRPC_STATUS_OK)
			rpc__bb_read(recv_bb, &reply->data, &reply->len);
	} else {
		reply->status = RPC_INTERNAL;
		reply->status_msg = xasprintf("grpc_call_start_batch failed: %d", (int)e);
	}

	if (recv_bb)
		grpc_byte_buffer_destroy(recv_bb);
	grpc_byte_buffer_destroy(send_bb);
	grpc_slice_unref(details);
	grpc_metadata_array_destroy(&initial_md);
	grpc_metadata_array_destroy(&trailing_md);
	for (size_t i = 0; i < n_md; i++) {
		grpc_slice_unref(send_md[i].key);
		grpc_slice_unref(send_md[i].value);
	}
	free(send_md);
	grpc_call_unref(call);
	grpc_completion_queue_shutdown(cq);
	while (grpc_completion_queue_pluck(cq, NULL, gpr_inf_future(GPR_CLOCK_REALTIME), NULL).type != GRPC_QUEUE_SHUTDOWN)
		;
	grpc_completion_queue_destroy(cq);
	return reply->status;
}
