/* meta.c - routes about the service itself (no database, no auth). */
#include "api/api.h"

#include "json/task_json.h"
#include "todod_build.h"

int api_meta_version(struct http_request *req, struct http_response *resp)
{
	(void)req;
	const char *pairs[] = { "name", "todod", "version", TODOD_VERSION, NULL, NULL };
	resp->body = json_encode_object_kv(pairs);
	return 0;
}
