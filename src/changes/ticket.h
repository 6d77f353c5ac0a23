/*
 * ticket.h - single-use tickets for the WebSocket upgrade (README
 * "Real-time sync"). A browser cannot send Authorization on a WebSocket, so
 * an authenticated REST call trades the JWT for a ticket the client puts in
 * the URL (?ticket=).
 *
 * A ticket is 32 random bytes as 43 base64url characters. It is kept in the
 * Dapr state store (so any replica can redeem it) under
 * "rt-ticket-" + hex(sha256(ticket)) (the ticket itself is never stored nor
 * logged) with ttlInSeconds, holding {"user_id","expires_at"}. Redeeming
 * reads it with its etag and deletes it against that etag: of two
 * concurrent redeemers only the one whose delete succeeds wins.
 */
#ifndef TODOD_CHANGES_TICKET_H
#define TODOD_CHANGES_TICKET_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct dapr_client;

#define TICKET_LEN 43   /* base64url of 32 bytes, no padding */

/* ticket_metrics_define - todod_realtime_tickets_total{result}. */
void ticket_metrics_define(void);

/* ticket_issue - a new ticket for @user_id valid @ttl_s seconds, saved in
 * @store. Errors: those of the Dapr client (TODO_EUNAVAIL, ...). */
int ticket_issue(struct dapr_client *d, const char *store, const char *user_id, int ttl_s,
		 char ticket[TICKET_LEN + 1], struct err *e);

/* ticket_redeem - use @ticket once: store its user in @user_id.
 * TODO_EUNAUTH with the reason (malformed, unknown or used, expired) when
 * the ticket is not good; TODO_EUNAVAIL etc. when the store is down.
 * Never puts the ticket into @e. Blocks on daprd: not for the lws thread. */
int ticket_redeem(struct dapr_client *d, const char *store, const char *ticket, char *user_id,
		  size_t user_id_size, struct err *e);

#endif
