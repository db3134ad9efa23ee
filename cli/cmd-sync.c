/*
 * cmd-sync.c - `specreview sync`: share the records branch with a remote.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "error.h"
#include "i18n.h"
#include "store.h"
#include "strbuf.h"
#include "sync.h"
#include "banned.h"

static char *records_ref(struct store *s, struct sr_error *err)
{
	struct sr_config c;
	struct sr_error quiet = SR_ERROR_INIT;
	char commit[STORE_OID_HEX];
	char *ref;

	if (store_resolve(s, cli_globals.ref ? cli_globals.ref : "HEAD", commit,
			  &quiet) < 0) {
		sr_error_release(&quiet);
		if (config_init(&c) < 0)
			return NULL;
	} else if (store_load_config(s, commit, &c, err) < 0) {
		config_release(&c);
		return NULL;
	}
	ref = config_records_ref(&c);
	config_release(&c);
	return ref;
}

static int cmd_sync(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct sync_result res;
	struct sr_error err = SR_ERROR_INIT;
	struct store *s = NULL;
	const char *remote = NULL;
	char *ref = NULL;
	int opt, ret = 0, quiet = 0;

	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			quiet = 1;
			break;
		case 'h':
			return cli_help("sync");
		default:
			return cli_usage_error("sync", _("bad option"));
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("sync", _("name at most one remote"));
	if (optind < argc)
		remote = argv[optind];
	if (store_open(&s, cli_globals.repo, &err) < 0 ||
	    !(ref = records_ref(s, &err))) {
		ret = EXIT_USAGE;
		goto out;
	}
	ret = sync_records(s, ref, remote, &res, &err);
	if (ret < 0) {
		ret = ret == SR_EDENIED || ret == SR_ECONFLICT ? EXIT_FINDINGS
							       : EXIT_USAGE;
		goto out;
	}
	if (quiet)
		goto out;
	if (!res.local_after[0]) {
		printf(_("%s: no records on either side yet\n"), ref);
		goto out;
	}
	printf(_("%s with %s: "), ref, res.remote_name);
	if (res.received)
		printf(dngettext(SR_TEXTDOMAIN, "received %zu commit; ",
				 "received %zu commits; ", res.received),
		       res.received);
	if (res.replayed)
		printf(dngettext(SR_TEXTDOMAIN,
				 "replayed %zu local commit onto the "
				 "remote's tip; ",
				 "replayed %zu local commits onto the "
				 "remote's tip; ",
				 res.replayed),
		       res.replayed);
	if (res.already)
		printf(dngettext(SR_TEXTDOMAIN,
				 "%zu local commit already there; ",
				 "%zu local commits already there; ",
				 res.already),
		       res.already);
	if (res.pushed)
		printf(dngettext(SR_TEXTDOMAIN, "pushed %zu commit; ",
				 "pushed %zu commits; ", res.pushed),
		       res.pushed);
	printf(_("now at %.12s\n"), res.local_after);
out:
	cli_print_diags(&err);
	free(ref);
	store_free(s);
	sr_error_release(&err);
	return ret;
}

const struct cmd_entry cmd_sync_entry = {
    "sync",
    "[REMOTE] [--quiet]",
    N_("fetch, combine and push the records branch"),
    N_("Fetches the records branch of REMOTE (a remote's name, a URL or a\n"
    "path; default origin) into refs/specreview/remote/REMOTE, combines it\n"
    "with the local one and pushes the result.  When both sides have new\n"
    "records, the local commits are replayed onto the remote's tip (a\n"
    "straight history, which a server that refuses non-fast-forward pushes\n"
    "accepts); a record already on the remote is not added twice.  Signed\n"
    "commits of yours are signed again with user.signingkey.  What would be\n"
    "pushed is verified first ('specreview verify').  When the remote moved\n"
    "meanwhile, it starts over.  Spec branches are never touched.\n"
    "\n"
    "Remotes: a bare repository by path or file:// URL, or ssh (keys from\n"
    "ssh-agent; the host must be in ~/.ssh/known_hosts).\n"
    "\n"
    "  -q, --quiet   say nothing when it worked\n"
    "\n"
    "Exit status: 0 in sync, 1 refused (verify, the remote's hook, records\n"
    "that cannot be combined), 2 errors.\n"),
    cmd_sync,
};
