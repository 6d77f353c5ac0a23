/*
 * probe.h - receipts of self-test probes (diagnostics mode): a pub/sub
 * message or a Dapr job sent by the app to itself through daprd. The
 * end-to-end tests use them to prove the Kafka and Jobs round-trips.
 * A fixed ring of the latest PROBE_LOG_SIZE receipts, thread-safe.
 */
#ifndef TODOD_SERVICE_PROBE_H
#define TODOD_SERVICE_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#define PROBE_ID_LEN 32
#define PROBE_LOG_SIZE 256

struct probe_receipt {
	char id[PROBE_ID_LEN + 1];
	char via[32];             /* "OnTopicEvent", "OnJobEvent", "OnJobEventAlpha1" */
	int64_t received_at_us;   /* wall clock, microseconds since the epoch */
	int count;                /* deliveries of this id */
};

struct probe_log;

struct probe_log *probe_log_new(void);
void probe_log_free(struct probe_log *log);

/* probe_log_record - note a delivery of probe @id through @via. */
void probe_log_record(struct probe_log *log, const char *id, const char *via);

/* probe_log_find - copy the receipt of @id into @out; false if none. */
bool probe_log_find(struct probe_log *log, const char *id, struct probe_receipt *out);

/* probe_new_id - a fresh random hex id (PROBE_ID_LEN chars) into @buf. */
void probe_new_id(char buf[PROBE_ID_LEN + 1]);

/* probe_id_valid - PROBE_ID_LEN lower-case hex characters. */
bool probe_id_valid(const char *id);

#endif
