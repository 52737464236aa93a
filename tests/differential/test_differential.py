"""Differential test: holdfast and Knot DNS serve the same zones and must answer alike.

Both start on 127.0.0.1 with the quick-start zone, a tricky zone and a large generated one; a
generated query set goes to both; responses are normalised (record order, owner case) and any
difference not explained by whitelist.py fails the test with a readable diff. Run it inside
scripts/in-netns with HOLDFAST_BIN pointing at the binary under test.
"""
import pytest

import compare
import queries
import servers
import whitelist
import zones

# Differences printed in full when the test fails; the rest are counted.
SHOWN = 25


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("differential")
    zone_dir = workdir / "zones"
    zone_dir.mkdir()
    models = {
        "quickstart": zones.quickstart(zone_dir),
        "tricky": zones.tricky(zone_dir),
        "large": zones.large(zone_dir),
    }
    knot = servers.Knot(workdir)
    holdfast = servers.Holdfast(workdir)
    try:
        whitelist.SERVED_ZONES[:] = [m.origin for m in models.values()]
        knot.start(list(models.values()))
        holdfast.start(list(models.values()))
        yield models, holdfast.port, knot.port
    finally:
        holdfast.stop()
        knot.stop()


def check(name, query_set, served):
    models, ours, theirs = served
    count, real, accepted = compare.run(query_set, ours, theirs, whitelist.explain)
    reasons = {}
    for d in accepted:
        reasons[d.reason] = reasons.get(d.reason, 0) + 1
    print(f"\n[differential] zone {name}: {count} queries, {len(real)} differences, "
          f"{len(accepted)} whitelisted")
    for reason, n in sorted(reasons.items()):
        print(f"[differential]   {n:5d} x {reason}")
    if real:
        shown = "\n\n".join(d.render() for d in real[:SHOWN])
        pytest.fail(f"{len(real)} of {count} queries answered differently from Knot DNS "
                    f"(first {min(SHOWN, len(real))} shown, --- knot +++ holdfast):\n\n{shown}",
                    pytrace=False)


def test_quickstart_zone(served):
    check("quickstart", queries.small_zone_queries(served[0]["quickstart"], seed=1), served)


def test_tricky_zone(served):
    check("tricky", queries.small_zone_queries(served[0]["tricky"], seed=2), served)


def test_large_zone(served):
    model = served[0]["large"]
    kinds = queries.name_kinds(model)
    names = len(kinds["existing"]) + len(kinds["ent"])
    print(f"\n[differential] zone large: {names} names ({len(kinds['ent'])} empty non-terminals)")
    assert names >= 100000
    check("large", queries.large_zone_queries(model, seed=3), served)


def test_server_identity(served):
    check("chaos (NSID, id.server, version.bind)", queries.chaos_queries(), served)


def test_edns_edge_cases(served):
    check("EDNS edge cases", queries.protocol_queries(served[0].values()), served)
