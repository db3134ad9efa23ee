/*
 * cmd-roles.c - `specreview roles`: list or grant review roles.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "i18n.h"
#include "record.h"
#include "review.h"
#include "sshsig.h"
#include "strbuf.h"
#include "table.h"
#include "util.h"
#include "banned.h"

/* The first line of a .pub file, without its line break. */
static int read_pub(const char *file, char **out, struct sr_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	int ret = sr_read_file(&buf, &len, file, 64 * 1024, err);

	*out = NULL;
	if (ret < 0)
		return ret;
	buf[strcspn(buf, "\r\n")] = '\0';
	*out = buf;
	return 0;
}

/* on|off|true|false; -1 when neither. */
static int parse_switch(const char *s)
{
	if (!strcmp(s, "on") || !strcmp(s, "true"))
		return 1;
	if (!strcmp(s, "off") || !strcmp(s, "false"))
		return 0;
	return -1;
}

static int cmd_roles(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sr_error err = SR_ERROR_INIT;
	struct review *rv = NULL;
	struct roles roles = ROLES_INIT;
	struct review_roles_edit ed = { -1, NULL, NULL, NULL, -1 };
	const char *name = NULL, *keyfile = NULL;
	char *key = NULL;
	int opt, ret = 0, role = -1;
	size_t i, r;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			name = optarg;
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'h':
			return cli_help("roles");
		default:
			return cli_usage_error("roles", _("bad option"));
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (strcmp(argv[0], "list") && strcmp(argv[0], "add") &&
			 strcmp(argv[0], "require-signatures") &&
			 strcmp(argv[0], "allowed-signers")))
		return cli_usage_error("roles",
				       _("say 'list', 'add ROLE EMAIL', "
					 "'require-signatures on|off' or "
					 "'allowed-signers'"));
	if (!strcmp(argv[0], "require-signatures")) {
		if (argc != 2 || (ed.require_signatures =
				      parse_switch(argv[1])) < 0)
			return cli_usage_error(
			    "roles", _("roles require-signatures on|off"));
	} else if (!strcmp(argv[0], "add")) {
		if (argc != 3)
			return cli_usage_error("roles",
					       _("roles add ROLE EMAIL"));
		role = rec_role_parse(argv[1]);
		if (role < 0)
			return cli_usage_error("roles",
					       _("unknown role '%s' (author, "
						 "reviewer, adviser, "
						 "cio-assistant, admin)"),
					       argv[1]);
		if (!strchr(argv[2], '@'))
			return cli_usage_error("roles",
					       _("'%s' is not an email"),
					       argv[2]);
	} else if (argc != 1) {
		return cli_usage_error("roles",
				       _("roles %s takes no arguments"),
				       argv[0]);
	}
	if (review_open(&rv, cli_globals.repo, cli_globals.ref, 0, &err) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (!strcmp(argv[0], "require-signatures")) {
		ret = review_roles_change(rv, &ed, &err);
		if (ret == 0)
			printf(ed.require_signatures
				   ? _("signatures are required (%s)\n")
				   : _("signatures are no longer required "
				       "(%s)\n"),
			       rv->records_ref);
		ret = ret == 0 ? 0 : ret == SR_EDENIED ? EXIT_FINDINGS
						       : EXIT_USAGE;
		goto out;
	}
	if (!strcmp(argv[0], "add")) {
		if (keyfile && read_pub(keyfile, &key, &err) < 0) {
			ret = EXIT_USAGE;
			goto out;
		}
		ed.role = role;
		ed.email = argv[2];
		ed.name = name;
		ed.key = key;
		ret = review_roles_change(rv, &ed, &err);
		if (ret == 0)
			printf(key ? _("%s is now %s, with an SSH key (%s)\n")
				   : _("%s is now %s (%s)\n"),
			       argv[2], argv[1], rv->records_ref);
		ret = ret == 0 ? 0 : ret == SR_EDENIED ? EXIT_FINDINGS
						       : EXIT_USAGE;
		goto out;
	}
	if (review_roles(rv, &roles, &err) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (!strcmp(argv[0], "allowed-signers")) {
		struct strbuf sb = STRBUF_INIT;

		if (sshsig_allowed_signers(&roles, &sb) < 0) {
			cli_error("%s", _("out of memory"));
			ret = EXIT_USAGE;
		} else {
			ret = cli_write_stdout(sb.buf, sb.len);
		}
		strbuf_release(&sb);
		goto out;
	}
	if (!roles.npeople)
		printf(_("(no roles.yaml on %s yet: the first 'roles add' "
			 "creates it and makes its writer an admin)\n"),
		       rv->records_ref);
	for (i = 0; i < roles.npeople; i++) {
		struct strbuf line = STRBUF_INIT;

		table_cell(&line, roles.people[i].email, 32);
		strbuf_addch(&line, ' ');
		for (r = 0; r < ROLE__COUNT; r++)
			if (roles.people[i].roles & (1u << r))
				strbuf_addf(&line, "%s ", rec_role_name((enum rec_role)r));
		strbuf_rtrim(&line);
		if (roles.people[i].name)
			strbuf_addf(&line, "  (%s)", roles.people[i].name);
		if (roles.people[i].nkeys)
			strbuf_addf(&line,
				    dngettext(SR_TEXTDOMAIN, "  [%zu SSH key]",
					      "  [%zu SSH keys]",
					      roles.people[i].nkeys),
				    roles.people[i].nkeys);
		printf("%s\n", line.buf);
		strbuf_release(&line);
	}
	if (roles.require_signatures)
		printf("%s", _("(signatures required)\n"));
out:
	cli_print_diags(&err);
	free(key);
	roles_release(&roles);
	review_free(rv);
	sr_error_release(&err);
	return ret;
}

const struct cmd_entry cmd_roles_entry = {
	"roles",
	"list | add ROLE EMAIL [--name NAME] [--key FILE.pub] | require-signatures on|off | allowed-signers",
	N_("list or grant review roles (roles.yaml on the records branch)"),
	N_("Roles live in roles.yaml on the records branch, never on a spec\n"
	"branch, so an author cannot grant themselves a role.  Granting needs\n"
	"the admin role; the first 'roles add' on a repository creates\n"
	"roles.yaml and makes the person running it an admin (bootstrap).\n"
	"\n"
	"  ROLE     author, reviewer, adviser, cio-assistant, admin\n"
	"  --name   the person's name, for display\n"
	"  --key    an SSH public key of the person (a .pub file): their\n"
	"           sign-offs and opinions must then be signed with it\n"
	"           (git config gpg.format ssh, user.signingkey)\n"
	"\n"
	"'roles require-signatures on' makes every record and roles change\n"
	"need a signature by a key listed here ('specreview verify').\n"
	"'roles allowed-signers' prints the keys in git's allowed-signers\n"
	"format, for git config gpg.ssh.allowedSignersFile (git verify-commit,\n"
	"git log --show-signature).\n"),
	cmd_roles,
};
