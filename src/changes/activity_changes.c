#include "changes/activity_changes.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "changes/commit.h"
#include "json/event_json.h"
#include "service/event.h"
#include "store/activity_repo.h"
#include "store/db.h"
#include "store/outbox_repo.h"

int activity_change_record(const struct activity_entry *a, bool *inserted, struct err *e)
{
	int64_t activity_id = 0;
	*inserted = false;
	int rc = db_tx_begin(e);
	if (rc == 0)
		rc = activity_repo_insert(a, inserted, &activity_id, e);
	if (rc == 0 && *inserted) {
		char id[EVENT_ID_LEN + 1], now[TIME_TEXT_MAX], key[24];
		event_new_id(id);
		event_now(now);
		snprintf(key, sizeof(key), "%" PRId64, a->task_id);
		char *payload = event_json_activity_created(id, now, a->user_id, a->task_id, activity_id,
							    a->event_id, a->action);
		rc = outbox_repo_insert(id, event_type_name(EVENT_ACTIVITY_LOG_CREATED), TOPIC_ACTIVITY_LOGS,
				   key, payload, e);
		free(payload);
	}
	rc = change_commit(rc, e);
	if (rc)
		*inserted = false;
	return rc;
}
