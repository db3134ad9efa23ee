/*
 * main.c - global options and command dispatch.
 */
#include <getopt.h>
#include <locale.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "tui.h"
#include "strbuf.h"
#include "table.h"
#include "util.h"
#include "banned.h"

extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_lint_entry;
extern const struct cmd_entry cmd_log_entry;
extern const struct cmd_entry cmd_new_entry;
extern const struct cmd_entry cmd_suggest_entry;
extern const struct cmd_entry cmd_record_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_roles_entry;
extern const struct cmd_entry cmd_sync_entry;
extern const struct cmd_entry cmd_verify_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_spell_entry;

/* The one list of commands: help, dispatch and the man page use it. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_check_entry,
	&cmd_status_entry,
	&cmd_report_entry,
	&cmd_record_entry,
	&cmd_log_entry,
	&cmd_roles_entry,
	&cmd_verify_entry,
	&cmd_sync_entry,
	&cmd_new_entry,
	&cmd_suggest_entry,
	&cmd_spell_entry,
	&cmd_lint_entry,
	NULL,
};

struct cli_globals cli_globals;

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("specreview: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_print_diags(const struct sr_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < err->n; i++) {
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "specreview: ");
		sr_diag_format(&sb, &err->diags[i]);
		strbuf_addch(&sb, '\n');
		fwrite(sb.buf, 1, sb.len, stderr);
	}
	if (err->oom)
		fprintf(stderr, "specreview: %s\n",
			_("out of memory (some messages lost)"));
	strbuf_release(&sb);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("specreview: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, _("Try 'specreview help %s'.\n"), cmd);
	else
		fputs(_("Try 'specreview --help'.\n"), stderr);
	return EXIT_USAGE;
}

int cli_use_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (nc && *nc)
		return 0;
	if (term && !strcmp(term, "dumb"))
		return 0;
	return isatty(fileno(f));
}

int cli_show_progress(void)
{
	return isatty(STDERR_FILENO);
}

/*
 * Straight to the file (after what stdio holds): through stdio, a write
 * went out as three, the first and last of them ending inside a page,
 * and a page that two writes share costs a file system twice as much
 * (52 MB of JSON took 24 ms to write so, 12 in pages whole).
 */
int cli_write_stdout(const char *buf, size_t len)
{
	if (fflush(stdout) != 0 || sr_write_all(STDOUT_FILENO, buf, len) < 0) {
		cli_error("%s", _("cannot write output"));
		return EXIT_USAGE;
	}
	return 0;
}

void cli_json_str(struct strbuf *o, const char *s)
{
	if (s)
		strbuf_add_json_str(o, s, strlen(s));
	else
		strbuf_addstr(o, "null");
}

int cli_parse_text_json(const char *cmd, const char *arg, int *json)
{
	if (!strcmp(arg, "json"))
		*json = 1;
	else if (!strcmp(arg, "text"))
		*json = 0;
	else
		return cli_usage_error(cmd, _("unknown format '%s' (text, json)"),
				       arg);
	return 0;
}

