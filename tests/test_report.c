/*
 * test_report.c - the survey (src/report.h) and `specreview report` on
 * repositories built at run time with libgit2, with a checklist of six
 * items committed in the repository so that every rate is known:
 *
 *   item  severity     tags                          satisfied of 20
 *   T-1   mandatory    external, confidentiality     20  (100%)
 *   T-2   mandatory    human-error, integrity        19  (exactly 95%)
 *   T-3   mandatory    insider, availability         18  (exactly 90%)
 *   T-4   recommended  external+insider, conf.+int.  17  (85%)
 *   T-5   conditional  external, availability        applies to none
 *   T-6   mandatory    insider, availability         20  (100%)
 *
 * s18 has T-4 partial; s19 misses T-3 and T-4; s20 has T-2 partial, T-3
 * by reference only and T-4 missing, and a reviewer accepted its T-3.
 * Every number of every format is asserted against these.
 */
#include "testutil.h"
#include "testrepo.h"
#include "jsonv.h"

#include "check.h"
#include "checklist.h"
#include "error.h"
#include "record.h"
#include "report.h"
#include "review.h"
#include "strbuf.h"
#include "text.h"
#include "util.h"
#include "workflow.h"

static char *g_home;

static const char CHECKLIST[] =
	"id: survey\n"
	"version: '1'\n"
	"title: {ja: 調査, en: Survey}\n"
	"by_reference:\n"
	"  any: [as set out in the contract]\n"
	"items:\n"
	"  - id: T-1\n"
	"    title: {ja: 林檎は赤い, en: Apples are red}\n"
	"    severity: mandatory\n"
	"    tags: {threat: [external], property: [confidentiality]}\n"
	"    match:\n"
	"      all:\n"
	"        - any: [apple]\n"
	"        - any: [red]\n"
	"  - id: T-2\n"
	"    title: {ja: 葡萄は緑, en: Grapes are green}\n"
	"    severity: mandatory\n"
	"    tags: {threat: [human-error], property: [integrity]}\n"
	"    match:\n"
	"      all:\n"
	"        - any: [grape]\n"
	"        - any: [green]\n"
	"  - id: T-3\n"
	"    title: {ja: メロンは甘い, en: Melons are sweet}\n"
	"    severity: mandatory\n"
	"    tags: {threat: [insider], property: [availability]}\n"
	"    match:\n"
	"      all:\n"
	"        - any: [melon]\n"
	"        - any: [sweet]\n"
	"  - id: T-4\n"
	"    title: {ja: レモンは酸っぱい, en: Lemons are sour}\n"
	"    severity: recommended\n"
	"    tags: {threat: [external, insider],\n"
	"           property: [confidentiality, integrity]}\n"
	"    match:\n"
	"      all:\n"
	"        - any: [lemon]\n"
	"        - any: [sour]\n"
	"  - id: T-5\n"
	"    title: {ja: クラウドの地域, en: Cloud region}\n"
	"    severity: conditional\n"
	"    tags: {threat: [external], property: [availability]}\n"
	"    applies_when:\n"
	"      kind: [cloud]\n"
	"    match:\n"
	"      all:\n"
	"        - any: [cloud]\n"
	"        - any: [region]\n"
	"  - id: T-6\n"
	"    title: {ja: キウイは新鮮, en: Kiwis are fresh}\n"
	"    severity: mandatory\n"
	"    tags: {threat: [insider], property: [availability]}\n"
	"    match:\n"
	"      all:\n"
	"        - any: [kiwi]\n"
	"        - any: [fresh]\n";

#define NSPECS 20
#define NITEMS 6

/* Seconds since the epoch of a UTC civil time. */
static int64_t utc(int y, int mo, int d, int h)
{
	int64_t era, yoe, doy, doe;

	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400 + h * 3600;
}

/*
 * Spec number n (1-based) of the final fixture; `variant` 1 is the
 * early history: s10 lacks the apple sentence, everything else full.
 */
static char *spec_text(int n, int variant)
{
	struct strbuf sb = STRBUF_INIT;
	int apple = 1, grape = 2, melon = 2, lemon = 2;

	/* 2 = satisfied, 1 = partial, 3 = by reference, 0 = absent */
	if (variant == 0) {
		if (n == 18)
			lemon = 1;
		if (n == 19)
			melon = lemon = 0;
		if (n == 20) {
			grape = 1;
			melon = 3;
			lemon = 0;
		}
	} else if (variant == 1 && n == 10) {
		apple = 0;
	}
	strbuf_addf(&sb, "---\ntitle: Spec %02d\nkind: development\n---\n"
			 "# Spec %02d\n\n",
		    n, n);
	if (apple)
		strbuf_addstr(&sb, "The apple is red.\n\n");
	strbuf_addstr(&sb, grape == 2 ? "The grape is green.\n\n"
				      : "The grape is here.\n\n");
	if (melon == 2)
		strbuf_addstr(&sb, "The melon is sweet.\n\n");
	else if (melon == 3)
		strbuf_addstr(&sb, "The melon is as set out in the "
				   "contract.\n\n");
	if (lemon == 2)
		strbuf_addstr(&sb, "The lemon is sour.\n\n");
	else if (lemon == 1)
		strbuf_addstr(&sb, "The lemon is here.\n\n");
	strbuf_addstr(&sb, "The kiwi is fresh.\n");
	assert_false(sb.failed);
	return strbuf_detach(&sb, NULL);
}

struct fx {
	char *dir;
	git_repository *r;
	char head[41];
	char commits[8][41]; /* history fixture: in order */
};

/* Commits the checklist and `nspecs` specs of `variant` (and a readme). */
static void commit_specs(struct fx *f, int nspecs, int variant,
			 const char *readme, int64_t when, char out[41])
{
	struct tr_file files[NSPECS + 2];
	char *texts[NSPECS], paths[NSPECS][32];
	size_t n = 0;
	int i;
	git_oid id;

	files[n].path = "checklists/outsourcing-security.yaml";
	files[n++].data = CHECKLIST;
	files[n].path = "README.md";
	files[n++].data = readme;
	for (i = 0; i < nspecs; i++) {
		snprintf(paths[i], sizeof(paths[i]), "specs/s%02d.md", i + 1);
		texts[i] = spec_text(i + 1, variant);
		files[n].path = paths[i];
		files[n++].data = texts[i];
	}
	tr_clock = when;
	tr_commit(f->r, "HEAD", files, n, "specs\n", &id);
	tr_hex(out, &id);
	snprintf(f->head, sizeof(f->head), "%s", out);
	for (i = 0; i < nspecs; i++)
		free(texts[i]);
}

static void fail_err(const char *what, int ret, const struct sr_error *err)
{
	fail_msg("%s: %d %s", what, ret, err->n ? err->diags[0].msg : "");
}

/* A reviewer accepts T-3 of s20 (its only record). */
static void accept_s20(struct fx *f)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review *rv = NULL;
	struct review_disp disp = {"T-3", DISP_ACCEPTED, "in the contract", 0};
	struct review_request req;
	struct record *rec = NULL;
	char commit[STORE_OID_HEX];
	int ret;

	ret = review_open(&rv, f->dir, NULL, 0, &err);
	if (ret)
		fail_err("open", ret, &err);
	tr_as("Ada Admin", "ada@example.com", utc(2026, 4, 20, 0));
	ret = review_roles_add(rv, ROLE_REVIEWER, "rei@example.com",
			       "Rei Reviewer", &err);
	if (ret)
		fail_err("roles", ret, &err);
	tr_as("Rei Reviewer", "rei@example.com", utc(2026, 4, 21, 0));
	memset(&req, 0, sizeof(req));
	req.spec = "specs/s20.md";
	req.decision = DEC_COMMENT;
	req.role = -1;
	req.disps = &disp;
	req.ndisps = 1;
	ret = review_prepare(rv, &req, &rec, &err);
	if (ret == 0)
		ret = review_commit(rv, rec, commit, NULL, &err);
	if (ret)
		fail_err("record", ret, &err);
	record_free(rec);
	review_free(rv);
	tr_clear_ident();
	sr_error_release(&err);
}

/*
 * The survey fixture with its history, in JST (+09:00, as tr_commit
 * writes):
 *   0 2026-01-10  a readme only (before the first spec commit)
 *   1 2026-01-31 20:00Z = 02-01 05:00 JST: 10 specs, s10 without apple
 *   2 2026-02-20  the 10 specs, all full
 *     (no commit in March)
 *   3 2026-04-05  the 20 specs of the survey
 *   4 2026-04-10  only the readme changes (HEAD)
 */
static void fx_make(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	f->dir = t_mkdtemp();
	f->r = tr_mkrepo(f->dir, 0);
	{
		const struct tr_file readme[] = { { "README.md", "one\n" } };
		git_oid id;

		tr_clock = utc(2026, 1, 10, 0);
		tr_commit(f->r, "HEAD", readme, 1, "readme\n", &id);
		tr_hex(f->commits[0], &id);
	}
	commit_specs(f, 10, 1, "two\n", utc(2026, 1, 31, 20), f->commits[1]);
	commit_specs(f, 10, 2, "two\n", utc(2026, 2, 20, 0), f->commits[2]);
	commit_specs(f, NSPECS, 0, "two\n", utc(2026, 4, 5, 0), f->commits[3]);
	commit_specs(f, NSPECS, 0, "three\n", utc(2026, 4, 10, 0),
		     f->commits[4]);
	accept_s20(f);
}

static void fx_free(struct fx *f)
{
	git_repository_free(f->r);
	t_rm_rf(f->dir);
	free(f->dir);
}

static struct review *open_rv(const char *dir, const char *rev)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review *rv = NULL;
	int ret = report_open_review(&rv, dir, rev, &err);

	if (ret != 0)
		fail_err("open", ret, &err);
	sr_error_release(&err);
	return rv;
}

static struct report *survey(struct review *rv)
{
	struct sr_error err = SR_ERROR_INIT;
	struct report *rep = NULL;
	int ret = report_compute(&rep, rv, 2, &err);

	if (ret != 0)
		fail_err("report", ret, &err);
	sr_error_release(&err);
	return rep;
}

static void history(struct report *rep, int every, const char *since)
{
	struct report_history_opts o;
	struct sr_error err = SR_ERROR_INIT;
	int ret;

	memset(&o, 0, sizeof(o));
	o.every_commit = every;
	if (since)
		assert_int_equal(report_parse_date(since, &o.since, &err), 0);
	ret = report_history(rep, &o, NULL, NULL, &err);
	if (ret != 0)
		fail_err("history", ret, &err);
	assert_int_equal(err.n, 0);
	sr_error_release(&err);
}

