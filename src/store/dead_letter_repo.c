#include "store/dead_letter_repo.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"
#include "store/db_internal.h"

static const struct db_stmt dead_insert_stmt = {
	"dead_letter_insert",
	"INSERT INTO dead_letters (topic, event_id, payload) VALUES ($1, $2, $3::bytea) "
	"ON CONFLICT (topic, event_id) DO NOTHING",
	3, false,
};

static const struct db_stmt dead_exists_stmt = {
	"dead_letter_exists",
	"SELECT 1 FROM dead_letters WHERE topic = $1 AND event_id = $2",
	2, true,
};

int dead_letter_repo_insert(const char *topic, const char *event_id, const uint8_t *payload,
		       size_t len, struct err *e)
{
	/* bytea in hex text form: no escaping questions for arbitrary bytes. */
	char *hex = xmalloc(3 + 2 * len);
	hex[0] = '\\';
	hex[1] = 'x';
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 + 2 * i, 3, "%02x", payload[i]);
	hex[2 + 2 * len] = '\0';
	const char *params[] = { topic, event_id, hex };
	PGresult *r;
	int rc = db__exec(&dead_insert_stmt, params, &r, e);
	if (rc == 0)
		PQclear(r);
	free(hex);
	return rc;
}

int dead_letter_repo_exists(const char *topic, const char *event_id, bool *exists, struct err *e)
{
	const char *params[] = { topic, event_id };
	PGresult *r;
	int rc = db__exec(&dead_exists_stmt, params, &r, e);
	if (rc)
		return rc;
	*exists = PQntuples(r) > 0;
	PQclear(r);
	return 0;
}
