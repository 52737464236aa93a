"""Prints the benchmark results gathered by bench/run as tables with ratios.

    python3 bench/table.py RESULTS_DIR

RESULTS_DIR holds udp.tsv (bench/lib.sh measure_udp rows), mem.tsv (bench/auth/auth.sh load
rows) and propagation.tsv (propagation_bench rows); any of them may be missing.
"""
import pathlib
import sys


def rows(path):
    if not path.exists():
        return []
    return [line.rstrip("\n").split("\t") for line in path.open() if line.strip()]


def num(text):
    try:
        return float(text)
    except ValueError:
        return None


def ratio(a, b):
    a, b = num(a), num(b)
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}"


def udp_tables(results):
    benches = []
    for row in results:
        if row[0] not in benches:
            benches.append(row[0])
    for bench in benches:
        group = [r for r in results if r[0] == bench]
        ours = next((r for r in group if r[1] == "holdfast"), None)
        first = group[0]
        print(f"\n{bench}: {first[2]} server thread(s) pinned to core {first[10]}, "
              f"dnsperf (1 thread) pinned to core {first[11]}")
        print(f"{'server':<10} {'QPS':>9} {'lost%':>6} {'CPU us/ans':>10} {'p50 us':>7} "
              f"{'p99 us':>7} {'p99.9 us':>8} {'resp B':>6} {'QPS hf/x':>8} {'CPU x/hf':>8}")
        for r in group:
            qps_ratio = ratio(ours[3], r[3]) if ours else "-"
            cpu_ratio = ratio(r[5], ours[5]) if ours else "-"
            print(f"{r[1]:<10} {r[3]:>9} {r[4]:>6} {r[5]:>10} {r[6]:>7} {r[7]:>7} {r[8]:>8} "
                  f"{r[9]:>6} {qps_ratio:>8} {cpu_ratio:>8}")


def mem_table(results):
    print("\nzone load and memory (PSS of the whole process tree after loading; anon: without the "
          "binary's and libraries' file pages)")
    print(f"{'names':>8} {'server':<10} {'load s':>7} {'PSS MiB':>8} {'anon MiB':>8} {'B/name':>7} "
          f"{'load x/hf':>9} {'mem x/hf':>8}")
    by_key = {(r[0], r[1]): r for r in results}
    sizes = sorted({int(r[0]) for r in results})
    for r in results:
        names, server, load, pss = r[0], r[1], r[2], r[3]
        anon = f"{int(r[4]) / 1024:.1f}" if len(r) > 4 else "-"
        # Bytes per name: the growth from the smallest zone to this one, per added name.
        per_name = "-"
        small = by_key.get((str(sizes[0]), server))
        if small and int(names) > sizes[0]:
            per_name = f"{(int(pss) - int(small[3])) * 1024 / (int(names) - sizes[0]):.0f}"
        ours = by_key.get((names, "holdfast"))
        load_ratio = ratio(load, ours[2]) if ours else "-"
        mem_ratio = ratio(pss, ours[3]) if ours else "-"
        print(f"{names:>8} {server:<10} {load:>7} {int(pss) / 1024:>8.1f} {anon:>8} {per_name:>7} "
              f"{load_ratio:>9} {mem_ratio:>8}")


def propagation_table(results):
    print("\nplan propagation: health record written -> answer changed (planner, 3 enactors, "
          "publisher; SQLite store)")
    print(f"{'endpoints':>9} {'samples':>7} {'start s':>7} {'p50 ms':>7} {'p90 ms':>7} "
          f"{'max ms':>7}")
    for r in results:
        print(f"{r[0]:>9} {r[1]:>7} {r[2]:>7} {r[3]:>7} {r[4]:>7} {r[5]:>7}")


def main():
    directory = pathlib.Path(sys.argv[1])
    udp = rows(directory / "udp.tsv")
    mem = rows(directory / "mem.tsv")
    propagation = rows(directory / "propagation.tsv")
    print("Ratios: 'QPS hf/x' = holdfast QPS / this server's (above 1: holdfast faster);")
    print("'CPU x/hf', 'load x/hf', 'mem x/hf' = this server's / holdfast's (above 1: holdfast "
          "cheaper).")
    if udp:
        udp_tables(udp)
    if mem:
        mem_table(mem)
    if propagation:
        propagation_table(propagation)


if __name__ == "__main__":
    main()
