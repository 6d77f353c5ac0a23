#include "dapr/dapr_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/log.h"
#include "dapr/proto/runtime/v1/dapr.pb-c.h"
#include "http/status.h"
#include "rpc/rpc.h"

#define DAPR_METHOD(name) "/dapr.proto.runtime.v1.Dapr/" name
#define CALL_TIMEOUT_MS 5000

struct dapr_client {
	struct rpc_client *rpc;
};

struct dapr_client *dapr_client_new(const char *addr, const char *api_token, size_t max_message_bytes)
{
	struct dapr_client *c = xcalloc(1, sizeof(*c));
	c->rpc = rpc_client_new(addr, api_token, max_message_bytes);
	return c;
}

void dapr_client_free(struct dapr_client *c)
{
	if (!c)
		return;
	rpc_client_free(c->rpc);
	free(c);
}

/* Pack @msg, call @method, and turn a failed status into a project error. */
static int call(struct dapr_client *c, const char *method, const ProtobufCMessage *msg,
		struct rpc_reply *reply, struct err *e)
{
	size_t len = protobuf_c_message_get_packed_size(msg);
	uint8_t *buf = xmalloc(len);
	protobuf_c_message_pack(msg, buf);
	int st = rpc_client_call(c->rpc, method, NULL, 0, buf, len, CALL_TIMEOUT_MS, reply);
	free(buf);
	if (st == RPC_OK)
		return 0;
	int code = status_from_rpc(st);
	return err_set(e, code, NULL, "dapr %s failed: %s: %s", strrchr(method, '/') + 1,
		       rpc_code_name(st), reply->status_msg ? reply->status_msg : "");
}

int dapr_get_secret(struct dapr_client *c, const char *store, const char *key,
		    char **value, struct err *e)
{
	Dapr__Proto__Runtime__V1__GetSecretRequest req = DAPR__PROTO__RUNTIME__V1__GET_SECRET_REQUEST__INIT;
	req.store_name = (char *)store;
	req.key = (char *)key;
	struct rpc_reply reply;
	int rc = call(c, DAPR_METHOD("GetSecret"), &req.base, &reply, e);
	if (rc)
		goto out_release;
	Dapr__Proto__Runtime__V1__GetSecretResponse *resp =
		dapr__proto__runtime__v1__get_secret_response__unpack(NULL, reply.len, reply.data);
	if (!resp) {
		rc = err_set(e, TODO_EINTERNAL, NULL, "could not decode GetSecretResponse");
		goto out_release;
	}
	rc = err_set(e, TODO_ENOTFOUND, key, "secret \"%s\" has no value \"%s\" in store \"%s\"",
		     key, key, store);
	for (size_t i = 0; i < resp->n_data; i++) {
		if (strcmp(resp->data[i]->key, key) == 0) {
			*value = xstrdup(resp->data[i]->value);
			rc = 0;
			break;
		}
	}
	dapr__proto__runtime__v1__get_secret_response__free_unpacked(resp, NULL);
out_release:
	rpc_reply_release(&reply);
	return rc;
}

int dapr_publish(struct dapr_client *c, const char *pubsub, const char *topic,
		 const void *data, size_t len, const char *content_type,
		 const struct dapr_kv *metadata, size_t nmetadata, struct err *e)
{
	Dapr__Proto__Runtime__V1__PublishEventRequest req = DAPR__PROTO__RUNTIME__V1__PUBLISH_EVENT_REQUEST__INIT;
	req.pubsub_name = (char *)pubsub;
	req.topic = (char *)topic;
	req.data.data = (uint8_t *)data;
	req.data.len = len;
	req.data_content_type = (char *)content_type;
	Dapr__Proto__Runtime__V1__PublishEventRequest__MetadataEntry *entries =
		xcalloc(nmetadata ? nmetadata : 1, sizeof(*entries));
	Dapr__Proto__Runtime__V1__PublishEventRequest__MetadataEntry **ptrs =
		xcalloc(nmetadata ? nmetadata : 1, sizeof(*ptrs));
	for (size_t i = 0; i < nmetadata; i++) {
		dapr__proto__runtime__v1__publish_event_request__metadata_entry__init(&entries[i]);
		entries[i].key = (char *)metadata[i].key;
		entries[i].value = (char *)metadata[i].value;
		ptrs[i] = &entries[i];
	}
	req.n_metadata = nmetadata;
	req.metadata = ptrs;
	struct rpc_reply reply;
	int rc = call(c, DAPR_METHOD("PublishEvent"), &req.base, &reply, e);
	rpc_reply_release(&reply);
	free(ptrs);
	free(entries);
	return rc;
}

