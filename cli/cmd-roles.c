/*
 * cmd-roles.c - `specreview roles`: list or grant review roles.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "error.h"
#include "record.h"
#include "review.h"
#include "strbuf.h"
#include "table.h"
#include "banned.h"

static int cmd_roles(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sr_error err = SR_ERROR_INIT;
	struct review *rv = NULL;
	struct roles roles = ROLES_INIT;
	const char *name = NULL;
	int opt, ret = 0, role = -1;
	size_t i, r;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			name = optarg;
			break;
		case 'h':
			return cli_help("roles");
		default:
			return cli_usage_error("roles", "bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (strcmp(argv[0], "list") && strcmp(argv[0], "add")))
		return cli_usage_error("roles", "say 'list' or 'add ROLE EMAIL'");
	if (!strcmp(argv[0], "add")) {
		if (argc != 3)
			return cli_usage_error("roles", "roles add ROLE EMAIL");
		role = rec_role_parse(argv[1]);
		if (role < 0)
			return cli_usage_error("roles",
					       "unknown role '%s' (author, "
					       "reviewer, adviser, cio-assistant, "
					       "admin)",
					       argv[1]);
		if (!strchr(argv[2], '@'))
			return cli_usage_error("roles", "'%s' is not an email",
					       argv[2]);
	} else if (argc != 1) {
		return cli_usage_error("roles", "roles list takes no arguments");
	}
	if (review_open(&rv, cli_globals.repo, cli_globals.ref, 0, &err) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (!strcmp(argv[0], "add")) {
		ret = review_roles_add(rv, (enum rec_role)role, argv[2], name,
				       &err);
		if (ret == 0)
			printf("%s is now %s (%s)\n", argv[2], argv[1],
			       rv->records_ref);
		ret = ret == 0 ? 0 : ret == SR_EDENIED ? EXIT_FINDINGS
						       : EXIT_USAGE;
		goto out;
	}
	if (review_roles(rv, &roles, &err) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (!roles.npeople)
		printf("(no roles.yaml on %s yet: the first 'roles add' "
		       "creates it and makes its writer an admin)\n",
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
		printf("%s\n", line.buf);
		strbuf_release(&line);
	}
	if (roles.require_signatures)
		printf("(signatures required)\n");
out:
	cli_print_diags(&err);
	roles_release(&roles);
	review_free(rv);
	sr_error_release(&err);
	return ret;
}

const struct cmd_entry cmd_roles_entry = {
	"roles",
	"list | add ROLE EMAIL [--name NAME]",
	"list or grant review roles (roles.yaml on the records branch)",
	"Roles live in roles.yaml on the records branch, never on a spec\n"
	"branch, so an author cannot grant themselves a role.  Granting needs\n"
	"the admin role; the first 'roles add' on a repository creates\n"
	"roles.yaml and makes the person running it an admin (bootstrap).\n"
	"\n"
	"  ROLE     author, reviewer, adviser, cio-assistant, admin\n"
	"  --name   the person's name, for display\n",
	cmd_roles,
};
