"""Splink (DuckDB) on the data idgraph is measured on: the baseline of benchmarks/bench_accuracy.py.

Splink is a benchmark dependency, not a runtime one (``pip install splink``). Two entry points:

* :func:`run_splink_febrl` (FEBRL 1-4, the raw CSV files of ``idgraph.lab.febrl``): the settings of
  Splink's own FEBRL examples, as its authors wrote them (splink repository,
  ``docs/demos/examples/duckdb/febrl3.nb.py`` for deduplication, FEBRL 1-3, and ``febrl4.nb.py``'s
  "detailed model" for linkage, FEBRL 4; published at
  https://moj-analytical-services.github.io/splink/demos/examples/duckdb/febrl3.html and ``.../febrl4.html``):
  their comparisons, blocking rules, deterministic rules and recall for the prior, u by random sampling
  (``max_pairs=1e6``) and EM sessions on date of birth and postcode. A variant without ``soc_sec_id``
  (idgraph's ``names_dob_address``) drops that comparison and every rule on it. Changes: a seed for u
  (reproducible figures) and a ``uid`` column (``source:rec_id``) as the unique id, so the clusters are
  evaluated like idgraph's profiles.
* :func:`run_splink_table` (the generators' data): normalised customer records as idgraph's store holds
  them after ``ingest`` (its ``customers_frame()``: first email and first phone of each record), with a
  standard dedupe configuration: ``NameComparison`` on each name, ``DateOfBirthComparison``,
  ``EmailComparison``, Levenshtein on phone and postcode (exact levels with term frequencies),
  Jaro-Winkler on the address; blocking on first name + date of birth, last name + date of birth,
  postcode + first initial, email, phone; trained the usual way (prior from deterministic rules, u by
  random sampling, EM on names and on date of birth, as in Splink's ``deduplicate_50k_synthetic``).

Both predict, cluster at a match probability of 0.9 (``cluster_pairwise_predictions_at_threshold``) and
are evaluated by ``idgraph.queries.truth`` on the clusters. The best F1 over thresholds 0.5-0.99
(connected components of the predictions above each) is also reported: an oracle figure, since the
threshold is chosen with the truth. Seconds are Splink's linkage only: training, predict and clustering.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from pydantic import BaseModel

from idgraph.graph.components import components
from idgraph.lab.diagnostics import evaluate_clusters
from idgraph.queries.truth import Evaluation
from idgraph.lab.febrl import Dataset

THRESHOLD = 0.9
SWEEP = (*np.round(np.arange(0.5, 0.951, 0.05), 2).tolist(), 0.97, 0.98, 0.99)
SEED = 2  # the FEBRL3 example's seed for u


class SplinkResult(BaseModel):
    version: str
    config: str  # which configuration: the example followed, or "standard dedupe"
    records: int
    pairs_predicted: int  # pairs scored at or above the lowest threshold of the sweep
    threshold: float
    evaluation: Evaluation  # clusters at THRESHOLD
    best_threshold: float  # oracle: chosen with the truth
    best: Evaluation
    seconds: dict[str, float]  # train, predict, cluster, total


def _splink():
    try:
        import splink
    except ImportError:
        raise ImportError("the Splink baseline needs splink, a benchmark dependency: pip install 'splink>=5'") from None
    logging.getLogger("splink").setLevel(logging.WARNING)
    return splink


# -- FEBRL: Splink's own examples -------------------------------------------------------------------------

def _febrl3_settings(ssn: bool):
    """Splink's FEBRL3 deduplication example (febrl3.nb.py): settings and its training."""
    from splink import SettingsCreator, block_on
    import splink.comparison_library as cl

    blocking = [*([block_on("soc_sec_id")] if ssn else []), block_on("given_name"), block_on("surname"),
                block_on("date_of_birth"), block_on("postcode")]
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
        *([cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2])] if ssn else []),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
    ]
    settings = SettingsCreator(unique_id_column_name="uid", link_type="dedupe_only",
                               blocking_rules_to_generate_predictions=blocking, comparisons=comparisons,
                               retain_intermediate_calculation_columns=True)

    def train(linker) -> None:
        deterministic = [
            *([block_on("soc_sec_id")] if ssn else []),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name and l.date_of_birth = r.date_of_birth",
        ]
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.9)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=SEED)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))

    return settings, train


def _febrl4_settings(ssn: bool):
    """Splink's FEBRL4 linkage example (febrl4.nb.py), its "detailed model": settings and its training."""
    from splink import SettingsCreator, block_on
    import splink.comparison_library as cl

    blocking = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        *([block_on("soc_sec_id")] if ssn else []),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    comparisons = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
                                 invalid_dates_as_null=True),
        *([cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2])] if ssn else []),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
    ]
    settings = SettingsCreator(unique_id_column_name="uid", link_type="link_only",
                               blocking_rules_to_generate_predictions=blocking, comparisons=comparisons,
                               retain_intermediate_calculation_columns=True)

    def train(linker) -> None:
        deterministic = [*([block_on("soc_sec_id")] if ssn else []), block_on("given_name", "surname", "date_of_birth")]
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=SEED)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("date_of_birth"), estimate_without_term_frequencies=True)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("postcode"), estimate_without_term_frequencies=True)

    return settings, train