int dapr_bulk_publish(struct dapr_client *c, const char *pubsub, const char *topic,
		      const struct dapr_bulk_entry *entries, size_t n, bool *failed,
		      struct err *e)
{
	Dapr__Proto__Runtime__V1__BulkPublishRequest req = DAPR__PROTO__RUNTIME__V1__BULK_PUBLISH_REQUEST__INIT;
	req.pubsub_name = (char *)pubsub;
	req.topic = (char *)topic;
	Dapr__Proto__Runtime__V1__BulkPublishRequestEntry *es = xcalloc(n ? n : 1, sizeof(*es));
	Dapr__Proto__Runtime__V1__BulkPublishRequestEntry **eptrs = xcalloc(n ? n : 1, sizeof(*eptrs));
	size_t nmd = 0;
	for (size_t i = 0; i < n; i++)
		nmd += entries[i].nmetadata;
	Dapr__Proto__Runtime__V1__BulkPublishRequestEntry__MetadataEntry *mds = xcalloc(nmd ? nmd : 1, sizeof(*mds));
	Dapr__Proto__Runtime__V1__BulkPublishRequestEntry__MetadataEntry **mptrs = xcalloc(nmd ? nmd : 1, sizeof(*mptrs));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		dapr__proto__runtime__v1__bulk_publish_request_entry__init(&es[i]);
		es[i].entry_id = (char *)entries[i].entry_id;
		es[i].event.data = (uint8_t *)entries[i].data;
		es[i].event.len = entries[i].len;
		es[i].content_type = (char *)entries[i].content_type;
		es[i].n_metadata = entries[i].nmetadata;
		es[i].metadata = &mptrs[m];
		for (size_t k = 0; k < entries[i].nmetadata; k++, m++) {
			dapr__proto__runtime__v1__bulk_publish_request_entry__metadata_entry__init(&mds[m]);
			mds[m].key = (char *)entries[i].metadata[k].key;
			mds[m].value = (char *)entries[i].metadata[k].value;
			mptrs[m] = &mds[m];
		}
		eptrs[i] = &es[i];
		failed[i] = false;
	}
	req.n_entries = n;
	req.entries = eptrs;
	struct rpc_reply reply;
	int rc = call(c, DAPR_METHOD("BulkPublishEvent"), &req.base, &reply, e);
	if (rc && reply.status == RPC_UNIMPLEMENTED) {
		rpc_reply_release(&reply);
		rc = call(c, DAPR_METHOD("BulkPublishEventAlpha1"), &req.base, &reply, e);
	}
	if (rc) {
		for (size_t i = 0; i < n; i++)
			failed[i] = true;
	} else {
		Dapr__Proto__Runtime__V1__BulkPublishResponse *resp =
			dapr__proto__runtime__v1__bulk_publish_response__unpack(NULL, reply.len, reply.data);
		if (!resp) {
			for (size_t i = 0; i < n; i++)
				failed[i] = true;
			rc = err_set(e, TODO_EINTERNAL, NULL, "could not decode BulkPublishResponse");
		} else {
			for (size_t f = 0; f < resp->n_failedentries; f++) {
				for (size_t i = 0; i < n; i++)
					if (strcmp(resp->failedentries[f]->entry_id, entries[i].entry_id) == 0)
						failed[i] = true;
				if (f == 0)
					err_set(e, TODO_EUNAVAIL, NULL, "bulk publish entry failed: %s",
						resp->failedentries[f]->error);
			}
			dapr__proto__runtime__v1__bulk_publish_response__free_unpacked(resp, NULL);
		}
	}
	rpc_reply_release(&reply);
	free(mptrs);
	free(mds);
	free(eptrs);
	free(es);
	return rc;
}

int dapr_schedule_job(struct dapr_client *c, const char *name, const char *due_time,
		      const char *type_url, const void *data, size_t len, bool overwrite,
		      struct err *e)
{
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;
	any.type_url = (char *)type_url;
	any.value.data = (uint8_t *)data;
	any.value.len = len;
	Dapr__Proto__Runtime__V1__Job job = DAPR__PROTO__RUNTIME__V1__JOB__INIT;
	job.name = (char *)name;
	job.due_time = (char *)due_time;
	job.data = &any;
	Dapr__Proto__Runtime__V1__ScheduleJobRequest req = DAPR__PROTO__RUNTIME__V1__SCHEDULE_JOB_REQUEST__INIT;
	req.job = &job;
	req.overwrite = overwrite;
	struct rpc_reply reply;
	int rc = call(c, DAPR_METHOD("ScheduleJob"), &req.base, &reply, e);
	if (rc && reply.status == RPC_UNIMPLEMENTED) {
		rpc_reply_release(&reply);
		rc = call(c, DAPR_METHOD("ScheduleJobAlpha1"), &req.base, &reply, e);
	}
	rpc_reply_release(&reply);
	return rc;
}