static const struct cmd_entry *find_cmd(const char *name)
{
	const struct cmd_entry *const *c;

	for (c = cmd_table; *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

static void print_usage(FILE *f)
{
	const struct cmd_entry *const *c;
	struct strbuf sb = STRBUF_INIT;

	fputs(_("usage: specreview [--repo DIR] [--ref REF] [COMMAND [ARGS]]\n"
		"\n"
		"Review IT procurement specifications against the mandatory\n"
		"information-security clauses.\n"
		"\n"
		"Commands:\n"),
	      f);
	for (c = cmd_table; *c; c++) {
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "  ");
		table_cell(&sb, (*c)->name, 10);
		strbuf_addf(&sb, " %s\n", _((*c)->summary));
		fputs(sb.buf, f);
	}
	strbuf_release(&sb);
	fputs(_("\n"
		"Options:\n"
		"  --repo DIR   the specs repository (default: discovered from .)\n"
		"  --ref REF    the commit to read specs from (default: HEAD)\n"
		"  -h, --help   show this help\n"
		"  --version    show the version\n"
		"\n"
		"'specreview help COMMAND' shows a command's options.\n"
		"Exit status: 0 fine, 1 findings, 2 usage or input error.\n"),
	      f);
}

static void print_cmd_help(const struct cmd_entry *c)
{
	/* The synopsis is option syntax: never translated. */
	printf("%s specreview %s %s\n\n%s\n", _("usage:"), c->name, c->args,
	       _(c->summary));
	if (c->help && *c->help)
		printf("\n%s", _(c->help));
}

int cli_help(const char *cmd)
{
	const struct cmd_entry *c = find_cmd(cmd);

	if (c)
		print_cmd_help(c);
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd_entry *c;

	if (argc < 2) {
		print_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help")) {
		printf("%s specreview help COMMAND\n", _("usage:"));
		return 0;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return cli_usage_error(NULL, _("unknown command '%s'"), argv[1]);
	print_cmd_help(c);
	return 0;
}

/*
 * Where the message catalogue is: $SPECREVIEW_LOCALEDIR when set; else,
 * for a program run from its build tree, the build's locale directory
 * beside it (SR_BUILD_LOCALEDIR, relative to the program's directory,
 * found through /proc/self/exe: tests and `make demo` need no install);
 * else where `make install` put it (SR_LOCALEDIR).
 */
static void init_i18n(void)
{
	const char *env = getenv("SPECREVIEW_LOCALEDIR");
	struct strbuf dir = STRBUF_INIT;
	char exe[4096];
	ssize_t n;

	if (env && *env) {
		strbuf_addstr(&dir, env);
	} else if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		char *slash;
		struct stat st;

		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')))
			*slash = '\0';
		strbuf_addf(&dir, "%s/%s", exe, SR_BUILD_LOCALEDIR);
		if (stat(dir.buf, &st) < 0 || !S_ISDIR(st.st_mode))
			strbuf_reset(&dir);
	}
	if (!dir.len || dir.failed) {
		strbuf_reset(&dir);
		strbuf_addstr(&dir, SR_LOCALEDIR);
	}
	bindtextdomain(SR_TEXTDOMAIN, dir.buf);
	/* The program writes UTF-8 whatever the locale's codeset. */
	bind_textdomain_codeset(SR_TEXTDOMAIN, "UTF-8");
	textdomain(SR_TEXTDOMAIN);
	strbuf_release(&dir);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "man", no_argument, NULL, 'M' },
		{ "repo", required_argument, NULL, 'r' },
		{ "ref", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *c;
	int opt;

#ifdef M_MMAP_THRESHOLD
	/*
	 * Checking a spec takes buffers of some hundred kilobytes (the
	 * normalized text's offsets are four bytes a byte) and gives them
	 * back.  Over glibc's first threshold (128 KB) each would be mapped
	 * afresh, its pages faulted in and zeroed, for every spec: checking
	 * the bench corpus on one core took 16% longer so.  glibc raises the
	 * threshold when a mapped block is freed, which the matcher's build
	 * did by chance until it stopped making a table it threw away: say
	 * it here, where the whole program's use of memory is known.
	 */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
	setlocale(LC_ALL, "");
	init_i18n();
	/* Stop at the first non-option: it is the command. */
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			print_usage(stdout);
			return 0;
		case 'V':
			printf("specreview %s\n", SR_VERSION);
			return 0;
		case 'M':
			cli_print_man(stdout);
			return 0;
		case 'r':
			cli_globals.repo = optarg;
			break;
		case 'R':
			cli_globals.ref = optarg;
			break;
		default:
			/* getopt printed what was wrong. */
			fputs(_("Try 'specreview --help'.\n"), stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		return tui_main(cli_globals.repo, cli_globals.ref);
	if (!strcmp(argv[0], "help"))
		return cmd_help(argc, argv);
	c = find_cmd(argv[0]);
	if (!c)
		return cli_usage_error(NULL, _("unknown command '%s'"), argv[0]);
	optind = 0; /* reset getopt for the command (GNU: full re-init) */
	return c->run(argc, argv);
}
