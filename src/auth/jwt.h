/*
 * jwt.h - bearer-token authentication: HS256 JWTs (RFC 7519) via libjwt.
 *
 * A token is accepted only if its header says alg HS256 (never "none", never
 * another algorithm), its signature verifies with the service key, it has
 * an integer `exp` in the future, any `nbf` is not in the future, and it has
 * a non-empty string `sub`. Tokens are never logged.
 */
#ifndef TODOD_AUTH_JWT_H
#define TODOD_AUTH_JWT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"

#define AUTH_KEY_MIN_BYTES 32

/* auth_verify_bearer - check an Authorization header value ("Bearer <jwt>")
 * at time @now and copy the subject into @sub (size @subsz). Returns 0 or
 * TODO_EUNAUTH with the reason in @e (missing header, wrong scheme,
 * malformed token, bad signature, wrong algorithm, expired, not yet valid,
 * no subject). */
int auth_verify_bearer(const char *authorization, const uint8_t *key, size_t keylen,
		       time_t now, char *sub, size_t subsz, struct err *e);

/* auth_mint_token - a new HS256 token for @sub valid from @now for
 * @ttl_seconds; malloc'd, the caller frees it. NULL on failure. */
char *auth_mint_token(const char *sub, const uint8_t *key, size_t keylen,
		      time_t now, long ttl_seconds);

#endif