int dapr_delete_job(struct dapr_client *c, const char *name, struct err *e)
{
	Dapr__Proto__Runtime__V1__DeleteJobRequest req = DAPR__PROTO__RUNTIME__V1__DELETE_JOB_REQUEST__INIT;
	req.name = (char *)name;
	struct rpc_reply reply;
	int rc = call(c, DAPR_METHOD("DeleteJob"), &req.base, &reply, e);
	if (rc && reply.status == RPC_UNIMPLEMENTED) {
		rpc_reply_release(&reply);
		rc = call(c, DAPR_METHOD("DeleteJobAlpha1"), &req.base, &reply, e);
	}
	/* daprd (1.14-1.18) answers a missing job with INTERNAL and the
	 * scheduler's "job not found" as its only distinction: this is the one
	 * place that reads daprd's wire answer into an error kind. */
	if (rc && reply.status == RPC_INTERNAL && reply.status_msg &&
	    strstr(reply.status_msg, "job not found"))
		rc = err_set(e, TODO_ENOTFOUND, "name", "job \"%s\" not found", name);
	rpc_reply_release(&reply);
	return rc;
}

int dapr_state_save(struct dapr_client *c, const char *store, const char *key, const void *value,
		    size_t len, int ttl_s, struct err *e)
{
	char ttl[16];
	snprintf(ttl, sizeof(ttl), "%d", ttl_s);
	Dapr__Proto__Common__V1__StateItem__MetadataEntry md =
		DAPR__PROTO__COMMON__V1__STATE_ITEM__METADATA_ENTRY__INIT;
	md.key = "ttlInSeconds";
	md.value = ttl;
	Dapr__Proto__Common__V1__StateItem__MetadataEntry *mds[] = { &md };
	Dapr__Proto__Common__V1__StateItem item = DAPR__PROTO__COMMON__V1__STATE_ITEM__INIT;
	item.key = (char *)key;
	item.value.data = (uint8_t *)value;
	item.value.len = len;
	if (ttl_s > 0) {
		item.n_metadata = 1;
		item.metadata = mds;
	}
	Dapr__Proto__Common__V1__StateItem *items[] = { &item };
	Dapr__Proto__Runtime__V1__SaveStateRequest req = DAPR__PROTO__RUNTIME__V1__SAVE_STATE_REQUEST__INIT;
	req.store_name = (char *)store;
	req.n_states = 1;
	req.states = items;
	struct rpc_reply reply;
	int rc = call(c, DAPR_METHOD("SaveState"), &req.base, &reply, e);
	rpc_reply_release(&reply);
	return rc;
}

int dapr_state_get(struct dapr_client *c, const char *store, const char *key, char **value,
		   size_t *len, char **etag, struct err *e)
{
	*value = NULL;
	*etag = NULL;
	*len = 0;
	Dapr__Proto__Runtime__V1__GetStateRequest req = DAPR__PROTO__RUNTIME__V1__GET_STATE_REQUEST__INIT;
	req.store_name = (char *)store;
	req.key = (char *)key;
	req.consistency = DAPR__PROTO__COMMON__V1__STATE_OPTIONS__STATE_CONSISTENCY__CONSISTENCY_STRONG;
	struct rpc_reply reply;
	int rc = call(c, DAPR_METHOD("GetState"), &req.base, &reply, e);
	if (rc)
		goto out_release;
	Dapr__Proto__Runtime__V1__GetStateResponse *resp =
		dapr__proto__runtime__v1__get_state_response__unpack(NULL, reply.len, reply.data);
	if (!resp) {
		rc = err_set(e, TODO_EINTERNAL, NULL, "could not decode GetStateResponse");
		goto out_release;
	}
	if (resp->data.len == 0) {
		rc = err_set(e, TODO_ENOTFOUND, "key", "no state \"%s\" in store \"%s\"", key, store);
	} else {
		*value = xmalloc(resp->data.len + 1);
		memcpy(*value, resp->data.data, resp->data.len);
		(*value)[resp->data.len] = '\0';
		*len = resp->data.len;
		*etag = xstrdup(resp->etag ? resp->etag : "");
	}
	dapr__proto__runtime__v1__get_state_response__free_unpacked(resp, NULL);
out_release:
	rpc_reply_release(&reply);
	return rc;
}

int dapr_state_delete(struct dapr_client *c, const char *store, const char *key, const char *etag,
		      struct err *e)
{
	Dapr__Proto__Common__V1__Etag tag = DAPR__PROTO__COMMON__V1__ETAG__INIT;
	tag.value = (char *)etag;
	Dapr__Proto__Common__V1__StateOptions opts = DAPR__PROTO__COMMON__V1__STATE_OPTIONS__INIT;
	opts.concurrency = DAPR__PROTO__COMMON__V1__STATE_OPTIONS__STATE_CONCURRENCY__CONCURRENCY_FIRST_WRITE;
	opts.consistency = DAPR__PROTO__COMMON__V1__STATE_OPTIONS__STATE_CONSISTENCY__CONSISTENCY_STRONG;
	Dapr__Proto__Runtime__V1__DeleteStateRequest req = DAPR__PROTO__RUNTIME__V1__DELETE_STATE_REQUEST__INIT;
	req.store_name = (char *)store;
	req.key = (char *)key;
	if (etag)
		req.etag = &tag;
	req.options = &opts;
	struct rpc_reply reply;
	int rc = call(c, DAPR_METHOD("DeleteState"), &req.base, &reply, e);
	rpc_reply_release(&reply);
	return rc;
}