def run_splink_febrl(dataset: Dataset, variant: str) -> SplinkResult:
    """Splink on a FEBRL data set; ``variant`` ``with_ssn`` keeps soc_sec_id, any other drops it."""
    splink = _splink()
    ssn = variant == "with_ssn"
    con = duckdb.connect()
    tables = []
    for source, path in dataset.files.items():
        # As the examples prepare the data: text columns, date of birth, soc_sec_id and postcode trimmed.
        tables.append((source, con.sql(
            "SELECT ? || ':' || rec_id AS uid, ? AS source, rec_id AS record_id, * REPLACE ("
            "trim(date_of_birth) AS date_of_birth, trim(soc_sec_id) AS soc_sec_id, trim(postcode) AS postcode) "
            "FROM read_csv(?, all_varchar = true, header = true)", params=[source, source, str(path)])))
    settings, train = (_febrl4_settings if dataset.link_type == "link" else _febrl3_settings)(ssn)
    example = "febrl4.nb.py (detailed model)" if dataset.link_type == "link" else "febrl3.nb.py"
    return _run(splink, con, tables, settings, train, dataset.truth_path,
                f"Splink example {example}{'' if ssn else ', without soc_sec_id'}")


# -- our own data: a standard dedupe configuration -------------------------------------------------------

def splink_table(frame: pl.DataFrame) -> pl.DataFrame:
    """The table Splink reads, from ``store.customers_frame()``: one row per customer record."""
    return frame.select(
        "uid", "source", pl.col("source_id").alias("record_id"), "first_name", "last_name", "dob", "address",
        "postcode", "city", pl.col("emails").list.first().alias("email"),
        pl.col("phones").list.first().alias("phone"))


def _standard_settings():
    from splink import SettingsCreator, block_on
    import splink.comparison_library as cl

    blocking = [
        block_on("first_name", "dob"),
        block_on("last_name", "dob"),
        block_on("postcode", "substr(first_name, 1, 1)"),
        block_on("email"),
        block_on("phone"),
    ]
    comparisons = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.EmailComparison("email"),
        cl.LevenshteinAtThresholds("phone", [1, 2]).configure(term_frequency_adjustments=True),
        cl.LevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("address", [0.9, 0.7]),
    ]
    settings = SettingsCreator(unique_id_column_name="uid", link_type="dedupe_only",
                               blocking_rules_to_generate_predictions=blocking, comparisons=comparisons,
                               retain_intermediate_calculation_columns=True)

    def train(linker) -> None:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "last_name", "dob"), block_on("email")], recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=SEED)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "last_name"), estimate_without_term_frequencies=True)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("dob"), estimate_without_term_frequencies=True)

    return settings, train


def run_splink_table(frame: pl.DataFrame, truth: Path) -> SplinkResult:
    """Splink on customer records (``store.customers_frame()`` after ingest) against a truth file."""
    splink = _splink()
    con = duckdb.connect()
    table = con.from_arrow(splink_table(frame).to_arrow())
    settings, train = _standard_settings()
    return _run(splink, con, [("customers", table)], settings, train, truth, "standard dedupe (see module doc)")


# -- shared: train, predict, cluster, evaluate -----------------------------------------------------------

def _run(splink, con: duckdb.DuckDBPyConnection, tables: list[tuple[str, duckdb.DuckDBPyRelation]], settings,
         train: Callable, truth: Path, config: str) -> SplinkResult:
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(connection=con)
    registered = [db_api.register(t, dataset_display_name=name) for name, t in tables]
    records = pl.concat([t.select("uid", "source", "record_id").pl() for _, t in tables])
    clock = time.perf_counter()
    linker = Linker(registered if len(registered) > 1 else registered[0], settings, log_level=logging.WARNING)
    train(linker)
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=min(SWEEP))
    predicted = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD)
    clustered = time.perf_counter()

    cluster_of = clusters.as_duckdbpyrelation().select("uid", "cluster_id").pl()
    clustered_records = records.join(cluster_of, on="uid", how="left").select(
        "source", "record_id", pl.col("cluster_id").alias("cluster"))
    at_threshold = evaluate_clusters(clustered_records, truth)
    pairs = predictions.as_duckdbpyrelation().select("uid_l", "uid_r", "match_probability").pl()
    best_t, best = THRESHOLD, at_threshold
    for t in SWEEP:
        ev = _evaluate_at(records, pairs, t, truth)
        if ev.pairwise_f1 > best.pairwise_f1:
            best_t, best = t, ev
    return SplinkResult(
        version=splink.__version__,
        config=config,
        records=records.height,
        pairs_predicted=pairs.height,
        threshold=THRESHOLD,
        evaluation=at_threshold,
        best_threshold=best_t,
        best=best,
        seconds={"train": round(trained - clock, 2), "predict": round(predicted - trained, 2),
                 "cluster": round(clustered - predicted, 2), "total": round(clustered - clock, 2)},
    )


def _evaluate_at(records: pl.DataFrame, pairs: pl.DataFrame, threshold: float, truth: Path) -> Evaluation:
    """Connected components of the predictions at or above ``threshold`` (what Splink's clustering does)."""
    edges = pairs.filter(pl.col("match_probability") >= threshold).select(
        pl.col("uid_l").alias("a"), pl.col("uid_r").alias("b"))
    comp = components(records.get_column("uid"), edges)
    clusters = records.join(comp, on="uid").select("source", "record_id", pl.col("component").alias("cluster"))
    return evaluate_clusters(clusters, truth)


__all__ = ["SplinkResult", "run_splink_febrl", "run_splink_table", "splink_table"]
