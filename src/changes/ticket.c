#include "changes/ticket.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <openssl/evp.h>

#include "base/metrics.h"
#include "dapr/dapr_client.h"
#include "json/realtime_json.h"

#define KEY_PREFIX "rt-ticket-"
#define KEY_LEN (sizeof(KEY_PREFIX) - 1 + 64)

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void encode(const unsigned char in[32], char out[TICKET_LEN + 1])
{
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < 32; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = b64url[(acc >> bits) & 63];
		}
	}
	if (bits)
		out[o++] = b64url[(acc << (6 - bits)) & 63];
	out[o] = '\0';
}

static bool well_formed(const char *t)
{
	if (strlen(t) != TICKET_LEN)
		return false;
	for (const char *p = t; *p; p++)
		if (!strchr(b64url, *p))
			return false;
	return true;
}

static void state_key(const char *ticket, char key[KEY_LEN + 1])
{
	unsigned char md[32];
	unsigned int n = 0;
	EVP_Digest(ticket, strlen(ticket), md, &n, EVP_sha256(), NULL);
	int o = snprintf(key, KEY_LEN + 1, KEY_PREFIX);
	for (unsigned int i = 0; i < 32; i++)
		o += snprintf(key + o, KEY_LEN + 1 - (size_t)o, "%02x", md[i]);
}

void ticket_metrics_define(void)
{
	metrics_define("todod_realtime_tickets_total", METRIC_COUNTER,
		       "Real-time tickets issued, redeemed at an upgrade, or refused there.", NULL, 0);
	metrics_counter_add("todod_realtime_tickets_total", "result=\"issued\"", 0);
	metrics_counter_add("todod_realtime_tickets_total", "result=\"redeemed\"", 0);
	metrics_counter_add("todod_realtime_tickets_total", "result=\"refused\"", 0);
}

int ticket_issue(struct dapr_client *d, const char *store, const char *user_id, int ttl_s,
		 char ticket[TICKET_LEN + 1], struct err *e)
{
	unsigned char raw[32];
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return err_set(e, TODO_EINTERNAL, NULL, "could not read random bytes for a ticket");
	encode(raw, ticket);
	char key[KEY_LEN + 1];
	state_key(ticket, key);
	char *value = realtime_json_ticket(user_id, (int64_t)time(NULL) + ttl_s);
	int rc = dapr_state_save(d, store, key, value, strlen(value), ttl_s, e);
	free(value);
	if (rc == 0)
		metrics_counter_add("todod_realtime_tickets_total", "result=\"issued\"", 1);
	return rc;
}

static int redeem(struct dapr_client *d, const char *store, const char *ticket, char *user_id,
		  size_t user_id_size, struct err *e)
{
	if (!ticket || !*ticket)
		return err_set(e, TODO_EUNAUTH, "ticket", "no ticket: connect with ?ticket= from "
			       "POST /api/{user_id}/realtime/tickets");
	if (!well_formed(ticket))
		return err_set(e, TODO_EUNAUTH, "ticket", "ticket is malformed: expected 43 base64url characters");
	char key[KEY_LEN + 1];
	state_key(ticket, key);
	char *value = NULL, *etag = NULL;
	size_t len = 0;
	int rc = dapr_state_get(d, store, key, &value, &len, &etag, e);
	if (rc == TODO_ENOTFOUND)
		return err_set(e, TODO_EUNAUTH, "ticket", "ticket is unknown, expired or already used");
	if (rc)
		return rc;
	int64_t expires_at = 0;
	rc = realtime_json_ticket_parse(value, len, user_id, user_id_size, &expires_at, e);
	if (rc == 0) {
		/* Delete first, even when expired: a ticket is never good twice. */
		rc = dapr_state_delete(d, store, key, etag, e);
		if (rc == TODO_ECONFLICT || rc == TODO_ENOTFOUND)
			rc = err_set(e, TODO_EUNAUTH, "ticket", "ticket is already used");
	} else {
		rc = err_set(e, TODO_EUNAUTH, "ticket", "ticket state is unreadable");
	}
	if (rc == 0 && expires_at < (int64_t)time(NULL))
		rc = err_set(e, TODO_EUNAUTH, "ticket", "ticket expired");
	free(value);
	free(etag);
	return rc;
}

int ticket_redeem(struct dapr_client *d, const char *store, const char *ticket, char *user_id,
		  size_t user_id_size, struct err *e)
{
	int rc = redeem(d, store, ticket, user_id, user_id_size, e);
	if (rc == 0)
		metrics_counter_add("todod_realtime_tickets_total", "result=\"redeemed\"", 1);
	else if (rc == TODO_EUNAUTH)
		metrics_counter_add("todod_realtime_tickets_total", "result=\"refused\"", 1);
	return rc;
}