/* The report in a format, as a new string; commit ids as "C<n>". */
static char *render(const struct report *rep, const struct fx *f,
		    enum report_format fmt, const char *lang, int table)
{
	struct report_format_opts o;
	struct strbuf sb = STRBUF_INIT, res = STRBUF_INIT;
	const char *p;
	char *s;

	memset(&o, 0, sizeof(o));
	o.format = fmt;
	o.lang = lang;
	o.table = (enum report_csv_table)(table < 0 ? 0 : table);
	assert_int_equal(report_format(&sb, rep, &o), 0);
	/* Commit ids, whole or cut to 12, become names. */
	for (p = sb.buf; *p;) {
		int k, hit = 0;

		for (k = 0; f && k < 5; k++) {
			size_t l = !strncmp(p, f->commits[k], 40) ? 40
				   : !strncmp(p, f->commits[k], 12) ? 12
								     : 0;

			if (l) {
				strbuf_addf(&res, "C%d", k);
				p += l;
				hit = 1;
				break;
			}
		}
		if (!hit)
			strbuf_addch(&res, *p++);
	}
	strbuf_release(&sb);
	s = strbuf_detach(&res, NULL);
	assert_non_null(s);
	return s;
}

static void dump(const char *what, const char *s)
{
	if (getenv("REPORT_DUMP"))
		fprintf(stderr, "==== %s\n%s==== end\n", what, s);
}

static size_t count_lines(const char *s, const char *eol)
{
	size_t n = 0;

	for (; (s = strstr(s, eol)); s += strlen(eol))
		n++;
	return n;
}

