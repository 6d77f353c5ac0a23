#include "json/probe_json.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "json/codec_internal.h"

char *probe_json_message(const char *id, int64_t sent_at_us)
{
	return codec__dump_new(json_pack("{ss sI}", "probe_id", id, "sent_at_us", (json_int_t)sent_at_us));
}

bool probe_json_parse_message(const uint8_t *data, size_t len, char id[PROBE_ID_LEN + 1])
{
	json_t *root = json_loadb((const char *)data, len, 0, NULL);
	if (!root)
		return false;
	const char *s = json_string_value(json_object_get(root, "probe_id"));
	bool ok = s && probe_id_valid(s);
	if (ok)
		memcpy(id, s, PROBE_ID_LEN + 1);
	json_decref(root);
	return ok;
}

char *probe_json_status(const char *id, const struct probe_receipt *r)
{
	if (!r)
		return codec__dump_new(json_pack("{ss sb}", "probe_id", id, "received", 0));
	return codec__dump_new(json_pack("{ss sb ss sI si}", "probe_id", id, "received", 1,
			      "via", r->via, "received_at_us", (json_int_t)r->received_at_us,
			      "deliveries", r->count));
}
