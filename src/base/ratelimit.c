#include "base/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

struct bucket {
	struct bucket *next;
	double tokens;
	int64_t at_us;          /* when @tokens was computed */
	char key[];
};

struct ratelimit {
	pthread_mutex_t lock;
	double rate, burst;
	size_t max_keys, nkeys, nslots;
	struct bucket **slots;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct ratelimit *ratelimit_new(double rate, double burst, size_t max_keys)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));
	pthread_mutex_init(&rl->lock, NULL);
	rl->rate = rate;
	rl->burst = burst < 1 ? 1 : burst;
	rl->max_keys = max_keys ? max_keys : 1;
	rl->nslots = 1024;
	while (rl->nslots < rl->max_keys / 2)
		rl->nslots *= 2;
	rl->slots = xcalloc(rl->nslots, sizeof(*rl->slots));
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	for (size_t i = 0; i < rl->nslots; i++) {
		struct bucket *b = rl->slots[i], *next;
		for (; b; b = next) {
			next = b->next;
			free(b);
		}
	}
	free(rl->slots);
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

static void refill(const struct ratelimit *rl, struct bucket *b, int64_t now_us)
{
	if (now_us > b->at_us) {
		b->tokens += (double)(now_us - b->at_us) / 1e6 * rl->rate;
		if (b->tokens > rl->burst)
			b->tokens = rl->burst;
		b->at_us = now_us;
	}
}

/* Drop every bucket that is full again at @now_us; returns how many. */
static size_t sweep(struct ratelimit *rl, int64_t now_us)
{
	size_t dropped = 0;
	for (size_t i = 0; i < rl->nslots; i++) {
		struct bucket **pp = &rl->slots[i];
		while (*pp) {
			struct bucket *b = *pp;
			refill(rl, b, now_us);
			if (b->tokens >= rl->burst) {
				*pp = b->next;
				free(b);
				dropped++;
			} else {
				pp = &b->next;
			}
		}
	}
	rl->nkeys -= dropped;
	return dropped;
}

bool ratelimit_take(struct ratelimit *rl, const char *key, int64_t now_us, int64_t *retry_after_ms)
{
	bool ok = true;
	pthread_mutex_lock(&rl->lock);
	size_t slot = hash(key) & (rl->nslots - 1);
	struct bucket *b = rl->slots[slot];
	while (b && strcmp(b->key, key) != 0)
		b = b->next;
	if (!b) {
		if (rl->nkeys >= rl->max_keys && sweep(rl, now_us) == 0)
			goto out_unlock;   /* table full of busy keys: allow, do not track */
		size_t len = strlen(key);
		b = xmalloc(sizeof(*b) + len + 1);
		memcpy(b->key, key, len + 1);
		b->tokens = rl->burst;
		b->at_us = now_us;
		b->next = rl->slots[slot];
		rl->slots[slot] = b;
		rl->nkeys++;
	}
	refill(rl, b, now_us);
	if (b->tokens >= 1) {
		b->tokens -= 1;
	} else {
		ok = false;
		if (retry_after_ms)
			*retry_after_ms = (int64_t)((1 - b->tokens) / rl->rate * 1000) + 1;
	}
out_unlock:
	pthread_mutex_unlock(&rl->lock);
	return ok;
}

size_t ratelimit_size(struct ratelimit *rl)
{
	pthread_mutex_lock(&rl->lock);
	size_t n = rl->nkeys;
	pthread_mutex_unlock(&rl->lock);
	return n;
}
