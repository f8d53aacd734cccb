"""The character network of an analysed work, as files Gephi and networkx read.

Nodes are the characters (id = character id, `label` = name, plus gender,
mentions, lines, tagged and the network summary); edges are the `interactions`
pairs with their weight and the counts it sums (source = `a`, target = `b`). Formats: GraphML and GEXF
(networkx's writers; both open in Gephi, Cytoscape and yEd), CSV (one edge per
row, for spreadsheets and Gephi's edge-table import) and JSON (networkx's
node-link form, as D3 uses).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

FORMATS = ("graphml", "gexf", "csv", "json")
# The pair's directed counts, named for the edge's ends (source = pair's `a`).
EDGE_COUNTS = {"lines_a_to_b": "lines_source_to_target", "lines_b_to_a": "lines_target_to_source",
               "mentions_a_of_b": "mentions_source_of_target", "mentions_b_of_a": "mentions_target_of_source"}


def network_graph(doc: dict[str, Any]):
    """A networkx Graph of the document's characters and interactions."""
    import networkx as nx

    lines: dict[str, int] = {c["id"]: c["quotes"] for c in doc.get("characters", [])}
    interactions = doc.get("interactions") or {"pairs": [], "network": []}
    summary = {n["character"]: n for n in interactions["network"]}
    graph = nx.Graph(name=(doc.get("work") or {}).get("title") or "")
    for c in doc.get("characters", []):
        node = summary.get(c["id"], {})
        graph.add_node(
            c["id"], label=c["name"], gender=c["gender"], mentions=c["mentions"], lines=lines[c["id"]],
            tagged=c["tagged"], degree=node.get("degree", 0), weighted_degree=node.get("weighted_degree", 0),
            degree_centrality=float(node.get("degree_centrality", 0.0)), betweenness=float(node.get("betweenness", 0.0)),
        )
    # Nodes go in in character order and every pair has `a` before `b` in it, so
    # networkx reports (and writes) each edge as (a, b): "lines_a_to_b" is source -> target.
    for p in interactions["pairs"]:
        graph.add_edge(p["a"], p["b"], weight=p["weight"], shared_scenes=len(p["together"]),
                       **{name: p[key] for key, name in EDGE_COUNTS.items()})
    return graph


def render_network(doc: dict[str, Any], fmt: str) -> str:
    """The network as text in `fmt` (one of FORMATS)."""
    import networkx as nx

    graph = network_graph(doc)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(graph)) + "\n"
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(graph)) + "\n"
    if fmt == "json":
        return json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _edge_csv(graph)
    raise ValueError(f"unknown network format {fmt!r}")


def _edge_csv(graph) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["source", "target", "source_name", "target_name", "weight", *EDGE_COUNTS.values(), "shared_scenes"])
    for a, b, data in graph.edges(data=True):
        writer.writerow([a, b, graph.nodes[a]["label"], graph.nodes[b]["label"], data["weight"],
                         *(data[name] for name in EDGE_COUNTS.values()), data["shared_scenes"]])
    return out.getvalue()
