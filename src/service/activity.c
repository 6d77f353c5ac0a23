#include "service/activity.h"

#include <stdlib.h>

void activity_entries_free(struct activity_entry *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(a[i].changes_json);
	free(a);
}
