#include "auth/jwt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jwt.h>

/* claim_int - read the integer claim @name into @val. Returns 0, -ENOENT
 * when the claim is absent, or -EINVAL when it is not a JSON integer.
 * libjwt 1.10's jwt_get_grant_int reads a string, real or boolean as 0
 * without an error, so the type is checked on the claim's JSON text. */
static int claim_int(jwt_t *jwt, const char *name, long *val)
{
	char *text = jwt_get_grants_json(jwt, name);
	if (!text)
		return -ENOENT;
	char *end = NULL;
	errno = 0;
	long v = (text[0] == '-' || (text[0] >= '0' && text[0] <= '9'))
		 ? strtol(text, &end, 10) : 0;
	int rc = end && *end == '\0' && errno == 0 ? 0 : -EINVAL;
	free(text);
	if (rc == 0)
		*val = v;
	return rc;
}

int auth_verify_bearer(const char *authorization, const uint8_t *key, size_t keylen,
		       time_t now, char *sub, size_t subsz, struct err *e)
{
	if (!authorization || !*authorization)
		return err_set(e, TODO_EUNAUTH, "authorization",
			       "missing Authorization header: expected \"Bearer <token>\"");
	if (strncasecmp(authorization, "Bearer ", 7) != 0)
		return err_set(e, TODO_EUNAUTH, "authorization",
			       "unsupported Authorization scheme: expected \"Bearer <token>\"");
	const char *token = authorization + 7;
	while (*token == ' ')
		token++;
	if (!*token)
		return err_set(e, TODO_EUNAUTH, "authorization", "empty bearer token");

	jwt_t *jwt = NULL;
	if (jwt_decode(&jwt, token, key, (int)keylen) != 0 || !jwt)
		return err_set(e, TODO_EUNAUTH, "authorization",
			       "invalid bearer token: malformed or bad signature");

	int rc = 0;
	if (jwt_get_alg(jwt) != JWT_ALG_HS256) {
		rc = err_set(e, TODO_EUNAUTH, "authorization",
			     "invalid bearer token: algorithm \"%s\" is not accepted, only HS256",
			     jwt_alg_str(jwt_get_alg(jwt)));
		goto out_free_jwt;
	}
	long exp, nbf;
	if (claim_int(jwt, "exp", &exp) != 0) {
		rc = err_set(e, TODO_EUNAUTH, "authorization",
			     "invalid bearer token: missing or non-integer \"exp\" claim");
		goto out_free_jwt;
	}
	if ((time_t)exp <= now) {
		rc = err_set(e, TODO_EUNAUTH, "authorization", "bearer token expired");
		goto out_free_jwt;
	}
	int nbf_rc = claim_int(jwt, "nbf", &nbf);
	if (nbf_rc == 0 && (time_t)nbf > now) {
		rc = err_set(e, TODO_EUNAUTH, "authorization", "bearer token not yet valid (nbf)");
		goto out_free_jwt;
	} else if (nbf_rc == -EINVAL) {
		rc = err_set(e, TODO_EUNAUTH, "authorization",
			     "invalid bearer token: non-integer \"nbf\" claim");
		goto out_free_jwt;
	}
	const char *s = jwt_get_grant(jwt, "sub");
	if (!s || !*s || strlen(s) >= subsz) {
		rc = err_set(e, TODO_EUNAUTH, "authorization",
			     "invalid bearer token: missing, empty or oversize \"sub\" claim");
		goto out_free_jwt;
	}
	snprintf(sub, subsz, "%s", s);

out_free_jwt:
	jwt_free(jwt);
	return rc;
}

char *auth_mint_token(const char *sub, const uint8_t *key, size_t keylen,
		      time_t now, long ttl_seconds)
{
	jwt_t *jwt = NULL;
	char *out = NULL;
	if (jwt_new(&jwt) != 0)
		return NULL;
	if (jwt_add_grant(jwt, "sub", sub) != 0 ||
	    jwt_add_grant_int(jwt, "iat", (long)now) != 0 ||
	    jwt_add_grant_int(jwt, "exp", (long)now + ttl_seconds) != 0 ||
	    jwt_set_alg(jwt, JWT_ALG_HS256, key, (int)keylen) != 0)
		goto out_free_jwt;
	out = jwt_encode_str(jwt);
out_free_jwt:
	jwt_free(jwt);
	return out;
}
