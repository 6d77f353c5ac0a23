/*
 * consumer.h - what the service does with the messages it subscribes to.
 * Each handler is idempotent: it records the message's event id in the
 * same transaction as its effect, so a redelivery changes nothing.
 *
 * The result tells daprd what to do with the message: SUCCESS (ack), RETRY
 * (transient failure: redeliver) or DROP (poison: logged, then sent to the
 * subscription's dead-letter topic, and the partition moves on).
 */
#ifndef TODOD_CONSUMERS_CONSUMER_H
#define TODOD_CONSUMERS_CONSUMER_H

#include <stddef.h>
#include <stdint.h>

enum consume_result {
	CONSUME_SUCCESS = 0,
	CONSUME_RETRY = 1,
	CONSUME_DROP = 2,
};

/* consumer_metrics_define - declare the consumers' metrics: messages by
 * topic and outcome (handled, duplicate, retry, dead_lettered), dead
 * letters recorded, and the commit-to-handled lag of applied events. */
void consumer_metrics_define(void);

/* consumer_task_event - task-events -> the activity log (one row per event)
 * and, in the same transaction, an activity-log-created event in the outbox. */
enum consume_result consumer_task_event(const char *ce_id, const uint8_t *data, size_t len);

/* consumer_dead_letter - a message on a dead-letter topic. daprd also
 * dead-letters messages whose delivery merely failed (todod restarting,
 * RETRY): a valid task event on task-events-dlq is applied as on
 * task-events; anything else is kept in dead_letters for inspection. */
enum consume_result consumer_dead_letter(const char *topic, const char *ce_id,
					 const uint8_t *data, size_t len);

#endif
