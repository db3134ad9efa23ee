/*
 * cli.h - what the commands of the program share: the command table,
 * option parsing conventions, and output helpers.
 *
 * Each command lives in its own cli/cmd-NAME.c and defines one
 * `const struct cmd_entry cmd_NAME_entry`, listed once in cli/main.c.
 * A command parses its options with getopt_long, calls the engine and
 * formats what it returns; it holds no review logic.
 *
 * Exit codes: 0 fine, 1 findings (something missing, invalid, refused),
 * 2 usage or input errors.
 */
#ifndef SR_CLI_H
#define SR_CLI_H

#include <stdio.h>

struct sr_error;

enum { EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

struct cmd_entry {
	const char *name;
	const char *args;    /* synopsis after the name */
	const char *summary; /* one line for `specreview --help` */
	const char *help;    /* options, for `specreview help NAME` */
	int (*run)(int argc, char **argv);
};

extern const struct cmd_entry *const cmd_table[];

/* Global options (set by main before a command runs). */
struct cli_globals {
	const char *repo; /* --repo DIR or NULL */
	const char *ref;  /* --ref REF or NULL */
};
extern struct cli_globals cli_globals;

/* "specreview: message" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints every diagnostic of `err` on stderr, one per line. */
void cli_print_diags(const struct sr_error *err);
/* A usage error for command `cmd`: message, hint, returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Writes specreview(1) in roff (cli/man.c). */
void cli_print_man(FILE *f);

/* Prints `specreview help CMD` to stdout; returns 0. */
int cli_help(const char *cmd);

/* Whether to color output on `f`: a terminal and NO_COLOR unset. */
int cli_use_color(FILE *f);
/* Whether progress may be shown (stderr is a terminal). */
int cli_show_progress(void);

struct strbuf;
/* Appends `s` as a JSON string, or null. */
void cli_json_str(struct strbuf *o, const char *s);
/* --format text|json: sets *json, or returns EXIT_USAGE with a message. */
int cli_parse_text_json(const char *cmd, const char *arg, int *json);

/* Writes a buffer to stdout; returns 0 or EXIT_USAGE on write errors. */
int cli_write_stdout(const char *buf, size_t len);

#endif
