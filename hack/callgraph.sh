#!/bin/bash
# File-level call circles in runtime/ and specs/ (issue 11: "no circles").
# From the objects of a build (default build/, run `make aisbx` first): an
# edge a -> b when a.o uses a global symbol (function or data) that b.o
# defines. Every set of files that reach each other (a strongly connected
# component of more than one file) is printed, with the edges inside it and
# the symbols behind each edge. Exit 1 if there is any, 0 if none.
# Static functions are invisible to nm -g, so calls inside a file never count.
# Usage: hack/callgraph.sh [-e] [BUILD_DIR]   (-e: also print every edge)
set -u
cd "$(dirname "$0")/.." || exit 2
edges=0
if [ "${1:-}" = -e ]; then
    edges=1
    shift
fi
build=${1:-build}
objs=$(ls "$build"/runtime/*.o "$build"/runtime/*/*.o "$build"/specs/*.o 2>/dev/null)
if [ -z "$objs" ]; then
    echo "callgraph: no objects in $build/runtime or $build/specs (run make aisbx)" >&2
    exit 2
fi
for o in $objs; do
    f=${o#"$build"/}
    f=${f%.o}.c
    [ -e "$f" ] || continue # stale object of a removed or renamed file
    nm -g --defined-only "$o" | awk -v f="$f" 'NF == 3 { print "D", f, $3 }'
    nm -u "$o" | awk -v f="$f" '{ print "U", f, $NF }'
done | awk -v edges="$edges" '
    $1 == "D" { def[$3] = $2; next }
    $1 == "U" { use[++nu] = $2; usym[nu] = $3 }
    END {
        for (i = 1; i <= nu; i++) {
            b = def[usym[i]]
            if (b == "" || b == use[i])
                continue
            a = use[i]
            if (!((a, b) in reach)) {
                reach[a, b] = 1
                why[a, b] = usym[i]
            } else if (index(" " why[a, b] " ", " " usym[i] " ") == 0) {
                why[a, b] = why[a, b] " " usym[i]
            }
            node[a] = 1
            node[b] = 1
        }
        if (edges)
            for (e in why) {
                split(e, ab, SUBSEP)
                print "edge: " ab[1] " -> " ab[2] ": " why[e] | "sort"
            }
        close("sort")
        for (a in node)
            n[++nn] = a
        # Transitive closure (Floyd-Warshall): a few hundred files at most.
        for (k = 1; k <= nn; k++)
            for (i = 1; i <= nn; i++) {
                if (!((n[i], n[k]) in reach))
                    continue
                for (j = 1; j <= nn; j++)
                    if ((n[k], n[j]) in reach)
                        reach[n[i], n[j]] = 1
            }
        circles = 0
        for (i = 1; i <= nn; i++) {
            if (done[n[i]])
                continue
            members = n[i]
            count = 1
            done[n[i]] = 1
            for (j = 1; j <= nn; j++)
                if (!done[n[j]] && ((n[i], n[j]) in reach) && ((n[j], n[i]) in reach)) {
                    members = members " " n[j]
                    done[n[j]] = 1
                    count++
                }
            if (count < 2)
                continue
            circles++
            print "circle: " members
            m = split(members, mv, " ")
            for (x = 1; x <= m; x++)
                for (y = 1; y <= m; y++)
                    if (x != y && why[mv[x], mv[y]] != "")
                        print "    " mv[x] " -> " mv[y] ": " why[mv[x], mv[y]]
        }
        if (circles) {
            print "callgraph: " circles " circle(s) between files in runtime/ and specs/"
            exit 1
        }
        print "callgraph: no circles (" nn " files)"
    }'
