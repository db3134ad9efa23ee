/*
 * gen.c - writes a deterministic synthetic corpus of specs for make bench:
 *   gen DIR NSPECS TOTAL_MB
 * Half Japanese, half English, with front matter, numbered chapters,
 * lists and tables, sentences of realistic length drawn from a fixed
 * phrase pool (some of them security clauses, most ordinary prose).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const ja_subj[] = {
	"受託者は、", "受注者は、", "請負者は、", "乙は、", "事業者は、",
	"当省は、", "担当職員は、", "本業務の実施に当たり、",
};
static const char *const ja_body[] = {
	"本業務の実施計画書を作成し、担当職員の承認を受けること",
	"作業の進捗状況を週次で報告すること",
	"システムの設計書、テスト計画書及びテスト結果報告書を納品すること",
	"業務の遂行に当たり知り得た情報を第三者に開示してはならない",
	"情報セキュリティインシデントが発生した場合には、直ちに担当職員に報告すること",
	"再委託を行う場合は、あらかじめ当省の承認を得ること",
	"業務終了時には、提供された情報を返却し、又は復元不可能な方法で消去すること",
	"データセンターは日本国内に設置されたものを利用すること",
	"成果物は電子媒体により提出し、不正プログラムの検査を行うこと",
	"会議の議事録を作成し、三営業日以内に提出すること",
	"既存システムからのデータ移行を計画的に実施すること",
	"利用者からの問合せに対応するヘルプデスクを設置すること",
	"端末の配備及び設定作業を行うこと",
	"アクセシビリティに配慮した画面設計を行うこと",
	"性能要件を満たすことを負荷試験により確認すること",
};
static const char *const ja_tail[] = { "。", "。", "ものとする。", "。" };
static const char *const en_subj[] = {
	"The Contractor shall ", "The vendor shall ", "The service provider must ",
	"The Government will ", "During the period of performance, the contractor shall ",
};
static const char *const en_body[] = {
	"deliver a project management plan within thirty days of award",
	"attend weekly status meetings with the Contracting Officer's Representative",
	"provide user research findings and design artifacts in an open format",
	"not disclose any information obtained in the course of this work to third parties",
	"report any security incident to the agency immediately and in no case later than one hour",
	"not subcontract any part of the work without the prior written approval of the agency",
	"return or securely destroy all agency data at the end of the contract",
	"maintain audit logs and protect them against tampering",
	"apply security patches to all components within the agreed time",
	"use a FedRAMP authorized cloud service for hosting",
	"migrate the existing records to the new platform without loss",
	"support accessibility testing against Section 508 requirements",
	"document the architecture, deployment and operating procedures",
	"train agency staff in the use of the new system",
};

static void para(FILE *f, int ja, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (ja)
			fprintf(f, "%s%s%s", ja_subj[rnd(8)], ja_body[rnd(15)],
				ja_tail[rnd(4)]);
		else
			fprintf(f, "%s%s. ", en_subj[rnd(5)], en_body[rnd(14)]);
		if (rnd(4) == 0)
			fputc('\n', f);
	}
	fputs("\n\n", f);
}

int main(int argc, char **argv)
{
	long nspecs, total, per, s;

	if (argc != 4) {
		fprintf(stderr, "usage: gen DIR NSPECS TOTAL_MB\n");
		return 2;
	}
	nspecs = atol(argv[2]);
	total = atol(argv[3]) * 1024L * 1024L;
	per = total / nspecs;
	if (mkdir(argv[1], 0755) < 0 && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	for (s = 0; s < nspecs; s++) {
		char path[4096];
		int ja = s % 2 == 0, ch = 1;
		FILE *f;

		snprintf(path, sizeof(path), "%s/spec-%05ld.md", argv[1], s);
		f = fopen(path, "w");
		if (!f) {
			perror(path);
			return 1;
		}
		fprintf(f, "---\ntitle: \"%s %ld\"\nkind: %s\nlang: %s\n"
			   "cloud: %s\npersonal_data: true\n---\n\n",
			ja ? "調達仕様書" : "Statement of Work", s,
			s % 3 == 0 ? "development" : s % 3 == 1 ? "operations" : "cloud",
			ja ? "ja" : "en", s % 3 == 2 ? "true" : "false");
		while (ftell(f) < per) {
			if (ja)
				fprintf(f, "## 第%d章 作業の実施内容\n\n", ch);
			else
				fprintf(f, "## %d. Scope of Work\n\n", ch);
			para(f, ja, 3 + (int)rnd(6));
			fprintf(f, ja ? "（%d）遵守事項\n\n" : "### %d.1 Requirements\n\n", ch);
			for (int k = 0; k < 4; k++) {
				fputs(ja ? "- " : "* ", f);
				para(f, ja, 1);
			}
			if (rnd(3) == 0)
				fprintf(f, "| 項目 | 内容 |\n|---|---|\n| 期間 | 令和%d年4月1日から |\n\n",
					1 + (int)rnd(8));
			ch++;
		}
		fclose(f);
	}
	return 0;
}
