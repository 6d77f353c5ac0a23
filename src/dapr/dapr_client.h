/*
 * dapr_client.h - typed calls to daprd's gRPC API (service dapr.proto.runtime.v1.Dapr).
 *
 * Every call has a deadline and returns 0 or a TODO_E* code with the reason
 * in @e: TODO_EUNAVAIL when daprd cannot be reached or a component is down,
 * TODO_ETIMEOUT on deadline, TODO_ECONFLICT for ALREADY_EXISTS/ABORTED,
 * TODO_ENOTFOUND for NOT_FOUND, TODO_EINTERNAL otherwise.
 */
#ifndef TODOD_DAPR_DAPR_CLIENT_H
#define TODOD_DAPR_DAPR_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct dapr_client;

struct dapr_client *dapr_client_new(const char *addr, const char *api_token, size_t max_message_bytes);
void dapr_client_free(struct dapr_client *c);

/* dapr_get_secret - the value of secret @key in @store (for single-value
 * stores such as local.file the map holds {key: value}); *@value is
 * malloc'd. */
int dapr_get_secret(struct dapr_client *c, const char *store, const char *key,
		    char **value, struct err *e);

/* A metadata pair for publish. */
struct dapr_kv {
	const char *key;
	const char *value;
};

/* dapr_publish - PublishEvent of @data (JSON when @content_type says so). */
int dapr_publish(struct dapr_client *c, const char *pubsub, const char *topic,
		 const void *data, size_t len, const char *content_type,
		 const struct dapr_kv *metadata, size_t nmetadata, struct err *e);

/* One entry of a bulk publish. */
struct dapr_bulk_entry {
	const char *entry_id;          /* unique within the request */
	const void *data;
	size_t len;
	const char *content_type;
	const struct dapr_kv *metadata;
	size_t nmetadata;
};

/* dapr_bulk_publish - BulkPublishEvent (falls back to the Alpha1 RPC on
 * UNIMPLEMENTED). On return failed[i] is true for every entry daprd did not
 * publish; when the whole call fails all are marked and an error returned. */
int dapr_bulk_publish(struct dapr_client *c, const char *pubsub, const char *topic,
		      const struct dapr_bulk_entry *entries, size_t n, bool *failed,
		      struct err *e);

/* dapr_schedule_job - a one-shot job @name at @due_time (RFC 3339 or a Go
 * duration such as "2s") carrying @data as Any{type_url, value}. Uses the
 * stable ScheduleJob and falls back to ScheduleJobAlpha1 on UNIMPLEMENTED
 * (sidecars before 1.18). */
int dapr_schedule_job(struct dapr_client *c, const char *name, const char *due_time,
		      const char *type_url, const void *data, size_t len, bool overwrite,
		      struct err *e);

/* dapr_delete_job - DeleteJob (falls back to DeleteJobAlpha1).
 * TODO_ENOTFOUND when there is no such job. */
int dapr_delete_job(struct dapr_client *c, const char *name, struct err *e);

/*
 * State store (the tickets of the real-time endpoint).
 */

/* dapr_state_save - SaveState of one item @key = @value, expiring after
 * @ttl_s seconds (metadata ttlInSeconds; 0: never). */
int dapr_state_save(struct dapr_client *c, const char *store, const char *key, const void *value,
		    size_t len, int ttl_s, struct err *e);

/* dapr_state_get - GetState (strong consistency). *@value (NUL-terminated,
 * @len bytes) and *@etag are malloc'd. TODO_ENOTFOUND when the key holds
 * nothing (never saved, deleted or expired). */
int dapr_state_get(struct dapr_client *c, const char *store, const char *key, char **value,
		   size_t *len, char **etag, struct err *e);

/* dapr_state_delete - DeleteState of @key, first-write-wins against @etag
 * (NULL: unconditional). TODO_ECONFLICT when the etag no longer matches
 * (someone else changed or deleted it first). */
int dapr_state_delete(struct dapr_client *c, const char *store, const char *key, const char *etag,
		      struct err *e);

#endif
