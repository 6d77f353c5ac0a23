#include "service/probe.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/alloc.h"

struct probe_log {
	pthread_mutex_t lock;
	struct probe_receipt ring[PROBE_LOG_SIZE];
	unsigned next;
};

struct probe_log *probe_log_new(void)
{
	struct probe_log *log = xcalloc(1, sizeof(*log));
	pthread_mutex_init(&log->lock, NULL);
	return log;
}

void probe_log_free(struct probe_log *log)
{
	if (!log)
		return;
	pthread_mutex_destroy(&log->lock);
	free(log);
}

static struct probe_receipt *find_locked(struct probe_log *log, const char *id)
{
	for (unsigned i = 0; i < PROBE_LOG_SIZE; i++)
		if (log->ring[i].count && strcmp(log->ring[i].id, id) == 0)
			return &log->ring[i];
	return NULL;
}

void probe_log_record(struct probe_log *log, const char *id, const char *via)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&log->lock);
	struct probe_receipt *r = find_locked(log, id);
	if (r) {
		r->count++;
	} else {
		r = &log->ring[log->next++ % PROBE_LOG_SIZE];
		snprintf(r->id, sizeof(r->id), "%s", id);
		snprintf(r->via, sizeof(r->via), "%s", via);
		r->received_at_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
		r->count = 1;
	}
	pthread_mutex_unlock(&log->lock);
}

bool probe_log_find(struct probe_log *log, const char *id, struct probe_receipt *out)
{
	pthread_mutex_lock(&log->lock);
	struct probe_receipt *r = find_locked(log, id);
	if (r)
		*out = *r;
	pthread_mutex_unlock(&log->lock);
	return r != NULL;
}

void probe_new_id(char buf[PROBE_ID_LEN + 1])
{
	unsigned char raw[PROBE_ID_LEN / 2];
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		/* getrandom on Linux does not fail for 16 bytes; keep ids unique anyway. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		memcpy(raw, &ts, sizeof(raw) < sizeof(ts) ? sizeof(raw) : sizeof(ts));
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(buf + 2 * i, 3, "%02x", raw[i]);
}

bool probe_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n != PROBE_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return true;
}
