/*
 * error.h - error codes and positioned diagnostics for the engine.
 *
 * Every fallible engine function returns an int: 0 on success or one of the
 * negative SR_E* codes below.  Functions that can say more take a
 * `struct sr_error *err` as their last argument and append diagnostics to
 * it.  A loader appends one diagnostic per problem it finds, not just the
 * first, so a user sees everything wrong with a file in one run.
 *
 * Positions are 1-based.  Columns count Unicode code points from the start
 * of the line (libyaml's marks are 0-based code point counts: add 1).  A
 * diagnostic without a position has line == 0; one without a file has
 * path == NULL.
 *
 * The engine never prints: callers format diagnostics with sr_diag_format()
 * and write them where they like.  `err` may be NULL where the caller does
 * not care about details.
 */
#ifndef SR_ERROR_H
#define SR_ERROR_H

#include <stddef.h>

enum sr_code {
	SR_OK = 0,
	SR_ERROR = -1,     /* generic failure, see diagnostics */
	SR_ENOMEM = -2,    /* out of memory */
	SR_EINVAL = -3,    /* invalid argument or value */
	SR_ENOTFOUND = -4, /* file, object or item does not exist */
	SR_EIO = -5,       /* read or write failed */
	SR_ELIMIT = -6,    /* an input exceeds a documented limit */
	SR_EPARSE = -7,    /* malformed input (YAML, front matter, ...) */
	SR_ECONFLICT = -8, /* a concurrent writer got there first */
	SR_EBINARY = -9,   /* input is not text */
	SR_EDENIED = -10,  /* refused: wrong role, a state that forbids it */
	SR_EEXIST = -11,   /* it already exists (and is never overwritten) */
};

enum sr_severity { SR_SEV_ERROR = 0, SR_SEV_WARNING = 1 };

struct sr_diag {
	enum sr_severity severity;
	char *path; /* owned, may be NULL */
	int line;   /* 1-based, 0 when unknown */
	int col;    /* 1-based code point column, 0 when unknown */
	char *msg;  /* owned, one line, no trailing newline or period */
};

struct sr_error {
	struct sr_diag *diags;
	size_t n, alloc;
	size_t nerrors; /* diagnostics with SR_SEV_ERROR */
	int oom;        /* a diagnostic could not be recorded */
};

#define SR_ERROR_INIT { NULL, 0, 0, 0, 0 }

void sr_error_init(struct sr_error *err);
/* Frees every diagnostic; `err` may be reused afterwards. */
void sr_error_release(struct sr_error *err);

/*
 * Appends an error diagnostic (printf-style message) and returns `code`, so
 * that callers can write `return sr_error_add(err, SR_EINVAL, ...)`.
 * With err == NULL nothing is recorded and `code` is still returned.
 */
int sr_error_add(struct sr_error *err, int code, const char *path, int line,
		 int col, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Same, as a warning: does not count in nerrors. Returns 0. */
int sr_error_warn(struct sr_error *err, const char *path, int line, int col,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Moves every diagnostic of `from` to the end of `to`; `from` is emptied. */
int sr_error_move(struct sr_error *to, struct sr_error *from);

/* A short description of an SR_E* code ("out of memory", ...), in the
 * language of the messages (src/i18n.h). */
const char *sr_strerror(int code);

struct strbuf;
/*
 * Appends "PATH:LINE:COL: message" (the parts that exist) to `out`, without
 * a trailing newline; warnings get "warning: " before the message.
 */
void sr_diag_format(struct strbuf *out, const struct sr_diag *d);

#endif
