#!/bin/sh
# make bench: checks a synthetic corpus (2,000 specs, 100 MB, half Japanese)
# with `specreview check --format json` and compares it, on the same files
# in the same run, with `grep -c -F -f TERMS` over every literal term of the
# shipped checklist.  Prints wall times, the ratio, MB/s and peak RSS.
set -eu
prog=${1:-./specreview}
dir=${BENCH_DIR:-build/bench}
nspecs=${BENCH_SPECS:-2000}
mb=${BENCH_MB:-100}
cc=${CC:-cc}

mkdir -p "$dir"
$cc -O2 -o "$dir/gen" tests/bench/gen.c
$cc -O2 -o "$dir/measure" tests/bench/measure.c
if [ ! -f "$dir/corpus/.done-$nspecs-$mb" ]; then
	rm -rf "$dir/corpus"
	echo "generating $nspecs specs, $mb MB in $dir/corpus ..."
	"$dir/gen" "$dir/corpus" "$nspecs" "$mb"
	touch "$dir/corpus/.done-$nspecs-$mb"
fi
"$prog" lint --terms checklists/outsourcing-security.yaml > "$dir/terms.txt"
bytes=$(cat "$dir/corpus"/*.md | wc -c)
echo "corpus: $nspecs specs, $bytes bytes; terms: $(wc -l < "$dir/terms.txt")"

# Warm the page cache so both commands read from memory.
cat "$dir/corpus"/*.md > /dev/null

run() { # name, command...
	name=$1; shift
	"$dir/measure" -o "$dir/$name.out" -- "$@" 2> "$dir/$name.m"
	cat "$dir/$name.m" >&2
}
run grep env LC_ALL=C.UTF-8 grep -c -F -f "$dir/terms.txt" -r "$dir/corpus"
run check "$prog" check --format json "$dir/corpus"

awk -v bytes="$bytes" '
	FNR == 1 { split($1, a, "="); t[FILENAME] = a[2]; split($2, b, "="); r[FILENAME] = b[2] }
	END {
		for (f in t) if (f ~ /grep/) g = f; else c = f
		printf "grep -c -F -f TERMS : %7.3f s  %7.1f MB/s  peak RSS %6.1f MB\n", t[g], bytes / 1048576 / t[g], r[g] / 1024
		printf "specreview check    : %7.3f s  %7.1f MB/s  peak RSS %6.1f MB\n", t[c], bytes / 1048576 / t[c], r[c] / 1024
		printf "ratio check/grep    : %7.2f  (target <= 2.0; RSS target < 64 MB)\n", t[c] / t[g]
	}' "$dir/grep.m" "$dir/check.m"
