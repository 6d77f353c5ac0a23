/* probe_json.h - JSON of self-test probes (see service/probe.h). */
#ifndef TODOD_JSON_PROBE_JSON_H
#define TODOD_JSON_PROBE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/probe.h"

/* probe_json_message - the payload sent to ourselves: {"probe_id": id, "sent_at_us": t}. */
char *probe_json_message(const char *id, int64_t sent_at_us);

/* probe_json_parse_message - read probe_id from a payload; false if it is
 * not one of ours. */
bool probe_json_parse_message(const uint8_t *data, size_t len, char id[PROBE_ID_LEN + 1]);

/* probe_json_status - {"probe_id", "received", "via", "received_at_us", "deliveries"}. */
char *probe_json_status(const char *id, const struct probe_receipt *r);

#endif
