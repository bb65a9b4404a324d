"""Connected components of the customer graph, vectorised.

Edges come as two columns of node names (customer uids and identifier keys). Names are factorised to
integer codes by polars and the components found by scipy's sparse-graph search: no Python loop per
edge, so millions of edges take about a second.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def components(customers: pl.Series, edges: pl.DataFrame) -> pl.DataFrame:
    """Label every customer with a component number.

    customers: the uids in scope (isolated ones get a component of their own).
    edges: columns a (a customer uid) and b (a customer uid or an identifier key).
    Returns uid, component; components numbered from 0, in no particular order.
    """
    names = pl.concat([customers.rename("name"), edges["a"].rename("name"), edges["b"].rename("name")]).unique()
    codes = pl.DataFrame({"name": names, "code": np.arange(len(names), dtype=np.int64)})
    coded = edges.select("a", "b").join(codes.rename({"name": "a", "code": "ia"}), on="a").join(
        codes.rename({"name": "b", "code": "ib"}), on="b")
    n = len(names)
    ia, ib = coded["ia"].to_numpy(), coded["ib"].to_numpy()
    graph = coo_matrix((np.ones(len(ia), dtype=np.int8), (ia, ib)), shape=(n, n)).tocsr()
    _, labels = connected_components(graph, directed=False)
    labelled = codes.with_columns(pl.Series("component", labels[codes["code"].to_numpy()]))
    return (pl.DataFrame({"uid": customers}).join(labelled.rename({"name": "uid"}), on="uid", how="left")
            .select("uid", "component"))