static size_t count_str(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

static const char WANT_TEXT_EN[] =
	"Survey of 20 specs at C4 (checklist survey 1)\n"
	"\n"
	"Items by implementation rate (rate = satisfied / applicable specs)\n"
	"                       100%   95–<100%    90–<95%       <90%      Total\n"
	"Items                     2          1          1          1          5\n"
	"Share                 40.0%      20.0%      20.0%      20.0%     100.0%\n"
	"Cumulative                2          3          4          5\n"
	"Cum. share            40.0%      60.0%      80.0%     100.0%\n"
	"(items that apply to no spec: 1; they have no rate and are in no band)\n"
	"\n"
	"By tag (rate = satisfied / applicable over the group's items)\n"
	"GROUP                     ITEMS      100%  95–<100%   90–<95%      <90%    RATE\n"
	"threat: external              3         1         0         0         1   92.5%\n"
	"threat: human-error           1         0         1         0         0   95.0%\n"
	"threat: insider               3         1         0         1         1   91.6%\n"
	"property: confidentiality     2         1         0         0         1   92.5%\n"
	"property: integrity           2         0         1         0         1   90.0%\n"
	"property: availability        3         1         0         1         0   95.0%\n"
	"\n"
	"Items\n"
	"ITEM TITLE                     APPL  SAT PART MISS  REF   RATE\n"
	"T-1  Apples are red              20   20    0    0    0 100.0% ████████████████\n"
	"T-2  Grapes are green            20   19    1    0    0  95.0% ███████████████▏\n"
	"T-3  Melons are sweet            20   18    0    1    1  90.0% ██████████████▍░\n"
	"T-4  Lemons are sour             20   17    1    2    0  85.0% █████████████▌░░\n"
	"T-5  Cloud region                 0    0    0    0    0      -\n"
	"T-6  Kiwis are fresh             20   20    0    0    0 100.0% ████████████████\n"
	"(APPL applicable, SAT satisfied, PART partial, MISS missing, REF by reference)\n"
	"\n"
	"Specs (coverage of applicable mandatory items)\n"
	"SPEC                        COVERAGE                   GAPS  STATE\n"
	"specs/s01.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s02.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s03.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s04.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s05.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s06.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s07.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s08.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s09.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s10.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s11.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s12.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s13.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s14.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s15.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s16.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s17.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s18.md                    4/4 100.0% ██████████     0  draft\n"
	"specs/s19.md                    3/4  75.0% ███████▌░░     1  draft\n"
	"specs/s20.md                    2/4  50.0% █████░░░░░     1  in-review\n"
	"(GAPS: mandatory gaps without a disposition; * changed since that state)\n"
	"\n"
	"History\n"
	"3 points from 2026-02 to 2026-04, each month's last commit\n"
	"MONTH   COMMIT         SPECS      100%  95–<100%   90–<95%      <90%\n"
	"2026-02 C2      10         5         0         0         0\n"
	"2026-03 C2      10         5         0         0         0\n"
	"2026-04 C4      20         2         1         1         1\n"
	"\n"
	"Trend by item (█ 100%, ▆ 95–<100%, ▄ 90–<95%, ▂ <90%, · no rate)\n"
	"T-1  Apples are red   ███                                       100.0% → 100.0%\n"
	"T-2  Grapes are green ██▆                                       100.0% →  95.0%\n"
	"T-3  Melons are sweet ██▄                                       100.0% →  90.0%\n"
	"T-4  Lemons are sour  ██▂                                       100.0% →  85.0%\n"
	"T-5  Cloud region     ···                                            - →      -\n"
	"T-6  Kiwis are fresh  ███                                       100.0% → 100.0%\n";

static const char WANT_MD_EN[] =
	"# Survey of specs\n"
	"\n"
	"- Commit: `C4`\n"
	"- Checklist: survey 1\n"
	"- Specs: 20\n"
	"- Rate (実施率): specs satisfying the item / specs it applies to, rounded down\n"
	"\n"
	"## Items by implementation rate\n"
	"\n"
	"|  | 100% | 95–<100% | 90–<95% | <90% | Total |\n"
	"|---|--:|--:|--:|--:|--:|\n"
	"| Items | 2 | 1 | 1 | 1 | 5 |\n"
	"| Share | 40.0% | 20.0% | 20.0% | 20.0% | 100.0% |\n"
	"| Cumulative | 2 | 3 | 4 | 5 |  |\n"
	"| Cumulative share | 40.0% | 60.0% | 80.0% | 100.0% |  |\n"
	"\n"
	"Items that apply to no spec: 1.  They have no rate and are in no band.\n"
	"\n"
	"## By tag\n"
	"\n"
	"| Group | Items | 100% | 95–<100% | 90–<95% | <90% | Rate |\n"
	"|---|--:|--:|--:|--:|--:|--:|\n"
	"| threat: external | 3 | 1 | 0 | 0 | 1 | 92.5% |\n"
	"| threat: human-error | 1 | 0 | 1 | 0 | 0 | 95.0% |\n"
	"| threat: insider | 3 | 1 | 0 | 1 | 1 | 91.6% |\n"
	"| property: confidentiality | 2 | 1 | 0 | 0 | 1 | 92.5% |\n"
	"| property: integrity | 2 | 0 | 1 | 0 | 1 | 90.0% |\n"
	"| property: availability | 3 | 1 | 0 | 1 | 0 | 95.0% |\n"
	"\n"
	"## Items\n"
	"\n"
	"| Item | Title | Applicable | Satisfied | Partial | Missing | By reference | Rate |\n"
	"|---|---|--:|--:|--:|--:|--:|--:|\n"
	"| T-1 | Apples are red | 20 | 20 | 0 | 0 | 0 | 100.0% |\n"
	"| T-2 | Grapes are green | 20 | 19 | 1 | 0 | 0 | 95.0% |\n"
	"| T-3 | Melons are sweet | 20 | 18 | 0 | 1 | 1 | 90.0% |\n"
	"| T-4 | Lemons are sour | 20 | 17 | 1 | 2 | 0 | 85.0% |\n"
	"| T-5 | Cloud region | 0 | 0 | 0 | 0 | 0 | - |\n"
	"| T-6 | Kiwis are fresh | 20 | 20 | 0 | 0 | 0 | 100.0% |\n"
	"\n"
	"## Specs\n"
	"\n"
	"| Spec | Mandatory satisfied | Coverage | Open gaps | State |\n"
	"|---|--:|--:|--:|---|\n"
	"| specs/s01.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s02.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s03.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s04.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s05.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s06.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s07.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s08.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s09.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s10.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s11.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s12.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s13.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s14.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s15.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s16.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s17.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s18.md | 4/4 | 100.0% | 0 | draft |\n"
	"| specs/s19.md | 3/4 | 75.0% | 1 | draft |\n"
	"| specs/s20.md | 2/4 | 50.0% | 1 | in-review |\n"
	"\n"
	"## History\n"
	"\n"
	"| Month | Commit | Specs | 100% | 95–<100% | 90–<95% | <90% |\n"
	"|---|---|--:|--:|--:|--:|--:|\n"
	"| 2026-02 | `C2` | 10 | 5 | 0 | 0 | 0 |\n"
	"| 2026-03 | `C2` | 10 | 5 | 0 | 0 | 0 |\n"
	"| 2026-04 | `C4` | 20 | 2 | 1 | 1 | 1 |\n"
	"\n"
	"### Rate by item\n"
	"\n"
	"| Item | 2026-02 | 2026-03 | 2026-04 |\n"
	"|---|--:|--:|--:|\n"
	"| T-1 | 100.0% | 100.0% | 100.0% |\n"
	"| T-2 | 100.0% | 100.0% | 95.0% |\n"
	"| T-3 | 100.0% | 100.0% | 90.0% |\n"
	"| T-4 | 100.0% | 100.0% | 85.0% |\n"
	"| T-5 | - | - | - |\n"
	"| T-6 | 100.0% | 100.0% | 100.0% |\n";

static const char WANT_CSV_0[] =
	"item,title,severity,threat,property,applicable,satisfied,partial,missing,by_reference,rate,band\r\n"
	"T-1,Apples are red,mandatory,external,confidentiality,20,20,0,0,0,1.0,100\r\n"
	"T-2,Grapes are green,mandatory,human-error,integrity,20,19,1,0,0,0.95,95-100\r\n"
	"T-3,Melons are sweet,mandatory,insider,availability,20,18,0,1,1,0.9,90-95\r\n"
	"T-4,Lemons are sour,recommended,external insider,confidentiality integrity,20,17,1,2,0,0.85,<90\r\n"
	"T-5,Cloud region,conditional,external,availability,0,0,0,0,0,,\r\n"
	"T-6,Kiwis are fresh,mandatory,insider,availability,20,20,0,0,0,1.0,100\r\n";

static const char WANT_CSV_1[] =
	"band,items,share,cumulative_items,cumulative_share\r\n"
	"100,2,0.4,2,0.4\r\n"
	"95-100,1,0.2,3,0.6\r\n"
	"90-95,1,0.2,4,0.8\r\n"
	"<90,1,0.2,5,1.0\r\n";

static const char WANT_CSV_2[] =
	"kind,tag,items,rated,applicable,satisfied,rate,band_100,band_95_100,band_90_95,band_lt_90\r\n"
	"threat,external,3,2,40,37,0.925,1,0,0,1\r\n"
	"threat,human-error,1,1,20,19,0.95,0,1,0,0\r\n"
	"threat,insider,3,3,60,55,0.9166666666666666,1,0,1,1\r\n"
	"property,confidentiality,2,2,40,37,0.925,1,0,0,1\r\n"
	"property,integrity,2,2,40,36,0.9,0,1,0,1\r\n"
	"property,availability,3,2,40,38,0.95,1,0,1,0\r\n";

static const char WANT_CSV_3[] =
	"path,title,mandatory,mandatory_satisfied,coverage,open_gaps,state,stale,error\r\n"
	"specs/s01.md,Spec 01,4,4,1.0,0,draft,false,\r\n"
	"specs/s02.md,Spec 02,4,4,1.0,0,draft,false,\r\n"
	"specs/s03.md,Spec 03,4,4,1.0,0,draft,false,\r\n"
	"specs/s04.md,Spec 04,4,4,1.0,0,draft,false,\r\n"
	"specs/s05.md,Spec 05,4,4,1.0,0,draft,false,\r\n"
	"specs/s06.md,Spec 06,4,4,1.0,0,draft,false,\r\n"
	"specs/s07.md,Spec 07,4,4,1.0,0,draft,false,\r\n"
	"specs/s08.md,Spec 08,4,4,1.0,0,draft,false,\r\n"
	"specs/s09.md,Spec 09,4,4,1.0,0,draft,false,\r\n"
	"specs/s10.md,Spec 10,4,4,1.0,0,draft,false,\r\n"
	"specs/s11.md,Spec 11,4,4,1.0,0,draft,false,\r\n"
	"specs/s12.md,Spec 12,4,4,1.0,0,draft,false,\r\n"
	"specs/s13.md,Spec 13,4,4,1.0,0,draft,false,\r\n"
	"specs/s14.md,Spec 14,4,4,1.0,0,draft,false,\r\n"
	"specs/s15.md,Spec 15,4,4,1.0,0,draft,false,\r\n"
	"specs/s16.md,Spec 16,4,4,1.0,0,draft,false,\r\n"
	"specs/s17.md,Spec 17,4,4,1.0,0,draft,false,\r\n"
	"specs/s18.md,Spec 18,4,4,1.0,0,draft,false,\r\n"
	"specs/s19.md,Spec 19,4,3,0.75,1,draft,false,\r\n"
	"specs/s20.md,Spec 20,4,2,0.5,1,in-review,false,\r\n";

static const char WANT_CSV_4[] =
	"point,commit,time,specs_total,item,applicable,satisfied,rate,band\r\n"
	"2026-02,C2,2026-02-20T00:00:00Z,10,T-1,10,10,1.0,100\r\n"
	"2026-02,C2,2026-02-20T00:00:00Z,10,T-2,10,10,1.0,100\r\n"
	"2026-02,C2,2026-02-20T00:00:00Z,10,T-3,10,10,1.0,100\r\n"
	"2026-02,C2,2026-02-20T00:00:00Z,10,T-4,10,10,1.0,100\r\n"
	"2026-02,C2,2026-02-20T00:00:00Z,10,T-5,0,0,,\r\n"
	"2026-02,C2,2026-02-20T00:00:00Z,10,T-6,10,10,1.0,100\r\n"
	"2026-03,C2,2026-02-20T00:00:00Z,10,T-1,10,10,1.0,100\r\n"
	"2026-03,C2,2026-02-20T00:00:00Z,10,T-2,10,10,1.0,100\r\n"
	"2026-03,C2,2026-02-20T00:00:00Z,10,T-3,10,10,1.0,100\r\n"
	"2026-03,C2,2026-02-20T00:00:00Z,10,T-4,10,10,1.0,100\r\n"
	"2026-03,C2,2026-02-20T00:00:00Z,10,T-5,0,0,,\r\n"
	"2026-03,C2,2026-02-20T00:00:00Z,10,T-6,10,10,1.0,100\r\n"
	"2026-04,C4,2026-04-10T00:00:00Z,20,T-1,20,20,1.0,100\r\n"
	"2026-04,C4,2026-04-10T00:00:00Z,20,T-2,20,19,0.95,95-100\r\n"
	"2026-04,C4,2026-04-10T00:00:00Z,20,T-3,20,18,0.9,90-95\r\n"
	"2026-04,C4,2026-04-10T00:00:00Z,20,T-4,20,17,0.85,<90\r\n"
	"2026-04,C4,2026-04-10T00:00:00Z,20,T-5,0,0,,\r\n"
	"2026-04,C4,2026-04-10T00:00:00Z,20,T-6,20,20,1.0,100\r\n";

/* ---- bands and bars ------------------------------------------------------ */

static void test_band_boundaries(void **state)
{
	static const struct {
		size_t sat, appl;
		int band;
	} cases[] = {
		{ 20, 20, REPORT_BAND_100 },  { 19, 20, REPORT_BAND_95 },
		{ 18, 20, REPORT_BAND_90 },   { 17, 20, REPORT_BAND_LOW },
		{ 0, 0, REPORT_BAND_NONE },   { 0, 7, REPORT_BAND_LOW },
		{ 1999, 2000, REPORT_BAND_95 }, { 95, 100, REPORT_BAND_95 },
		{ 94, 100, REPORT_BAND_90 },  { 90, 100, REPORT_BAND_90 },
		{ 89, 100, REPORT_BAND_LOW }, { 1, 1, REPORT_BAND_100 },
		{ 949, 1000, REPORT_BAND_90 }, { 899, 1000, REPORT_BAND_LOW },
		{ 57, 60, REPORT_BAND_95 },   { 54, 60, REPORT_BAND_90 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(cases); i++)
		assert_int_equal(report_band_of(cases[i].sat, cases[i].appl),
				 cases[i].band);
	assert_string_equal(report_band_name(REPORT_BAND_100), "100");
	assert_string_equal(report_band_name(REPORT_BAND_95), "95-100");
	assert_string_equal(report_band_name(REPORT_BAND_90), "90-95");
	assert_string_equal(report_band_name(REPORT_BAND_LOW), "<90");
}

static void test_bar_eighths(void **state)
{
	static const struct {
		size_t num, den, cells;
		const char *want;
	} cases[] = {
		{ 1, 2, 4, "██░░" }, { 0, 1, 3, "░░░" }, { 1, 1, 2, "██" },
		{ 1, 3, 1, "▎" },    { 0, 0, 3, "   " }, { 19, 20, 4, "███▊" },
		{ 199, 200, 2, "█▉" }, /* 99.5% never looks full */
	};
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(cases); i++) {
		struct strbuf sb = STRBUF_INIT;

		report_bar(&sb, cases[i].num, cases[i].den, cases[i].cells);
		assert_string_equal(sb.buf, cases[i].want);
		assert_int_equal(text_width(sb.buf, sb.len, 0), cases[i].cells);
		strbuf_release(&sb);
	}
}

static void test_parse_date(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct report_date d;

	(void)state;
	assert_int_equal(report_parse_date("2026-03", &d, &err), 0);
	assert_int_equal(d.year, 2026);
	assert_int_equal(d.month, 3);
	assert_int_equal(d.day, 0);
	assert_int_equal(report_parse_date("2025-12-31", &d, &err), 0);
	assert_int_equal(d.day, 31);
	assert_int_equal(report_parse_date("2026-13", &d, &err), SR_EINVAL);
	assert_int_equal(report_parse_date("26-01-01", &d, &err), SR_EINVAL);
	assert_int_equal(report_parse_date("2026-01-01x", &d, &err),
			 SR_EINVAL);
	assert_int_equal(report_parse_date("yesterday", &d, &err), SR_EINVAL);
	assert_int_equal(err.nerrors, 4);
	assert_non_null(strstr(err.diags[3].msg, "YYYY-MM-DD"));
	sr_error_release(&err);
}

/* ---- the engine's figures ----------------------------------------------- */

static void test_items_counts_and_rates(void **state)
{
	static const size_t want[NITEMS][5] = {
		/* applicable, satisfied, partial, missing, by_reference */
		{ 20, 20, 0, 0, 0 }, { 20, 19, 1, 0, 0 }, { 20, 18, 0, 1, 1 },
		{ 20, 17, 1, 2, 0 }, { 0, 0, 0, 0, 0 },   { 20, 20, 0, 0, 0 },
	};
	static const int bands[NITEMS] = {
		REPORT_BAND_100, REPORT_BAND_95, REPORT_BAND_90,
		REPORT_BAND_LOW, REPORT_BAND_NONE, REPORT_BAND_100,
	};
	struct fx f;
	struct review *rv;
	struct report *rep;
	size_t k, b[REPORT_NBANDS], unrated = 9;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	assert_int_equal(rep->nspecs, NSPECS);
	assert_int_equal(rep->nchecked, NSPECS);
	assert_int_equal(rep->nfailed, 0);
	assert_int_equal(rep->nitems, NITEMS);
	for (k = 0; k < NITEMS; k++) {
		const struct report_item *ri = &rep->items[k];

		assert_int_equal(ri->applicable, want[k][0]);
		assert_int_equal(ri->satisfied, want[k][1]);
		assert_int_equal(ri->partial, want[k][2]);
		assert_int_equal(ri->missing, want[k][3]);
		assert_int_equal(ri->by_reference, want[k][4]);
		assert_int_equal(report_band_of(ri->satisfied, ri->applicable),
				 bands[k]);
	}
	report_bands(rep, b, &unrated);
	assert_int_equal(b[REPORT_BAND_100], 2);
	assert_int_equal(b[REPORT_BAND_95], 1);
	assert_int_equal(b[REPORT_BAND_90], 1);
	assert_int_equal(b[REPORT_BAND_LOW], 1);
	assert_int_equal(unrated, 1);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_specs_coverage_gaps_state(void **state)
{
	struct fx f;
	struct review *rv;
	struct report *rep;
	size_t i;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	for (i = 0; i < NSPECS; i++) {
		const struct report_spec *sp = &rep->specs[i];
		char path[32];

		snprintf(path, sizeof(path), "specs/s%02zu.md", i + 1);
		assert_string_equal(sp->path, path);
		assert_true(sp->checked);
		assert_int_equal(sp->mandatory, 4);
		assert_int_equal(sp->mandatory_satisfied,
				 i == 18 ? 3 : i == 19 ? 2 : 4);
		/* s20's T-3 was accepted: only T-2 is open. */
		assert_int_equal(sp->open_gaps, i == 18 || i == 19 ? 1 : 0);
		assert_int_equal(sp->state, i == 19 ? WF_IN_REVIEW : WF_DRAFT);
		assert_false(sp->stale);
	}
	assert_string_equal(rep->specs[0].title, "Spec 01");
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_groups_by_tag(void **state)
{
	static const struct {
		size_t items, rated, appl, sat, bands[REPORT_NBANDS];
	} want[REPORT_NGROUPS] = {
		{ 3, 2, 40, 37, { 1, 0, 0, 1 } }, /* external */
		{ 1, 1, 20, 19, { 0, 1, 0, 0 } }, /* human-error */
		{ 3, 3, 60, 55, { 1, 0, 1, 1 } }, /* insider */
		{ 2, 2, 40, 37, { 1, 0, 0, 1 } }, /* confidentiality */
		{ 2, 2, 40, 36, { 0, 1, 0, 1 } }, /* integrity */
		{ 3, 2, 40, 38, { 1, 0, 1, 0 } }, /* availability */
	};
	struct fx f;
	struct review *rv;
	struct report *rep;
	int g, b;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	for (g = 0; g < REPORT_NGROUPS; g++) {
		struct report_group gr;

		report_group_get(rep, g, &gr);
		assert_int_equal(gr.items, want[g].items);
		assert_int_equal(gr.rated, want[g].rated);
		assert_int_equal(gr.applicable, want[g].appl);
		assert_int_equal(gr.satisfied, want[g].sat);
		for (b = 0; b < REPORT_NBANDS; b++)
			assert_int_equal(gr.bands[b], want[g].bands[b]);
	}
	assert_string_equal(report_group_kind(REPORT_G_INSIDER), "threat");
	assert_string_equal(report_group_tag(REPORT_G_INTEGRITY), "integrity");
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_item_gaps_list(void **state)
{
	struct fx f;
	struct review *rv;
	struct report *rep;
	size_t *idx = NULL, n = 0;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	/* T-4: missing in s19 and s20 first, then partial in s18. */
	assert_int_equal(report_item_gaps(rep, 3, &idx, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(idx[0], 18);
	assert_int_equal(idx[1], 19);
	assert_int_equal(idx[2], 17);
	free(idx);
	/* T-3: missing in s19, by reference in s20. */
	assert_int_equal(report_item_gaps(rep, 2, &idx, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(idx[0], 18);
	assert_int_equal(idx[1], 19);
	free(idx);
	/* T-1: none; T-5: applies to none. */
	assert_int_equal(report_item_gaps(rep, 0, &idx, &n), 0);
	assert_int_equal(n, 0);
	assert_null(idx);
	assert_int_equal(report_item_gaps(rep, 4, &idx, &n), 0);
	assert_int_equal(n, 0);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_incremental_equals_all(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct fx f;
	struct review *rv;
	struct report *a, *b = NULL;
	size_t i, k;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	a = survey(rv);
	/* As the TUI does it: a few specs at a time, some twice. */
	assert_int_equal(report_new(&b, rv, &err), 0);
	for (i = NSPECS; i-- > 0;) {
		assert_int_equal(report_check_spec(b, i), 0);
		assert_int_equal(report_check_spec(b, i), 0);
	}
	assert_int_equal(b->nchecked, NSPECS);
	for (k = 0; k < NITEMS; k++)
		assert_memory_equal(&a->items[k], &b->items[k],
				    sizeof(a->items[k]));
	report_free(a);
	report_free(b);
	review_free(rv);
	sr_error_release(&err);
	fx_free(&f);
}

/* ---- history -------------------------------------------------------------- */

/* Point p: label, commit index, specs, T-1 and T-2 figures, bands. */
struct want_point {
	const char *label;
	int commit;
	size_t specs, t1_appl, t1_sat, bands[REPORT_NBANDS], unrated;
};

static void check_points(const struct report *rep, const struct fx *f,
			 const struct want_point *w, size_t n)
{
	size_t p, b;

	assert_int_equal(rep->npoints, n);
	for (p = 0; p < n; p++) {
		const struct report_point *pt = &rep->points[p];

		assert_string_equal(pt->label, w[p].label);
		assert_string_equal(pt->commit, f->commits[w[p].commit]);
		assert_int_equal(pt->specs_total, w[p].specs);
		assert_int_equal(pt->specs_checked, w[p].specs);
		assert_int_equal(pt->applicable[0], w[p].t1_appl);
		assert_int_equal(pt->satisfied[0], w[p].t1_sat);
		for (b = 0; b < REPORT_NBANDS; b++)
			assert_int_equal(pt->bands[b], w[p].bands[b]);
		assert_int_equal(pt->unrated, w[p].unrated);
	}
}

static void test_history_monthly(void **state)
{
	/* January has no specs: history starts in February (JST), where
	 * the month's last commit is the second; March repeats it. */
	static const struct want_point want[] = {
		{ "2026-02", 2, 10, 10, 10, { 5, 0, 0, 0 }, 1 },
		{ "2026-03", 2, 10, 10, 10, { 5, 0, 0, 0 }, 1 },
		{ "2026-04", 4, 20, 20, 20, { 2, 1, 1, 1 }, 1 },
	};
	struct fx f;
	struct review *rv;
	struct report *rep;
	size_t k;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	history(rep, 0, NULL);
	check_points(rep, &f, want, SR_ARRAY_SIZE(want));
	/* The last point is the survey itself. */
	for (k = 0; k < NITEMS; k++) {
		assert_int_equal(rep->points[2].applicable[k],
				 rep->items[k].applicable);
		assert_int_equal(rep->points[2].satisfied[k],
				 rep->items[k].satisfied);
	}
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_history_every_commit(void **state)
{
	/* Commit 1 (1 February in JST) has s10 without apple: 90%.  The
	 * readme-only commit 4 changes no figure and is left out. */
	static const struct want_point want[] = {
		{ "2026-02-01", 1, 10, 10, 9, { 4, 0, 1, 0 }, 1 },
		{ "2026-02-20", 2, 10, 10, 10, { 5, 0, 0, 0 }, 1 },
		{ "2026-04-05", 3, 20, 20, 20, { 2, 1, 1, 1 }, 1 },
	};
	struct fx f;
	struct review *rv;
	struct report *rep;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	history(rep, 1, NULL);
	check_points(rep, &f, want, SR_ARRAY_SIZE(want));
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_history_since(void **state)
{
	static const struct want_point monthly[] = {
		{ "2026-03", 2, 10, 10, 10, { 5, 0, 0, 0 }, 1 },
		{ "2026-04", 4, 20, 20, 20, { 2, 1, 1, 1 }, 1 },
	};
	static const struct want_point commits[] = {
		{ "2026-02-20", 2, 10, 10, 10, { 5, 0, 0, 0 }, 1 },
		{ "2026-04-05", 3, 20, 20, 20, { 2, 1, 1, 1 }, 1 },
	};
	struct fx f;
	struct review *rv;
	struct report *rep;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	history(rep, 0, "2026-03");
	check_points(rep, &f, monthly, SR_ARRAY_SIZE(monthly));
	history(rep, 1, "2026-02-02");
	check_points(rep, &f, commits, SR_ARRAY_SIZE(commits));
	/* After the last commit: nothing. */
	history(rep, 0, "2027-01");
	assert_int_equal(rep->npoints, 0);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_history_at_older_ref(void **state)
{
	static const struct want_point want[] = {
		{ "2026-02", 2, 10, 10, 10, { 5, 0, 0, 0 }, 1 },
	};
	struct fx f;
	struct review *rv;
	struct report *rep;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, f.commits[2]);
	rep = survey(rv);
	history(rep, 0, NULL);
	check_points(rep, &f, want, SR_ARRAY_SIZE(want));
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

/* ---- empty repositories ---------------------------------------------------- */

static void test_empty_repository_clear_message(void **state)
{
	struct sr_error err = SR_ERROR_INIT;
	struct review *rv = NULL;
	char *dir = t_mkdtemp(), *out = NULL, *errs = NULL;
	git_repository *r = tr_mkrepo(dir, 0);

	(void)state;
	assert_int_equal(report_open_review(&rv, dir, NULL, &err),
			 SR_ENOTFOUND);
	assert_null(rv);
	assert_int_equal(err.n, 1);
	assert_non_null(strstr(err.diags[0].msg, "no commits yet"));
	assert_int_equal(t_run(&out, &errs, "%s --repo '%s' report", t_prog(),
			       dir),
			 2);
	assert_string_equal(out, "");
	assert_non_null(strstr(errs, "no commits yet"));
	free(out);
	free(errs);
	sr_error_release(&err);
	git_repository_free(r);
	t_rm_rf(dir);
	free(dir);
}

static void test_no_specs_no_division_by_zero(void **state)
{
	const struct tr_file files[] = {
		{ "checklists/outsourcing-security.yaml", CHECKLIST },
		{ "README.md", "nothing\n" },
	};
	struct fx f;
	struct review *rv;
	struct report *rep;
	char *s, *out = NULL, *errs = NULL;
	size_t b[REPORT_NBANDS], unrated = 0;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.dir = t_mkdtemp();
	f.r = tr_mkrepo(f.dir, 0);
	tr_commit(f.r, "HEAD", files, SR_ARRAY_SIZE(files), "none\n", NULL);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	assert_int_equal(rep->nspecs, 0);
	report_bands(rep, b, &unrated);
	assert_int_equal(b[0] + b[1] + b[2] + b[3], 0);
	assert_int_equal(unrated, NITEMS);
	history(rep, 0, NULL);
	assert_int_equal(rep->npoints, 0);

	s = render(rep, NULL, REPORT_TEXT, "en", -1);
	assert_non_null(strstr(s, "No specs match the spec globs"));
	assert_non_null(strstr(s, "(no commit with specs in this range)"));
	free(s);
	s = render(rep, NULL, REPORT_JSON, "en", -1);
	assert_true(json_valid(s));
	assert_non_null(strstr(s, "\"specs_total\":0,\"items\":[\n"
				  "{\"item\":\"T-1\",\"applicable\":0,"
				  "\"satisfied\":0,\"partial\":0,\"missing\":0,"
				  "\"by_reference\":0,\"rate\":null,"
				  "\"band\":null,"));
	assert_non_null(strstr(s, "{\"band\":\"100\",\"items\":0,"
				  "\"share\":null,\"cumulative_items\":0,"
				  "\"cumulative_share\":null}"));
	assert_non_null(strstr(s, "\"specs\":[],"));
	assert_non_null(strstr(s, "\"history\":{\"every_commit\":false,"
				  "\"points\":[]}"));
	free(s);
	s = render(rep, NULL, REPORT_MD, "en", -1);
	assert_non_null(strstr(s, "No specs match the spec globs"));
	free(s);
	s = render(rep, NULL, REPORT_HTML, "ja", -1);
	assert_non_null(strstr(s, "仕様書がありません"));
	free(s);
	s = render(rep, NULL, REPORT_CSV, "en", REPORT_CSV_BANDS);
	assert_string_equal(s, "band,items,share,cumulative_items,"
			       "cumulative_share\r\n"
			       "100,0,,0,\r\n95-100,0,,0,\r\n90-95,0,,0,\r\n"
			       "<90,0,,0,\r\n");
	free(s);
	/* The program says so, and still succeeds. */
	assert_int_equal(t_run(&out, &errs, "%s --repo '%s' report", t_prog(),
			       f.dir),
			 0);
	assert_non_null(strstr(errs, "no specs match the spec globs"));
	assert_non_null(strstr(out, "No specs match the spec globs"));
	free(out);
	free(errs);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

/* ---- formats ------------------------------------------------------------------ */

static void test_json_exact(void **state)
{
	static const char want[] =
		"{\"version\":1,\"ref\":\"C4\",\"specs_total\":20,\"items\":[\n"
		"{\"item\":\"T-1\",\"applicable\":20,\"satisfied\":20,"
		"\"partial\":0,\"missing\":0,\"by_reference\":0,\"rate\":1.0,"
		"\"band\":\"100\",\"severity\":\"mandatory\",\"title\":\"Apples "
		"are red\",\"title_ja\":\"林檎は赤い\",\"threat\":[\"external\"],"
		"\"property\":[\"confidentiality\"]},\n"
		"{\"item\":\"T-2\",\"applicable\":20,\"satisfied\":19,"
		"\"partial\":1,\"missing\":0,\"by_reference\":0,\"rate\":0.95,"
		"\"band\":\"95-100\",\"severity\":\"mandatory\",\"title\":"
		"\"Grapes are green\",\"title_ja\":\"葡萄は緑\",\"threat\":"
		"[\"human-error\"],\"property\":[\"integrity\"]},\n"
		"{\"item\":\"T-3\",\"applicable\":20,\"satisfied\":18,"
		"\"partial\":0,\"missing\":1,\"by_reference\":1,\"rate\":0.9,"
		"\"band\":\"90-95\",\"severity\":\"mandatory\",\"title\":"
		"\"Melons are sweet\",\"title_ja\":\"メロンは甘い\",\"threat\":"
		"[\"insider\"],\"property\":[\"availability\"]},\n"
		"{\"item\":\"T-4\",\"applicable\":20,\"satisfied\":17,"
		"\"partial\":1,\"missing\":2,\"by_reference\":0,\"rate\":0.85,"
		"\"band\":\"<90\",\"severity\":\"recommended\",\"title\":"
		"\"Lemons are sour\",\"title_ja\":\"レモンは酸っぱい\",\"threat\":"
		"[\"external\",\"insider\"],\"property\":[\"confidentiality\","
		"\"integrity\"]},\n"
		"{\"item\":\"T-5\",\"applicable\":0,\"satisfied\":0,"
		"\"partial\":0,\"missing\":0,\"by_reference\":0,\"rate\":null,"
		"\"band\":null,\"severity\":\"conditional\",\"title\":\"Cloud "
		"region\",\"title_ja\":\"クラウドの地域\",\"threat\":"
		"[\"external\"],\"property\":[\"availability\"]},\n"
		"{\"item\":\"T-6\",\"applicable\":20,\"satisfied\":20,"
		"\"partial\":0,\"missing\":0,\"by_reference\":0,\"rate\":1.0,"
		"\"band\":\"100\",\"severity\":\"mandatory\",\"title\":\"Kiwis "
		"are fresh\",\"title_ja\":\"キウイは新鮮\",\"threat\":"
		"[\"insider\"],\"property\":[\"availability\"]}],\n"
		"\"bands\":[{\"band\":\"100\",\"items\":2,\"share\":0.4,"
		"\"cumulative_items\":2,\"cumulative_share\":0.4},"
		"{\"band\":\"95-100\",\"items\":1,\"share\":0.2,"
		"\"cumulative_items\":3,\"cumulative_share\":0.6},"
		"{\"band\":\"90-95\",\"items\":1,\"share\":0.2,"
		"\"cumulative_items\":4,\"cumulative_share\":0.8},"
		"{\"band\":\"<90\",\"items\":1,\"share\":0.2,"
		"\"cumulative_items\":5,\"cumulative_share\":1.0}],\n"
		"\"specs\":[";
	struct fx f;
	struct review *rv;
	struct report *rep;
	struct strbuf sb = STRBUF_INIT;
	char *s;
	size_t i;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	s = render(rep, &f, REPORT_JSON, "ja", -1);
	dump("json", s);
	assert_true(json_valid(s));
	assert_memory_equal(s, want, strlen(want));
	/* Specs: 17 full, then s18..s20. */
	for (i = 1; i <= NSPECS; i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "{\"path\":\"specs/s%02zu.md\",\"coverage\":%s,"
				 "\"open_gaps\":%d,\"state\":\"%s\","
				 "\"stale\":false,\"title\":\"Spec %02zu\","
				 "\"mandatory\":4,\"mandatory_satisfied\":%d,"
				 "\"error\":null}",
			    i, i == 19 ? "0.75" : i == 20 ? "0.5" : "1.0",
			    i >= 19 ? 1 : 0, i == 20 ? "in-review" : "draft", i,
			    i == 19 ? 3 : i == 20 ? 2 : 4);
		assert_non_null(strstr(s, sb.buf));
	}
	assert_non_null(strstr(s, "],\n\"specs_checked\":20,\"rated_items\":5,"
				  "\"unrated_items\":1,\"checklist\":{\"id\":"
				  "\"survey\",\"version\":\"1\"},\n\"groups\":["));
	assert_non_null(strstr(
		s, "{\"kind\":\"threat\",\"tag\":\"external\",\"items\":3,"
		   "\"rated\":2,\"applicable\":40,\"satisfied\":37,\"rate\":"
		   "0.925,\"bands\":[{\"band\":\"100\",\"items\":1},{\"band\":"
		   "\"95-100\",\"items\":0},{\"band\":\"90-95\",\"items\":0},"
		   "{\"band\":\"<90\",\"items\":1}]}"));
	assert_non_null(strstr(
		s, "{\"kind\":\"threat\",\"tag\":\"human-error\",\"items\":1,"
		   "\"rated\":1,\"applicable\":20,\"satisfied\":19,\"rate\":"
		   "0.95,\"bands\":[{\"band\":\"100\",\"items\":0},{\"band\":"
		   "\"95-100\",\"items\":1},{\"band\":\"90-95\",\"items\":0},"
		   "{\"band\":\"<90\",\"items\":0}]}"));
	assert_non_null(strstr(
		s, "{\"kind\":\"threat\",\"tag\":\"insider\",\"items\":3,"
		   "\"rated\":3,\"applicable\":60,\"satisfied\":55,\"rate\":"
		   "0.9166666666666666,\"bands\":[{\"band\":\"100\",\"items\":"
		   "1},{\"band\":\"95-100\",\"items\":0},{\"band\":\"90-95\","
		   "\"items\":1},{\"band\":\"<90\",\"items\":1}]}"));
	assert_non_null(strstr(
		s, "{\"kind\":\"property\",\"tag\":\"confidentiality\","
		   "\"items\":2,\"rated\":2,\"applicable\":40,\"satisfied\":37,"
		   "\"rate\":0.925,\"bands\":[{\"band\":\"100\",\"items\":1},"
		   "{\"band\":\"95-100\",\"items\":0},{\"band\":\"90-95\","
		   "\"items\":0},{\"band\":\"<90\",\"items\":1}]}"));
	assert_non_null(strstr(
		s, "{\"kind\":\"property\",\"tag\":\"integrity\",\"items\":2,"
		   "\"rated\":2,\"applicable\":40,\"satisfied\":36,\"rate\":0.9,"
		   "\"bands\":[{\"band\":\"100\",\"items\":0},{\"band\":"
		   "\"95-100\",\"items\":1},{\"band\":\"90-95\",\"items\":0},"
		   "{\"band\":\"<90\",\"items\":1}]}"));
	assert_non_null(strstr(
		s, "{\"kind\":\"property\",\"tag\":\"availability\",\"items\":3,"
		   "\"rated\":2,\"applicable\":40,\"satisfied\":38,\"rate\":"
		   "0.95,\"bands\":[{\"band\":\"100\",\"items\":1},{\"band\":"
		   "\"95-100\",\"items\":0},{\"band\":\"90-95\",\"items\":1},"
		   "{\"band\":\"<90\",\"items\":0}]}]}\n"));
	assert_null(strstr(s, "\"history\""));
	free(s);
	strbuf_release(&sb);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_json_history(void **state)
{
	struct fx f;
	struct review *rv;
	struct report *rep;
	char *s;

	(void)state;
	fx_make(&f);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	history(rep, 1, NULL);
	s = render(rep, &f, REPORT_JSON, "en", -1);
	dump("json history", s);
	assert_true(json_valid(s));
	assert_non_null(strstr(
		s, ",\n\"history\":{\"every_commit\":true,\"points\":[\n"
		   "{\"label\":\"2026-02-01\",\"commit\":\"C1\",\"time\":"
		   "\"2026-01-31T20:00:00Z\",\"specs_total\":10,"
		   "\"specs_checked\":10,\"items\":[{\"item\":\"T-1\","
		   "\"applicable\":10,\"satisfied\":9,\"rate\":0.9},{\"item\":"
		   "\"T-2\",\"applicable\":10,\"satisfied\":10,\"rate\":1.0},"
		   "{\"item\":\"T-3\",\"applicable\":10,\"satisfied\":10,"
		   "\"rate\":1.0},{\"item\":\"T-4\",\"applicable\":10,"
		   "\"satisfied\":10,\"rate\":1.0},{\"item\":\"T-5\","
		   "\"applicable\":0,\"satisfied\":0,\"rate\":null},{\"item\":"
		   "\"T-6\",\"applicable\":10,\"satisfied\":10,\"rate\":1.0}],"
		   "\"bands\":[{\"band\":\"100\",\"items\":4},{\"band\":"
		   "\"95-100\",\"items\":0},{\"band\":\"90-95\",\"items\":1},"
		   "{\"band\":\"<90\",\"items\":0}]},\n"
		   "{\"label\":\"2026-02-20\",\"commit\":\"C2\",\"time\":"
		   "\"2026-02-20T00:00:00Z\",\"specs_total\":10,"));
	assert_non_null(strstr(
		s, "{\"label\":\"2026-04-05\",\"commit\":\"C3\",\"time\":"
		   "\"2026-04-05T00:00:00Z\",\"specs_total\":20,"
		   "\"specs_checked\":20,\"items\":[{\"item\":\"T-1\","
		   "\"applicable\":20,\"satisfied\":20,\"rate\":1.0},{\"item\":"
		   "\"T-2\",\"applicable\":20,\"satisfied\":19,\"rate\":0.95},"
		   "{\"item\":\"T-3\",\"applicable\":20,\"satisfied\":18,"
		   "\"rate\":0.9},{\"item\":\"T-4\",\"applicable\":20,"
		   "\"satisfied\":17,\"rate\":0.85},{\"item\":\"T-5\","
		   "\"applicable\":0,\"satisfied\":0,\"rate\":null},{\"item\":"
		   "\"T-6\",\"applicable\":20,\"satisfied\":20,\"rate\":1.0}],"
		   "\"bands\":[{\"band\":\"100\",\"items\":2},{\"band\":"
		   "\"95-100\",\"items\":1},{\"band\":\"90-95\",\"items\":1},"
		   "{\"band\":\"<90\",\"items\":1}]}]}}\n"));
	free(s);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

/* ---- formats, every number ---------------------------------------------------- */

/* Every line of `s` fits in `cols` screen columns. */
static void assert_lines_fit(const char *s, size_t cols)
{
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (text_width(s, len, 0) > cols)
			fail_msg("%zu columns: %.*s", text_width(s, len, 0),
				 (int)len, s);
		s += len + (e ? 1 : 0);
	}
}

static struct report *survey_with_history(struct fx *f, struct review **rv)
{
	struct report *rep;

	fx_make(f);
	*rv = open_rv(f->dir, NULL);
	rep = survey(*rv);
	history(rep, 0, NULL);
	return rep;
}

static void test_text_exact(void **state)
{
	struct fx f;
	struct review *rv;
	struct report *rep = survey_with_history(&f, &rv);
	char *s;

	(void)state;
	s = render(rep, &f, REPORT_TEXT, "en", -1);
	assert_string_equal(s, WANT_TEXT_EN);
	free(s);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_text_fits_80_columns(void **state)
{
	struct report_format_opts o;
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	struct review *rv;
	struct report *rep = survey_with_history(&f, &rv);
	char *s;

	(void)state;
	s = render(rep, NULL, REPORT_TEXT, "en", -1);
	assert_lines_fit(s, 80);
	free(s);
	s = render(rep, NULL, REPORT_TEXT, "ja", -1);
	assert_lines_fit(s, 80);
	/* Japanese titles and labels, aligned by screen columns. */
	assert_non_null(strstr(s, "実態調査: 仕様書 20 件"));
	assert_non_null(strstr(s, "\nT-4  レモンは酸っぱい            20   17    1"
				  "    2    0  85.0% █████████████▌░░\n"));
	assert_non_null(strstr(s, "\n項目数                2          1          1"
				  "          1          5\n"));
	assert_non_null(strstr(s, "\n脅威: 内部不正                3         1"
				  "         0         1         1   91.6%\n"));
	free(s);
	/* Wider terminals get longer titles, never longer lines. */
	memset(&o, 0, sizeof(o));
	o.format = REPORT_TEXT;
	o.lang = "en";
	o.width = 100;
	assert_int_equal(report_format(&sb, rep, &o), 0);
	assert_lines_fit(sb.buf, 100);
	strbuf_release(&sb);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_markdown_exact(void **state)
{
	struct fx f;
	struct review *rv;
	struct report *rep = survey_with_history(&f, &rv);
	char *s;

	(void)state;
	s = render(rep, &f, REPORT_MD, "en", -1);
	assert_string_equal(s, WANT_MD_EN);
	/* Every table row has as many cells as its header. */
	free(s);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_csv_exact_and_row_counts(void **state)
{
	static const struct {
		int table;
		const char *want;
		size_t rows; /* header included */
	} cases[] = {
		{ REPORT_CSV_ITEMS, WANT_CSV_0, 1 + NITEMS },
		{ REPORT_CSV_BANDS, WANT_CSV_1, 1 + REPORT_NBANDS },
		{ REPORT_CSV_GROUPS, WANT_CSV_2, 1 + REPORT_NGROUPS },
		{ REPORT_CSV_SPECS, WANT_CSV_3, 1 + NSPECS },
		{ REPORT_CSV_HISTORY, WANT_CSV_4, 1 + 3 * NITEMS },
	};
	struct report_format_opts o;
	struct strbuf sb = STRBUF_INIT;
	struct fx f;
	struct review *rv;
	struct report *rep = survey_with_history(&f, &rv);
	size_t i;

	(void)state;
	for (i = 0; i < SR_ARRAY_SIZE(cases); i++) {
		char *s = render(rep, &f, REPORT_CSV, "en", cases[i].table);
		const char *line = s;
		size_t fields = 0;

		assert_string_equal(s, cases[i].want);
		assert_int_equal(count_lines(s, "\r\n"), cases[i].rows);
		assert_int_equal(count_lines(s, "\n"), cases[i].rows);
		/* Every row has as many fields as the header. */
		while (*line) {
			const char *e = strstr(line, "\r\n");
			size_t n = 1;
			const char *p;

			for (p = line; p < e; p++)
				n += *p == ',';
			if (!fields)
				fields = n;
			assert_int_equal(n, fields);
			line = e + 2;
		}
		free(s);
	}
	/* Japanese titles, and a byte order mark for Excel on request. */
	memset(&o, 0, sizeof(o));
	o.format = REPORT_CSV;
	o.lang = "ja";
	o.bom = 1;
	assert_int_equal(report_format(&sb, rep, &o), 0);
	assert_memory_equal(sb.buf, "\xef\xbb\xbfitem,title,", 14);
	assert_non_null(strstr(sb.buf, "\r\nT-4,レモンは酸っぱい,recommended,"));
	strbuf_release(&sb);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_csv_quotes_fields(void **state)
{
	static const char cl[] =
		"id: q\nversion: '1'\ntitle: {ja: q, en: q}\nitems:\n"
		"  - id: Q-1\n"
		"    title: {ja: \"a, \\\"b\\\"\", en: \"a, \\\"b\\\"\"}\n"
		"    severity: mandatory\n"
		"    match:\n      all:\n        - any: [apple]\n";
	const struct tr_file files[] = {
		{ "checklists/outsourcing-security.yaml", cl },
		{ "specs/a,b.md", "The apple.\n" },
	};
	struct fx f;
	struct review *rv;
	struct report *rep;
	char *s;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.dir = t_mkdtemp();
	f.r = tr_mkrepo(f.dir, 0);
	tr_commit(f.r, "HEAD", files, SR_ARRAY_SIZE(files), "q\n", NULL);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	s = render(rep, NULL, REPORT_CSV, "en", REPORT_CSV_ITEMS);
	assert_non_null(strstr(s, "\r\nQ-1,\"a, \"\"b\"\"\",mandatory,,,1,1,0,0,"
				  "0,1.0,100\r\n"));
	free(s);
	s = render(rep, NULL, REPORT_CSV, "en", REPORT_CSV_SPECS);
	assert_non_null(strstr(s, "\r\n\"specs/a,b.md\",,1,1,1.0,0,draft,"
				  "false,\r\n"));
	free(s);
	s = render(rep, NULL, REPORT_MD, "en", -1);
	assert_non_null(strstr(s, "| Q-1 | a, \"b\" | 1 | 1 | 0 | 0 | 0 | "
				  "100.0% |\n"));
	free(s);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_html_self_contained(void **state)
{
	static const char *const rows[] = {
		/* bands: count, share, cumulative, cumulative share */
		"<tr><th>項目数</th><td class=\"n\">2</td><td class=\"n\">1</td>"
		"<td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">5"
		"</td></tr>",
		"<tr><th>割合</th><td class=\"n\">40.0%</td><td class=\"n\">"
		"20.0%</td><td class=\"n\">20.0%</td><td class=\"n\">20.0%</td>"
		"<td class=\"n\">100.0%</td></tr>",
		"<tr><th>累計</th><td class=\"n\">2</td><td class=\"n\">3</td>"
		"<td class=\"n\">4</td><td class=\"n\">5</td><td></td></tr>",
		"<tr><th>累計割合</th><td class=\"n\">40.0%</td><td class=\"n\">"
		"60.0%</td><td class=\"n\">80.0%</td><td class=\"n\">100.0%</td>"
		"<td></td></tr>",
		/* groups */
		"<tr><th>脅威: 外部からの攻撃</th><td class=\"n\">3</td><td "
		"class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">0</td>"
		"<td class=\"n\">1</td><td class=\"n b2\">92.5%</td></tr>",
		"<tr><th>脅威: 人為的ミス</th><td class=\"n\">1</td><td "
		"class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">0</td>"
		"<td class=\"n\">0</td><td class=\"n b1\">95.0%</td></tr>",
		"<tr><th>脅威: 内部不正</th><td class=\"n\">3</td><td "
		"class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">1</td>"
		"<td class=\"n\">1</td><td class=\"n b2\">91.6%</td></tr>",
		"<tr><th>特性: 機密性</th><td class=\"n\">2</td><td class=\"n\">"
		"1</td><td class=\"n\">0</td><td class=\"n\">0</td><td "
		"class=\"n\">1</td><td class=\"n b2\">92.5%</td></tr>",
		"<tr><th>特性: 完全性</th><td class=\"n\">2</td><td class=\"n\">"
		"0</td><td class=\"n\">1</td><td class=\"n\">0</td><td "
		"class=\"n\">1</td><td class=\"n b2\">90.0%</td></tr>",
		"<tr><th>特性: 可用性</th><td class=\"n\">3</td><td class=\"n\">"
		"1</td><td class=\"n\">0</td><td class=\"n\">1</td><td "
		"class=\"n\">0</td><td class=\"n b1\">95.0%</td></tr>",
		/* items */
		"<tr><td>T-1</td><td>林檎は赤い</td><td class=\"n\">20</td><td "
		"class=\"n\">20</td><td class=\"n\">0</td><td class=\"n\">0</td>"
		"<td class=\"n\">0</td><td class=\"n b0\">100.0%</td></tr>",
		"<tr><td>T-2</td><td>葡萄は緑</td><td class=\"n\">20</td><td "
		"class=\"n\">19</td><td class=\"n\">1</td><td class=\"n\">0</td>"
		"<td class=\"n\">0</td><td class=\"n b1\">95.0%</td></tr>",
		"<tr><td>T-3</td><td>メロンは甘い</td><td class=\"n\">20</td><td "
		"class=\"n\">18</td><td class=\"n\">0</td><td class=\"n\">1</td>"
		"<td class=\"n\">1</td><td class=\"n b2\">90.0%</td></tr>",
		"<tr><td>T-4</td><td>レモンは酸っぱい</td><td class=\"n\">20</td>"
		"<td class=\"n\">17</td><td class=\"n\">1</td><td class=\"n\">2"
		"</td><td class=\"n\">0</td><td class=\"n b3\">85.0%</td></tr>",
		"<tr><td>T-5</td><td>クラウドの地域</td><td class=\"n\">0</td><td "
		"class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">0</td>"
		"<td class=\"n\">0</td><td class=\"n bn\">-</td></tr>",
		"<tr><td>T-6</td><td>キウイは新鮮</td><td class=\"n\">20</td><td "
		"class=\"n\">20</td><td class=\"n\">0</td><td class=\"n\">0</td>"
		"<td class=\"n\">0</td><td class=\"n b0\">100.0%</td></tr>",
		/* specs */
		"<tr><td class=\"p\">specs/s18.md<br><small>Spec 18</small></td>"
		"<td class=\"n\">4/4</td><td class=\"n b0\">100.0%</td><td "
		"class=\"n\">0</td><td>draft</td></tr>",
		"<tr><td class=\"p\">specs/s19.md<br><small>Spec 19</small></td>"
		"<td class=\"n\">3/4</td><td class=\"n b3\">75.0%</td><td "
		"class=\"n\">1</td><td>draft</td></tr>",
		"<tr><td class=\"p\">specs/s20.md<br><small>Spec 20</small></td>"
		"<td class=\"n\">2/4</td><td class=\"n b3\">50.0%</td><td "
		"class=\"n\">1</td><td>in-review</td></tr>",
		/* the coverage chart: 560 px is 100% */
		"<rect x=\"90\" y=\"49\" width=\"532.0\" height=\"14\" "
		"fill=\"#6ab04c\"/><text x=\"658\" y=\"60\">95.0%</text>",
		"<rect x=\"90\" y=\"69\" width=\"504.0\" height=\"14\" "
		"fill=\"#d4a017\"/><text x=\"658\" y=\"80\">90.0%</text>",
		/* history */
		"<tr><td>2026-02</td><td><code>C2</code></td><td class=\"n\">10"
		"</td><td class=\"n\">5</td><td class=\"n\">0</td><td class=\"n\">"
		"0</td><td class=\"n\">0</td></tr>",
		"<tr><td>2026-03</td><td><code>C2</code></td><td class=\"n\">10"
		"</td><td class=\"n\">5</td><td class=\"n\">0</td><td class=\"n\">"
		"0</td><td class=\"n\">0</td></tr>",
		"<tr><td>2026-04</td><td><code>C4</code></td><td class=\"n\">20"
		"</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">"
		"1</td><td class=\"n\">1</td></tr>",
		"<polyline fill=\"none\" stroke=\"#1a7f37\" stroke-width=\"2\" "
		"points=\"44.0,16.0 392.0,16.0 740.0,138.4\"/>",
		"<td class=\"n b0\">100.0%</td><td class=\"n b3\">85.0%</td></tr>",
	};
	struct fx f;
	struct review *rv;
	struct report *rep = survey_with_history(&f, &rv);
	char *s;
	size_t i;

	(void)state;
	s = render(rep, &f, REPORT_HTML, "ja", -1);
	assert_memory_equal(s, "<!DOCTYPE html>\n<html lang=\"ja\">", 31);
	assert_non_null(strstr(s, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(s, "\"Noto Sans CJK JP\""));
	assert_non_null(strstr(s, "@media print"));
	assert_true(count_str(s, "<svg") >= 2 + NITEMS);
	assert_int_equal(count_str(s, "<svg"), count_str(s, "</svg>"));
	assert_int_equal(count_str(s, "<table>"), count_str(s, "</table>"));
	assert_int_equal(count_str(s, "<tr>"), count_str(s, "</tr>"));
	/* Nothing from outside: no scripts, links, fonts or URLs. */
	assert_null(strstr(s, "http://"));
	assert_null(strstr(s, "https://"));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "<link"));
	assert_null(strstr(s, "src="));
	assert_null(strstr(s, "url("));
	/* '<' of "<90%" is always escaped. */
	assert_null(strstr(s, "<90"));
	for (i = 0; i < SR_ARRAY_SIZE(rows); i++)
		if (!strstr(s, rows[i]))
			fail_msg("missing: %s", rows[i]);
	free(s);
	s = render(rep, &f, REPORT_HTML, "en", -1);
	assert_memory_equal(s, "<!DOCTYPE html>\n<html lang=\"en\">", 31);
	assert_non_null(strstr(s, "<tr><td>T-4</td><td>Lemons are sour</td>"));
	free(s);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

static void test_unreadable_spec_is_reported_not_counted(void **state)
{
	const struct tr_file files[] = {
		{ "checklists/outsourcing-security.yaml", CHECKLIST },
		{ "specs/bad.md", "---\ntitle: [unclosed\n---\nThe apple.\n" },
		{ "specs/good.md", "The apple is red.\n" },
	};
	struct fx f;
	struct review *rv;
	struct report *rep;
	char *s;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.dir = t_mkdtemp();
	f.r = tr_mkrepo(f.dir, 0);
	tr_commit(f.r, "HEAD", files, SR_ARRAY_SIZE(files), "bad\n", NULL);
	rv = open_rv(f.dir, NULL);
	rep = survey(rv);
	assert_int_equal(rep->nspecs, 2);
	assert_int_equal(rep->nchecked, 1);
	assert_int_equal(rep->nfailed, 1);
	assert_true(rep->specs[0].failed);
	assert_non_null(rep->specs[0].error);
	assert_int_equal(rep->items[0].applicable, 1);
	assert_int_equal(rep->items[0].satisfied, 1);
	s = render(rep, NULL, REPORT_JSON, "en", -1);
	assert_true(json_valid(s));
	assert_non_null(strstr(s, "{\"path\":\"specs/bad.md\",\"coverage\":null,"
				  "\"open_gaps\":null,\"state\":\"draft\","));
	assert_non_null(strstr(s, "\"specs_checked\":1,"));
	free(s);
	{
		char *out = NULL, *errs = NULL;

		assert_int_equal(t_run(&out, &errs, "%s --repo '%s' report",
				       t_prog(), f.dir),
				 0);
		assert_non_null(strstr(errs, "specs/bad.md: cannot be checked: "));
		free(out);
		free(errs);
	}
	s = render(rep, NULL, REPORT_TEXT, "en", -1);
	assert_non_null(strstr(s, "Specs that could not be checked, not counted: 1\n"));
	assert_non_null(strstr(s, "specs/bad.md                cannot be checked"));
	free(s);
	report_free(rep);
	review_free(rv);
	fx_free(&f);
}

/* ---- the program ---------------------------------------------------------------- */

struct count {
	char item[16];
	size_t n[5]; /* by enum finding_status */
};

/*
 * What `check --format json` says, summed: per item, the specs in each
 * status; per spec, mandatory and mandatory_satisfied.
 */
static size_t check_counts(const char *json, struct count *c, size_t max)
{
	static const char *const st[] = { "satisfied", "partial",
					  "by-reference", "missing",
					  "not-applicable" };
	const char *p = json;
	size_t n = 0, k;

	while ((p = strstr(p, "{\"item\":\""))) {
		char id[16], sev[16], status[20];

		assert_int_equal(sscanf(p, "{\"item\":\"%15[^\"]\",\"severity\":"
					   "\"%15[^\"]\",\"status\":\"%19[^\"]\"",
					id, sev, status),
				 3);
		for (k = 0; k < n && strcmp(c[k].item, id); k++)
			;
		if (k == n) {
			assert_true(n < max);
			memset(&c[n], 0, sizeof(c[n]));
			snprintf(c[n].item, sizeof(c[n].item), "%s", id);
			n++;
		}
		for (size_t s = 0; s < 5; s++)
			if (!strcmp(status, st[s]))
				c[k].n[s]++;
		p++;
	}
	return n;
}

/* `report --format json` agrees with `check --format json`, exactly. */
static void assert_agrees_with_check(const char *dir, size_t want_items)
{
	struct count c[64];
	struct strbuf sb = STRBUF_INIT;
	char *chk = NULL, *rep = NULL;
	const char *p;
	size_t n, k, specs = 0;

	assert_true(t_run(&chk, NULL, "%s --repo '%s' check --format json",
			  t_prog(), dir) <= 1);
	assert_int_equal(t_run(&rep, NULL, "%s --repo '%s' report --format json",
			       t_prog(), dir),
			 0);
	assert_true(json_valid(chk));
	assert_true(json_valid(rep));
	n = check_counts(chk, c, SR_ARRAY_SIZE(c));
	assert_int_equal(n, want_items);
	for (k = 0; k < n; k++) {
		size_t appl = c[k].n[0] + c[k].n[1] + c[k].n[2] + c[k].n[3];

		strbuf_reset(&sb);
		strbuf_addf(&sb, "{\"item\":\"%s\",\"applicable\":%zu,"
				 "\"satisfied\":%zu,\"partial\":%zu,"
				 "\"missing\":%zu,\"by_reference\":%zu,"
				 "\"rate\":",
			    c[k].item, appl, c[k].n[0], c[k].n[1], c[k].n[3],
			    c[k].n[2]);
		p = strstr(rep, sb.buf);
		if (!p)
			fail_msg("report lacks %s", sb.buf);
		if (appl) {
			double r = strtod(p + sb.len, NULL);

			assert_true(r == (double)c[k].n[0] / (double)appl);
		} else {
			assert_memory_equal(p + sb.len, "null", 4);
		}
	}
	/* Each spec's coverage is its summary's. */
	for (p = chk; (p = strstr(p, "\n{\"path\":\"")); p++) {
		char path[256];
		const char *q, *r;
		size_t mand, sat;

		assert_int_equal(sscanf(p, "\n{\"path\":\"%255[^\"]\"", path), 1);
		q = strstr(p, "\"mandatory\":");
		assert_int_equal(sscanf(q, "\"mandatory\":%zu,"
					   "\"mandatory_satisfied\":%zu",
					&mand, &sat),
				 2);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "{\"path\":\"%s\",\"coverage\":", path);
		r = strstr(rep, sb.buf);
		assert_non_null(r);
		if (mand)
			assert_true(strtod(r + sb.len, NULL) ==
				    (double)sat / (double)mand);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "\"mandatory\":%zu,\"mandatory_satisfied\":%zu,",
			    mand, sat);
		assert_non_null(strstr(r, sb.buf));
		assert_true(strstr(r, sb.buf) < strstr(r + 1, "{\"path\":") ||
			    !strstr(r + 1, "{\"path\":"));
		specs++;
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "\"specs_total\":%zu,", specs);
	assert_non_null(strstr(rep, sb.buf));
	strbuf_release(&sb);
	free(chk);
	free(rep);
}

static void test_cli_agrees_with_check(void **state)
{
	struct fx f;

	(void)state;
	fx_make(&f);
	assert_agrees_with_check(f.dir, NITEMS);
	fx_free(&f);
}

static void test_cli_agrees_with_check_on_samples(void **state)
{
	char *dir = t_mkdtemp();

	(void)state;
	assert_int_equal(t_run(NULL, NULL,
			       "cp -r '%s' '%s/specs' && cd '%s' && git init -q "
			       "&& git add -A && git -c user.name=t -c "
			       "user.email=t@example.com commit -qm specs",
			       t_src("specs"), dir, dir),
			 0);
	assert_agrees_with_check(dir, 28);
	t_rm_rf(dir);
	free(dir);
}

static void test_cli_formats_and_options(void **state)
{
	struct fx f;
	char *out = NULL, *err = NULL;

	(void)state;
	fx_make(&f);
	/* The language follows the locale unless --lang says otherwise. */
	assert_int_equal(t_run(&out, NULL, "LANG=ja_JP.UTF-8 %s --repo '%s' "
					   "report",
			       t_prog(), f.dir),
			 0);
	assert_non_null(strstr(out, "実態調査: 仕様書 20 件"));
	free(out);
	assert_int_equal(t_run(&out, NULL, "LANG=ja_JP.UTF-8 %s --repo '%s' "
					   "report --lang en",
			       t_prog(), f.dir),
			 0);
	assert_non_null(strstr(out, "Survey of 20 specs"));
	free(out);
	/* CSV of the history by default with --history. */
	assert_int_equal(t_run(&out, NULL, "%s --repo '%s' report --format csv "
					   "--history --every-commit",
			       t_prog(), f.dir),
			 0);
	assert_int_equal(count_lines(out, "\r\n"), 1 + 3 * NITEMS);
	free(out);
	assert_int_equal(t_run(&out, NULL, "%s --repo '%s' report --format csv "
					   "--table specs",
			       t_prog(), f.dir),
			 0);
	assert_int_equal(count_lines(out, "\r\n"), 1 + NSPECS);
	free(out);
	assert_int_equal(t_run(&out, NULL, "%s --repo '%s' report --format json "
					   "--history --since 2026-03",
			       t_prog(), f.dir),
			 0);
	assert_true(json_valid(out));
	assert_int_equal(count_str(out, "{\"label\":"), 2);
	free(out);
	assert_int_equal(t_run(&out, NULL, "%s --repo '%s' report --format html "
					   "--history",
			       t_prog(), f.dir),
			 0);
	assert_non_null(strstr(out, "<svg"));
	assert_null(strstr(out, "http"));
	free(out);
	/* Usage errors. */
	static const char *const bad[] = {
		"--format pdf", "--since 2026-03", "--history --since March",
		"--table specs", "--format csv --table nope",
		"--format csv --table history", "--lang fr", "--width 20",
		"extra",
	};
	for (size_t i = 0; i < SR_ARRAY_SIZE(bad); i++) {
		assert_int_equal(t_run(&out, &err, "%s --repo '%s' report %s",
				       t_prog(), f.dir, bad[i]),
				 2);
		assert_string_equal(out, "");
		assert_true(strlen(err) > 0);
		free(out);
		free(err);
	}
	fx_free(&f);
}

/* ---- the TUI's survey screen, driven in tmux ------------------------------ */

static char g_sock[64];

static int tmux_ok(const char *fmt, const char *arg)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), fmt, arg);
	return t_run(NULL, NULL, "tmux -L %s %s", g_sock, cmd);
}

/* Polls the screen until it shows `want` (10 s for sanitizer builds). */
static char *screen_until(const char *want)
{
	char *out = NULL;
	int i;

	for (i = 0; i < 1000; i++) {
		free(out);
		out = NULL;
		if (t_run(&out, NULL, "tmux -L %s capture-pane -p -t sr",
			  g_sock) == 0 &&
		    strstr(out, want))
			return out;
		usleep(10000);
	}
	fail_msg("screen never showed '%s':\n%s", want, out ? out : "");
	return NULL;
}

static void test_tui_survey_screen(void **state)
{
	struct fx f;
	char *scr;

	(void)state;
	if (t_run(NULL, NULL, "tmux -V") != 0) {
		fprintf(stderr, "test_report: tmux not installed, TUI test "
				"skipped\n");
		return;
	}
	fx_make(&f);
	snprintf(g_sock, sizeof(g_sock), "sr-report-%d", (int)getpid());
	{
		char cmd[1200];

		snprintf(cmd, sizeof(cmd), "cd '%s' && LANG=C.UTF-8 TERM=screen "
					   "'%s'; sleep 30",
			 f.dir, t_prog());
		assert_int_equal(t_run(NULL, NULL, "tmux -L %s -f /dev/null "
						   "new-session -d -s sr -x 100 "
						   "-y 30 \"%s\"",
				       g_sock, cmd),
				 0);
	}
	free(screen_until("sorted by"));
	assert_int_equal(tmux_ok("send-keys -t sr %s", "V"), 0);
	/* The band table and a bar per item, once every spec is checked:
	 * the survey fills in while idle, so wait for the final figures. */
	free(screen_until("· 20 specs ·"));
	scr = screen_until(" Items                   2          1 "
			   "         1          1          5\n");
	assert_non_null(strstr(scr, " Items                   2          1 "
				    "         1          1          5\n"));
	assert_non_null(strstr(scr, " Share               40.0%      20.0%"));
	assert_non_null(strstr(scr, " Cum. share          40.0%      60.0%"
				    "      80.0%     100.0%\n"));
	assert_non_null(strstr(scr, " (items with no rate: 1)\n"));
	assert_non_null(strstr(scr, "T-2  Grapes are green"));
	assert_non_null(strstr(scr, " 95.0% ███████████████████░    19/20"));
	assert_non_null(strstr(scr, " 90.0% ██████████████████░░    18/20"));
	free(scr);
	/* Enter on T-4: the specs without it, missing first. */
	assert_int_equal(tmux_ok("send-keys -t sr %s", "j j j Enter"), 0);
	scr = screen_until("3 specs without it");
	assert_non_null(strstr(scr, "T-4 Lemons are sour · 85.0% (17/20)"));
	assert_non_null(strstr(scr, "missing       specs/s19.md  Spec 19"));
	assert_non_null(strstr(scr, "missing       specs/s20.md  Spec 20"));
	assert_non_null(strstr(scr, "partial       specs/s18.md  Spec 18"));
	assert_true(strstr(scr, "s19.md") < strstr(scr, "s20.md"));
	assert_true(strstr(scr, "s20.md") < strstr(scr, "s18.md"));
	free(scr);
	/* Enter opens the spec in the review screen; q comes back. */
	assert_int_equal(tmux_ok("send-keys -t sr %s", "Enter"), 0);
	free(screen_until("specs/s19.md · Spec 19"));
	assert_int_equal(tmux_ok("send-keys -t sr %s", "Escape"), 0);
	free(screen_until("3 specs without it"));
	assert_int_equal(tmux_ok("send-keys -t sr %s", "Escape"), 0);
	free(screen_until("Cum. share"));
	tmux_ok("%s", "kill-server");
	t_run(NULL, NULL, "rm -f \"${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/%s\"",
	      g_sock);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_band_boundaries),
	    cmocka_unit_test(test_bar_eighths),
	    cmocka_unit_test(test_parse_date),
	    cmocka_unit_test(test_items_counts_and_rates),
	    cmocka_unit_test(test_specs_coverage_gaps_state),
	    cmocka_unit_test(test_groups_by_tag),
	    cmocka_unit_test(test_item_gaps_list),
	    cmocka_unit_test(test_incremental_equals_all),
	    cmocka_unit_test(test_history_monthly),
	    cmocka_unit_test(test_history_every_commit),
	    cmocka_unit_test(test_history_since),
	    cmocka_unit_test(test_history_at_older_ref),
	    cmocka_unit_test(test_empty_repository_clear_message),
	    cmocka_unit_test(test_no_specs_no_division_by_zero),
	    cmocka_unit_test(test_json_exact),
	    cmocka_unit_test(test_json_history),
	    cmocka_unit_test(test_text_exact),
	    cmocka_unit_test(test_text_fits_80_columns),
	    cmocka_unit_test(test_markdown_exact),
	    cmocka_unit_test(test_csv_exact_and_row_counts),
	    cmocka_unit_test(test_csv_quotes_fields),
	    cmocka_unit_test(test_html_self_contained),
	    cmocka_unit_test(test_unreadable_spec_is_reported_not_counted),
	    cmocka_unit_test(test_cli_agrees_with_check),
	    cmocka_unit_test(test_cli_agrees_with_check_on_samples),
	    cmocka_unit_test(test_cli_formats_and_options),
	    cmocka_unit_test(test_tui_survey_screen),
	};
	int ret;

	/*
	 * Neither libgit2 nor the git program may see the user's own
	 * configuration; the language is English unless a test says so.
	 */
	git_libgit2_init();
	g_home = t_mkdtemp();
	tr_isolate(g_home);
	setenv("LANG", "C.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	t_rm_rf(g_home);
	free(g_home);
	git_libgit2_shutdown();
	return ret;
}
